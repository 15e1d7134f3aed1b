import { describe, expect, it } from 'vitest'
import { draftKey, fromDraft, toDraft } from '@/views/safety/draft'
import { emptyItem } from '@/views/safety/logic'

const FORM = { inspectedOn: '2026-11-27', inspectors: '卢军秀', note: '现场检查' }

describe('the inspection draft kept on the phone', () => {
  it('round-trips the answers without the photos', () => {
    const states = [{ ...emptyItem('2026-12-11'), result: 'pass' as const }, { ...emptyItem('2026-12-11'), result: 'fail' as const, note: '堆放杂物', photos: [new Blob(['x'])] }]
    const raw = JSON.stringify(toDraft([21, 22], states, FORM, 1000))
    const back = fromDraft(raw, [21, 22], 2000)!
    expect(back.states.map((s) => [s.result, s.note, s.photos.length])).toEqual([
      ['pass', '', 0],
      ['fail', '堆放杂物', 0],
    ])
    expect(back.draft).toMatchObject(FORM)
  })

  it('is ignored when the checklist changed, when old, empty or broken', () => {
    const raw = JSON.stringify(toDraft([21, 22], [{ ...emptyItem(null), result: 'pass' }, emptyItem(null)], FORM, 1000))
    expect(fromDraft(raw, [21, 23], 2000)).toBeNull()
    expect(fromDraft(raw, [21, 22], 1000 + 8 * 86400_000)).toBeNull()
    expect(fromDraft(JSON.stringify(toDraft([21], [emptyItem(null)], FORM, 1000)), [21], 2000)).toBeNull()
    expect(fromDraft('{not json', [21], 2000)).toBeNull()
    expect(fromDraft(null, [21], 2000)).toBeNull()
  })

  it('is kept per campaign and enterprise', () => {
    expect(draftKey(3, 7)).not.toBe(draftKey(3, 8))
    expect(draftKey(null, 7)).toBe('diaodu.safety.draft.0.7')
  })
})
