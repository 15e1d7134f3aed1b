import { createRouter, createWebHistory, type RouteLocationNormalized } from 'vue-router'
import type { RoleCode } from '@/api/types'
import type { MessageKey } from '@/i18n'
import { t } from '@/i18n'
import { canSee, moduleRoutes } from '@/modules'
import { loadSession, session } from '@/stores/session'
import { toastError, toastWarning } from '@/ui/feedback'

declare module 'vue-router' {
  interface RouteMeta {
    titleKey?: MessageKey
    groupTitleKey?: MessageKey
    roles?: RoleCode[]
    /** Reachable without signing in. */
    public?: boolean
  }
}

export const router = createRouter({
  history: createWebHistory(import.meta.env.BASE_URL),
  routes: [
    {
      path: '/login',
      name: 'login',
      component: () => import('@/views/LoginView.vue'),
      meta: { public: true, titleKey: 'login.title' },
      // Already signed in (a bookmark of /login): go on.
      beforeEnter: async (to) => {
        const user = await loadSession().catch(() => null)
        if (!user) return true
        return user.must_change_password ? { name: 'password' } : safeRedirect(to.query.redirect)
      },
    },
    { path: '/password', name: 'password', component: () => import('@/views/PasswordView.vue'), meta: { titleKey: 'password.title' } },
    { path: '/', component: () => import('@/layouts/AppLayout.vue'), children: moduleRoutes() },
    {
      path: '/:pathMatch(.*)*',
      name: 'not-found',
      component: () => import('@/views/NotFoundView.vue'),
      meta: { public: true, titleKey: 'nav.notFound' },
    },
  ],
  scrollBehavior: () => ({ top: 0 }),
})

/** Only same-site paths are accepted as a return path after signing in. */
export function safeRedirect(v: unknown): string {
  return typeof v === 'string' && v.startsWith('/') && !v.startsWith('//') && !v.startsWith('/login') ? v : '/'
}

router.beforeEach(async (to) => {
  if (to.meta.public) return true
  let user
  try {
    user = await loadSession()
  } catch (e) {
    toastError(e)
    return { name: 'login', query: { redirect: to.fullPath } }
  }
  if (!user) return { name: 'login', query: to.fullPath === '/' ? {} : { redirect: to.fullPath } }
  if (user.must_change_password && to.name !== 'password') return { name: 'password' }
  if (!canSee(to.meta, user.roles)) {
    toastWarning(t('common.noPermission'))
    return { name: 'home' }
  }
  return true
})

export function documentTitle(route: RouteLocationNormalized): string {
  const page = route.meta.titleKey ? t(route.meta.titleKey) : ''
  const product = `${t('app.product')} · ${t('app.fullName')}`
  return page ? `${page} - ${product}` : product
}

/** Where 401 sends the user: the sign-in page with the current path to come back to. */
export function toLogin(): void {
  const current = router.currentRoute.value
  if (current.name === 'login') return
  void router.replace({ name: 'login', query: current.fullPath === '/' ? {} : { redirect: current.fullPath } })
}

export { session }
