// Pages and menu group of the key projects module (重点项目); modules.ts merges every module file.
import { DataAnalysis, EditPen, Files, Guide, List, PieChart, Tools } from '@element-plus/icons-vue'
import type { MenuGroup, ModulePage } from '@/modules'
import type { RoleCode } from '@/api/types'

/** Everyone who follows projects: district roles, and units for the projects in their scope. */
export const PROJECT_VIEWERS: RoleCode[] = ['admin', 'supervisor', 'leader', 'unit_admin', 'staff', 'field']
/** Create, edit, import (unit administrators within their scope). */
export const PROJECT_MANAGERS: RoleCode[] = ['admin', 'supervisor', 'unit_admin']
/** File the monthly report. */
export const PROJECT_REPORTERS: RoleCode[] = ['admin', 'supervisor', 'unit_admin', 'staff']

export const groups: MenuGroup[] = [{ key: 'projects', titleKey: 'projects.nav.group', icon: Guide, order: 20 }]

export const pages: ModulePage[] = [
  {
    name: 'projects',
    path: 'projects',
    titleKey: 'projects.nav.ledger',
    icon: List,
    order: 1,
    group: 'projects',
    roles: PROJECT_VIEWERS,
    component: () => import('@/views/projects/ProjectsView.vue'),
  },
  {
    name: 'project-board',
    path: 'projects/board',
    titleKey: 'projects.nav.board',
    icon: DataAnalysis,
    order: 2,
    group: 'projects',
    roles: PROJECT_VIEWERS,
    component: () => import('@/views/projects/BoardView.vue'),
  },
  {
    name: 'project-summary',
    path: 'projects/summary',
    titleKey: 'projects.nav.summary',
    icon: PieChart,
    order: 3,
    group: 'projects',
    roles: PROJECT_VIEWERS,
    component: () => import('@/views/projects/SummaryView.vue'),
  },
  {
    name: 'project-status',
    path: 'projects/report-status',
    titleKey: 'projects.nav.status',
    icon: Files,
    order: 4,
    group: 'projects',
    roles: PROJECT_VIEWERS,
    component: () => import('@/views/projects/ReportStatusView.vue'),
  },
  {
    name: 'project-settings',
    path: 'projects/settings',
    titleKey: 'projects.nav.settings',
    icon: Tools,
    order: 5,
    group: 'projects',
    roles: ['admin', 'supervisor'],
    component: () => import('@/views/projects/SettingsView.vue'),
  },
  {
    name: 'project',
    path: 'projects/:id(\\d+)',
    titleKey: 'projects.nav.detail',
    icon: List,
    order: 9,
    group: 'projects',
    roles: PROJECT_VIEWERS,
    hidden: true,
    component: () => import('@/views/projects/ProjectDetailView.vue'),
  },
  {
    name: 'project-report',
    path: 'projects/:id(\\d+)/report',
    titleKey: 'projects.nav.report',
    icon: EditPen,
    order: 10,
    group: 'projects',
    roles: PROJECT_REPORTERS,
    hidden: true,
    component: () => import('@/views/projects/ReportFormView.vue'),
  },
]
