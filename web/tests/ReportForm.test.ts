import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { nextTick } from 'vue'
import ReportForm from '@/views/reports/ReportForm.vue'
import { cleanValues, isRequired, validateValues } from '@/views/reports/logic'
import type { FormField, Values } from '@/api/reports'
import { json, mockFetch, waitFor } from './helpers'

/** The zero report's form, as the server's template defines it. */
const zeroForm: FormField[] = [
  { key: 'has_matters', label: '有无需报告事项', type: 'bool', required: true },
  { key: 'content', label: '事项内容', type: 'text', required: false, required_if: { field: 'has_matters', equals: true } },
  { key: 'files', label: '附件', type: 'files', required: false },
]

const investForm: FormField[] = [
  { key: 'amount', label: '完成投资', type: 'number', required: true, unit: '万元', min: 0, max: 1000 },
  { key: 'level', label: '等级', type: 'choice', required: false, options: ['一般', '较大'] },
  { key: 'day', label: '发现日期', type: 'date', required: false },
]

describe('report form rules', () => {
  it('requires required fields, and required_if fields only when their condition holds', () => {
    expect(validateValues(zeroForm, {})).toEqual({ 'values.has_matters': '请填写有无需报告事项' })
    expect(validateValues(zeroForm, { has_matters: false })).toEqual({})
    expect(validateValues(zeroForm, { has_matters: true, content: '   ' })).toEqual({ 'values.content': '请填写事项内容' })
    expect(validateValues(zeroForm, { has_matters: true, content: '山塘渗水' })).toEqual({})
    expect(isRequired(zeroForm[1]!, { has_matters: true })).toBe(true)
    expect(isRequired(zeroForm[1]!, { has_matters: false })).toBe(false)
  })

  it('checks number ranges with the unit, choices and dates', () => {
    expect(validateValues(investForm, { amount: 1000.5 })).toEqual({ 'values.amount': '完成投资不能大于 1000万元' })
    expect(validateValues(investForm, { amount: -1 })).toEqual({ 'values.amount': '完成投资不能小于 0万元' })
    expect(validateValues(investForm, { amount: 0 })).toEqual({})
    expect(validateValues(investForm, { amount: 5, level: '重大', day: '2026/11/26' })).toEqual({
      'values.level': '等级请从选项中选择',
      'values.day': '发现日期应为日期',
    })
  })

  it('sends only the answers given, trimmed', () => {
    expect(cleanValues(zeroForm, { has_matters: true, content: '  内容  ', files: [] })).toEqual({ has_matters: true, content: '内容' })
    expect(cleanValues(investForm, { amount: 0, level: '' })).toEqual({ amount: 0 })
  })
})

describe('report form renderer', () => {
  afterEach(() => {
    document.body.innerHTML = ''
    vi.unstubAllGlobals()
  })

  function render(form: FormField[], values: Values, serverErrors: Record<string, string> = {}) {
    const wrapper = mount(ReportForm, {
      props: {
        form,
        slotKey: '1:3:2026-11-26',
        modelValue: values,
        serverErrors,
        'onUpdate:modelValue': (v: Values) => wrapper.setProps({ modelValue: v }),
      },
      attachTo: document.body,
    })
    return wrapper
  }
  const errorOf = (key: string) => document.body.querySelector(`[data-test="report-field-${key}"] .el-form-item__error`)?.textContent?.trim() ?? ''
  const validate = (w: ReturnType<typeof render>) => (w.vm as unknown as { validate: () => boolean }).validate()

  it('renders each field from the definition and marks required ones', async () => {
    const w = render([...zeroForm, ...investForm], {})
    await flushPromises()
    for (const key of ['has_matters', 'content', 'files', 'amount', 'level', 'day']) {
      expect(document.body.querySelector(`[data-test="report-field-${key}"]`)).toBeTruthy()
    }
    expect(document.body.querySelector('[data-test="report-field-amount"] .el-form-item__label')?.textContent).toContain('完成投资（万元）')
    expect(document.body.querySelector('[data-test="report-field-has_matters"]')?.classList.contains('is-required')).toBe(true)
    expect(document.body.querySelector('[data-test="report-field-content"]')?.classList.contains('is-required')).toBe(false)
    w.unmount()
  })

  it('validates required_if after the yes/no answer changes, beside the field', async () => {
    const w = render(zeroForm, {})
    await flushPromises()
    expect(validate(w)).toBe(false)
    await nextTick()
    await waitFor(() => expect(errorOf('has_matters')).toBe('请填写有无需报告事项'))
    expect(errorOf('content')).toBe('')

    // Answer "yes": the content becomes required.
    const yes = document.body.querySelectorAll<HTMLInputElement>('[data-test="report-field-has_matters"] input[type="radio"]')[0]!
    yes.checked = true
    yes.dispatchEvent(new Event('change'))
    await flushPromises()
    expect(w.props('modelValue')).toEqual({ has_matters: true })
    expect(document.body.querySelector('[data-test="report-field-content"]')?.classList.contains('is-required')).toBe(true)
    expect(validate(w)).toBe(false)
    await waitFor(() => expect(errorOf('content')).toBe('请填写事项内容'))
    expect(errorOf('has_matters')).toBe('')

    const text = document.body.querySelector<HTMLTextAreaElement>('[data-test="report-field-content"] textarea')!
    text.value = '张家村山塘渗水'
    text.dispatchEvent(new Event('input'))
    await flushPromises()
    expect(validate(w)).toBe(true)
    w.unmount()
  })

  it('validates number ranges and shows server messages', async () => {
    const w = render(investForm, { amount: 2000 }, { 'values.level': '服务器：等级有误' })
    await flushPromises()
    expect(validate(w)).toBe(false)
    await waitFor(() => expect(errorOf('amount')).toBe('完成投资不能大于 1000万元'))
    expect(errorOf('level')).toBe('服务器：等级有误')
    await w.setProps({ modelValue: { amount: 999 } })
    expect(validate(w)).toBe(true)
    w.unmount()
  })

  it('uploads files to the unit report slot and keeps their ids', async () => {
    const { calls } = mockFetch({
      'POST /api/v1/files': () => json({ id: 41, name: '现场.jpg', size: 3, url: '/api/v1/files/41', content_type: 'image/jpeg' }, 201),
    })
    const w = render(zeroForm, { has_matters: true, content: '有' })
    await flushPromises()
    const input = document.body.querySelector<HTMLInputElement>('[data-test="report-files-files"]')!
    Object.defineProperty(input, 'files', { value: [new File(['abc'], '现场.jpg', { type: 'image/jpeg' })] })
    input.dispatchEvent(new Event('change'))
    await waitFor(() => expect(w.props('modelValue')).toMatchObject({ files: [41] }))
    const fd = calls[0]!.body as FormData
    expect(fd.get('object_type')).toBe('report_submission')
    expect(fd.get('object_id')).toBe('1:3:2026-11-26')
    expect(document.body.querySelector('[data-test="report-files-files-list"]')?.textContent).toContain('现场.jpg')
    w.unmount()
  })
})
