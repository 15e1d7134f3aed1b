// Supervision (督查督办): the JSON shapes of internal/tasks/model.go and its
// endpoints, plus the attachment upload the task pages use for evidence.
import { http, type Query } from './http'
import type { ListParams, ListResult } from './types'

export type SourceKind = 'meeting' | 'instruction' | 'plan'
export type MeetingKind = 'dispatch' | 'executive' | 'topic'
export type TaskKind = 'once' | 'periodic' | 'longterm'
export type ReportCycle = 'week' | 'fortnight' | 'month' | ''
export type TaskStatus = 'draft' | 'issued' | 'signed' | 'in_progress' | 'requested' | 'returned' | 'closed'
export type Light = 'green' | 'yellow' | 'red' | 'none'
/** What TaskDetail.can may hold. */
export type TaskAction =
  | 'edit'
  | 'issue'
  | 'sign'
  | 'report'
  | 'request'
  | 'close'
  | 'return'
  | 'extend'
  | 'split'
  | 'remind'
  | 'notice'
  | 'interview'
  | 'delete'
  /** Decide pending extension requests (the office). */
  | 'decide'
  /** Mark milestones reached (the lead unit). */
  | 'milestone'

export const SOURCE_KINDS: SourceKind[] = ['meeting', 'instruction', 'plan']
export const MEETING_KINDS: MeetingKind[] = ['dispatch', 'executive', 'topic']
export const TASK_KINDS: TaskKind[] = ['once', 'periodic', 'longterm']
export const REPORT_CYCLES: Exclude<ReportCycle, ''>[] = ['week', 'fortnight', 'month']
export const TASK_STATUSES: TaskStatus[] = ['draft', 'issued', 'signed', 'in_progress', 'requested', 'returned', 'closed']
export const LIGHTS: Exclude<Light, 'none'>[] = ['green', 'yellow', 'red']

/** A business date, "YYYY-MM-DD" (null when absent). */
export type DateString = string

export interface Ref {
  id: number
  name: string
}

export interface Source {
  id: number
  kind: SourceKind
  meeting_kind: MeetingKind | ''
  title: string
  held_on: DateString | null
  year: number
  chair: string
  leader_id?: number
  leader_name?: string
  body: string
  document: string
  task_count: number
  open_count: number
  created_at: string
}

export interface SourceInput {
  kind?: SourceKind
  meeting_kind?: MeetingKind | ''
  title?: string
  held_on?: DateString | null
  year?: number
  chair?: string
  leader_id?: number | null
  body?: string
  document?: string
}

export interface Task {
  id: number
  parent_id?: number
  number: string
  title: string
  requirements: string
  kind: TaskKind
  report_cycle: ReportCycle
  source: Ref | null
  source_kind?: SourceKind
  leaders: Ref[]
  lead_unit: Ref
  co_units: Ref[]
  responsible_name: string
  responsible_phone: string
  tags: string[]
  start_on: DateString | null
  deadline: DateString | null
  status: TaskStatus
  progress: number
  time_progress: number
  light: Light
  light_reason: string
  light_since?: string | null
  /** Past the deadline and not closed (nor asked to close before it). */
  overdue?: boolean
  /** The last completed report cycle went unreported. */
  report_missing?: boolean
  days_left: number | null
  sign_due: DateString | null
  issued_at: string | null
  signed_at: string | null
  requested_at?: string | null
  closed_at: string | null
  closed_on_time?: boolean | null
  last_report_at: string | null
  subtask_count: number
  created_at: string
  updated_at: string
}

export interface Milestone {
  id: number
  name: string
  due_on: DateString | null
  weight: number
  done_on: DateString | null
  late: boolean
}

export interface MilestoneInput {
  id: number
  name: string
  due_on: DateString | null
  weight: number
}

export interface TaskInput {
  source_id?: number | null
  title?: string
  requirements?: string
  kind?: TaskKind
  report_cycle?: ReportCycle
  leader_ids?: number[]
  lead_unit_id?: number | null
  co_unit_ids?: number[]
  responsible_name?: string
  responsible_phone?: string
  tags?: string[]
  start_on?: DateString | null
  deadline?: DateString | null
  milestones?: MilestoneInput[]
  issue?: boolean
}

export interface Report {
  id: number
  cycle_start: DateString | null
  cycle_end: DateString | null
  content: string
  percent: number
  problems: string
  unit: Ref
  reporter: string
  file_ids: number[] | null
  late: boolean
  created_at: string
  updated_at: string
}

