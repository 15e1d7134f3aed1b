// Pages of the calendar module (节假日安排, 定时任务) in the system menu
// group; modules.ts merges every module file.
import { Calendar, Timer } from '@element-plus/icons-vue'
import type { MenuGroup, ModulePage } from '@/modules'

export const groups: MenuGroup[] = []

const calendarView = () => import('@/views/calendar/CalendarView.vue')

export const pages: ModulePage[] = [
  // The menu entry, for those who look after the calendar.
  {
    name: 'calendar',
    path: 'system/calendar',
    titleKey: 'calendar.nav.calendar',
    icon: Calendar,
    order: 5,
    group: 'system',
    roles: ['admin', 'supervisor'],
    component: calendarView,
  },
  // The same page for everyone signed in (read-only but for administrators),
  // reached from links such as a deadline's "working days" hint.
  {
    name: 'calendar-view',
    path: 'calendar',
    titleKey: 'calendar.nav.calendar',
    icon: Calendar,
    order: 5,
    hidden: true,
    component: calendarView,
  },
  {
    name: 'jobs',
    path: 'system/jobs',
    titleKey: 'calendar.nav.jobs',
    icon: Timer,
    order: 6,
    group: 'system',
    roles: ['admin', 'supervisor'],
    component: () => import('@/views/jobs/JobsView.vue'),
  },
]
