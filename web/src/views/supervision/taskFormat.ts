// Pure helpers of the supervision pages: colours of lights and statuses,
// days left, progress against the time-sequence, the workflow steps. Kept out
// of the components so they are tested on their own.
import type { Light, TaskStatus } from '@/api/tasks'

/** Light colours: the same on tags, cards and charts. */
export const LIGHT_COLORS: Record<Light, string> = {
  green: '#2ba471',
  yellow: '#e6a23c',
  red: '#d9363e',
  none: '#a8abb2',
}

export function lightColor(light: string | null | undefined): string {
  return LIGHT_COLORS[(light ?? 'none') as Light] ?? LIGHT_COLORS.none
}

export type TagType = 'primary' | 'success' | 'warning' | 'info' | 'danger'

const STATUS_TAGS: Record<TaskStatus, TagType> = {
  draft: 'info',
  issued: 'warning',
  signed: 'primary',
  in_progress: 'primary',
  requested: 'success',
  returned: 'danger',
  closed: 'info',
}

export function statusTagType(status: string): TagType {
  return STATUS_TAGS[status as TaskStatus] ?? 'info'
}

export type DaysTone = 'none' | 'normal' | 'soon' | 'today' | 'overdue'

export interface DaysLeftInfo {
  /** Message key and its parameter. */
  key: 'supervision.days.left' | 'supervision.days.today' | 'supervision.days.overdue' | 'supervision.days.none'
  n: number
  tone: DaysTone
}

/**
 * Working days to the deadline as people read them: "剩 3 个工作日",
 * "今日到期", "逾期 2 个工作日" (red), "长期" without a deadline. `warnDays`
 * (the supervision office's warning window) colours the last days orange.
 * Closed tasks have nothing left to count.
 */
export function daysLeftInfo(days: number | null | undefined, opts: { warnDays?: number; closed?: boolean } = {}): DaysLeftInfo {
  if (days === null || days === undefined || opts.closed) return { key: 'supervision.days.none', n: 0, tone: 'none' }
  if (days < 0) return { key: 'supervision.days.overdue', n: -days, tone: 'overdue' }
  if (days === 0) return { key: 'supervision.days.today', n: 0, tone: 'today' }
  return { key: 'supervision.days.left', n: days, tone: days <= (opts.warnDays ?? 3) ? 'soon' : 'normal' }
}

export type ProgressState = 'ahead' | 'onTrack' | 'behind' | 'lagging' | 'done'

export interface ProgressInfo {
  progress: number
  time: number
  /** Percentage points behind the time-sequence (negative when ahead). */
  lag: number
  state: ProgressState
}

const clamp = (n: number) => Math.max(0, Math.min(100, Math.round(Number.isFinite(n) ? n : 0)))

/**
 * Reported progress against the time-sequence (序时进度, the share of the
 * planned span elapsed): 'lagging' when it trails by more than the threshold
 * (what turns a task yellow), 'behind' when it trails at all.
 */
export function progressInfo(progress: number, time: number, lagPercent = 20): ProgressInfo {
  const p = clamp(progress)
  const t = clamp(time)
  const lag = t - p
  let state: ProgressState
  if (p >= 100) state = 'done'
  else if (lag > lagPercent) state = 'lagging'
  else if (!Number.isFinite(lagPercent)) state = 'onTrack'
  else if (lag > 0) state = 'behind'
  else if (lag < 0) state = 'ahead'
  else state = 'onTrack'
  return { progress: p, time: t, lag, state }
}

export const PROGRESS_COLORS: Record<ProgressState, string> = {
  done: LIGHT_COLORS.green,
  ahead: LIGHT_COLORS.green,
  onTrack: '#1e50a2',
  behind: '#1e50a2',
  lagging: LIGHT_COLORS.yellow,
}

/** The workflow as el-steps shows it; "returned" takes the place of "requested". */
export const STEP_KEYS = ['draft', 'issued', 'signed', 'in_progress', 'requested', 'closed'] as const
export type StepKey = (typeof STEP_KEYS)[number] | 'returned'
export type StepState = 'wait' | 'process' | 'finish' | 'error' | 'success'

export interface StepView {
  key: StepKey
  state: StepState
}

/**
 * The steps of a task in a given status: everything before the current step
 * is finished, the current one is in process; a returned task shows its
 * completion request step as "退回" in red; a closed one is all green.
 */
export function statusSteps(status: string): { active: number; steps: StepView[] } {
  const returned = status === 'returned'
  const current = returned ? STEP_KEYS.indexOf('requested') : STEP_KEYS.indexOf(status as (typeof STEP_KEYS)[number])
  const at = current < 0 ? 0 : current
  const closed = status === 'closed'
  const steps = STEP_KEYS.map<StepView>((key, i) => {
    if (closed) return { key, state: 'success' }
    if (i < at) return { key, state: 'finish' }
    if (i > at) return { key, state: 'wait' }
    return returned ? { key: 'returned', state: 'error' } : { key, state: 'process' }
  })
  return { active: at, steps }
}

/** Open means issued and not yet closed (what the office still follows). */
export function isOpen(status: string): boolean {
  return status !== 'draft' && status !== 'closed'
}

/** Today in Asia/Shanghai as YYYY-MM-DD. */
export function shanghaiToday(now: Date = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(now)
}

/** The Sunday that ends the (Monday-first) week of a YYYY-MM-DD date. */
export function weekEnd(day: string): string {
  const d = new Date(`${day}T00:00:00Z`)
  const toSunday = (7 - d.getUTCDay()) % 7
  d.setUTCDate(d.getUTCDate() + toSunday)
  return d.toISOString().slice(0, 10)
}

/** A picker's Date (local midnight) as YYYY-MM-DD. */
export function isoDate(d: Date): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`
}

/**
 * The server's message for a field of a row of a list in the body
 * (`milestones[2].due_on`, `milestones.2.due_on`, or the whole row).
 */
export function rowFieldError(errors: Record<string, string>, list: string, index: number, field: string): string {
  return (
    errors[`${list}[${index}].${field}`] ??
    errors[`${list}.${index}.${field}`] ??
    errors[`${list}[${index}]`] ??
    errors[`${list}.${index}`] ??
    ''
  )
}

/** Names of refs joined for a table cell. */
export function refNames(refs: { name: string }[] | null | undefined, sep = '、'): string {
  return (refs ?? []).map((r) => r.name).join(sep)
}
