// Pages and menu group of the reports module (报送 and the daily zero report);
// modules.ts merges every module file.
import { DataAnalysis, DocumentChecked, EditPen, Tickets } from '@element-plus/icons-vue'
import type { MenuGroup, ModulePage } from '@/modules'
import type { RoleCode } from '@/api/types'

/** The supervision office manages obligations; leaders follow them. */
const REPORT_OVERSEERS: RoleCode[] = ['admin', 'supervisor', 'leader']
/** Who reports for a unit (field users for their villages). */
const REPORTERS: RoleCode[] = ['unit_admin', 'staff', 'field']

export const groups: MenuGroup[] = [{ key: 'reports', titleKey: 'reports.nav.group', icon: DocumentChecked, order: 20 }]

export const pages: ModulePage[] = [
  {
    name: 'reports-mine',
    path: 'reports/mine',
    titleKey: 'reports.nav.mine',
    icon: EditPen,
    order: 1,
    group: 'reports',
    roles: REPORTERS,
    component: () => import('@/views/reports/MineView.vue'),
  },
  {
    name: 'reports-status',
    path: 'reports/status',
    titleKey: 'reports.nav.status',
    icon: DataAnalysis,
    order: 2,
    group: 'reports',
    // A town's office follows its villages' reports too.
    roles: [...REPORT_OVERSEERS, 'unit_admin'],
    component: () => import('@/views/reports/StatusView.vue'),
  },
  {
    name: 'reports-obligations',
    path: 'reports/obligations',
    titleKey: 'reports.nav.obligations',
    icon: Tickets,
    order: 3,
    group: 'reports',
    roles: REPORT_OVERSEERS,
    component: () => import('@/views/reports/ObligationsView.vue'),
  },
]
