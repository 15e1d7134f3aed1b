import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createMemoryHistory, createRouter } from 'vue-router'
import InboxView from '@/views/inbox/InboxView.vue'
import type { Notification } from '@/api/notify'
import { unread } from '@/views/inbox/unread'
import { json, mockFetch, query, waitFor } from './helpers'

const $ = (sel: string) => document.body.querySelector<HTMLElement>(sel)
const $$ = (sel: string) => Array.from(document.body.querySelectorAll<HTMLElement>(sel))

const items: Notification[] = [
  {
    id: 2,
    kind: 'task.remind',
    title: '催办：示督〔2026〕12号',
    body: '请于本周五前反馈',
    link: '/supervision/tasks/12',
    object_type: 'task',
    object_id: '12',
    created_at: '2026-11-26T02:00:00Z',
    read_at: null,
  },
  {
    id: 1,
    kind: 'report.due',
    title: '零报告提醒',
    body: '',
    link: '',
    object_type: '',
    object_id: '',
    created_at: '2026-11-25T02:00:00Z',
    read_at: '2026-11-25T03:00:00Z',
  },
]

async function mountPage() {
  const page = { render: () => null }
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/inbox', name: 'inbox', component: page },
      { path: '/supervision/tasks/:id', component: page },
    ],
  })
  await router.push('/inbox')
  const wrapper = mount(InboxView, { attachTo: document.body, global: { plugins: [router] } })
  await flushPromises()
  return { wrapper, router }
}

describe('inbox page', () => {
  beforeEach(() => {
    unread.count = 0
  })
  afterEach(() => {
    document.body.innerHTML = ''
    vi.unstubAllGlobals()
  })

  it('lists messages with the unread ones marked, and filters to unread', async () => {
    const { calls } = mockFetch({
      'GET /api/v1/inbox': (c) =>
        json(query(c.url).unread === 'true' ? { items: [items[0]], total: 1, unread: 1 } : { items, total: 2, unread: 1 }),
    })
    const { wrapper } = await mountPage()
    await waitFor(() => expect($$('[data-test="inbox-item"]')).toHaveLength(2))
    expect($$('[data-test="inbox-item"].is-unread')).toHaveLength(1)
    expect(unread.count).toBe(1)
    expect($('[data-test="inbox-count"]')!.textContent).toContain('共 2 条，未读 1 条')

    ;($('[data-test="inbox-filter-unread"] input') as HTMLInputElement).click()
    await waitFor(() => expect($$('[data-test="inbox-item"]')).toHaveLength(1))
    expect(query(calls[calls.length - 1].url)).toMatchObject({ unread: 'true', page: '1' })
    wrapper.unmount()
  })

  it('opens a message: marks it read and goes to its page', async () => {
    const { calls } = mockFetch({
      'GET /api/v1/inbox': () => json({ items: structuredClone(items), total: 2, unread: 1 }),
      'PUT /api/v1/inbox/2/read': () => json(null, 204),
    })
    const { wrapper, router } = await mountPage()
    await waitFor(() => expect($$('[data-test="inbox-item"]')).toHaveLength(2))
    $$('[data-test="inbox-item"]')[0].click()
    await waitFor(() => expect(router.currentRoute.value.fullPath).toBe('/supervision/tasks/12'))
    expect(calls.some((c) => c.method === 'PUT' && c.url === '/api/v1/inbox/2/read')).toBe(true)
    expect(unread.count).toBe(0)
    // A read message opens without marking again.
    $$('[data-test="inbox-item"]')[0].click()
    await flushPromises()
    expect(calls.filter((c) => c.method === 'PUT')).toHaveLength(1)
    wrapper.unmount()
  })

  it('shows the empty state', async () => {
    mockFetch({ 'GET /api/v1/inbox': () => json({ items: [], total: 0, unread: 0 }) })
    const { wrapper } = await mountPage()
    await waitFor(() => expect($('[data-test="inbox-empty"]')?.textContent).toContain('暂无消息'))
    expect(($('[data-test="inbox-mark-all"]') as HTMLButtonElement).disabled).toBe(true)
    wrapper.unmount()
  })
})
