// Option lists the safety pages share (towns, industries, supervising
// departments, campaigns), loaded once per session.
import { reactive } from 'vue'
import { registryApi, type Industry } from '@/api/registry'
import { safetyApi, type Campaign } from '@/api/safety'
import { unitsApi } from '@/api/units'
import { toastError } from '@/ui/feedback'

interface Option {
  id: number
  name: string
}

export const sfOptions = reactive({
  towns: [] as Option[],
  departments: [] as Option[],
  industries: [] as Industry[],
  campaigns: [] as Campaign[],
  loaded: false,
})

let pending: Promise<void> | null = null

export function loadSafetyOptions(force = false): Promise<void> {
  if (sfOptions.loaded && !force) return Promise.resolve()
  pending ??= (async () => {
    try {
      const [towns, deps, inds, camps] = await Promise.all([
        unitsApi.list({ kind: 'town', page_size: 500, sort: 'sort_order' }),
        unitsApi.list({ kind: 'department', page_size: 500, sort: 'sort_order' }),
        registryApi.industries(),
        safetyApi.campaigns({ page_size: 100 }),
      ])
      sfOptions.towns = towns.items.map((u) => ({ id: u.id, name: u.name }))
      sfOptions.departments = deps.items.map((u) => ({ id: u.id, name: u.name }))
      sfOptions.industries = inds.items
      sfOptions.campaigns = camps.items ?? []
      sfOptions.loaded = true
    } catch (e) {
      toastError(e)
    } finally {
      pending = null
    }
  })()
  return pending
}

export function industryName(code: string): string {
  return sfOptions.industries.find((i) => i.code === code)?.name ?? code
}
