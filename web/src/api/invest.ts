// Investment attraction (招商引资): the JSON shapes of internal/invest and its endpoints.
import { download, http, type Query } from './http'
import type { ListResult } from './types'

export type Stage = 'clue' | 'contact' | 'visit' | 'negotiate' | 'signed' | 'registered' | 'started' | 'producing'
export type Quality = 'A' | 'B' | 'C'
export type LeadLight = 'green' | 'yellow' | 'red' | 'none'
export type Metric = 'signed_count' | 'signed_amount' | 'big_count' | 'started_count' | 'funds'
export type LeadAction = 'edit' | 'move' | 'convert' | 'phone'

export const STAGES: Stage[] = ['clue', 'contact', 'visit', 'negotiate', 'signed', 'registered', 'started', 'producing']
export const QUALITIES: Quality[] = ['A', 'B', 'C']
export const LEAD_LIGHTS: Exclude<LeadLight, 'none'>[] = ['green', 'yellow', 'red']
export const METRICS: Metric[] = ['signed_count', 'signed_amount', 'big_count', 'started_count', 'funds']
/** Metrics counted in yuan (the others are numbers of projects). */
export const MONEY_METRICS: Metric[] = ['signed_amount', 'funds']

export interface Ref {
  id: number
  name: string
}

export interface Lead {
  id: number
  code: string
  company: string
  chain: Ref | null
  source: string
  contact_name: string
  /** Masked ("138****5678") unless the reader may see phone numbers. */
  contact_phone: string
  planned_amount: number
  quality: Quality
  team: Ref
  town: Ref | null
  owner: Ref | null
  next_action: string
  next_action_on: string | null
  stage: Stage
  stage_on: string
  active_on: string
  idle_days: number
  signed_on: string | null
  started_on: string | null
  target_start_on: string | null
  light: LeadLight
  light_reason: string
  project_id: number | null
  converted_at: string | null
  notes: string
  created_at: string
  updated_at: string
}

export interface LeadEvent {
  id: number
  kind: 'create' | 'move' | 'note' | 'convert' | 'edit'
  from_stage: Stage | ''
  to_stage: Stage | ''
  on_day: string
  note: string
  reason: string
  actor_name: string
  at: string
}

export interface PlanNode {
  name: string
  offset_days: number
  planned_on: string
  actual_on: string | null
  late: boolean
}

export interface LeadDetail extends Lead {
  events: LeadEvent[]
  plan: PlanNode[]
  can: LeadAction[]
}

export interface LeadInput {
  code?: string
  company: string
  chain_id: number | null
  source: string
  contact_name: string
  contact_phone: string
  planned_amount: number
  quality: Quality
  team_id: number | null
  town_id: number | null
  owner_id: number | null
  next_action: string
  next_action_on: string | null
  target_start_on: string | null
  notes: string
  stage?: Stage
}

export interface MoveInput {
  stage: Stage
  on_day: string | null
  note: string
  reason: string
}

export interface ConvertInput {
  target_start_on: string
  name: string
  project_code?: string
  town_id?: number | null
  leader_user_id?: number | null
}

export interface ConvertResult {
  lead: LeadDetail
  project_id: number
}

export interface Roadmap {
  lead: Lead
  events: LeadEvent[]
  plan: PlanNode[]
  target_start_on: string | null
}

export interface LeadFilter extends Query {
  page?: number
  page_size?: number
  q?: string
  sort?: string
  stage?: string
  chain_id?: number | string
  team_id?: number | string
  light?: string
  quality?: string
}

export interface FunnelStage {
  stage: Stage
  count: number
  amount: number
  /** Leads that reached this stage or went further. */
  reached: number
}

export interface ChainRow {
  chain: Ref | null
  total: number
  amount: number
  signed: number
  signed_amount: number
  by_stage: Record<Stage, number>
}

export interface Funnel {
  stages: FunnelStage[]
  chains: ChainRow[]
  total: number
  amount: number
  lights: Record<'green' | 'yellow' | 'red', number>
}

