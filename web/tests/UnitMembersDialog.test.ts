import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import UnitsView from '@/views/units/UnitsView.vue'
import type { Unit, User } from '@/api/types'
import { session } from '@/stores/session'
import { resetMeta } from '@/stores/meta'
import { setCsrfToken } from '@/api/http'
import { apiError, json, mockFetch, query, waitFor } from './helpers'

function user(id: number, real_name: string, unit_name: string, over: Partial<User> = {}): User {
  return {
    id,
    username: `u${id}`,
    real_name,
    phone: '',
    unit_id: 10 + id,
    unit_name,
    position: '科员',
    roles: ['staff'],
    active: true,
    locked: false,
    locked_until: null,
    must_change_password: false,
    last_login_at: null,
    created_at: '2026-01-01T00:00:00Z',
    ...over,
  }
}

const taskforce: Unit = {
  id: 9,
  parent_id: 1,
  parent_name: '示范区',
  name: '招商专班',
  short_name: '',
  code: 'TF1',
  kind: 'taskforce',
  sort_order: 1,
  contact_name: '',
  contact_phone: '',
  active: true,
  depth: 1,
  children_count: 0,
  user_count: 0,
}
const town: Unit = { ...taskforce, id: 2, name: '东城镇', code: 'T1', kind: 'town' }

function signInAs(...roles: User['roles']) {
  session.loaded = true
  session.user = { ...user(1, '王建国', '示范区'), username: 'admin', roles }
}

const $ = (sel: string) => document.body.querySelector<HTMLElement>(sel)
const $$ = (sel: string) => Array.from(document.body.querySelectorAll<HTMLElement>(sel))

async function mountPage() {
  const wrapper = mount(UnitsView, { attachTo: document.body })
  await flushPromises()
  await waitFor(() => expect($('[data-test="unit-table"]')).toBeTruthy())
  await flushPromises()
  return wrapper
}

const base = {
  'GET /api/v1/units/tree': () => json({ items: [] }),
  'GET /api/v1/units': () => json({ items: [town, taskforce], total: 2 }),
}

describe('task force members dialog', () => {
  beforeEach(() => {
    resetMeta()
    setCsrfToken('csrf-1')
    signInAs('admin')
  })
  afterEach(() => {
    document.body.innerHTML = ''
    vi.unstubAllGlobals()
    session.user = null
  })

  it('lets a leader see the members, read-only', async () => {
    signInAs('leader')
    mockFetch({ ...base, 'GET /api/v1/units/9/members': () => json({ items: [], total: 0 }) })
    const wrapper = await mountPage()
    expect($$('[data-test="unit-members"]').length).toBe(1)
    expect($('[data-test="unit-edit"]')).toBeNull()
    $('[data-test="unit-members"]')!.click()
    await waitFor(() => expect($('[data-test="unit-members-dialog"] .el-empty')?.textContent).toContain('该专班暂无成员'))
    expect($('[data-test="unit-members-select"]')).toBeNull()
    expect($('[data-test="unit-members-save"]')).toBeNull()
    wrapper.unmount()
  })

  it('opens the dialog, shows the members and saves the chosen ids', async () => {
    const li = user(5, '李四', '东城镇', { position: '副镇长' })
    const zhao = user(7, '赵六', '区发改委')
    const { calls } = mockFetch({
      ...base,
      'GET /api/v1/units/9/members': () => json({ items: [li], total: 1 }),
      'GET /api/v1/users': () => json({ items: [zhao], total: 1 }),
      'PUT /api/v1/units/9/members': (c) => {
        const ids = (c.body as { user_ids: number[] }).user_ids
        return json({ items: [li, zhao].filter((u) => ids.includes(u.id)), total: ids.length })
      },
    })
    const wrapper = await mountPage()
    expect($$('[data-test="unit-members"]').length).toBe(1) // only the task force row
    $('[data-test="unit-members"]')!.click()
    await waitFor(() => expect($('[data-test="unit-members-dialog"] .el-table__body')?.textContent).toContain('李四'))
    const dialog = $('[data-test="unit-members-dialog"]')!
    expect(dialog.textContent).toContain('招商专班')
    expect(dialog.querySelector('.el-table__body')!.textContent).toContain('副镇长')
    // pre-filled with the current member
    expect($('[data-test="unit-members-select"]')!.textContent).toContain('李四（东城镇）')

    // remote search, then pick 赵六
    const input = $('[data-test="unit-members-select"] input') as HTMLInputElement
    input.value = '赵'
    input.dispatchEvent(new Event('input'))
    await waitFor(() => expect(calls.some((c) => c.url.startsWith('/api/v1/users?'))).toBe(true))
    const search = calls.find((c) => c.url.startsWith('/api/v1/users?'))!
    expect(query(search.url)).toEqual({ q: '赵', page_size: '20' })
    await waitFor(() => expect($$('.el-select-dropdown__item').some((o) => o.textContent?.includes('赵六（区发改委）'))).toBe(true))
    $$('.el-select-dropdown__item').find((o) => o.textContent?.includes('赵六'))!.click()
    await flushPromises()

    $('[data-test="unit-members-save"]')!.click()
    await waitFor(() => expect(calls.some((c) => c.method === 'PUT')).toBe(true))
    const put = calls.find((c) => c.method === 'PUT')!
    expect(put.url).toBe('/api/v1/units/9/members')
    expect(put.headers['X-CSRF-Token']).toBe('csrf-1')
    expect(put.body).toEqual({ user_ids: [5, 7] })
    await waitFor(() => expect($('[data-test="unit-members-dialog"] .el-table__body')?.textContent).toContain('赵六'))
    await waitFor(() => expect($('.el-message--success')?.textContent).toContain('专班成员已保存'))
    wrapper.unmount()
  })

  it('shows the server message when saving fails', async () => {
    mockFetch({
      ...base,
      'GET /api/v1/units/9/members': () => json({ items: [], total: 0 }),
      'PUT /api/v1/units/9/members': () => apiError(422, 'validation', '只有专班可以设置跨单位成员'),
    })
    const wrapper = await mountPage()
    $('[data-test="unit-members"]')!.click()
    await waitFor(() => expect($('[data-test="unit-members-save"]')).toBeTruthy())
    await flushPromises()
    $('[data-test="unit-members-save"]')!.click()
    await waitFor(() => expect($('.el-message--error')?.textContent).toContain('只有专班可以设置跨单位成员'))
    wrapper.unmount()
  })
})
