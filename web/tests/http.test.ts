import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  ApiError,
  buildUrl,
  download,
  fileNameFromDisposition,
  http,
  setApiLanguage,
  setCsrfToken,
  setPasswordChangeRequiredHandler,
  setUnauthorizedHandler,
} from '@/api/http'
import { apiError, json, mockFetch } from './helpers'

describe('fetch wrapper', () => {
  beforeEach(() => {
    setCsrfToken('tok-123')
    setApiLanguage('zh-CN')
  })
  afterEach(() => {
    setUnauthorizedHandler(null)
    setPasswordChangeRequiredHandler(null)
    vi.unstubAllGlobals()
  })

  it('sends X-CSRF-Token on writes but not on reads', async () => {
    const { calls } = mockFetch({
      'GET /api/v1/units': () => json({ items: [], total: 0 }),
      'POST /api/v1/units': () => json({ id: 1 }, 201),
      'PATCH /api/v1/units/1': () => json({ id: 1 }),
      'PUT /api/v1/users/1/lock': () => json(null, 204),
      'DELETE /api/v1/units/1': () => json(null, 204),
    })
    await http.get('/api/v1/units')
    await http.post('/api/v1/units', { name: 'x' })
    await http.patch('/api/v1/units/1', { name: 'y' })
    await http.put('/api/v1/users/1/lock')
    await http.del('/api/v1/units/1')
    expect(calls[0].headers['X-CSRF-Token']).toBeUndefined()
    for (const c of calls.slice(1)) expect(c.headers['X-CSRF-Token']).toBe('tok-123')
  })

  it('sends the language, JSON body and same-origin credentials', async () => {
    const { fn, calls } = mockFetch({ 'POST /api/v1/units': () => json({ id: 1 }, 201) })
    setApiLanguage('en')
    const res = await http.post<{ id: number }>('/api/v1/units', { name: '示范区' })
    expect(res.id).toBe(1)
    expect(calls[0].headers['Accept-Language']).toBe('en')
    expect(calls[0].headers['Content-Type']).toBe('application/json')
    expect(calls[0].body).toEqual({ name: '示范区' })
    expect(fn.mock.calls[0][1]?.credentials).toBe('same-origin')
  })

  it('does not set a JSON content type for multipart uploads', async () => {
    const { calls } = mockFetch({ 'POST /api/v1/units/imports': () => json({ id: 7, status: 'running' }, 202) })
    const form = new FormData()
    form.append('file', new Blob(['x']), 'a.xlsx')
    await http.post('/api/v1/units/imports', form)
    expect(calls[0].headers['Content-Type']).toBeUndefined()
    expect(calls[0].body).toBeInstanceOf(FormData)
    expect(calls[0].headers['X-CSRF-Token']).toBe('tok-123')
  })

  it('returns undefined for 204', async () => {
    mockFetch({ 'DELETE /api/v1/units/1': () => json(null, 204) })
    await expect(http.del('/api/v1/units/1')).resolves.toBeUndefined()
  })

  it('throws ApiError with status, code, message and fields', async () => {
    mockFetch({ 'POST /api/v1/units': () => apiError(422, 'validation', '数据有误', { code: '编码已存在' }) })
    const err = await http.post('/api/v1/units', {}).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ApiError)
    const e = err as ApiError
    expect(e.status).toBe(422)
    expect(e.code).toBe('validation')
    expect(e.message).toBe('数据有误')
    expect(e.fields).toEqual({ code: '编码已存在' })
    expect(e.hasFields).toBe(true)
  })

  it('keeps the status when the error body is not JSON', async () => {
    mockFetch({ 'GET /api/v1/meta': () => new Response('<html>bad gateway</html>', { status: 502, statusText: 'Bad Gateway' }) })
    const e = (await http.get('/api/v1/meta').catch((x: unknown) => x)) as ApiError
    expect(e.status).toBe(502)
    expect(e.code).toBe('http_502')
    expect(e.fields).toEqual({})
  })

  it('turns a network failure into ApiError status 0', async () => {
    vi.stubGlobal('fetch', vi.fn(() => Promise.reject(new TypeError('Failed to fetch'))))
    const e = (await http.get('/api/v1/meta').catch((x: unknown) => x)) as ApiError
    expect(e).toBeInstanceOf(ApiError)
    expect(e.status).toBe(0)
    expect(e.code).toBe('network')
  })

  it('calls the unauthorized hook on 401, except for the sign-in calls', async () => {
    mockFetch({
      'GET /api/v1/units': () => apiError(401, 'unauthenticated', '请先登录'),
      'POST /api/v1/session': () => apiError(401, 'invalid_credentials', '用户名或密码错误'),
    })
    const hook = vi.fn()
    setUnauthorizedHandler(hook)
    await expect(http.get('/api/v1/units')).rejects.toMatchObject({ status: 401, code: 'unauthenticated' })
    expect(hook).toHaveBeenCalledTimes(1)
    expect(hook.mock.calls[0][0]).toBeInstanceOf(ApiError)
    await expect(http.post('/api/v1/session', {}, { allowUnauthenticated: true })).rejects.toMatchObject({ code: 'invalid_credentials' })
    expect(hook).toHaveBeenCalledTimes(1)
  })

  it('calls the password hook on 403 password_change_required only', async () => {
    mockFetch({
      'GET /api/v1/units': () => apiError(403, 'password_change_required', '请先修改密码'),
      'GET /api/v1/tokens': () => apiError(403, 'forbidden', '无权限'),
    })
    const hook = vi.fn()
    setPasswordChangeRequiredHandler(hook)
    await expect(http.get('/api/v1/units')).rejects.toBeInstanceOf(ApiError)
    await expect(http.get('/api/v1/tokens')).rejects.toMatchObject({ code: 'forbidden' })
    expect(hook).toHaveBeenCalledTimes(1)
  })

  it('builds query strings without empty values', () => {
    expect(buildUrl('/api/v1/units', { q: '', kind: 'town', parent_id: null, active: false, page: 2, x: undefined })).toBe(
      '/api/v1/units?kind=town&active=false&page=2',
    )
    expect(buildUrl('/api/v1/units', {})).toBe('/api/v1/units')
    expect(buildUrl('/api/v1/units', { q: '镇 村' })).toBe('/api/v1/units?q=%E9%95%87+%E6%9D%91')
  })

  it('reads file names from Content-Disposition', () => {
    expect(fileNameFromDisposition(`attachment; filename="units.xlsx"; filename*=UTF-8''%E5%8D%95%E4%BD%8D.xlsx`, 'x')).toBe('单位.xlsx')
    expect(fileNameFromDisposition('attachment; filename="users.xlsx"', 'x')).toBe('users.xlsx')
    expect(fileNameFromDisposition(null, 'fallback.xlsx')).toBe('fallback.xlsx')
  })

  it('downloads with the same headers and reports errors from the JSON shape', async () => {
    const created: string[] = []
    vi.stubGlobal('URL', Object.assign(URL, { createObjectURL: () => 'blob:x', revokeObjectURL: () => undefined }))
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      created.push(this.download)
    })
    const { calls } = mockFetch({
      'GET /api/v1/units/export': () =>
        new Response(new Blob(['PK']), { status: 200, headers: { 'Content-Disposition': 'attachment; filename="units.xlsx"' } }),
      'GET /api/v1/users/export': () => apiError(403, 'forbidden', '无权导出'),
    })
    setApiLanguage('en')
    await expect(download('/api/v1/units/export', { kind: 'town', q: '' }, 'fallback.xlsx')).resolves.toBe('units.xlsx')
    expect(calls[0].url).toBe('/api/v1/units/export?kind=town')
    expect(calls[0].headers['Accept-Language']).toBe('en')
    expect(created).toEqual(['units.xlsx'])
    await expect(download('/api/v1/users/export', undefined, 'u.xlsx')).rejects.toMatchObject({ status: 403, message: '无权导出' })
    click.mockRestore()
  })
})
