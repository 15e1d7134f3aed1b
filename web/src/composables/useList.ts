// Paging, sorting, filters and loading state for every list page.
import { computed, reactive, toRaw } from 'vue'
import type { Query } from '@/api/http'
import type { ListResult } from '@/api/types'
import { toastError } from '@/ui/feedback'

export type Filters = Record<string, string | number | boolean | null | undefined | string[]>

export interface UseListOptions<F extends Filters> {
  /** Initial filter values; `reset()` goes back to them. */
  filters: F
  pageSize?: number
  /** Default sort (`field` or `-field`); empty for the server's default. */
  sort?: string
  /** Load as soon as the page mounts (default true; call `load()` yourself otherwise). */
  immediate?: boolean
  /** Turns the filters into query parameters (default: as they are; arrays are skipped). */
  toQuery?: (filters: F) => Query
}

export interface SortChange {
  prop: string | null
  order: 'ascending' | 'descending' | null
}

export const PAGE_SIZES = [10, 20, 50, 100]

function defaultToQuery(f: Filters): Query {
  const q: Query = {}
  for (const [k, v] of Object.entries(f)) if (!Array.isArray(v)) q[k] = v
  return q
}

/**
 * `fetcher` is one of the typed list calls of src/api (its own query type);
 * the filters are turned into that query here.
 */
export function useList<T, F extends Filters>(
  fetcher: (query: never) => Promise<ListResult<T>>,
  options: UseListOptions<F>,
) {
  const fetchList = fetcher as unknown as (query: Query) => Promise<ListResult<T>>
  const initial = structuredClone(toRaw(options.filters))
  const toQuery = options.toQuery ?? (defaultToQuery as (f: F) => Query)
  let seq = 0

  const state = reactive({
    items: [] as T[],
    total: 0,
    loading: false,
    /** Set once the first load finished, so empty states don't flash before it. */
    loaded: false,
    failed: false,
    page: 1,
    pageSize: options.pageSize ?? 20,
    sort: options.sort ?? '',
    filters: structuredClone(initial) as F,
  })

  /** Filters + sort without paging: also the query of the matching export. */
  const query = computed<Query>(() => ({ ...toQuery(state.filters as F), sort: state.sort || undefined }))

  async function load(): Promise<void> {
    const mine = ++seq
    state.loading = true
    try {
      const res = await fetchList({ ...query.value, page: state.page, page_size: state.pageSize })
      if (mine !== seq) return
      const items = res.items ?? []
      // The last row of the last page was deleted: step back one page.
      if (items.length === 0 && state.page > 1 && res.total > 0) {
        state.page = Math.max(1, Math.ceil(res.total / state.pageSize))
        return load()
      }
      state.items = items as typeof state.items
      state.total = res.total ?? items.length
      state.failed = false
    } catch (e) {
      if (mine !== seq) return
      state.failed = true
      toastError(e)
    } finally {
      if (mine === seq) {
        state.loading = false
        state.loaded = true
      }
    }
  }

  /** New filters: back to page 1. */
  function search(): Promise<void> {
    state.page = 1
    return load()
  }

  function reset(): Promise<void> {
    Object.assign(state.filters, structuredClone(initial))
    state.sort = options.sort ?? ''
    return search()
  }

  function setPage(p: number): Promise<void> {
    state.page = p
    return load()
  }

  function setPageSize(size: number): Promise<void> {
    state.pageSize = size
    state.page = 1
    return load()
  }

  /** Handler for el-table `@sort-change` (columns with `sortable="custom"`). */
  function onSortChange({ prop, order }: SortChange): Promise<void> {
    state.sort = !prop || !order ? (options.sort ?? '') : order === 'descending' ? `-${prop}` : prop
    return search()
  }

  const list = Object.assign(state, { load, search, reset, setPage, setPageSize, onSortChange })
  const api = { list, query }
  if (options.immediate !== false) void load()
  return api
}

export type ListState = ReturnType<typeof useList>['list']
