// Households (户) by village in the shared registry — the JSON shapes of
// internal/registry/households*.go. The fire module delivers its letters
// to these households.
import { http, type Query } from './http'
import type { ListParams, ListResult } from './types'

export interface Household {
  id: number
  village_id: number
  village_name: string
  town_id: number
  town_name: string
  /** 户号: unique within the village. */
  code: string
  head_name: string
  address: string
  /** Masked (138****5678) unless the user may see phone numbers. */
  phone: string
  people: number
  note: string
  /** false: moved away or merged, kept for history. */
  active: boolean
  created_at: string
  updated_at: string
}

export interface HouseholdInput {
  village_id?: number
  /** Empty on create: the server gives "<village code>-0001". */
  code?: string
  head_name?: string
  address?: string
  phone?: string
  people?: number
  note?: string
  active?: boolean
}

export interface HouseholdQuery extends ListParams {
  town_id?: number | null
  village_id?: number | null
  active?: boolean | '' | null
}

/** Most people in one household (the server's rule). */
export const MAX_PEOPLE = 50

export const householdsApi = {
  list: (q: HouseholdQuery) => http.get<ListResult<Household>>('/api/v1/households', q as Query),
  get: (id: number) => http.get<Household>(`/api/v1/households/${id}`),
  /** The unmasked phone (village staff and unit administrators in scope); every look is audited. */
  phone: (id: number) => http.get<{ phone: string }>(`/api/v1/households/${id}/phone`),
  create: (input: HouseholdInput) => http.post<Household>('/api/v1/households', input),
  update: (id: number, input: HouseholdInput) => http.patch<Household>(`/api/v1/households/${id}`, input),
  exportPath: '/api/v1/households/export',
  templatePath: '/api/v1/households/import-template',
  importPath: '/api/v1/households/imports',
}
