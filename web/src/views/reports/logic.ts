// The reports pages' rules in plain functions (tested without mounting):
// status colours, the fill form's validation (the same rules as the server's
// checkValues, with the same `values.<key>` field names), the schedule
// editor's payload and the form designer's checks.
import type { FormField, Frequency, Obligation, ReportStatus, SchedulePayload, Values } from '@/api/reports'
import { t } from '@/i18n'
import { formatDateTimeShort } from '@/utils/format'

export type TagType = 'success' | 'warning' | 'danger' | 'info'

/** Green submitted, orange late, red missing, grey pending. */
export function statusTagType(s: ReportStatus | '' | string): TagType {
  switch (s) {
    case 'on_time':
      return 'success'
    case 'late':
      return 'warning'
    case 'missing':
      return 'danger'
    default:
      return 'info'
  }
}

/** The same colours as CSS variables, for the matrix cells. */
export function statusColor(s: ReportStatus | '' | string): string {
  if (!s) return 'var(--el-fill-color-light)'
  return `var(--el-color-${statusTagType(s)})`
}

export function statusLabel(s: ReportStatus | '' | string): string {
  return s ? t(`reports.status.${s as ReportStatus}`) : t('reports.status.none')
}

export function isEmpty(v: unknown): boolean {
  if (v === undefined || v === null) return true
  if (typeof v === 'string') return v.trim() === ''
  if (Array.isArray(v)) return v.length === 0
  return false
}

/** Whether a field must be filled given the other answers (required, or its required_if holds). */
export function isRequired(f: FormField, values: Values): boolean {
  if (f.required) return true
  const c = f.required_if
  return !!c && c.field !== '' && values[c.field] === c.equals
}

const DATE = /^\d{4}-\d{2}-\d{2}$/

/**
 * Checks the answers against the form; the result maps `values.<key>` to a
 * message (empty when all is well), as the server names its 422 fields.
 */
export function validateValues(form: FormField[], values: Values): Record<string, string> {
  const errs: Record<string, string> = {}
  for (const f of form) {
    const at = `values.${f.key}`
    const v = values[f.key]
    if (isEmpty(v)) {
      if (isRequired(f, values)) errs[at] = t('reports.fill.required', { field: f.label })
      continue
    }
    switch (f.type) {
      case 'number': {
        const n = typeof v === 'number' ? v : Number.NaN
        if (!Number.isFinite(n)) errs[at] = t('reports.fill.number', { field: f.label })
        else if (f.min != null && n < f.min) errs[at] = t('reports.fill.min', { field: f.label, n: `${f.min}${f.unit ?? ''}` })
        else if (f.max != null && n > f.max) errs[at] = t('reports.fill.max', { field: f.label, n: `${f.max}${f.unit ?? ''}` })
        break
      }
      case 'choice':
        if (!(f.options ?? []).includes(String(v))) errs[at] = t('reports.fill.choice', { field: f.label })
        break
      case 'date':
        if (typeof v !== 'string' || !DATE.test(v)) errs[at] = t('reports.fill.date', { field: f.label })
        break
    }
  }
  return errs
}

/** The answers to send: empty ones left out, text trimmed. */
export function cleanValues(form: FormField[], values: Values): Values {
  const out: Values = {}
  for (const f of form) {
    const v = values[f.key]
    if (isEmpty(v)) continue
    out[f.key] = typeof v === 'string' ? v.trim() : v
  }
  return out
}

/** Shows an answer in a table cell or a read-only view. */
export function displayValue(f: FormField, v: unknown): string {
  if (isEmpty(v)) return ''
  switch (f.type) {
    case 'bool':
      return v ? t('reports.fill.yes') : t('reports.fill.no')
    case 'files':
      return t('reports.view.files', { n: Array.isArray(v) ? v.length : 0 })
    case 'number':
      return `${v}${f.unit ? ` ${f.unit}` : ''}`
  }
  return String(v)
}

// ----- schedule editor -----

export interface ScheduleState {
  frequency: Frequency
  cutoff: string
  weekday: number
  month_day: number
  custom_dates: string[]
  workdays_only: boolean
  active_from: string
  active_to: string
  /** The reminder offset in hours (the API takes minutes). */
  remind_hours: number
}

export function defaultSchedule(today: string): ScheduleState {
  return {
    frequency: 'daily',
    cutoff: '17:00',
    weekday: 5,
    month_day: 25,
    custom_dates: [],
    workdays_only: true,
    active_from: today,
    active_to: '',
    remind_hours: 2,
  }
}

export function scheduleOf(o: Obligation): ScheduleState {
  return {
    frequency: o.frequency,
    cutoff: o.cutoff,
    weekday: o.weekday || 5,
    month_day: o.month_day || 25,
    custom_dates: [...(o.custom_dates ?? [])],
    workdays_only: o.workdays_only,
    active_from: o.active_from,
    active_to: o.active_to ?? '',
    remind_hours: Math.round((o.remind_before_minutes / 60) * 100) / 100,
  }
}

const CUTOFF = /^([01]\d|2[0-3]):[0-5]\d$/

