import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { defineComponent, h, ref } from 'vue'
import NewEnterpriseDialog from '@/views/safety/NewEnterpriseDialog.vue'
import { setCsrfToken } from '@/api/http'
import { checkChar } from '@/views/registry/creditCode'
import { json, mockFetch, waitFor } from './helpers'
import { $ } from './SupervisionFixtures'

const BODY = '91530112MA6J6673Y' // 17 characters; the 18th is the check character
const GOOD = BODY + checkChar(BODY)
const BAD = BODY + (checkChar(BODY) === 'A' ? 'B' : 'A')

function open() {
  const visible = ref(false)
  const saved = vi.fn()
  const Host = defineComponent(() => () =>
    h(NewEnterpriseDialog, { name: '青石新开超市', modelValue: visible.value, 'onUpdate:modelValue': (v: boolean) => (visible.value = v), onSaved: saved }),
  )
  const wrapper = mount(Host, { attachTo: document.body })
  visible.value = true
  return { wrapper, saved }
}

function type(sel: string, text: string): void {
  const el = $(sel) as HTMLInputElement
  el.value = text
  el.dispatchEvent(new Event('input'))
}

describe('an enterprise added on site', () => {
  beforeEach(() => setCsrfToken('csrf'))
  afterEach(() => {
    document.body.innerHTML = ''
    vi.unstubAllGlobals()
  })

  it('names the right check character of a wrong credit code and sends nothing', async () => {
    const { calls } = mockFetch({
      'GET /api/v1/units': () => json({ items: [], total: 0 }),
      'GET /api/v1/enterprise-industries': () => json({ items: [{ code: 'crowded', name: '人员密集场所' }] }),
      'GET /api/v1/safety/campaigns': () => json({ items: [], total: 0 }),
      'POST /api/v1/safety/enterprises': () => json({ id: 90, name: '青石新开超市' }, 201),
    })
    const { wrapper, saved } = open()
    await waitFor(() => expect($('input[data-test="new-enterprise-name"]')).toBeTruthy())
    expect(($('input[data-test="new-enterprise-name"]') as HTMLInputElement).value).toBe('青石新开超市')
    type('input[data-test="new-enterprise-code"]', BAD)
    await waitFor(() => expect($('[data-test="new-enterprise-code-problem"]')?.textContent).toContain(checkChar(BODY)))
    $('[data-test="new-enterprise-save"]')!.click()
    await flushPromises()
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(0)

    type('input[data-test="new-enterprise-code"]', GOOD)
    await waitFor(() => expect($('[data-test="new-enterprise-code-problem"]')).toBeNull())
    wrapper.unmount()
    expect(saved).not.toHaveBeenCalled()
  })
})
