// Pure rules of the safety pages (no Vue, no HTTP), so Vitest can pin them:
// checklist progress on the phone, what a hazard's status offers, the
// inspection body the outbox sends, and chart-friendly figures.
import type {
  Answer,
  AnswerHazard,
  AnswerResult,
  Checklist,
  ChecklistItem,
  GroupStat,
  HazardAction,
  HazardLevel,
  HazardStatus,
  InspectionInput,
  PlanInput,
} from '@/api/safety'

/** The seven parts of a 重大 hazard's rectification plan, in the order of the regulation. */
export const PLAN_PARTS: (keyof PlanInput)[] = ['goals', 'measures', 'resources', 'people', 'time_limits', 'safety_steps', 'emergency']

/** The phone's state of one checklist item while it is walked. */
export interface ItemState {
  result: AnswerResult | ''
  note: string
  /** Photos taken for the item (kept as blobs until the outbox uploads them). */
  photos: Blob[]
  hazard: AnswerHazard
}

export function emptyHazard(deadline: string | null): AnswerHazard {
  return { description: '', level: 'general', deadline, measures: '', responsible_person: '', funds: 0 }
}

export function emptyItem(deadline: string | null): ItemState {
  return { result: '', note: '', photos: [], hazard: emptyHazard(deadline) }
}

export interface ChecklistProgress {
  total: number
  answered: number
  passed: number
  failed: number
  na: number
  /** 0..100, rounded down so 100 means every item answered. */
  percent: number
  done: boolean
}

export function checklistProgress(states: ItemState[]): ChecklistProgress {
  const count = (r: AnswerResult) => states.filter((s) => s.result === r).length
  const passed = count('pass')
  const failed = count('fail')
  const na = count('na')
  const answered = passed + failed + na
  const total = states.length
  return {
    total,
    answered,
    passed,
    failed,
    na,
    percent: total ? Math.floor((answered * 100) / total) : 0,
    done: total > 0 && answered === total,
  }
}

/**
 * Problems of a failed item's hazard before it is queued (the server checks
 * again and its messages are the ones that count): description (the item's
 * text and note are used when empty, so only a missing deadline or a deadline
 * before today stop it). Keys are the hazard's JSON names.
 */
export function hazardProblems(h: AnswerHazard, today: string): Record<string, 'deadlineRequired' | 'deadlinePast' | 'levelRequired'> {
  const out: Record<string, 'deadlineRequired' | 'deadlinePast' | 'levelRequired'> = {}
  if (!h.deadline) out.deadline = 'deadlineRequired'
  else if (h.deadline < today) out.deadline = 'deadlinePast'
  if (h.level !== 'general' && h.level !== 'major') out.level = 'levelRequired'
  return out
}

/** Index of the first item not answered, or of the first failed item whose hazard has a problem; -1 when ready. */
export function firstBlocking(states: ItemState[], today: string): number {
  return states.findIndex((s) => s.result === '' || (s.result === 'fail' && Object.keys(hazardProblems(s.hazard, today)).length > 0))
}

export interface InspectionDraft {
  campaignId: number | null
  enterpriseId: number
  inspectedOn: string
  inspectors: string
  note: string
  items: ChecklistItem[]
  states: ItemState[]
  /** Photos of the inspection as a whole. */
  photos: Blob[]
}

export interface OutboxFileSpec {
  field: string
  uploadUrl: string
  name: string
  blob: Blob
}

/**
 * The JSON body and the files of an inspection for the outbox. The outbox
 * uploads the files in order and appends their ids to `photo_ids`; the
 * parallel `photo_item_ids` says which failed item each photo belongs to
 * (0: the inspection), so a failed item's photos become its hazard's photos.
 */
export function buildInspection(d: InspectionDraft, uploadUrl: string): { body: InspectionInput; files: OutboxFileSpec[] } {
  const files: OutboxFileSpec[] = []
  const photoItemIds: number[] = []
  const add = (blob: Blob, itemId: number) => {
    const n = files.length + 1
    const ext = blob.type === 'image/png' ? 'png' : blob.type === 'image/webp' ? 'webp' : 'jpg'
    files.push({ field: 'photo_ids', uploadUrl, name: (blob as File).name || `photo-${n}.${ext}`, blob })
    photoItemIds.push(itemId)
  }
  d.photos.forEach((p) => add(p, 0))
  const answers: Answer[] = d.items.map((item, i) => {
    const s = d.states[i]
    // Only a failed item's photos go with its hazard; the others are the inspection's.
    s.photos.forEach((p) => add(p, s.result === 'fail' ? item.id : 0))
    const a: Answer = { item_id: item.id, result: (s.result || 'na') as AnswerResult, note: s.note.trim() }
    if (s.result === 'fail') {
      a.hazard = {
        ...s.hazard,
        description: s.hazard.description.trim() || [item.text, s.note.trim()].filter(Boolean).join('：'),
        measures: s.hazard.measures.trim(),
        responsible_person: s.hazard.responsible_person.trim(),
      }
    }
    return a
  })
  const body: InspectionInput = {
    enterprise_id: d.enterpriseId,
    inspected_on: d.inspectedOn,
    inspectors: d.inspectors.trim(),
    note: d.note.trim(),
    answers,
    photo_item_ids: photoItemIds,
  }
  if (d.campaignId) body.campaign_id = d.campaignId
  return { body, files }
}

