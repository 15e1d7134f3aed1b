// The phone pages' outbox: what a field worker enters on a poor connection is
// kept in IndexedDB and sent when the connection returns, once. Every record
// carries a client_key made here; the server answers a repeated key with the
// stored record (200), so a retry after a lost answer creates no duplicate.
// The contract is described in docs/offline.md.
import { getCurrentScope, onScopeDispose, ref, type Ref } from 'vue'
import { ApiError, request } from '@/api/http'

export interface OutboxFile {
  field: string
  uploadUrl: string
  name: string
  blob: Blob
  /** Id of the stored file once uploaded, so a retry does not upload it again. */
  id?: number
}

export interface OutboxItem {
  key: string
  label: string
  method: 'POST' | 'PUT'
  url: string
  body?: Record<string, unknown>
  files?: OutboxFile[]
  createdAt: number
  tries: number
  error?: string
}

export interface EnqueueInput {
  label: string
  method?: 'POST' | 'PUT'
  url: string
  body?: Record<string, unknown>
  files?: { field: string; uploadUrl: string; name: string; blob: Blob }[]
}

/** Called after an item was accepted by the server, with the server's answer. */
export type SentListener = (item: OutboxItem, response: unknown) => void

interface Stored extends OutboxItem {
  queue: string
  seq: number
}

// ---- storage: IndexedDB, or memory where there is none (tests, old browsers) ----

interface Storage {
  all(queue: string): Promise<Stored[]>
  put(rec: Stored): Promise<void>
  del(key: string): Promise<void>
}

const DB_NAME = 'diaodu-outbox'
const STORE = 'items'

function memoryStorage(): Storage {
  const recs = new Map<string, Stored>()
  return {
    async all(queue) {
      return [...recs.values()].filter((r) => r.queue === queue).map((r) => ({ ...r }))
    },
    async put(rec) {
      recs.set(rec.key, { ...rec })
    },
    async del(key) {
      recs.delete(key)
    },
  }
}

function promised<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result)
    req.onerror = () => reject(req.error)
  })
}

function idbStorage(factory: IDBFactory): Storage {
  let db: Promise<IDBDatabase> | null = null
  const open = () =>
    (db ??= new Promise<IDBDatabase>((resolve, reject) => {
      const req = factory.open(DB_NAME, 1)
      req.onupgradeneeded = () => {
        const s = req.result.createObjectStore(STORE, { keyPath: 'key' })
        s.createIndex('queue', 'queue')
      }
      req.onsuccess = () => resolve(req.result)
      req.onerror = () => reject(req.error)
    }))
  const store = async (mode: IDBTransactionMode) => (await open()).transaction(STORE, mode).objectStore(STORE)
  return {
    async all(queue) {
      return promised((await store('readonly')).index('queue').getAll(queue) as IDBRequest<Stored[]>)
    },
    async put(rec) {
      await promised((await store('readwrite')).put(rec))
    },
    async del(key) {
      await promised((await store('readwrite')).delete(key))
    },
  }
}

// IndexedDB can be missing (Vitest) or refuse to open (private windows of some
// browsers): then the outbox lives in memory for the page's lifetime.
let storage: Storage | null = null
function getStorage(): Storage {
  if (!storage) storage = typeof indexedDB === 'undefined' ? memoryStorage() : withFallback(idbStorage(indexedDB))
  return storage
}

function withFallback(primary: Storage): Storage {
  let active: Storage = primary
  const guard =
    <A extends unknown[], R>(fn: (s: Storage, ...a: A) => Promise<R>) =>
    async (...a: A): Promise<R> => {
      try {
        return await fn(active, ...a)
      } catch (e) {
        if (active !== primary) throw e
        active = memoryStorage()
        return fn(active, ...a)
      }
    }
  return {
    all: guard((s, q: string) => s.all(q)),
    put: guard((s, r: Stored) => s.put(r)),
    del: guard((s, k: string) => s.del(k)),
  }
}

// ---- one shared state per queue, so the page and its OutboxBar agree ----

interface QueueState {
  items: Ref<OutboxItem[]>
  recs: Stored[]
  loaded: Promise<void>
  flushing: Promise<void> | null
  again: boolean
  listeners: Set<SentListener>
  users: number
  timer: ReturnType<typeof setInterval> | null
}

const RETRY_MS = 15_000
const online = ref(typeof navigator === 'undefined' ? true : navigator.onLine !== false)
const queues = new Map<string, QueueState>()
let seq = 0

function publicItem(r: Stored): OutboxItem {
  const { queue: _q, seq: _s, ...item } = r
  return item
}

function publish(st: QueueState): void {
  st.recs.sort((a, b) => a.createdAt - b.createdAt || a.seq - b.seq)
  st.items.value = st.recs.map(publicItem)
}

function state(queue: string): QueueState {
  let st = queues.get(queue)
  if (st) return st
  const created: QueueState = {
    items: ref([]),
    recs: [],
    loaded: Promise.resolve(),
    flushing: null,
    again: false,
    listeners: new Set(),
    users: 0,
    timer: null,
  }
  created.loaded = getStorage()
    .all(queue)
    .then((recs) => {
      // Items enqueued before the load finished are kept too.
      const known = new Set(created.recs.map((r) => r.key))
      created.recs.push(...recs.filter((r) => !known.has(r.key)))
      for (const r of created.recs) seq = Math.max(seq, r.seq)
      publish(created)
    })
  queues.set(queue, created)
  return created
}

/** Network failures and answers worth retrying later without asking the user. */
function transient(e: unknown): boolean {
  if (!(e instanceof ApiError)) return true
  return e.status === 0 || e.status >= 500 || e.status === 408 || e.status === 429
}

