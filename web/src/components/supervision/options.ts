// Pick lists the supervision forms and filters share, loaded once per page
// visit: district leaders (users with the role leader) and task sources.
import { reactive } from 'vue'
import { usersApi } from '@/api/users'
import { sourcesApi, type Source } from '@/api/tasks'

interface Options {
  leaders: { id: number; name: string; position: string }[]
  leadersLoaded: boolean
  sources: Source[]
  sourcesLoaded: boolean
}

export const svOptions = reactive<Options>({ leaders: [], leadersLoaded: false, sources: [], sourcesLoaded: false })

let leadersPending: Promise<void> | null = null
let sourcesPending: Promise<void> | null = null

export function loadLeaders(force = false): Promise<void> {
  if (svOptions.leadersLoaded && !force) return Promise.resolve()
  leadersPending ??= usersApi
    .list({ role: 'leader', active: true, page_size: 200 })
    .then((r) => {
      svOptions.leaders = (r.items ?? []).map((u) => ({ id: u.id, name: u.real_name || u.username, position: u.position }))
      svOptions.leadersLoaded = true
    })
    .finally(() => (leadersPending = null))
  return leadersPending
}

export function loadSources(force = false): Promise<void> {
  if (svOptions.sourcesLoaded && !force) return Promise.resolve()
  sourcesPending ??= sourcesApi
    .list({ page_size: 500 })
    .then((r) => {
      svOptions.sources = r.items ?? []
      svOptions.sourcesLoaded = true
    })
    .finally(() => (sourcesPending = null))
  return sourcesPending
}
