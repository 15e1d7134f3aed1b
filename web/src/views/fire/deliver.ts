// The delivery phone page's bookkeeping, apart from the page so it can be tested.
import type { OutboxItem } from '@/composables/useOutbox'
import type { Household } from '@/api/fire'

/** Households of a letter waiting in the outbox (saved, not yet sent). */
export function queuedHouseholds(items: OutboxItem[], deliveriesUrl: string): Set<number> {
  const ids = new Set<number>()
  for (const i of items) {
    const h = i.body?.household_id
    if (i.url === deliveriesUrl && typeof h === 'number') ids.add(h)
  }
  return ids
}

/** The list the worker walks: not signed on the server, not waiting here. */
export function toVisit(households: Household[], queued: Set<number>, done: Set<number>): Household[] {
  return households.filter((h) => !queued.has(h.id) && !done.has(h.id))
}

/** The count to show: signed on the server, plus saved here and sent since, plus waiting. */
export function reachedCount(serverReached: number, sentSince: number, waiting: number, households: number): number {
  return Math.min(households, serverReached + sentSince + waiting)
}
