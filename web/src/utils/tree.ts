import type { UnitTreeNode } from '@/api/types'

/** Ids of a node and all its descendants. */
export function subtreeIds(nodes: UnitTreeNode[], id: number): Set<number> {
  const out = new Set<number>()
  const collect = (n: UnitTreeNode) => {
    out.add(n.id)
    n.children?.forEach(collect)
  }
  const find = (list: UnitTreeNode[]): boolean => {
    for (const n of list) {
      if (n.id === id) {
        collect(n)
        return true
      }
      if (n.children && find(n.children)) return true
    }
    return false
  }
  find(nodes)
  return out
}

export function findNode(nodes: UnitTreeNode[], id: number): UnitTreeNode | null {
  for (const n of nodes) {
    if (n.id === id) return n
    const hit = n.children ? findNode(n.children, id) : null
    if (hit) return hit
  }
  return null
}

export function flattenTree(nodes: UnitTreeNode[]): UnitTreeNode[] {
  const out: UnitTreeNode[] = []
  const walk = (list: UnitTreeNode[]) => {
    for (const n of list) {
      out.push(n)
      if (n.children) walk(n.children)
    }
  }
  walk(nodes)
  return out
}
