import { http } from './http'

/** holiday: a day off (放假); workday: a weekend day that is worked (调休上班). */
export type DayKind = 'holiday' | 'workday'

export interface CalendarDay {
  date: string // YYYY-MM-DD
  kind: DayKind
  name: string
}

export interface CalendarYear {
  year: number
  /** Whether the year has any exceptions; without them only weekends are days off. */
  loaded: boolean
  version: number
  days: CalendarDay[]
  holidays: number
  workdays: number
  working_days: number
}

export interface CalendarYearSummary {
  year: number
  holidays: number
  workdays: number
}

export interface WorkdaySpan {
  from: string
  to: string
  count: number
  between: number
  missing_years: number[]
}

export interface WorkdayShift {
  date: string
  add: number
  result: string
  is_workday: boolean
  missing_years: number[]
}

export const calendarApi = {
  year: (year: number) => http.get<CalendarYear>('/api/v1/calendar', { year }),
  years: () => http.get<{ items: CalendarYearSummary[]; this_year: number }>('/api/v1/calendar/years'),
  replace: (year: number, days: CalendarDay[]) => http.put<CalendarYear>(`/api/v1/calendar/${year}`, { days }),
  /** Working days from `from` to `to`. */
  span: (from: string, to: string) => http.get<WorkdaySpan>('/api/v1/calendar/workdays', { from, to }),
  /** The `add`-th working day after `date` ("deadline in N working days"). */
  shift: (date: string, add: number) => http.get<WorkdayShift>('/api/v1/calendar/workdays', { date, add }),
}
