// Pages and menu group of the shared registry (基础台账); modules.ts merges every module file.
import { Connection, Files, House, Iphone, Shop } from '@element-plus/icons-vue'
import type { MenuGroup, ModulePage } from '@/modules'
import type { RoleCode } from '@/api/types'

/** Who reads the enterprise registry (unit roles: their towns and the enterprises they supervise). */
export const ENTERPRISE_VIEWERS: RoleCode[] = ['admin', 'supervisor', 'leader', 'unit_admin', 'staff', 'field']
/** Who registers and edits enterprises (unit administrators in their scope). */
export const ENTERPRISE_MANAGERS: RoleCode[] = ['admin', 'supervisor', 'unit_admin']
/** Who reads the household roster (unit roles: their subtree; field staff: their village). */
export const HOUSEHOLD_VIEWERS: RoleCode[] = ['admin', 'supervisor', 'leader', 'unit_admin', 'staff', 'field']
/** Who registers, edits, deactivates and imports households (in scope; field staff in their village). */
export const HOUSEHOLD_MANAGERS: RoleCode[] = ['admin', 'supervisor', 'unit_admin', 'field']
/** Who maintains the industrial chains. */
export const CHAIN_MANAGERS: RoleCode[] = ['admin', 'supervisor']

export const groups: MenuGroup[] = [{ key: 'registry', titleKey: 'registry.nav.group', icon: Files, order: 70 }]

export const pages: ModulePage[] = [
  {
    name: 'registry-enterprises',
    path: 'registry/enterprises',
    titleKey: 'registry.nav.enterprises',
    icon: Shop,
    order: 1,
    group: 'registry',
    roles: ENTERPRISE_VIEWERS,
    component: () => import('@/views/registry/EnterprisesView.vue'),
  },
  {
    name: 'registry-households',
    path: 'registry/households',
    titleKey: 'registry.nav.households',
    icon: House,
    order: 1.5,
    group: 'registry',
    roles: HOUSEHOLD_VIEWERS,
    component: () => import('@/views/registry/HouseholdsView.vue'),
  },
  {
    // The phone page of village staff: one village's households as cards.
    name: 'registry-roster',
    path: 'registry/roster',
    titleKey: 'registry.nav.roster',
    icon: Iphone,
    order: 1.6,
    group: 'registry',
    roles: HOUSEHOLD_VIEWERS,
    component: () => import('@/views/registry/HouseholdsRosterView.vue'),
  },
  {
    name: 'registry-chains',
    path: 'registry/chains',
    titleKey: 'registry.nav.chains',
    icon: Connection,
    order: 2,
    group: 'registry',
    roles: CHAIN_MANAGERS,
    component: () => import('@/views/registry/ChainsView.vue'),
  },
]
