// Towns and villages the fire pages pick from, out of the unit tree (which
// the server already limits to the user's scope).
import { computed } from 'vue'
import type { UnitTreeNode } from '@/api/types'
import { loadUnitTree, metaState } from '@/stores/meta'
import { flattenTree } from '@/utils/tree'

export interface Place {
  id: number
  name: string
  town_id?: number
}

/** Towns, and villages with their town, from a unit tree. */
export function placesOf(tree: UnitTreeNode[]): { towns: Place[]; villages: Place[] } {
  const towns: Place[] = []
  const villages: Place[] = []
  const walk = (nodes: UnitTreeNode[], town?: number) => {
    for (const n of nodes) {
      if (n.kind === 'town') towns.push({ id: n.id, name: n.name })
      if (n.kind === 'village') villages.push({ id: n.id, name: n.name, town_id: town })
      walk(n.children ?? [], n.kind === 'town' ? n.id : town)
    }
  }
  walk(tree)
  return { towns, villages }
}

export function usePlaces() {
  void loadUnitTree()
  const places = computed(() => placesOf(metaState.tree))
  return { places, all: computed(() => flattenTree(metaState.tree)) }
}
