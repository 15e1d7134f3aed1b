import { http, type Query } from './http'
import type { AuditEntry, AuditVerifyResult, ListParams, ListResult } from './types'

export interface AuditQuery extends ListParams {
  user_id?: number | null
  unit_id?: number | null
  object_type?: string
  action?: string
  from?: string
  to?: string
}

export const auditApi = {
  list: (q: AuditQuery) => http.get<ListResult<AuditEntry>>('/api/v1/audit', q as Query),
  verify: () => http.get<AuditVerifyResult>('/api/v1/audit/verify'),
  exportPath: '/api/v1/audit/export',
}
