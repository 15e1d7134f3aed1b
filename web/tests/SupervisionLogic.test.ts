import { describe, expect, it } from 'vitest'
import { daysLeftInfo, progressInfo, rowFieldError, statusSteps, weekEnd, lightColor, LIGHT_COLORS } from '@/views/supervision/taskFormat'
import { actionButtons } from '@/views/supervision/taskActions'

describe('days left', () => {
  it('reads negative days as overdue, zero as today, small as soon', () => {
    expect(daysLeftInfo(-3)).toEqual({ key: 'supervision.days.overdue', n: 3, tone: 'overdue' })
    expect(daysLeftInfo(0)).toMatchObject({ key: 'supervision.days.today', tone: 'today' })
    expect(daysLeftInfo(2)).toMatchObject({ key: 'supervision.days.left', n: 2, tone: 'soon' })
    expect(daysLeftInfo(10)).toMatchObject({ tone: 'normal' })
    expect(daysLeftInfo(5, { warnDays: 5 })).toMatchObject({ tone: 'soon' })
  })
  it('has nothing to count without a deadline or once closed', () => {
    expect(daysLeftInfo(null).tone).toBe('none')
    expect(daysLeftInfo(-4, { closed: true }).tone).toBe('none')
  })
})

describe('progress against the time-sequence', () => {
  it('is lagging only beyond the threshold', () => {
    expect(progressInfo(30, 60, 20)).toMatchObject({ lag: 30, state: 'lagging' })
    expect(progressInfo(50, 60, 20)).toMatchObject({ lag: 10, state: 'behind' })
    expect(progressInfo(70, 60)).toMatchObject({ lag: -10, state: 'ahead' })
    expect(progressInfo(60, 60).state).toBe('onTrack')
    expect(progressInfo(100, 100).state).toBe('done')
  })
  it('clamps what the server might send out of range', () => {
    expect(progressInfo(-5, 140)).toMatchObject({ progress: 0, time: 100 })
  })
  it('never warns when no threshold applies (drafts, closed tasks)', () => {
    expect(progressInfo(0, 90, Infinity).state).toBe('onTrack')
  })
})

describe('workflow steps', () => {
  it('finishes the steps before the current one', () => {
    const { active, steps } = statusSteps('signed')
    expect(active).toBe(2)
    expect(steps.map((s) => s.state)).toEqual(['finish', 'finish', 'process', 'wait', 'wait', 'wait'])
  })
  it('shows a returned task as returned at the completion step, in red', () => {
    const { steps } = statusSteps('returned')
    expect(steps[4]).toEqual({ key: 'returned', state: 'error' })
    expect(steps[5].state).toBe('wait')
  })
  it('is all green once closed', () => {
    expect(statusSteps('closed').steps.every((s) => s.state === 'success')).toBe(true)
  })
})

describe('action buttons', () => {
  it('follow can, in workflow order, the first one solid', () => {
    const b = actionButtons(['edit', 'remind', 'close', 'return', 'decide', 'milestone', 'bogus'])
    expect(b.map((x) => x.action)).toEqual(['close', 'return', 'remind', 'edit'])
    expect(b[0]).toMatchObject({ type: 'success', plain: false })
    expect(b.slice(1).every((x) => x.plain)).toBe(true)
  })
  it('are none without can', () => {
    expect(actionButtons(null)).toEqual([])
    expect(actionButtons([])).toEqual([])
  })
})

describe('helpers', () => {
  it('finds a milestone cell message in any spelling the server uses', () => {
    expect(rowFieldError({ 'milestones[1].due_on': 'a' }, 'milestones', 1, 'due_on')).toBe('a')
    expect(rowFieldError({ 'milestones.0.name': 'b' }, 'milestones', 0, 'name')).toBe('b')
    expect(rowFieldError({ 'milestones[2]': 'c' }, 'milestones', 2, 'weight')).toBe('c')
    expect(rowFieldError({ 'milestones[2]': 'c' }, 'milestones', 1, 'weight')).toBe('')
  })
  it('ends the week on Sunday', () => {
    expect(weekEnd('2026-11-25')).toBe('2026-11-29') // Wednesday
    expect(weekEnd('2026-11-29')).toBe('2026-11-29') // Sunday itself
    expect(weekEnd('2026-11-30')).toBe('2026-12-06') // Monday
  })
  it('colours lights, unknown ones grey', () => {
    expect(lightColor('red')).toBe(LIGHT_COLORS.red)
    expect(lightColor('purple')).toBe(LIGHT_COLORS.none)
  })
})
