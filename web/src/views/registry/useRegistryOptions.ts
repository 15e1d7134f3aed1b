// Option lists the registry pages share: towns, industries, risk levels.
import { reactive } from 'vue'
import { registryApi, type Industry } from '@/api/registry'
import { unitsApi } from '@/api/units'
import { toastError } from '@/ui/feedback'

interface Option {
  id: number
  name: string
}

const state = reactive({ towns: [] as Option[], industries: [] as Industry[], loaded: false, loading: false })

/** Loads the towns of the user's scope and the industry list once per session. */
export function useRegistryOptions() {
  async function load(force = false): Promise<void> {
    if ((state.loaded || state.loading) && !force) return
    state.loading = true
    try {
      const [towns, inds] = await Promise.all([
        unitsApi.list({ kind: 'town', page_size: 500, sort: 'sort_order' }),
        registryApi.industries(),
      ])
      state.towns = towns.items.map((u) => ({ id: u.id, name: u.name }))
      state.industries = inds.items
      state.loaded = true
    } catch (e) {
      toastError(e)
    } finally {
      state.loading = false
    }
  }
  void load()
  return { options: state, reload: () => load(true) }
}
