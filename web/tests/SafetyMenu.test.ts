import { describe, expect, it } from 'vitest'
import { menuFor, moduleRoutes, type MenuEntry } from '@/modules'

const safetyGroup = (roles: string[]) => {
  const g = menuFor(roles).find((e): e is Extract<MenuEntry, { kind: 'group' }> => e.kind === 'group' && e.key === 'safety')
  return g ? g.children.map((c) => c.name) : null
}

describe('the work-safety menu', () => {
  const ALL = ['safety', 'safety-inspect', 'safety-hazards', 'safety-campaigns', 'safety-enterprises', 'safety-suspensions']

  it('gives the offices every page and the settings', () => {
    expect(safetyGroup(['admin'])).toEqual([...ALL, 'safety-settings'])
    expect(safetyGroup(['supervisor'])).toEqual([...ALL, 'safety-settings'])
  })

  it('gives leaders everything but the phone inspection and the settings', () => {
    expect(safetyGroup(['leader'])).toEqual(ALL.filter((n) => n !== 'safety-inspect'))
  })

  it('gives units the pages without the settings', () => {
    expect(safetyGroup(['unit_admin'])).toEqual(ALL)
    expect(safetyGroup(['staff'])).toEqual(ALL)
  })

  it('gives grid workers the home, the phone inspection, the ledger and the enterprises, and judges nothing', () => {
    expect(safetyGroup(['field'])).toEqual(['safety', 'safety-inspect', 'safety-hazards', 'safety-enterprises'])
    expect(safetyGroup(['judge'])).toBeNull()
  })

  it('routes the detail pages without showing them in the menu', () => {
    const routes = moduleRoutes()
    for (const name of ['safety-hazard', 'safety-campaign', 'safety-campaign-new', 'safety-campaign-edit', 'safety-enterprise', 'safety-enterprise-label']) {
      expect(routes.some((r) => r.name === name)).toBe(true)
      expect(safetyGroup(['admin'])).not.toContain(name)
    }
    expect(routes.find((r) => r.name === 'safety-hazard')!.path).toBe('safety/hazards/:id(\\d+)')
    expect(routes.find((r) => r.name === 'safety-campaign-new')!.meta?.roles).toEqual(['admin', 'supervisor'])
  })
})
