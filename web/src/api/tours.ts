// Observation tours (项目观摩): the JSON shapes of internal/projects/tours and its endpoints.
import { http, type Query } from './http'
import type { ListParams, ListResult } from './types'

export type TourStatus = 'draft' | 'open' | 'closed'
export type SheetStatus = '' | 'draft' | 'submitted'

export const TOUR_STATUSES: TourStatus[] = ['draft', 'open', 'closed']

export interface Ref {
  id: number
  name: string
}

export interface Criterion {
  seq: number
  name: string
  max: number
}

export interface Tour {
  id: number
  name: string
  date: string
  route: string
  status: TourStatus
  status_name: string
  drop_min_judges: number
  note: string
  projects: number
  judge_count: number
  opened_at: string | null
  closed_at: string | null
  created_at: string
  updated_at: string
  on_tour: boolean
  can_manage: boolean
  submitted: number
  sheets_total: number
}

export interface TourProject {
  id: number
  name: string
  code: string
  town: Ref
  unit: Ref
  total_investment: number
  phase: string
}

export interface Stop {
  seq: number
  project: TourProject
  finding_tags: string[]
  findings: string
  submitted: number
  my_sheet: SheetStatus
  my_total: number | null
}

export interface Judge {
  id: number
  name: string
  username: string
  unit: string
  submitted: number
}

export interface TourEvent {
  kind: string
  note: string
  actor_name: string
  at: string
}

export interface TourDetail extends Tour {
  criteria: Criterion[]
  stops: Stop[]
  judges: Judge[]
  events: TourEvent[]
  finding_tag_options: string[]
}

export interface TourInput {
  name?: string
  date?: string
  route?: string
  note?: string
  drop_min_judges?: number
  criteria?: { name: string; max: number }[]
  project_ids?: number[]
  judge_ids?: number[]
}

export interface MyTour extends Tour {
  criteria: Criterion[]
  stops: Stop[]
}

export interface Sheet {
  tour_id: number
  tour_name: string
  tour_status: TourStatus
  project: TourProject
  seq: number
  stops: number
  prev_project_id: number
  next_project_id: number
  criteria: Criterion[]
  points: (number | null)[]
  total: number
  status: SheetStatus
  comment: string
  submitted_at: string | null
  updated_at: string | null
}

export interface JudgeTotal {
  judge_id?: number
  judge?: string
  total: number
  dropped: boolean
}

export interface ProjectResult {
  rank: number
  seq: number
  project: TourProject
  judges: number
  dropped: boolean
  score: number
  criteria: number[]
  highest: number | null
  lowest: number | null
  totals: JudgeTotal[]
  finding_tags: string[]
  findings: string
}

export interface GroupResult {
  rank: number
  unit: Ref
  projects: number
  scored: number
  score: number
  total_investment: number
}

export interface Results {
  tour_id: number
  tour_name: string
  date: string
  status: TourStatus
  published: boolean
  drop_min_judges: number
  criteria: Criterion[]
  judges: number
  total_investment: number
  projects: ProjectResult[]
  towns: GroupResult[]
  units: GroupResult[]
}

export interface Candidate {
  id: number
  name: string
  extra: string
  unit?: string
  total_investment?: number
}

export interface TourListParams extends ListParams {
  status?: TourStatus | ''
  year?: number | null
}

const base = '/api/v1/tours'

export const toursApi = {
  list: (q: TourListParams) => http.get<ListResult<Tour>>(base, q as Query),
  get: (id: number) => http.get<TourDetail>(`${base}/${id}`),
  create: (body: TourInput) => http.post<TourDetail>(base, body),
  update: (id: number, body: TourInput) => http.patch<TourDetail>(`${base}/${id}`, body),
  remove: (id: number) => http.del(`${base}/${id}`),
  open: (id: number) => http.post<TourDetail>(`${base}/${id}/open`),
  close: (id: number) => http.post<TourDetail>(`${base}/${id}/close`),
  reopen: (id: number, reason: string) => http.post<TourDetail>(`${base}/${id}/reopen`, { reason }),
  findings: (id: number, projectId: number, tags: string[], findings: string) =>
    http.put<Stop>(`${base}/${id}/stops/${projectId}/findings`, { tags, findings }),
  results: (id: number) => http.get<Results>(`${base}/${id}/results`),
  exportPath: (id: number) => `${base}/${id}/results/export`,
  my: (id: number) => http.get<MyTour>(`${base}/${id}/my`),
  mySheet: (id: number, projectId: number) => http.get<Sheet>(`${base}/${id}/projects/${projectId}/my-score`),
  saveSheet: (id: number, projectId: number, points: (number | null)[], comment: string, submit: boolean) =>
    http.put<Sheet>(`${base}/${id}/projects/${projectId}/my-score`, { points, comment, submit }),
  projectCandidates: (q = '') => http.get<ListResult<Candidate>>(`${base}/candidates/projects`, { q }),
  judgeCandidates: () => http.get<ListResult<Candidate>>(`${base}/candidates/judges`),
}

/** Yuan as 亿元 with two decimals. */
export function yi(v: number): string {
  return (v / 1e8).toFixed(2)
}
