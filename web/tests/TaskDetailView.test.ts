import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import TaskDetailView from '@/views/supervision/TaskDetailView.vue'
import type { TaskAction, TaskDetail } from '@/api/tasks'
import { setCsrfToken } from '@/api/http'
import { session } from '@/stores/session'
import { apiError, json, mockFetch, waitFor } from './helpers'
import { $, $$, detail, mountAt, signInAs } from './SupervisionFixtures'

async function open(d: TaskDetail, extra: Parameters<typeof mockFetch>[0] = {}) {
  const fetch = mockFetch({ [`GET /api/v1/tasks/${d.id}`]: () => json(d), ...extra })
  const page = await mountAt(TaskDetailView, `/supervision/tasks/${d.id}`, '/supervision/tasks/:id')
  await flushPromises()
  await waitFor(() => expect($('[data-test="task-head"]')).toBeTruthy())
  return { ...page, ...fetch }
}

const buttons = () => $$('[data-test^="task-action-"]').map((b) => b.dataset.test!.replace('task-action-', ''))

describe('task page', () => {
  beforeEach(() => {
    setCsrfToken('csrf')
    signInAs('unit_admin')
  })
  afterEach(() => {
    document.body.innerHTML = ''
    vi.unstubAllGlobals()
    session.user = null
  })

  it('shows the number, title, light and its reason', async () => {
    const { wrapper } = await open(detail(5, { light: 'red', light_reason: '已逾期3个工作日' }))
    expect($('[data-test="task-number"]')!.textContent).toBe('示督〔2026〕5号')
    expect($('[data-test="task-title"]')!.textContent).toBe('任务5')
    expect($('[data-test="task-head"] [data-test="task-light"]')!.dataset.light).toBe('red')
    expect($('[data-test="task-light-reason"]')!.textContent).toContain('已逾期3个工作日')
    wrapper.unmount()
  })

  it.each<[TaskAction[], string[]]>([
    [['sign', 'extend'], ['sign', 'extend']],
    [['report', 'request', 'extend', 'split', 'milestone'], ['report', 'request', 'extend', 'split']],
    [['edit', 'close', 'return', 'remind', 'notice', 'interview', 'decide'], ['close', 'return', 'remind', 'notice', 'interview', 'edit']],
    [['edit', 'issue', 'delete'], ['issue', 'edit', 'delete']],
  ])('shows exactly the buttons of can %j', async (can, shown) => {
    const { wrapper } = await open(detail(5, { can }))
    expect(buttons()).toEqual(shown)
    wrapper.unmount()
  })

  it('shows no action bar when nothing may be done', async () => {
    const { wrapper } = await open(detail(5, { can: [] }))
    expect($('[data-test="task-actions-bar"]')).toBeNull()
    wrapper.unmount()
  })

  it('asks before signing for, then signs and reloads', async () => {
    const d = detail(5, { status: 'issued', can: ['sign'] })
    const { wrapper, calls } = await open(d, { 'POST /api/v1/tasks/5/sign': () => json({ ...d, status: 'signed' }) })
    $('[data-test="task-action-sign"]')!.click()
    await waitFor(() => expect($('.el-message-box')).toBeTruthy())
    expect(calls.some((c) => c.method === 'POST')).toBe(false)
    $('.el-message-box__btns .el-button--primary')!.click()
    await waitFor(() => expect(calls.filter((c) => c.method === 'POST' && c.url === '/api/v1/tasks/5/sign')).toHaveLength(1))
    await waitFor(() => expect(calls.filter((c) => c.method === 'GET' && c.url === '/api/v1/tasks/5')).toHaveLength(2))
    wrapper.unmount()
  })

  it('requires a reason to return a task and confirms before sending it', async () => {
    signInAs('supervisor')
    const d = detail(5, { status: 'requested', can: ['close', 'return'] })
    const { wrapper, calls } = await open(d, { 'POST /api/v1/tasks/5/return': () => json({ ...d, status: 'returned' }) })
    $('[data-test="task-action-return"]')!.click()
    await waitFor(() => expect($('[data-test="task-dialog-return-submit"]')).toBeTruthy())
    $('[data-test="task-dialog-return-submit"]')!.click()
    await waitFor(() => expect(document.body.textContent).toContain('请填写退回原因'))
    const text = $('textarea[data-test="task-dialog-return-text"]') as HTMLTextAreaElement
    text.value = '佐证材料不全'
    text.dispatchEvent(new Event('input'))
    await flushPromises()
    $('[data-test="task-dialog-return-submit"]')!.click()
    await waitFor(() => expect($('.el-message-box')).toBeTruthy())
    $('.el-message-box__btns .el-button--primary')!.click()
    await waitFor(() => expect(calls.filter((c) => c.url === '/api/v1/tasks/5/return')).toHaveLength(1))
    expect(calls.find((c) => c.url === '/api/v1/tasks/5/return')!.body).toEqual({ reason: '佐证材料不全' })
    wrapper.unmount()
  })

  it('shows the return reason of a returned task and marks the step', async () => {
    const { wrapper } = await open(
      detail(5, {
        status: 'returned',
        completions: [
          { id: 1, summary: '已完成', file_ids: [3], requested_by: '张伟', requested_at: '2026-11-01T00:00:00Z', outcome: 'returned', decided_by: '督查室', decided_at: '2026-11-02T00:00:00Z', note: '缺少验收报告' },
        ],
      }),
    )
    expect($('[data-test="task-returned-reason"]')!.textContent).toContain('缺少验收报告')
    expect($('[data-step="returned"]')!.dataset.state).toBe('error')
    wrapper.unmount()
  })

  it('says so when the task is missing or out of scope', async () => {
    mockFetch({ 'GET /api/v1/tasks/9': () => apiError(404, 'not_found', '任务不存在') })
    const { wrapper } = await mountAt(TaskDetailView, '/supervision/tasks/9', '/supervision/tasks/:id')
    await waitFor(() => expect(document.body.textContent).toContain('任务不存在或不在您的查看范围内'))
    wrapper.unmount()
  })
})
