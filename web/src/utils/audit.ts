import { td } from '@/i18n'
import zh from '@/i18n/zh'

/** Action codes of every label in a catalog subtree; `_` labels the node itself (`task.report` beside `task.report.replace`). */
function codes(node: object, prefix: string): string[] {
  return Object.entries(node).flatMap(([k, v]) =>
    typeof v === 'string' ? [k === '_' ? prefix.slice(0, -1) : prefix + k] : codes(v as object, `${prefix}${k}.`),
  )
}

/** All action codes with a label (`unit.create` …), for the filter. */
export const KNOWN_ACTIONS: string[] = codes(zh.action, '')
export const KNOWN_OBJECT_TYPES: string[] = Object.keys(zh.objectType)

/** `unit.create` → 新建单位; unknown codes by their verb, else the code itself. */
export function actionLabel(code: string): string {
  const verb = code.split('.').pop() ?? code
  return td(`action.${code}`, td(`action.${code}._`, td(`verb.${verb}`, code)))
}

export function objectLabel(code: string): string {
  return td(`objectType.${code}`, code)
}

/** Actions shown in red: deletions and failed or blocked sign-ins. */
export function isAlarming(code: string): boolean {
  return /\.(delete|fail|lockout|locked_attempt|revoke|lock)$/.test(code)
}
