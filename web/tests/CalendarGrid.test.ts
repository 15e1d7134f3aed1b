import { describe, expect, it } from 'vitest'
import type { CalendarDay } from '@/api/calendar'
import { countYear, dayMap, isoDate, monthGrid, sameDays, setDay, suggestName, toggleDay, weekdayOf, yearGrid, yearOptions } from '@/views/calendar/grid'

// A piece of the 2026 schedule: 国庆节 10-01..07 (10-03, 10-04 a weekend), worked 09-20 (Sunday) and 10-10 (Saturday).
const national: CalendarDay[] = [
  { date: '2026-09-20', kind: 'workday', name: '国庆节调休上班' },
  ...[1, 2, 3, 4, 5, 6, 7].map((d) => ({ date: isoDate(2026, 10, d), kind: 'holiday' as const, name: '国庆节' })),
  { date: '2026-10-10', kind: 'workday', name: '国庆节调休上班' },
]

describe('calendar month grid', () => {
  it('starts weeks on Monday and pads with the neighbouring months', () => {
    // October 2026 begins on a Thursday and has 31 days.
    const weeks = monthGrid(2026, 10, dayMap(national))
    expect(weeks).toHaveLength(5)
    expect(weeks.every((w) => w.length === 7)).toBe(true)
    expect(weeks[0].map((c) => c.inMonth)).toEqual([false, false, false, true, true, true, true])
    expect(weeks[0][0].date).toBe('2026-09-28') // the Monday before
    expect(weeks[0][3]).toMatchObject({ date: '2026-10-01', day: 1, kind: 'holiday', name: '国庆节', off: true })
    expect(weeks[0][5]).toMatchObject({ date: '2026-10-03', weekend: true, kind: 'holiday', off: true })
    // Saturday 10-10 is worked; Sunday 10-11 is an ordinary weekend day.
    expect(weeks[1][5]).toMatchObject({ date: '2026-10-10', weekend: true, kind: 'workday', off: false })
    expect(weeks[1][6]).toMatchObject({ date: '2026-10-11', weekend: true, kind: '', off: true })
    expect(weeks[4].map((c) => c.inMonth)).toEqual([true, true, true, true, true, true, false]) // 26..31, then 11-01
    const inMonth = weeks.flat().filter((c) => c.inMonth)
    expect(inMonth.map((c) => c.day)).toEqual(Array.from({ length: 31 }, (_, i) => i + 1))
  })

  it('handles a month that starts on Monday, a leap February and Sunday-first months', () => {
    // June 2026 starts on a Monday: no padding before.
    expect(monthGrid(2026, 6, new Map())[0][0]).toMatchObject({ date: '2026-06-01', inMonth: true })
    // February 2028 has 29 days; 2028-02-01 is a Tuesday.
    const feb = monthGrid(2028, 2, new Map()).flat().filter((c) => c.inMonth)
    expect(feb).toHaveLength(29)
    // November 2026 starts on a Sunday: six leading pads and six weeks.
    const nov = monthGrid(2026, 11, new Map())
    expect(nov[0].filter((c) => !c.inMonth)).toHaveLength(6)
    expect(nov).toHaveLength(6)
    expect(yearGrid(2026, national).map((m) => m.month)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])
  })

  it('knows weekdays whatever the time zone', () => {
    expect(weekdayOf('2026-10-01')).toBe(4)
    expect(weekdayOf('2026-11-29')).toBe(0)
    expect(isoDate(2026, 13, 1)).toBe('2027-01-01')
  })
})

describe('editing the exceptions', () => {
  it('toggles a weekday: normal → 放假 → normal, named after the holiday nearby', () => {
    const a = toggleDay(national, '2026-10-08')
    expect(a.find((d) => d.date === '2026-10-08')).toEqual({ date: '2026-10-08', kind: 'holiday', name: '国庆节' })
    expect(a.map((d) => d.date)).toEqual([...a.map((d) => d.date)].sort())
    const b = toggleDay(a, '2026-10-08')
    expect(sameDays(b, national)).toBe(true)
  })

  it('toggles a weekend day: normal → 调休上班 → 放假 → normal', () => {
    const a = toggleDay(national, '2026-12-26')
    expect(a.find((d) => d.date === '2026-12-26')).toEqual({ date: '2026-12-26', kind: 'workday', name: '调休上班' })
    const b = toggleDay(a, '2026-12-26')
    expect(b.find((d) => d.date === '2026-12-26')?.kind).toBe('holiday')
    expect(sameDays(toggleDay(b, '2026-12-26'), national)).toBe(true)
  })

  it('sets and removes a day, trimming the name', () => {
    const a = setDay(national, '2026-10-10', 'holiday', '  补休 ')
    expect(a.find((d) => d.date === '2026-10-10')).toEqual({ date: '2026-10-10', kind: 'holiday', name: '补休' })
    expect(a).toHaveLength(national.length)
    expect(setDay(a, '2026-10-10', '', '')).toHaveLength(national.length - 1)
    expect(sameDays(a, national)).toBe(false)
  })

  it('suggests the nearest same-kind name within a week', () => {
    expect(suggestName(national, '2026-10-09', 'holiday')).toBe('国庆节')
    expect(suggestName(national, '2026-09-27', 'workday')).toBe('国庆节调休上班')
    expect(suggestName(national, '2026-12-01', 'holiday')).toBe('')
    expect(suggestName(national, '2026-12-05', 'workday', 'Worked')).toBe('Worked')
  })

  it('counts the year as the server does', () => {
    // 2026 has 261 weekdays; the National Day week takes 5 of them, two weekend days are worked.
    expect(countYear(2026, national)).toEqual({ holidays: 7, workdays: 2, working: 261 - 5 + 2 })
    expect(countYear(2026, [])).toEqual({ holidays: 0, workdays: 0, working: 261 })
  })

  it('offers the years with data and those around this year, newest first', () => {
    expect(yearOptions([2025, 2026], 2026, 2026)).toEqual([2027, 2026, 2025])
    expect(yearOptions([2025], 2026, 2030)).toEqual([2030, 2027, 2026, 2025])
  })
})
