// The checklist being walked is kept on the phone as it is filled in, so a
// page the phone reloads (low memory after the camera, a dropped session) does
// not lose the answers. Photos are not kept here (too big for localStorage);
// once submitted, the outbox keeps everything, photos included.
import type { AnswerHazard, AnswerResult } from '@/api/safety'
import type { ItemState } from './logic'

export interface Draft {
  itemIds: number[]
  items: { result: AnswerResult | ''; note: string; hazard: AnswerHazard }[]
  inspectedOn: string
  inspectors: string
  note: string
  savedAt: number
}

const PREFIX = 'diaodu.safety.draft.'
const MAX_AGE = 7 * 86400_000

export const draftKey = (campaignId: number | null, enterpriseId: number) => `${PREFIX}${campaignId ?? 0}.${enterpriseId}`

export function toDraft(itemIds: number[], states: ItemState[], form: { inspectedOn: string; inspectors: string; note: string }, now = Date.now()): Draft {
  return {
    itemIds,
    items: states.map((s) => ({ result: s.result, note: s.note, hazard: { ...s.hazard } })),
    inspectedOn: form.inspectedOn,
    inspectors: form.inspectors,
    note: form.note,
    savedAt: now,
  }
}

/** The states of a stored draft, or null when there is none, it is old, or the checklist changed. */
export function fromDraft(raw: string | null, itemIds: number[], now = Date.now()): { states: ItemState[]; draft: Draft } | null {
  if (!raw) return null
  let d: Draft
  try {
    d = JSON.parse(raw) as Draft
  } catch {
    return null
  }
  if (!d || !Array.isArray(d.items) || now - d.savedAt > MAX_AGE || d.itemIds?.join(',') !== itemIds.join(',')) return null
  if (!d.items.some((i) => i.result || i.note)) return null
  return { states: d.items.map((i) => ({ result: i.result, note: i.note, photos: [], hazard: { ...i.hazard } })), draft: d }
}

export function saveDraft(key: string, d: Draft): void {
  try {
    localStorage.setItem(key, JSON.stringify(d))
  } catch {
    // storage full or disabled: the page still works, only without the safety net
  }
}

export function loadDraft(key: string): string | null {
  try {
    return localStorage.getItem(key)
  } catch {
    return null
  }
}

export function dropDraft(key: string): void {
  try {
    localStorage.removeItem(key)
  } catch {
    // nothing kept anyway
  }
}
