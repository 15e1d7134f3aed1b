// Pages and menu group of the work-safety module (安全生产); modules.ts merges every module file.
import { Camera, DataAnalysis, Flag, List, OfficeBuilding, Printer, Tools, Warning, WarnTriangleFilled } from '@element-plus/icons-vue'
import type { MenuGroup, ModulePage } from '@/modules'
import type { RoleCode } from '@/api/types'

/** Everyone who follows work safety within their scope. */
export const SAFETY_VIEWERS: RoleCode[] = ['admin', 'supervisor', 'leader', 'unit_admin', 'staff', 'field']
/** Inspect enterprises and file hazards (grid workers on a phone included). */
export const SAFETY_INSPECTORS: RoleCode[] = ['admin', 'supervisor', 'unit_admin', 'staff', 'field']
/** Campaigns, suspension orders: the offices and units, not the grid. */
export const SAFETY_OFFICES: RoleCode[] = ['admin', 'supervisor', 'leader', 'unit_admin', 'staff']

export const groups: MenuGroup[] = [{ key: 'safety', titleKey: 'safety.nav.group', icon: WarnTriangleFilled, order: 40 }]

const page = (p: Omit<ModulePage, 'group'>): ModulePage => ({ ...p, group: 'safety' })

export const pages: ModulePage[] = [
  page({
    name: 'safety',
    path: 'safety',
    titleKey: 'safety.nav.home',
    icon: DataAnalysis,
    order: 1,
    roles: SAFETY_VIEWERS,
    component: () => import('@/views/safety/SafetyHomeView.vue'),
  }),
  page({
    name: 'safety-inspect',
    path: 'safety/inspect',
    titleKey: 'safety.nav.inspect',
    icon: Camera,
    order: 2,
    roles: SAFETY_INSPECTORS,
    component: () => import('@/views/safety/InspectView.vue'),
  }),
  page({
    name: 'safety-hazards',
    path: 'safety/hazards',
    titleKey: 'safety.nav.hazards',
    icon: Warning,
    order: 3,
    roles: SAFETY_VIEWERS,
    component: () => import('@/views/safety/HazardsView.vue'),
  }),
  page({
    name: 'safety-campaigns',
    path: 'safety/campaigns',
    titleKey: 'safety.nav.campaigns',
    icon: Flag,
    order: 4,
    roles: SAFETY_OFFICES,
    component: () => import('@/views/safety/CampaignsView.vue'),
  }),
  page({
    name: 'safety-enterprises',
    path: 'safety/enterprises',
    titleKey: 'safety.nav.enterprises',
    icon: OfficeBuilding,
    order: 5,
    roles: SAFETY_VIEWERS,
    component: () => import('@/views/safety/EnterprisesView.vue'),
  }),
  page({
    name: 'safety-suspensions',
    path: 'safety/suspensions',
    titleKey: 'safety.nav.suspensions',
    icon: List,
    order: 6,
    roles: SAFETY_OFFICES,
    component: () => import('@/views/safety/SuspensionsView.vue'),
  }),
  page({
    name: 'safety-settings',
    path: 'safety/settings',
    titleKey: 'safety.nav.settings',
    icon: Tools,
    order: 7,
    roles: ['admin', 'supervisor'],
    component: () => import('@/views/safety/SettingsView.vue'),
  }),
  page({
    name: 'safety-hazard',
    path: 'safety/hazards/:id(\\d+)',
    titleKey: 'safety.nav.hazard',
    icon: Warning,
    order: 10,
    roles: SAFETY_VIEWERS,
    hidden: true,
    component: () => import('@/views/safety/HazardDetailView.vue'),
  }),
  page({
    name: 'safety-campaign',
    path: 'safety/campaigns/:id(\\d+)',
    titleKey: 'safety.nav.campaign',
    icon: Flag,
    order: 11,
    roles: SAFETY_OFFICES,
    hidden: true,
    component: () => import('@/views/safety/CampaignDetailView.vue'),
  }),
  page({
    name: 'safety-campaign-new',
    path: 'safety/campaigns/new',
    titleKey: 'safety.nav.campaignNew',
    icon: Flag,
    order: 12,
    roles: ['admin', 'supervisor'],
    hidden: true,
    component: () => import('@/views/safety/CampaignEditView.vue'),
  }),
  page({
    name: 'safety-campaign-edit',
    path: 'safety/campaigns/:id(\\d+)/edit',
    titleKey: 'safety.nav.campaignEdit',
    icon: Flag,
    order: 13,
    roles: ['admin', 'supervisor'],
    hidden: true,
    component: () => import('@/views/safety/CampaignEditView.vue'),
  }),
  page({
    name: 'safety-enterprise',
    path: 'safety/enterprises/:id(\\d+)',
    titleKey: 'safety.nav.enterprise',
    icon: OfficeBuilding,
    order: 14,
    roles: SAFETY_VIEWERS,
    hidden: true,
    component: () => import('@/views/safety/EnterpriseView.vue'),
  }),
  page({
    name: 'safety-enterprise-label',
    path: 'safety/enterprises/:id(\\d+)/label',
    titleKey: 'safety.nav.label',
    icon: Printer,
    order: 15,
    roles: SAFETY_VIEWERS,
    hidden: true,
    component: () => import('@/views/safety/QrLabelView.vue'),
  }),
]
