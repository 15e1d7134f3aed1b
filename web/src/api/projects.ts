// Key projects (重点项目): the JSON shapes of internal/projects/model.go and its endpoints.
import { http, type Query } from './http'
import type { ListResult } from './types'

export type Phase = 'prep' | 'new' | 'continued' | 'completed' | 'producing'
export type ProjectLight = 'green' | 'yellow' | 'red'
export type Pace = 'ahead' | 'normal' | 'behind'
export type MilestoneState = 'done' | 'done_late' | 'overdue' | 'due_soon' | 'pending' | 'unplanned'
export type SizeBand = '' | 'large' | 'huge' | 'small'

export const PHASES: Phase[] = ['prep', 'new', 'continued', 'completed', 'producing']
export const PROJECT_LIGHTS: ProjectLight[] = ['green', 'yellow', 'red']
export const PACES: Pace[] = ['ahead', 'normal', 'behind']
export const STANDARD_NODES = ['立项', '用地', '规划许可', '施工许可', '开工', '主体完工', '设备进场', '竣工', '投产']

export interface Ref {
  id: number
  name: string
}

export interface Project {
  id: number
  name: string
  code: string
  years: number[]
  category: string
  chain: Ref | null
  town: Ref
  unit: Ref
  enterprise: Ref | null
  credit_code?: string
  owner_name: string
  leader: Ref | null
  lead_id: number | null
  address: string
  lat: number | null
  lng: number | null
  total_investment: number
  year_plan_investment: number
  plan_year: number
  month_plan: number[]
  custom_month_plan: boolean
  start_on: string | null
  end_on: string | null
  phase: Phase
  contact_name: string
  contact_phone: string
  description: string
  invest_cum: number
  year_actual: number
  year_planned: number
  pace: Pace
  light: ProjectLight
  light_reason: string
  light_since: string | null
  last_report_month: string
  report_missing: boolean
  started: boolean
  created_at: string
  updated_at: string
}

export interface Member {
  id: number
  user_id?: number
  unit: Ref | null
  name: string
  duty: string
  phone: string
}

export interface MemberInput {
  user_id?: number | null
  unit_id?: number | null
  name: string
  duty: string
  phone: string
}

export interface Milestone {
  id: number
  name: string
  planned_on: string | null
  actual_on: string | null
  note: string
  state: MilestoneState
}

export interface MilestoneInput {
  id?: number
  name: string
  planned_on: string | null
  actual_on: string | null
  note?: string
}

export interface Photo {
  file_id: number
  report_id?: number
  name: string
  url: string
  thumb_url: string
  taken_at: string | null
  lat: number | null
  lng: number | null
  outside_month: boolean
}

export interface Report {
  id: number
  month: string
  due_on: string
  invest_month: number
  invest_cum: number
  progress_text: string
  problems: string
  next_plan: string
  submitted_by: string
  submitted_at: string | null
  late: boolean
  photos: Photo[]
}

export interface Coordination {
  id: number
  project: Ref
  report_id?: number
  month?: string
  question: string
  owner: Ref | null
  owner_unit: Ref | null
  due_on: string | null
  answer: string
  answered_by: string
  answered_at: string | null
  status: 'open' | 'answered'
  overdue: boolean
  created_at: string
}

export interface MonthPoint {
  month: string
  planned: number
  planned_cum: number
  actual: number
  actual_cum: number
  reported: boolean
  report_missing: boolean
}

export interface ProjectDetail extends Project {
  members: Member[]
  milestones: Milestone[]
  reports: Report[]
  coordination: Coordination[]
  series: MonthPoint[]
  pending_photos: Photo[]
  report_month: string
  report_due_on: string
  can_manage: boolean
  can_report: boolean
}

export interface ProjectInput {
  name?: string
  code?: string
  years?: number[]
  category?: string
  chain_id?: number | null
  town_id?: number | null
  unit_id?: number | null
  enterprise_id?: number | null
  owner_name?: string
  leader_user_id?: number | null
  address?: string
  lat?: number | null
  lng?: number | null
  total_investment?: number
  year_plan_investment?: number
  plan_year?: number
  month_plan?: number[]
  start_on?: string | null
  end_on?: string | null
  phase?: Phase
  contact_name?: string
  contact_phone?: string
  description?: string
  members?: MemberInput[]
}

export interface CoordinationInput {
  question: string
  owner_id?: number | null
  due_on?: string | null
}

export interface ReportInput {
  month: string
  invest_month: number | null
  invest_cum?: number | null
  progress_text: string
  problems: string
  next_plan: string
  photo_ids: number[]
  coordination: CoordinationInput[]
}

