import { http, type Query } from './http'
import type { ListParams, ListResult, Unit, UnitGroup, UnitGroupInput, UnitInput, UnitKind, UnitTreeNode, User } from './types'

export interface UnitQuery extends ListParams {
  kind?: UnitKind | ''
  parent_id?: number | null
  active?: boolean | '' | null
}

export const unitsApi = {
  list: (q: UnitQuery) => http.get<ListResult<Unit>>('/api/v1/units', q as Query),
  tree: () => http.get<{ items: UnitTreeNode[] }>('/api/v1/units/tree'),
  get: (id: number) => http.get<Unit>(`/api/v1/units/${id}`),
  create: (input: UnitInput) => http.post<Unit>('/api/v1/units', input),
  update: (id: number, input: Partial<UnitInput>) => http.patch<Unit>(`/api/v1/units/${id}`, input),
  remove: (id: number) => http.del(`/api/v1/units/${id}`),
  members: (id: number) => http.get<ListResult<User>>(`/api/v1/units/${id}/members`),
  setMembers: (id: number, user_ids: number[]) => http.put<ListResult<User>>(`/api/v1/units/${id}/members`, { user_ids }),
  exportPath: '/api/v1/units/export',
  templatePath: '/api/v1/units/import-template',
  importPath: '/api/v1/units/imports',
}

export const groupsApi = {
  list: (q: ListParams) => http.get<ListResult<UnitGroup>>('/api/v1/unit-groups', q as Query),
  create: (input: UnitGroupInput) => http.post<UnitGroup>('/api/v1/unit-groups', input),
  update: (id: number, input: Partial<UnitGroupInput>) => http.patch<UnitGroup>(`/api/v1/unit-groups/${id}`, input),
  remove: (id: number) => http.del(`/api/v1/unit-groups/${id}`),
}
