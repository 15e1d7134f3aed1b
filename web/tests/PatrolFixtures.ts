// The phone patrol page's setting for its tests: a village worker signed in,
// a phone standing in 张家村 (one position, then silence), an empty outbox,
// and the page's first reads (the server's clock, squads, key villages).
import { vi } from 'vitest'
import { setCsrfToken } from '@/api/http'
import { resetOutboxForTests } from '@/composables/useOutbox'
import { json, type mockFetch } from './helpers'
import { signInAs } from './SupervisionFixtures'

export type Routes = Record<string, Parameters<typeof mockFetch>[0][string]>

const geo = {
  watchPosition: vi.fn((ok: PositionCallback) => {
    ok({ timestamp: Date.now(), coords: { latitude: 25.02, longitude: 102.62, accuracy: 8 } } as GeolocationPosition)
    return 1
  }),
  getCurrentPosition: vi.fn(),
  clearWatch: vi.fn(),
}

/** Sets the phone up and returns the routes of the page's first reads; serverNow is the server's clock. */
export function patrolPhone(serverNow: () => Date = () => new Date()): Routes {
  resetOutboxForTests(true)
  localStorage.clear()
  setCsrfToken('csrf')
  signInAs('field')
  Object.defineProperty(navigator, 'geolocation', { value: geo, configurable: true })
  return {
    'GET /api/v1/meta': () => json({ now: serverNow().toISOString() }),
    'GET /api/v1/fire/squads': () => json([]),
    'GET /api/v1/fire/villages': () => json([{ id: 5, name: '张家村', posts: [{ id: 8, name: '东山岗', village_id: 5, patrollers: [] }] }]),
  }
}