async function upload(file: OutboxFile): Promise<number> {
  const form = new FormData()
  form.append('file', file.blob, file.name)
  const res = await request<{ id: number }>(file.uploadUrl, { method: 'POST', body: form, allowUnauthenticated: true })
  return res.id
}

/** Sends one item: files not yet uploaded, then the JSON with their ids appended. */
async function sendOne(rec: Stored): Promise<unknown> {
  const body: Record<string, unknown> = { ...(rec.body ?? {}) }
  for (const f of rec.files ?? []) {
    if (f.id === undefined) {
      f.id = await upload(f)
      await getStorage().put(rec) // remember the id before anything else can fail
    }
  }
  for (const f of rec.files ?? []) {
    const prev = body[f.field]
    body[f.field] = [...(Array.isArray(prev) ? prev : []), f.id]
  }
  return request(rec.url, { method: rec.method, body, allowUnauthenticated: true })
}

async function drain(st: QueueState): Promise<void> {
  await st.loaded
  for (const rec of [...st.recs]) {
    if (!st.recs.includes(rec)) continue // removed meanwhile
    rec.tries++
    try {
      const res = await sendOne(rec)
      online.value = true
      st.recs = st.recs.filter((r) => r !== rec)
      await getStorage().del(rec.key)
      publish(st)
      for (const fn of st.listeners) fn(publicItem(rec), res)
    } catch (e) {
      if (transient(e)) {
        // Not the item's fault (no network, server trouble): no error to show
        // beside it, it simply waits.
        if (e instanceof ApiError && e.status === 0) online.value = false
        rec.error = undefined
        await getStorage().put(rec)
        publish(st)
        return // keep the order: later items wait for this one
      }
      // Refused (4xx): kept with the reason for the user to fix or remove; the
      // rest of the queue goes on.
      rec.error = e instanceof ApiError ? e.message : String(e)
      await getStorage().put(rec)
      publish(st)
    }
  }
}

function flushQueue(st: QueueState): Promise<void> {
  if (st.flushing) {
    st.again = true
    return st.flushing
  }
  st.flushing = (async () => {
    try {
      do {
        st.again = false
        await drain(st)
      } while (st.again && online.value)
    } finally {
      st.flushing = null
    }
  })()
  return st.flushing
}

let windowListeners = 0
function onOnline(): void {
  online.value = true
  for (const st of queues.values()) if (st.users > 0) void flushQueue(st)
}
function onOffline(): void {
  online.value = false
}

export function useOutbox(queue: string) {
  const st = state(queue)
  st.users++
  if (st.timer === null && typeof setInterval !== 'undefined') {
    st.timer = setInterval(() => {
      if (st.recs.length > 0) void flushQueue(st)
    }, RETRY_MS)
  }
  if (typeof window !== 'undefined' && windowListeners++ === 0) {
    window.addEventListener('online', onOnline)
    window.addEventListener('offline', onOffline)
  }
  const dispose = () => {
    if (--st.users === 0 && st.timer !== null) {
      clearInterval(st.timer)
      st.timer = null
    }
    if (typeof window !== 'undefined' && --windowListeners === 0) {
      window.removeEventListener('online', onOnline)
      window.removeEventListener('offline', onOffline)
    }
  }
  if (getCurrentScope()) onScopeDispose(dispose)
  // Something may be waiting from an earlier visit.
  void st.loaded.then(() => {
    if (st.recs.length > 0 && online.value) void flushQueue(st)
  })

  async function enqueue(input: EnqueueInput): Promise<string> {
    const key = newClientKey()
    const rec: Stored = {
      queue,
      seq: ++seq,
      key,
      label: input.label,
      method: input.method ?? 'POST',
      url: input.url,
      body: { ...(input.body ?? {}), client_key: key },
      files: input.files?.map((f) => ({ ...f })),
      createdAt: Date.now(),
      tries: 0,
    }
    await getStorage().put(rec)
    st.recs.push(rec)
    publish(st)
    void flushQueue(st)
    return key
  }

  async function remove(key: string): Promise<void> {
    st.recs = st.recs.filter((r) => r.key !== key)
    await getStorage().del(key)
    publish(st)
  }

  /** Registers a listener for accepted items; returns its removal. */
  function onSent(fn: SentListener): () => void {
    st.listeners.add(fn)
    const off = () => st.listeners.delete(fn)
    if (getCurrentScope()) onScopeDispose(off)
    return off
  }

  return {
    items: st.items,
    online,
    enqueue,
    flush: () => flushQueue(st),
    remove,
    onSent,
    /** Resolves once the stored items of this queue are loaded. */
    ready: st.loaded,
  }
}

/** A v4 UUID; crypto.randomUUID needs a secure context, plain http on an intranet is not one. */
export function newClientKey(): string {
  const c = globalThis.crypto
  if (c && typeof c.randomUUID === 'function') return c.randomUUID()
  const b = new Uint8Array(16)
  if (c && typeof c.getRandomValues === 'function') c.getRandomValues(b)
  else for (let i = 0; i < 16; i++) b[i] = Math.floor(Math.random() * 256)
  b[6] = (b[6] & 0x0f) | 0x40
  b[8] = (b[8] & 0x3f) | 0x80
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
}

/**
 * Tests only: forgets the in-page state as a reload would (storage is kept),
 * or with `storageToo` starts from an empty outbox.
 */
export function resetOutboxForTests(storageToo = false): void {
  for (const st of queues.values()) if (st.timer !== null) clearInterval(st.timer)
  queues.clear()
  if (storageToo) storage = null
  online.value = true
}
