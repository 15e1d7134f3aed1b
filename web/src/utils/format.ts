// Display helpers. Times are shown in Asia/Shanghai whatever the browser's zone.

const TZ = 'Asia/Shanghai'

const dateTimeFmt = new Intl.DateTimeFormat('en-CA', {
  timeZone: TZ,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
})

function parts(d: Date): Record<string, string> {
  const out: Record<string, string> = {}
  for (const p of dateTimeFmt.formatToParts(d)) out[p.type] = p.value
  return out
}

function toDate(v: string | number | Date | null | undefined): Date | null {
  if (v === null || v === undefined || v === '') return null
  const d = v instanceof Date ? v : new Date(v)
  return Number.isNaN(d.getTime()) ? null : d
}

/** `2026-11-27 16:00:00` in Beijing time, or '—'. */
export function formatDateTime(v: string | number | Date | null | undefined, empty = '—'): string {
  const d = toDate(v)
  if (!d) return empty
  const p = parts(d)
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`
}

/** `2026-11-27 16:00` in Beijing time, or '—'. */
export function formatDateTimeShort(v: string | number | Date | null | undefined, empty = '—'): string {
  const d = toDate(v)
  if (!d) return empty
  const p = parts(d)
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`
}

/** `2026-11-27` in Beijing time. */
export function formatDate(v: string | number | Date | null | undefined, empty = '—'): string {
  const d = toDate(v)
  if (!d) return empty
  const p = parts(d)
  return `${p.year}-${p.month}-${p.day}`
}

/** The hour (0–23) in Beijing time, for the greeting. */
export function shanghaiHour(d: Date = new Date()): number {
  return Number(parts(d).hour)
}

export function formatNumber(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—'
  return n.toLocaleString('zh-CN')
}

/** Pretty JSON for the audit diff; '' for null/undefined. */
export function prettyJson(v: unknown): string {
  if (v === null || v === undefined || v === '') return ''
  if (typeof v === 'string') {
    try {
      return JSON.stringify(JSON.parse(v), null, 2)
    } catch {
      return v
    }
  }
  return JSON.stringify(v, null, 2)
}
