// The villages (and their towns) of the user's scope, for the household
// pages' pickers: loaded once per session. A field user gets their own
// village only, so their pages pick it without asking.
import { computed, reactive } from 'vue'
import { unitsApi } from '@/api/units'
import { toastError } from '@/ui/feedback'

export interface VillageOption {
  id: number
  name: string
  town_id: number
  town_name: string
}

const state = reactive({ villages: [] as VillageOption[], loaded: false, loading: false })
let pending: Promise<void> | null = null

export function useVillages() {
  function load(force = false): Promise<void> {
    if (pending && !force) return pending
    state.loading = true
    pending = unitsApi
      .list({ kind: 'village', page_size: 500, sort: 'sort_order' })
      .then((res) => {
        state.villages = res.items.map((u) => ({ id: u.id, name: u.name, town_id: u.parent_id ?? 0, town_name: u.parent_name }))
        state.loaded = true
      })
      .catch((e) => {
        pending = null
        toastError(e)
      })
      .finally(() => {
        state.loading = false
      })
    return pending
  }
  void load()
  const towns = computed(() => {
    const seen = new Map<number, string>()
    for (const v of state.villages) if (!seen.has(v.town_id)) seen.set(v.town_id, v.town_name)
    return [...seen].map(([id, name]) => ({ id, name }))
  })
  /** The villages of a town (all with 0/null). */
  const villagesOf = (townId: number | null | undefined) => (townId ? state.villages.filter((v) => v.town_id === townId) : state.villages)
  /** Label "town · village" where village names repeat across towns. */
  const label = (v: VillageOption) => (state.villages.filter((o) => o.name === v.name).length > 1 ? `${v.town_name} · ${v.name}` : v.name)
  return { state, towns, villagesOf, label, reload: () => load(true) }
}

/** Tests only: forget the loaded villages. */
export function resetVillagesForTests(): void {
  state.villages = []
  state.loaded = false
  pending = null
}
