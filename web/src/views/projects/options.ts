// Pick lists the project pages share, loaded once per visit: towns, the
// industrial chains and the module's settings (categories, size bands).
import { reactive } from 'vue'
import { unitsApi } from '@/api/units'
import { chainsApi } from '@/api/registry'
import { projectsApi, type Pace, type Phase, type ProjectLight, type ProjectSettings } from '@/api/projects'
import { t } from '@/i18n'

interface Options {
  towns: { id: number; name: string }[]
  chains: { id: number; name: string }[]
  settings: ProjectSettings | null
}

export const pjOptions = reactive<Options>({ towns: [], chains: [], settings: null })
let pending: Promise<void> | null = null

export function loadProjectOptions(force = false): Promise<void> {
  if (pjOptions.settings && !force) return Promise.resolve()
  pending ??= Promise.all([
    unitsApi.list({ kind: 'town', active: true, page_size: 500 }),
    chainsApi.list().catch(() => ({ items: [], total: 0 })),
    projectsApi.settings(),
  ])
    .then(([towns, chains, settings]) => {
      pjOptions.towns = (towns.items ?? []).map((u) => ({ id: u.id, name: u.name }))
      pjOptions.chains = (chains.items ?? []).map((c) => ({ id: c.id, name: c.name }))
      pjOptions.settings = settings
    })
    .finally(() => (pending = null))
  return pending
}

export const LIGHT_COLORS: Record<ProjectLight, string> = { green: '#2f9e44', yellow: '#f08c00', red: '#e03131' }

export function paceType(p: Pace): 'success' | 'info' | 'danger' {
  return p === 'ahead' ? 'success' : p === 'behind' ? 'danger' : 'info'
}

/** Yuan → 万元 number for inputs. */
export function toWan(yuan: number | null | undefined): number | null {
  return yuan == null ? null : Math.round(yuan / 100) / 100
}

/** 万元 → yuan for the API. */
export function toYuan(wan: number | null | undefined): number {
  return Math.round((wan ?? 0) * 1e4)
}

/** "YYYY-MM" of a local date. */
export function monthOf(d: Date = new Date()): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`
}

export function phaseLabel(p: Phase): string {
  return t(`projects.phase.${p}`)
}

/** A label without its unit ("总投资（万元）" → "总投资") where amounts show as 万/亿. */
export function bare(label: string): string {
  return label.replace(/\s*[（(][^）)]*[）)]\s*$/, '')
}
