// Shared reference data: role and unit-kind names, and the unit tree of the
// user's scope used by every unit picker.
import { reactive } from 'vue'
import { metaApi } from '@/api/session'
import { unitsApi } from '@/api/units'
import type { Meta, UnitTreeNode } from '@/api/types'
import { locale, td } from '@/i18n'

interface MetaState {
  meta: Meta | null
  tree: UnitTreeNode[]
  treeLoaded: boolean
  treeLoading: boolean
}

export const metaState = reactive<MetaState>({ meta: null, tree: [], treeLoaded: false, treeLoading: false })

let metaPending: Promise<Meta> | null = null
let treePending: Promise<UnitTreeNode[]> | null = null

export function loadMeta(): Promise<Meta> {
  if (metaState.meta) return Promise.resolve(metaState.meta)
  metaPending ??= metaApi
    .meta()
    .then((m) => (metaState.meta = m))
    .finally(() => (metaPending = null))
  return metaPending
}

/** Loads the unit tree once; `force` after a unit was created, moved or deleted. */
export function loadUnitTree(force = false): Promise<UnitTreeNode[]> {
  if (metaState.treeLoaded && !force) return Promise.resolve(metaState.tree)
  if (!treePending) {
    metaState.treeLoading = true
    treePending = unitsApi
      .tree()
      .then((r) => {
        metaState.tree = r.items ?? []
        metaState.treeLoaded = true
        return metaState.tree
      })
      .finally(() => {
        treePending = null
        metaState.treeLoading = false
      })
  }
  return treePending
}

export function resetMeta(): void {
  metaState.tree = []
  metaState.treeLoaded = false
  metaState.meta = null
}

function metaName(list: { code: string; name: string; name_en?: string }[] | undefined, code: string): string {
  const hit = list?.find((x) => x.code === code)
  if (!hit) return code
  return locale.value === 'en' && hit.name_en ? hit.name_en : hit.name
}

/** Role name in the current language (catalog first, then the server's name). */
export function roleName(code: string): string {
  return td(`role.${code}`, metaName(metaState.meta?.roles, code))
}

export function kindName(code: string): string {
  return td(`kind.${code}`, metaName(metaState.meta?.unit_kinds, code))
}
