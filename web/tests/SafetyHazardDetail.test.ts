import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import HazardDetailView from '@/views/safety/HazardDetailView.vue'
import type { HazardDetail } from '@/api/safety'
import { setCsrfToken } from '@/api/http'
import { session } from '@/stores/session'
import { apiError, json, mockFetch, waitFor } from './helpers'
import { $, $$, mountAt, signInAs } from './SupervisionFixtures'

function hazard(over: Partial<HazardDetail> = {}): HazardDetail {
  return {
    id: 9,
    enterprise_id: 3,
    enterprise_name: '青石客运站',
    credit_code: '91350100M000100Y43',
    industry: 'transport',
    industry_name: '道路运输',
    town_name: '青石镇',
    supervising_unit_name: '区交通运输局',
    campaign_name: '元旦春节前大排查大整治',
    description: '候车室安全出口堵塞',
    level: 'general',
    level_name: '一般',
    found_on: '2026-11-20',
    found_by: '张三',
    responsible_person: '李站长',
    measures: '清理杂物',
    deadline: '2026-12-05',
    funds: 0.5,
    status: 'pending',
    status_name: '待整改',
    light: 'green',
    overdue: false,
    overdue_days: 0,
    rejections: 0,
    has_plan: false,
    supervised: false,
    notice_number: '',
    submitted_by: '',
    verified_by: '',
    closed_at: null,
    created_at: '2026-11-20T02:00:00Z',
    updated_at: '2026-11-20T02:00:00Z',
    plan: null,
    photos: [],
    events: [{ kind: 'create', summary: '登记隐患', note: '', by: '张三', at: '2026-11-20T02:00:00Z' }],
    extensions: [],
    can: [],
    ...over,
  }
}

async function open(h: HazardDetail, extra: Parameters<typeof mockFetch>[0] = {}) {
  const fetch = mockFetch({ [`GET /api/v1/safety/hazards/${h.id}`]: () => json(h), 'GET /api/v1/meta': () => json({ now: '2026-11-27T02:00:00Z' }), ...extra })
  const page = await mountAt(HazardDetailView, `/safety/hazards/${h.id}`, '/safety/hazards/:id')
  await flushPromises()
  await waitFor(() => expect($('[data-test="hazard-head"]')).toBeTruthy())
  return { ...page, ...fetch }
}

const buttons = () => $$('[data-test^="hazard-action-"]').map((b) => b.dataset.test!.replace('hazard-action-', ''))

describe('hazard page', () => {
  beforeEach(() => {
    setCsrfToken('csrf')
    signInAs('unit_admin')
  })
  afterEach(() => {
    document.body.innerHTML = ''
    vi.unstubAllGlobals()
    session.user = null
  })

  it('shows the hazard, its status and the plan first for a major one', async () => {
    const { wrapper } = await open(hazard({ level: 'major', level_name: '重大', can: ['edit', 'plan', 'start', 'supervise', 'extend'] }))
    expect($('[data-test="hazard-description"]')!.textContent).toBe('候车室安全出口堵塞')
    expect($('[data-test="hazard-status"]')!.dataset.status).toBe('pending')
    expect(buttons()).toEqual(['plan', 'start', 'edit', 'extend', 'supervise'])
    expect($('[data-test="hazard-action-plan"]')!.className).toContain('el-button--primary')
    expect(document.body.textContent).toContain('重大隐患须先制定整改方案')
    wrapper.unmount()
  })

  it('shows overdue in red with the days', async () => {
    const { wrapper } = await open(hazard({ status: 'rectifying', overdue: true, overdue_days: 4, light: 'red', can: ['submit'] }))
    expect($('[data-test="hazard-overdue"]')!.textContent).toContain('逾期 4 天')
    expect($('[data-test="hazard-status"]')!.dataset.overdue).toBe('true')
    expect(buttons()).toEqual(['submit'])
    wrapper.unmount()
  })

  it('passes a verification after asking, and a failure needs its reason', async () => {
    const h = hazard({ status: 'verifying', submitted_by: '李站长', can: ['verify'] })
    const { wrapper, calls } = await open(h, {
      'POST /api/v1/safety/hazards/9/verify': (c) =>
        (c.body as { pass: boolean }).pass ? json({ ...h, status: 'closed', can: [] }) : apiError(422, 'validation', '请填写不通过原因', { note: '请填写不通过原因' }),
    })
    expect(buttons()).toEqual(['pass', 'fail'])

    $('[data-test="hazard-action-fail"]')!.click()
    await waitFor(() => expect($('[data-test="verify-fail-dialog"]')).toBeTruthy())
    $('[data-test="verify-fail-dialog"] [data-test="note-confirm"]')!.click()
    await flushPromises()
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(0) // no reason: not sent
    $('[data-test="verify-fail-dialog"] .el-dialog__headerbtn')?.click()
    await flushPromises()

    $('[data-test="hazard-action-pass"]')!.click()
    await waitFor(() => expect($('[data-test="verify-pass-dialog"]')).toBeTruthy())
    $('[data-test="verify-pass-dialog"] [data-test="note-confirm"]')!.click()
    await waitFor(() => expect(calls.some((c) => c.method === 'POST')).toBe(true))
    const post = calls.find((c) => c.method === 'POST')!
    expect(post.url).toBe('/api/v1/safety/hazards/9/verify')
    expect(post.body).toEqual({ pass: true, note: '' })
    expect(post.headers['X-CSRF-Token']).toBe('csrf')
    wrapper.unmount()
  })

  it('lets the office decide a pending extension', async () => {
    const h = hazard({
      status: 'rectifying',
      can: ['decide'],
      extensions: [
        {
          id: 4,
          hazard_id: 9,
          old_deadline: '2026-12-05',
          new_deadline: '2026-12-20',
          reason: '配件到货延迟',
          status: 'pending',
          requested_by: '李站长',
          requested_at: '2026-11-26T02:00:00Z',
          decided_by: '',
          decided_at: null,
          decision_note: '',
        },
      ],
    })
    const { wrapper } = await open(h)
    expect($('[data-test="extension"]')!.dataset.status).toBe('pending')
    expect($('[data-test="extension-approve"]')).toBeTruthy()
    expect($('[data-test="extension-refuse"]')).toBeTruthy()
    wrapper.unmount()
  })
})
