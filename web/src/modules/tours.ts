// Pages and menu group of the observation tours (项目观摩); modules.ts merges every module file.
import { Finished, Trophy, Van } from '@element-plus/icons-vue'
import type { MenuGroup, ModulePage } from '@/modules'
import type { RoleCode } from '@/api/types'

/** Who opens the tours list: the office manages, judges score, district and unit roles read published results. */
export const TOUR_READERS: RoleCode[] = ['admin', 'supervisor', 'leader', 'unit_admin', 'staff', 'judge']
export const TOUR_MANAGERS: RoleCode[] = ['admin', 'supervisor']

export const groups: MenuGroup[] = [{ key: 'tours', titleKey: 'tours.nav.group', icon: Van, order: 22 }]

export const pages: ModulePage[] = [
  {
    name: 'tours',
    path: 'tours',
    titleKey: 'tours.nav.list',
    icon: Van,
    order: 1,
    group: 'tours',
    roles: TOUR_READERS,
    component: () => import('@/views/projects/tours/ToursView.vue'),
  },
  {
    name: 'tour-new',
    path: 'tours/new',
    titleKey: 'tours.editor.newTitle',
    icon: Van,
    order: 2,
    group: 'tours',
    roles: TOUR_MANAGERS,
    hidden: true,
    component: () => import('@/views/projects/tours/TourEditorView.vue'),
  },
  {
    name: 'tour',
    path: 'tours/:id(\\d+)',
    titleKey: 'tours.nav.editor',
    icon: Van,
    order: 3,
    group: 'tours',
    roles: TOUR_MANAGERS,
    hidden: true,
    component: () => import('@/views/projects/tours/TourEditorView.vue'),
  },
  {
    name: 'tour-judge',
    path: 'tours/:id(\\d+)/judge',
    titleKey: 'tours.nav.judge',
    icon: Finished,
    order: 4,
    group: 'tours',
    roles: ['judge'],
    hidden: true,
    component: () => import('@/views/projects/tours/JudgeTourView.vue'),
  },
  {
    name: 'tour-sheet',
    path: 'tours/:id(\\d+)/judge/:pid(\\d+)',
    titleKey: 'tours.nav.sheet',
    icon: Finished,
    order: 5,
    group: 'tours',
    roles: ['judge'],
    hidden: true,
    component: () => import('@/views/projects/tours/JudgeSheetView.vue'),
  },
  {
    name: 'tour-results',
    path: 'tours/:id(\\d+)/results',
    titleKey: 'tours.nav.results',
    icon: Trophy,
    order: 6,
    group: 'tours',
    roles: TOUR_READERS,
    hidden: true,
    component: () => import('@/views/projects/tours/TourResultsView.vue'),
  },
]
