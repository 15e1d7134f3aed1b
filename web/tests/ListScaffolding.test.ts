// The shared pieces of list pages and form dialogs: useFormDialog with
// FormDialog, ListTable, MoreFiltersButton, useRouteFilters, useRevealPhone.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { defineComponent, nextTick, ref } from 'vue'
import { flushPromises, mount } from '@vue/test-utils'
import { createMemoryHistory, createRouter } from 'vue-router'
import MoreFiltersButton from '@/components/MoreFiltersButton.vue'
import { ApiError } from '@/api/http'
import { useRevealPhone } from '@/composables/useRevealPhone'
import { useRouteFilters } from '@/composables/useRouteFilters'
import FormDialogHarness from './fixtures/FormDialogHarness.vue'
import ListTableHarness from './fixtures/ListTableHarness.vue'
import { waitFor } from './helpers'

const $ = (sel: string) => document.body.querySelector<HTMLElement>(sel)

interface Item {
  id: number
  name: string
}

function openDialog(send: (b: { name: string }) => Promise<Item>, item: Item | null = null) {
  const saved: Item[] = []
  const w = mount(FormDialogHarness, {
    props: { modelValue: false, item, send, onSaved: (i: Item) => saved.push(i), 'onUpdate:modelValue': (v: boolean) => w.setProps({ modelValue: v }) },
    attachTo: document.body,
  })
  return { w, saved }
}

describe('useFormDialog + FormDialog', () => {
  afterEach(() => {
    document.body.innerHTML = ''
  })

  it('fills the form from the edited record on every opening and checks the rules before sending', async () => {
    const send = vi.fn(async (b: { name: string }) => ({ id: 7, name: b.name }))
    const { w } = openDialog(send, { id: 7, name: '旧名' })
    await w.setProps({ modelValue: true })
    await flushPromises()
    expect(($('input[data-test="x-name"]') as HTMLInputElement).value).toBe('旧名')
    expect($('.el-dialog[data-test="x-form"]')).not.toBeNull()
    expect($('.el-dialog__title')!.textContent).toBe('编辑')
    const input = $('input[data-test="x-name"]') as HTMLInputElement
    input.value = ''
    input.dispatchEvent(new Event('input'))
    $('[data-test="x-submit"]')!.click()
    await waitFor(() => expect(document.body.textContent).toContain('请输入名称'))
    expect(send).not.toHaveBeenCalled()
    // Closed and opened again: the record's values are back.
    await w.setProps({ modelValue: false })
    await w.setProps({ modelValue: true })
    await flushPromises()
    expect(($('input[data-test="x-name"]') as HTMLInputElement).value).toBe('旧名')
    w.unmount()
  })

  it('shows a 422 beside the field and stays open; saves, closes and hands the answer on', async () => {
    let fail = true
    const send = vi.fn(async (b: { name: string }) => {
      if (fail) throw new ApiError(422, 'validation', '数据校验未通过', { name: '名称已被使用' })
      return { id: 1, name: b.name }
    })
    const { w, saved } = openDialog(send)
    await w.setProps({ modelValue: true })
    await flushPromises()
    const input = $('input[data-test="x-name"]') as HTMLInputElement
    input.value = '新村'
    input.dispatchEvent(new Event('input'))
    $('[data-test="x-submit"]')!.click()
    await waitFor(() => expect(document.body.textContent).toContain('名称已被使用'))
    expect(saved).toHaveLength(0)
    expect(w.props('modelValue')).toBe(true)
    fail = false
    $('[data-test="x-submit"]')!.click()
    await waitFor(() => expect(saved).toEqual([{ id: 1, name: '新村' }]))
    expect(w.props('modelValue')).toBe(false)
    expect(send).toHaveBeenCalledTimes(2)
    w.unmount()
  })
})

describe('ListTable', () => {
  afterEach(() => {
    document.body.innerHTML = ''
  })

  it('shows the empty text only after the first load, and the pager when there are rows', async () => {
    let rows: Item[] = []
    const fetcher = vi.fn(async () => ({ items: rows, total: rows.length }))
    const w = mount(ListTableHarness, { props: { fetcher }, attachTo: document.body })
    await flushPromises()
    expect($('[data-test="x-table"]')).not.toBeNull()
    expect(document.body.textContent).not.toContain('还没有记录')
    const list = (w.vm as unknown as { list: { load: () => Promise<void> } }).list
    await list.load()
    await flushPromises()
    expect(document.body.textContent).toContain('还没有记录')
    expect($('.list-pagination')).toBeNull()
    rows = [{ id: 1, name: '青石镇' }]
    await list.load()
    await waitFor(() => expect(document.body.textContent).toContain('青石镇'))
    expect($('.list-pagination')).not.toBeNull()
    w.unmount()
  })
})

describe('MoreFiltersButton', () => {
  it('toggles its model and says which way', async () => {
    const open = ref(false)
    const w = mount(MoreFiltersButton, {
      props: { modelValue: open.value, 'onUpdate:modelValue': (v: boolean) => w.setProps({ modelValue: v }), more: '更多筛选', less: '收起', test: 'x-more' },
    })
    expect(w.text()).toBe('更多筛选')
    await w.get('[data-test="x-more"]').trigger('click')
    await nextTick()
    expect(w.props('modelValue')).toBe(true)
    expect(w.text()).toBe('收起')
  })
})

describe('useRouteFilters', () => {
  it('reads numbers, text and flags from the URL, and reset drops them', async () => {
    const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/x', component: { render: () => null } }] })
    await router.push('/x?town_id=3&light=red&overdue=true&bad_id=&q=水')
    const reset = vi.fn(async () => {})
    const filters: Record<string, unknown> = { town_id: null, light: '', overdue: false, q: '' }
    let api!: ReturnType<typeof useRouteFilters>
    const C = defineComponent({
      setup() {
        api = useRouteFilters({ filters, reset } as never, { numeric: ['town_id', 'bad_id'], text: ['light', 'q'], flags: ['overdue'] })
        return () => null
      },
    })
    mount(C, { global: { plugins: [router] } })
    api.applyRoute()
    expect(filters).toEqual({ town_id: 3, light: 'red', overdue: true, q: '水' })
    api.reset()
    await flushPromises()
    expect(reset).toHaveBeenCalled()
    expect(router.currentRoute.value.fullPath).toBe('/x')
  })
})

describe('useRevealPhone', () => {
  it('fetches the full number once and toggles', async () => {
    const fetchPhone = vi.fn(async () => ({ phone: '13800001234' }))
    const r = useRevealPhone(fetchPhone)
    await r.toggle()
    expect(r.shown.value).toBe(true)
    expect(r.full.value).toBe('13800001234')
    await r.toggle()
    await r.toggle()
    expect(r.shown.value).toBe(true)
    expect(fetchPhone).toHaveBeenCalledTimes(1)
  })

  it('keeps the mask when the look fails', async () => {
    const r = useRevealPhone(() => Promise.reject(new Error('boom')))
    await r.toggle()
    expect(r.shown.value).toBe(false)
    expect(r.busy.value).toBe(false)
  })
})