export interface MetricCell {
  target: number
  /** Cumulative target to date (time-sequence, 时序). */
  due: number
  actual: number
  /** Percent of the annual target, 0 when there is none. */
  rate: number
  /** Percent of the target due by now. */
  pace: number
  light: LeadLight
}

export interface TargetRow {
  unit: Ref
  kind: 'taskforce' | 'town' | 'district' | string
  metrics: Partial<Record<Metric, MetricCell>>
  light: LeadLight
}

export interface TargetTable {
  year: number
  month: number
  as_of: string
  rows: TargetRow[]
  district: TargetRow
}

export interface TargetInput {
  year: number
  unit_id: number
  metric: Metric
  annual: number
  /** Twelve amounts, or empty for an even split. */
  months: number[]
}

export interface Target extends TargetInput {
  id: number
  unit_name: string
}

export interface Funds {
  id: number
  unit_id: number
  unit_name: string
  year: number
  month: number
  amount: number
  note: string
}

export interface FundsInput {
  unit_id: number
  year: number
  month: number
  amount: number
  note: string
}

export interface InvestSettings {
  /** Idle limit per stage in working days. */
  idle_days: Record<Stage, number>
  /** Behind time-sequence by this many points or more: yellow; red from red_points. */
  yellow_points: number
  red_points: number
  big_amount: number
  /** The reverse schedule: node and working days before the target start (negative). */
  schedule: { name: string; offset_days: number }[]
}

export const investApi = {
  leads: (f: LeadFilter) => http.get<ListResult<Lead>>('/api/v1/invest/leads', f),
  exportLeads: (f: LeadFilter) => download('/api/v1/invest/leads/export', f, '招商线索.xlsx'),
  lead: (id: number) => http.get<LeadDetail>(`/api/v1/invest/leads/${id}`),
  createLead: (in_: LeadInput) => http.post<LeadDetail>('/api/v1/invest/leads', in_),
  updateLead: (id: number, in_: LeadInput) => http.patch<LeadDetail>(`/api/v1/invest/leads/${id}`, in_),
  phone: (id: number) => http.get<{ phone: string }>(`/api/v1/invest/leads/${id}/phone`),
  move: (id: number, in_: MoveInput) => http.post<LeadDetail>(`/api/v1/invest/leads/${id}/moves`, in_),
  note: (id: number, note: string) => http.post<LeadDetail>(`/api/v1/invest/leads/${id}/notes`, { note }),
  convert: (id: number, in_: ConvertInput) => http.post<ConvertResult>(`/api/v1/invest/leads/${id}/convert`, in_),
  preview: (id: number, targetStart: string) =>
    http.get<PlanNode[]>(`/api/v1/invest/leads/${id}/schedule`, { target_start_on: targetStart }),
  roadmap: (leadId: number) => http.get<Roadmap>(`/api/v1/invest/leads/${leadId}/roadmap`),
  funnel: (q: Query = {}) => http.get<Funnel>('/api/v1/invest/funnel', q),
  targets: (year: number, month?: number) => http.get<TargetTable>('/api/v1/invest/targets', { year, month }),
  exportTargets: (year: number, month?: number) =>
    download('/api/v1/invest/targets/export', { year, month }, `招商引资目标任务分解表${year}.xlsx`),
  targetList: (year: number) => http.get<Target[]>('/api/v1/invest/target-items', { year }),
  putTarget: (in_: TargetInput) => http.put<Target>('/api/v1/invest/target-items', in_),
  funds: (year: number) => http.get<Funds[]>('/api/v1/invest/funds', { year }),
  putFunds: (in_: FundsInput) => http.put<Funds>('/api/v1/invest/funds', in_),
  chains: () => http.get<Ref[]>('/api/v1/invest/chains'),
  teams: () => http.get<(Ref & { kind: string })[]>('/api/v1/invest/teams'),
  towns: () => http.get<Ref[]>('/api/v1/invest/towns'),
  settings: () => http.get<InvestSettings>('/api/v1/invest/settings'),
  putSettings: (s: InvestSettings) => http.put<InvestSettings>('/api/v1/invest/settings', s),
}
