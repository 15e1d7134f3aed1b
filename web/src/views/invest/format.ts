// Display helpers of the investment pages: money in 万元/亿元, stage names, lights.
import { t } from '@/i18n'
import type { LeadLight, Metric, Stage } from '@/api/invest'
import { MONEY_METRICS, STAGES } from '@/api/invest'

/** Yuan as "1.25亿元" from 100 million up, else "350万元". */
export function money(yuan: number | null | undefined): string {
  if (yuan === null || yuan === undefined) return '—'
  if (Math.abs(yuan) >= 1e8) return `${trim(yuan / 1e8)}${t('invest.unit.yi')}`
  return `${trim(yuan / 1e4)}${t('invest.unit.wan')}`
}

function trim(n: number): string {
  return (Math.round(n * 100) / 100).toLocaleString('zh-CN', { maximumFractionDigits: 2 })
}

/** A metric's value: money for amounts, a plain count otherwise. */
export function metricValue(m: Metric, v: number): string {
  return MONEY_METRICS.includes(m) ? money(v) : v.toLocaleString('zh-CN')
}

export function stageName(s: Stage | '' | null | undefined): string {
  return s ? t(`invest.stage.${s}`) : '—'
}

export function stageIndex(s: Stage | '' | null | undefined): number {
  return s ? STAGES.indexOf(s) : -1
}

export function lightType(l: LeadLight): 'success' | 'warning' | 'danger' | 'info' {
  return l === 'green' ? 'success' : l === 'yellow' ? 'warning' : l === 'red' ? 'danger' : 'info'
}

export function lightName(l: LeadLight): string {
  return t(`invest.light.${l}`)
}
