// The scaffolding every create/edit dialog repeated: the form model reset on
// each opening (blank, or filled from the record being edited), the el-form
// ref, client-side validation before sending, the saving flag, the success
// toast, closing, and the server's 422 field messages beside the fields.
import { computed, reactive, ref, useTemplateRef, watch, type Ref, type UnwrapNestedRefs } from 'vue'
import type { FormInstance } from 'element-plus'
import { useFormErrors } from '@/composables/useFormErrors'
import { t } from '@/i18n'
import { toastSuccess } from '@/ui/feedback'

export interface FormDialogOptions<M extends object, I> {
  /** The form of a new record; every opening starts from a fresh one. */
  blank: () => M
  /** The record being edited (null or undefined: creating). */
  item?: () => I | null | undefined
  /** Values laid over `blank()` on opening, e.g. the edited record's fields. */
  fill?: (item: I | null) => Partial<M> | null | undefined
  /** After the form was reset on opening (loading choices and the like). */
  onOpen?: () => void | Promise<void>
}

export interface SaveOptions<R> {
  /** A last check after the rules passed: a problem already shown beside its field, or a confirmation. */
  check?: () => boolean | Promise<boolean>
  /** The toast on success; default "saved" when editing, "created" otherwise; false for none. */
  success?: string | ((result: R) => string) | false
  /** After the dialog closed, with what the server answered (emit `saved` here). */
  done?: (result: R) => void
  /** After a failure was shown (to point a server field at the form's own). */
  failed?: () => void
}

export function useFormDialog<M extends object, I = unknown>(visible: Ref<boolean>, options: FormDialogOptions<M, I>) {
  // The el-form is found by its template ref `formRef` (ref="formRef"); a setup
  // binding of that name would clash with it, so it is handed out as `formEl`.
  const formRef = useTemplateRef<FormInstance>('formRef')
  const busy = ref(false)
  const { errors, apply, clear } = useFormErrors()
  const form = reactive(options.blank()) as UnwrapNestedRefs<M>
  const editing = computed(() => (options.item?.() ?? null) !== null)

  watch(visible, async (v) => {
    if (!v) return
    clear()
    Object.assign(form, options.blank(), options.fill?.(options.item?.() ?? null) ?? {})
    formRef.value?.clearValidate()
    await options.onOpen?.()
  })

  /**
   * Runs `send` with the saving flag up, then toasts, closes and hands the
   * answer to `done`; a failure shows beside the fields or as a toast.
   * Resolves true when it saved. For dialogs that check the form themselves.
   */
  async function send<R>(run: () => Promise<R>, opts: SaveOptions<R> = {}): Promise<boolean> {
    busy.value = true
    try {
      const result = await run()
      const success = typeof opts.success === 'function' ? opts.success(result) : opts.success
      if (success !== false) toastSuccess(success ?? (editing.value ? t('common.saved') : t('common.created')))
      visible.value = false
      opts.done?.(result)
      return true
    } catch (e) {
      apply(e)
      opts.failed?.()
      return false
    } finally {
      busy.value = false
    }
  }

  /** Validates the form (rules, then `check`) and sends as `send` does. */
  async function save<R>(run: () => Promise<R>, opts: SaveOptions<R> = {}): Promise<boolean> {
    clear()
    const valid = await formRef.value?.validate().catch(() => false)
    if (!valid || (opts.check && !(await opts.check()))) return false
    return send(run, opts)
  }

  return { form, formEl: formRef, busy, errors, apply, clear, editing, save, send }
}
