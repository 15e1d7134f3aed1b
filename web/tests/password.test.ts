import { describe, expect, it } from 'vitest'
import { checkPassword } from '@/utils/password'

describe('password policy', () => {
  it.each([
    ['Abcdefg1', true], // upper, lower, digit
    ['abcdefg1!', true], // lower, digit, symbol
    ['ABCDEFG1!', true], // upper, digit, symbol
    ['Abcdefgh!', true], // upper, lower, symbol
    ['Demo@2026', true],
    ['abcdefgh', false], // one class
    ['abcdefg1', false], // two classes
    ['Abc1!', false], // too short
    ['ABCDEFGH1', false], // two classes
    ['', false],
  ])('%s → %s', (pw, ok) => {
    expect(checkPassword(pw).ok).toBe(ok)
  })

  it('counts the classes', () => {
    const c = checkPassword('aB3$')
    expect([c.upper, c.lower, c.digit, c.symbol, c.classes]).toEqual([true, true, true, true, 4])
    expect(c.length).toBe(false)
    expect(checkPassword('密码Abcdef12').classes).toBe(3)
  })

  it('treats spaces and CJK characters as neither symbols nor letters of a case', () => {
    const c = checkPassword('abc defg 中文')
    expect(c.symbol).toBe(false)
    expect(c.upper).toBe(false)
  })

  it('refuses the old password', () => {
    expect(checkPassword('Demo@2026', 'Demo@2026').ok).toBe(false)
    expect(checkPassword('Demo@2026', 'Demo@2026').differs).toBe(false)
    expect(checkPassword('Demo@2027', 'Demo@2026').ok).toBe(true)
  })

  it('counts characters, not UTF-16 units, for the length', () => {
    expect(checkPassword('Ab1😀😀😀😀').length).toBe(false) // 7 characters
    expect(checkPassword('Ab1😀😀😀😀😀').length).toBe(true)
  })

  it('rates strength', () => {
    expect(checkPassword('abc').strength).toBe(0)
    expect(checkPassword('Abcdefg1').strength).toBe(1)
    expect(checkPassword('Abcdefgh12!?').strength).toBe(2)
  })
})
