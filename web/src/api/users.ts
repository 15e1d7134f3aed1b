import { http, type Query } from './http'
import type { ListParams, ListResult, RoleCode, User, UserInput } from './types'

export interface UserQuery extends ListParams {
  unit_id?: number | null
  role?: RoleCode | ''
  locked?: boolean | ''
  active?: boolean | ''
}

export const usersApi = {
  list: (q: UserQuery) => http.get<ListResult<User>>('/api/v1/users', q as Query),
  get: (id: number) => http.get<User>(`/api/v1/users/${id}`),
  phone: (id: number) => http.get<{ phone: string }>(`/api/v1/users/${id}/phone`),
  create: (input: UserInput) => http.post<{ user: User; password: string }>('/api/v1/users', input),
  update: (id: number, input: Partial<UserInput>) => http.patch<User>(`/api/v1/users/${id}`, input),
  resetPassword: (id: number) => http.put<{ password: string }>(`/api/v1/users/${id}/password`, {}),
  lock: (id: number) => http.put<void>(`/api/v1/users/${id}/lock`),
  unlock: (id: number) => http.del(`/api/v1/users/${id}/lock`),
  endSessions: (id: number) => http.del(`/api/v1/users/${id}/sessions`),
  exportPath: '/api/v1/users/export',
  templatePath: '/api/v1/users/import-template',
  importPath: '/api/v1/users/imports',
}
