import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import CalendarView from '@/views/calendar/CalendarView.vue'
import type { CalendarDay, CalendarYear } from '@/api/calendar'
import type { User } from '@/api/types'
import { session } from '@/stores/session'
import { setCsrfToken } from '@/api/http'
import { apiError, json, mockFetch, query, waitFor } from './helpers'

const $ = (sel: string) => document.body.querySelector<HTMLElement>(sel)
const $$ = (sel: string) => Array.from(document.body.querySelectorAll<HTMLElement>(sel))
const day = (date: string) => $(`[data-test="calendar-day"][data-date="${date}"]`)!

const days2026: CalendarDay[] = [
  { date: '2026-10-01', kind: 'holiday', name: '国庆节' },
  { date: '2026-10-02', kind: 'holiday', name: '国庆节' },
  { date: '2026-10-10', kind: 'workday', name: '国庆节调休上班' },
]

function year(y: number, days: CalendarDay[], version = 1): CalendarYear {
  return { year: y, loaded: days.length > 0, version, days, holidays: 0, workdays: 0, working_days: 0 }
}

function signInAs(...roles: User['roles']) {
  session.loaded = true
  session.user = {
    id: 1,
    username: 'u',
    real_name: '王建国',
    phone: '',
    unit_id: 1,
    unit_name: '示范区',
    position: '',
    roles,
    active: true,
    locked: false,
    locked_until: null,
    must_change_password: false,
    last_login_at: null,
    created_at: '2026-01-01T00:00:00Z',
  }
}

async function mountPage() {
  const wrapper = mount(CalendarView, { attachTo: document.body })
  await flushPromises()
  await waitFor(() => expect($$('[data-test="calendar-day"]').length).toBe(365))
  return wrapper
}

