// Pages and menu group of the supervision module (督查督办); modules.ts merges every module file.
import { Briefcase, DataBoard, Flag, Histogram, List, Notebook, Tools } from '@element-plus/icons-vue'
import type { MenuGroup, ModulePage } from '@/modules'
import type { RoleCode } from '@/api/types'

/** Everyone who works on tasks: the office, leaders and the units down to the villages. */
export const TASK_VIEWERS: RoleCode[] = ['admin', 'supervisor', 'leader', 'unit_admin', 'staff', 'field']
/** The supervision office: creates tasks and sources, closes, sets thresholds. */
export const TASK_MANAGERS: RoleCode[] = ['admin', 'supervisor']

export const groups: MenuGroup[] = [{ key: 'supervision', titleKey: 'supervision.nav.group', icon: Flag, order: 10 }]

export const pages: ModulePage[] = [
  {
    name: 'supervision',
    path: 'supervision',
    titleKey: 'supervision.nav.home',
    icon: DataBoard,
    order: 1,
    group: 'supervision',
    roles: TASK_VIEWERS,
    component: () => import('@/views/supervision/SupervisionHomeView.vue'),
  },
  {
    name: 'supervision-my-work',
    path: 'supervision/my-work',
    titleKey: 'supervision.nav.myWork',
    icon: Briefcase,
    order: 2,
    group: 'supervision',
    roles: TASK_VIEWERS,
    component: () => import('@/views/supervision/MyWorkView.vue'),
  },
  {
    name: 'supervision-tasks',
    path: 'supervision/tasks',
    titleKey: 'supervision.nav.tasks',
    icon: List,
    order: 3,
    group: 'supervision',
    roles: TASK_VIEWERS,
    component: () => import('@/views/supervision/TasksView.vue'),
  },
  {
    name: 'supervision-task',
    path: 'supervision/tasks/:id(\\d+)',
    titleKey: 'supervision.nav.task',
    icon: List,
    order: 3,
    group: 'supervision',
    roles: TASK_VIEWERS,
    hidden: true,
    component: () => import('@/views/supervision/TaskDetailView.vue'),
  },
  {
    name: 'supervision-gantt',
    path: 'supervision/gantt',
    titleKey: 'supervision.nav.gantt',
    icon: Histogram,
    order: 4,
    group: 'supervision',
    roles: TASK_VIEWERS,
    component: () => import('@/views/supervision/GanttView.vue'),
  },
  {
    name: 'supervision-sources',
    path: 'supervision/sources',
    titleKey: 'supervision.nav.sources',
    icon: Notebook,
    order: 5,
    group: 'supervision',
    roles: ['admin', 'supervisor', 'leader'],
    component: () => import('@/views/supervision/SourcesView.vue'),
  },
  {
    name: 'supervision-settings',
    path: 'supervision/settings',
    titleKey: 'supervision.nav.settings',
    icon: Tools,
    order: 6,
    group: 'supervision',
    roles: TASK_MANAGERS,
    component: () => import('@/views/supervision/SettingsView.vue'),
  },
]
