import { vi } from 'vitest'

export interface MockCall {
  url: string
  method: string
  headers: Record<string, string>
  body: unknown
}

type Responder = (call: MockCall) => Response | Promise<Response>

export function json(data: unknown, status = 200): Response {
  return new Response(status === 204 ? null : JSON.stringify(data), {
    status,
    headers: { 'Content-Type': 'application/json' },
  })
}

export function apiError(status: number, code: string, message: string, fields?: Record<string, string>): Response {
  return json({ error: { code, message, fields } }, status)
}

/**
 * Replaces global fetch with a router of `METHOD path` → responder. Unknown
 * routes answer 404 so a test notices calls it did not expect.
 */
export function mockFetch(routes: Record<string, Responder>) {
  const calls: MockCall[] = []
  const fn = vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.toString() : input.url
    const method = (init.method ?? 'GET').toUpperCase()
    const headers = { ...(init.headers as Record<string, string>) }
    const body = typeof init.body === 'string' ? JSON.parse(init.body) : init.body
    const call = { url, method, headers, body }
    calls.push(call)
    const path = url.split('?')[0]
    const responder = routes[`${method} ${path}`] ?? routes[`${method} ${url}`]
    if (!responder) return apiError(404, 'not_found', `no mock for ${method} ${url}`)
    return responder(call)
  })
  vi.stubGlobal('fetch', fn)
  return { fn, calls }
}

export function query(url: string): Record<string, string> {
  return Object.fromEntries(new URL(url, 'http://localhost').searchParams)
}

/** vi.waitFor with room for a loaded CI machine. */
export function waitFor<T>(fn: () => T | Promise<T>): Promise<T> {
  return vi.waitFor(fn, { timeout: 8000, interval: 20 })
}

/** Picks files in a file input as the camera or the file dialog would. */
export function pickFiles(input: HTMLInputElement, ...names: string[]): void {
  Object.defineProperty(input, 'files', { value: names.map((n) => new File(['jpeg'], n, { type: 'image/jpeg' })), configurable: true })
  input.dispatchEvent(new Event('change'))
}
