import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { defineComponent, h, ref } from 'vue'
import PlanDialog from '@/views/safety/PlanDialog.vue'
import { setCsrfToken } from '@/api/http'
import { json, mockFetch, waitFor } from './helpers'
import { $, $$ } from './SupervisionFixtures'

const PARTS = ['goals', 'measures', 'resources', 'people', 'time_limits', 'safety_steps', 'emergency']

function open() {
  const visible = ref(false)
  const saved = vi.fn()
  const Host = defineComponent(() => () =>
    h(PlanDialog, { hazardId: 9, plan: null, modelValue: visible.value, 'onUpdate:modelValue': (v: boolean) => (visible.value = v), onSaved: saved }),
  )
  const wrapper = mount(Host, { attachTo: document.body })
  visible.value = true
  return { wrapper, visible, saved }
}

function type(part: string, text: string): void {
  const el = $(`textarea[data-test="plan-${part}"]`) as HTMLTextAreaElement
  el.value = text
  el.dispatchEvent(new Event('input'))
}

describe('the rectification plan of a major hazard', () => {
  beforeEach(() => setCsrfToken('csrf'))
  afterEach(() => {
    document.body.innerHTML = ''
    vi.unstubAllGlobals()
  })

  it('needs all seven parts before it is sent', async () => {
    const { calls } = mockFetch({ 'PUT /api/v1/safety/hazards/9/plan': () => json({ id: 9 }) })
    const { wrapper, visible, saved } = open()
    await waitFor(() => expect($$('[data-test^="plan-"]').filter((e) => e.tagName === 'TEXTAREA')).toHaveLength(7))
    for (const p of PARTS.slice(0, 6)) type(p, `${p} 的内容`)
    await flushPromises()
    $('[data-test="plan-save"]')!.click()
    await flushPromises()
    expect(calls).toHaveLength(0)
    const item = $('textarea[data-test="plan-emergency"]')!.closest('.el-form-item')!
    await waitFor(() => expect(item.classList.contains('is-error')).toBe(true))

    type('emergency', '启动现场处置方案')
    await flushPromises()
    $('[data-test="plan-save"]')!.click()
    await waitFor(() => expect(calls).toHaveLength(1))
    expect(calls[0].method).toBe('PUT')
    expect(calls[0].body).toMatchObject({ goals: 'goals 的内容', emergency: '启动现场处置方案' })
    expect(Object.keys(calls[0].body as object).sort()).toEqual([...PARTS].sort())
    await waitFor(() => expect(saved).toHaveBeenCalled())
    expect(visible.value).toBe(false)
    wrapper.unmount()
  })
})
