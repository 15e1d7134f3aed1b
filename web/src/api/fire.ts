// Forest fire prevention (internal/fire): fire-danger warnings, letters to
// households with signed receipts, coverage. The field side is api/patrol.ts.
import { download, http, type Query } from './http'
import type { ListResult } from './types'

export interface UnitRef {
  id: number
  name: string
}

export interface Requirement {
  patrols_per_day: number
  patrollers_per_post: number
  broadcasts_per_day: number
}

export type Colour = 'blue' | 'yellow' | 'orange' | 'red'

export interface Warning {
  id: number
  level: number
  colour: Colour
  level_name: string
  district_wide: boolean
  town_ids: number[]
  towns: UnitRef[]
  valid_from: string
  valid_to: string
  text: string
  issued_by: string
  ended_at?: string
  active: boolean
  requirement: Requirement
  created_at: string
}

export interface WarningInput {
  level: number
  town_ids: number[]
  valid_from?: string | null
  valid_to: string | null
  text: string
}

export interface Settings {
  levels: Requirement[]
  coverage_target: number
}

export interface Letter {
  id: number
  title: string
  body: string
  file_id?: number
  starts_on: string
  ends_on: string
  district_wide: boolean
  town_ids: number[]
  towns: UnitRef[]
  unit: UnitRef
  households: number
  reached: number
  rate: number
  created_at: string
  updated_at: string
}

export interface LetterInput {
  title?: string
  body?: string
  file_id?: number | null
  starts_on?: string
  ends_on?: string
  town_ids?: number[]
}

export interface Count {
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
  total: Count
  towns: Count[]
  villages: Count[]
  uncovered: Count[]
}

export interface Household {
  id: number
  code: string
  head_name: string
  address: string
  people: number
}

export interface Delivery {
  id: number
  letter_id: number
  household_id: number
  method: 'signature' | 'photo' | 'sheet'
  delivered_on: string
}

export interface UploadedFile {
  id: number
  name: string
  url: string
}

const base = '/api/v1/fire'

/** URLs the phone page's outbox sends to. */
export const fireUrls = {
  files: (letterId: number) => `${base}/letters/${letterId}/files`,
  deliveries: (letterId: number) => `${base}/letters/${letterId}/deliveries`,
}

export const fireApi = {
  banner: () => http.get<Warning[]>(`${base}/warnings/active`),
  warnings: (q: Query) => http.get<ListResult<Warning>>(`${base}/warnings`, q),
  issueWarning: (in_: WarningInput) => http.post<Warning>(`${base}/warnings`, in_),
  endWarning: (id: number) => http.post<Warning>(`${base}/warnings/${id}/end`),
  settings: () => http.get<Settings>(`${base}/settings`),
  saveSettings: (s: Settings) => http.put<Settings>(`${base}/settings`, s),
  letters: (active = false) => http.get<ListResult<Letter>>(`${base}/letters`, active ? { active: true } : undefined),
  letter: (id: number) => http.get<Letter>(`${base}/letters/${id}`),
  createLetter: (in_: LetterInput) => http.post<Letter>(`${base}/letters`, in_),
  updateLetter: (id: number, in_: LetterInput) => http.patch<Letter>(`${base}/letters/${id}`, in_),
  upload: (letterId: number, file: Blob, name: string) => {
    const form = new FormData()
    form.append('file', file, name)
    return http.post<UploadedFile>(fireUrls.files(letterId), form)
  },
  coverage: (letterId: number) => http.get<Coverage>(`${base}/coverage`, { letter_id: letterId }),
  pending: (letterId: number, q: { village_id?: number | null; q?: string; page?: number; page_size?: number }) =>
    http.get<ListResult<Household>>(`${base}/letters/${letterId}/pending`, q),
  sheet: (letterId: number, villageId: number | null, name: string) =>
    download(`${base}/letters/${letterId}/sheet`, villageId ? { village_id: villageId } : undefined, name),
  batch: (letterId: number, in_: { village_id: number; file_id: number; household_ids: number[]; delivered_on?: string }) =>
    http.post<{ id: number; households: number }>(`${base}/letters/${letterId}/batches`, in_),
}

/** Banner and tag colours of the levels. */
export const LEVEL_COLOURS: Record<Colour, string> = { blue: '#1c7ed6', yellow: '#f2c200', orange: '#f76707', red: '#e03131' }

/** Percent of reached households, as the server rounds it (one decimal, capped at 100). */
export function ratePercent(reached: number, households: number): number {
  if (households <= 0) return 0
  return Math.floor((Math.min(reached, households) * 1000) / households) / 10
}
