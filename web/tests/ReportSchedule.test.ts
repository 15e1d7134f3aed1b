import { afterEach, describe, expect, it } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import ScheduleEditor from '@/views/reports/ScheduleEditor.vue'
import FormDesigner from '@/views/reports/FormDesigner.vue'
import {
  cleanForm,
  defaultSchedule,
  describeSchedule,
  formErrors,
  moveField,
  newField,
  scheduleErrors,
  schedulePayload,
  type ScheduleState,
} from '@/views/reports/logic'
import type { FormField } from '@/api/reports'

const base = defaultSchedule('2026-11-26')

describe('schedule payloads', () => {
  it('daily: working days only by default, cut-off 17:00, reminder two hours before', () => {
    expect(schedulePayload(base)).toEqual({
      frequency: 'daily',
      cutoff: '17:00',
      workdays_only: true,
      active_from: '2026-11-26',
      active_to: '',
      remind_before_minutes: 120,
    })
    expect(describeSchedule(base)).toBe('每个工作日 17:00 前')
  })

  it('weekly and monthly send only their day', () => {
    const weekly = schedulePayload({ ...base, frequency: 'weekly', weekday: 5, cutoff: '12:00', remind_hours: 1.5 })
    expect(weekly).toEqual({ frequency: 'weekly', weekday: 5, cutoff: '12:00', active_from: '2026-11-26', active_to: '', remind_before_minutes: 90 })
    const monthly = schedulePayload({ ...base, frequency: 'monthly', month_day: 31, active_to: '2027-12-31' })
    expect(monthly).toMatchObject({ frequency: 'monthly', month_day: 31, active_to: '2027-12-31' })
    expect(monthly).not.toHaveProperty('weekday')
    expect(monthly).not.toHaveProperty('workdays_only')
  })

  it('custom dates are sorted without repeats', () => {
    const p = schedulePayload({ ...base, frequency: 'custom', custom_dates: ['2026-12-10', '2026-12-01', '2026-12-10'] })
    expect(p.custom_dates).toEqual(['2026-12-01', '2026-12-10'])
    expect(describeSchedule({ ...base, frequency: 'custom', custom_dates: ['2026-12-10', '2026-12-01'] })).toBe('指定的 2 个日期 17:00 前')
  })

  it('refuses what the server would refuse, by the same field names', () => {
    expect(scheduleErrors({ ...base, cutoff: '9:00' })).toHaveProperty('cutoff')
    expect(scheduleErrors({ ...base, cutoff: '24:00' })).toHaveProperty('cutoff')
    expect(scheduleErrors({ ...base, frequency: 'monthly', month_day: 32 })).toHaveProperty('month_day')
    expect(scheduleErrors({ ...base, frequency: 'weekly', weekday: 0 })).toHaveProperty('weekday')
    expect(scheduleErrors({ ...base, frequency: 'custom', custom_dates: [] })).toHaveProperty('custom_dates')
    expect(scheduleErrors({ ...base, active_to: '2026-11-01' })).toHaveProperty('active_to')
    expect(scheduleErrors(base)).toEqual({})
  })
})

describe('schedule editor', () => {
  afterEach(() => {
    document.body.innerHTML = ''
  })

  it('switching to weekly shows the weekday and yields a weekly payload', async () => {
    let state: ScheduleState = { ...base }
    const w = mount(ScheduleEditor, {
      props: { modelValue: state, 'onUpdate:modelValue': (v: ScheduleState) => ((state = v), w.setProps({ modelValue: v })) },
      attachTo: document.body,
    })
    await flushPromises()
    expect(document.body.querySelector('[data-test="schedule-workdays"]')).toBeTruthy()
    expect(document.body.querySelector('[data-test="schedule-weekday"]')).toBeNull()
    const weekly = document.body.querySelector<HTMLInputElement>('[data-test="schedule-frequency-weekly"] input')!
    weekly.checked = true
    weekly.dispatchEvent(new Event('change'))
    await flushPromises()
    expect(state.frequency).toBe('weekly')
    expect(document.body.querySelector('[data-test="schedule-weekday"]')).toBeTruthy()
    expect(document.body.querySelector('[data-test="schedule-workdays"]')).toBeNull()
    expect(schedulePayload(state)).toMatchObject({ frequency: 'weekly', weekday: 5, cutoff: '17:00' })
    expect(document.body.querySelector('[data-test="schedule-preview"]')?.textContent).toContain('每周五 17:00 前')
    w.unmount()
  })

  it('shows a bad cut-off beside the field', async () => {
    const w = mount(ScheduleEditor, { props: { modelValue: { ...base, cutoff: '7:00' } }, attachTo: document.body })
    await flushPromises()
    expect(document.body.textContent).toContain('截止时间应为 HH:MM 格式')
    w.unmount()
  })
})

