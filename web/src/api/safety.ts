// Work safety (安全生产): the JSON shapes of internal/safety/model.go and its endpoints.
import { http, type Query } from './http'
import type { ListParams, ListResult } from './types'
import type { Enterprise, EnterpriseInput } from './registry'

export type DateString = string
export type HazardLevel = 'general' | 'major'
export type HazardStatus = 'pending' | 'rectifying' | 'verifying' | 'closed'
export type HazardLight = '' | 'red' | 'yellow' | 'green'
export type AnswerResult = 'pass' | 'fail' | 'na'
export type CampaignStatus = 'planned' | 'running' | 'ended'
export type HazardAction = 'edit' | 'plan' | 'start' | 'submit' | 'verify' | 'supervise' | 'extend' | 'decide' | 'suspend'

export const HAZARD_LEVELS: HazardLevel[] = ['general', 'major']
export const HAZARD_STATUSES: HazardStatus[] = ['pending', 'rectifying', 'verifying', 'closed']
export const CAMPAIGN_STATUSES: CampaignStatus[] = ['running', 'planned', 'ended']
/** The industries a key period (节假日) puts first by default: transport, tourism, crowded places. */
export const KEY_INDUSTRY_NAMES = ['道路运输', '旅游景区', '人员密集场所']

export interface ChecklistItem {
  id: number
  industry: string
  seq: number
  text: string
  basis: string
}

export interface ChecklistItemText {
  id?: number
  text: string
  basis: string
}

export interface Checklist {
  industry: string
  industry_name: string
  items: ChecklistItemText[]
}

export interface Progress {
  to_check: number
  checked: number
  hazards: number
  major: number
  fixed: number
  overdue: number
  checked_rate: number
  fixed_rate: number
}

export interface GroupStat {
  key: string
  name: string
  key_industry?: boolean
  to_check?: number
  checked?: number
  found: number
  fixed: number
  major: number
  overdue: number
  rate: number
}

export interface Campaign {
  id: number
  name: string
  starts_on: DateString
  ends_on: DateString
  status: CampaignStatus
  industries: string[]
  industry_names: string[]
  unit_ids: number[]
  unit_names: string[]
  description: string
  progress: Progress
  checklists?: Checklist[]
  progress_by_town?: GroupStat[]
  created_at: string
  updated_at: string
}

export interface CampaignInput {
  name?: string
  starts_on?: DateString | null
  ends_on?: DateString | null
  industries?: string[]
  unit_ids?: number[]
  description?: string
  checklists?: Checklist[]
}

export interface SafetyEnterprise extends Enterprise {
  open_hazards: number
  major_open: number
  overdue_open: number
  last_inspected: DateString | null
  suspended: boolean
  checked: boolean
}

export interface Photo {
  id: number
  name: string
  url: string
  thumb_url?: string
  kind: 'before' | 'after' | 'evidence' | 'inspection'
}

export interface AnswerHazard {
  description: string
  level: HazardLevel
  deadline: DateString | null
  measures: string
  responsible_person: string
  funds: number
  photo_ids?: number[]
}

export interface Answer {
  item_id: number
  item_text?: string
  result: AnswerResult
  note: string
  hazard_id?: number
  hazard?: AnswerHazard
}

export interface InspectionInput {
  client_key?: string
  campaign_id?: number
  enterprise_id: number
  inspected_on: DateString
  inspectors: string
  answers: Answer[]
  note: string
  photo_ids?: number[]
  /** Parallel to photo_ids: the checklist item each photo belongs to (0: the inspection). */
  photo_item_ids?: number[]
}

export interface Hazard {
  id: number
  client_key?: string
  enterprise_id: number
  enterprise_name: string
  credit_code: string
  industry: string
  industry_name: string
  town_id?: number
  town_name: string
  supervising_unit_id?: number
  supervising_unit_name: string
  campaign_id?: number
  campaign_name: string
  inspection_id?: number
  description: string
  level: HazardLevel
  level_name: string
  found_on: DateString
  found_by: string
  responsible_person: string
  measures: string
  deadline: DateString
  funds: number
  status: HazardStatus
  status_name: string
  light: HazardLight
  overdue: boolean
  overdue_days: number
  rejections: number
  has_plan: boolean
  supervised: boolean
  notice_number: string
  submitted_by: string
  verified_by: string
  closed_at: string | null
  created_at: string
  updated_at: string
}

