// Chart options of the supervision home page (pure, tested beside the Gantt).
import type { TrendPoint } from '@/api/tasks'
import { LIGHT_COLORS } from './taskFormat'

export interface TrendLabels {
  green: string
  yellow: string
  red: string
  closed: string
}

/**
 * The 60-day trend: open tasks stacked by light (green at the bottom, red on
 * top, so a red band that grows is what catches the eye) and the tasks
 * closed so far as a line on its own axis.
 */
export function buildTrendOption(points: TrendPoint[], labels: TrendLabels, compact = false) {
  const days = points.map((p) => p.day)
  const area = (key: 'green' | 'yellow' | 'red') => ({
    type: 'line' as const,
    name: labels[key],
    stack: 'open',
    smooth: true,
    symbol: 'none',
    lineStyle: { width: 1, color: LIGHT_COLORS[key] },
    itemStyle: { color: LIGHT_COLORS[key] },
    areaStyle: { color: LIGHT_COLORS[key], opacity: 0.55 },
    emphasis: { focus: 'series' as const },
    data: points.map((p) => p[key]),
  })
  return {
    animation: false,
    grid: { left: 8, right: 8, top: 40, bottom: 8, containLabel: true },
    tooltip: { trigger: 'axis', axisPointer: { type: 'line' } },
    legend: { top: 0, itemWidth: 14, itemHeight: 10, data: [labels.red, labels.yellow, labels.green, labels.closed] },
    xAxis: {
      type: 'category',
      boundaryGap: false,
      data: days,
      axisLabel: { formatter: (d: string) => d.slice(5), hideOverlap: true, interval: compact ? 14 : 6 },
      axisTick: { show: false },
    },
    yAxis: [
      { type: 'value', minInterval: 1, splitLine: { lineStyle: { type: 'dashed' } } },
      { type: 'value', minInterval: 1, splitLine: { show: false } },
    ],
    series: [
      area('green'),
      area('yellow'),
      area('red'),
      {
        type: 'line' as const,
        name: labels.closed,
        yAxisIndex: 1,
        smooth: true,
        symbol: 'none',
        lineStyle: { width: 2, color: '#1e50a2' },
        itemStyle: { color: '#1e50a2' },
        data: points.map((p) => p.closed),
      },
    ],
  }
}
