// The registry of modules: each page of the signed-in console is declared here
// once, and both the routes and the side menu are built from it. A later module
// (督查督办, 重点项目, 招商引资 …) adds its group and pages to these two lists.
import type { Component } from 'vue'
import type { RouteComponent, RouteRecordRaw } from 'vue-router'
import { House, Key, OfficeBuilding, Setting, Tickets, User, Collection, School } from '@element-plus/icons-vue'
import type { RoleCode } from '@/api/types'
import type { MessageKey } from '@/i18n'
import * as supervision from '@/modules/supervision'
import * as reports from '@/modules/reports'
import * as notify from '@/modules/notify'
import * as calendar from '@/modules/calendar'
import * as invest from '@/modules/invest'
import * as tours from '@/modules/tours'
import * as projects from '@/modules/projects'
import * as registry from '@/modules/registry'
import * as safety from '@/modules/safety'
import * as fire from '@/modules/fire'
import * as patrol from '@/modules/patrol'

export interface MenuGroup {
  key: string
  titleKey: MessageKey
  icon: Component
  order: number
}

export interface ModulePage {
  /** Route name; the menu item gets `data-test="menu-<name>"`. */
  name: string
  path: string
  titleKey: MessageKey
  icon: Component
  order: number
  /** Key of the MenuGroup it sits in; top level when absent. */
  group?: string
  /** Roles that see the page; everyone signed in when absent. */
  roles?: RoleCode[]
  /** Hide from the menu (detail pages reached from a list). */
  hidden?: boolean
  component: () => Promise<RouteComponent>
}

/** Units and users: visible to these roles (writes only for admin and unit_admin). */
const ORG_READERS: RoleCode[] = ['admin', 'supervisor', 'leader', 'unit_admin']

/** Each business module declares its pages in modules/<module>.ts. */
const moduleFiles = [supervision, reports, notify, calendar, tours, registry, projects, invest, safety, fire, patrol]

export const menuGroups: MenuGroup[] = [
  { key: 'org', titleKey: 'nav.org', icon: OfficeBuilding, order: 80 },
  { key: 'system', titleKey: 'nav.system', icon: Setting, order: 90 },
  ...moduleFiles.flatMap((m) => m.groups),
]

export const modulePages: ModulePage[] = [
  { name: 'home', path: '', titleKey: 'nav.home', icon: House, order: 0, component: () => import('@/views/HomeView.vue') },
  {
    name: 'units',
    path: 'org/units',
    titleKey: 'nav.units',
    icon: School,
    order: 1,
    group: 'org',
    roles: ORG_READERS,
    component: () => import('@/views/units/UnitsView.vue'),
  },
  {
    name: 'groups',
    path: 'org/groups',
    titleKey: 'nav.groups',
    icon: Collection,
    order: 2,
    group: 'org',
    roles: ORG_READERS,
    component: () => import('@/views/groups/GroupsView.vue'),
  },
  {
    name: 'users',
    path: 'users',
    titleKey: 'nav.users',
    icon: User,
    order: 85,
    roles: ORG_READERS,
    component: () => import('@/views/users/UsersView.vue'),
  },
  {
    name: 'tokens',
    path: 'system/tokens',
    titleKey: 'nav.tokens',
    icon: Key,
    order: 1,
    group: 'system',
    roles: ['admin'],
    component: () => import('@/views/tokens/TokensView.vue'),
  },
  {
    name: 'audit',
    path: 'system/audit',
    titleKey: 'nav.audit',
    icon: Tickets,
    order: 2,
    group: 'system',
    roles: ['admin', 'supervisor', 'unit_admin'],
    component: () => import('@/views/audit/AuditView.vue'),
  },
  ...moduleFiles.flatMap((m) => m.pages),
]

export function canSee(page: { roles?: RoleCode[] }, roles: readonly string[]): boolean {
  return !page.roles || page.roles.some((r) => roles.includes(r))
}

/** Child routes of the console layout. */
export function moduleRoutes(): RouteRecordRaw[] {
  return modulePages.map((p) => {
    const group = p.group ? menuGroups.find((g) => g.key === p.group) : undefined
    return {
      path: p.path,
      name: p.name,
      component: p.component,
      meta: { titleKey: p.titleKey, roles: p.roles, groupTitleKey: group?.titleKey },
    }
  })
}

export interface MenuItem {
  kind: 'item'
  name: string
  path: string
  titleKey: MessageKey
  icon: Component
  order: number
}

export interface MenuSection {
  kind: 'group'
  key: string
  titleKey: MessageKey
  icon: Component
  order: number
  children: MenuItem[]
}

export type MenuEntry = MenuItem | MenuSection

/** The side menu for a user's roles; groups with nothing visible are left out. */
export function menuFor(roles: readonly string[]): MenuEntry[] {
  const item = (p: ModulePage): MenuItem => ({
    kind: 'item',
    name: p.name,
    path: `/${p.path}`,
    titleKey: p.titleKey,
    icon: p.icon,
    order: p.order,
  })
  const visible = modulePages.filter((p) => !p.hidden && canSee(p, roles))
  const top: MenuEntry[] = visible.filter((p) => !p.group).map(item)
  for (const g of menuGroups) {
    const children = visible
      .filter((p) => p.group === g.key)
      .sort((a, b) => a.order - b.order)
      .map(item)
    if (children.length) top.push({ kind: 'group', key: g.key, titleKey: g.titleKey, icon: g.icon, order: g.order, children })
  }
  return top.sort((a, b) => a.order - b.order)
}
