import { describe, expect, it } from 'vitest'
import type { ChecklistItem, GroupStat, HazardAction } from '@/api/safety'
import {
  addDays,
  buildInspection,
  checklistProgress,
  cleanChecklists,
  emptyItem,
  firstBlocking,
  hazardActions,
  hazardProblems,
  inspectUrl,
  keyFirst,
  pct,
  syncChecklists,
  type ItemState,
} from '@/views/safety/logic'

const TODAY = '2026-11-27'
const item = (id: number, text = `检查项${id}`): ChecklistItem => ({ id, industry: '', seq: id, text, basis: '' })
const state = (result: ItemState['result'], over: Partial<ItemState> = {}): ItemState => ({ ...emptyItem('2026-12-11'), result, ...over })
const blob = (name: string) => new File(['x'], name, { type: 'image/jpeg' })

describe('checklist progress', () => {
  it('counts answers and is done only when every item is answered', () => {
    expect(checklistProgress([])).toMatchObject({ total: 0, answered: 0, percent: 0, done: false })
    const p = checklistProgress([state('pass'), state('fail'), state('na'), state('')])
    expect(p).toEqual({ total: 4, answered: 3, passed: 1, failed: 1, na: 1, percent: 75, done: false })
    expect(checklistProgress([state('pass'), state('na')])).toMatchObject({ percent: 100, done: true })
  })

  it('rounds down so 100% means finished', () => {
    expect(checklistProgress([state('pass'), state('pass'), state('')]).percent).toBe(66)
  })
})

describe('a failed item’s hazard', () => {
  it('needs a deadline that is not before today', () => {
    expect(hazardProblems({ ...emptyItem(null).hazard }, TODAY)).toEqual({ deadline: 'deadlineRequired' })
    expect(hazardProblems({ ...emptyItem('2026-11-26').hazard }, TODAY)).toEqual({ deadline: 'deadlinePast' })
    expect(hazardProblems({ ...emptyItem(TODAY).hazard }, TODAY)).toEqual({})
  })

  it('blocks the submit at the first unanswered or incomplete item', () => {
    expect(firstBlocking([state('pass'), state(''), state('fail')], TODAY)).toBe(1)
    expect(firstBlocking([state('pass'), state('fail', { hazard: { ...emptyItem('2026-01-01').hazard } })], TODAY)).toBe(1)
    expect(firstBlocking([state('pass'), state('fail'), state('na')], TODAY)).toBe(-1)
  })
})

describe('the inspection the outbox sends', () => {
  it('lists the photos in upload order with the failed item each belongs to', () => {
    const items = [item(11), item(12), item(13)]
    const states = [state('pass', { photos: [blob('a.jpg')] }), state('fail', { note: '灭火器过期', photos: [blob('b.jpg'), blob('c.jpg')] }), state('na')]
    const { body, files } = buildInspection(
      { campaignId: 3, enterpriseId: 7, inspectedOn: TODAY, inspectors: ' 张三 ', note: '', items, states, photos: [blob('scene.jpg')] },
      '/api/v1/safety/photos',
    )
    expect(files.map((f) => [f.field, f.name, f.uploadUrl])).toEqual([
      ['photo_ids', 'scene.jpg', '/api/v1/safety/photos'],
      ['photo_ids', 'a.jpg', '/api/v1/safety/photos'],
      ['photo_ids', 'b.jpg', '/api/v1/safety/photos'],
      ['photo_ids', 'c.jpg', '/api/v1/safety/photos'],
    ])
    expect(body.photo_item_ids).toEqual([0, 0, 12, 12]) // a passed item's photo is the inspection's
    expect(body).toMatchObject({ campaign_id: 3, enterprise_id: 7, inspected_on: TODAY, inspectors: '张三' })
    expect(body.answers.map((a) => a.result)).toEqual(['pass', 'fail', 'na'])
    expect(body.answers[0].hazard).toBeUndefined()
    // An empty description becomes the item and its note.
    expect(body.answers[1].hazard).toMatchObject({ description: '检查项12：灭火器过期', level: 'general', deadline: '2026-12-11' })
    expect('photo_ids' in body).toBe(false) // the outbox fills it
  })

  it('keeps a typed description and leaves out a missing campaign', () => {
    const { body } = buildInspection(
      {
        campaignId: null,
        enterpriseId: 7,
        inspectedOn: TODAY,
        inspectors: '',
        note: '',
        items: [item(1)],
        states: [state('fail', { hazard: { ...emptyItem(TODAY).hazard, description: ' 消防通道堵塞 ', level: 'major' } })],
        photos: [],
      },
      '/u',
    )
    expect(body.campaign_id).toBeUndefined()
    expect(body.answers[0].hazard).toMatchObject({ description: '消防通道堵塞', level: 'major' })
    expect(body.photo_item_ids).toEqual([])
  })
})