export interface Inspection {
  id: number
  client_key?: string
  campaign_id?: number
  campaign_name: string
  enterprise_id: number
  enterprise_name: string
  industry: string
  industry_name: string
  town_name: string
  inspected_on: DateString
  inspectors: string
  note: string
  passed: number
  failed: number
  na: number
  created_by: string
  created_at: string
  answers?: Answer[]
  photos?: Photo[]
  hazards?: Hazard[]
}

export interface PlanInput {
  goals: string
  measures: string
  resources: string
  people: string
  time_limits: string
  safety_steps: string
  emergency: string
}

export interface Plan extends PlanInput {
  updated_by: string
  updated_at: string
}

export interface HazardEvent {
  kind: string
  summary: string
  note: string
  by: string
  at: string
}

export interface Extension {
  id: number
  hazard_id: number
  old_deadline: DateString
  new_deadline: DateString
  reason: string
  status: 'pending' | 'approved' | 'refused'
  requested_by: string
  requested_at: string
  decided_by: string
  decided_at: string | null
  decision_note: string
}

export interface HazardDetail extends Hazard {
  plan: Plan | null
  photos: Photo[] | null
  events: HazardEvent[] | null
  extensions: Extension[] | null
  can: HazardAction[] | null
}

export interface HazardInput {
  client_key?: string
  enterprise_id?: number
  campaign_id?: number
  description?: string
  level?: HazardLevel
  found_on?: DateString | null
  found_by?: string
  responsible_person?: string
  measures?: string
  deadline?: DateString | null
  funds?: number
  photo_ids?: number[]
}

export interface SubmitInput {
  note: string
  after_photo_ids: number[]
  evidence_ids: number[]
  funds?: number | null
}

export interface Suspension {
  id: number
  enterprise_id: number
  enterprise_name: string
  town_name: string
  hazard_id?: number
  doc_number: string
  reasons: string
  starts_on: DateString
  ends_on: DateString
  status: 'active' | 'lifted'
  verified_on: DateString | null
  verification: string
  issued_by: string
  lifted_by: string
  created_at: string
}

export interface SuspensionInput {
  enterprise_id: number | null
  hazard_id?: number | null
  doc_number: string
  reasons: string
  starts_on: DateString | null
  ends_on: DateString | null
}

export interface LiftInput {
  verified_on: DateString | null
  verification: string
}

export interface KeyPeriod {
  name: string
  from: DateString | null
  to: DateString | null
  industries: string[]
}

export interface Settings {
  key_period: KeyPeriod
  escalate_after_days: number
  default_deadline_days: number
  /** Default checklists per industry for new campaigns (optional until the server has them). */
  checklist_templates?: Checklist[] | null
}

export interface KeyBlock extends KeyPeriod {
  industry_names: string[]
  stats: GroupStat[]
  overdue: Hazard[] | null
}

export interface Home {
  campaign: Campaign | null
  campaigns: Campaign[] | null
  totals: GroupStat
  by_status: Partial<Record<HazardStatus, number>> | null
  by_industry: GroupStat[] | null
  by_town: GroupStat[] | null
  by_department: GroupStat[] | null
  overdue: Hazard[] | null
  major: Hazard[] | null
  suspensions: number
  key_period: KeyBlock | null
}

export interface EnterpriseHistory {
  enterprise: SafetyEnterprise
  inspections: Inspection[] | null
  hazards: Hazard[] | null
  suspensions: Suspension[] | null
}

export interface HazardQuery extends ListParams {
  campaign_id?: number | null
  industry?: string
  town_id?: number | null
  supervising_unit_id?: number | null
  enterprise_id?: number | null
  level?: HazardLevel | ''
  /** Comma list of statuses. */
  status?: string
  overdue?: boolean
  supervised?: boolean
}

