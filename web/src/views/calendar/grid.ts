// The holiday calendar page's logic, kept apart from the component so it is
// tested on its own: month grids (weeks start on Monday, as Chinese
// calendars print them), editing the list of exceptions, and the year's
// counts (the same rule as the server's working-day arithmetic).
import type { CalendarDay, DayKind } from '@/api/calendar'

export interface DayCell {
  /** YYYY-MM-DD */
  date: string
  day: number
  /** False for the padding days of the neighbouring months. */
  inMonth: boolean
  weekend: boolean
  kind: DayKind | ''
  name: string
  /** A day off: a holiday, or a weekend day that is not worked. */
  off: boolean
}

export interface MonthGrid {
  month: number // 1–12
  weeks: DayCell[][]
}

const pad = (n: number) => String(n).padStart(2, '0')

/** `2026-10-01` from parts (month 1–12); out-of-range parts roll over. */
export function isoDate(year: number, month: number, day: number): string {
  const d = new Date(Date.UTC(year, month - 1, day))
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`
}

function parts(date: string): [number, number, number] {
  const [y, m, d] = date.split('-').map(Number)
  return [y, m, d]
}

/** 0 = Sunday … 6 = Saturday, whatever the browser's time zone. */
export function weekdayOf(date: string): number {
  const [y, m, d] = parts(date)
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay()
}

export function isWeekend(date: string): boolean {
  const w = weekdayOf(date)
  return w === 0 || w === 6
}

export function dayMap(days: readonly CalendarDay[]): Map<string, CalendarDay> {
  return new Map(days.map((d) => [d.date, d]))
}

function cell(date: string, inMonth: boolean, byDate: Map<string, CalendarDay>): DayCell {
  const ex = byDate.get(date)
  const weekend = isWeekend(date)
  const kind = ex?.kind ?? ''
  return {
    date,
    day: parts(date)[2],
    inMonth,
    weekend,
    kind,
    name: ex?.name ?? '',
    off: kind === 'holiday' || (weekend && kind !== 'workday'),
  }
}

/** The weeks of a month, Monday first, padded with the neighbouring months' days. */
export function monthGrid(year: number, month: number, byDate: Map<string, CalendarDay>): DayCell[][] {
  const first = isoDate(year, month, 1)
  const lead = (weekdayOf(first) + 6) % 7 // days before the 1st in its Monday-first week
  const length = parts(isoDate(year, month + 1, 0))[2]
  const weeks: DayCell[][] = []
  for (let i = -lead; i < length; i += 7) {
    const week: DayCell[] = []
    for (let j = 0; j < 7; j++) {
      const n = i + j + 1
      week.push(cell(isoDate(year, month, n), n >= 1 && n <= length, byDate))
    }
    weeks.push(week)
  }
  return weeks
}

export function yearGrid(year: number, days: readonly CalendarDay[]): MonthGrid[] {
  const byDate = dayMap(days)
  return Array.from({ length: 12 }, (_, i) => ({ month: i + 1, weeks: monthGrid(year, i + 1, byDate) }))
}

const byDateAsc = (a: CalendarDay, b: CalendarDay) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0)

/** Sets (or with kind '' removes) one day's exception; returns a new list sorted by date. */
export function setDay(days: readonly CalendarDay[], date: string, kind: DayKind | '', name: string): CalendarDay[] {
  const rest = days.filter((d) => d.date !== date)
  if (kind) rest.push({ date, kind, name: name.trim() })
  return rest.sort(byDateAsc)
}

/** The kind a click proposes for a normal day: weekdays become days off, weekend days worked days. */
export function proposedKind(date: string): DayKind {
  return isWeekend(date) ? 'workday' : 'holiday'
}

/**
 * One click's toggle: a weekday cycles normal → 放假 → normal; a weekend day
 * normal → 调休上班 → 放假 → normal (notices list weekend days off too).
 */
export function toggleDay(days: readonly CalendarDay[], date: string): CalendarDay[] {
  const current = dayMap(days).get(date)?.kind ?? ''
  let next: DayKind | '' = ''
  if (current === '') next = proposedKind(date)
  else if (current === 'workday') next = 'holiday'
  return setDay(days, date, next, next ? suggestName(days, date, next) : '')
}

/**
 * A name for a new exception: the name of the nearest exception of the same
 * kind within a week (a holiday's other days), else '' for a day off and
 * 调休上班 for a worked day.
 */
export function suggestName(days: readonly CalendarDay[], date: string, kind: DayKind, workdayName = '调休上班'): string {
  const at = Date.parse(`${date}T00:00:00Z`)
  let best: CalendarDay | undefined
  let bestGap = Infinity
  for (const d of days) {
    if (d.kind !== kind || d.date === date || !d.name) continue
    const gap = Math.abs(Date.parse(`${d.date}T00:00:00Z`) - at) / 86_400_000
    if (gap <= 7 && gap < bestGap) {
      best = d
      bestGap = gap
    }
  }
  if (best) return best.name
  return kind === 'workday' ? workdayName : ''
}

export interface YearCounts {
  holidays: number
  workdays: number
  /** Working days in the whole year. */
  working: number
}

/** The year's counts, as the server's arithmetic makes them. */
export function countYear(year: number, days: readonly CalendarDay[]): YearCounts {
  const byDate = dayMap(days)
  const out: YearCounts = { holidays: 0, workdays: 0, working: 0 }
  for (const d of days) {
    if (!d.date.startsWith(`${year}-`)) continue
    if (d.kind === 'holiday') out.holidays++
    else out.workdays++
  }
  for (let i = 1; ; i++) {
    const date = isoDate(year, 1, i)
    if (!date.startsWith(`${year}-`)) break
    const kind = byDate.get(date)?.kind
    if (kind === 'workday' || (!kind && !isWeekend(date))) out.working++
  }
  return out
}

/** Whether two lists hold the same exceptions (order aside). */
export function sameDays(a: readonly CalendarDay[], b: readonly CalendarDay[]): boolean {
  if (a.length !== b.length) return false
  const m = dayMap(b)
  return a.every((d) => {
    const o = m.get(d.date)
    return !!o && o.kind === d.kind && o.name === d.name
  })
}

/** Years for the selector: those with data, and the years around this one. */
export function yearOptions(withData: readonly number[], thisYear: number, current: number): number[] {
  const set = new Set<number>([...withData, thisYear - 1, thisYear, thisYear + 1, current])
  return [...set].sort((a, b) => b - a)
}
