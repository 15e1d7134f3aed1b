import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import ChainsView from '@/views/registry/ChainsView.vue'
import type { Chain } from '@/api/registry'
import type { User } from '@/api/types'
import { session } from '@/stores/session'
import { json, mockFetch, waitFor } from './helpers'

function signInAs(...roles: User['roles']) {
  session.loaded = true
  session.user = {
    id: 1, username: 'u', real_name: '王建国', phone: '', unit_id: 1, unit_name: '示范区', position: '', roles, active: true,
    locked: false, locked_until: null, must_change_password: false, last_login_at: null, created_at: '2026-01-01T00:00:00Z',
  }
}

const chain = (id: number, name: string, sort_order: number, active = true): Chain => ({
  id, name, sort_order, active, created_at: '2026-11-01T00:00:00Z', updated_at: '2026-11-01T00:00:00Z',
})

describe('industrial chains page', () => {
  afterEach(() => {
    document.body.innerHTML = ''
    session.user = null
    vi.unstubAllGlobals()
  })

  it('moves a chain down by writing the new order, and deactivates only after confirming', async () => {
    signInAs('supervisor')
    const items = [chain(1, '新能源电池', 10), chain(2, '绿色食品', 20), chain(3, '数字经济', 30)]
    const { calls } = mockFetch({
      'GET /api/v1/industrial-chains': () => json({ items, total: items.length }),
      'PATCH /api/v1/industrial-chains/1': () => json(items[0]),
      'PATCH /api/v1/industrial-chains/2': () => json(items[1]),
      'PATCH /api/v1/industrial-chains/3': () => json(items[2]),
    })
    const wrapper = mount(ChainsView, { attachTo: document.body })
    await waitFor(() => expect(document.body.querySelectorAll('[data-test="chain-name"]')).toHaveLength(3))
    expect(calls[0].url).toContain('all=true')
    ;(document.body.querySelectorAll<HTMLElement>('[data-test="chain-down"]')[0]).click()
    await waitFor(() => expect(calls.filter((c) => c.method === 'PATCH')).toHaveLength(2))
    const patches = calls.filter((c) => c.method === 'PATCH').map((c) => [c.url.split('/').pop(), c.body])
    expect(patches).toEqual([['2', { sort_order: 10 }], ['1', { sort_order: 20 }]])
    ;(document.body.querySelectorAll<HTMLElement>('[data-test="chain-deactivate"]')[2]).click()
    await waitFor(() => expect(document.body.querySelector('.el-message-box')).not.toBeNull())
    expect(document.body.querySelector('.el-message-box')!.textContent).toContain('停用产业链“数字经济”')
    ;(document.body.querySelector<HTMLElement>('.el-message-box__btns .el-button--danger'))!.click()
    await waitFor(() => expect(calls.some((c) => c.method === 'PATCH' && c.url.endsWith('/3'))).toBe(true))
    expect(calls.find((c) => c.method === 'PATCH' && c.url.endsWith('/3'))!.body).toEqual({ active: false })
    wrapper.unmount()
  })

  it('is read-only for everyone else', async () => {
    signInAs('staff')
    const { calls } = mockFetch({ 'GET /api/v1/industrial-chains': () => json({ items: [chain(1, '新能源电池', 10)], total: 1 }) })
    const wrapper = mount(ChainsView, { attachTo: document.body })
    await flushPromises()
    await waitFor(() => expect(document.body.querySelectorAll('[data-test="chain-name"]')).toHaveLength(1))
    expect(calls[0].url).not.toContain('all=true')
    expect(document.body.querySelector('[data-test="chain-create"]')).toBeNull()
    expect(document.body.querySelector('[data-test="chain-up"]')).toBeNull()
    wrapper.unmount()
  })
})
