import { describe, expect, it } from 'vitest'
import { menuFor, moduleRoutes, type MenuEntry } from '@/modules'

const names = (entries: MenuEntry[]) => entries.flatMap((e) => (e.kind === 'group' ? [e.key, ...e.children.map((c) => c.name)] : [e.name]))

describe('module registry', () => {
  it('gives an administrator every page', () => {
    expect(names(menuFor(['admin']))).toEqual(['home', 'org', 'units', 'groups', 'users', 'system', 'tokens', 'audit'])
  })

  it('hides tokens and audit from a leader, and the empty system group', () => {
    expect(names(menuFor(['leader']))).toEqual(['home', 'org', 'units', 'groups', 'users'])
  })

  it('shows audit but not tokens to supervisors and unit administrators', () => {
    expect(names(menuFor(['supervisor']))).toContain('audit')
    expect(names(menuFor(['unit_admin']))).toEqual(['home', 'org', 'units', 'groups', 'users', 'system', 'audit'])
  })

  it('shows staff and field users only the workbench', () => {
    expect(names(menuFor(['staff']))).toEqual(['home'])
    expect(names(menuFor(['field', 'judge']))).toEqual(['home'])
  })

  it('builds one route per page with its title, group and roles', () => {
    const units = moduleRoutes().find((r) => r.name === 'units')!
    expect(units.path).toBe('org/units')
    expect(units.meta).toMatchObject({ titleKey: 'nav.units', groupTitleKey: 'nav.org' })
    expect(units.meta?.roles).toContain('unit_admin')
  })
})
