// The unified social credit code (统一社会信用代码, GB 32100-2015), checked in the
// form as it is typed; the server checks the same rules (internal/registry).
const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY'
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
const TYPES: Record<string, string> = {
  '1': '1239',
  '2': '19',
  '3': '123459',
  '4': '19',
  '5': '1239',
  '6': '129',
  '7': '129',
  '8': '19',
  '9': '123',
  A: '19',
  N: '1239',
  Y: '1',
}

/** Full-width to half-width, spaces and hyphens out, capitals. */
export function normalizeCreditCode(s: string): string {
  let out = ''
  for (const ch of s) {
    let c = ch.codePointAt(0) ?? 0
    if (c >= 0xff01 && c <= 0xff5e) c -= 0xfee0
    const h = String.fromCodePoint(c)
    if (/\s/.test(h) || h === '-' || c === 0x3000) continue
    out += h.toUpperCase()
  }
  return out
}

/** The check character for the first 17 characters, or '' when they are not valid. */
export function checkChar(body: string): string {
  if (body.length !== 17) return ''
  let sum = 0
  for (let i = 0; i < 17; i++) {
    const v = ALPHABET.indexOf(body[i] ?? '')
    if (v < 0) return ''
    sum += v * (WEIGHTS[i] ?? 0)
  }
  return ALPHABET[(31 - (sum % 31)) % 31] ?? ''
}

export type CreditProblem = '' | 'length' | 'char' | 'authority' | 'type' | 'division' | 'check'

/** What is wrong with a (normalised) code; '' when it is valid. */
export function creditCodeProblem(code: string): CreditProblem {
  if (code.length !== 18) return 'length'
  for (const c of code) if (!ALPHABET.includes(c)) return 'char'
  const types = TYPES[code[0] ?? '']
  if (!types) return 'authority'
  if (!types.includes(code[1] ?? '')) return 'type'
  if (!/^\d{6}$/.test(code.slice(2, 8))) return 'division'
  if (checkChar(code.slice(0, 17)) !== code[17]) return 'check'
  return ''
}

/** Internal codes of places without a credit code: NB + 8 digits. */
export const isInternalCode = (code: string) => /^NB\d{8}$/.test(code)
