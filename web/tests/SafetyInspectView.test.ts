import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import InspectView from '@/views/safety/InspectView.vue'
import { setCsrfToken } from '@/api/http'
import { resetOutboxForTests } from '@/composables/useOutbox'
import { session } from '@/stores/session'
import { json, mockFetch, waitFor, type MockCall } from './helpers'
import { $, $$, mountAt, signInAs } from './SupervisionFixtures'

const ENT = {
  id: 7,
  name: '青石客运站',
  credit_code: 'NB00000007',
  industry: 'transport',
  industry_name: '道路运输',
  town_name: '青石镇',
  open_hazards: 0,
  major_open: 0,
  overdue_open: 0,
  last_inspected: null,
  suspended: false,
  checked: false,
}
const ITEMS = [
  { id: 21, industry: '', seq: 1, text: '安全生产责任制是否健全', basis: '' },
  { id: 22, industry: 'transport', seq: 2, text: '客运站“三不进站、六不出站”是否落实', basis: '' },
]

describe('the phone inspection page', () => {
  let down = false
  let fetch: ReturnType<typeof mockFetch>

  beforeEach(() => {
    resetOutboxForTests(true)
    localStorage.clear()
    setCsrfToken('csrf')
    signInAs('field')
    down = false
    const net = (ok: (c: MockCall) => Response) => (c: MockCall) => {
      if (down) throw new TypeError('Failed to fetch')
      return ok(c)
    }
    fetch = mockFetch({
      'GET /api/v1/meta': () => json({ now: '2026-11-27T02:00:00Z' }),
      'GET /api/v1/safety/campaigns': () => json({ items: [{ id: 3, name: '元旦前大排查大整治', industries: [], progress: {} }], total: 1 }),
      'GET /api/v1/safety/enterprises/7': () => json({ enterprise: ENT, inspections: [], hazards: [], suspensions: [] }),
      'GET /api/v1/safety/campaigns/3/checklist': () => json(ITEMS),
      'POST /api/v1/safety/photos': net(() => json({ id: 55, url: '/f/55' }, 201)),
      'POST /api/v1/safety/inspections': net((c) =>
        json({ id: 9, enterprise_id: 7, hazards: [{ id: 31, description: (c.body as { answers: { hazard?: { description: string } }[] }).answers[1].hazard!.description }] }, 201),
      ),
    })
  })
  afterEach(() => {
    document.body.innerHTML = ''
    vi.unstubAllGlobals()
    session.user = null
  })

  it('keeps an inspection made without a connection and sends it once, photos first', async () => {
    const { wrapper } = await mountAt(InspectView, '/safety/inspect?enterprise=7', '/safety/inspect')
    await waitFor(() => expect($$('[data-test^="inspect-item-"]')).toHaveLength(2))
    expect($('[data-test="inspect-enterprise-name"]')!.textContent).toBe('青石客运站')

    $('[data-test="inspect-item-1"] [data-test="answer-pass"]')!.click()
    $('[data-test="inspect-item-2"] [data-test="answer-fail"]')!.click()
    await flushPromises()
    const input = $('[data-test="inspect-item-2"] input[data-test="answer-photo"]') as HTMLInputElement
    Object.defineProperty(input, 'files', { value: [new File(['jpeg'], 'exit.jpg', { type: 'image/jpeg' })], configurable: true })
    input.dispatchEvent(new Event('change'))
    await waitFor(() => expect($$('[data-test="inspect-item-2"] .sf-photo img')).toHaveLength(1))

    down = true
    $('[data-test="inspect-submit"]')!.click()
    await waitFor(() => expect($('[data-test="outbox-count"]')?.dataset.count).toBe('1'))
    expect($('[data-test="inspect-done-item"]')!.dataset.sent).toBe('false')
    expect(fetch.calls.some((c) => c.method === 'POST' && c.url === '/api/v1/safety/inspections')).toBe(false)

    down = false
    $('[data-test="outbox-flush"]')!.click()
    await waitFor(() => expect($('[data-test="inspect-done-item"]')!.dataset.sent).toBe('true'))
    const posts = fetch.calls.filter((c) => c.method === 'POST')
    // The failed attempt reached the photo upload only; then the photo and the inspection, once each.
    expect(posts.map((c) => c.url)).toEqual(['/api/v1/safety/photos', '/api/v1/safety/photos', '/api/v1/safety/inspections'])
    const body = posts[2].body as Record<string, unknown>
    expect(body).toMatchObject({ campaign_id: 3, enterprise_id: 7, inspected_on: '2026-11-27', photo_ids: [55], photo_item_ids: [22] })
    expect(String(body.client_key)).toMatch(/^[0-9a-f-]{36}$/)
    expect((body.answers as { result: string }[]).map((a) => a.result)).toEqual(['pass', 'fail'])
    await waitFor(() => expect($('[data-test="inspect-hazard-link"]')!.textContent).toContain('客运站“三不进站、六不出站”是否落实'))
    expect($('[data-test="outbox-count"]')).toBeNull()
    wrapper.unmount()
  })

  it('brings back the answers when the page is opened again before submitting', async () => {
    const first = await mountAt(InspectView, '/safety/inspect?enterprise=7', '/safety/inspect')
    await waitFor(() => expect($$('[data-test^="inspect-item-"]')).toHaveLength(2))
    $('[data-test="inspect-item-2"] [data-test="answer-fail"]')!.click()
    await flushPromises()
    first.wrapper.unmount()
    document.body.innerHTML = ''

    const again = await mountAt(InspectView, '/safety/inspect?enterprise=7', '/safety/inspect')
    await waitFor(() => expect($('[data-test="inspect-item-2"]')?.dataset.result).toBe('fail'))
    expect($('[data-test="inspect-item-1"]')!.dataset.result).toBe('')
    expect($('[data-test="inspect-progress"]')!.dataset.answered).toBe('1')
    again.wrapper.unmount()
  })

  it('will not queue an inspection with items left unanswered', async () => {
    const { wrapper } = await mountAt(InspectView, '/safety/inspect?enterprise=7', '/safety/inspect')
    await waitFor(() => expect($$('[data-test^="inspect-item-"]')).toHaveLength(2))
    $('[data-test="inspect-item-1"] [data-test="answer-pass"]')!.click()
    $('[data-test="inspect-submit"]')!.click()
    await flushPromises()
    expect($('[data-test="inspect-item-2"]')!.className).toContain('is-missing')
    expect($('[data-test="outbox-count"]')).toBeNull()
    expect(fetch.calls.some((c) => c.method === 'POST')).toBe(false)
    wrapper.unmount()
  })
})
