// Pages and menu group of the investment attraction module (招商引资); modules.ts merges every module file.
import { DataAnalysis, Filter, List, Setting, Tickets } from '@element-plus/icons-vue'
import type { MenuGroup, ModulePage } from '@/modules'
import type { RoleCode } from '@/api/types'

/** Everyone who follows investment work: the district, leaders, the teams (专班) and towns. */
export const INVEST_VIEWERS: RoleCode[] = ['admin', 'supervisor', 'leader', 'unit_admin', 'staff']
/** Lead owners: the office and the teams' unit admins (in their scope). */
export const LEAD_MANAGERS: RoleCode[] = ['admin', 'supervisor', 'unit_admin']
/** Targets and settings: the office. */
export const INVEST_OFFICE: RoleCode[] = ['admin', 'supervisor']

export const groups: MenuGroup[] = [{ key: 'invest', titleKey: 'invest.nav.group', icon: DataAnalysis, order: 30 }]

export const pages: ModulePage[] = [
  {
    name: 'invest-funnel',
    path: 'invest',
    titleKey: 'invest.nav.funnel',
    icon: Filter,
    order: 1,
    group: 'invest',
    roles: INVEST_VIEWERS,
    component: () => import('@/views/invest/FunnelView.vue'),
  },
  {
    name: 'invest-leads',
    path: 'invest/leads',
    titleKey: 'invest.nav.leads',
    icon: List,
    order: 2,
    group: 'invest',
    roles: INVEST_VIEWERS,
    component: () => import('@/views/invest/LeadsView.vue'),
  },
  {
    name: 'invest-lead',
    path: 'invest/leads/:id(\\d+)',
    titleKey: 'invest.nav.lead',
    icon: List,
    order: 2,
    group: 'invest',
    roles: INVEST_VIEWERS,
    hidden: true,
    component: () => import('@/views/invest/LeadDetailView.vue'),
  },
  {
    name: 'invest-targets',
    path: 'invest/targets',
    titleKey: 'invest.nav.targets',
    icon: Tickets,
    order: 3,
    group: 'invest',
    roles: INVEST_VIEWERS,
    component: () => import('@/views/invest/TargetsView.vue'),
  },
  {
    name: 'invest-settings',
    path: 'invest/settings',
    titleKey: 'invest.nav.settings',
    icon: Setting,
    order: 4,
    group: 'invest',
    roles: INVEST_OFFICE,
    component: () => import('@/views/invest/SettingsView.vue'),
  },
]
