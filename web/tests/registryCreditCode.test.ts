import { describe, expect, it } from 'vitest'
import { checkChar, creditCodeProblem, isInternalCode, normalizeCreditCode } from '@/views/registry/creditCode'

describe('unified social credit code', () => {
  it('accepts real codes', () => {
    for (const c of ['91350100M000100Y43', '91440300708461136T', '914403001922038216', '12100000400010398P', '11100000000013127D'])
      expect(creditCodeProblem(c)).toBe('')
  })
  it('says what is wrong', () => {
    expect(creditCodeProblem('91350100M000100Y44')).toBe('check')
    expect(creditCodeProblem('91350100M000100Y4')).toBe('length')
    expect(creditCodeProblem('91350100MO00100Y43')).toBe('char')
    expect(creditCodeProblem('01350100M000100Y43')).toBe('authority')
    expect(creditCodeProblem('95350100M000100Y43')).toBe('type')
    expect(creditCodeProblem('9135A100M000100Y43')).toBe('division')
  })
  it('normalises what people paste', () => {
    expect(normalizeCreditCode(' ９１３５０１００ｍ０００１００ｙ４３ ')).toBe('91350100M000100Y43')
    expect(normalizeCreditCode('9135 0100-M000100Y43')).toBe('91350100M000100Y43')
    expect(checkChar('91350100M000100Y4')).toBe('3')
    expect(isInternalCode('NB00000012')).toBe(true)
    expect(isInternalCode('NB12')).toBe(false)
  })
})
