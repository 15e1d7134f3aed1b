import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { effectScope } from 'vue'
import { mount } from '@vue/test-utils'
import { newClientKey, resetOutboxForTests, useOutbox } from '@/composables/useOutbox'
import OutboxBar from '@/components/OutboxBar.vue'
import { setCsrfToken } from '@/api/http'
import { apiError, json, mockFetch, waitFor, type MockCall } from './helpers'

// Runs the composable inside an effect scope, as a component would.
function open(queue = 'test') {
  const scope = effectScope()
  const box = scope.run(() => useOutbox(queue))!
  return { box, stop: () => scope.stop() }
}

function failNetwork(): Response {
  throw new TypeError('Failed to fetch')
}

describe('useOutbox', () => {
  let stops: (() => void)[] = []
  const use = (queue = 'test') => {
    const o = open(queue)
    stops.push(o.stop)
    return o.box
  }

  beforeEach(() => {
    resetOutboxForTests(true)
    setCsrfToken('tok')
  })
  afterEach(() => {
    for (const s of stops) s()
    stops = []
    vi.unstubAllGlobals()
  })

  it('sends at once, with client_key in the body, and removes the item on 2xx', async () => {
    const { calls } = mockFetch({ 'POST /api/v1/fire/receipts': () => json({ id: 1 }, 201) })
    const box = use()
    const key = await box.enqueue({ label: '回执 1', url: '/api/v1/fire/receipts', body: { household_id: 5 } })
    await box.flush()
    expect(calls).toHaveLength(1)
    expect(calls[0].body).toEqual({ household_id: 5, client_key: key })
    expect(calls[0].headers['X-CSRF-Token']).toBe('tok')
    expect(box.items.value).toHaveLength(0)
  })

  it('keeps items on a network failure, across a reload, and sends them once back online', async () => {
    mockFetch({ 'POST /api/v1/x': failNetwork })
    const box = use()
    const k1 = await box.enqueue({ label: 'a', url: '/api/v1/x', body: { n: 1 } })
    const k2 = await box.enqueue({ label: 'b', url: '/api/v1/x', body: { n: 2 } })
    await box.flush()
    expect(box.items.value.map((i) => i.key)).toEqual([k1, k2])
    expect(box.online.value).toBe(false)
    expect(box.items.value[0].error).toBeUndefined()

    // "reload": a new page forgets everything but the storage
    resetOutboxForTests()
    const { calls } = mockFetch({ 'POST /api/v1/x': () => json({ ok: true }, 201) })
    const again = use()
    await again.ready
    await waitFor(() => expect(again.items.value).toHaveLength(0))
    expect(calls.map((c) => (c.body as { n: number }).n)).toEqual([1, 2])
    expect(calls.map((c) => (c.body as { client_key: string }).client_key)).toEqual([k1, k2])
  })

  it('stops at the first network failure so the order is kept', async () => {
    let down = true
    const sent: number[] = []
    mockFetch({
      'POST /api/v1/x': (c: MockCall) => {
        const n = (c.body as { n: number }).n
        if (down && n === 2) return failNetwork()
        sent.push(n)
        return json({}, 201)
      },
    })
    const box = use()
    for (const n of [1, 2, 3]) await box.enqueue({ label: `#${n}`, url: '/api/v1/x', body: { n } })
    await box.flush()
    expect(sent).toEqual([1])
    expect(box.items.value.map((i) => i.label)).toEqual(['#2', '#3'])
    down = false
    window.dispatchEvent(new Event('online'))
    await waitFor(() => expect(box.items.value).toHaveLength(0))
    expect(sent).toEqual([1, 2, 3])
  })

  it('keeps a refused (4xx) item with the server message and goes on with the rest', async () => {
    mockFetch({
      'POST /api/v1/bad': () => apiError(422, 'validation', '该户不属于本村', { household_id: '该户不属于本村' }),
      'POST /api/v1/good': () => json({}, 201),
    })
    const box = use()
    await box.enqueue({ label: 'bad', url: '/api/v1/bad', body: {} })
    await box.enqueue({ label: 'good', url: '/api/v1/good', body: {} })
    await box.flush()
    expect(box.items.value).toHaveLength(1)
    expect(box.items.value[0].label).toBe('bad')
    expect(box.items.value[0].error).toBe('该户不属于本村')
    expect(box.items.value[0].tries).toBeGreaterThanOrEqual(1)
    await box.remove(box.items.value[0].key)
    expect(box.items.value).toHaveLength(0)
  })

  it('keeps an item the server failed on (5xx) without blaming it, and stops there', async () => {
    let fail = true
    const { calls } = mockFetch({
      'POST /api/v1/x': () => (fail ? apiError(503, 'unavailable', '服务暂不可用') : json({}, 201)),
    })
    const box = use()
    await box.enqueue({ label: 'a', url: '/api/v1/x', body: { n: 1 } })
    await box.enqueue({ label: 'b', url: '/api/v1/x', body: { n: 2 } })
    await box.flush()
    expect(box.items.value.map((i) => i.label)).toEqual(['a', 'b'])
    expect(box.items.value[0].error).toBeUndefined()
    expect(calls.every((c) => (c.body as { n: number }).n === 1)).toBe(true)
    fail = false
    await box.flush()
    expect(box.items.value).toHaveLength(0)
  })

  it('treats 200 for a repeated client_key as sent (the server already had it)', async () => {
    mockFetch({ 'PUT /api/v1/y': () => json({ id: 9 }, 200) })
    const box = use()
    const seen: unknown[] = []
    box.onSent((_item, res) => seen.push(res))
    await box.enqueue({ label: 'y', method: 'PUT', url: '/api/v1/y', body: {} })
    await box.flush()
    expect(box.items.value).toHaveLength(0)
    expect(seen).toEqual([{ id: 9 }])
  })

  it('uploads files first, once, and appends their ids to the body', async () => {
    let uploads = 0
    let failJson = true
    const { calls } = mockFetch({
      'POST /api/v1/files': () => json({ id: 100 + ++uploads }, 201),
      'POST /api/v1/z': () => (failJson ? failNetwork() : json({ id: 1 }, 201)),
    })
    const box = use()
    await box.enqueue({
      label: 'with photos',
      url: '/api/v1/z',
      body: { photo_ids: [7] },
      files: [
        { field: 'photo_ids', uploadUrl: '/api/v1/files', name: 'a.jpg', blob: new Blob(['a']) },
        { field: 'signature_ids', uploadUrl: '/api/v1/files', name: 'sig.png', blob: new Blob(['s']) },
      ],
    })
    await box.flush()
    expect(uploads).toBe(2)
    expect(box.items.value).toHaveLength(1)
    expect(box.items.value[0].files?.map((f) => f.id)).toEqual([101, 102])

    // a reload in between: the file ids were stored with the item
    resetOutboxForTests()
    failJson = false
    const again = use()
    await again.ready
    await again.flush()
    expect(uploads).toBe(2)
    const last = calls[calls.length - 1]
    expect(last.url).toBe('/api/v1/z')
    expect(last.body).toMatchObject({ photo_ids: [7, 101], signature_ids: [102] })
    const upload = calls.find((c) => c.url === '/api/v1/files')!
    expect(upload.body).toBeInstanceOf(FormData)
    expect((upload.body as FormData).get('file')).toBeInstanceOf(Blob)
    expect(again.items.value).toHaveLength(0)
  })

  it('keeps queues apart and shares one queue between users of the same page', async () => {
    mockFetch({ 'POST /api/v1/x': failNetwork })
    const a = use('letters')
    const b = use('patrols')
    const a2 = use('letters')
    await a.enqueue({ label: 'l', url: '/api/v1/x' })
    expect(a2.items.value).toHaveLength(1)
    expect(b.items.value).toHaveLength(0)
  })

  it('makes distinct v4 UUIDs, also without crypto.randomUUID', () => {
    const re = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
    expect(newClientKey()).toMatch(re)
    vi.stubGlobal('crypto', { getRandomValues: (b: Uint8Array) => b.map((_, i) => i * 17) })
    expect(newClientKey()).toMatch(re)
    expect(newClientKey().length).toBeLessThanOrEqual(64)
  })
})

describe('OutboxBar', () => {
  beforeEach(() => resetOutboxForTests(true))
  afterEach(() => vi.unstubAllGlobals())

  it('is hidden when nothing waits, and shows the count and offline state otherwise', async () => {
    mockFetch({ 'POST /api/v1/x': failNetwork })
    const w = mount(OutboxBar, { props: { queue: 'bar' } })
    expect(w.find('[data-test="outbox-bar"]').exists()).toBe(false)
    const { box, stop } = open('bar')
    await box.enqueue({ label: '第3户回执', url: '/api/v1/x' })
    await box.flush()
    await waitFor(() => expect(w.find('[data-test="outbox-count"]').text()).toContain('1 条待发送'))
    expect(w.find('[data-test="outbox-offline"]').exists()).toBe(true)
    await w.find('[data-test="outbox-toggle"]').trigger('click')
    expect(w.find('[data-test="outbox-item"]').text()).toContain('第3户回执')
    stop()
    w.unmount()
  })
})
