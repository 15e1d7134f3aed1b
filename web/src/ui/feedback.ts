// Toasts and confirmations in one place, so every page looks and behaves alike.
import { ElMessage, ElMessageBox } from 'element-plus'
import 'element-plus/es/components/message/style/css'
import 'element-plus/es/components/message-box/style/css'
import { ApiError } from '@/api/http'
import { t } from '@/i18n'

export function toastSuccess(message: string): void {
  ElMessage({ type: 'success', message, grouping: true })
}

export function toastWarning(message: string): void {
  ElMessage({ type: 'warning', message, grouping: true })
}

export function errorMessage(e: unknown): string {
  if (e instanceof ApiError) return e.message
  if (e instanceof Error && e.message) return e.message
  return t('common.requestFailed')
}

/** Shows the server's message (error shape `message`). 401s are handled by the redirect. */
export function toastError(e: unknown): void {
  if (e instanceof ApiError && e.status === 401) return
  if (e instanceof DOMException && e.name === 'AbortError') return
  ElMessage({ type: 'error', message: errorMessage(e), grouping: true, duration: 5000 })
}

export interface ConfirmOptions {
  title?: string
  confirmText?: string
  /** Red confirm button for destructive actions (default true). */
  danger?: boolean
}

/** Asks before an action; resolves true when confirmed. */
export async function confirmAction(message: string, opts: ConfirmOptions = {}): Promise<boolean> {
  const danger = opts.danger ?? true
  try {
    await ElMessageBox.confirm(message, opts.title ?? (danger ? t('common.dangerTitle') : t('common.confirmTitle')), {
      type: 'warning',
      confirmButtonText: opts.confirmText ?? t('common.confirm'),
      cancelButtonText: t('common.cancel'),
      confirmButtonClass: danger ? 'el-button--danger' : '',
      autofocus: false,
      closeOnClickModal: false,
    })
    return true
  } catch {
    return false
  }
}

/**
 * Confirm → run → toast. Errors are shown from the server's message.
 * Resolves true when the action ran and succeeded.
 */
export async function confirmAndRun(
  message: string,
  action: () => Promise<unknown>,
  success: string,
  opts: ConfirmOptions = {},
): Promise<boolean> {
  if (!(await confirmAction(message, opts))) return false
  try {
    await action()
    toastSuccess(success)
    return true
  } catch (e) {
    toastError(e)
    return false
  }
}