export interface EnterpriseQuery extends ListParams {
  town_id?: number | null
  industry?: string
  campaign_id?: number | null
}

const S = '/api/v1/safety'

export const safetyApi = {
  home: (campaignId?: number | null) => http.get<Home>(`${S}/home`, { campaign_id: campaignId ?? undefined }),
  settings: () => http.get<Settings>(`${S}/settings`),
  saveSettings: (s: Settings) => http.put<Settings>(`${S}/settings`, s),

  campaigns: (q: ListParams & { status?: CampaignStatus | '' }) => http.get<ListResult<Campaign>>(`${S}/campaigns`, q as Query),
  campaign: (id: number) => http.get<Campaign>(`${S}/campaigns/${id}`),
  createCampaign: (input: CampaignInput) => http.post<Campaign>(`${S}/campaigns`, input),
  updateCampaign: (id: number, input: CampaignInput) => http.patch<Campaign>(`${S}/campaigns/${id}`, input),
  checklist: (campaignId: number, enterpriseId: number) =>
    http.get<ChecklistItem[] | null>(`${S}/campaigns/${campaignId}/checklist`, { enterprise_id: enterpriseId }),

  enterprises: (q: EnterpriseQuery) => http.get<ListResult<SafetyEnterprise>>(`${S}/enterprises`, q as Query),
  createEnterprise: (input: EnterpriseInput) => http.post<Enterprise>(`${S}/enterprises`, input),
  enterprise: (id: number) => http.get<EnterpriseHistory>(`${S}/enterprises/${id}`),

  uploadPhoto: (file: Blob, name = 'photo.jpg') => {
    const form = new FormData()
    form.append('file', file, name)
    return http.post<{ id: number; url: string; thumb_url?: string }>(`${S}/photos`, form)
  },
  photoUploadUrl: `${S}/photos`,

  inspections: (q: ListParams & { campaign_id?: number; enterprise_id?: number }) =>
    http.get<ListResult<Inspection>>(`${S}/inspections`, q as Query),
  inspection: (id: number) => http.get<Inspection>(`${S}/inspections/${id}`),
  inspectionsUrl: `${S}/inspections`,

  hazards: (q: HazardQuery) => http.get<ListResult<Hazard>>(`${S}/hazards`, q as Query),
  hazardsExportPath: `${S}/hazards/export`,
  hazardsUrl: `${S}/hazards`,
  createHazard: (input: HazardInput) => http.post<Hazard>(`${S}/hazards`, input),
  hazard: (id: number) => http.get<HazardDetail>(`${S}/hazards/${id}`),
  updateHazard: (id: number, input: HazardInput) => http.patch<HazardDetail>(`${S}/hazards/${id}`, input),
  savePlan: (id: number, plan: PlanInput) => http.put<HazardDetail>(`${S}/hazards/${id}/plan`, plan),
  start: (id: number, note: string) => http.post<HazardDetail>(`${S}/hazards/${id}/start`, { note }),
  submit: (id: number, input: SubmitInput) => http.post<HazardDetail>(`${S}/hazards/${id}/submit`, input),
  verify: (id: number, pass: boolean, note: string) => http.post<HazardDetail>(`${S}/hazards/${id}/verify`, { pass, note }),
  supervise: (id: number, note: string) => http.post<HazardDetail>(`${S}/hazards/${id}/supervise`, { note }),
  requestExtension: (id: number, new_deadline: DateString, reason: string) =>
    http.post<Extension>(`${S}/hazards/${id}/extensions`, { new_deadline, reason }),
  decideExtension: (id: number, approve: boolean, note: string) =>
    http.post<Extension>(`${S}/hazard-extensions/${id}/decision`, { approve, note }),

  suspensions: (q: ListParams & { status?: string; enterprise_id?: number | null; town_id?: number | null }) =>
    http.get<ListResult<Suspension>>(`${S}/suspensions`, q as Query),
  createSuspension: (input: SuspensionInput) => http.post<Suspension>(`${S}/suspensions`, input),
  liftSuspension: (id: number, input: LiftInput) => http.post<Suspension>(`${S}/suspensions/${id}/lift`, input),
}
