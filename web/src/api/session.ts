import { http } from './http'
import type { Meta, Overview, SessionInfo } from './types'

export const sessionApi = {
  current: () => http.get<SessionInfo>('/api/v1/session', undefined, { allowUnauthenticated: true }),
  signIn: (username: string, password: string) =>
    http.post<SessionInfo>('/api/v1/session', { username, password }, { allowUnauthenticated: true }),
  signOut: () => http.del('/api/v1/session', { allowUnauthenticated: true }),
  changePassword: (old_password: string, new_password: string) =>
    http.put<SessionInfo>('/api/v1/session/password', { old_password, new_password }),
}

export const metaApi = {
  meta: () => http.get<Meta>('/api/v1/meta', undefined, { allowUnauthenticated: true }),
  overview: () => http.get<Overview>('/api/v1/overview'),
}
