// Ledger filters that arrive in the URL (?light=red&source_id=3: links from
// the home pages and the summaries). They are read once into the list's
// filters; "reset" also drops them from the URL, or the next reload would
// bring them back.
import { useRoute, useRouter } from 'vue-router'
import type { ListState } from '@/composables/useList'

export interface RouteFilterKeys<K extends string> {
  /** Ids and years: taken when they are numbers. */
  numeric?: readonly K[]
  /** Taken as they are. */
  text?: readonly K[]
  /** Taken when "true". */
  flags?: readonly K[]
}

export function useRouteFilters<K extends string>(list: Pick<ListState, 'filters' | 'reset'>, keys: RouteFilterKeys<K>) {
  const route = useRoute()
  const router = useRouter()

  /** Copies the URL's filters into the list's; call before the first load. */
  function applyRoute(): void {
    const q = route.query
    const f = list.filters as Record<string, unknown>
    for (const k of keys.numeric ?? []) {
      const n = Number(q[k])
      if (q[k] && Number.isFinite(n)) f[k] = n
    }
    for (const k of keys.text ?? []) if (typeof q[k] === 'string') f[k] = q[k]
    for (const k of keys.flags ?? []) if (q[k] === 'true') f[k] = true
  }

  function reset(): void {
    if (Object.keys(route.query).length) void router.replace({ query: {} })
    void list.reset()
  }

  return { route, router, applyRoute, reset }
}
