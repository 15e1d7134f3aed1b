import { afterEach, describe, expect, it } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { defineComponent, h, ref } from 'vue'
import { waitFor } from './helpers'
import InspectItem from '@/views/safety/InspectItem.vue'
import { emptyItem, type ItemState } from '@/views/safety/logic'

const ITEM = { id: 5, industry: 'gas', seq: 1, text: '可燃气体报警器完好有效', basis: '城镇燃气管理条例' }

function mountItem(start: ItemState, props: { today?: string } = {}) {
  const model = ref(start)
  const showErrors = ref(false)
  const Host = defineComponent(() => () =>
    h(InspectItem, {
      item: ITEM,
      index: 0,
      today: props.today ?? '2026-11-27',
      showErrors: showErrors.value,
      modelValue: model.value,
      'onUpdate:modelValue': (v: ItemState) => (model.value = v),
    }),
  )
  const wrapper = mount(Host, { attachTo: document.body })
  return { wrapper, model, showErrors }
}

describe('a checklist item on the phone', () => {
  afterEach(() => {
    document.body.innerHTML = ''
  })

  it('records the answer and opens the hazard form only when the item fails', async () => {
    const { wrapper, model } = mountItem(emptyItem('2026-12-11'))
    expect(wrapper.text()).toContain('可燃气体报警器完好有效')
    expect(wrapper.find('[data-test="answer-hazard"]').exists()).toBe(false)
    await wrapper.find('[data-test="answer-pass"]').trigger('click')
    expect(model.value.result).toBe('pass')
    expect(wrapper.find('[data-test="inspect-item-1"]').attributes('data-result')).toBe('pass')
    expect(wrapper.find('[data-test="answer-hazard"]').exists()).toBe(false)
    await wrapper.find('[data-test="answer-fail"]').trigger('click')
    expect(model.value.result).toBe('fail')
    expect(wrapper.find('[data-test="answer-hazard"]').exists()).toBe(true)
    await wrapper.find('[data-test="hazard-level-major"]').trigger('click')
    expect(model.value.hazard.level).toBe('major')
    wrapper.unmount()
  })

  it('asks for an answer, and for a deadline not in the past, once the submit shows errors', async () => {
    const missing = mountItem(emptyItem('2026-12-11'))
    expect(missing.wrapper.text()).not.toContain('请选择检查结果')
    missing.showErrors.value = true
    await flushPromises()
    expect(missing.wrapper.text()).toContain('请选择检查结果')
    missing.wrapper.unmount()

    const past = mountItem({ ...emptyItem('2026-11-20'), result: 'fail' })
    await flushPromises()
    expect(past.wrapper.text()).not.toContain('整改期限不能早于今天')
    past.showErrors.value = true
    await flushPromises()
    const deadlineItem = () => past.wrapper.find('[data-test="hazard-deadline"]').element.closest('.el-form-item')!
    await waitFor(() => expect(deadlineItem().classList.contains('is-error')).toBe(true))
    past.model.value.hazard.deadline = '2026-11-27'
    await waitFor(() => expect(deadlineItem().classList.contains('is-error')).toBe(false))
    past.wrapper.unmount()
  })
})
