import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import TaskFormDialog from '@/views/supervision/TaskFormDialog.vue'
import { metaState, resetMeta } from '@/stores/meta'
import { setCsrfToken } from '@/api/http'
import { apiError, json, mockFetch, waitFor } from './helpers'
import { $, $$, detail, signInAs, task } from './SupervisionFixtures'

const sources = { items: [{ id: 3, kind: 'meeting', meeting_kind: 'dispatch', title: '7-8月调度会', held_on: '2026-08-28', year: 2026, chair: '', body: '', document: '', task_count: 0, open_count: 0, created_at: '' }], total: 1 }
const leaders = { items: [{ id: 5, username: 'leader1', real_name: '王明', roles: ['leader'], position: '副区长' }], total: 1 }

function routes(extra: Record<string, Parameters<typeof mockFetch>[0][string]> = {}) {
  return mockFetch({
    'GET /api/v1/task-sources': () => json(sources),
    'GET /api/v1/users': () => json(leaders),
    ...extra,
  })
}

type FormState = { form: Record<string, unknown> & { milestones: { name: string; due_on: string | null; weight: number }[] } }

async function open(props: Record<string, unknown> = {}) {
  const wrapper = mount(TaskFormDialog, {
    props: { modelValue: false, ...props, 'onUpdate:modelValue': (v: boolean) => wrapper.setProps({ modelValue: v }) },
    attachTo: document.body,
  })
  await wrapper.setProps({ modelValue: true })
  await flushPromises()
  const state = (wrapper.vm as unknown as { $: { setupState: FormState } }).$.setupState
  return { wrapper, state }
}

function type(sel: string, value: string) {
  const input = $(sel) as HTMLInputElement
  input.value = value
  input.dispatchEvent(new Event('input'))
}

const itemOf = (sel: string) => $(sel)!.closest('.el-form-item')!

