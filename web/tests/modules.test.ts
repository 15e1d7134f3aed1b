import { describe, expect, it } from 'vitest'
import { menuFor, moduleRoutes, type MenuEntry } from '@/modules'

const names = (entries: MenuEntry[]) => entries.flatMap((e) => (e.kind === 'group' ? [e.key, ...e.children.map((c) => c.name)] : [e.name]))

describe('module registry', () => {
  const SUPERVISION = ['supervision', 'supervision', 'supervision-my-work', 'supervision-tasks', 'supervision-gantt']
  const ORG = ['org', 'units', 'groups', 'users']
  const PROJECTS = ['projects', 'projects', 'project-board', 'project-summary', 'project-status']
  const TOURS = ['tours', 'tours']
  const INVEST = ['invest', 'invest-funnel', 'invest-leads', 'invest-targets']
  const REGISTRY = ['registry', 'registry-enterprises', 'registry-households', 'registry-roster']
  const SAFETY = ['safety', 'safety', 'safety-inspect', 'safety-hazards', 'safety-campaigns', 'safety-enterprises', 'safety-suspensions']
  const SAFETY_READ = ['safety', 'safety', 'safety-hazards', 'safety-campaigns', 'safety-enterprises', 'safety-suspensions']
  const SAFETY_FIELD = ['safety', 'safety', 'safety-inspect', 'safety-hazards', 'safety-enterprises']
  const FIRE = ['fire', 'fire-home', 'fire-warnings', 'fire-letters', 'fire-patrols', 'fire-posts', 'fire-squads', 'fire-broadcasts', 'fire-reports', 'fire-checks']
  const FIRE_FIELD = [...FIRE, 'fire-deliver', 'fire-patrol-phone', 'fire-broadcast-phone']

  it('gives an administrator every page', () => {
    const menu = names(menuFor(['admin']))
    expect(menu.slice(0, 8)).toEqual(['home', ...SUPERVISION, 'supervision-sources', 'supervision-settings'])
    for (const p of ['reports-status', 'reports-obligations', ...PROJECTS, 'project-settings', ...INVEST, 'invest-settings',
      ...SAFETY, 'safety-settings', ...FIRE_FIELD, 'registry-chains', ...ORG, 'system', 'tokens', 'audit', 'calendar', 'jobs', 'channels']) {
      expect(menu).toContain(p)
    }
  })

  it('gives the supervision office its module, reports and audit, but not tokens or channels', () => {
    expect(names(menuFor(['supervisor']))).toEqual([
      'home', ...SUPERVISION, 'supervision-sources', 'supervision-settings',
      'reports', 'reports-status', 'reports-obligations', ...PROJECTS, 'project-settings', ...TOURS, ...INVEST, 'invest-settings',
      ...SAFETY, 'safety-settings', ...FIRE_FIELD, ...REGISTRY, 'registry-chains', ...ORG, 'system', 'audit', 'calendar', 'jobs',
    ])
  })

  it('hides the system group from a leader', () => {
    expect(names(menuFor(['leader']))).toEqual([
      'home', ...SUPERVISION, 'supervision-sources', 'reports', 'reports-status', 'reports-obligations', ...PROJECTS, ...TOURS,
      ...INVEST, ...SAFETY_READ, ...FIRE, ...REGISTRY, ...ORG,
    ])
  })

  it('shows unit administrators their reports and the audit log, not the office pages', () => {
    expect(names(menuFor(['unit_admin']))).toEqual([
      'home', ...SUPERVISION, 'reports', 'reports-mine', 'reports-status', ...PROJECTS, ...TOURS, ...INVEST, ...SAFETY, ...FIRE_FIELD,
      ...REGISTRY, ...ORG,
      'system', 'audit',
    ])
  })

  it('shows staff and field users their work, reports and projects, judges the workbench and their tours', () => {
    expect(names(menuFor(['staff']))).toEqual(['home', ...SUPERVISION, 'reports', 'reports-mine', ...PROJECTS, ...TOURS, ...INVEST, ...SAFETY,
      ...FIRE_FIELD, ...REGISTRY])
    expect(names(menuFor(['field']))).toEqual(['home', ...SUPERVISION, 'reports', 'reports-mine', ...PROJECTS, ...SAFETY_FIELD, ...FIRE_FIELD,
      ...REGISTRY])
    expect(names(menuFor(['judge']))).toEqual(['home', ...TOURS])
  })

  it('builds one route per page with its title, group and roles', () => {
    const units = moduleRoutes().find((r) => r.name === 'units')!
    expect(units.path).toBe('org/units')
    expect(units.meta).toMatchObject({ titleKey: 'nav.units', groupTitleKey: 'nav.org' })
    expect(units.meta?.roles).toContain('unit_admin')
  })
})