/** Client-side checks of the schedule, keyed like the server's fields. */
export function scheduleErrors(s: ScheduleState): Record<string, string> {
  const errs: Record<string, string> = {}
  if (!CUTOFF.test(s.cutoff)) errs.cutoff = t('reports.schedule.errCutoff')
  if (s.frequency === 'weekly' && !(s.weekday >= 1 && s.weekday <= 7)) errs.weekday = t('reports.schedule.errWeekday')
  if (s.frequency === 'monthly' && !(Number.isInteger(s.month_day) && s.month_day >= 1 && s.month_day <= 31))
    errs.month_day = t('reports.schedule.errMonthDay')
  if (s.frequency === 'custom' && s.custom_dates.length === 0) errs.custom_dates = t('reports.schedule.errCustomDates')
  if (s.active_to && s.active_from && s.active_to < s.active_from) errs.active_to = t('reports.schedule.errActiveTo')
  return errs
}

/**
 * The schedule part of an obligation payload: only the fields the frequency
 * uses, custom dates sorted and without repeats, the reminder in minutes,
 * an empty end date sent as "" (clears it).
 */
export function schedulePayload(s: ScheduleState): SchedulePayload {
  const p: SchedulePayload = {
    frequency: s.frequency,
    cutoff: s.cutoff,
    remind_before_minutes: Math.max(0, Math.round(s.remind_hours * 60)),
    active_to: s.active_to || '',
  }
  if (s.active_from) p.active_from = s.active_from
  switch (s.frequency) {
    case 'daily':
      p.workdays_only = s.workdays_only
      break
    case 'weekly':
      p.weekday = s.weekday
      break
    case 'monthly':
      p.month_day = s.month_day
      break
    case 'custom':
      p.custom_dates = [...new Set(s.custom_dates)].sort()
      break
  }
  return p
}

export function weekdayName(n: number): string {
  return t('reports.weekdays').split(',')[n - 1] ?? String(n)
}

/** The schedule in words, as the server's schedule_text says it. */
export function describeSchedule(s: ScheduleState): string {
  const cutoff = s.cutoff
  switch (s.frequency) {
    case 'daily':
      return s.workdays_only ? t('reports.schedule.previewDaily', { cutoff }) : t('reports.schedule.previewEveryDay', { cutoff })
    case 'weekly':
      return t('reports.schedule.previewWeekly', { day: weekdayName(s.weekday), cutoff })
    case 'monthly':
      return t('reports.schedule.previewMonthly', { day: s.month_day, cutoff })
    case 'custom':
      return t('reports.schedule.previewCustom', { n: new Set(s.custom_dates).size, cutoff })
  }
}

// ----- form designer -----

const KEY = /^[A-Za-z][A-Za-z0-9_]{0,39}$/

/** A new text field with a key not used yet (field1, field2 …). */
export function newField(existing: FormField[]): FormField {
  let n = existing.length + 1
  while (existing.some((f) => f.key === `field${n}`)) n++
  return { key: `field${n}`, label: '', type: 'text', required: false }
}

/** Moves the field at i by delta (−1 up, +1 down) in place. */
export function moveField(fields: FormField[], i: number, delta: number): void {
  const j = i + delta
  if (j < 0 || j >= fields.length) return
  const [f] = fields.splice(i, 1)
  fields.splice(j, 0, f!)
}

/** Checks a form definition, keyed `form[i].part` as the server does. */
export function formErrors(fields: FormField[]): Record<string, string> {
  const errs: Record<string, string> = {}
  const seen = new Set<string>()
  fields.forEach((f, i) => {
    if (!KEY.test(f.key)) errs[`form[${i}].key`] = t('reports.designer.errKey')
    else if (seen.has(f.key)) errs[`form[${i}].key`] = t('reports.designer.errKeyDup', { key: f.key })
    seen.add(f.key)
    if (!f.label.trim()) errs[`form[${i}].label`] = t('reports.designer.errLabel')
    if (f.type === 'choice' && !(f.options ?? []).some((o) => o.trim())) errs[`form[${i}].options`] = t('reports.designer.errOptions')
    if (f.type === 'number' && f.min != null && f.max != null && f.min > f.max) errs[`form[${i}].min`] = t('reports.designer.errMinMax')
  })
  return errs
}

/** A definition ready to send: parts that do not apply to the type dropped. */
export function cleanForm(fields: FormField[]): FormField[] {
  return fields.map((f) => {
    const out: FormField = { key: f.key.trim(), label: f.label.trim(), type: f.type, required: f.required }
    if (f.unit?.trim()) out.unit = f.unit.trim()
    if (f.help?.trim()) out.help = f.help.trim()
    if (f.type === 'number') {
      if (f.min != null) out.min = f.min
      if (f.max != null) out.max = f.max
    }
    if (f.type === 'choice') out.options = (f.options ?? []).map((o) => o.trim()).filter(Boolean)
    if (!f.required && f.required_if?.field) out.required_if = { field: f.required_if.field, equals: f.required_if.equals }
    return out
  })
}

export function when(iso: string | null | undefined): string {
  return iso ? formatDateTimeShort(iso) : ''
}
