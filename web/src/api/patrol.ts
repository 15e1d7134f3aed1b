// Forest fire prevention in the field (internal/fire/patrol): broadcasts,
// squads and patrols, key villages and posts, fire reports, checks, fire home.
import { http, type Query } from './http'
import type { ListResult } from './types'

export interface Ref {
  id: number
  name: string
}

export interface Member {
  user_id?: number
  name: string
}

export interface Point {
  at: string
  lat: number
  lng: number
  accuracy?: number
}

export interface Photo {
  id: number
  url: string
  thumb_url?: string
}

export type FindingKind = 'fire_source' | 'open_burning' | 'grave_sweeping' | 'other'
export const FINDING_KINDS: FindingKind[] = ['fire_source', 'open_burning', 'grave_sweeping', 'other']

export interface Finding {
  id: number
  patrol_id: number
  kind: FindingKind
  kind_name: string
  note: string
  lat?: number
  lng?: number
  photos: Photo[]
  created_at: string
}

export interface Patrol {
  id: number
  squad_id?: number
  squad_name?: string
  post_id?: number
  post_name?: string
  unit_id: number
  unit_name: string
  town_id: number
  town_name: string
  on_day: string
  started_at: string
  ended_at: string | null
  point_count: number
  distance_m: number
  duration_s: number
  note: string
  client_key?: string
  created_by: string
  mine: boolean
  findings?: Finding[]
  photos?: Photo[]
  route?: Point[]
}

export interface Squad {
  id: number
  name: string
  kind: string
  unit: Ref
  members: Member[]
  areas: Ref[]
  active: boolean
  updated_at: string
}

export interface SquadInput {
  name: string
  kind: string
  unit_id: number | null
  members: Member[]
  area_ids: number[]
  active?: boolean
}

export interface Post {
  id: number
  village_id: number
  village_name: string
  name: string
  patrollers: Member[]
  patroller_count: number
  min_patrollers: number
  required: number
  below: boolean
}

export interface PostInput {
  village_id: number | null
  name: string
  patrollers: Member[]
  min_patrollers?: number
}

export interface KeyVillage {
  id: number
  name: string
  town_id: number
  town_name: string
  note: string
  light: 'green' | 'red'
  reasons: string[]
  patrols_today: number
  patrols_required: number
  warning_level: number
  posts: Post[]
}

export interface Broadcast {
  id: number
  village_id: number
  village_name: string
  town_id: number
  town_name: string
  on_day: string
  times: string[]
  content: string
  created_by: string
  created_at: string
}

export type Stage = 'reported' | 'dispatched' | 'arrived' | 'controlled' | 'out'
export const STAGES: Stage[] = ['reported', 'dispatched', 'arrived', 'controlled', 'out']

export interface FireEvent {
  id: number
  at: string
  kind: Stage
  kind_name: string
  note: string
  created_by: string
}

export interface FireReport {
  id: number
  occurred_at: string
  unit: Ref
  town: Ref
  place: string
  lat?: number
  lng?: number
  cause: string
  area_ha: number
  losses: string
  stage: Stage
  stage_name: string
  events?: FireEvent[]
  updated_at: string
}

export interface ReportInput {
  occurred_at: string | null
  unit_id: number | null
  place: string
  lat?: number | null
  lng?: number | null
  cause: string
  area_ha: number
  losses: string
}

export interface Check {
  id: number
  town: Ref
  checked_on: string
  checker: string
  items: string
  findings: string
  fix_by: string | null
  fixed_on: string | null
  fixed_note: string
  overdue: boolean
  updated_at: string
}

export interface CheckInput {
  town_id: number | null
  checked_on: string
  checker: string
  items: string
  findings: string
  fix_by: string
}

export interface Requirement {
  patrols_per_day: number
  patrollers_per_post: number
  broadcasts_per_day: number
}

export interface Warning {
  id: number
  level: number
  colour: string
  level_name: string
  district_wide: boolean
  towns: Ref[]
  valid_from: string
  valid_to: string
  text: string
  requirement: Requirement
}

export interface TownToday {
  id: number
  name: string
  patrols_today: number
  patrols_required: number
  key_villages: number
  red_villages: number
  broadcasts_today: number
  warning_level: number
}

export interface FireHome {
  warnings: Warning[]
  patrols_today: number
  open_patrols: number
  findings_today: number
  broadcasts_today: number
  towns: TownToday[]
  red_villages: KeyVillage[]
  posts_below: Post[]
  reports: FireReport[]
  checks_open: number
  checks_overdue: number
}

/** GET /fire/coverage (the letters' module): coverage by town of the latest active letter. */
export interface CoverageCount {
  id: number
  name: string
  town_id?: number
  households: number
  reached: number
  rate: number
  below: boolean
}
export interface Coverage {
  letter_id: number
  title: string
  target: number
  total: CoverageCount
  towns: CoverageCount[]
  villages: CoverageCount[]
  uncovered: CoverageCount[]
}

