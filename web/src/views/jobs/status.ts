// How the 定时任务 page shows a job's state and a run's duration.
import type { Job, JobRun, JobStatus } from '@/api/jobs'
import { t } from '@/i18n'

export type TagType = 'primary' | 'success' | 'warning' | 'danger' | 'info'

export function statusTag(status: JobStatus | 'running'): { type: TagType; text: string } {
  switch (status) {
    case 'running':
      return { type: 'primary', text: t('calendar.jobs.statusRunning') }
    case 'ok':
      return { type: 'success', text: t('calendar.jobs.statusOk') }
    case 'error':
      return { type: 'danger', text: t('calendar.jobs.statusError') }
    default:
      return { type: 'info', text: t('calendar.jobs.statusNever') }
  }
}

/** A job's tag: running wins over the last run's outcome. */
export function jobTag(j: Job): { type: TagType; text: string } {
  return statusTag(j.running ? 'running' : j.last_status)
}

export function runTag(r: JobRun): { type: TagType; text: string } {
  return statusTag(r.status)
}

/** 850 毫秒, 12.5 秒, 2 分 5 秒. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return t('common.none')
  if (ms < 1000) return t('calendar.jobs.ms', { n: ms })
  if (ms < 60_000) return t('calendar.jobs.seconds', { n: (ms / 1000).toFixed(ms < 10_000 ? 1 : 0) })
  const s = Math.round(ms / 1000)
  return t('calendar.jobs.minutes', { m: Math.floor(s / 60), s: s % 60 })
}
