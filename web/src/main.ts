import { createApp } from 'vue'
import 'element-plus/theme-chalk/base.css'
import './styles/main.css'
import App from './App.vue'
import { router, toLogin } from './router'
import { setNetworkErrorMessage, setPasswordChangeRequiredHandler, setUnauthorizedHandler } from './api/http'
import { clearSession, session } from './stores/session'
import { t } from './i18n'
import { toastWarning } from './ui/feedback'

setNetworkErrorMessage(() => t('common.networkError'))

// Any 401 outside the sign-in calls: the session ended (expired, signed out
// elsewhere, password reset by an administrator). Back to /login, then return.
setUnauthorizedHandler(() => {
  const wasSignedIn = session.user !== null
  clearSession()
  if (wasSignedIn) toastWarning(t('nav.sessionExpired'))
  toLogin()
})

setPasswordChangeRequiredHandler(() => {
  if (session.user) session.user.must_change_password = true
  if (router.currentRoute.value.name !== 'password') void router.replace({ name: 'password' })
})

createApp(App).use(router).mount('#app')