describe('holiday calendar page', () => {
  beforeEach(() => {
    setCsrfToken('csrf-1')
    signInAs('admin')
  })
  afterEach(() => {
    document.body.innerHTML = ''
    vi.unstubAllGlobals()
    session.user = null
  })

  it("shows the server's year on a Monday-first grid, with colours and the list", async () => {
    const { calls } = mockFetch({
      'GET /api/v1/calendar/years': () => json({ items: [{ year: 2025, holidays: 27, workdays: 5 }, { year: 2026, holidays: 2, workdays: 1 }], this_year: 2026 }),
      'GET /api/v1/calendar': () => json(year(2026, days2026)),
    })
    const wrapper = await mountPage()
    expect(query(calls.find((c) => c.url.startsWith('/api/v1/calendar?'))!.url)).toEqual({ year: '2026' })
    expect($$('.cal__month')).toHaveLength(12)
    expect(day('2026-10-01').dataset.kind).toBe('holiday')
    expect(day('2026-10-01').classList.contains('is-holiday')).toBe(true)
    expect(day('2026-10-10').classList.contains('is-workday')).toBe(true)
    expect(day('2026-10-11').classList.contains('is-weekend')).toBe(true)
    // October: the first row holds Monday 9-28 … so the 1st (a Thursday) is the 4th cell.
    const october = $('.cal__month[data-month="10"]')!
    const firstRow = october.querySelectorAll('.cal__row:not(.cal__row--head)')[0]
    expect(Array.from(firstRow.children).map((c) => c.textContent?.trim().slice(0, 1) ?? '')).toEqual(['', '', '', '1', '2', '3', '4'])
    expect(october.querySelector('.cal__row--head')!.textContent).toContain('一二三四五六日')
    expect($('[data-test="calendar-summary"]')!.textContent).toContain('放假 2 天 · 调休上班 1 天 · 全年工作日 260 天')
    expect($$('[data-test="calendar-list"] .el-table__body tr')).toHaveLength(3)
    expect($('[data-test="calendar-save"]')).toBeTruthy()
    expect(($('[data-test="calendar-save"]') as HTMLButtonElement).disabled).toBe(true)
    wrapper.unmount()
  })

  it('edits a day, then saves the whole year after confirmation', async () => {
    let saved: unknown = null
    const { calls } = mockFetch({
      'GET /api/v1/calendar/years': () => json({ items: [{ year: 2026, holidays: 2, workdays: 1 }], this_year: 2026 }),
      'GET /api/v1/calendar': () => json(year(2026, days2026)),
      'PUT /api/v1/calendar/2026': (c) => {
        saved = c.body
        return json(year(2026, (c.body as { days: CalendarDay[] }).days, 2))
      },
    })
    const wrapper = await mountPage()
    // A Thursday: the dialog proposes 放假 named after nothing nearby; name it.
    day('2026-12-31').click()
    await waitFor(() => expect($('[data-test="calendar-day-dialog"]')).toBeTruthy())
    const kindWorkday = $('[data-test="calendar-day-kind-workday"]')!
    expect(kindWorkday.classList.contains('is-disabled')).toBe(true) // weekdays are worked anyway
    const name = $('input[data-test="calendar-day-name"]') as HTMLInputElement
    name.value = '跨年'
    name.dispatchEvent(new Event('input'))
    $('[data-test="calendar-day-apply"]')!.click()
    await flushPromises()
    expect(day('2026-12-31').dataset.kind).toBe('holiday')
    expect($('[data-test="calendar-dirty"]')).toBeTruthy()
    expect($('[data-test="calendar-summary"]')!.textContent).toContain('放假 3 天')
    // Remove 10-02 from the list.
    $$('[data-test="calendar-list-remove"]')[1].click()
    await flushPromises()
    expect(day('2026-10-02').dataset.kind).toBe('')

    $('[data-test="calendar-save"]')!.click()
    await waitFor(() => expect($('.el-message-box')?.textContent).toContain('确定保存2026年节假日安排'))
    expect(calls.filter((c) => c.method === 'PUT')).toHaveLength(0)
    $('.el-message-box__btns .el-button--primary')!.click()
    await waitFor(() => expect(saved).not.toBeNull())
    expect(saved).toEqual({
      days: [
        { date: '2026-10-01', kind: 'holiday', name: '国庆节' },
        { date: '2026-10-10', kind: 'workday', name: '国庆节调休上班' },
        { date: '2026-12-31', kind: 'holiday', name: '跨年' },
      ],
    })
    const put = calls.find((c) => c.method === 'PUT')!
    expect(put.headers['X-CSRF-Token']).toBe('csrf-1')
    await waitFor(() => expect($('[data-test="calendar-dirty"]')).toBeNull())
    wrapper.unmount()
  })

  it("lists the server's row messages when a save is refused", async () => {
    mockFetch({
      'GET /api/v1/calendar/years': () => json({ items: [], this_year: 2026 }),
      'GET /api/v1/calendar': () => json(year(2026, [])),
      'PUT /api/v1/calendar/2026': () =>
        apiError(422, 'validation', '输入有误：第1行：日期2026-12-26与第2行重复', { 'days[0].date': '第1行：日期2026-12-26与第2行重复' }),
    })
    const wrapper = await mountPage()
    expect($('[data-test="calendar-not-loaded"]')!.textContent).toContain('2026年的节假日安排尚未维护')
    day('2026-12-26').click() // a Saturday: proposed as 调休上班
    await waitFor(() => expect($('[data-test="calendar-day-apply"]')).toBeTruthy())
    $('[data-test="calendar-day-apply"]')!.click()
    await flushPromises()
    expect(day('2026-12-26').dataset.kind).toBe('workday')
    $('[data-test="calendar-save"]')!.click()
    await waitFor(() => expect($('.el-message-box')).toBeTruthy())
    $('.el-message-box__btns .el-button--primary')!.click()
    await waitFor(() => expect($('[data-test="calendar-errors"]')?.textContent).toContain('第1行：日期2026-12-26与第2行重复'))
    expect($('[data-test="calendar-dirty"]')).toBeTruthy() // the draft is kept to fix
    wrapper.unmount()
  })

  it('is read-only for other roles', async () => {
    signInAs('leader')
    const { calls } = mockFetch({
      'GET /api/v1/calendar/years': () => json({ items: [{ year: 2026, holidays: 2, workdays: 1 }], this_year: 2026 }),
      'GET /api/v1/calendar': () => json(year(2026, days2026)),
    })
    const wrapper = await mountPage()
    expect($('[data-test="calendar-save"]')).toBeNull()
    expect($('[data-test="calendar-list-remove"]')).toBeNull()
    expect(document.body.textContent).toContain('节假日安排由系统管理员维护')
    day('2026-12-31').click()
    await flushPromises()
    expect($('[data-test="calendar-day-dialog"]')).toBeNull()
    expect(calls.every((c) => c.method === 'GET')).toBe(true)
    wrapper.unmount()
  })
})
