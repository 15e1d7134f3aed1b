// The "keep the stored phone" field of the enterprise, unit and user forms:
// lists only have the masked number, so the field starts empty, says which
// number is kept, and passes the form's data-test on to the <input>.
import { afterEach, describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import { defineComponent, h, ref } from 'vue'
import PhoneKeepInput from '@/components/PhoneKeepInput.vue'

const input = () => document.body.querySelector<HTMLInputElement>('input[data-test="x-phone"]')!

function mountField(stored?: string) {
  const model = ref('')
  const Host = defineComponent(() => () =>
    h(PhoneKeepInput, {
      stored,
      keepKey: 'units.phoneKeep',
      'data-test': 'x-phone',
      modelValue: model.value,
      'onUpdate:modelValue': (v: string) => (model.value = v),
    }),
  )
  return { wrapper: mount(Host, { attachTo: document.body }), model }
}

describe('the keep-the-stored-phone field', () => {
  afterEach(() => {
    document.body.innerHTML = ''
  })

  it('shows the masked number it keeps and takes a typed one, trimmed', async () => {
    const { wrapper, model } = mountField('138****0000')
    expect(input().placeholder).toBe('不修改请留空（当前 138****0000）')
    expect(input().maxLength).toBe(20)
    expect(input().getAttribute('inputmode')).toBe('tel')
    input().value = ' 13900001111 '
    input().dispatchEvent(new Event('input'))
    expect(model.value).toBe('13900001111')
    wrapper.unmount()
  })

  it('has no placeholder when there is nothing stored (a new record)', () => {
    const { wrapper } = mountField()
    expect(input().placeholder).toBe('')
    wrapper.unmount()
  })
})
