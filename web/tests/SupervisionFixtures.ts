// Shared data and mounting for the supervision page tests (not a test file itself).
import { mount } from '@vue/test-utils'
import { createMemoryHistory, createRouter } from 'vue-router'
import type { Component } from 'vue'
import type { Task, TaskDetail } from '@/api/tasks'
import type { RoleCode } from '@/api/types'
import { session } from '@/stores/session'

export function task(id: number, over: Partial<Task> = {}): Task {
  return {
    id,
    number: `示督〔2026〕${id}号`,
    title: `任务${id}`,
    requirements: '9月底前完成',
    kind: 'once',
    report_cycle: 'month',
    source: { id: 1, name: '7-8月调度会' },
    leaders: [{ id: 5, name: '王明' }],
    lead_unit: { id: 10, name: '青石镇' },
    co_units: [{ id: 11, name: '区财政局' }],
    responsible_name: '张伟',
    responsible_phone: '138****1234',
    tags: ['项目建设'],
    start_on: '2026-07-01',
    deadline: '2026-12-31',
    status: 'in_progress',
    progress: 40,
    time_progress: 60,
    light: 'green',
    light_reason: '',
    days_left: 20,
    sign_due: '2026-07-02',
    issued_at: '2026-07-01T01:00:00Z',
    signed_at: '2026-07-01T03:00:00Z',
    closed_at: null,
    last_report_at: null,
    subtask_count: 0,
    created_at: '2026-07-01T00:00:00Z',
    updated_at: '2026-07-01T00:00:00Z',
    ...over,
  }
}

export function detail(id: number, over: Partial<TaskDetail> = {}): TaskDetail {
  return {
    ...task(id),
    milestones: [{ id: 1, name: '开工', due_on: '2026-08-01', weight: 50, done_on: '2026-07-30', late: false }],
    subtasks: [],
    reports: [],
    coordination: [],
    extensions: [],
    actions: [],
    completions: [],
    files: [],
    timeline: [{ kind: 'issue', summary: '下发任务', note: '', actor: '督查室', at: '2026-07-01T01:00:00Z' }],
    can: [],
    ...over,
  }
}

export function signInAs(...roles: RoleCode[]): void {
  session.loaded = true
  session.user = {
    id: 1,
    username: 'u',
    real_name: '王建国',
    phone: '',
    unit_id: 10,
    unit_name: '青石镇',
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

/** Mounts a page at `path` with a router that knows the supervision routes. */
export async function mountAt(component: Component, path: string, pattern: string) {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: pattern, component },
      { path: '/:rest(.*)*', component: { template: '<div />' } },
    ],
  })
  await router.push(path)
  const wrapper = mount(component, { attachTo: document.body, global: { plugins: [router] } })
  return { wrapper, router }
}

export const $ = (sel: string) => document.body.querySelector<HTMLElement>(sel)
export const $$ = (sel: string) => Array.from(document.body.querySelectorAll<HTMLElement>(sel))