describe('what a hazard’s status offers', () => {
  const ALL: HazardAction[] = ['edit', 'plan', 'start', 'submit', 'verify', 'supervise', 'extend', 'decide', 'suspend']
  const names = (b: ReturnType<typeof hazardActions>) => b.map((x) => x.action)
  const primary = (b: ReturnType<typeof hazardActions>) => b.find((x) => x.primary)?.action

  it.each([
    ['pending', 'general', false, ['start', 'edit', 'extend', 'suspend'], 'start'],
    ['pending', 'major', false, ['plan', 'start', 'edit', 'extend', 'supervise', 'suspend'], 'plan'],
    ['pending', 'major', true, ['plan', 'start', 'edit', 'extend', 'supervise', 'suspend'], 'start'],
    ['rectifying', 'general', false, ['submit', 'extend', 'suspend'], 'submit'],
    ['verifying', 'major', true, ['verify', 'supervise', 'suspend'], 'verify'],
    ['closed', 'major', true, [], undefined],
  ] as const)('%s %s (plan %s) with every right: %j', (status, level, hasPlan, want, first) => {
    const b = hazardActions(status, level, hasPlan, ALL)
    expect(names(b)).toEqual(want)
    expect(primary(b)).toBe(first)
  })

  it('shows only what the server allows', () => {
    expect(names(hazardActions('pending', 'general', false, ['edit']))).toEqual(['edit'])
    expect(names(hazardActions('verifying', 'general', false, ['submit', 'start']))).toEqual([])
    expect(hazardActions('pending', 'general', false, ['suspend'])[0]).toEqual({ action: 'suspend', primary: false, danger: true })
  })
})

describe('campaign checklists', () => {
  const tpl = [
    { industry: '', industry_name: '', items: [{ text: '安全制度', basis: '' }] },
    { industry: 'transport', industry_name: '道路运输', items: [{ text: '车辆年检', basis: '道路运输条例' }] },
  ]

  it('has the common list first and one per industry, filled from the templates', () => {
    const out = syncChecklists([], [{ code: 'transport', name: '道路运输' }, { code: 'gas', name: '燃气' }], tpl)
    expect(out.map((c) => [c.industry, c.industry_name, c.items.length])).toEqual([
      ['', '', 1],
      ['transport', '道路运输', 1],
      ['gas', '燃气', 0],
    ])
  })

  it('keeps what was typed and drops industries no longer chosen', () => {
    const typed = [{ industry: 'gas', industry_name: '燃气', items: [{ text: '报警器', basis: '' }] }, { industry: 'transport', industry_name: '道路运输', items: [{ text: 'x', basis: '' }] }]
    const out = syncChecklists(typed, [{ code: 'gas', name: '燃气' }], tpl)
    expect(out.map((c) => c.industry)).toEqual(['', 'gas'])
    expect(out[1].items).toEqual([{ text: '报警器', basis: '' }])
  })

  it('sends only items with text, and no empty lists', () => {
    const out = cleanChecklists([
      { industry: '', industry_name: '', items: [{ text: '  ', basis: 'x' }] },
      { industry: 'gas', industry_name: '燃气', items: [{ text: ' 报警器 ', basis: ' GB ' }, { text: '', basis: '' }] },
    ])
    expect(out).toEqual([{ industry: 'gas', industry_name: '燃气', items: [{ text: '报警器', basis: 'GB' }] }])
  })
})

describe('small helpers', () => {
  it('puts key-period industries first, keeping the order otherwise', () => {
    const g = (key: string, k = false): GroupStat => ({ key, name: key, key_industry: k, found: 0, fixed: 0, major: 0, overdue: 0, rate: 0 })
    expect(keyFirst([g('a'), g('b', true), g('c'), g('d', true)]).map((x) => x.key)).toEqual(['b', 'd', 'a', 'c'])
  })

  it('builds the QR label’s URL, adds days and formats rates', () => {
    expect(inspectUrl('https://dd.example.gov.cn/', 42)).toBe('https://dd.example.gov.cn/safety/inspect?enterprise=42')
    expect(addDays('2026-12-25', 10)).toBe('2027-01-04')
    expect(pct(0.8134)).toBe('81.3%')
    expect(pct(0)).toBe('0%')
  })
})
