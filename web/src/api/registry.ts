// Shared registry (基础台账): enterprises and places (企业名录) and the
// industrial chains (产业链) — the JSON shapes of internal/registry.
import { http, type Query } from './http'
import type { ListParams, ListResult } from './types'

export type EnterpriseKind = 'enterprise' | 'place'
export type RiskLevel = '' | 'major' | 'high' | 'medium' | 'low'

export const ENTERPRISE_KINDS: EnterpriseKind[] = ['enterprise', 'place']
export const RISK_LEVELS: Exclude<RiskLevel, ''>[] = ['major', 'high', 'medium', 'low']

export interface Enterprise {
  id: number
  name: string
  credit_code: string
  has_credit_code: boolean
  kind: EnterpriseKind
  industry: string
  industry_name: string
  town_id?: number
  town_name: string
  address: string
  legal_person: string
  contact_name: string
  /** Masked (138****5678) unless the user may see phone numbers. */
  contact_phone: string
  supervising_unit_id?: number
  supervising_unit_name: string
  risk_level: RiskLevel
  created_at: string
  updated_at: string
}

export interface EnterpriseInput {
  name?: string
  credit_code?: string
  kind?: EnterpriseKind
  industry?: string
  /** 0 clears. */
  town_id?: number
  address?: string
  legal_person?: string
  contact_name?: string
  contact_phone?: string
  /** 0 clears. */
  supervising_unit_id?: number
  risk_level?: RiskLevel
}

export interface EnterpriseQuery extends ListParams {
  town_id?: number | null
  industry?: string
  kind?: EnterpriseKind | ''
  supervising_unit_id?: number | null
  risk_level?: RiskLevel
}

export interface Industry {
  code: string
  name: string
}

export interface Chain {
  id: number
  name: string
  sort_order: number
  active: boolean
  created_at: string
  updated_at: string
}

export interface ChainInput {
  name?: string
  sort_order?: number
  active?: boolean
}

export const registryApi = {
  list: (q: EnterpriseQuery) => http.get<ListResult<Enterprise>>('/api/v1/enterprises', q as Query),
  get: (id: number) => http.get<Enterprise>(`/api/v1/enterprises/${id}`),
  create: (input: EnterpriseInput) => http.post<Enterprise>('/api/v1/enterprises', input),
  update: (id: number, input: EnterpriseInput) => http.patch<Enterprise>(`/api/v1/enterprises/${id}`, input),
  industries: () => http.get<{ items: Industry[] }>('/api/v1/enterprise-industries'),
  exportPath: '/api/v1/enterprises/export',
  templatePath: '/api/v1/enterprises/import-template',
  importPath: '/api/v1/enterprises/imports',
}

export const chainsApi = {
  list: (all = false) => http.get<ListResult<Chain>>('/api/v1/industrial-chains', all ? { all: true } : undefined),
  create: (input: ChainInput) => http.post<Chain>('/api/v1/industrial-chains', input),
  update: (id: number, input: ChainInput) => http.patch<Chain>(`/api/v1/industrial-chains/${id}`, input),
}
