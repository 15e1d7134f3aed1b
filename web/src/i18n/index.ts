// A tiny i18n: two catalogs, typed keys, `{name}` placeholders. No message
// compiler, so nothing needs eval/new Function under the CSP.
import { computed, ref } from 'vue'
import zhCn from 'element-plus/es/locale/lang/zh-cn'
import elEn from 'element-plus/es/locale/lang/en'
import zh from './zh'
import en from './en'
import type { Catalog, Locale, MessageKey } from './types'
import { setApiLanguage } from '@/api/http'

export type { Locale, MessageKey } from './types'

const STORAGE_KEY = 'diaodu.locale'
const catalogs: Record<Locale, Catalog> = { 'zh-CN': zh, en }

function initialLocale(): Locale {
  try {
    const saved = localStorage.getItem(STORAGE_KEY)
    if (saved === 'en' || saved === 'zh-CN') return saved
  } catch {
    // storage disabled
  }
  return 'zh-CN'
}

export const locale = ref<Locale>(initialLocale())
setApiLanguage(locale.value)
applyDocumentLang(locale.value)

function applyDocumentLang(l: Locale): void {
  if (typeof document !== 'undefined') document.documentElement.lang = l
}

export function setLocale(l: Locale): void {
  locale.value = l
  setApiLanguage(l)
  applyDocumentLang(l)
  try {
    localStorage.setItem(STORAGE_KEY, l)
  } catch {
    // storage disabled: the choice lasts for this page only
  }
}

export const elementLocale = computed(() => (locale.value === 'en' ? elEn : zhCn))

export type Params = Record<string, string | number>

function lookup(cat: Catalog, key: string): string | undefined {
  let node: unknown = cat
  for (const part of key.split('.')) {
    if (node && typeof node === 'object' && part in node) node = (node as Record<string, unknown>)[part]
    else return undefined
  }
  return typeof node === 'string' ? node : undefined
}

function format(msg: string, params?: Params): string {
  if (!params) return msg
  return msg.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m))
}

/** Translates a key of the catalog. */
export function t(key: MessageKey, params?: Params): string {
  const msg = lookup(catalogs[locale.value], key) ?? lookup(zh as Catalog, key) ?? key
  return format(msg, params)
}

/** Translates a key built at run time (role and kind codes…), or returns the fallback. */
export function td(key: string, fallback: string, params?: Params): string {
  const msg = lookup(catalogs[locale.value], key)
  return msg === undefined ? fallback : format(msg, params)
}

export function useI18n() {
  return { t, td, locale, setLocale }
}
