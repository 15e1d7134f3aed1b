// Pages and menu group of the notify module; modules.ts merges every module file.
import { Bell, Promotion } from '@element-plus/icons-vue'
import type { MenuGroup, ModulePage } from '@/modules'

export const groups: MenuGroup[] = []

export const pages: ModulePage[] = [
  {
    // Everyone's own messages, reached from the bell in the top bar.
    name: 'inbox',
    path: 'inbox',
    titleKey: 'notify.nav.inbox',
    icon: Bell,
    order: 95,
    hidden: true,
    component: () => import('@/views/inbox/InboxView.vue'),
  },
  {
    name: 'channels',
    path: 'system/channels',
    titleKey: 'notify.nav.channels',
    icon: Promotion,
    order: 3,
    group: 'system',
    roles: ['admin'],
    component: () => import('@/views/channels/ChannelsView.vue'),
  },
]
