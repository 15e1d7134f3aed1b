import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import MineView from '@/views/reports/MineView.vue'
import type { MineItem, Obligation, Submission } from '@/api/reports'
import { session } from '@/stores/session'
import { json, mockFetch, waitFor } from './helpers'

const zero: Obligation = {
  id: 7,
  name: '每日零报告',
  description: '',
  source: 'zero',
  frequency: 'daily',
  cutoff: '17:00',
  weekday: 0,
  month_day: 0,
  custom_dates: [],
  workdays_only: true,
  active_from: '2026-11-01',
  active_to: null,
  remind_before_minutes: 120,
  form: [
    { key: 'has_matters', label: '有无需报告事项', type: 'bool', required: true },
    { key: 'content', label: '事项内容', type: 'text', required: false, required_if: { field: 'has_matters', equals: true } },
  ],
  allow_nothing: true,
  selector: null,
  units: [],
  unit_count: 3,
  owner_unit_id: 1,
  owner_unit_name: '示范区',
  active: true,
  schedule_text: '每个工作日 17:00 前',
  created_at: '2026-11-01T00:00:00Z',
  updated_at: '2026-11-01T00:00:00Z',
}

function item(over: Partial<MineItem> = {}): MineItem {
  return {
    obligation: zero,
    cycle: { due_on: '2026-11-26', start: '2026-11-26', end: '2026-11-26', cutoff_at: '2026-11-26T09:00:00Z', remind_at: '2026-11-26T07:00:00Z' },
    closed: false,
    status: 'pending',
    submission: null,
    next: null,
    recent: [{ due_on: '2026-11-25', status: 'on_time' }],
    attach_to: '7:3:2026-11-26',
    ...over,
  }
}

function sub(over: Partial<Submission> = {}): Submission {
  return {
    id: 9,
    obligation_id: 7,
    obligation_name: '每日零报告',
    unit_id: 3,
    unit_name: '青石镇',
    due_on: '2026-11-26',
    cycle_start: '2026-11-26',
    status: 'on_time',
    nothing: true,
    values: {},
    submitted_by_name: '李镇长',
    submitted_at: '2026-11-26T02:00:00Z',
    updated_at: '2026-11-26T02:00:00Z',
    attach_to: '7:3:2026-11-26',
    ...over,
  }
}

const mine = (it: MineItem) => json({ today: '2026-11-26', now: '2026-11-26T02:00:00Z', items: [it] })

describe('my reports page', () => {
  beforeEach(() => {
    session.loaded = true
    session.user = {
      id: 4,
      username: 'qs_admin',
      real_name: '李镇长',
      phone: '',
      unit_id: 3,
      unit_name: '青石镇',
      position: '',
      roles: ['unit_admin'],
      active: true,
      locked: false,
      locked_until: null,
      must_change_password: false,
      last_login_at: null,
      created_at: '2026-01-01T00:00:00Z',
    }
  })
  afterEach(() => {
    document.body.innerHTML = ''
    vi.unstubAllGlobals()
  })

  it('reports "nothing today" in one tap, then shows it submitted', async () => {
    let submitted = false
    const { calls } = mockFetch({
      'GET /api/v1/reports/mine': () => mine(submitted ? item({ status: 'on_time', submission: sub() }) : item()),
      'GET /api/v1/report-submissions': () => json({ items: [], total: 0 }),
      'POST /api/v1/report-obligations/7/submissions': () => {
        submitted = true
        return json({ id: 9, status: 'on_time' }, 201)
      },
    })
    const w = mount(MineView, { attachTo: document.body })
    await waitFor(() => expect(document.body.querySelector('[data-test="mine-nothing"]')).toBeTruthy())
    expect(document.body.querySelector('[data-test="mine-card-7"] [data-test="report-status"]')?.getAttribute('data-status')).toBe('pending')
    expect(calls.find((c) => c.url.startsWith('/api/v1/report-submissions'))?.url).toContain('unit_id=3')

    document.body.querySelector<HTMLElement>('[data-test="mine-nothing"]')!.click()
    await waitFor(() => expect(calls.some((c) => c.method === 'POST')).toBe(true))
    expect(calls.find((c) => c.method === 'POST')!.body).toEqual({ due_on: '2026-11-26', nothing: true })
    await waitFor(() =>
      expect(document.body.querySelector('[data-test="mine-card-7"] [data-test="report-status"]')?.getAttribute('data-status')).toBe('on_time'),
    )
    await flushPromises()
    expect(document.body.querySelector('[data-test="mine-answer"]')?.textContent).toContain('无需报告事项')
    // Before the cut-off it can still be changed.
    expect(document.body.querySelector('[data-test="mine-fill"]')?.textContent).toContain('修改报送')
    w.unmount()
  })

  it('offers nothing to do once a submitted cycle has closed', async () => {
    mockFetch({
      'GET /api/v1/reports/mine': () =>
        mine(item({ closed: true, status: 'late', submission: sub({ status: 'late', submitted_at: '2026-11-26T10:00:00Z' }) })),
      'GET /api/v1/report-submissions': () => json({ items: [], total: 0 }),
    })
    const w = mount(MineView, { attachTo: document.body })
    await waitFor(() => expect(document.body.querySelector('[data-test="mine-hint"]')?.textContent).toContain('不能再修改'))
    expect(document.body.querySelector('[data-test="mine-nothing"]')).toBeNull()
    expect(document.body.querySelector('[data-test="mine-fill"]')).toBeNull()
    w.unmount()
  })
})
