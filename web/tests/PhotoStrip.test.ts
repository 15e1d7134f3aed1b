// The shared photo strip (components/PhotoStrip.vue) of the phone pages: the
// fire patrol's findings and end, the safety inspection's items and scene.
// The e2e steps reach the file input by its data-test (setInputFiles), so the
// names it hands out are checked here.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { mount } from '@vue/test-utils'
import { defineComponent, h, ref } from 'vue'
import PhotoStrip from '@/components/PhotoStrip.vue'
import InspectItem from '@/views/safety/InspectItem.vue'
import { emptyItem, type ItemState } from '@/views/safety/logic'
import { pickFiles, waitFor } from './helpers'

const $ = (sel: string) => document.body.querySelector<HTMLElement>(sel)
const $$ = (sel: string) => Array.from(document.body.querySelectorAll<HTMLElement>(sel))
const names = (list: Blob[]) => list.map((f) => (f as File).name)

beforeEach(() => {
  vi.spyOn(URL, 'createObjectURL').mockImplementation((b) => `blob:${(b as File).name}`)
  vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => undefined)
})
afterEach(() => {
  document.body.innerHTML = ''
  vi.restoreAllMocks()
})

describe('the photo strip', () => {
  function mountStrip(extra: { max?: number; thumbClass?: string } = {}) {
    const model = ref<Blob[]>([])
    const Host = defineComponent(() => () =>
      h(PhotoStrip, {
        dataTest: 'p',
        label: '拍照',
        removeLabel: '删除照片',
        ...extra,
        modelValue: model.value,
        'onUpdate:modelValue': (v: Blob[]) => (model.value = v),
      }),
    )
    return { wrapper: mount(Host, { attachTo: document.body }), model }
  }

  it('takes photos from the camera, shows thumbnails and removes one', async () => {
    const { wrapper, model } = mountStrip({ thumbClass: 'old-thumb' })
    const input = $('input[type="file"][data-test="p"]') as HTMLInputElement
    expect(input.accept).toBe('image/*')
    expect(input.getAttribute('capture')).toBe('environment')
    expect(input.multiple).toBe(true)
    expect($('[data-test="p-btn"]')!.textContent).toContain('拍照')
    pickFiles(input, 'a.jpg', 'b.jpg')
    await waitFor(() => expect($$('[data-test="p-thumb"] img')).toHaveLength(2))
    expect(names(model.value)).toEqual(['a.jpg', 'b.jpg'])
    expect($$('.old-thumb img').map((i) => i.getAttribute('src'))).toEqual(['blob:a.jpg', 'blob:b.jpg'])
    expect($('[data-test="p-btn"]')!.textContent).toContain('2/9')
    expect($('[data-test="p-remove"]')!.getAttribute('aria-label')).toBe('删除照片')
    $$('[data-test="p-remove"]')[0].click()
    await waitFor(() => expect($$('[data-test="p-thumb"]')).toHaveLength(1))
    expect(names(model.value)).toEqual(['b.jpg'])
    wrapper.unmount()
  })

  it('keeps at most max photos and then disables the camera button', async () => {
    const { wrapper, model } = mountStrip({ max: 2 })
    pickFiles($('[data-test="p"]') as HTMLInputElement, 'a.jpg', 'b.jpg', 'c.jpg')
    await waitFor(() => expect(model.value).toHaveLength(2))
    await waitFor(() => expect(($('[data-test="p-btn"]') as HTMLButtonElement).disabled).toBe(true))
    wrapper.unmount()
  })
})

describe('photos on a checklist item', () => {
  it('keeps the item photos in its state, under the names the e2e steps use', async () => {
    const model = ref<ItemState>(emptyItem('2026-12-11'))
    const Host = defineComponent(() => () =>
      h(InspectItem, {
        item: { id: 5, industry: 'gas', seq: 1, text: '可燃气体报警器完好有效', basis: '' },
        index: 0,
        today: '2026-11-27',
        showErrors: false,
        modelValue: model.value,
        'onUpdate:modelValue': (v: ItemState) => (model.value = v),
      }),
    )
    const wrapper = mount(Host, { attachTo: document.body })
    expect($('[data-test="answer-photo-btn"]')).not.toBeNull()
    pickFiles($('input[type="file"][data-test="answer-photo"]') as HTMLInputElement, '灭火器.jpg', '通道.jpg')
    // e2e step 70 counts the item's thumbnails as `.sf-photo img`.
    await waitFor(() => expect($$('[data-test="inspect-item-1"] .sf-photo img')).toHaveLength(2))
    expect(names(model.value.photos)).toEqual(['灭火器.jpg', '通道.jpg'])
    $$('[data-test="answer-photo-remove"]')[1].click()
    await waitFor(() => expect(names(model.value.photos)).toEqual(['灭火器.jpg']))
    wrapper.unmount()
  })
})
