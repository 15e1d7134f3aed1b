import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import JobsView from '@/views/jobs/JobsView.vue'
import type { Job, JobRun } from '@/api/jobs'
import type { User } from '@/api/types'
import { session } from '@/stores/session'
import { setCsrfToken } from '@/api/http'
import { formatDuration } from '@/views/jobs/status'
import { json, mockFetch, query, waitFor } from './helpers'

const $ = (sel: string) => document.body.querySelector<HTMLElement>(sel)
const $$ = (sel: string) => Array.from(document.body.querySelectorAll<HTMLElement>(sel))

function job(name: string, over: Partial<Job> = {}): Job {
  return {
    name,
    title: '重算亮灯',
    schedule: '每天 09:00',
    schedule_en: 'daily at 09:00',
    next_run_at: '2026-11-27T01:00:00Z',
    retry_at: null,
    failures: 0,
    due: false,
    running: false,
    running_on: '',
    last_as_of: '2026-11-26T01:00:00Z',
    last_started_at: '2026-11-26T01:00:05Z',
    last_finished_at: '2026-11-26T01:00:06Z',
    last_status: 'ok',
    last_error: '',
    last_duration_ms: 1250,
    runs: 12,
    ...over,
  }
}

function run(id: number, over: Partial<JobRun> = {}): JobRun {
  return {
    id,
    name: 'tasks.lights',
    as_of: '2026-11-26T01:00:00Z',
    started_at: '2026-11-26T01:00:05Z',
    finished_at: '2026-11-26T01:00:06Z',
    status: 'ok',
    error: '',
    duration_ms: 850,
    owner: 'app-1:4242:a1b2c3',
    manual: false,
    triggered_by: '',
    ...over,
  }
}

function signInAs(...roles: User['roles']) {
  session.loaded = true
  session.user = {
    id: 1,
    username: 'admin',
    real_name: '王建国',
    phone: '',
    unit_id: 1,
    unit_name: '示范区',
    position: '',
    roles,
    active: true,
    locked: false,
    locked_until: null,
    must_change_password: false,
    last_login_at: null,
    created_at: '2026-01-01T00:00:00Z',
  }
}

const jobs = [
  job('tasks.lights'),
  job('reports.remind', {
    title: '报送截止提醒',
    schedule: '每 5 分钟',
    last_status: 'error',
    last_error: '数据库忙',
    failures: 2,
    retry_at: '2026-11-26T01:10:00Z',
  }),
  job('notify.digest', { title: '推送汇总', last_status: '', last_started_at: null, runs: 0, due: true }),
  job('scoring.recalc', { title: '积分重算', running: true, running_on: 'app-2:77:ffeedd', last_status: 'running' }),
]

async function mountPage() {
  const wrapper = mount(JobsView, { attachTo: document.body })
  await flushPromises()
  await waitFor(() => expect($$('[data-test="job-status"]').length).toBe(jobs.length))
  return wrapper
}

describe('scheduled jobs page', () => {
  beforeEach(() => {
    setCsrfToken('csrf-1')
    signInAs('admin')
  })
  afterEach(() => {
    document.body.innerHTML = ''
    vi.unstubAllGlobals()
    session.user = null
  })

  it('shows each job with its schedule, next run, status tag and error', async () => {
    mockFetch({ 'GET /api/v1/jobs': () => json({ items: jobs, total: jobs.length }) })
    const wrapper = await mountPage()
    const statuses = $$('[data-test="job-status"]').map((e) => [e.dataset.status, e.textContent?.trim()])
    expect(statuses).toEqual([
      ['ok', '成功'],
      ['error', '失败'],
      ['', '未运行'],
      ['running', '运行中'],
    ])
    const text = $('[data-test="jobs-table"]')!.textContent!
    expect(text).toContain('每天 09:00')
    expect(text).toContain('2026-11-27 09:00') // next run in Beijing time
    expect(text).toContain('数据库忙')
    expect(text).toContain('第 2 次失败，2026-11-26 09:10 重试')
    expect(text).toContain('运行于 app-2:77:ffeedd')
    expect(text).toContain('待运行')
    expect(text).toContain('1.3 秒')
    const buttons = $$('[data-test="job-run"]') as HTMLButtonElement[]
    expect(buttons).toHaveLength(4)
    expect(buttons[3].disabled).toBe(true) // already running
    wrapper.unmount()
  })

  it('runs a job after confirmation and reloads the list', async () => {
    let listed = 0
    const { calls } = mockFetch({
      'GET /api/v1/jobs': () => {
        listed++
        return json({ items: jobs, total: jobs.length })
      },
      'POST /api/v1/jobs/tasks.lights/run': () => json(run(9, { manual: true, triggered_by: 'admin' })),
    })
    const wrapper = await mountPage()
    $$('[data-test="job-run"]')[0].click()
    await waitFor(() => expect($('.el-message-box')?.textContent).toContain('确定立即运行“重算亮灯”'))
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(0)
    $('.el-message-box__btns .el-button--primary')!.click()
    await waitFor(() => expect(calls.filter((c) => c.method === 'POST')).toHaveLength(1))
    expect(calls.find((c) => c.method === 'POST')!.headers['X-CSRF-Token']).toBe('csrf-1')
    await waitFor(() => expect(listed).toBe(2))
    await waitFor(() => expect(document.body.textContent).toContain('“重算亮灯”运行成功'))
    wrapper.unmount()
  })

  it('shows recent runs in the expanded row', async () => {
    const { calls } = mockFetch({
      'GET /api/v1/jobs': () => json({ items: jobs, total: jobs.length }),
      'GET /api/v1/jobs/reports.remind/runs': () =>
        json({
          items: [
            run(3, { name: 'reports.remind', status: 'error', error: '数据库忙', manual: true, triggered_by: 'admin' }),
            run(2, { name: 'reports.remind' }),
          ],
          total: 2,
        }),
    })
    const wrapper = await mountPage()
    $$('.el-table__expand-icon')[1].click()
    await waitFor(() => expect($$('[data-test="job-run-status"]').length).toBe(2))
    expect(query(calls.find((c) => c.url.includes('/runs'))!.url)).toEqual({ page: '1', page_size: '10' })
    const runs = $('[data-test="job-runs"][data-job="reports.remind"]')!.textContent!
    expect(runs).toContain('手动（admin）')
    expect(runs).toContain('自动')
    expect(runs).toContain('850 毫秒')
    expect($$('[data-test="job-run-status"]').map((e) => e.dataset.status)).toEqual(['error', 'ok'])
    wrapper.unmount()
  })

  it('shows no run button to a supervisor, and an empty state', async () => {
    signInAs('supervisor')
    mockFetch({ 'GET /api/v1/jobs': () => json({ items: [], total: 0 }) })
    const wrapper = mount(JobsView, { attachTo: document.body })
    await waitFor(() => expect($('.el-empty')?.textContent).toContain('暂无定时任务'))
    expect($('[data-test="job-run"]')).toBeNull()
    wrapper.unmount()
  })

  it('formats durations', () => {
    expect(formatDuration(850)).toBe('850 毫秒')
    expect(formatDuration(12_500)).toBe('13 秒')
    expect(formatDuration(125_000)).toBe('2 分 5 秒')
  })
})
