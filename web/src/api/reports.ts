// Periodic reporting (报送) and the daily zero report: obligations, cycles,
// submissions and the dashboard summary. Shapes mirror internal/reports/model.go.
import { http, type Query } from './http'
import type { ListParams, ListResult } from './types'

export type Frequency = 'daily' | 'weekly' | 'monthly' | 'custom'
export type FieldType = 'number' | 'text' | 'bool' | 'choice' | 'date' | 'files'
/** on_time, late and missing are stored; pending is computed before the cut-off. */
export type ReportStatus = 'on_time' | 'late' | 'missing' | 'pending'

export const FREQUENCIES: Frequency[] = ['daily', 'weekly', 'monthly', 'custom']
export const FIELD_TYPES: FieldType[] = ['number', 'text', 'bool', 'choice', 'date', 'files']
export const REPORT_STATUSES: ReportStatus[] = ['on_time', 'late', 'missing', 'pending']

export interface Condition {
  field: string
  equals: string | number | boolean
}

export interface FormField {
  key: string
  label: string
  type: FieldType
  required: boolean
  required_if?: Condition | null
  unit?: string
  min?: number | null
  max?: number | null
  options?: string[]
  help?: string
}

export interface UnitRef {
  id: number
  name: string
  kind?: string
}

export interface UnitSelector {
  root_unit_id: number
  kinds: string[]
}

export interface Cycle {
  due_on: string
  start: string
  end: string
  cutoff_at: string
  remind_at: string
}

export interface Counts {
  total: number
  submitted: number
  late: number
  missing: number
  pending: number
}

export interface CycleSummary extends Cycle, Counts {
  closed: boolean
}

export interface Obligation {
  id: number
  name: string
  description: string
  source: string
  frequency: Frequency
  cutoff: string
  weekday: number
  month_day: number
  custom_dates: string[]
  workdays_only: boolean
  active_from: string
  active_to: string | null
  remind_before_minutes: number
  form: FormField[]
  allow_nothing: boolean
  selector: UnitSelector | null
  units: UnitRef[]
  unit_count: number
  owner_unit_id: number
  owner_unit_name: string
  active: boolean
  schedule_text: string
  created_at: string
  updated_at: string
  current?: CycleSummary
}

/** The schedule part of an obligation, as the schedule editor produces it. */
export interface SchedulePayload {
  frequency: Frequency
  cutoff: string
  weekday?: number
  month_day?: number
  custom_dates?: string[]
  workdays_only?: boolean
  active_from?: string
  active_to?: string
  remind_before_minutes: number
}

export interface ObligationInput extends Partial<SchedulePayload> {
  name?: string
  description?: string
  unit_ids?: number[]
  selector?: UnitSelector | null
  form?: FormField[]
  allow_nothing?: boolean
  owner_unit_id?: number
  active?: boolean
}

export type Values = Record<string, unknown>

export interface FileRef {
  id: number
  name: string
  size: number
  url: string
}

export interface Submission {
  id: number
  obligation_id: number
  obligation_name: string
  unit_id: number
  unit_name: string
  due_on: string
  cycle_start: string
  status: ReportStatus
  nothing: boolean
  values: Values
  submitted_by_name: string
  submitted_at: string | null
  updated_at: string
  files?: FileRef[]
  attach_to: string
}

export interface SubmissionInput {
  unit_id?: number
  due_on: string
  nothing?: boolean
  values?: Values
}

export interface TableRow {
  unit: UnitRef
  status: ReportStatus
  submission_id?: number
  submitted_at: string | null
  submitted_by_name: string
  nothing: boolean
  values: Values
}

export interface CycleTable {
  obligation: Obligation
  cycle: Cycle
  closed: boolean
  counts: Counts
  rows: TableRow[]
}

export interface Matrix {
  cycles: Cycle[]
  units: UnitRef[]
  /** [unit][cycle]: a status, or '' where the unit did not have to report. */
  cells: (ReportStatus | '')[][]
  counts: Counts[]
}

export interface MineItem {
  obligation: Obligation
  cycle: Cycle | null
  closed: boolean
  status: ReportStatus | ''
  submission: Submission | null
  next: Cycle | null
  recent: { due_on: string; status: ReportStatus }[]
  attach_to: string
}

export interface Mine {
  items: MineItem[]
  today: string
  now: string
}

export interface TodayItem extends CycleSummary {
  id: number
  name: string
  source: string
  frequency: Frequency
}

export interface Today {
  date: string
  as_of: string
  obligations: TodayItem[]
  zero_report: (Counts & { obligation_id: number; due_on: string; cutoff_at: string; closed: boolean; red_units: UnitRef[] }) | null
}

export interface ObligationQuery extends ListParams {
  active?: boolean | '' | null
  source?: string
}

export interface SubmissionQuery extends ListParams {
  obligation_id?: number | null
  unit_id?: number | null
  status?: string
  from?: string
  to?: string
}

export interface UploadedFile {
  id: number
  name: string
  size: number
  url: string
  thumb_url?: string
  content_type: string
}

const base = '/api/v1/report-obligations'

export const reportsApi = {
  list: (q: ObligationQuery) => http.get<ListResult<Obligation>>(base, q as Query),
  get: (id: number) => http.get<Obligation>(`${base}/${id}`),
  create: (input: ObligationInput) => http.post<Obligation>(base, input),
  createZeroReport: (input: ObligationInput = {}) => http.post<Obligation>(`${base}/zero-report`, input),
  update: (id: number, input: ObligationInput) => http.patch<Obligation>(`${base}/${id}`, input),
  remove: (id: number) => http.del(`${base}/${id}`),
  cycles: (id: number, q: { from?: string; to?: string } = {}) => http.get<{ items: CycleSummary[] }>(`${base}/${id}/cycles`, q),
  table: (id: number, dueOn?: string) => http.get<CycleTable>(`${base}/${id}/table`, { due_on: dueOn }),
  exportPath: (id: number) => `${base}/${id}/table/export`,
  matrix: (id: number, cycles = 30, to?: string) => http.get<Matrix>(`${base}/${id}/matrix`, { cycles, to }),
  submit: (id: number, input: SubmissionInput) => http.post<Submission>(`${base}/${id}/submissions`, input),
  submissions: (q: SubmissionQuery) => http.get<ListResult<Submission>>('/api/v1/report-submissions', q as Query),
  submission: (id: number) => http.get<Submission>(`/api/v1/report-submissions/${id}`),
  mine: () => http.get<Mine>('/api/v1/reports/mine'),
  today: (date?: string) => http.get<Today>('/api/v1/reports/today', { date }),
  /** Uploads a file to one unit's report slot ("<obligation>:<unit>:<due date>"). */
  upload: (slot: string, file: File) => {
    const fd = new FormData()
    fd.append('object_type', 'report_submission')
    fd.append('object_id', slot)
    fd.append('file', file)
    return http.post<UploadedFile>('/api/v1/files', fd)
  },
}
