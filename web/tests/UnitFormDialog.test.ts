import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import UnitFormDialog from '@/views/units/UnitFormDialog.vue'
import type { Unit } from '@/api/types'
import { metaState, resetMeta } from '@/stores/meta'
import { apiError, json, mockFetch, waitFor } from './helpers'

const $ = (sel: string) => document.body.querySelector<HTMLElement>(sel)

function type(sel: string, value: string) {
  const input = $(sel) as HTMLInputElement
  input.value = value
  input.dispatchEvent(new Event('input'))
}

async function open(unit: Unit | null) {
  const wrapper = mount(UnitFormDialog, {
    props: { modelValue: false, unit, parentId: 1, 'onUpdate:modelValue': (v: boolean) => wrapper.setProps({ modelValue: v }) },
    attachTo: document.body,
  })
  await wrapper.setProps({ modelValue: true })
  await flushPromises()
  return wrapper
}

describe('unit form', () => {
  beforeEach(() => {
    resetMeta()
    metaState.tree = [{ id: 1, name: '示范区', short_name: '', code: 'SFQ', kind: 'district', active: true, children: [] }]
    metaState.treeLoaded = true
  })
  afterEach(() => {
    document.body.innerHTML = ''
    vi.unstubAllGlobals()
  })

  it('checks required fields before sending anything', async () => {
    const { calls } = mockFetch({})
    const wrapper = await open(null)
    $('[data-test="unit-form-submit"]')!.click()
    await flushPromises()
    await waitFor(() => expect(document.body.querySelectorAll('.el-form-item__error').length).toBeGreaterThanOrEqual(3))
    expect(document.body.textContent).toContain('请输入单位名称')
    expect(calls).toHaveLength(0)
    wrapper.unmount()
  })

  it('shows server-side 422 field messages beside the fields', async () => {
    const { calls } = mockFetch({
      'POST /api/v1/units': () => apiError(422, 'validation', '数据校验未通过', { code: '编码“SFQ-T01”已被“青石镇”使用' }),
    })
    const wrapper = await open(null)
    type('input[data-test="unit-form-name"]', '新村')
    type('input[data-test="unit-form-code"]', 'SFQ-T01')
    // Choose a kind through the component state: the select's popper is not the subject here.
    ;(wrapper.vm as unknown as { $: { setupState: { form: { kind: string } } } }).$.setupState.form.kind = 'village'
    await flushPromises()
    $('[data-test="unit-form-submit"]')!.click()
    await waitFor(() => expect(calls).toHaveLength(1))
    expect(calls[0].body).toMatchObject({ name: '新村', code: 'SFQ-T01', kind: 'village', parent_id: 1 })
    await waitFor(() => expect($('.el-form-item.is-error')?.textContent).toContain('已被“青石镇”使用'))
    const item = $('input[data-test="unit-form-code"]')!.closest('.el-form-item')!
    expect(item.classList.contains('is-error')).toBe(true)
    expect(wrapper.emitted('saved')).toBeUndefined()
    wrapper.unmount()
  })

  it('leaves the masked contact phone alone when editing', async () => {
    const unit: Unit = {
      id: 5,
      parent_id: 1,
      parent_name: '示范区',
      name: '青石镇',
      short_name: '青石',
      code: 'SFQ-T01',
      kind: 'town',
      sort_order: 10,
      contact_name: '李四',
      contact_phone: '138****0000',
      active: true,
      depth: 1,
      children_count: 3,
      user_count: 4,
    }
    const { calls } = mockFetch({ 'PATCH /api/v1/units/5': () => json({ ...unit, name: '青石镇人民政府' }) })
    const wrapper = await open(unit)
    expect(($('input[data-test="unit-form-contact-phone"]') as HTMLInputElement).placeholder).toContain('138****0000')
    type('input[data-test="unit-form-name"]', '青石镇人民政府')
    $('[data-test="unit-form-submit"]')!.click()
    await waitFor(() => expect(calls).toHaveLength(1))
    expect(calls[0].body).not.toHaveProperty('contact_phone')
    expect(calls[0].body).toMatchObject({ name: '青石镇人民政府', code: 'SFQ-T01', kind: 'town' })
    await waitFor(() => expect(wrapper.emitted('saved')).toHaveLength(1))
    wrapper.unmount()
  })
})
