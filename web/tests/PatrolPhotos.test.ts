// Photos on the phone patrol page: taken with the camera for a finding and
// when ending the patrol (the shared photo strip, tested in PhotoStrip.test.ts),
// kept in the outbox and uploaded (POST /fire/photos) before the record that
// names their ids.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import PatrolPhoneView from '@/views/fire/patrol/PatrolPhoneView.vue'
import { session } from '@/stores/session'
import { json, mockFetch, pickFiles, waitFor } from './helpers'
import { $, $$, mountAt } from './SupervisionFixtures'
import { patrolPhone, type Routes } from './PatrolFixtures'

vi.mock('@/ui/feedback', async (orig) => ({ ...(await orig<typeof import('@/ui/feedback')>()), confirmAction: vi.fn(async () => true) }))

/** Picks files in a file input as the camera would. */
const take = (sel: string, ...names: string[]) => pickFiles($(sel) as HTMLInputElement, ...names)

let urls = 0
beforeEach(() => {
  vi.spyOn(URL, 'createObjectURL').mockImplementation(() => `blob:photo-${++urls}`)
  vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => undefined)
})
afterEach(() => {
  document.body.innerHTML = ''
})

describe('photos on the phone patrol page', () => {
  let fetch: ReturnType<typeof mockFetch>
  let routes: Routes
  let photoId = 40

  beforeEach(() => {
    routes = {
      ...patrolPhone(),
      'POST /api/v1/fire/patrols': () => json({ id: 3 }, 201),
      'POST /api/v1/fire/photos': () => json({ id: ++photoId, url: `/api/v1/files/${photoId}` }, 201),
    }
    fetch = mockFetch(routes)
  })
  afterEach(() => {
    vi.unstubAllGlobals()
    session.user = null
  })

  it('uploads a finding photo and the end photos, then names their ids', async () => {
    const { wrapper } = await mountAt(PatrolPhoneView, '/fire/patrol', '/fire/patrol')
    await waitFor(() => expect(($('[data-test="patrol-phone-start"]') as HTMLButtonElement).disabled).toBe(false))
    $('[data-test="patrol-phone-start"]')!.click()
    await waitFor(() => expect($('[data-test="patrol-phone-status"]')).not.toBeNull())
    const key = JSON.parse(localStorage.getItem('diaodu.fire.patrol.current')!).key as string
    routes[`POST /api/v1/fire/patrols/${key}/findings`] = () => json({ id: 7 }, 201)
    routes[`POST /api/v1/fire/patrols/${key}/points`] = () => json({ added: 1 }, 201)
    routes[`POST /api/v1/fire/patrols/${key}/end`] = () => json({ id: 3 })

    // A finding with one photo; the strip empties once it is queued.
    take('[data-test="patrol-phone-photo"]', '烧纸.jpg')
    await waitFor(() => expect($$('[data-test="patrol-phone-photo-thumb"]')).toHaveLength(1))
    $('[data-test="patrol-phone-save-finding"]')!.click()
    await waitFor(() => expect($$('[data-test="patrol-phone-photo-thumb"]')).toHaveLength(0))

    // Three photos at the end, one taken by mistake and removed, and a note.
    take('[data-test="patrol-phone-end-photo"]', '山口.jpg', '误拍.jpg', '林道.jpg')
    await waitFor(() => expect($$('[data-test="patrol-phone-end-photo-thumb"]')).toHaveLength(3))
    $$('[data-test="patrol-phone-end-photo-remove"]')[1].click()
    await waitFor(() => expect($$('[data-test="patrol-phone-end-photo-thumb"]')).toHaveLength(2))
    const note = $('[data-test="patrol-phone-end-note"] textarea') ?? $('textarea[data-test="patrol-phone-end-note"]')
    ;(note as HTMLTextAreaElement).value = '沿林道巡查，未见异常'
    note!.dispatchEvent(new Event('input'))
    $('[data-test="patrol-phone-end"]')!.click()
    await waitFor(() => expect($('[data-test="patrol-phone-ended"]')).not.toBeNull())
    await waitFor(() => expect($('[data-test="outbox-count"]')).toBeNull())

    const posts = fetch.calls.filter((c) => c.method === 'POST')
    const uploads = posts.filter((c) => c.url === '/api/v1/fire/photos')
    expect(uploads).toHaveLength(3)
    expect(uploads.map((c) => ((c.body as FormData).get('file') as File).name)).toEqual(['烧纸.jpg', '山口.jpg', '林道.jpg'])
    const finding = posts.find((c) => c.url.endsWith('/findings'))!
    expect(finding.body).toMatchObject({ kind: 'fire_source', photo_ids: [41] })
    const end = posts.find((c) => c.url.endsWith('/end'))!
    expect(end.body).toMatchObject({ note: '沿林道巡查，未见异常', photo_ids: [42, 43] })
    // Each photo went up before the record naming it.
    expect(posts.indexOf(uploads[0])).toBeLessThan(posts.indexOf(finding))
    expect(posts.indexOf(uploads[2])).toBeLessThan(posts.indexOf(end))
    wrapper.unmount()
  })
})