export interface Card {
  id: number
  name: string
  code: string
  phase: Phase
  light: ProjectLight
  light_reason: string
  pace: Pace
  total_investment: number
  year_plan_investment: number
  year_actual: number
  town: string
  leader: string
  chain: string
}

export interface BoardColumn {
  phase: Phase
  name: string
  count: number
  total_investment: number
  red: number
  yellow: number
  cards: Card[]
}

export interface Board {
  columns: BoardColumn[]
  lights: Record<ProjectLight, number>
  paces: Record<Pace, number>
  count: number
  total_investment: number
}

export interface GanttRow {
  id: number
  name: string
  code: string
  light: ProjectLight
  phase: Phase
  milestones: Milestone[]
}

export interface SummaryRow {
  id: number
  name: string
  count: number
  total_investment: number
  year_plan_investment: number
  year_actual: number
  started: number
  started_share: number
  completion_rate: number
  red: number
  yellow: number
  behind: number
}

export interface StatusRow {
  id: number
  name: string
  code: string
  unit: string
  town: string
  status: 'on_time' | 'late' | 'missing' | 'pending' | 'exempt'
  submitted_by: string
  invest_month: number
}

export interface ReportStatus {
  month: string
  due_on: string
  counts: Record<StatusRow['status'], number>
  rows: StatusRow[]
}

export interface ProjectSettings {
  categories: string[]
  report_day: number
  warn_days: number
  behind_percent: number
  ahead_percent: number
  coordination_days: number
  /** Working days before the due day when units are reminded (0: no reminder). */
  remind_days: number
  large_yuan: number
  huge_yuan: number
}

export interface ProjectQuery extends Query {
  year?: number | string
  category?: string
  chain_id?: number | null
  town_id?: number | null
  unit_id?: number | null
  leader_id?: number | null
  phase?: string
  light?: string
  pace?: string
  size?: SizeBand
  q?: string
  mine?: boolean
  sort?: string
  page?: number
  page_size?: number
}

const base = '/api/v1/projects'

export const projectsApi = {
  exportPath: `${base}/export`,
  templatePath: `${base}/import-template`,
  importPath: `${base}/imports`,
  list: (q: ProjectQuery) => http.get<ListResult<Project>>(base, q),
  get: (id: number) => http.get<ProjectDetail>(`${base}/${id}`),
  create: (input: ProjectInput) => http.post<Project>(base, input),
  update: (id: number, input: ProjectInput) => http.patch<Project>(`${base}/${id}`, input),
  remove: (id: number) => http.del(`${base}/${id}`),
  saveMilestones: (id: number, ms: MilestoneInput[]) => http.put<Milestone[]>(`${base}/${id}/milestones`, ms),
  uploadPhoto: (id: number, file: File) => {
    const fd = new FormData()
    fd.append('file', file, file.name)
    return http.post<Photo>(`${base}/${id}/photos`, fd)
  },
  submitReport: (id: number, input: ReportInput) => http.post<Report>(`${base}/${id}/reports`, input),
  board: (q: ProjectQuery) => http.get<Board>(`${base}/board`, q),
  gantt: (q: ProjectQuery) => http.get<ListResult<GanttRow>>(`${base}/gantt`, q),
  summary: (by: 'leader' | 'chain' | 'town', q: ProjectQuery) => http.get<SummaryRow[]>(`${base}/summary`, { ...q, by }),
  reportStatus: (month: string, q: ProjectQuery = {}) => http.get<ReportStatus>(`${base}/report-status`, { ...q, month }),
  settings: () => http.get<ProjectSettings>(`${base}/settings`),
  saveSettings: (s: Partial<ProjectSettings>) => http.put<ProjectSettings>(`${base}/settings`, s),
  recompute: () => http.post<{ changed: number }>(`${base}/lights`),
  coordination: (q: { status?: string; mine?: boolean; project_id?: number }) =>
    http.get<ListResult<Coordination>>('/api/v1/project-coordination', q),
  answer: (id: number, answer: string) => http.post<Coordination>(`/api/v1/project-coordination/${id}/answer`, { answer }),
}

/** Yuan as 万元 (or 亿元 from 1亿), for tables and cards. */
export function money(yuan: number | null | undefined, unit: 'auto' | 'wan' | 'yi' = 'auto'): string {
  const v = yuan ?? 0
  if (unit === 'yi' || (unit === 'auto' && Math.abs(v) >= 1e8)) return `${trim(v / 1e8)}亿`
  return `${trim(v / 1e4)}万`
}

function trim(n: number): string {
  return (Math.round(n * 100) / 100).toLocaleString('zh-CN', { maximumFractionDigits: 2 })
}