export interface ReportInput {
  content: string
  percent: number
  problems: string
  file_ids: number[]
  milestones_done: number[]
}

export interface Coordination {
  id: number
  task_id: number
  task_number: string
  task_title: string
  question: string
  owner: Ref | null
  due_on: DateString | null
  answer: string
  answered_by: string
  answered_at: string | null
  status: 'open' | 'answered'
  overdue: boolean
  created_at: string
}

export interface CompletionInput {
  summary: string
  file_ids: number[]
}

export interface ExtensionInput {
  new_deadline: DateString
  reason: string
}

export interface Extension {
  id: number
  task_id: number
  task_number: string
  task_title: string
  old_deadline: DateString | null
  new_deadline: DateString | null
  reason: string
  status: 'pending' | 'approved' | 'refused'
  requested_by: string
  requested_at: string
  decided_by: string
  decided_at: string | null
  decision_note: string
}

export type ActionKind = 'remind' | 'notice' | 'interview'

export interface Action {
  id: number
  kind: ActionKind
  number: string
  auto: boolean
  content: string
  interviewee: string
  held_on: DateString | null
  created_by: string
  created_at: string
}

export interface TaskEvent {
  kind: string
  summary: string
  note: string
  actor: string
  at: string
}

/** An attachment (internal/attachments File, tasks.File in a task's detail). */
export interface FileInfo {
  id: number
  name: string
  size: number
  content_type: string
  object_type?: string
  object_id?: string
  url: string
  thumb_url?: string
  uploaded_by?: string
  created_at?: string
}

/** A completion request (申请办结) and how it ended. */
export interface Completion {
  id: number
  summary: string
  file_ids: number[] | null
  requested_by: string
  requested_at: string
  /** '' while pending, then closed or returned. */
  outcome: '' | 'closed' | 'returned'
  decided_by: string
  decided_at: string | null
  /** The return reason or the closing note. */
  note: string
}

export interface TaskDetail extends Task {
  milestones: Milestone[] | null
  subtasks: Task[] | null
  reports: Report[] | null
  coordination: Coordination[] | null
  extensions: Extension[] | null
  actions: Action[] | null
  timeline: TaskEvent[] | null
  completions?: Completion[] | null
  /** Attachments of the task (evidence, photos). */
  files?: FileInfo[] | null
  can: TaskAction[] | null
}

export interface SupervisionSettings {
  number_prefix: string
  notice_prefix: string
  sign_days: number
  warn_days: number
  lag_percent: number
  remind_at: string
  coordination_days: number
  /** Who signs notices; empty: the district's name + 委督查室. */
  office_name?: string
}

export interface Count {
  key: string
  name: string
  count: number
}

export interface UnitRate {
  unit: Ref
  total: number
  on_time: number
  overdue: number
  missing: number
  rate: number
}

export interface TrendPoint {
  day: DateString
  open: number
  green: number
  yellow: number
  red: number
  closed: number
}

export interface SupervisionHome {
  by_status: Count[] | null
  by_light: Count[] | null
  due_this_week: Task[] | null
  overdue: Task[] | null
  missing_reports: Task[] | null
  unit_ranking: UnitRate[] | null
  trend: TrendPoint[] | null
}

export interface MyWork {
  to_sign: Task[] | null
  to_report: Task[] | null
  to_finish: Task[] | null
  to_review: Task[] | null
  extensions: Extension[] | null
  coordination: Coordination[] | null
  portfolio: Task[] | null
}

export interface GanttRow {
  task: Task
  milestones: Milestone[] | null
}

export interface TaskQuery extends ListParams {
  status?: TaskStatus | ''
  light?: Light | ''
  source_id?: number | null
  leader_id?: number | null
  unit_id?: number | null
  tag?: string
  kind?: TaskKind | ''
  deadline_from?: DateString
  deadline_to?: DateString
  parent_id?: number | null
  /** Include subtasks (default: top-level tasks only). */
  all?: boolean | ''
  mine?: boolean | ''
  overdue?: boolean | ''
  missing?: boolean | ''
}

export interface SourceQuery extends ListParams {
  kind?: SourceKind | ''
  year?: number | null
}

export interface InterviewInput {
  interviewee: string
  held_on: DateString | null
  content: string
}

export interface NoticeInput {
  content: string
  /** Reply by; default three working days after issue. */
  reply_by?: DateString | null
}

const T = '/api/v1/tasks'

