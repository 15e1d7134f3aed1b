// The one fetch wrapper every API call goes through. It adds the language and
// CSRF headers, turns the error shape into an ApiError and handles downloads.

export interface ErrorBody {
  error: { code: string; message: string; fields?: Record<string, string> }
}

export class ApiError extends Error {
  readonly status: number
  readonly code: string
  readonly fields: Record<string, string>

  constructor(status: number, code: string, message: string, fields: Record<string, string> = {}) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.code = code
    this.fields = fields
  }

  /** True for 422 errors that carry per-field messages. */
  get hasFields(): boolean {
    return Object.keys(this.fields).length > 0
  }
}

export type Query = Record<string, string | number | boolean | null | undefined>

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  query?: Query
  /** JSON body (objects) or multipart body (FormData). */
  body?: unknown
  /** Do not call the unauthorized hook on 401 (sign-in and the session probe). */
  allowUnauthenticated?: boolean
  signal?: AbortSignal
}

interface HttpConfig {
  csrfToken: string
  language: string
  onUnauthorized: ((err: ApiError) => void) | null
  onPasswordChangeRequired: ((err: ApiError) => void) | null
  networkErrorMessage: () => string
}

const config: HttpConfig = {
  csrfToken: '',
  language: 'zh-CN',
  onUnauthorized: null,
  onPasswordChangeRequired: null,
  networkErrorMessage: () => '网络异常，请稍后重试',
}

export function setCsrfToken(token: string): void {
  config.csrfToken = token
}

export function getCsrfToken(): string {
  return config.csrfToken
}

export function setApiLanguage(lang: string): void {
  config.language = lang
}

export function setUnauthorizedHandler(fn: ((err: ApiError) => void) | null): void {
  config.onUnauthorized = fn
}

export function setPasswordChangeRequiredHandler(fn: ((err: ApiError) => void) | null): void {
  config.onPasswordChangeRequired = fn
}

export function setNetworkErrorMessage(fn: () => string): void {
  config.networkErrorMessage = fn
}

/** Builds `path?query`, leaving out empty values. */
export function buildUrl(path: string, query?: Query): string {
  if (!query) return path
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue
    params.append(key, String(value))
  }
  const qs = params.toString()
  return qs ? `${path}?${qs}` : path
}

function isWrite(method: string): boolean {
  return method !== 'GET' && method !== 'HEAD'
}

async function send(path: string, opts: RequestOptions, accept: string): Promise<Response> {
  const method = opts.method ?? 'GET'
  const headers: Record<string, string> = {
    Accept: accept,
    'Accept-Language': config.language,
  }
  let body: BodyInit | undefined
  if (opts.body instanceof FormData) {
    body = opts.body
  } else if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json'
    body = JSON.stringify(opts.body)
  }
  if (isWrite(method) && config.csrfToken) {
    headers['X-CSRF-Token'] = config.csrfToken
  }
  let res: Response
  try {
    res = await fetch(buildUrl(path, opts.query), {
      method,
      headers,
      body,
      credentials: 'same-origin',
      signal: opts.signal,
    })
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e
    throw new ApiError(0, 'network', config.networkErrorMessage())
  }
  if (!res.ok) {
    const err = await parseError(res)
    if (err.status === 401 && !opts.allowUnauthenticated) config.onUnauthorized?.(err)
    if (err.status === 403 && err.code === 'password_change_required') config.onPasswordChangeRequired?.(err)
    throw err
  }
  return res
}

/** Reads the `{"error":{…}}` shape; falls back to the status text. */
export async function parseError(res: Response): Promise<ApiError> {
  let code = `http_${res.status}`
  let message = res.statusText || `HTTP ${res.status}`
  let fields: Record<string, string> = {}
  try {
    const text = await res.text()
    if (text) {
      const data = JSON.parse(text) as Partial<ErrorBody>
      if (data && typeof data === 'object' && data.error) {
        code = data.error.code || code
        message = data.error.message || message
        fields = data.error.fields ?? {}
      }
    }
  } catch {
    // not JSON (a proxy error page, for example): keep the status text
  }
  if (res.status >= 500 && message === res.statusText) message = config.networkErrorMessage()
  return new ApiError(res.status, code, message, fields)
}

/** JSON request; resolves to undefined for 204. */
export async function request<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const res = await send(path, opts, 'application/json')
  if (res.status === 204) return undefined as T
  const text = await res.text()
  return (text ? JSON.parse(text) : undefined) as T
}

export const http = {
  get: <T>(path: string, query?: Query, opts: RequestOptions = {}) => request<T>(path, { ...opts, query }),
  post: <T>(path: string, body?: unknown, opts: RequestOptions = {}) => request<T>(path, { ...opts, method: 'POST', body }),
  put: <T>(path: string, body?: unknown, opts: RequestOptions = {}) => request<T>(path, { ...opts, method: 'PUT', body }),
  patch: <T>(path: string, body?: unknown, opts: RequestOptions = {}) => request<T>(path, { ...opts, method: 'PATCH', body }),
  del: <T = void>(path: string, opts: RequestOptions = {}) => request<T>(path, { ...opts, method: 'DELETE' }),
}

/** Picks the file name out of Content-Disposition (RFC 5987 `filename*` first). */
export function fileNameFromDisposition(header: string | null, fallback: string): string {
  if (!header) return fallback
  const star = /filename\*\s*=\s*([^']*)'[^']*'([^;]+)/i.exec(header)
  if (star?.[2]) {
    try {
      return decodeURIComponent(star[2].trim().replace(/^"|"$/g, ''))
    } catch {
      // fall through to the plain name
    }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/i.exec(header)
  return plain?.[1]?.trim() || fallback
}

/**
 * Downloads a file (export, template, import errors) with the same headers and
 * error handling as the JSON calls, then hands it to the browser as a download.
 */
export async function download(path: string, query: Query | undefined, fallbackName: string): Promise<string> {
  const res = await send(path, { query }, '*/*')
  const blob = await res.blob()
  const name = fileNameFromDisposition(res.headers.get('Content-Disposition'), fallbackName)
  saveBlob(blob, name)
  return name
}

export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = name
  a.rel = 'noopener'
  a.style.display = 'none'
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}
