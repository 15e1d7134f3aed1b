// Pages of the fire module's field side (broadcasts, patrols, posts, fire
// reports, checks, the fire home); they sit in the menu group `fire` that
// modules/fire.ts declares. modules.ts merges every module file.
import { Checked, DataBoard, Flag, Iphone, MapLocation, Microphone, Van, WarningFilled } from '@element-plus/icons-vue'
import type { MenuGroup, ModulePage } from '@/modules'
import type { RoleCode } from '@/api/types'

/** fire.view */
export const FIRE_VIEWERS: RoleCode[] = ['admin', 'supervisor', 'leader', 'unit_admin', 'staff', 'field']
/** fire.field: village staff record broadcasts and patrols. */
export const FIRE_FIELD: RoleCode[] = ['admin', 'supervisor', 'unit_admin', 'staff', 'field']
/** fire.manage: squads, posts, key villages, fire reports, checks. */
export const FIRE_MANAGERS: RoleCode[] = ['admin', 'supervisor', 'unit_admin']

export const groups: MenuGroup[] = []

const page = (p: Omit<ModulePage, 'group'>): ModulePage => ({ group: 'fire', ...p })

export const pages: ModulePage[] = [
  page({ name: 'fire-home', path: 'fire', titleKey: 'patrol.nav.home', icon: DataBoard, order: 0, roles: FIRE_VIEWERS,
    component: () => import('@/views/fire/patrol/FireHomeView.vue') }),
  page({ name: 'fire-patrols', path: 'fire/patrols', titleKey: 'patrol.nav.patrols', icon: MapLocation, order: 20, roles: FIRE_VIEWERS,
    component: () => import('@/views/fire/patrol/PatrolsView.vue') }),
  page({ name: 'fire-patrol', path: 'fire/patrols/:id', titleKey: 'patrol.nav.patrolDetail', icon: MapLocation, order: 21, roles: FIRE_VIEWERS,
    hidden: true, component: () => import('@/views/fire/patrol/PatrolDetailView.vue') }),
  page({ name: 'fire-posts', path: 'fire/posts', titleKey: 'patrol.nav.posts', icon: Flag, order: 22, roles: FIRE_VIEWERS,
    component: () => import('@/views/fire/patrol/PostsView.vue') }),
  page({ name: 'fire-squads', path: 'fire/squads', titleKey: 'patrol.nav.squads', icon: Van, order: 23, roles: FIRE_VIEWERS,
    component: () => import('@/views/fire/patrol/SquadsView.vue') }),
  page({ name: 'fire-broadcasts', path: 'fire/broadcasts', titleKey: 'patrol.nav.broadcasts', icon: Microphone, order: 24, roles: FIRE_VIEWERS,
    component: () => import('@/views/fire/patrol/BroadcastsView.vue') }),
  page({ name: 'fire-reports', path: 'fire/reports', titleKey: 'patrol.nav.reports', icon: WarningFilled, order: 25, roles: FIRE_VIEWERS,
    component: () => import('@/views/fire/patrol/ReportsView.vue') }),
  page({ name: 'fire-checks', path: 'fire/checks', titleKey: 'patrol.nav.checks', icon: Checked, order: 26, roles: FIRE_VIEWERS,
    component: () => import('@/views/fire/patrol/ChecksView.vue') }),
  page({ name: 'fire-patrol-phone', path: 'fire/patrol', titleKey: 'patrol.nav.phonePatrol', icon: Iphone, order: 30, roles: FIRE_FIELD,
    component: () => import('@/views/fire/patrol/PatrolPhoneView.vue') }),
  page({ name: 'fire-broadcast-phone', path: 'fire/broadcast', titleKey: 'patrol.nav.phoneBroadcast', icon: Iphone, order: 31, roles: FIRE_FIELD,
    component: () => import('@/views/fire/patrol/BroadcastPhoneView.vue') }),
]
