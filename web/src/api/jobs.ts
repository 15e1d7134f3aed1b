import { http } from './http'
import type { ListResult } from './types'

export type JobStatus = '' | 'running' | 'ok' | 'error'

export interface Job {
  name: string
  title: string
  /** In words: 每天 09:00 (schedule_en: daily at 09:00). */
  schedule: string
  schedule_en: string
  next_run_at: string
  retry_at: string | null
  failures: number
  /** Waiting for the scheduler's next tick (by the server's clock). */
  due: boolean
  running: boolean
  running_on: string
  last_as_of: string | null
  last_started_at: string | null
  last_finished_at: string | null
  /** '' before the first run. */
  last_status: JobStatus
  last_error: string
  last_duration_ms: number
  runs: number
}

export interface JobRun {
  id: number
  name: string
  as_of: string
  started_at: string
  finished_at: string | null
  status: Exclude<JobStatus, ''>
  error: string
  duration_ms: number
  owner: string
  manual: boolean
  triggered_by: string
}

export const jobsApi = {
  list: () => http.get<ListResult<Job>>('/api/v1/jobs'),
  runs: (name: string, pageSize = 10) =>
    http.get<ListResult<JobRun>>(`/api/v1/jobs/${encodeURIComponent(name)}/runs`, { page: 1, page_size: pageSize }),
  run: (name: string) => http.post<JobRun>(`/api/v1/jobs/${encodeURIComponent(name)}/run`),
}
