import { http } from './http'
import type { ImportError, ImportJob } from './types'

/**
 * docs/api.md spells the row errors `row`/`column`/`message`; accept the
 * capitalised Go field names too, so a server that misses the JSON tags
 * still shows its errors.
 */
function normalize(job: ImportJob): ImportJob {
  const errors = (job.errors ?? []).map((e) => {
    const raw = e as ImportError & { Row?: number; Column?: string; Message?: string }
    return { row: raw.row ?? raw.Row ?? 0, column: raw.column ?? raw.Column ?? '', message: raw.message ?? raw.Message ?? '' }
  })
  return { ...job, errors }
}

export const importsApi = {
  upload: async (uploadUrl: string, file: File) => {
    const form = new FormData()
    form.append('file', file, file.name)
    return normalize(await http.post<ImportJob>(uploadUrl, form))
  },
  get: async (id: number | string) => normalize(await http.get<ImportJob>(`/api/v1/imports/${id}`)),
  errorsPath: (id: number | string) => `/api/v1/imports/${id}/errors`,
}
