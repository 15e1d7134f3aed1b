import { afterEach, describe, expect, it } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import LightTag from '@/components/supervision/LightTag.vue'
import { LIGHT_COLORS } from '@/views/supervision/taskFormat'
import { waitFor } from './helpers'

describe('light tag', () => {
  afterEach(() => {
    document.body.innerHTML = ''
  })

  it.each([
    ['green', '绿灯'],
    ['yellow', '黄灯'],
    ['red', '红灯'],
  ] as const)('shows %s in its colour and name', (light, name) => {
    const w = mount(LightTag, { props: { light } })
    const el = w.get('[data-test="task-light"]')
    expect(el.attributes('data-light')).toBe(light)
    expect(el.classes()).toContain(`sv-light--${light}`)
    expect(el.attributes('style')).toContain(LIGHT_COLORS[light])
    expect(el.text()).toBe(name)
    w.unmount()
  })

  it('treats an unknown light as none, in grey', () => {
    const w = mount(LightTag, { props: { light: 'blue' } })
    expect(w.get('[data-test="task-light"]').attributes('data-light')).toBe('none')
    expect(w.get('[data-test="task-light"]').attributes('style')).toContain(LIGHT_COLORS.none)
    w.unmount()
  })

  it('shows the reason in a tooltip on hover, and names it for screen readers', async () => {
    const reason = '节点“主体完工”已逾期3个工作日'
    const w = mount(LightTag, { props: { light: 'red', reason }, attachTo: document.body })
    const el = w.get('[data-test="task-light"]')
    expect(el.attributes('aria-label')).toBe(`红灯：${reason}`)
    expect(el.attributes('tabindex')).toBe('0')
    await el.trigger('mouseenter')
    await flushPromises()
    await waitFor(() => expect(document.body.querySelector('.el-popper')?.textContent).toContain(reason))
    w.unmount()
  })

  it('has no tooltip without a reason', async () => {
    const w = mount(LightTag, { props: { light: 'green' }, attachTo: document.body })
    const el = w.get('[data-test="task-light"]')
    expect(el.attributes('tabindex')).toBeUndefined()
    await el.trigger('mouseenter')
    await new Promise((r) => setTimeout(r, 300))
    expect(document.body.querySelector('.el-popper')?.textContent ?? '').toBe('')
    w.unmount()
  })

  it('can be only a dot', () => {
    const w = mount(LightTag, { props: { light: 'yellow', dotOnly: true } })
    expect(w.find('.sv-light__text').exists()).toBe(false)
    expect(w.find('.sv-light__dot').exists()).toBe(true)
    w.unmount()
  })
})
