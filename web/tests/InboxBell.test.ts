import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createMemoryHistory, createRouter } from 'vue-router'
import InboxBell from '@/components/InboxBell.vue'
import type { Notification } from '@/api/notify'
import { unread } from '@/views/inbox/unread'
import { json, mockFetch, type MockCall, waitFor } from './helpers'

const $ = (sel: string) => document.body.querySelector<HTMLElement>(sel)
const $$ = (sel: string) => Array.from(document.body.querySelectorAll<HTMLElement>(sel))

function note(id: number, over: Partial<Notification> = {}): Notification {
  return {
    id,
    kind: 'task.remind',
    title: `催办 ${id}`,
    body: '请于本周五前反馈进展',
    link: `/supervision/tasks/${id}`,
    object_type: 'task',
    object_id: String(id),
    created_at: '2026-11-26T01:00:00Z',
    read_at: null,
    ...over,
  }
}

function makeRouter() {
  const page = { render: () => null }
  return createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/', name: 'home', component: page },
      { path: '/inbox', name: 'inbox', component: page },
      { path: '/supervision/tasks/:id', name: 'task', component: page },
    ],
  })
}

async function mountBell(pollMs = 60_000) {
  const router = makeRouter()
  await router.push('/')
  const wrapper = mount(InboxBell, { props: { pollMs }, attachTo: document.body, global: { plugins: [router] } })
  await flushPromises()
  return { wrapper, router }
}

const badgeText = () => $('[data-test="inbox-bell-badge"] .el-badge__content')
const countCalls = (calls: MockCall[]) => calls.filter((c) => c.url === '/api/v1/inbox/unread-count').length

describe('inbox bell', () => {
  beforeEach(() => {
    unread.count = 0
  })
  afterEach(() => {
    document.body.innerHTML = ''
    vi.unstubAllGlobals()
  })

  it('shows the unread count, 99+ above 99, nothing at zero', async () => {
    let count = 7
    mockFetch({ 'GET /api/v1/inbox/unread-count': () => json({ count }) })
    const { wrapper, router } = await mountBell()
    await waitFor(() => expect(badgeText()?.textContent?.trim()).toBe('7'))
    expect(badgeText()!.style.display).not.toBe('none')

    // Every route change asks again.
    count = 120
    await router.push('/inbox')
    await waitFor(() => expect(badgeText()?.textContent?.trim()).toBe('99+'))

    count = 0
    await router.push('/')
    await waitFor(() => expect(unread.count).toBe(0))
    await flushPromises()
    const content = badgeText()
    expect(content === null || content.style.display === 'none').toBe(true)
    wrapper.unmount()
  })

  it('polls the count on its interval and stops when unmounted', async () => {
    const { calls } = mockFetch({ 'GET /api/v1/inbox/unread-count': () => json({ count: 1 }) })
    const { wrapper } = await mountBell(40)
    await waitFor(() => expect(countCalls(calls)).toBeGreaterThanOrEqual(3))
    wrapper.unmount()
    const after = countCalls(calls)
    await new Promise((r) => setTimeout(r, 150))
    expect(countCalls(calls)).toBe(after)
  })

  it('lists the latest five and marks all read', async () => {
    const items = [note(5), note(4), note(3, { read_at: '2026-11-26T02:00:00Z' }), note(2), note(1)]
    const { calls } = mockFetch({
      'GET /api/v1/inbox/unread-count': () => json({ count: 4 }),
      'GET /api/v1/inbox': () => json({ items, total: 12, unread: 4 }),
      'PUT /api/v1/inbox/read-all': () => json({ updated: 4 }),
    })
    const { wrapper } = await mountBell()
    await waitFor(() => expect(badgeText()?.textContent?.trim()).toBe('4'))

    $('[data-test="inbox-bell"]')!.click()
    await waitFor(() => expect($$('[data-test="inbox-bell-item"]')).toHaveLength(5))
    const list = calls.find((c) => c.url.startsWith('/api/v1/inbox?'))!
    expect(list.url).toContain('page_size=5')
    expect($$('[data-test="inbox-bell-item"].is-unread')).toHaveLength(4)
    expect($$('[data-test="inbox-bell-item"]')[0].textContent).toContain('催办 5')

    $('[data-test="inbox-bell-mark-all"]')!.click()
    await waitFor(() => expect(calls.some((c) => c.method === 'PUT' && c.url === '/api/v1/inbox/read-all')).toBe(true))
    await waitFor(() => expect(unread.count).toBe(0))
    await flushPromises()
    expect($$('[data-test="inbox-bell-item"].is-unread')).toHaveLength(0)
    const content = badgeText()
    expect(content === null || content.style.display === 'none').toBe(true)
    wrapper.unmount()
  })

  it('opens a message: marks it read and follows its link', async () => {
    let count = 1
    const { calls } = mockFetch({
      'GET /api/v1/inbox/unread-count': () => json({ count }),
      'GET /api/v1/inbox': () => json({ items: [note(9)], total: 1, unread: count }),
      'PUT /api/v1/inbox/9/read': () => {
        count = 0
        return json(null, 204)
      },
    })
    const { wrapper, router } = await mountBell()
    $('[data-test="inbox-bell"]')!.click()
    await waitFor(() => expect($$('[data-test="inbox-bell-item"]')).toHaveLength(1))
    $('[data-test="inbox-bell-item"]')!.click()
    await waitFor(() => expect(router.currentRoute.value.fullPath).toBe('/supervision/tasks/9'))
    expect(calls.filter((c) => c.method === 'PUT').map((c) => c.url)).toEqual(['/api/v1/inbox/9/read'])
    expect(unread.count).toBe(0)
    wrapper.unmount()
  })

  it('shows an empty state and links to the inbox page', async () => {
    mockFetch({
      'GET /api/v1/inbox/unread-count': () => json({ count: 0 }),
      'GET /api/v1/inbox': () => json({ items: [], total: 0, unread: 0 }),
    })
    const { wrapper, router } = await mountBell()
    $('[data-test="inbox-bell"]')!.click()
    await waitFor(() => expect($('[data-test="inbox-bell-list"]')?.textContent).toContain('暂无消息'))
    expect(($('[data-test="inbox-bell-mark-all"]') as HTMLButtonElement).disabled).toBe(true)
    $('[data-test="inbox-bell-all"]')!.click()
    await waitFor(() => expect(router.currentRoute.value.name).toBe('inbox'))
    wrapper.unmount()
  })
})
