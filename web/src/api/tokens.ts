import { http, type Query } from './http'
import type { ApiToken, ListParams, ListResult, TokenInput } from './types'

export const tokensApi = {
  list: (q: ListParams) => http.get<ListResult<ApiToken>>('/api/v1/tokens', q as Query),
  create: (input: TokenInput) => http.post<{ token: ApiToken; secret: string }>('/api/v1/tokens', input),
  revoke: (id: number) => http.del(`/api/v1/tokens/${id}`),
}
