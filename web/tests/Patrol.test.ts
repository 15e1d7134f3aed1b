// Forest fire patrols (internal/fire/patrol): the route drawing and text
// helpers, the message catalogs, and the phone patrol page working offline.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { mount } from '@vue/test-utils'
import { distanceText, durationText, routePath } from '@/api/patrol'
import RouteSvg from '@/views/fire/patrol/RouteSvg.vue'
import PatrolPhoneView from '@/views/fire/patrol/PatrolPhoneView.vue'
import { session } from '@/stores/session'
import zh from '@/i18n/zh/patrol'
import en from '@/i18n/en/patrol'
import { json, mockFetch, waitFor } from './helpers'
import { $, mountAt } from './SupervisionFixtures'
import { patrolPhone, type Routes } from './PatrolFixtures'

vi.mock('@/ui/feedback', async (orig) => ({ ...(await orig<typeof import('@/ui/feedback')>()), confirmAction: vi.fn(async () => true) }))

function keys(o: object, p = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) => (typeof v === 'object' && v ? keys(v, `${p}${k}.`) : [`${p}${k}`]))
}

describe('patrol helpers', () => {
  it('says distances and durations in Chinese units', () => {
    expect(distanceText(850.4)).toBe('850 米')
    expect(distanceText(3240)).toBe('3.2 公里')
    expect(durationText(65 * 60)).toBe('1小时05分')
    expect(durationText(12 * 60 + 30)).toBe('12分')
  })
  it('fits a route into the box, north up, without stretching', () => {
    const { d, xy } = routePath([{ lat: 25, lng: 102 }, { lat: 25.01, lng: 102 }, { lat: 25.01, lng: 102.01 }], 200, 100, 10)
    expect(d.startsWith('M')).toBe(true)
    expect(d.split('L')).toHaveLength(3)
    expect(xy[1][1]).toBeLessThan(xy[0][1]) // north is up
    expect(xy[0][0]).toBeCloseTo(xy[1][0]) // same longitude, same x
    for (const [x, y] of xy) {
      expect(x).toBeGreaterThanOrEqual(10)
      expect(x).toBeLessThanOrEqual(190)
      expect(y).toBeGreaterThanOrEqual(10)
      expect(y).toBeLessThanOrEqual(90)
    }
    expect(routePath([], 200, 100).d).toBe('')
  })
  it('draws the route line with start and end', () => {
    const w = mount(RouteSvg, { props: { points: [{ at: '', lat: 25, lng: 102 }, { at: '', lat: 25.01, lng: 102.01 }] } })
    expect(w.find('[data-test=patrol-route-line]').attributes('d')).toMatch(/^M[\d.]+ [\d.]+ L/)
    expect(w.findAll('circle')).toHaveLength(2)
  })
  it('has the same keys in Chinese and English', () => {
    expect(keys(en).sort()).toEqual(keys(zh).sort())
  })
})

describe('the phone patrol page', () => {
  let down = false
  let fetch: ReturnType<typeof mockFetch>
  let routes: Routes

  beforeEach(() => {
    down = false
    routes = patrolPhone(() => new Date(Date.now() + 3600_000)) // the server's clock runs an hour ahead
    fetch = mockFetch(routes)
  })
  afterEach(() => {
    document.body.innerHTML = ''
    vi.unstubAllGlobals()
    session.user = null
  })

  it('keeps the start, the route and the end offline and sends each once, on the server clock', async () => {
    const { wrapper } = await mountAt(PatrolPhoneView, '/fire/patrol', '/fire/patrol')
    await waitFor(() => expect(($('[data-test="patrol-phone-start"]') as HTMLButtonElement).disabled).toBe(false))
    const net = (status: number, body: unknown) => () => {
      if (down) throw new TypeError('Failed to fetch')
      return json(body, status)
    }
    down = true
    routes['POST /api/v1/fire/patrols'] = net(201, { id: 3 })
    $('[data-test="patrol-phone-start"]')!.click()
    await waitFor(() => expect($('[data-test="patrol-phone-status"]')).not.toBeNull())
    const key = JSON.parse(localStorage.getItem('diaodu.fire.patrol.current')!).key as string
    routes[`POST /api/v1/fire/patrols/${key}/points`] = net(201, { added: 1 })
    routes[`POST /api/v1/fire/patrols/${key}/end`] = net(200, { id: 3 })
    $('[data-test="patrol-phone-end"]')!.click()
    await waitFor(() => expect($('[data-test="outbox-count"]')?.dataset.count).toBe('3'))

    down = false
    $('[data-test="outbox-flush"]')!.click()
    await waitFor(() => expect($('[data-test="outbox-count"]')).toBeNull())
    const sent = fetch.calls.filter((c) => c.method === 'POST')
    const ok = sent.slice(-3)
    expect(ok.map((c) => c.url)).toEqual(['/api/v1/fire/patrols', `/api/v1/fire/patrols/${key}/points`, `/api/v1/fire/patrols/${key}/end`])
    const start = ok[0].body as { post_id: number; client_key: string; started_at: string }
    expect(start).toMatchObject({ post_id: 8, client_key: key })
    expect(Date.parse(start.started_at) - Date.now()).toBeGreaterThan(3500_000) // the server's clock, not the phone's
    const points = ok[1].body as { points: { lat: number }[]; client_key: string }
    expect(points.points).toHaveLength(1)
    expect(points.client_key).not.toBe(key)
    expect(localStorage.getItem('diaodu.fire.patrol.current')).toBeNull()
    expect($('[data-test="patrol-phone-ended"]')).not.toBeNull()
    wrapper.unmount()
  })
})
