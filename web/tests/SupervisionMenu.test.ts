import { describe, expect, it } from 'vitest'
import { menuFor, moduleRoutes, type MenuEntry } from '@/modules'

const supervision = (roles: string[]) => {
  const g = menuFor(roles).find((e): e is Extract<MenuEntry, { kind: 'group' }> => e.kind === 'group' && e.key === 'supervision')
  return g ? g.children.map((c) => c.name) : []
}

describe('supervision menu', () => {
  it('gives the supervision office every page, settings included', () => {
    expect(supervision(['supervisor'])).toEqual([
      'supervision',
      'supervision-my-work',
      'supervision-tasks',
      'supervision-gantt',
      'supervision-sources',
      'supervision-settings',
    ])
  })

  it('gives leaders the sources but not the settings', () => {
    expect(supervision(['leader'])).toContain('supervision-sources')
    expect(supervision(['leader'])).not.toContain('supervision-settings')
  })

  it('gives units their work, the ledger and the Gantt, not sources or settings', () => {
    for (const role of ['unit_admin', 'staff', 'field']) {
      expect(supervision([role])).toEqual(['supervision', 'supervision-my-work', 'supervision-tasks', 'supervision-gantt'])
    }
  })

  it('shows judges nothing of it', () => {
    expect(supervision(['judge'])).toEqual([])
  })

  it('keeps the task page out of the menu but routes it, numeric ids only', () => {
    expect(supervision(['admin'])).not.toContain('supervision-task')
    const route = moduleRoutes().find((r) => r.name === 'supervision-task')!
    expect(route.path).toBe('supervision/tasks/:id(\\d+)')
    expect(route.meta?.roles).not.toContain('judge')
  })
})