export const tasksApi = {
  list: (q: TaskQuery) => http.get<ListResult<Task>>(T, q as Query),
  get: (id: number) => http.get<TaskDetail>(`${T}/${id}`),
  create: (input: TaskInput) => http.post<Task>(T, input),
  update: (id: number, input: TaskInput) => http.patch<Task>(`${T}/${id}`, input),
  remove: (id: number) => http.del(`${T}/${id}`),
  issue: (id: number) => http.post<Task>(`${T}/${id}/issue`, {}),
  sign: (id: number) => http.post<Task>(`${T}/${id}/sign`, {}),
  report: (id: number, input: ReportInput) => http.post<Report>(`${T}/${id}/reports`, input),
  requestCompletion: (id: number, input: CompletionInput) => http.post<Task>(`${T}/${id}/completion`, input),
  close: (id: number, note: string) => http.post<Task>(`${T}/${id}/close`, { note }),
  returnTask: (id: number, reason: string) => http.post<Task>(`${T}/${id}/return`, { reason }),
  requestExtension: (id: number, input: ExtensionInput) => http.post<Extension>(`${T}/${id}/extensions`, input),
  decideExtension: (id: number, approve: boolean, note: string) =>
    http.post<Extension>(`/api/v1/task-extensions/${id}/decision`, { approve, note }),
  split: (id: number, input: TaskInput) => http.post<Task>(`${T}/${id}/subtasks`, input),
  milestoneDone: (id: number, mid: number, doneOn: DateString) => http.put<Milestone>(`${T}/${id}/milestones/${mid}/done`, { done_on: doneOn }),
  remind: (id: number, content: string) => http.post<Action>(`${T}/${id}/reminders`, { content }),
  notice: (id: number, input: NoticeInput) => http.post<Action>(`${T}/${id}/notices`, input),
  interview: (id: number, input: InterviewInput) => http.post<Action>(`${T}/${id}/interviews`, input),
  noticeDocumentPath: (actionId: number) => `/api/v1/task-actions/${actionId}/document`,
  answerCoordination: (id: number, answer: string) => http.post<Coordination>(`/api/v1/task-coordination/${id}/answer`, { answer }),
  coordination: (q: { status?: string; mine?: boolean }) => http.get<ListResult<Coordination>>('/api/v1/task-coordination', q as Query),
  exportPath: `${T}/export`,
  templatePath: '/api/v1/task-breakdown/import-template',
  importPath: '/api/v1/task-breakdown/imports',
}

export const sourcesApi = {
  list: (q: SourceQuery) => http.get<ListResult<Source>>('/api/v1/task-sources', q as Query),
  get: (id: number) => http.get<Source>(`/api/v1/task-sources/${id}`),
  create: (input: SourceInput) => http.post<Source>('/api/v1/task-sources', input),
  update: (id: number, input: SourceInput) => http.patch<Source>(`/api/v1/task-sources/${id}`, input),
  remove: (id: number) => http.del(`/api/v1/task-sources/${id}`),
}

export const supervisionApi = {
  home: () => http.get<SupervisionHome>('/api/v1/supervision/home'),
  myWork: () => http.get<MyWork>('/api/v1/supervision/my-work'),
  gantt: (q: TaskQuery) => http.get<ListResult<GanttRow>>('/api/v1/supervision/gantt', q as Query),
  settings: () => http.get<SupervisionSettings>('/api/v1/supervision/settings'),
  saveSettings: (s: SupervisionSettings) => http.put<SupervisionSettings>('/api/v1/supervision/settings', s),
  recomputeLights: () => http.post<unknown>('/api/v1/supervision/lights', {}),
}

/** Attachments (internal/attachments): evidence, photos, minutes. */
export const filesApi = {
  upload: (objectType: 'task' | 'task_source', objectId: number, file: File) => {
    // object_type and object_id must come before the file (the server reads the parts in order).
    const form = new FormData()
    form.append('object_type', objectType)
    form.append('object_id', String(objectId))
    form.append('file', file, file.name)
    return http.post<FileInfo>('/api/v1/files', form)
  },
  /**
   * The files of an object. Not in the attachments API yet (only upload and
   * download are): callers treat a failure as "no list", not as an error.
   */
  list: (objectType: 'task' | 'task_source', objectId: number) =>
    http.get<ListResult<FileInfo>>('/api/v1/files', { object_type: objectType, object_id: objectId }),
  url: (id: number) => `/api/v1/files/${id}`,
  thumbUrl: (id: number) => `/api/v1/files/${id}/thumb`,
}
