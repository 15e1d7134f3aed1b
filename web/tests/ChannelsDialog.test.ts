import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import ChannelFormDialog from '@/views/channels/ChannelFormDialog.vue'
import type { Channel } from '@/api/notify'
import { metaState, resetMeta } from '@/stores/meta'
import { apiError, json, mockFetch, waitFor } from './helpers'

const $ = (sel: string) => document.body.querySelector<HTMLElement>(sel)

function type(sel: string, value: string) {
  const input = $(sel) as HTMLInputElement
  input.value = value
  input.dispatchEvent(new Event('input'))
}

function channel(over: Partial<Channel> = {}): Channel {
  return {
    id: 3,
    name: '区政府办督查群',
    kind: 'dingtalk',
    url: 'https://oapi.dingtalk.com/robot/send?access_token=abc',
    secret_set: true,
    unit_id: null,
    unit_name: '',
    kinds: ['task.'],
    active: true,
    counts: {},
    created_at: '2026-11-26T01:00:00Z',
    updated_at: '2026-11-26T01:00:00Z',
    ...over,
  }
}

type FormState = { form: { kind: string; kinds: string[] } }
const state = (w: { vm: unknown }) => (w.vm as { $: { setupState: FormState } }).$.setupState

async function open(ch: Channel | null) {
  const wrapper = mount(ChannelFormDialog, {
    props: { modelValue: false, channel: ch, kinds: [{ code: 'task.remind', name: '催办', name_en: 'Reminder' }], 'onUpdate:modelValue': (v: boolean) => wrapper.setProps({ modelValue: v }) },
    attachTo: document.body,
  })
  await wrapper.setProps({ modelValue: true })
  await flushPromises()
  return wrapper
}

async function submit() {
  $('[data-test="channel-form-submit"]')!.click()
  await flushPromises()
}

const errorOf = (sel: string) => $(sel)?.closest('.el-form-item')?.querySelector('.el-form-item__error')?.textContent ?? ''

describe('channel form', () => {
  beforeEach(() => {
    resetMeta()
    metaState.tree = [{ id: 1, name: '示范区', short_name: '', code: 'D', kind: 'district', active: true, children: [] }]
    metaState.treeLoaded = true
  })
  afterEach(() => {
    document.body.innerHTML = ''
    vi.unstubAllGlobals()
  })

  it('checks name, type and URL before sending anything', async () => {
    const { calls } = mockFetch({})
    const wrapper = await open(null)
    await submit()
    await waitFor(() => expect(document.body.querySelectorAll('.el-form-item__error').length).toBeGreaterThanOrEqual(3))
    expect(errorOf('[data-test="channel-form-name"]')).toContain('请输入通道名称')
    expect(errorOf('[data-test="channel-form-url"]')).toContain('请输入Webhook 地址')
    expect(document.body.textContent).toContain('请选择通道类型')
    expect(calls).toHaveLength(0)
    wrapper.unmount()
  })

  it('refuses a URL that is not http(s) and a malformed message kind', async () => {
    const { calls } = mockFetch({})
    const wrapper = await open(null)
    type('input[data-test="channel-form-name"]', '督查群')
    type('input[data-test="channel-form-url"]', 'ftp://example.gov.cn/hook')
    state(wrapper).form.kind = 'webhook'
    state(wrapper).form.kinds = ['Task Remind']
    await flushPromises()
    await submit()
    await waitFor(() => expect(errorOf('[data-test="channel-form-url"]')).toContain('https://'))
    await waitFor(() => expect(document.body.textContent).toContain('消息类型“Task Remind”格式不正确'))
    expect(calls).toHaveLength(0)
    wrapper.unmount()
  })

  it('creates a channel with its secret and shows where to get the URL', async () => {
    const { calls } = mockFetch({ 'POST /api/v1/notify-channels': (c) => json({ ...channel(), ...(c.body as object), id: 8 }, 201) })
    const wrapper = await open(null)
    ;($('[data-test="channel-kind-feishu"] input') as HTMLInputElement).click()
    await flushPromises()
    expect($('[data-test="channel-form-hint"]')?.textContent).toContain('飞书群')
    type('input[data-test="channel-form-name"]', '青石镇飞书群')
    type('input[data-test="channel-form-url"]', 'https://open.feishu.cn/open-apis/bot/v2/hook/xyz')
    type('input[data-test="channel-form-secret"]', 'fs-secret')
    state(wrapper).form.kinds = ['task.remind', 'report.']
    await flushPromises()
    await submit()
    await waitFor(() => expect(calls).toHaveLength(1))
    expect(calls[0].body).toEqual({
      name: '青石镇飞书群',
      kind: 'feishu',
      url: 'https://open.feishu.cn/open-apis/bot/v2/hook/xyz',
      secret: 'fs-secret',
      unit_id: 0,
      kinds: ['task.remind', 'report.'],
      active: true,
    })
    await waitFor(() => expect(wrapper.emitted('saved')).toHaveLength(1))
    wrapper.unmount()
  })

  it('keeps a set secret unless a new one is typed or it is cleared', async () => {
    const { calls } = mockFetch({ 'PATCH /api/v1/notify-channels/3': () => json(channel()) })
    const wrapper = await open(channel())
    const secret = $('input[data-test="channel-form-secret"]') as HTMLInputElement
    expect(secret.value).toBe('')
    expect(secret.placeholder).toContain('留空则保持不变')
    await submit()
    await waitFor(() => expect(calls).toHaveLength(1))
    expect(calls[0].body).not.toHaveProperty('secret')
    expect(calls[0].body).toMatchObject({ name: '区政府办督查群', kind: 'dingtalk', kinds: ['task.'], unit_id: 0 })

    await wrapper.setProps({ modelValue: true })
    await flushPromises()
    ;($('[data-test="channel-form-clear-secret"] input') as HTMLInputElement).click()
    await flushPromises()
    expect(($('input[data-test="channel-form-secret"]') as HTMLInputElement).disabled).toBe(true)
    await submit()
    await waitFor(() => expect(calls).toHaveLength(2))
    expect(calls[1].body).toMatchObject({ secret: '' })
    wrapper.unmount()
  })

  it('offers no secret for WeCom robots', async () => {
    mockFetch({})
    const wrapper = await open(null)
    ;($('[data-test="channel-kind-wecom"] input') as HTMLInputElement).click()
    await flushPromises()
    const secret = $('input[data-test="channel-form-secret"]') as HTMLInputElement
    expect(secret.disabled).toBe(true)
    expect(secret.placeholder).toContain('key 即为凭证')
    wrapper.unmount()
  })

  it('shows the server’s field messages beside the fields', async () => {
    const { calls } = mockFetch({
      'POST /api/v1/notify-channels': () => apiError(422, 'validation', '输入有误', { name: '通道名称“督查群”已存在' }),
    })
    const wrapper = await open(null)
    type('input[data-test="channel-form-name"]', '督查群')
    type('input[data-test="channel-form-url"]', 'https://example.gov.cn/hook')
    state(wrapper).form.kind = 'webhook'
    await flushPromises()
    await submit()
    await waitFor(() => expect(calls).toHaveLength(1))
    await waitFor(() => expect(errorOf('[data-test="channel-form-name"]')).toContain('已存在'))
    expect(wrapper.emitted('saved')).toBeUndefined()
    wrapper.unmount()
  })
})
