// The fire field pages in the menu group `fire`, by role.
import { describe, expect, it } from 'vitest'
import { menuFor, moduleRoutes, type MenuEntry } from '@/modules'

const VIEW = ['fire-home', 'fire-patrols', 'fire-posts', 'fire-squads', 'fire-broadcasts', 'fire-reports', 'fire-checks']
const PHONE = ['fire-patrol-phone', 'fire-broadcast-phone']
const MINE = [...VIEW, ...PHONE, 'fire-patrol']

/** This module's entries of the group `fire` (the letters module's pages sit there too). */
const fireGroup = (entries: MenuEntry[]) =>
  entries.flatMap((e) => (e.kind === 'group' && e.key === 'fire' ? e.children.map((c) => c.name) : [])).filter((n) => MINE.includes(n))

describe('fire field pages', () => {
  it('gives everyone who works on fire prevention the home and the lists, the recorders the phone pages', () => {
    for (const role of ['admin', 'supervisor', 'unit_admin', 'staff', 'field'] as const) {
      expect(fireGroup(menuFor([role]))).toEqual([...VIEW, ...PHONE])
    }
    expect(fireGroup(menuFor(['leader']))).toEqual(VIEW)
    expect(fireGroup(menuFor(['judge']))).toEqual([])
  })
  it('routes the patrol detail by id or client key without a menu entry', () => {
    const r = moduleRoutes().find((x) => x.name === 'fire-patrol')
    expect(r?.path).toBe('fire/patrols/:id')
    expect(fireGroup(menuFor(['admin']))).not.toContain('fire-patrol')
  })
})
