import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import FireWarningBanner from '@/components/FireWarningBanner.vue'
import type { Warning } from '@/api/fire'
import { apiError, json, mockFetch } from './helpers'
import { $, mountAt } from './SupervisionFixtures'

function warning(level: number, over: Partial<Warning> = {}): Warning {
  const colour = (['blue', 'blue', 'blue', 'yellow', 'orange', 'red'] as const)[level]
  return {
    id: level,
    level,
    colour,
    level_name: `${level}级`,
    district_wide: false,
    town_ids: [2, 5],
    towns: [{ id: 2, name: '青石镇' }, { id: 5, name: '柳溪镇' }],
    valid_from: '2026-11-26T00:00:00Z',
    valid_to: '2026-11-29T10:00:00Z',
    text: '严禁野外用火',
    issued_by: '督查室',
    active: true,
    requirement: { patrols_per_day: 3, patrollers_per_post: 3, broadcasts_per_day: 3 },
    created_at: '2026-11-26T00:00:00Z',
    ...over,
  }
}

describe('the fire warning banner', () => {
  afterEach(() => {
    document.body.innerHTML = ''
    vi.unstubAllGlobals()
  })

  it('shows the highest active warning with its area, end and requirement', async () => {
    mockFetch({ 'GET /api/v1/fire/warnings/active': () => json([warning(4), warning(3, { district_wide: true, towns: [], town_ids: [] })]) })
    await mountAt(FireWarningBanner, '/', '/')
    await flushPromises()
    const b = $('[data-test="fire-banner"]')!
    expect(b.dataset.level).toBe('4')
    expect(b.className).toContain('fire-banner--orange')
    expect(b.textContent).toContain('青石镇、柳溪镇')
    expect(b.textContent).toContain('每村每日巡查3次')
    expect(b.textContent).toContain('另有 1 条预警')
  })

  it('shows nothing without a warning, or when the request fails', async () => {
    mockFetch({ 'GET /api/v1/fire/warnings/active': () => json([]) })
    await mountAt(FireWarningBanner, '/', '/')
    await flushPromises()
    expect($('[data-test="fire-banner"]')).toBeNull()
    document.body.innerHTML = ''
    mockFetch({ 'GET /api/v1/fire/warnings/active': () => apiError(500, 'internal', 'boom') })
    await mountAt(FireWarningBanner, '/', '/')
    await flushPromises()
    expect($('[data-test="fire-banner"]')).toBeNull()
  })
})
