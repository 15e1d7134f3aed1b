import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import MyWorkView from '@/views/supervision/MyWorkView.vue'
import type { MyWork } from '@/api/tasks'
import type { RoleCode } from '@/api/types'
import { setCsrfToken } from '@/api/http'
import { session } from '@/stores/session'
import { json, mockFetch, waitFor } from './helpers'
import { $, $$, mountAt, signInAs, task } from './SupervisionFixtures'

const empty: MyWork = { to_sign: [], to_report: [], to_finish: [], to_review: [], extensions: [], coordination: [], portfolio: [] }

async function open(roles: RoleCode[], work: Partial<MyWork>, extra: Parameters<typeof mockFetch>[0] = {}) {
  signInAs(...roles)
  const fetch = mockFetch({ 'GET /api/v1/supervision/my-work': () => json({ ...empty, ...work }), ...extra })
  const page = await mountAt(MyWorkView, '/supervision/my-work', '/supervision/my-work')
  await flushPromises()
  await waitFor(() => expect($('[data-test="mywork-chip-to_sign"], [data-test="mywork-empty"], [data-test^="mywork-chip-"]')).toBeTruthy())
  return { ...page, ...fetch }
}

const sections = () => $$('section[data-test^="mywork-"]').map((s) => s.dataset.test!.replace('mywork-', ''))

describe('my work', () => {
  beforeEach(() => setCsrfToken('csrf'))
  afterEach(() => {
    document.body.innerHTML = ''
    vi.unstubAllGlobals()
    session.user = null
  })

  it('gives a unit what it must sign, report and finish, each card with its primary action', async () => {
    const { wrapper } = await open(['unit_admin'], {
      to_sign: [task(1, { status: 'issued' })],
      to_report: [task(2), task(3)],
      to_finish: [task(4, { status: 'returned' })],
    })
    expect(sections()).toEqual(['to_sign', 'to_report', 'to_finish'])
    expect($$('[data-test="mywork-to_sign"] [data-test="mywork-sign"]')).toHaveLength(1)
    expect($$('[data-test="mywork-to_report"] [data-test="mywork-report"]')).toHaveLength(2)
    expect($$('[data-test="mywork-to_finish"] [data-test="mywork-finish"]')).toHaveLength(1)
    expect($('[data-test="mywork-chip-to_report"]')!.textContent).toContain('2')
    wrapper.unmount()
  })

  it('gives the supervision office completions and extensions to review', async () => {
    const { wrapper } = await open(['supervisor'], {
      to_review: [task(5, { status: 'requested' })],
      extensions: [
        {
          id: 8,
          task_id: 5,
          task_number: '示督〔2026〕5号',
          task_title: '任务5',
          old_deadline: '2026-09-30',
          new_deadline: '2026-10-31',
          reason: '连续降雨',
          status: 'pending',
          requested_by: '张伟',
          requested_at: '2026-09-20T00:00:00Z',
          decided_by: '',
          decided_at: null,
          decision_note: '',
        },
      ],
    })
    expect(sections()).toEqual(['to_review', 'extensions'])
    expect($('[data-test="mywork-review"]')).toBeTruthy()
    expect($('[data-test="mywork-approve"]')).toBeTruthy()
    expect($('[data-test="mywork-sign"]')).toBeNull()
    wrapper.unmount()
  })

  it('gives a leader coordination to answer and their portfolio, empty sections said so', async () => {
    const { wrapper } = await open(['leader'], { portfolio: [task(6), task(7)] })
    expect(sections()).toEqual(['coordination', 'portfolio'])
    expect($('[data-test="mywork-coordination"]')!.textContent).toContain('没有需要处理的事项')
    expect($$('[data-test="mywork-portfolio"] [data-test="task-card"]')).toHaveLength(2)
    wrapper.unmount()
  })

  it('shows a section outside the role when it has items', async () => {
    const { wrapper } = await open(['staff'], {
      coordination: [
        { id: 1, task_id: 2, task_number: 'n', task_title: 't', question: '用地指标', owner: { id: 1, name: '王建国' }, due_on: '2026-12-01', answer: '', answered_by: '', answered_at: null, status: 'open', overdue: false, created_at: '' },
      ],
    })
    expect(sections()).toEqual(['to_sign', 'to_report', 'to_finish', 'coordination'])
    wrapper.unmount()
  })

  it('signs for a task with one tap and reloads', async () => {
    const { wrapper, calls } = await open(['unit_admin'], { to_sign: [task(1, { status: 'issued' })] }, { 'POST /api/v1/tasks/1/sign': () => json(task(1, { status: 'signed' })) })
    $('[data-test="mywork-sign"]')!.click()
    await waitFor(() => expect(calls.filter((c) => c.method === 'POST' && c.url === '/api/v1/tasks/1/sign')).toHaveLength(1))
    await waitFor(() => expect(calls.filter((c) => c.url === '/api/v1/supervision/my-work')).toHaveLength(2))
    wrapper.unmount()
  })
})
