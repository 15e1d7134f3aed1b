// The squad and post forms: members and patrollers are typed names as tags;
// users among a squad's members stay users when the squad is edited, and a
// bad list is said beside the field before anything is sent.
import { afterEach, describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import { defineComponent, h, ref } from 'vue'
import { waitFor } from './helpers'
import MemberSelect from '@/views/fire/patrol/MemberSelect.vue'
import { cleanNames, knownNames, namesError, toMembers } from '@/views/fire/patrol/members'

describe('typed member names', () => {
  it('keeps the user ids of members kept, trims and drops repeats', () => {
    const before = [{ user_id: 7, name: '张三' }, { name: '李四' }]
    expect(toMembers([' 张三 ', '王五', '王五', ''], before)).toEqual([{ user_id: 7, name: '张三' }, { name: '王五' }])
    expect(cleanNames(['  ', '甲', '甲 '])).toEqual(['甲'])
  })
  it('says what is wrong in Chinese', () => {
    expect(namesError([], true)).toBe('请至少添加一名队员')
    expect(namesError([], false)).toBe('')
    expect(namesError(['一二三四五六七八九十一二三四五六七八九十一'], false)).toContain('超过20个字')
    expect(namesError(['王五'], true)).toBe('')
  })
  it('suggests the names already used, once each', () => {
    expect(knownNames([[{ name: '王五' }, { name: '李四' }], [{ name: '王五' }]])).toHaveLength(2)
  })
})

describe('the member select', () => {
  afterEach(() => {
    document.body.innerHTML = ''
  })
  it('is a multiple, filterable select that creates tags from typed names', async () => {
    const model = ref(['王五'])
    const Host = defineComponent(() => () =>
      h(MemberSelect, { suggestions: ['李四'], dataTest: 'm', modelValue: model.value, 'onUpdate:modelValue': (v: string[]) => (model.value = v) }),
    )
    const w = mount(Host, { attachTo: document.body })
    const select = w.findComponent({ name: 'ElSelect' })
    expect(select.props('multiple')).toBe(true)
    expect(select.props('filterable')).toBe(true)
    expect(select.props('allowCreate')).toBe(true)
    await waitFor(() => expect(document.body.querySelector('[data-test="m"]')?.textContent).toContain('王五'))
    select.vm.$emit('update:modelValue', ['王五', '赵六'])
    await w.vm.$nextTick()
    expect(model.value).toEqual(['王五', '赵六'])
    w.unmount()
  })
})
