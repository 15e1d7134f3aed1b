// The password policy of docs/api.md: at least 8 characters and at least 3 of
// the 4 classes upper case, lower case, digit, symbol; not the old password.

export interface PasswordCheck {
  length: boolean
  upper: boolean
  lower: boolean
  digit: boolean
  symbol: boolean
  /** How many of the 4 character classes occur. */
  classes: number
  /** Enough classes (≥ 3). */
  classesOk: boolean
  /** Differs from the old password (true when no old password is given). */
  differs: boolean
  ok: boolean
  /** 0 weak … 2 strong, for the strength bar. */
  strength: 0 | 1 | 2
}

export const MIN_PASSWORD_LENGTH = 8
export const MIN_PASSWORD_CLASSES = 3

export function checkPassword(pw: string, old = ''): PasswordCheck {
  const chars = Array.from(pw)
  const upper = /\p{Lu}/u.test(pw)
  const lower = /\p{Ll}/u.test(pw)
  const digit = /\p{Nd}/u.test(pw)
  const symbol = chars.some((c) => !/[\p{L}\p{Nd}\s]/u.test(c))
  const classes = [upper, lower, digit, symbol].filter(Boolean).length
  const length = chars.length >= MIN_PASSWORD_LENGTH
  const classesOk = classes >= MIN_PASSWORD_CLASSES
  const differs = old === '' || pw !== old
  const ok = length && classesOk && differs
  let strength: 0 | 1 | 2 = 0
  if (ok) strength = chars.length >= 12 && classes === 4 ? 2 : 1
  return { length, upper, lower, digit, symbol, classes, classesOk, differs, ok, strength }
}
