// Which action buttons the task page shows, in what order and colour: only
// what TaskDetail.can allows, the step that moves the task on first.
import type { TaskAction } from '@/api/tasks'

export type ButtonType = 'primary' | 'success' | 'warning' | 'danger' | 'default'

/** Actions shown as buttons in the header ("decide" and "milestone" live on their tabs). */
export type ButtonAction = Exclude<TaskAction, 'decide' | 'milestone'>

export interface ActionButton {
  action: ButtonAction
  type: ButtonType
  plain: boolean
}

/** The workflow's next steps first, then supervision, then housekeeping. */
const ORDER: ButtonAction[] = ['sign', 'report', 'request', 'issue', 'close', 'return', 'extend', 'split', 'remind', 'notice', 'interview', 'edit', 'delete']

const TYPES: Record<ButtonAction, ButtonType> = {
  sign: 'primary',
  report: 'primary',
  request: 'success',
  issue: 'primary',
  close: 'success',
  return: 'danger',
  extend: 'warning',
  split: 'default',
  remind: 'warning',
  notice: 'default',
  interview: 'default',
  edit: 'default',
  delete: 'danger',
}

/**
 * Buttons for `can`: unknown actions are ignored; the first workflow action
 * is solid (the one to press), the rest plain.
 */
export function actionButtons(can: readonly string[] | null | undefined): ActionButton[] {
  const allowed = new Set(can ?? [])
  const list = ORDER.filter((a) => allowed.has(a))
  return list.map((action, i) => ({ action, type: TYPES[action], plain: !(i === 0 && TYPES[action] !== 'default' && action !== 'delete') }))
}
