import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import UnitsView from '@/views/units/UnitsView.vue'
import type { Unit, User } from '@/api/types'
import { session } from '@/stores/session'
import { resetMeta } from '@/stores/meta'
import { setCsrfToken } from '@/api/http'
import { apiError, json, mockFetch, query, type MockCall, waitFor } from './helpers'

function unit(id: number, name: string, over: Partial<Unit> = {}): Unit {
  return {
    id,
    parent_id: 1,
    parent_name: '示范区',
    name,
    short_name: '',
    code: `U${id}`,
    kind: 'town',
    sort_order: id,
    contact_name: '张三',
    contact_phone: '138****0000',
    active: true,
    depth: 1,
    children_count: 0,
    user_count: 3,
    ...over,
  }
}

const tree = {
  items: [
    {
      id: 1,
      name: '示范区',
      short_name: '',
      code: 'D',
      kind: 'district',
      active: true,
      children: [
        { id: 2, name: '东城镇', short_name: '东城', code: 'T1', kind: 'town', active: true, children: [] },
        { id: 3, name: '区发改委', short_name: '发改委', code: 'B1', kind: 'department', active: true, children: [] },
      ],
    },
  ],
}

function signInAs(...roles: User['roles']) {
  session.loaded = true
  session.user = {
    id: 1,
    username: 'admin',
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

const $ = (sel: string) => document.body.querySelector<HTMLElement>(sel)
const $$ = (sel: string) => Array.from(document.body.querySelectorAll<HTMLElement>(sel))
const listCalls = (calls: MockCall[]) => calls.filter((c) => c.method === 'GET' && c.url.startsWith('/api/v1/units?'))

async function mountPage() {
  const wrapper = mount(UnitsView, { attachTo: document.body })
  await flushPromises()
  await waitFor(() => expect($('[data-test="unit-table"]')).toBeTruthy())
  await flushPromises()
  return wrapper
}

describe('units list page', () => {
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

  it('loads page 1 and shows the rows with the write buttons for an admin', async () => {
    const { calls } = mockFetch({
      'GET /api/v1/units/tree': () => json(tree),
      'GET /api/v1/units': () => json({ items: [unit(2, '东城镇'), unit(3, '西城镇', { active: false })], total: 2 }),
    })
    const wrapper = await mountPage()
    const first = listCalls(calls)[0]
    expect(query(first.url)).toEqual({ page: '1', page_size: '20' })
    const text = $('[data-test="unit-table"]')!.textContent!
    expect(text).toContain('东城镇')
    expect(text).toContain('西城镇')
    expect($('[data-test="unit-create"]')).toBeTruthy()
    expect($('[data-test="import-open"]')).toBeTruthy()
    expect($$('[data-test="unit-deactivate"]').length).toBeGreaterThan(0)
    expect($$('[data-test="unit-activate"]').length).toBeGreaterThan(0)
    wrapper.unmount()
  })

  it('searches with q and filters by the selected tree node, back on page 1', async () => {
    const { calls } = mockFetch({
      'GET /api/v1/units/tree': () => json(tree),
      'GET /api/v1/units': () => json({ items: [unit(2, '东城镇')], total: 45 }),
    })
    const wrapper = await mountPage()
    // Go to page 2 first.
    $$('.el-pager li').find((li) => li.textContent?.trim() === '2')!.click()
    await flushPromises()
    expect(query(listCalls(calls).at(-1)!.url).page).toBe('2')

    const input = $('input[data-test="unit-search"]') as HTMLInputElement
    input.value = '东城'
    input.dispatchEvent(new Event('input'))
    $('[data-test="list-search"]')!.click()
    await flushPromises()
    expect(query(listCalls(calls).at(-1)!.url)).toMatchObject({ q: '东城', page: '1' })

    $$('.el-tree-node__content').find((n) => n.textContent?.includes('发改委'))!.click()
    await flushPromises()
    expect(query(listCalls(calls).at(-1)!.url)).toMatchObject({ q: '东城', parent_id: '3', page: '1' })

    $('[data-test="list-reset"]')!.click()
    await flushPromises()
    expect(query(listCalls(calls).at(-1)!.url)).toEqual({ page: '1', page_size: '20' })
    wrapper.unmount()
  })

  it('shows an empty state with a sentence when nothing matches', async () => {
    mockFetch({
      'GET /api/v1/units/tree': () => json(tree),
      'GET /api/v1/units': () => json({ items: [], total: 0 }),
    })
    const wrapper = await mountPage()
    expect($('.el-empty')!.textContent).toContain('没有符合条件的单位')
    expect($('.el-pagination')).toBeNull()
    wrapper.unmount()
  })

  it('hides the write buttons from a leader', async () => {
    signInAs('leader')
    mockFetch({
      'GET /api/v1/units/tree': () => json(tree),
      'GET /api/v1/units': () => json({ items: [unit(2, '东城镇')], total: 1 }),
    })
    const wrapper = await mountPage()
    expect($('[data-test="unit-create"]')).toBeNull()
    expect($('[data-test="import-open"]')).toBeNull()
    expect($('[data-test="unit-delete"]')).toBeNull()
    expect($('[data-test="unit-export"]')).toBeTruthy()
    wrapper.unmount()
  })

  it('asks before deleting and offers deactivation when the server answers 409', async () => {
    const { calls } = mockFetch({
      'GET /api/v1/units/tree': () => json(tree),
      'GET /api/v1/units': () => json({ items: [unit(2, '东城镇')], total: 1 }),
      'DELETE /api/v1/units/2': () => apiError(409, 'conflict', '该单位下还有 3 名用户，不能删除，可以停用'),
      'PATCH /api/v1/units/2': () => json(unit(2, '东城镇', { active: false })),
    })
    const wrapper = await mountPage()
    $('[data-test="unit-delete"]')!.click()
    await waitFor(() => expect($('.el-message-box')).toBeTruthy())
    expect($('.el-message-box')!.textContent).toContain('东城镇')
    expect(calls.some((c) => c.method === 'DELETE')).toBe(false)
    ;($('.el-message-box__btns .el-button--danger') ?? $('.el-message-box__btns .el-button--primary'))!.click()

    await waitFor(() => expect($('.el-message-box')?.textContent).toContain('该单位下还有 3 名用户'))
    const del = calls.find((c) => c.method === 'DELETE')!
    expect(del.headers['X-CSRF-Token']).toBe('csrf-1')
    $$('.el-message-box__btns .el-button--primary').at(-1)!.click()

    await waitFor(() => expect(calls.some((c) => c.method === 'PATCH')).toBe(true))
    expect(calls.find((c) => c.method === 'PATCH')!.body).toEqual({ active: false })
    wrapper.unmount()
  })

  it('exports with the same query as the list', async () => {
    const { calls } = mockFetch({
      'GET /api/v1/units/tree': () => json(tree),
      'GET /api/v1/units': () => json({ items: [unit(2, '东城镇')], total: 1 }),
      'GET /api/v1/units/export': () => new Response(new Blob(['PK'])),
    })
    vi.stubGlobal('URL', Object.assign(URL, { createObjectURL: () => 'blob:x', revokeObjectURL: () => undefined }))
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => undefined)
    const wrapper = await mountPage()
    const input = $('input[data-test="unit-search"]') as HTMLInputElement
    input.value = '镇'
    input.dispatchEvent(new Event('input'))
    await flushPromises()
    $('[data-test="unit-export"]')!.click()
    await flushPromises()
    const exp = calls.find((c) => c.url.startsWith('/api/v1/units/export'))!
    expect(query(exp.url)).toEqual({ q: '镇' })
    wrapper.unmount()
  })
})
