import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import JudgeSheetView from '@/views/projects/tours/JudgeSheetView.vue'
import JudgeTourView from '@/views/projects/tours/JudgeTourView.vue'
import type { MyTour, Sheet } from '@/api/tours'
import { menuFor, type MenuEntry } from '@/modules'
import { setCsrfToken } from '@/api/http'
import { session } from '@/stores/session'
import { apiError, json, mockFetch, waitFor } from './helpers'
import { $, $$, mountAt, signInAs } from './SupervisionFixtures'

const project = (id: number) => ({ id, name: `项目${id}`, code: `XM${id}`, town: { id: 2, name: '青石镇' }, unit: { id: 2, name: '青石镇' }, total_investment: 1.2e9, phase: 'continued' })
const criteria = [
  { seq: 1, name: '项目体量', max: 30 },
  { seq: 2, name: '建设进度', max: 30 },
  { seq: 3, name: '形象面貌', max: 20 },
  { seq: 4, name: '带动效益', max: 20 },
]

function sheet(over: Partial<Sheet> = {}): Sheet {
  return {
    tour_id: 7, tour_name: '11月观摩', tour_status: 'open', project: project(21), seq: 1, stops: 3, prev_project_id: 0, next_project_id: 22,
    criteria, points: [null, null, null, null], total: 0, status: '', comment: '', submitted_at: null, updated_at: null, ...over,
  }
}

const toursGroup = (roles: string[]) => {
  const g = menuFor(roles).find((e): e is Extract<MenuEntry, { kind: 'group' }> => e.kind === 'group' && e.key === 'tours')
  return g ? g.children.map((c) => c.name) : []
}

describe('tours menu', () => {
  it('shows the tours list to the office, readers and judges, not to field staff', () => {
    for (const r of ['supervisor', 'leader', 'unit_admin', 'staff', 'judge']) expect(toursGroup([r])).toEqual(['tours'])
    expect(toursGroup(['field'])).toEqual([])
  })
})

describe('judge pages', () => {
  beforeEach(() => setCsrfToken('csrf'))
  afterEach(() => {
    document.body.innerHTML = ''
    vi.unstubAllGlobals()
    session.user = null
  })

  it('lists the route in order with the judge’s own marks', async () => {
    signInAs('judge')
    const my: MyTour = {
      id: 7, name: '11月观摩', date: '2026-11-27', route: '集合 → 现场', status: 'open', status_name: '评分中', drop_min_judges: 5, note: '',
      projects: 3, judge_count: 3, opened_at: null, closed_at: null, created_at: '', updated_at: '', on_tour: true, can_manage: false,
      submitted: 1, sheets_total: 3, criteria,
      stops: [21, 22, 23].map((id, i) => ({ seq: i + 1, project: project(id), finding_tags: [], findings: '', submitted: 0,
        my_sheet: i === 0 ? 'submitted' : i === 1 ? 'draft' : '', my_total: i === 0 ? 81 : i === 1 ? 40 : null })),
    }
    mockFetch({ 'GET /api/v1/tours/7/my': () => json(my) })
    const { wrapper } = await mountAt(JudgeTourView, '/tours/7/judge', '/tours/:id/judge')
    await waitFor(() => expect($$('[data-test="judge-stops"] li')).toHaveLength(3))
    expect($$('[data-test^="judge-mark-"]').map((e) => e.textContent?.trim())).toEqual(['已提交', '已暂存', '未评'])
    expect($('[data-test="judge-stops"]')!.textContent).toContain('81 分')
    wrapper.unmount()
  })

  it('refuses to submit an incomplete sheet without asking the server', async () => {
    signInAs('judge')
    const { calls } = mockFetch({ 'GET /api/v1/tours/7/projects/21/my-score': () => json(sheet({ points: [28, null, 18, 17] })) })
    const { wrapper } = await mountAt(JudgeSheetView, '/tours/7/judge/21', '/tours/:id/judge/:pid')
    await waitFor(() => expect($('[data-test="sheet-project"]')?.textContent).toBe('项目21'))
    expect($('[data-test="sheet-total"]')!.textContent).toContain('63')
    $('[data-test="sheet-submit"]')!.click()
    await flushPromises()
    expect(calls.filter((c) => c.method === 'PUT')).toHaveLength(0)
    wrapper.unmount()
  })

  it('saves a draft and shows the server’s field error beside the criterion', async () => {
    signInAs('judge')
    let n = 0
    const { calls } = mockFetch({
      'GET /api/v1/tours/7/projects/21/my-score': () => json(sheet({ points: [28, 20, 18, 17] })),
      'PUT /api/v1/tours/7/projects/21/my-score': () =>
        ++n === 1 ? apiError(422, 'validation', '输入有误', { 'points.2': '“建设进度”的得分不能超过满分30分' }) : json(sheet({ points: [28, 20, 18, 17], status: 'draft', total: 83 })),
    })
    const { wrapper } = await mountAt(JudgeSheetView, '/tours/7/judge/21', '/tours/:id/judge/:pid')
    await waitFor(() => expect($('[data-test="sheet-draft"]')).toBeTruthy())
    $('[data-test="sheet-draft"]')!.click()
    await waitFor(() => expect(document.body.textContent).toContain('不能超过满分30分'))
    expect(calls.find((c) => c.method === 'PUT')!.body).toEqual({ points: [28, 20, 18, 17], comment: '', submit: false })
    $('[data-test="sheet-draft"]')!.click()
    await waitFor(() => expect($('[data-test="sheet-status"]')!.textContent).toContain('已暂存'))
    wrapper.unmount()
  })
})
