import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { nextTick } from 'vue'
import ImportDialog from '@/components/ImportDialog.vue'
import type { ImportJob } from '@/api/types'
import { apiError, json, mockFetch, waitFor } from './helpers'

function job(over: Partial<ImportJob>): ImportJob {
  return {
    id: 42,
    kind: 'units',
    file_name: 'units.xlsx',
    status: 'running',
    total: 10,
    done: 0,
    created: 0,
    updated: 0,
    unchanged: 0,
    message: '',
    errors: [],
    ...over,
  }
}

const body = () => document.body
const $ = (sel: string) => body().querySelector<HTMLElement>(sel)

async function mountDialog() {
  const wrapper = mount(ImportDialog, {
    props: {
      modelValue: false,
      kind: 'units' as const,
      templateUrl: '/api/v1/units/import-template',
      uploadUrl: '/api/v1/units/imports',
      interval: 5,
      'onUpdate:modelValue': (v: boolean) => wrapper.setProps({ modelValue: v }),
    },
    attachTo: body(),
  })
  await wrapper.setProps({ modelValue: true })
  await nextTick()
  return wrapper
}

/** The status of each step (wait, process, success, error), from the step titles. */
function stepStates(): string[] {
  return Array.from(body().querySelectorAll<HTMLElement>('.el-step .el-step__title')).map(
    (el) => ['wait', 'process', 'finish', 'success', 'error'].find((s) => el.classList.contains(`is-${s}`)) ?? '?',
  )
}

