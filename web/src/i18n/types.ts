import type zh from './zh'

export type Widen<T> = { [K in keyof T]: T[K] extends string ? string : Widen<T[K]> }

/** Every catalog has exactly the keys of the Chinese one. */
export type Catalog = Widen<typeof zh>

type Leaves<T, P extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${P}${K}` : Leaves<T[K], `${P}${K}.`>
}[keyof T & string]

export type MessageKey = Leaves<Catalog>
export type Locale = 'zh-CN' | 'en'
