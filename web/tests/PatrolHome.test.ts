// The fire home's card headers: the red villages and the fire reports each
// lead to their page by a primary link button in the header.
import { afterEach, describe, expect, it, vi } from 'vitest'
import FireHomeView from '@/views/fire/patrol/FireHomeView.vue'
import { session } from '@/stores/session'
import { json, mockFetch, waitFor } from './helpers'
import { $, mountAt, signInAs } from './SupervisionFixtures'

vi.mock('@/components/EChart.vue', () => ({ default: { name: 'EChart', render: () => null } }))

describe('the fire home', () => {
  afterEach(() => {
    document.body.innerHTML = ''
    vi.unstubAllGlobals()
    session.user = null
  })

  it('links the red villages to the posts page and the reports to theirs', async () => {
    signInAs('unit_admin')
    mockFetch({
      'GET /api/v1/fire/home': () =>
        json({ warnings: [], patrols_today: 1, open_patrols: 0, findings_today: 0, broadcasts_today: 0, towns: [], posts_below: [], reports: [],
          checks_open: 0, checks_overdue: 0,
          red_villages: [{ id: 5, name: '张家村', town_id: 3, town_name: '青石镇', reasons: ['未设公益岗位'], light: 'red', posts: [] }] }),
      'GET /api/v1/fire/coverage': () => json({}),
    })
    const { wrapper, router } = await mountAt(FireHomeView, '/fire', '/fire')
    await waitFor(() => expect($('[data-test="fire-home-red-village"]')).not.toBeNull())
    const link = $('[data-test="fire-home-posts-link"]')!
    expect(link.closest('.el-card__header')).not.toBeNull()
    expect(link.classList.contains('el-button--primary') && link.classList.contains('is-link')).toBe(true)
    link.click()
    await waitFor(() => expect(router.currentRoute.value.path).toBe('/fire/posts'))
    $('[data-test="fire-home-reports-link"]')!.click()
    await waitFor(() => expect(router.currentRoute.value.path).toBe('/fire/reports'))
    wrapper.unmount()
  })
})
