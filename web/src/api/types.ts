// Types of the JSON shapes in docs/api.md.

export type RoleCode = 'admin' | 'supervisor' | 'leader' | 'unit_admin' | 'staff' | 'field' | 'judge'
export type UnitKind = 'district' | 'department' | 'town' | 'village' | 'taskforce'

export const ROLE_CODES: RoleCode[] = ['admin', 'supervisor', 'leader', 'unit_admin', 'staff', 'field', 'judge']
export const UNIT_KINDS: UnitKind[] = ['district', 'department', 'town', 'village', 'taskforce']

export interface ListResult<T> {
  items: T[]
  total: number
}

export interface ListParams {
  page?: number
  page_size?: number
  q?: string
  sort?: string
}

export interface User {
  id: number
  username: string
  real_name: string
  phone: string
  unit_id: number
  unit_name: string
  position: string
  roles: RoleCode[]
  active: boolean
  locked: boolean
  locked_until: string | null
  must_change_password: boolean
  last_login_at: string | null
  created_at: string
}

export interface SessionInfo {
  user: User
  csrf_token: string
}

export interface CodeName {
  code: string
  name: string
  name_en?: string
}

export interface Meta {
  version: string
  district?: string
  now: string
  roles: CodeName[]
  unit_kinds: CodeName[]
}

export interface AuditEntry {
  seq: number
  at: string
  user_id: number | null
  username: string
  unit_id: number | null
  unit_name?: string
  ip: string
  action: string
  object_type: string
  object_id: string | number | null
  summary: string
  before: unknown
  after: unknown
}

export interface Overview {
  units_by_kind: Record<string, number>
  users_by_role: Record<string, number>
  units_total: number
  users_total: number
  active_sessions: number
  audit_today: number
  recent_audit: AuditEntry[]
}

export interface Unit {
  id: number
  parent_id: number | null
  parent_name: string
  parent_code?: string
  name: string
  short_name: string
  code: string
  kind: UnitKind
  sort_order: number
  contact_name: string
  contact_phone: string
  active: boolean
  depth: number
  children_count: number
  user_count: number
}

export interface UnitTreeNode {
  id: number
  name: string
  short_name: string
  code: string
  kind: UnitKind
  active: boolean
  children?: UnitTreeNode[]
}

export interface UnitInput {
  parent_id: number | null
  name: string
  short_name: string
  code: string
  kind: UnitKind | ''
  sort_order: number
  contact_name: string
  contact_phone?: string
  active?: boolean
}

export interface UnitGroup {
  id: number
  name: string
  code: string
  sort_order: number
  units: { id: number; name: string }[]
}

export interface UnitGroupInput {
  name: string
  code: string
  sort_order: number
  unit_ids: number[]
}

export interface UserInput {
  username?: string
  real_name: string
  phone?: string
  unit_id: number | null
  position: string
  roles: RoleCode[]
  active?: boolean
  password?: string
}

export interface ImportError {
  row: number
  column: string
  message: string
}

export type ImportKind = 'units' | 'users' | 'task-breakdown' | 'enterprises' | 'projects' | 'invest-leads' | 'invest-targets' | 'households'

export interface ImportJob {
  id: number | string
  kind: ImportKind
  file_name: string
  status: 'running' | 'done' | 'failed'
  /** reading, checking, writing (while running) */
  phase?: string
  total: number
  done: number
  created: number
  updated: number
  unchanged: number
  message: string
  errors: ImportError[] | null
}

export interface ApiToken {
  id: number
  name: string
  role: RoleCode
  unit_id: number | null
  unit_name: string
  created_by: string | number
  created_at: string
  last_used_at: string | null
  expires_at: string | null
  revoked_at: string | null
}

export interface TokenInput {
  name: string
  role: RoleCode | ''
  unit_id: number | null
  expires_at?: string
}

export interface AuditVerifyResult {
  ok: boolean
  checked: number
  problems: { seq: number; problem: string }[] | null
}
