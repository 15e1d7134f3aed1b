import { td } from '@/i18n'
import zh from '@/i18n/zh'

/** All action codes with a label (`unit.create` …), for the filter. */
export const KNOWN_ACTIONS: string[] = Object.entries(zh.action).flatMap(([obj, verbs]) => Object.keys(verbs).map((v) => `${obj}.${v}`))
export const KNOWN_OBJECT_TYPES: string[] = Object.keys(zh.objectType)

/** `unit.create` → 新建单位; unknown codes by their verb, else the code itself. */
export function actionLabel(code: string): string {
  const verb = code.split('.').pop() ?? code
  return td(`action.${code}`, td(`verb.${verb}`, code))
}

export function objectLabel(code: string): string {
  return td(`objectType.${code}`, code)
}

/** Actions shown in red: deletions and failed or blocked sign-ins. */
export function isAlarming(code: string): boolean {
  return /\.(delete|fail|lockout|locked_attempt|revoke|lock)$/.test(code)
}
