// Key projects (重点项目): the money helpers and the message catalogs.
import { describe, expect, it } from 'vitest'
import { money } from '@/api/projects'
import { monthOf, toWan, toYuan } from '@/views/projects/options'
import zh from '@/i18n/zh/projects'
import en from '@/i18n/en/projects'

function keys(o: object, p = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) => (typeof v === 'object' && v ? keys(v, `${p}${k}.`) : [`${p}${k}`]))
}

describe('projects helpers', () => {
  it('shows yuan as 万 or 亿', () => {
    expect(money(85_005_000)).toBe('8,500.5万')
    expect(money(30_000_000_000)).toBe('300亿')
    expect(money(150_000_000)).toBe('1.5亿')
    expect(money(null)).toBe('0万')
  })
  it('converts 万元 inputs to yuan and back', () => {
    expect(toYuan(8500.5)).toBe(85_005_000)
    expect(toWan(85_005_000)).toBe(8500.5)
    expect(toYuan(null)).toBe(0)
    expect(toWan(null)).toBeNull()
  })
  it('names the month', () => {
    expect(monthOf(new Date(2026, 0, 5))).toBe('2026-01')
  })
  it('has the same keys in Chinese and English', () => {
    expect(keys(en).sort()).toEqual(keys(zh).sort())
  })
})