/** A workflow button of the hazard page. */
export interface ActionButton {
  action: HazardAction
  primary: boolean
  danger: boolean
}

/**
 * The workflow steps the hazard page offers, in the order a user reads them:
 * only what the status allows and the server says this user may do (`can`).
 * A 重大 hazard without a plan is offered the plan before the start.
 */
export function hazardActions(status: HazardStatus, level: HazardLevel, hasPlan: boolean, can: readonly HazardAction[]): ActionButton[] {
  const byStatus: Record<HazardStatus, HazardAction[]> = {
    pending: ['plan', 'start', 'edit', 'extend', 'supervise', 'suspend'],
    rectifying: ['submit', 'plan', 'extend', 'supervise', 'suspend'],
    verifying: ['verify', 'supervise', 'suspend'],
    closed: [],
  }
  const allowed = new Set(can)
  const list = byStatus[status].filter((a) => allowed.has(a) && (a !== 'plan' || level === 'major') && (a !== 'supervise' || level === 'major'))
  const needsPlan = level === 'major' && !hasPlan
  const primary: HazardAction | undefined =
    status === 'pending' ? (needsPlan && list.includes('plan') ? 'plan' : 'start') : status === 'rectifying' ? 'submit' : status === 'verifying' ? 'verify' : undefined
  return list.map((action) => ({ action, primary: action === primary, danger: action === 'suspend' }))
}

/** Element Plus tag type of a status. */
export function statusTone(status: HazardStatus): 'danger' | 'warning' | 'primary' | 'success' | 'info' {
  return ({ pending: 'danger', rectifying: 'warning', verifying: 'primary', closed: 'success' } as const)[status] ?? 'info'
}

/** 0.8134 → "81.3%". */
export function pct(rate: number): string {
  return `${Math.round((rate || 0) * 1000) / 10}%`
}

/** Rows with the key-period industries first (keeping the server's order otherwise). */
export function keyFirst(rows: GroupStat[]): GroupStat[] {
  return [...rows].sort((a, b) => Number(!!b.key_industry) - Number(!!a.key_industry))
}

/** The phone inspection page of an enterprise, as the QR label encodes it. */
export function inspectUrl(origin: string, enterpriseId: number): string {
  return `${origin.replace(/\/$/, '')}/safety/inspect?enterprise=${enterpriseId}`
}

/** YYYY-MM-DD of a day `days` after `day` (calendar days). */
export function addDays(day: string, days: number): string {
  const d = new Date(`${day}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + days)
  return d.toISOString().slice(0, 10)
}

/**
 * The checklists a campaign form shows for its industries: the common items
 * ("" industry) first, then one per chosen industry (all industries when none
 * is chosen: those already there). Items already typed are kept; a
 * template fills a list that is still empty.
 */
export function syncChecklists(
  current: Checklist[],
  industries: { code: string; name: string }[],
  templates: Checklist[] = [],
): Checklist[] {
  const find = (list: Checklist[], code: string) => list.find((c) => c.industry === code)
  const want = [{ code: '', name: '' }, ...industries]
  return want.map(({ code, name }) => {
    const have = find(current, code)
    if (have && have.items.length) return { ...have, industry_name: have.industry_name || name }
    const tpl = find(templates, code)
    return { industry: code, industry_name: name || tpl?.industry_name || '', items: (tpl?.items ?? []).map((i) => ({ text: i.text, basis: i.basis })) }
  })
}

/** Checklists as the server takes them: blank items and empty lists left out. */
export function cleanChecklists(lists: Checklist[]): Checklist[] {
  return lists
    .map((c) => ({ ...c, items: c.items.map((i) => ({ text: i.text.trim(), basis: i.basis.trim() })).filter((i) => i.text) }))
    .filter((c) => c.items.length > 0)
}
