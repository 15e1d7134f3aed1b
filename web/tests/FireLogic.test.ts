import { describe, expect, it } from 'vitest'
import { ratePercent } from '@/api/fire'
import type { OutboxItem } from '@/composables/useOutbox'
import { queuedHouseholds, reachedCount, toVisit } from '@/views/fire/deliver'
import { placesOf } from '@/views/fire/units'
import type { UnitTreeNode } from '@/api/types'

const item = (url: string, household_id: unknown): OutboxItem => ({ key: String(household_id), label: '', method: 'POST', url, body: { household_id }, createdAt: 0, tries: 0 })
const hh = (id: number) => ({ id, code: `V-${id}`, head_name: `户主${id}`, address: '', people: 3 })

describe('fire letters logic', () => {
  it('rounds coverage down to one decimal and never above 100%', () => {
    expect(ratePercent(1, 3)).toBe(33.3)
    expect(ratePercent(2, 3)).toBe(66.6)
    expect(ratePercent(5, 4)).toBe(100)
    expect(ratePercent(0, 0)).toBe(0)
  })

  it('hides households waiting in the outbox or sent from the page, for this letter only', () => {
    const url = '/api/v1/fire/letters/7/deliveries'
    const queued = queuedHouseholds([item(url, 1), item('/api/v1/fire/letters/8/deliveries', 2), item(url, 'x')], url)
    expect([...queued]).toEqual([1])
    expect(toVisit([hh(1), hh(2), hh(3)], queued, new Set([3])).map((h) => h.id)).toEqual([2])
  })

  it('counts what was signed on the server, sent since and still waiting, up to the households', () => {
    expect(reachedCount(10, 2, 1, 20)).toBe(13)
    expect(reachedCount(19, 2, 1, 20)).toBe(20)
  })

  it('finds towns and their villages in the unit tree', () => {
    const tree: UnitTreeNode[] = [
      { id: 1, name: '示范区', short_name: '', code: 'D', kind: 'district', active: true, children: [
        { id: 2, name: '青石镇', short_name: '', code: 'QS', kind: 'town', active: true, children: [
          { id: 3, name: '张家村', short_name: '', code: 'ZJ', kind: 'village', active: true },
        ] },
        { id: 4, name: '区林草局', short_name: '', code: 'LC', kind: 'department', active: true },
      ] },
    ]
    expect(placesOf(tree)).toEqual({ towns: [{ id: 2, name: '青石镇' }], villages: [{ id: 3, name: '张家村', town_id: 2 }] })
  })
})
