// Pages and menu group of the fire module (森林防灭火): warnings, letters and
// their delivery. The group also holds the field pages of modules/patrol.ts.
import { Bell, Cellphone, Document, Sunny } from '@element-plus/icons-vue'
import type { MenuGroup, ModulePage } from '@/modules'
import type { RoleCode } from '@/api/types'

/** fire.view */
export const FIRE_READERS: RoleCode[] = ['admin', 'supervisor', 'leader', 'unit_admin', 'staff', 'field']
/** fire.warn: issue and end warnings, the requirements per level. */
export const FIRE_WARNERS: RoleCode[] = ['admin', 'supervisor']
/** fire.letters: write letters (districts and towns). */
export const FIRE_WRITERS: RoleCode[] = ['admin', 'supervisor', 'unit_admin', 'staff']
/** fire.field: record deliveries (village staff for their village). */
export const FIRE_DELIVERERS: RoleCode[] = ['admin', 'supervisor', 'unit_admin', 'staff', 'field']

export const groups: MenuGroup[] = [{ key: 'fire', titleKey: 'fire.nav.group', icon: Sunny, order: 40 }]

const page = (p: Omit<ModulePage, 'group'>): ModulePage => ({ group: 'fire', ...p })

export const pages: ModulePage[] = [
  page({ name: 'fire-warnings', path: 'fire/warnings', titleKey: 'fire.nav.warnings', icon: Bell, order: 10, roles: FIRE_READERS,
    component: () => import('@/views/fire/WarningsView.vue') }),
  page({ name: 'fire-letters', path: 'fire/letters', titleKey: 'fire.nav.letters', icon: Document, order: 11, roles: FIRE_READERS,
    component: () => import('@/views/fire/LettersView.vue') }),
  page({ name: 'fire-letter', path: 'fire/letters/:id(\\d+)', titleKey: 'fire.nav.letter', icon: Document, order: 12, roles: FIRE_READERS,
    hidden: true, component: () => import('@/views/fire/LetterDetailView.vue') }),
  page({ name: 'fire-deliver', path: 'fire/deliver', titleKey: 'fire.nav.deliver', icon: Cellphone, order: 29, roles: FIRE_DELIVERERS,
    component: () => import('@/views/fire/DeliverPhoneView.vue') }),
]
