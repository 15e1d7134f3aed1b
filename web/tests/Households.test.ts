import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import HouseholdsRosterView from '@/views/registry/HouseholdsRosterView.vue'
import HouseholdFormDialog from '@/views/registry/HouseholdFormDialog.vue'
import HouseholdPhone from '@/views/registry/HouseholdPhone.vue'
import { householdBody } from '@/views/registry/householdForm'
import { resetVillagesForTests } from '@/views/registry/useVillages'
import type { Household } from '@/api/households'
import type { User } from '@/api/types'
import { session } from '@/stores/session'
import { apiError, json, mockFetch, query, waitFor } from './helpers'

const $ = (sel: string) => document.body.querySelector<HTMLElement>(sel)
const $$ = (sel: string) => [...document.body.querySelectorAll<HTMLElement>(sel)]

function signInAs(...roles: User['roles']) {
  session.loaded = true
  session.user = {
    id: 1, username: 't01v01', real_name: '李娜', phone: '', unit_id: 31, unit_name: '张家村', position: '', roles, active: true,
    locked: false, locked_until: null, must_change_password: false, last_login_at: null, created_at: '2026-01-01T00:00:00Z',
  }
}

function hh(id: number, over: Partial<Household> = {}): Household {
  return {
    id, village_id: 31, village_name: '张家村', town_id: 3, town_name: '青石镇', code: `QS-ZJ-${String(id).padStart(4, '0')}`,
    head_name: `户主${id}`, address: `张家村一组${id}号`, phone: '138****5678', people: 3, note: '', active: true,
    created_at: '2026-11-01T00:00:00Z', updated_at: '2026-11-01T00:00:00Z', ...over,
  }
}

const oneVillage = { 'GET /api/v1/units': () => json({ items: [{ id: 31, name: '张家村', parent_id: 3, parent_name: '青石镇' }], total: 1 }) }

describe('household form body', () => {
  const base = { village_id: 31, code: '', head_name: ' 王建国 ', address: '一组3号 ', phone: '', people: 4, note: '' }
  it('lets the server number a new household and sends an empty phone on create', () => {
    expect(householdBody(base, true)).toEqual({ village_id: 31, head_name: '王建国', address: '一组3号', people: 4, note: '', phone: '' })
  })
  it('keeps the stored phone on edit unless one was typed', () => {
    const edit = householdBody({ ...base, code: 'QS-ZJ-0001' }, false)
    expect(edit).not.toHaveProperty('phone')
    expect(edit.code).toBe('QS-ZJ-0001')
    expect(householdBody({ ...base, phone: '13900001111' }, false).phone).toBe('13900001111')
  })
})

describe('village roster (phone page)', () => {
  beforeEach(() => {
    resetVillagesForTests()
    signInAs('field')
  })
  afterEach(() => {
    document.body.innerHTML = ''
    session.user = null
    vi.unstubAllGlobals()
  })

  it('opens the field user’s own village, pages with “load more” and searches', async () => {
    const { calls } = mockFetch({
      ...oneVillage,
      'GET /api/v1/households': (c) => {
        const q = query(c.url)
        if (q.q) return json({ items: [hh(2)], total: 1 })
        const page = Number(q.page ?? 1)
        const items = Array.from({ length: page === 1 ? 30 : 5 }, (_, i) => hh((page - 1) * 30 + i + 1))
        return json({ items, total: 35 })
      },
    })
    const w = mount(HouseholdsRosterView, { attachTo: document.body })
    await waitFor(() => expect($$('[data-test="roster-card"]')).toHaveLength(30))
    expect($('[data-test="roster-village-name"]')?.textContent).toContain('青石镇 · 张家村')
    expect($('[data-test="roster-summary"]')?.textContent).toContain('在册 35 户')
    const first = calls.find((c) => c.url.startsWith('/api/v1/households'))!
    expect(query(first.url)).toMatchObject({ village_id: '31', active: 'true', page: '1' })
    $('[data-test="roster-more"]')!.click()
    await waitFor(() => expect($$('[data-test="roster-card"]')).toHaveLength(35))
    expect($('[data-test="roster-more"]')).toBeNull()
    const input = $('input[data-test="roster-search"]') as HTMLInputElement
    input.value = '户主2'
    input.dispatchEvent(new Event('input'))
    await waitFor(() => expect($$('[data-test="roster-card"]')).toHaveLength(1))
    w.unmount()
  })

  it('shows an empty state for a village without households', async () => {
    mockFetch({ ...oneVillage, 'GET /api/v1/households': () => json({ items: [], total: 0 }) })
    const w = mount(HouseholdsRosterView, { attachTo: document.body })
    await waitFor(() => expect(document.body.textContent).toContain('还没有登记的户'))
    expect($('[data-test="roster-create"]')).not.toBeNull()
    w.unmount()
  })

  it('hides the writing buttons from staff (read only)', async () => {
    signInAs('staff')
    mockFetch({ ...oneVillage, 'GET /api/v1/households': () => json({ items: [hh(1)], total: 1 }) })
    const w = mount(HouseholdsRosterView, { attachTo: document.body })
    await waitFor(() => expect($$('[data-test="roster-card"]')).toHaveLength(1))
    expect($('[data-test="roster-create"]')).toBeNull()
    expect($('[data-test="roster-edit"]')).toBeNull()
    expect($('[data-test="household-phone-toggle"]')).toBeNull()
    w.unmount()
  })
})