export interface ListQuery extends Query {
  from?: string
  to?: string
  town_id?: number | null
  village_id?: number | null
  page?: number
  page_size?: number
}

const base = '/api/v1/fire'

export const patrolApi = {
  home: () => http.get<FireHome>(`${base}/home`),
  coverage: () => http.get<Coverage>(`${base}/coverage`),
  broadcasts: (q: ListQuery) => http.get<ListResult<Broadcast>>(`${base}/broadcasts`, q),
  squads: () => http.get<Squad[]>(`${base}/squads`),
  createSquad: (in_: SquadInput) => http.post<Squad>(`${base}/squads`, in_),
  updateSquad: (id: number, in_: SquadInput) => http.put<Squad>(`${base}/squads/${id}`, in_),
  patrols: (q: ListQuery & { open?: boolean | null; mine?: boolean | null }) => http.get<ListResult<Patrol>>(`${base}/patrols`, q),
  patrol: (ref: number | string) => http.get<Patrol>(`${base}/patrols/${ref}`),
  importGpx: (ref: number | string, file: File) => {
    const fd = new FormData()
    fd.append('file', file, file.name)
    return http.post<Patrol>(`${base}/patrols/${ref}/gpx`, fd)
  },
  villages: () => http.get<KeyVillage[]>(`${base}/villages`),
  markVillage: (village_id: number, note: string) => http.post<KeyVillage>(`${base}/villages`, { village_id, note }),
  createPost: (in_: PostInput) => http.post<Post>(`${base}/posts`, in_),
  updatePost: (id: number, in_: PostInput) => http.put<Post>(`${base}/posts/${id}`, in_),
  lights: () => http.post<{ red: number }>(`${base}/lights`),
  reports: (q: ListQuery) => http.get<ListResult<FireReport>>(`${base}/reports`, q),
  report: (id: number) => http.get<FireReport>(`${base}/reports/${id}`),
  createReport: (in_: ReportInput) => http.post<FireReport>(`${base}/reports`, in_),
  updateReport: (id: number, in_: ReportInput) => http.put<FireReport>(`${base}/reports/${id}`, in_),
  addEvent: (id: number, in_: { at: string | null; kind: Stage; note: string }) => http.post<FireReport>(`${base}/reports/${id}/events`, in_),
  checks: (q: ListQuery) => http.get<ListResult<Check>>(`${base}/checks`, q),
  createCheck: (in_: CheckInput) => http.post<Check>(`${base}/checks`, in_),
  fixCheck: (id: number, in_: { fixed_on: string; note: string }) => http.post<Check>(`${base}/checks/${id}/fixed`, in_),
}

/** URLs the phone pages queue in the outbox (the patrol is named by its client_key until it has an id). */
export const patrolUrls = {
  broadcasts: `${base}/broadcasts`,
  patrols: `${base}/patrols`,
  points: (ref: string | number) => `${base}/patrols/${ref}/points`,
  findings: (ref: string | number) => `${base}/patrols/${ref}/findings`,
  end: (ref: string | number) => `${base}/patrols/${ref}/end`,
  gpx: (ref: string | number) => `${base}/patrols/${ref}/gpx`,
  photos: `${base}/photos`,
}

/** "3.2 公里" / "850 米". */
export function distanceText(m: number): string {
  return m >= 1000 ? `${(m / 1000).toFixed(1)} 公里` : `${Math.round(m)} 米`
}

/** "1小时05分" / "12分". */
export function durationText(s: number): string {
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  return h > 0 ? `${h}小时${String(m).padStart(2, '0')}分` : `${m}分`
}

/**
 * Projects a route onto an SVG box (equirectangular, longitude scaled by the
 * latitude's cosine so shapes are not stretched): no map tiles, no network.
 */
export function routePath(points: { lat: number; lng: number }[], width: number, height: number, pad = 10): { d: string; xy: [number, number][] } {
  if (points.length === 0) return { d: '', xy: [] }
  const k = Math.cos((points[0].lat * Math.PI) / 180)
  const xs = points.map((p) => p.lng * k)
  const ys = points.map((p) => p.lat)
  const minX = Math.min(...xs)
  const maxX = Math.max(...xs)
  const minY = Math.min(...ys)
  const maxY = Math.max(...ys)
  const span = Math.max(maxX - minX, maxY - minY, 1e-6)
  const scale = Math.min((width - 2 * pad) / span, (height - 2 * pad) / span)
  const ox = (width - (maxX - minX) * scale) / 2
  const oy = (height - (maxY - minY) * scale) / 2
  const xy = points.map((_, i): [number, number] => [
    Math.round((ox + (xs[i] - minX) * scale) * 10) / 10,
    Math.round((height - oy - (ys[i] - minY) * scale) * 10) / 10,
  ])
  return { d: xy.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${x} ${y}`).join(' '), xy }
}
