// Server-side validation (422 `fields`) mapped onto el-form-item `:error`.
import { reactive } from 'vue'
import { ApiError } from '@/api/http'
import { t } from '@/i18n'
import { toastError, toastWarning } from '@/ui/feedback'

export function useFormErrors() {
  const errors = reactive<Record<string, string>>({})

  function clear(field?: string): void {
    if (field) delete errors[field]
    else for (const k of Object.keys(errors)) delete errors[k]
  }

  /**
   * Shows an error from a form submit: field messages beside the fields (and a
   * short toast), anything else as a toast with the server's message.
   */
  function apply(e: unknown): void {
    clear()
    if (e instanceof ApiError && e.hasFields) {
      Object.assign(errors, e.fields)
      toastWarning(e.message || t('common.formInvalid'))
      return
    }
    toastError(e)
  }

  return { errors, clear, apply }
}