describe('household form dialog', () => {
  beforeEach(() => resetVillagesForTests())
  afterEach(() => {
    document.body.innerHTML = ''
    vi.unstubAllGlobals()
  })

  it('picks the only village and shows the duplicate message beside the head’s name', async () => {
    const { calls } = mockFetch({
      ...oneVillage,
      'POST /api/v1/households': () =>
        apiError(422, 'validation', '输入有误', { head_name: '本村已登记户主和住址相同的户（户号QS-ZJ-0001），请勿重复登记' }),
    })
    const wrapper = mount(HouseholdFormDialog, {
      props: { modelValue: false, household: null, 'onUpdate:modelValue': (v: boolean) => wrapper.setProps({ modelValue: v }) },
      attachTo: document.body,
    })
    await flushPromises()
    await wrapper.setProps({ modelValue: true })
    await flushPromises()
    const head = $('input[data-test="household-form-head"]') as HTMLInputElement
    head.value = '王建国'
    head.dispatchEvent(new Event('input'))
    await flushPromises()
    $('[data-test="household-form-submit"]')!.click()
    await waitFor(() => expect(calls.filter((c) => c.method === 'POST')).toHaveLength(1))
    expect(calls.find((c) => c.method === 'POST')!.body).toMatchObject({ village_id: 31, head_name: '王建国', people: 1 })
    await waitFor(() => expect(document.body.textContent).toContain('请勿重复登记'))
    wrapper.unmount()
  })
})

describe('household phone', () => {
  afterEach(() => {
    document.body.innerHTML = ''
    vi.unstubAllGlobals()
  })

  it('fetches the number once when revealed and makes it a tel: link', async () => {
    const { calls } = mockFetch({ 'GET /api/v1/households/5/phone': () => json({ phone: '13812345678' }) })
    const w = mount(HouseholdPhone, { props: { id: 5, phone: '138****5678', canReveal: true }, attachTo: document.body })
    expect($('[data-test="household-phone"]')?.textContent).toBe('138****5678')
    expect($('a[data-test="household-phone"]')).toBeNull()
    $('[data-test="household-phone-toggle"]')!.click()
    await waitFor(() => expect($('a[data-test="household-phone"]')?.getAttribute('href')).toBe('tel:13812345678'))
    $('[data-test="household-phone-toggle"]')!.click()
    await flushPromises()
    $('[data-test="household-phone-toggle"]')!.click()
    await flushPromises()
    expect(calls).toHaveLength(1)
    w.unmount()
  })
})

describe('households list (desktop)', () => {
  beforeEach(() => {
    resetVillagesForTests()
    signInAs('field')
  })
  afterEach(() => {
    document.body.innerHTML = ''
    session.user = null
    vi.unstubAllGlobals()
  })

  it('lists active households, imports into the user’s village and deactivates after a confirmation', async () => {
    const { default: HouseholdsView } = await import('@/views/registry/HouseholdsView.vue')
    const { calls } = mockFetch({
      ...oneVillage,
      'GET /api/v1/households': () => json({ items: [hh(1), hh(2)], total: 2 }),
      'PATCH /api/v1/households/1': () => json(hh(1, { active: false })),
    })
    const w = mount(HouseholdsView, { attachTo: document.body })
    await waitFor(() => expect($$('[data-test="household-head"]')).toHaveLength(2))
    expect(query(calls.find((c) => c.url.startsWith('/api/v1/households'))!.url)).toMatchObject({ active: 'true' })
    // One village in scope: no village filter, and the import goes there.
    expect($('[data-test="household-filter-village"]')).toBeNull()
    $('[data-test="import-open"]')!.click()
    await waitFor(() => expect(document.body.textContent).toContain('导入到“张家村”'))
    ;($$('[data-test="household-toggle"]')[0] as HTMLElement).click()
    await waitFor(() => expect(document.body.querySelector('.el-message-box')).not.toBeNull())
    expect(document.body.querySelector('.el-message-box')!.textContent).toContain('注销“户主1”户')
    ;(document.body.querySelector('.el-message-box__btns .el-button--danger') as HTMLElement).click()
    await waitFor(() => expect(calls.filter((c) => c.method === 'PATCH')).toHaveLength(1))
    expect(calls.find((c) => c.method === 'PATCH')!.body).toEqual({ active: false })
    w.unmount()
  })
})