describe('form designer', () => {
  afterEach(() => {
    document.body.innerHTML = ''
  })

  it('adds fields with fresh keys, reorders and checks them', () => {
    const fields: FormField[] = []
    fields.push(newField(fields))
    fields.push(newField(fields))
    expect(fields.map((f) => f.key)).toEqual(['field1', 'field2'])
    fields[0]!.label = '甲'
    fields[1]!.label = '乙'
    moveField(fields, 1, -1)
    expect(fields.map((f) => f.label)).toEqual(['乙', '甲'])
    moveField(fields, 0, -1) // already first: nothing moves
    expect(fields.map((f) => f.label)).toEqual(['乙', '甲'])
    fields[1]!.key = 'field2'
    expect(formErrors(fields)).toEqual({ 'form[1].key': '标识“field2”重复' })
    expect(formErrors([{ key: '1a', label: '', type: 'choice', required: false, options: [' '] }])).toEqual({
      'form[0].key': '标识应以字母开头，只含字母、数字和下划线',
      'form[0].label': '请填写名称',
      'form[0].options': '选项类型至少需要一个选项',
    })
  })

  it('cleans the definition for the API: parts that do not apply dropped', () => {
    const out = cleanForm([
      { key: 'a', label: ' 金额 ', type: 'number', required: true, unit: '万元', min: 0, max: null, options: ['x'] },
      { key: 'b', label: '说明', type: 'text', required: false, required_if: { field: 'a', equals: 1 }, min: 3 },
      { key: 'c', label: '等级', type: 'choice', required: true, options: [' 一般 ', ''], required_if: { field: 'a', equals: 2 } },
    ])
    expect(out).toEqual([
      { key: 'a', label: '金额', type: 'number', required: true, unit: '万元', min: 0 },
      { key: 'b', label: '说明', type: 'text', required: false, required_if: { field: 'a', equals: 1 } },
      { key: 'c', label: '等级', type: 'choice', required: true, options: ['一般'] },
    ])
  })

  it('adds, removes and moves fields through its buttons', async () => {
    let fields: FormField[] = [
      { key: 'has', label: '有无', type: 'bool', required: true },
      { key: 'what', label: '内容', type: 'text', required: false, required_if: { field: 'has', equals: true } },
    ]
    const w = mount(FormDesigner, {
      props: { modelValue: fields, 'onUpdate:modelValue': (v: FormField[]) => ((fields = v), w.setProps({ modelValue: v })) },
      attachTo: document.body,
    })
    await flushPromises()
    document.body.querySelector<HTMLElement>('[data-test="designer-add"]')!.click()
    await flushPromises()
    expect(fields.map((f) => f.key)).toEqual(['has', 'what', 'field3'])
    document.body.querySelector<HTMLElement>('[data-test="designer-field-2"] [data-test="designer-up"]')!.click()
    await flushPromises()
    expect(fields.map((f) => f.key)).toEqual(['has', 'field3', 'what'])
    // Removing a field drops the conditions on it.
    document.body.querySelector<HTMLElement>('[data-test="designer-field-0"] [data-test="designer-remove"]')!.click()
    await flushPromises()
    expect(fields.map((f) => f.key)).toEqual(['field3', 'what'])
    expect(fields[1]!.required_if).toBeNull()
    w.unmount()
  })
})