async function chooseFile(name = 'units.xlsx') {
  const input = $('[data-test="import-file"]') as HTMLInputElement
  expect(input).toBeTruthy()
  const file = new File(['PK'], name, { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' })
  Object.defineProperty(input, 'files', { value: [file], configurable: true })
  input.dispatchEvent(new Event('change'))
  await flushPromises()
}

describe('ImportDialog', () => {
  afterEach(() => {
    document.body.innerHTML = ''
    vi.unstubAllGlobals()
  })

  it('uploads, shows a progress bar with done/total while polling, then the counts', async () => {
    const progress = [job({ done: 4 }), job({ done: 8 }), job({ status: 'done', done: 10, created: 6, updated: 3, unchanged: 1 })]
    const { calls } = mockFetch({
      'POST /api/v1/units/imports': () => json(job({ done: 0 }), 202),
      'GET /api/v1/imports/42': () => json(progress.shift() ?? job({ status: 'done', done: 10, created: 6, updated: 3, unchanged: 1 })),
    })
    const wrapper = await mountDialog()
    await chooseFile()

    // Step 2: a bar with done/total, not a spinner.
    const bar = $('[data-test="import-progress"]')
    expect(bar).toBeTruthy()
    expect(bar!.querySelector('.el-progress--line')).toBeTruthy()
    expect(bar!.textContent).toMatch(/\d+ \/ 10/)

    await waitFor(() => expect($('[data-test="import-result"]')).toBeTruthy())
    expect($('[data-test="import-result"]')!.dataset.outcome).toBe('success')
    expect($('[data-test="import-created"]')!.textContent).toBe('6')
    expect($('[data-test="import-updated"]')!.textContent).toBe('3')
    expect($('[data-test="import-unchanged"]')!.textContent).toBe('1')
    // All three steps are finished, none is left "in progress".
    await waitFor(() => expect(stepStates()).toEqual(['success', 'success', 'success']))

    const upload = calls.find((c) => c.method === 'POST')!
    expect(upload.body).toBeInstanceOf(FormData)
    expect((upload.body as FormData).get('file')).toBeInstanceOf(File)
    expect(calls.filter((c) => c.url === '/api/v1/imports/42').length).toBeGreaterThanOrEqual(3)
    expect(wrapper.emitted('done')).toHaveLength(1)
    wrapper.unmount()
  })

  it('shows the progress values while the job runs', async () => {
    let release!: () => void
    const gate = new Promise<void>((r) => (release = r))
    mockFetch({
      'POST /api/v1/units/imports': () => json(job({ done: 3, total: 12 }), 202),
      'GET /api/v1/imports/42': async () => {
        await gate
        return json(job({ status: 'done', done: 12, total: 12, created: 12 }))
      },
    })
    const wrapper = await mountDialog()
    await chooseFile()
    const bar = $('[data-test="import-progress"]')!
    await waitFor(() => expect(stepStates()).toEqual(['success', 'process', 'wait']))
    expect(bar.dataset.done).toBe('3')
    expect(bar.dataset.total).toBe('12')
    expect(bar.textContent).toContain('3 / 12')
    expect(bar.querySelector('.el-progress-bar__inner')!.getAttribute('style')).toContain('width: 25%')
    release()
    await waitFor(() => expect($('[data-test="import-result"]')).toBeTruthy())
    wrapper.unmount()
  })

  it('lists row errors, offers the error sheet and lets the user choose another file', async () => {
    const errors = [
      { row: 5, column: '单位编码', message: '编码已存在' },
      { row: 9, column: '上级单位', message: '找不到上级单位“东城镇”' },
    ]
    const { calls } = mockFetch({
      'POST /api/v1/units/imports': () => json(job({}), 202),
      'GET /api/v1/imports/42': () => json(job({ status: 'done', done: 10, errors })),
      'GET /api/v1/imports/42/errors': () =>
        new Response(new Blob(['PK']), { headers: { 'Content-Disposition': 'attachment; filename="units-errors.xlsx"' } }),
    })
    vi.stubGlobal('URL', Object.assign(URL, { createObjectURL: () => 'blob:x', revokeObjectURL: () => undefined }))
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => undefined)
    const wrapper = await mountDialog()
    await chooseFile()
    await waitFor(() => expect($('[data-test="import-errors"]')).toBeTruthy())

    expect($('[data-test="import-result"]')!.dataset.outcome).toBe('errors')
    // The processing step failed: no green tick on it, step 3 not reached.
    await waitFor(() => expect(stepStates()).toEqual(['success', 'error', 'wait']))
    const table = $('[data-test="import-errors"]')!
    expect(table.textContent).toContain('编码已存在')
    expect(table.textContent).toContain('单位编码')
    expect(table.textContent).toContain('找不到上级单位“东城镇”')
    expect(wrapper.emitted('done')).toBeUndefined()

    $('[data-test="import-download-errors"]')!.click()
    await flushPromises()
    expect(calls.some((c) => c.url === '/api/v1/imports/42/errors')).toBe(true)
    expect(click).toHaveBeenCalled()

    $('[data-test="import-retry"]')!.click()
    await flushPromises()
    expect($('[data-test="import-file"]')).toBeTruthy()
    expect($('[data-test="import-result"]')).toBeNull()
    await waitFor(() => expect(stepStates()).toEqual(['process', 'wait', 'wait']))
    wrapper.unmount()
  })

  it('shows the server message when the upload is refused and stays on step 1', async () => {
    mockFetch({ 'POST /api/v1/units/imports': () => apiError(415, 'unsupported_media_type', '文件类型不允许') })
    const wrapper = await mountDialog()
    await chooseFile()
    expect($('[data-test="import-upload-error"]')!.textContent).toContain('文件类型不允许')
    expect($('[data-test="import-file"]')).toBeTruthy()
    await waitFor(() => expect(stepStates()).toEqual(['error', 'wait', 'wait']))
    wrapper.unmount()
  })

  it('refuses files that are not .xlsx without uploading', async () => {
    const { calls } = mockFetch({})
    const wrapper = await mountDialog()
    await chooseFile('units.xls')
    expect(calls).toHaveLength(0)
    expect($('[data-test="import-upload-error"]')).toBeTruthy()
    wrapper.unmount()
  })

  it('shows a failed job with its message', async () => {
    mockFetch({
      'POST /api/v1/units/imports': () => json(job({}), 202),
      'GET /api/v1/imports/42': () => json(job({ status: 'failed', message: '工作表“单位”不存在' })),
    })
    const wrapper = await mountDialog()
    await chooseFile()
    await waitFor(() => expect($('[data-test="import-result"]')).toBeTruthy())
    expect($('[data-test="import-result"]')!.dataset.outcome).toBe('failed')
    expect($('[data-test="import-result"]')!.textContent).toContain('工作表“单位”不存在')
    await waitFor(() => expect(stepStates()).toEqual(['success', 'error', 'wait']))
    wrapper.unmount()
  })
})
