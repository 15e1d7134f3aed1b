import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import DeliverPhoneView from '@/views/fire/DeliverPhoneView.vue'
import { setCsrfToken } from '@/api/http'
import { resetOutboxForTests } from '@/composables/useOutbox'
import { session } from '@/stores/session'
import { json, mockFetch, waitFor, type MockCall } from './helpers'
import { $, $$, mountAt, signInAs } from './SupervisionFixtures'

const LETTER = { id: 7, title: '致全区人民群众的一封信', body: '', starts_on: '2026-11-01', ends_on: '2027-04-30', district_wide: true, town_ids: [], towns: [],
  unit: { id: 1, name: '示范区' }, households: 3, reached: 1, rate: 33.3, created_at: '', updated_at: '' }
const HOUSEHOLDS = [
  { id: 41, code: 'ZJ-0002', head_name: '李建国', address: '一组2号', people: 4 },
  { id: 42, code: 'ZJ-0003', head_name: '王秀英', address: '二组5号', people: 2 },
]

describe('the phone delivery page', () => {
  let down = false
  let fetch: ReturnType<typeof mockFetch>
  let stored = 0

  beforeEach(() => {
    resetOutboxForTests(true)
    setCsrfToken('csrf')
    signInAs('field')
    down = false
    stored = 0
    const net = (ok: (c: MockCall) => Response) => (c: MockCall) => {
      if (down) throw new TypeError('Failed to fetch')
      return ok(c)
    }
    fetch = mockFetch({
      'GET /api/v1/fire/letters': () => json({ items: [LETTER], total: 1 }),
      'GET /api/v1/fire/letters/7': () => json(LETTER),
      'GET /api/v1/fire/letters/7/pending': () => json({ items: HOUSEHOLDS, total: 2 }),
      'POST /api/v1/fire/letters/7/files': net(() => json({ id: 90, name: 'slip.jpg', url: '/api/v1/files/90' }, 201)),
      'POST /api/v1/fire/letters/7/deliveries': net((c) => {
        stored++
        return json({ id: 500 + stored, household_id: (c.body as { household_id: number }).household_id }, 201)
      }),
    })
  })
  afterEach(() => {
    document.body.innerHTML = ''
    vi.unstubAllGlobals()
    session.user = null
  })

  it('keeps a receipt saved offline and sends it once, the photo first; the count rises', async () => {
    await mountAt(DeliverPhoneView, '/fire/deliver', '/fire/deliver')
    await waitFor(() => expect($$('[data-test^="fire-household-"]')).toHaveLength(2))
    expect($('[data-test="fire-deliver-progress"]')!.dataset.reached).toBe('1')

    // Without a signature nothing is saved.
    $('[data-test="fire-household-41"]')!.click()
    await flushPromises()
    $('[data-test="fire-deliver-save"]')!.click()
    await flushPromises()
    expect($('[data-test="fire-deliver-sheet"]')).not.toBeNull()

    // A photo of the paper slip, saved while offline.
    $('[data-test="fire-mode-photo"]')!.click()
    await flushPromises()
    const input = $('input[data-test="fire-photo"]') as HTMLInputElement
    Object.defineProperty(input, 'files', { value: [new File(['jpeg'], 'slip.jpg', { type: 'image/jpeg' })], configurable: true })
    input.dispatchEvent(new Event('change'))
    down = true
    $('[data-test="fire-deliver-save"]')!.click()
    await waitFor(() => expect($('[data-test="outbox-count"]')?.dataset.count).toBe('1'))
    expect($$('[data-test^="fire-household-"]')).toHaveLength(1) // waiting: off the list
    expect($('[data-test="fire-deliver-progress"]')!.dataset.reached).toBe('2')
    expect(stored).toBe(0)

    down = false
    $('[data-test="outbox-flush"]')!.click()
    await waitFor(() => expect($('[data-test="outbox-bar"]')).toBeNull())
    expect(stored).toBe(1)
    // Offline the upload failed before anything was stored; back online: the photo, then the receipt, once.
    const posts = fetch.calls.filter((c) => c.method === 'POST')
    const receipts = posts.filter((c) => c.url.endsWith('/deliveries'))
    expect(receipts).toHaveLength(1)
    expect(posts.at(-2)!.url).toBe('/api/v1/fire/letters/7/files')
    const body = receipts[0].body as Record<string, unknown>
    expect(body).toMatchObject({ household_id: 41, method: 'photo', file_ids: [90] })
    expect(typeof body.client_key).toBe('string')
    expect($('[data-test="fire-deliver-progress"]')!.dataset.reached).toBe('2')
    expect($$('[data-test^="fire-household-"]')).toHaveLength(1)
  })
})
