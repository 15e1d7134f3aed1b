// Investment attraction (招商引资): the display helpers, the stage tag, the
// funnel page against a mocked API, and the message catalogs.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { h } from 'vue'
import FunnelView from '@/views/invest/FunnelView.vue'
import StageTag from '@/views/invest/StageTag.vue'
import { lightType, metricValue, money, stageIndex, stageName } from '@/views/invest/format'
import { STAGES, type Funnel, type Stage } from '@/api/invest'
import { setCsrfToken } from '@/api/http'
import { session } from '@/stores/session'
import zh from '@/i18n/zh/invest'
import en from '@/i18n/en/invest'
import { json, mockFetch, waitFor } from './helpers'
import { $, $$, mountAt, signInAs } from './SupervisionFixtures'

// jsdom has no canvas: the chart is drawn by the browser tests.
vi.mock('@/views/invest/InvestChart.vue', () => ({ default: { props: ['option', 'height'], render: () => h('div', { class: 'chart-stub' }) } }))

function keys(o: object, p = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) => (typeof v === 'object' && v ? keys(v, `${p}${k}.`) : [`${p}${k}`]))
}

describe('invest helpers', () => {
  it('shows money in 万元 below 1亿 and in 亿元 above', () => {
    expect(money(3_500_000)).toBe('350万元')
    expect(money(125_000_000)).toBe('1.25亿元')
    expect(money(null)).toBe('—')
    expect(metricValue('signed_amount', 200_000_000)).toBe('2亿元')
    expect(metricValue('signed_count', 1234)).toBe('1,234')
  })
  it('orders the stages along the funnel and names them', () => {
    expect(stageIndex('clue')).toBe(0)
    expect(stageIndex('producing')).toBe(STAGES.length - 1)
    expect(stageIndex('')).toBe(-1)
    expect(stageName('signed')).toBe('签约')
    expect(stageName(null)).toBe('—')
  })
  it('colours the lights', () => {
    expect(lightType('red')).toBe('danger')
    expect(lightType('yellow')).toBe('warning')
    expect(lightType('none')).toBe('info')
  })
  it('has the same keys in Chinese and English', () => {
    expect(keys(en).sort()).toEqual(keys(zh).sort())
  })
})

describe('stage tag', () => {
  it('is grey before contact, blue while talking and green from signing on', () => {
    const type = (stage: Stage) => mount(StageTag, { props: { stage } }).find('.el-tag').classes()
    expect(type('clue')).toContain('el-tag--info')
    expect(type('negotiate')).toContain('el-tag--primary')
    expect(type('signed')).toContain('el-tag--success')
  })
})

describe('funnel page', () => {
  let mounted: VueWrapper | undefined
  beforeEach(() => setCsrfToken('csrf'))
  afterEach(() => {
    mounted?.unmount()
    document.body.innerHTML = ''
    vi.unstubAllGlobals()
    session.user = null
  })

  const funnel: Funnel = {
    total: 120,
    amount: 9_800_000_000,
    lights: { green: 100, yellow: 15, red: 5 },
    stages: STAGES.map((stage, i) => ({ stage, count: 15, amount: 1e9, reached: 120 - i * 15 })),
    chains: [{ chain: { id: 1, name: '新能源' }, total: 40, amount: 3e9, signed: 10, signed_amount: 1.2e9, by_stage: Object.fromEntries(STAGES.map((s) => [s, 5])) as Record<Stage, number> }],
  }

  it('shows the totals, the stages with their conversion, and the chains', async () => {
    signInAs('supervisor')
    const { calls } = mockFetch({
      'GET /api/v1/invest/funnel': () => json(funnel),
      'GET /api/v1/invest/chains': () => json([{ id: 1, name: '新能源' }]),
      'GET /api/v1/invest/teams': () => json([{ id: 9, name: '新能源招商专班', kind: 'taskforce' }]),
    })
    mounted = (await mountAt(FunnelView, '/invest/funnel', '/invest/funnel')).wrapper
    await flushPromises()
    await waitFor(() => $('[data-test=funnel-total]')?.textContent === '120')
    expect($('.chart-stub')).not.toBeNull()
    const stageRows = $$('[data-test=funnel-stages] .el-table__body tr')
    expect(stageRows).toHaveLength(STAGES.length)
    expect(stageRows[0]?.textContent).toContain('线索')
    // 105 of the 120 leads went past 线索: 88%.
    expect(stageRows[1]?.textContent).toContain('88%')
    expect($('[data-test=funnel-chains]')?.textContent).toContain('新能源')
    expect(calls.some((c) => c.url.startsWith('/api/v1/invest/funnel'))).toBe(true)
  })

  it('says so when there are no leads', async () => {
    signInAs('supervisor')
    mockFetch({
      'GET /api/v1/invest/funnel': () => json({ ...funnel, total: 0, amount: 0, stages: [], chains: [], lights: { green: 0, yellow: 0, red: 0 } }),
      'GET /api/v1/invest/chains': () => json([]),
      'GET /api/v1/invest/teams': () => json([]),
    })
    mounted = (await mountAt(FunnelView, '/invest/funnel', '/invest/funnel')).wrapper
    await flushPromises()
    await waitFor(() => expect($('.iv-funnel .el-empty')).not.toBeNull())
    expect($('[data-test=funnel-chart]')).toBeNull()
  })
})
