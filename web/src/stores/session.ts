// Who is signed in. Kept in a module-level reactive object: the app is small
// enough not to need Pinia.
import { computed, reactive } from 'vue'
import { ApiError, setCsrfToken } from '@/api/http'
import { sessionApi } from '@/api/session'
import type { RoleCode, SessionInfo, User } from '@/api/types'
import { resetMeta } from './meta'

interface SessionState {
  user: User | null
  loaded: boolean
}

export const session = reactive<SessionState>({ user: null, loaded: false })

let pending: Promise<User | null> | null = null

function apply(info: SessionInfo): User {
  session.user = info.user
  session.loaded = true
  setCsrfToken(info.csrf_token)
  return info.user
}

export function clearSession(): void {
  session.user = null
  session.loaded = true
  setCsrfToken('')
  resetMeta()
}

/** Loads the session once (GET /api/v1/session); null when signed out. */
export function loadSession(force = false): Promise<User | null> {
  if (session.loaded && !force) return Promise.resolve(session.user)
  if (!pending) {
    pending = sessionApi
      .current()
      .then(apply)
      .catch((e: unknown) => {
        if (e instanceof ApiError && e.status === 401) {
          clearSession()
          return null
        }
        throw e
      })
      .finally(() => {
        pending = null
      })
  }
  return pending
}

export async function signIn(username: string, password: string): Promise<User> {
  const info = await sessionApi.signIn(username, password)
  // Another user may have signed in here before: their unit tree is not ours.
  resetMeta()
  return apply(info)
}

export async function signOut(): Promise<void> {
  try {
    await sessionApi.signOut()
  } finally {
    clearSession()
  }
}

export async function changePassword(oldPassword: string, newPassword: string): Promise<User> {
  return apply(await sessionApi.changePassword(oldPassword, newPassword))
}

export function hasRole(...roles: RoleCode[]): boolean {
  const mine = session.user?.roles ?? []
  return roles.some((r) => mine.includes(r))
}

/** Roles that see write buttons on the organization and user pages. */
export const WRITER_ROLES: RoleCode[] = ['admin', 'unit_admin']

export const canWrite = computed(() => hasRole(...WRITER_ROLES))
export const isAdmin = computed(() => hasRole('admin'))
