import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import EnterpriseFormDialog from '@/views/registry/EnterpriseFormDialog.vue'
import type { Enterprise } from '@/api/registry'
import { metaState, resetMeta } from '@/stores/meta'
import { apiError, json, mockFetch, waitFor } from './helpers'

const $ = (sel: string) => document.body.querySelector<HTMLElement>(sel)

function type(sel: string, value: string) {
  const input = $(sel) as HTMLInputElement
  input.value = value
  input.dispatchEvent(new Event('input'))
}

const options = {
  'GET /api/v1/units': () => json({ items: [{ id: 3, name: '青石镇' }], total: 1 }),
  'GET /api/v1/enterprise-industries': () => json({ items: [{ code: 'energy', name: '能源电力' }] }),
}

async function open(enterprise: Enterprise | null) {
  const wrapper = mount(EnterpriseFormDialog, {
    props: { modelValue: false, enterprise, 'onUpdate:modelValue': (v: boolean) => wrapper.setProps({ modelValue: v }) },
    attachTo: document.body,
  })
  await wrapper.setProps({ modelValue: true })
  await flushPromises()
  return wrapper
}

const existing: Enterprise = {
  id: 7,
  name: '青石新能源科技有限公司',
  credit_code: '91350100M000100Y43',
  has_credit_code: true,
  kind: 'enterprise',
  industry: 'energy',
  industry_name: '能源电力',
  town_id: 3,
  town_name: '青石镇',
  address: '工业园区1号',
  legal_person: '王建国',
  contact_name: '李娜',
  contact_phone: '138****5678',
  supervising_unit_name: '',
  risk_level: 'medium',
  created_at: '2026-11-01T00:00:00Z',
  updated_at: '2026-11-01T00:00:00Z',
}

describe('enterprise form', () => {
  beforeEach(() => {
    resetMeta()
    metaState.tree = [{ id: 1, name: '示范区', short_name: '', code: 'SFQ', kind: 'district', active: true, children: [] }]
    metaState.treeLoaded = true
  })
  afterEach(() => {
    document.body.innerHTML = ''
    vi.unstubAllGlobals()
  })

  it('checks the credit code beside the field and names the right check character', async () => {
    const { calls } = mockFetch(options)
    const wrapper = await open(null)
    type('input[data-test="enterprise-form-name"]', '坏校验位公司')
    type('input[data-test="enterprise-form-code"]', '91350100m000100y44')
    await flushPromises()
    expect($('[data-test="enterprise-code-problem"]')?.textContent).toContain('校验位不正确，应为“3”')
    $('[data-test="enterprise-form-submit"]')!.click()
    await flushPromises()
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(0)
    type('input[data-test="enterprise-form-code"]', '９１３５０１００Ｍ０００１００Ｙ４３')
    await flushPromises()
    expect($('[data-test="enterprise-code-ok"]')).not.toBeNull()
    wrapper.unmount()
  })

  it('sends the normalised code and shows the server’s field message', async () => {
    const { calls } = mockFetch({
      ...options,
      'POST /api/v1/enterprises': () => apiError(422, 'validation', '输入有误', { credit_code: '统一社会信用代码“91350100M000100Y43”已登记为“甲公司”' }),
    })
    const wrapper = await open(null)
    type('input[data-test="enterprise-form-name"]', '乙公司')
    type('input[data-test="enterprise-form-code"]', ' 9135 0100 M000 100Y43 ')
    await flushPromises()
    $('[data-test="enterprise-form-submit"]')!.click()
    await waitFor(() => expect(calls.filter((c) => c.method === 'POST')).toHaveLength(1))
    expect(calls.find((c) => c.method === 'POST')!.body).toMatchObject({ name: '乙公司', credit_code: '91350100M000100Y43', kind: 'enterprise' })
    await waitFor(() => expect(document.body.textContent).toContain('已登记为“甲公司”'))
    wrapper.unmount()
  })

  it('keeps the stored phone when editing without typing one', async () => {
    const { calls } = mockFetch({ ...options, 'PATCH /api/v1/enterprises/7': () => json(existing) })
    const wrapper = await open(existing)
    expect(($('input[data-test="enterprise-form-name"]') as HTMLInputElement).value).toBe(existing.name)
    $('[data-test="enterprise-form-submit"]')!.click()
    await waitFor(() => expect(calls.filter((c) => c.method === 'PATCH')).toHaveLength(1))
    const body = calls.find((c) => c.method === 'PATCH')!.body as Record<string, unknown>
    expect(body).not.toHaveProperty('contact_phone')
    expect(body).toMatchObject({ town_id: 3, risk_level: 'medium', credit_code: existing.credit_code })
    wrapper.unmount()
  })
})