describe('task form', () => {
  beforeEach(() => {
    resetMeta()
    setCsrfToken('csrf')
    signInAs('supervisor')
    metaState.tree = [{ id: 1, name: '示范区', short_name: '', code: 'D', kind: 'district', active: true, children: [{ id: 10, name: '青石镇', short_name: '', code: 'QS', kind: 'town', active: true, children: [] }] }]
    metaState.treeLoaded = true
  })
  afterEach(() => {
    document.body.innerHTML = ''
    vi.unstubAllGlobals()
  })

  it('checks the required fields before sending anything', async () => {
    const { calls } = routes()
    const { wrapper } = await open()
    $('[data-test="task-form-save"]')!.click()
    await waitFor(() => expect($$('.el-form-item__error').length).toBeGreaterThanOrEqual(4))
    const text = document.body.textContent!
    expect(text).toContain('请输入任务名称')
    expect(text).toContain('请选择任务来源')
    expect(text).toContain('请选择牵头单位')
    expect(text).toContain('请选择完成时限')
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(0)
    wrapper.unmount()
  })

  it('adds and removes milestone rows and checks each against the deadline', async () => {
    const { calls } = routes()
    const { wrapper, state } = await open()
    $('[data-test="milestone-add"]')!.click()
    await flushPromises()
    $('[data-test="milestone-add"]')!.click()
    await flushPromises()
    expect($$('input[data-test="milestone-name"]')).toHaveLength(2)
    $$('[data-test="milestone-remove"]')[1].click()
    await flushPromises()
    expect($$('input[data-test="milestone-name"]')).toHaveLength(1)

    Object.assign(state.form, { source_id: 3, lead_unit_id: 10, start_on: '2026-07-01', deadline: '2026-09-30' })
    state.form.milestones[0].name = '主体完工'
    state.form.milestones[0].due_on = '2026-10-15'
    state.form.milestones[0].weight = 60
    type('input[data-test="task-form-title"]', '标准厂房建设')
    await flushPromises()
    expect($('[data-test="milestone-weight-sum"]')!.textContent).toContain('权重合计 60')
    $('[data-test="task-form-save"]')!.click()
    await waitFor(() => expect(itemOf('[data-test="milestone-due"]').textContent).toContain('节点不能晚于完成时限'))
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(0)
    wrapper.unmount()
  })

  it('puts the server’s 422 messages beside the fields and the milestone cells', async () => {
    const { calls } = routes({
      'POST /api/v1/tasks': () =>
        apiError(422, 'validation', '数据校验未通过', {
          deadline: '完成时限不能早于开始日期',
          'milestones[0].due_on': '节点“开工”不能早于开始日期',
          lead_unit_id: '单位不在您的管辖范围内',
        }),
    })
    const { wrapper, state } = await open()
    $('[data-test="milestone-add"]')!.click()
    await flushPromises()
    Object.assign(state.form, { source_id: 3, lead_unit_id: 10, start_on: '2026-07-01', deadline: '2026-09-30', leader_ids: [5], tags: ['项目建设'] })
    Object.assign(state.form.milestones[0], { name: '开工', due_on: '2026-08-01', weight: 100 })
    type('input[data-test="task-form-title"]', '标准厂房建设')
    await flushPromises()
    $('[data-test="task-form-save"]')!.click()
    await waitFor(() => expect(calls.filter((c) => c.method === 'POST')).toHaveLength(1))
    const body = calls.find((c) => c.method === 'POST')!.body
    expect(body).toMatchObject({
      source_id: 3,
      title: '标准厂房建设',
      lead_unit_id: 10,
      leader_ids: [5],
      start_on: '2026-07-01', deadline: '2026-09-30',
      tags: ['项目建设'],
      milestones: [{ id: 0, name: '开工', due_on: '2026-08-01', weight: 100 }],
    })
    expect(body).not.toHaveProperty('issue')
    expect(body).not.toHaveProperty('responsible_phone')
    await waitFor(() => expect(itemOf('[data-test="task-form-deadline"]').textContent).toContain('完成时限不能早于开始日期'))
    expect(itemOf('[data-test="task-form-deadline"]').classList.contains('is-error')).toBe(true)
    await waitFor(() => expect(itemOf('[data-test="milestone-due"]').textContent).toContain('节点“开工”不能早于开始日期'))
    await waitFor(() => expect(itemOf('[data-test="task-form-lead-unit"]').textContent).toContain('单位不在您的管辖范围内'))
    expect(wrapper.emitted('saved')).toBeUndefined()
    wrapper.unmount()
  })

  it('asks before saving and issuing, then sends issue: true', async () => {
    const { calls } = routes({ 'POST /api/v1/tasks': () => json(task(9, { status: 'issued' }), 201) })
    const { wrapper, state } = await open()
    Object.assign(state.form, { source_id: 3, lead_unit_id: 10, start_on: '2026-07-01', deadline: '2026-09-30' })
    type('input[data-test="task-form-title"]', '标准厂房建设')
    await flushPromises()
    $('[data-test="task-form-issue"]')!.click()
    await waitFor(() => expect($('.el-message-box')).toBeTruthy())
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(0)
    $('.el-message-box__btns .el-button--primary')!.click()
    await waitFor(() => expect(calls.filter((c) => c.method === 'POST')).toHaveLength(1))
    expect(calls.find((c) => c.method === 'POST')!.body).toMatchObject({ issue: true })
    await waitFor(() => expect(wrapper.emitted('saved')?.[0]?.[0]).toMatchObject({ id: 9 }))
    wrapper.unmount()
  })

  it('edits with PATCH and leaves the masked phone alone; long-term work has no deadline', async () => {
    const { calls } = routes({ 'PATCH /api/v1/tasks/7': () => json(task(7)) })
    const { wrapper, state } = await open({ task: detail(7, { status: 'draft' }) })
    expect(($('input[data-test="task-form-title"]') as HTMLInputElement).value).toBe('任务7')
    expect(($('input[data-test="task-form-phone"]') as HTMLInputElement).placeholder).toContain('138****1234')
    state.form.kind = 'longterm'
    await flushPromises()
    expect(state.form.deadline).toBe('')
    $('[data-test="task-form-save"]')!.click()
    await waitFor(() => expect(calls.filter((c) => c.method === 'PATCH')).toHaveLength(1))
    const body = calls.find((c) => c.method === 'PATCH')!.body as Record<string, unknown>
    expect(body).toMatchObject({ kind: 'longterm', deadline: null, lead_unit_id: 10, milestones: [{ id: 1, name: '开工' }] })
    expect(body).not.toHaveProperty('responsible_phone')
    wrapper.unmount()
  })
})
