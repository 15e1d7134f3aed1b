// Browser tests of diaodu: the real binary with a fresh demo district, driven by
// playwright-core in Debian's Chromium. Plain Node, no test framework:
//
//   cd e2e && DIAODU_BIN=../bin/diaodu node run.mjs     (make e2e)
//
// Without DIAODU_BIN the binary is built into a temporary directory. Without
// /usr/bin/chromium (or the WenQuanYi font) the run is skipped, unless
// DIAODU_REQUIRE_ALL=1. Screenshots go to e2e/screenshots/. The last line is
// "N passed, M failed"; the exit code is 1 when anything failed.
import { spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const E2E_DIR = path.dirname(fileURLToPath(import.meta.url))
const ROOT = path.resolve(E2E_DIR, '..')
const SHOTS = path.join(E2E_DIR, 'screenshots')
const CHROMIUM = '/usr/bin/chromium'
const CJK_FONT = '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc'
const DEMO_PASSWORD = 'Demo@2026'
const NEW_PASSWORD = 'E2e-Pass#2026'
const WATCHDOG_MS = 540_000 // the whole run must end well inside 10 minutes
const CJK = /[\u4e00-\u9fff]/
const STEPS = 8

const T0 = Date.now()
const secs = (ms) => `${(ms / 1000).toFixed(1)}s`

// ---------------------------------------------------------------- prerequisites

{
  const missing = [CHROMIUM, CJK_FONT].filter((f) => !fs.existsSync(f))
  if (missing.length) {
    const why = `browser tests need ${missing.join(' and ')} (Debian packages chromium, fonts-wqy-microhei)`
    if (process.env.DIAODU_REQUIRE_ALL === '1') {
      console.error(`✗ ${why}; DIAODU_REQUIRE_ALL=1, so this is a failure`)
      process.exit(1)
    }
    console.log(`- skipped: ${why}`)
    process.exit(0)
  }
}

const { chromium } = await import('playwright-core')

// ---------------------------------------------------------------- cleanup

const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'diaodu-e2e-'))
let server = null // the diaodu child process
let browser = null

function killServerNow() {
  if (server && server.exitCode === null && server.signalCode === null) {
    try {
      server.kill('SIGKILL')
    } catch {
      // already gone
    }
  }
}

function removeTmp() {
  try {
    fs.rmSync(TMP, { recursive: true, force: true })
  } catch {
    // best effort
  }
}

// Whatever happens, the server never outlives this process.
process.on('exit', () => {
  killServerNow()
  removeTmp()
})
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    console.error(`\n✗ interrupted (${sig})`)
    process.exit(130)
  })
}
process.on('uncaughtException', (e) => {
  console.error('✗ uncaught exception:', e)
  process.exit(1)
})
process.on('unhandledRejection', (e) => {
  console.error('✗ unhandled rejection:', e)
  process.exit(1)
})
const watchdog = setTimeout(() => {
  console.error(`\n✗ the run took longer than ${secs(WATCHDOG_MS)}; giving up`)
  console.log(`${passedCount()} passed, ${STEPS - passedCount()} failed`)
  process.exit(1)
}, WATCHDOG_MS)
watchdog.unref()

// ---------------------------------------------------------------- the server

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', ...opts })
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status ?? r.signal}):\n${r.stdout ?? ''}${r.stderr ?? ''}`)
  return r.stdout
}

function binary() {
  if (process.env.DIAODU_BIN) return path.resolve(process.env.DIAODU_BIN)
  const bin = path.join(TMP, 'diaodu')
  const t = Date.now()
  run('go', ['build', '-o', bin, './cmd/diaodu'])
  console.log(`  built ${bin} (${secs(Date.now() - t)})`)
  return bin
}

let serverLog = ''

/** Starts `diaodu demo` on a free port with a fresh data directory; resolves to its URL. */
async function startServer(bin) {
  // Hermetic: no DIAODU_DB etc.; DIAODU_WEB_DIR passes (a developer's web build served instead of the embedded one).
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('DIAODU_') || k === 'DIAODU_WEB_DIR'))
  const dataDir = path.join(TMP, 'data') // must not exist yet: the demo only replaces its own directories
  server = spawn(bin, ['demo', '--addr', '127.0.0.1:0', '--data', dataDir, '--test-clock'], { cwd: TMP, env, stdio: ['ignore', 'pipe', 'pipe'] })
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL from the server within 90 s:\n${serverLog}`)), 90_000) // the demo replays three months of work
    const onData = (chunk) => {
      serverLog += chunk
      const m = /打开 \/ open\s+(https?:\/\/[^\s]+)/.exec(serverLog)
      if (m) {
        clearTimeout(timer)
        resolve(m[1].replace(/\/$/, ''))
      }
    }
    server.stdout.setEncoding('utf8').on('data', onData)
    server.stderr.setEncoding('utf8').on('data', (c) => (serverLog += c))
    server.on('error', (e) => {
      clearTimeout(timer)
      reject(e)
    })
    server.on('exit', (code, sig) => {
      clearTimeout(timer)
      reject(new Error(`the server exited (${code ?? sig}) before it printed its URL:\n${serverLog}`))
    })
  })
  server.removeAllListeners('exit')
  server.on('exit', (code, sig) => {
    if (!stopping) console.error(`✗ the server exited unexpectedly (${code ?? sig}):\n${serverLog.split('\n').slice(-20).join('\n')}`)
  })
  const deadline = Date.now() + 15_000
  for (;;) {
    try {
      const res = await fetch(`${url}/healthz`)
      if (res.ok && (await res.json()).status === 'ok') return url
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url}/healthz did not answer ok within 15 s`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

let stopping = false
async function stopServer() {
  stopping = true
  if (!server || server.exitCode !== null || server.signalCode !== null) return
  const gone = new Promise((r) => server.once('exit', r))
  server.kill('SIGTERM')
  const t = setTimeout(killServerNow, 5000)
  await gone
  clearTimeout(t)
}

// ---------------------------------------------------------------- page problems

/**
 * Everything a page reports that should not happen: uncaught errors, CSP
 * violations, console errors, HTTP errors the step did not announce.
 */
const problems = [] // { page, text }
let stepId = '' // the step running now: page logs are kept per step
const watched = new WeakMap() // page -> { label, log: [], allowed: [] }

function watch(page, label) {
  const w = { label, log: [], allowed: [] }
  watched.set(page, w)
  const problem = (text) => problems.push({ page: label, text })
  const note = (text) => w.log.push({ step: stepId, text })
  page.on('pageerror', (e) => {
    note(`pageerror: ${e.message}`)
    problem(`uncaught error: ${e.stack || e.message}`)
  })
  page.on('console', (msg) => {
    const text = msg.text()
    const type = msg.type()
    if (type === 'error' || type === 'warning') note(`console.${type}: ${text}`)
    if (/Content Security Policy|CSP violation/i.test(text)) problem(`CSP violation: ${text}`)
    else if (type === 'error' && !/^Failed to load resource: (the server responded with a status of|net::ERR_INTERNET_DISCONNECTED)/.test(text)) {
      // (HTTP statuses are judged from the responses themselves, below.)
      problem(`console error: ${text}`)
    }
  })
  page.on('response', (res) => {
    const status = res.status()
    if (status < 400) return
    const req = res.request()
    const u = new URL(res.url())
    const what = `${req.method()} ${u.pathname}${u.search} → ${status}`
    note(`http: ${what}`)
    const ok = w.allowed.some((a) => a.status === status && a.method === req.method() && a.path.test(u.pathname))
    if (!ok) problem(`unexpected HTTP error: ${what}`)
  })
  page.on('requestfailed', (req) => {
    const err = req.failure()?.errorText ?? ''
    note(`requestfailed: ${req.method()} ${req.url()} ${err}`)
    // Downloads of blob: URLs and aborted requests are not errors.
    // Offline steps (context.setOffline) fail requests on purpose.
    if (!req.url().startsWith('blob:') && !/ERR_ABORTED|ERR_INTERNET_DISCONNECTED/.test(err)) problem(`request failed: ${req.method()} ${req.url()} ${err}`)
  })
  return page
}

/** Announces an HTTP error the step provokes on purpose (a wrong password, the session probe before signing in). */
function expectHttp(page, status, method, pathRe) {
  watched.get(page).allowed.push({ status, method, path: pathRe })
}

// ---------------------------------------------------------------- steps

const results = [] // { id, name, ok, ms, error }
const passed = new Set()
const passedCount = () => results.filter((r) => r.ok).length
let current = null // the page a failing step is screenshotted from

async function step(id, name, deps, fn) {
  const t = Date.now()
  const missing = deps.filter((d) => !passed.has(d))
  if (missing.length) {
    results.push({ id, name, ok: false, ms: 0 })
    console.log(`✗ ${id} ${name} — not run: needs step ${missing.join(', ')}`)
    return
  }
  const mark = problems.length
  const logMark = serverLog.length
  stepId = id
  current = null
  let error = null
  try {
    await fn()
    const mine = problems.slice(mark)
    if (mine.length) error = new Error(`the browser reported problems:\n${mine.map((p) => `    [${p.page}] ${p.text}`).join('\n')}`)
  } catch (e) {
    error = e
  }
  const ms = Date.now() - t
  // Announced errors hold for one step only.
  for (const p of openPages) {
    const w = watched.get(p)
    if (w) w.allowed = []
  }
  if (!error) {
    passed.add(id)
    results.push({ id, name, ok: true, ms })
    console.log(`✓ ${id} ${name} (${secs(ms)})`)
    return
  }
  results.push({ id, name, ok: false, ms })
  console.log(`✗ ${id} ${name} (${secs(ms)})`)
  console.log(indent(String(error?.stack || error), '    '))
  if (current && !current.isClosed()) {
    const file = path.join(SHOTS, `FAILED-${id}-${slug(name)}.png`)
    try {
      await current.screenshot({ path: file, timeout: 5000 })
      console.log(`    screenshot: ${file}`)
    } catch (e) {
      console.log(`    (no screenshot: ${e.message.split('\n')[0]})`)
    }
    const w = watched.get(current)
    const mine = (w?.log ?? []).filter((l) => l.step === id).map((l) => l.text)
    console.log(`    page: ${current.url()}`)
    if (mine.length) console.log(`    console errors and HTTP errors of ${w.label} in this step:\n${indent(mine.slice(-30).join('\n'), '      ')}`)
    else console.log(`    (${w?.label ?? 'the page'} logged no errors in this step)`)
  }
  const serverLines = serverLog.slice(logMark).split('\n').filter((l) => /level=(ERROR|WARN)/.test(l))
  if (serverLines.length) console.log(`    server errors in this step:\n${indent(serverLines.slice(-20).join('\n'), '      ')}`)
}

const indent = (s, p) => s.split('\n').map((l) => p + l).join('\n')
const slug = (s) => s.replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-|-$/g, '')

// ---------------------------------------------------------------- helpers

let BASE = ''
const openPages = new Set()

/** A fresh context (one per signed-in user), watched for problems. */
async function newPage(label, opts = {}) {
  const ctx = await browser.newContext({
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    viewport: { width: 1440, height: 900 },
    acceptDownloads: true,
    ...opts,
  })
  // Chrome logs CSP violations itself; this names the directive too.
  await ctx.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) =>
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`),
    )
  })
  const page = await ctx.newPage()
  // Generous for a busy 2-core machine; the watchdog bounds the whole run.
  page.setDefaultTimeout(15_000)
  page.setDefaultNavigationTimeout(20_000)
  watch(page, label)
  openPages.add(page)
  page.on('close', () => openPages.delete(page))
  current = page
  return page
}

async function closePage(page) {
  if (page && !page.isClosed()) await page.context().close()
}

/** Polls fn until it returns a truthy value. */
async function until(what, fn, timeout = 15_000) {
  const deadline = Date.now() + timeout
  let last
  for (;;) {
    try {
      last = await fn()
      if (last) return last
    } catch (e) {
      last = e.message
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${secs(timeout)} waiting for ${what}; last seen: ${JSON.stringify(last)}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

function check(cond, message) {
  if (!cond) throw new Error(message)
}

/** Cell texts of the body rows of an el-table. */
function tableRows(page, table) {
  return page.$$eval(`${table} .el-table__body-wrapper tbody tr.el-table__row`, (trs) =>
    trs.map((tr) => [...tr.querySelectorAll(':scope > td')].map((td) => td.innerText.trim())),
  )
}

/** Waits until the table has finished loading and `pred(rows)` holds; returns the rows. */
async function tableUntil(page, table, what, pred, timeout = 15_000) {
  const deadline = Date.now() + timeout
  let rows = []
  for (;;) {
    const loading = await page.locator(`${table} .el-loading-mask`).isVisible().catch(() => false)
    rows = await tableRows(page, table).catch(() => [])
    if (!loading && pred(rows)) return rows
    if (Date.now() > deadline) {
      const seen = rows.slice(0, 8).map((r) => '      ' + JSON.stringify(r)).join('\n')
      throw new Error(`timed out after ${secs(timeout)} waiting for ${what}; the table ${loading ? 'is still loading and ' : ''}shows ${rows.length} rows:\n${seen}`)
    }
    await new Promise((r) => setTimeout(r, 100))
  }
}

async function signIn(page, username, password) {
  expectHttp(page, 401, 'GET', /^\/api\/v1\/session$/) // the app asks whether it is signed in
  await page.goto(`${BASE}/login`)
  await page.fill('[data-test=login-username]', username)
  await page.fill('[data-test=login-password]', password)
  await page.click('[data-test=login-submit]')
  await page.waitForURL((u) => !u.pathname.startsWith('/login'))
}

/** Waits for the page fonts, so screenshots show the real glyphs. */
async function shot(page, name, opts = {}) {
  await page.evaluate(() => document.fonts.ready.then(() => true))
  // Dialogs fade in, drawers slide, icons rotate: wait until no finite CSS animation runs.
  await page.waitForFunction(
    () =>
      document
        .getAnimations()
        .every((a) => a.playState !== 'running' || !Number.isFinite(a.effect?.getComputedTiming().endTime ?? Infinity)),
    null,
    { timeout: 5000, polling: 50 },
  )
  const file = path.join(SHOTS, name)
  await page.screenshot({ path: file, ...opts })
  return file
}

/** Waits until an ECharts canvas stops changing (its entry animation has ended). */
async function canvasSettled(page, selector) {
  await page.locator(`${selector} canvas`).first().waitFor()
  let prev = ''
  let same = 0
  await until(`${selector} to finish drawing`, async () => {
    const now = await page.$eval(`${selector} canvas`, (c) => (c.width > 0 && c.height > 0 ? c.toDataURL() : ''))
    same = now && now === prev ? same + 1 : 0
    prev = now
    return same >= 2
  })
}

/** Picks a unit in a UnitTreeSelect (data-test on the wrapper, options in a popper): types to filter, clicks the match. */
async function pickUnit(page, wrapper, name) {
  await page.click(`${wrapper} .el-select__wrapper`)
  const popper = page.locator('.el-popper.unit-tree-select__popper:visible')
  await popper.waitFor()
  await page.locator(`${wrapper} input.el-select__input`).fill(name)
  const node = popper.locator('.el-tree-node__content').filter({ hasText: new RegExp(`^\\s*${name}\\s*$`) })
  await until(`${name} to be the only match in the unit picker`, async () => (await popper.locator('.el-tree-node__content:visible').count()) <= 3)
  await node.first().click()
  await until(`${wrapper} to show ${name}`, async () => (await page.locator(wrapper).innerText()).includes(name))
  await popper.waitFor({ state: 'hidden' })
}

/** Picks the option of an el-select by its label. */
async function pickOption(page, select, label) {
  await page.click(`${select} .el-select__wrapper`)
  const item = page.locator('.el-select-dropdown:visible .el-select-dropdown__item').filter({ hasText: new RegExp(`^\\s*${label}\\s*$`) })
  await item.first().click()
}

async function toast(page, text) {
  await page.locator('.el-message').filter({ hasText: text }).first().waitFor()
}

async function isPng(file) {
  const b = fs.readFileSync(file).subarray(0, 4)
  return b[0] === 0x89 && b.toString('latin1', 1, 4) === 'PNG'
}

function isZip(file) {
  const b = fs.readFileSync(file)
  return b.length > 100 && b[0] === 0x50 && b[1] === 0x4b // PK: an xlsx is a zip
}

/** Clicks and waits for the download it starts; returns { name, file }. */
async function download(page, selector) {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click(selector)])
  const name = dl.suggestedFilename()
  const file = path.join(TMP, `dl-${Date.now()}-${path.basename(name)}`)
  await dl.saveAs(file)
  const failure = await dl.failure()
  check(!failure, `download ${name} failed: ${failure}`)
  return { name, file }
}

/** Records in the page whether the import progress bar was ever rendered (it may show only briefly). */
async function recordProgress(page) {
  await page.evaluate(() => {
    window.__progress = []
    const seen = () => {
      const el = document.querySelector('[data-test=import-progress]')
      if (el && el.getClientRects().length) window.__progress.push({ done: el.dataset.done, total: el.dataset.total, text: el.innerText })
    }
    window.__progressObserver?.disconnect()
    window.__progressObserver = new MutationObserver(seen)
    window.__progressObserver.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true })
  })
}

async function importFile(page, file) {
  await recordProgress(page)
  await page.locator('[data-test=import-file]').setInputFiles(file)
  const result = page.locator('[data-test=import-result]')
  await result.waitFor({ timeout: 20_000 })
  const progress = await page.evaluate(() => window.__progress)
  check(progress.length > 0, 'the progress bar [data-test=import-progress] never showed')
  return { outcome: await result.getAttribute('data-outcome'), progress }
}

async function counts(page) {
  const n = async (k) => (await page.locator(`[data-test=import-${k}]`).innerText()).trim()
  return { created: await n('created'), updated: await n('updated'), unchanged: await n('unchanged') }
}

/** The page body does not scroll sideways. */
async function bodyWidth(page) {
  return page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }))
}

// ---------------------------------------------------------------- the run

fs.mkdirSync(SHOTS, { recursive: true })
for (const f of fs.readdirSync(SHOTS)) if (f.endsWith('.png')) fs.rmSync(path.join(SHOTS, f))

const state = {} // what later steps use: the initial password, …
let fatal = null

try {
  const bin = binary()
  BASE = await startServer(bin)
  console.log(`  server ${BASE} (${secs(Date.now() - T0)})`)

  // The spreadsheets the import uploads: same name, first with a bad row, then fixed.
  const badFile = path.join(TMP, 'bad', '新增村社区名册.xlsx')
  const fixedFile = path.join(TMP, 'fixed', '新增村社区名册.xlsx')
  const breakdownBad = path.join(TMP, 'bad', '重点工作任务分解表.xlsx')
  const breakdownFixed = path.join(TMP, 'fixed', '重点工作任务分解表.xlsx')
  for (const [f, args] of [
    [badFile, ['-bad']],
    [fixedFile, []],
    [breakdownBad, ['-breakdown', '-bad']],
    [breakdownFixed, ['-breakdown']],
  ]) {
    fs.mkdirSync(path.dirname(f), { recursive: true })
    run('go', ['run', './e2e/mkxlsx', ...args, f])
  }

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  })
  console.log(`  chromium ${browser.version()} (${secs(Date.now() - T0)})`)

  let admin = null // the desktop admin of steps 1–3

  await step('1', '管理员登录，工作台显示统计卡片和单位图表', [], async () => {
    admin = await newPage('admin')
    // A wrong password first: the server's message shows, the 401 is expected.
    expectHttp(admin, 401, 'POST', /^\/api\/v1\/session$/)
    expectHttp(admin, 401, 'GET', /^\/api\/v1\/session$/) // the app asks whether it is signed in
    const doc = await admin.goto(`${BASE}/login`)
    const csp = doc.headers()['content-security-policy'] ?? ''
    check(/script-src 'self'/.test(csp), `the page is served without a strict CSP: ${JSON.stringify(csp)}`)
    await admin.fill('[data-test=login-username]', 'admin')
    await admin.fill('[data-test=login-password]', 'wrong-Password1')
    await admin.click('[data-test=login-submit]')
    const err = admin.locator('[data-test=login-error]')
    await err.waitFor()
    const msg = (await err.innerText()).trim()
    check(CJK.test(msg), `the sign-in error is not a Chinese message: ${JSON.stringify(msg)}`)
    check(new URL(admin.url()).pathname === '/login', `a wrong password left /login: ${admin.url()}`)
    await shot(admin, '00-login-error.png')

    await admin.fill('[data-test=login-username]', 'admin')
    await admin.fill('[data-test=login-password]', DEMO_PASSWORD)
    await admin.click('[data-test=login-submit]')
    await admin.waitForURL(`${BASE}/`)
    await admin.locator('[data-test=home-greeting]').waitFor()

    // Canary: an inline script must be refused by the CSP, and the watcher must see it.
    const before = problems.length
    await admin.evaluate(() => {
      const s = document.createElement('script')
      s.textContent = 'window.__inlineRan = true'
      document.head.append(s)
    })
    await until('the CSP violation of the canary to be reported', async () => problems.slice(before).some((p) => /CSP/.test(p.text)))
    check(!(await admin.evaluate(() => window.__inlineRan === true)), 'an inline script ran: the CSP does not block it')
    problems.splice(before) // expected: not a problem of the app

    const overview = await (await admin.request.get(`${BASE}/api/v1/overview`)).json()
    for (const [key, want] of [
      ['units', overview.units_total],
      ['users', overview.users_total],
    ]) {
      const value = admin.locator(`[data-test=home-stat-${key}] .home__stat-value`)
      await value.waitFor()
      const shown = (await value.innerText()).replace(/[,\s]/g, '')
      check(Number(shown) === want && want > 0, `card ${key} shows ${shown}, the API says ${want}`)
    }
    check((await admin.locator('[data-test=current-user]').innerText()).trim().length > 0, 'no current user in the top bar')
    await canvasSettled(admin, '[data-test=chart-units]')
    await canvasSettled(admin, '[data-test=chart-users]')
    const box = await admin.locator('[data-test=chart-units] canvas').boundingBox()
    check(box && box.width > 200 && box.height > 200, `the units chart is ${JSON.stringify(box)}`)
    await admin.locator('[data-test=home-recent-audit]').waitFor()
    await shot(admin, '01-home.png')
  })

  await step('2', '单位管理：新建村“测试新村”（E2E-V01，青石镇下），出现在青石镇的列表中', ['1'], async () => {
    current = admin
    await admin.click('[data-test=menu-units]')
    await admin.waitForURL(`${BASE}/org/units`)
    await tableUntil(admin, '[data-test=unit-table]', 'the units list', (rows) => rows.length > 0)

    await admin.click('[data-test=unit-create]')
    const dialog = admin.locator('[data-test=unit-form]')
    await dialog.waitFor()
    await pickUnit(admin, '[data-test=unit-form-parent]', '青石镇')
    await admin.click('[data-test=unit-form-kind] .el-select__wrapper')
    await admin.locator('[data-test=unit-kind-village]:visible').click()
    await admin.fill('[data-test=unit-form-code]', 'E2E-V01')
    await admin.fill('[data-test=unit-form-name]', '测试新村')
    await admin.fill('[data-test=unit-form-short-name]', '测试')
    await admin.fill('[data-test=unit-form-contact-name]', '李测试')
    await admin.fill('[data-test=unit-form-contact-phone]', '13800001234')
    await admin.click('[data-test=unit-form-submit]')
    await toast(admin, '创建成功')
    await dialog.waitFor({ state: 'hidden' })

    // The list of 青石镇: pick it in the tree.
    await admin
      .locator('[data-test=unit-tree] .el-tree-node__content')
      .filter({ hasText: /^\s*青石镇\s*$/ })
      .first()
      .click()
    const rows = await tableUntil(
      admin,
      '[data-test=unit-table]',
      'the list of 青石镇 with 测试新村',
      (rows) => rows.length > 1 && rows.every((r) => r[3] === '青石镇') && rows.some((r) => r[1] === 'E2E-V01'),
    )
    const row = rows.find((r) => r[1] === 'E2E-V01')
    check(row[0].includes('测试新村'), `row E2E-V01 is named ${JSON.stringify(row[0])}`)
    check(row[2] === '村/社区', `row E2E-V01 has the kind ${JSON.stringify(row[2])}`)
    check(row[4].includes('李测试') && !row[4].includes('13800001234'), `the contact is not shown masked: ${JSON.stringify(row[4])}`)
    await shot(admin, '02-units.png')
  })

  await step('3', '用户管理：新建用户 e2e.user（测试用户，青石镇，经办人），显示初始密码', ['1'], async () => {
    if (!passed.has('2')) {
      // Step 2 may have left a dialog open: start over on a clean page.
      await closePage(admin)
      admin = await newPage('admin (users)')
      await signIn(admin, 'admin', DEMO_PASSWORD)
    }
    current = admin
    await admin.click('[data-test=menu-users]')
    await admin.waitForURL(`${BASE}/users`)
    await tableUntil(admin, '[data-test=user-table]', 'the users list', (rows) => rows.length > 0)

    await admin.click('[data-test=user-create]')
    const dialog = admin.locator('[data-test=user-form]')
    await dialog.waitFor()
    await admin.fill('[data-test=user-form-username]', 'e2e.user')
    await admin.fill('[data-test=user-form-real-name]', '测试用户')
    await pickUnit(admin, '[data-test=user-form-unit]', '青石镇')
    await admin.fill('[data-test=user-form-position]', '综合办干部')
    // 经办人 (staff) is the default role; make sure it is the only one.
    const checked = await admin.$$eval('[data-test=user-form-roles] .el-checkbox.is-checked', (els) => els.map((e) => e.dataset.test))
    for (const c of checked) if (c !== 'user-role-staff') await admin.click(`[data-test=${c}]`)
    if (!checked.includes('user-role-staff')) await admin.click('[data-test=user-role-staff]')
    const roles = await admin.$$eval('[data-test=user-form-roles] .el-checkbox.is-checked', (els) => els.map((e) => e.innerText.trim()))
    check(roles.length === 1 && roles[0] === '经办人', `roles checked: ${roles}`)
    await admin.click('[data-test=user-form-submit]')

    const secret = admin.locator('[data-test=initial-password]')
    await secret.waitFor()
    state.password = (await secret.innerText()).trim()
    check(state.password.length >= 8 && !/\s/.test(state.password), `initial password looks wrong: ${JSON.stringify(state.password)}`)
    await dialog.waitFor({ state: 'hidden' })
    await shot(admin, '03-users.png')
    await admin.click('[data-test=secret-close]')
    await secret.waitFor({ state: 'hidden' })
    await admin.fill('[data-test=user-search]', 'e2e.user')
    await admin.click('[data-test=list-search]')

    const rows = await tableUntil(admin, '[data-test=user-table]', 'e2e.user in the list', (rows) => rows.some((r) => r[0] === 'e2e.user'))
    const row = rows.find((r) => r[0] === 'e2e.user')
    check(row[1].includes('测试用户') && row[1].includes('待改密'), `name column: ${JSON.stringify(row[1])}`)
    check(row[2] === '青石镇', `unit column: ${JSON.stringify(row[2])}`)
    check(row[4].includes('经办人'), `roles column: ${JSON.stringify(row[4])}`)
  })

  await step('4', '退出；e2e.user 用初始密码登录 → 强制改密，其他页面进不去，改密后进入工作台', ['3'], async () => {
    current = admin
    await admin.click('[data-test=user-menu]')
    await admin.locator('[data-test=menu-logout]:visible').click()
    await admin.waitForURL((u) => u.pathname === '/login')
    await toast(admin, '您已安全退出')
    await closePage(admin)
    admin = null

    const user = await newPage('e2e.user')
    await signIn(user, 'e2e.user', state.password)
    await user.waitForURL((u) => u.pathname === '/password')
    await user.locator('[data-test=password-intro]').waitFor()
    await user.locator('[data-test=password-logout]').waitFor() // the forced form: sign out, no "back"
    check((await user.locator('.pw__title').innerText()).includes('请先修改初始密码'), 'not the forced-change title')
    await shot(user, '04-password.png')

    for (const where of ['/', '/users', '/system/audit']) {
      await user.goto(`${BASE}${where}`)
      await user.locator('[data-test=password-intro]').waitFor()
      check(new URL(user.url()).pathname === '/password', `${where} led to ${user.url()} instead of /password`)
    }

    await user.fill('[data-test=password-old]', state.password)
    await user.fill('[data-test=password-new]', NEW_PASSWORD)
    await user.fill('[data-test=password-confirm]', NEW_PASSWORD)
    for (const rule of ['length', 'classes', 'differ']) {
      await user.locator(`[data-test=password-rule-${rule}][data-ok=true]`).waitFor()
    }
    await user.click('[data-test=password-submit]')
    await user.waitForURL(`${BASE}/`)
    await toast(user, '密码已修改')
    const greeting = await user.locator('[data-test=home-greeting]').innerText()
    check(greeting.includes('测试用户'), `greeting: ${JSON.stringify(greeting)}`)
    // A staff user has no units page in the menu.
    check((await user.locator('[data-test=menu-units]').count()) === 0, 'a 经办人 sees 单位管理 in the menu')
    await closePage(user)
  })

  let admin2 = null // the admin of steps 5 and 6

  await step('5', '单位导入：模板下载；错误表格（第6行 上级单位编码）与错误文件下载；修正后新增3条；再次导入未变3条', [], async () => {
    admin2 = await newPage('admin (import)')
    await signIn(admin2, 'admin', DEMO_PASSWORD)
    await admin2.click('[data-test=menu-units]')
    await admin2.waitForURL(`${BASE}/org/units`)
    await tableUntil(admin2, '[data-test=unit-table]', 'the units list', (rows) => rows.length > 0)

    await admin2.click('[data-test=import-open]')
    const dialog = admin2.locator('[data-test=import-dialog]')
    await dialog.waitFor()
    const template = await download(admin2, '[data-test=import-template]')
    check(/\.xlsx$/.test(template.name) && isZip(template.file), `template download: ${template.name}`)

    // The bad sheet: nothing is imported, the errors are listed.
    const bad = await importFile(admin2, badFile)
    check(bad.outcome === 'errors', `outcome of the bad sheet: ${bad.outcome}`)
    const errors = await tableUntil(admin2, '[data-test=import-errors]', 'the error rows', (rows) => rows.length > 0)
    const row6 = errors.find((r) => r[0] === '6' && r[1] === '上级单位编码')
    check(row6, `no error for row 6 / 上级单位编码 in ${JSON.stringify(errors)}`)
    check(CJK.test(row6[2]) && row6[2].includes('NO-SUCH-TOWN'), `the message of row 6: ${JSON.stringify(row6[2])}`)
    check(errors.length === 1, `expected one error, got ${JSON.stringify(errors)}`)
    const sheet = await download(admin2, '[data-test=import-download-errors]')
    check(/\.xlsx$/.test(sheet.name) && isZip(sheet.file), `error sheet download: ${sheet.name}`)
    await shot(admin2, '05-import-errors.png')

    // Fixed: the three rows are created.
    await admin2.click('[data-test=import-retry]')
    const fixed = await importFile(admin2, fixedFile)
    check(fixed.outcome === 'success', `outcome of the fixed sheet: ${fixed.outcome}`)
    let c = await counts(admin2)
    check(c.created === '3' && c.updated === '0' && c.unchanged === '0', `counts of the first import: ${JSON.stringify(c)}`)
    await shot(admin2, '05b-import-done.png')
    await admin2.click('[data-test=import-finish]')
    await dialog.waitFor({ state: 'hidden' })

    await admin2.fill('[data-test=unit-search]', '-V9')
    await admin2.click('[data-test=list-search]')
    const want = {
      'SFQ-T01-V90': ['新建测试村', '青石镇'],
      'SFQ-T01-V91': ['新建示范社区', '青石镇'],
      'SFQ-T02-V92': ['河湾村', '柳溪镇'],
    }
    const rows = await tableUntil(admin2, '[data-test=unit-table]', 'the imported units', (rows) =>
      Object.keys(want).every((code) => rows.some((r) => r[1] === code)),
    )
    for (const [code, [name, parent]] of Object.entries(want)) {
      const r = rows.find((x) => x[1] === code)
      check(r[0].split('\n')[0] === name && r[3] === parent, `imported ${code}: ${JSON.stringify(r)}`)
    }

    // The same file again: nothing new.
    await admin2.click('[data-test=import-open]')
    await dialog.waitFor()
    const again = await importFile(admin2, fixedFile)
    check(again.outcome === 'success', `outcome of the second import: ${again.outcome}`)
    c = await counts(admin2)
    check(c.created === '0' && c.updated === '0' && c.unchanged === '3', `counts of the second import: ${JSON.stringify(c)}`)
    await admin2.click('[data-test=import-finish]')
    await dialog.waitFor({ state: 'hidden' })
  })

  await step('6', '审计日志：新建单位、新建用户、导入、登录的记录可查，展开看修改前后，校验完整性通过', [], async () => {
    if (!passed.has('5')) {
      // Step 5 may have left its dialog open: start over on a clean page.
      await closePage(admin2)
      admin2 = await newPage('admin (audit)')
      await signIn(admin2, 'admin', DEMO_PASSWORD)
    }
    current = admin2
    const page = admin2
    await page.click('[data-test=menu-audit]')
    await page.waitForURL(`${BASE}/system/audit`)
    const T = '[data-test=audit-table]'
    // columns: expand, time, user, unit, ip, action, object, summary
    await tableUntil(page, T, 'the audit list', (rows) => rows.length > 0)

    // Sign-ins: admin, and e2e.user when step 4 ran.
    await pickOption(page, '[data-test=audit-filter-action]', '登录')
    const who = ['admin', ...(passed.has('4') ? ['e2e.user'] : [])]
    await tableUntil(page, T, `sign-ins of ${who}`, (rows) => rows.every((r) => r[5] === '登录') && who.every((u) => rows.some((r) => r[2] === u)))

    // The imports (step 5): two finished imports of the fixed sheet.
    if (passed.has('5')) {
      await pickOption(page, '[data-test=audit-filter-action]', '导入完成')
      await tableUntil(
        page,
        T,
        'the finished imports',
        (rows) =>
          rows.every((r) => r[5] === '导入完成') &&
          rows.some((r) => r[7].includes('新增3条')) &&
          rows.some((r) => r[7].includes('未变3条')),
      )
      await page.click('[data-test=list-reset]')
      await page.fill('[data-test=audit-search]', '新增村社区名册')
      await page.click('[data-test=list-search]')
      await tableUntil(page, T, 'the three started imports', (rows) => rows.filter((r) => r[5] === '开始导入').length === 3)
    }

    // The user created in step 3 (and its own sign-in and password change).
    if (passed.has('3')) {
      await page.click('[data-test=list-reset]')
      await page.fill('[data-test=audit-search]', 'e2e.user')
      await page.click('[data-test=list-search]')
      await tableUntil(page, T, 'the creation of e2e.user', (rows) =>
        rows.some((r) => r[5] === '新建用户' && r[2] === 'admin' && r[7].includes('测试用户')),
      )
    }

    // The unit created in step 2: expand it to see before/after.
    if (passed.has('2')) {
      await page.click('[data-test=list-reset]')
      await page.fill('[data-test=audit-search]', '测试新村')
      await page.click('[data-test=list-search]')
      // Wait for the search's own rows (the list before it has other units' creations), then open that row by
      // its text: background jobs may add entries between reading the rows and clicking.
      await tableUntil(page, T, 'the creation of 测试新村', (rows) => rows.some((r) => r[5] === '新建单位' && r.join(' ').includes('测试新村')))
      await page.locator(`${T} .el-table__body-wrapper tbody tr.el-table__row`, { hasText: '新建单位' }).filter({ hasText: '测试新村' }).first()
        .locator('.el-table__expand-icon').click()
      const diff = page.locator(`${T} .json-diff`).first()
      await diff.waitFor()
      const text = await diff.innerText()
      check(text.includes('修改前') && text.includes('修改后'), `the diff has no before/after headings: ${JSON.stringify(text)}`)
      check(text.includes('"E2E-V01"') && text.includes('"测试新村"'), `the diff does not show the new unit: ${JSON.stringify(text)}`)
    }
    await shot(page, '06-audit.png')

    await page.click('[data-test=audit-verify]')
    const ok = page.locator('[data-test=audit-verify-ok]')
    await ok.waitFor()
    check((await ok.innerText()).includes('未发现篡改'), `verify: ${await ok.innerText()}`)
    await shot(page, '06b-audit-verify.png')
    await page.locator('[data-test=audit-verify-result] .el-dialog__footer button').click()
    await closePage(page)
    admin2 = null
  })

  await step('7', '手机宽度（360 px）：基层人员工作台不横向溢出，菜单在汉堡按钮后；管理员单位页', [], async () => {
    if (admin2) {
      // Step 6 stopped before closing its page: close it, or its inbox polls outlive the session once the clock moves.
      await closePage(admin2)
      admin2 = null
    }
    const phone = {
      viewport: { width: 360, height: 740 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
    }
    const field = await newPage('t01v01 (phone)', phone)
    await signIn(field, 't01v01', DEMO_PASSWORD)
    await field.waitForURL(`${BASE}/`)
    await field.locator('[data-test=home-stat-units] .home__stat-value').waitFor()
    await canvasSettled(field, '[data-test=chart-units]')
    const w = await bodyWidth(field)
    check(w.scroll <= 360 + 1, `the workbench is ${w.scroll} px wide at 360 px (client ${w.client})`)
    check(!(await field.locator('[data-test=menu-home]').isVisible()), 'the menu shows without opening the hamburger')
    await shot(field, '07-phone-home.png')
    await field.click('[data-test=menu-toggle]')
    await field.locator('[data-test=menu-home]').waitFor()
    await field.locator('.el-drawer').waitFor()
    // Wait for the drawer's slide-in to finish before the screenshot.
    await until('the drawer to open fully', async () => {
      const b = await field.locator('.el-drawer').boundingBox()
      return b && Math.abs(b.x) < 0.5
    })
    await shot(field, '07-phone-menu.png')
    await closePage(field)

    const admin3 = await newPage('admin (phone)', phone)
    await signIn(admin3, 'admin', DEMO_PASSWORD)
    await admin3.click('[data-test=menu-toggle]')
    await admin3.locator('[data-test=menu-units]').click()
    await admin3.waitForURL(`${BASE}/org/units`)
    await tableUntil(admin3, '[data-test=unit-table]', 'the units list', (rows) => rows.length > 0)
    await admin3.locator('.el-drawer').waitFor({ state: 'hidden' })
    const uw = await bodyWidth(admin3)
    if (uw.scroll > 361) console.log(`    note: the units page is ${uw.scroll} px wide at 360 px`)
    await shot(admin3, '08-phone-units.png', { fullPage: true })
    await closePage(admin3)
  })

  await step('8', '切换为英文：菜单显示英文', [], async () => {
    const page = await newPage('admin (English)')
    await signIn(page, 'admin', DEMO_PASSWORD)
    await page.locator('[data-test=home-greeting]').waitFor()
    await page.click('[data-test=lang-switch]')
    await page.locator('[data-test=lang-en]:visible').click()
    const want = { home: 'Workbench', org: 'Organization', units: 'Units', users: 'Users', system: 'System', audit: 'Audit log' }
    for (const [k, label] of Object.entries(want)) {
      await until(`menu-${k} to read ${label}`, async () => {
        const sel = k === 'org' || k === 'system' ? `[data-test=menu-${k}] > .el-sub-menu__title` : `[data-test=menu-${k}]`
        return (await page.locator(sel).innerText()).trim() === label
      })
    }
    check((await page.evaluate(() => document.documentElement.lang)) === 'en', 'html lang is not en')
    check((await page.locator('[data-test=lang-switch]').innerText()).includes('EN'), 'the switch does not show EN')
    const crumbs = await page.locator('[data-test=breadcrumbs]').innerText()
    check(crumbs.includes('Workbench'), `breadcrumbs: ${JSON.stringify(crumbs)}`)
    await canvasSettled(page, '[data-test=chart-units]')
    await shot(page, '09-english.png')
    await closePage(page)
  })

  // ------------------------------------------------------------ supervision (督查督办)

  const sv = {} // the task the supervision steps follow

  /** Runs fn(page) against the API as the signed-in user of page (with the session's CSRF token). */
  const api = (page, method, url, body) =>
    page.evaluate(
      async ({ method, url, body }) => {
        const s = await (await fetch('/api/v1/session')).json()
        const res = await fetch(url, {
          method,
          headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': s.csrf_token ?? '' },
          body: body === undefined ? undefined : JSON.stringify(body),
        })
        return { status: res.status, body: await res.json().catch(() => null) }
      },
      { method, url, body },
    )

  /** Confirms the open ElMessageBox. */
  const confirmBox = async (page) => {
    const box = page.locator('.el-message-box:visible')
    await box.waitFor()
    await box.locator('.el-message-box__btns .el-button--primary, .el-message-box__btns .el-button--danger').last().click()
    await box.waitFor({ state: 'hidden' })
  }

  /** Fills a DateField (the hook sits on a wrapper div). */
  const fillDate = async (page, hook, value) => {
    const input = page.locator(`[data-test=${hook}] input`).first()
    await input.click()
    await input.fill(value)
    await input.press('Enter')
  }

  /** Picks the first option of an el-select, then waits for its dropdown to close. */
  const pickFirst = async (page, hook, multiple = false) => {
    await until(`no dropdown open before ${hook}`, async () => (await page.locator('.el-select-dropdown:visible').count()) === 0)
    await page.click(`[data-test=${hook}] .el-select__wrapper`)
    const item = page.locator('.el-select-dropdown:visible .el-select-dropdown__item:not(.is-disabled)').first()
    await item.waitFor()
    const open = async () => (await page.locator('.el-select-dropdown:visible').count()) > 0
    await item.click()
    if (multiple) await page.locator('.el-dialog__title:visible, .el-dialog__header:visible').first().click() // Escape would close the dialog
    // A click while the dropdown is still sliding open can land on nothing
    // (seen on a loaded machine): click again while it stays open.
    for (let retry = 0; !multiple && retry < 2; retry++) {
      const closed = await until(`the dropdown of ${hook} to close`, async () => !(await open()), 3000).then(() => true, () => false)
      if (closed) break
      await item.click()
    }
    await until(`the dropdown of ${hook} to close`, async () => !(await open()))
  }

  const statusOf = (page) => page.locator('[data-test=task-head]').getAttribute('data-status')
  const statusIs = (page, want) => until(`the task to be ${want}`, async () => (await statusOf(page)) === want)

  await step('9', '督办：督查室新建任务（区发展和改革局牵头）并下发，编号按“示督〔年〕号”生成', [], async () => {
    const page = await newPage('ducha (supervision)')
    current = page
    await signIn(page, 'ducha', DEMO_PASSWORD)
    const meta = await api(page, 'GET', '/api/v1/meta')
    const today = new Date(Date.parse(meta.body.now) + 8 * 3600_000) // Shanghai
    const ymd = (d) => d.toISOString().slice(0, 10)
    sv.deadline = ymd(new Date(today.getTime() + 7 * 86400_000))
    sv.now = meta.body.now
    await page.goto(`${BASE}/supervision/tasks`)
    await tableUntil(page, '[data-test=task-table]', 'the ledger', (rows) => rows.length > 0)
    await page.click('[data-test=task-create]')
    const form = page.locator('[data-test=task-form]')
    await form.waitFor()
    await pickFirst(page, 'task-form-source')
    await page.fill('[data-test=task-form-title]', 'E2E 园区污水管网接入')
    await page.fill('[data-test=task-form-requirements]', '新建污水管网3公里，年底前实现园区污水全收集。')
    await pickFirst(page, 'task-form-leaders', true)
    await pickUnit(page, '[data-test=task-form-lead-unit]', '区发展和改革局')
    await fillDate(page, 'task-form-deadline', sv.deadline)
    await shot(page, '10-task-form.png')
    await page.click('[data-test=task-form-issue]')
    await confirmBox(page)
    await page.waitForURL(/\/supervision\/tasks\/\d+$/)
    sv.url = page.url()
    sv.id = Number(sv.url.split('/').pop())
    await statusIs(page, 'issued')
    const number = (await page.locator('[data-test=task-number]').innerText()).trim()
    check(/^示督〔\d{4}〕\d+号$/.test(number), `task number: ${JSON.stringify(number)}`)
    sv.number = number
    await shot(page, '10b-task-issued.png')
    await closePage(page)
  })

  await step('10', '单位（区发展和改革局）签收任务并填报进展，时间线记录签收和进展', ['9'], async () => {
    const page = await newPage('d03_admin (unit)')
    current = page
    await signIn(page, 'd03_admin', DEMO_PASSWORD)
    await page.goto(sv.url)
    await statusIs(page, 'issued')
    await page.click('[data-test=task-action-sign]')
    if (await page.locator('.el-message-box:visible').count()) await confirmBox(page)
    await statusIs(page, 'signed')
    await page.click('[data-test=task-action-report]')
    const dialog = page.locator('[data-test=task-report-dialog]')
    await dialog.waitFor()
    await page.fill('[data-test=task-report-content]', '已完成管网线路勘测和施工图设计，正在组织施工招标。')
    const percent = page.locator('[data-test=task-report-percent] input').first()
    await percent.fill('30')
    await percent.press('Tab')
    await page.click('[data-test=task-report-submit]')
    await dialog.waitFor({ state: 'hidden' })
    await statusIs(page, 'in_progress')
    await until('the progress to read 30%', async () => (await page.locator('[data-test=task-progress]').first().getAttribute('data-progress')) === '30')
    const timeline = await page.locator('[data-test=task-timeline]').innerText()
    check(timeline.includes('签收') && timeline.includes('进展'), `the timeline: ${JSON.stringify(timeline.slice(0, 300))}`)
    await closePage(page)
  })

  await step('11', '移动时钟过完成时限：任务亮红灯并写明逾期；督查室催办，单位收到消息', ['10'], async () => {
    const admin = await newPage('admin (clock)')
    current = admin
    await signIn(admin, 'admin', DEMO_PASSWORD)
    const later = new Date(Date.parse(`${sv.deadline}T10:00:00+08:00`) + 3 * 86400_000).toISOString()
    const moved = await api(admin, 'PUT', '/api/v1/test/clock', { now: later })
    check(moved.status === 200, `moving the clock: ${JSON.stringify(moved)}`)
    await closePage(admin)

    const page = await newPage('ducha (remind)')
    current = page
    await signIn(page, 'ducha', DEMO_PASSWORD)
    await page.goto(sv.url)
    const light = page.locator('[data-test=task-head] [data-test=task-light], [data-test=task-light]').first()
    await until('the light to turn red', async () => (await light.getAttribute('data-light')) === 'red')
    const reason = (await page.locator('[data-test=task-light-reason]').innerText()).trim()
    check(reason.includes('逾期'), `the light's reason: ${JSON.stringify(reason)}`)
    await shot(page, '11-task-red.png')
    await page.click('[data-test=task-action-remind]')
    await page.fill('[data-test=task-dialog-remind-text]', '任务已逾期，请于3个工作日内报送完成情况。')
    await page.click('[data-test=task-dialog-remind-submit]')
    await until('the reminder in the timeline', async () => (await page.locator('[data-test=task-timeline]').innerText()).includes('催办'))
    await closePage(page)

    const unit = await newPage('d03_admin (inbox)')
    current = unit
    await signIn(unit, 'd03_admin', DEMO_PASSWORD)
    const inbox = await api(unit, 'GET', '/api/v1/inbox?page_size=50')
    check(inbox.status === 200 && inbox.body.items.some((m) => String(m.title).includes(sv.number) || String(m.body).includes('逾期')),
      `the unit's inbox has no reminder about ${sv.number}: ${JSON.stringify(inbox.body?.items?.slice(0, 3))}`)
    await closePage(unit)
  })

  await step('12', '单位上传佐证申请办结；督查室销号，任务状态为已销号', ['11'], async () => {
    const page = await newPage('d03_admin (completion)')
    current = page
    await signIn(page, 'd03_admin', DEMO_PASSWORD)
    await page.goto(sv.url)
    await page.click('[data-test=task-action-request]')
    const dialog = page.locator('[data-test=completion-dialog]')
    await dialog.waitFor()
    await page.fill('[data-test=completion-summary]', '管网已全部建成并通水，园区污水实现全收集，附竣工照片。')
    const evidence = path.join(SHOTS, '10b-task-issued.png')
    await page.locator('[data-test=completion-files]').setInputFiles(evidence)
    await until('the evidence to upload', async () => (await page.locator('[data-test=completion-files-list]').innerText()).includes('.png'))
    await page.click('[data-test=completion-submit]')
    await dialog.waitFor({ state: 'hidden' })
    await statusIs(page, 'requested')
    await closePage(page)

    const office = await newPage('ducha (close)')
    current = office
    await signIn(office, 'ducha', DEMO_PASSWORD)
    await office.goto(sv.url)
    await statusIs(office, 'requested')
    await office.click('[data-test=task-action-close]')
    await office.fill('[data-test=task-dialog-close-text]', '经核查，已按要求完成，予以销号。')
    await office.click('[data-test=task-dialog-close-submit]')
    if (await office.locator('.el-message-box:visible').count().catch(() => 0)) await confirmBox(office)
    await until('the close confirmation', async () => {
      if (await office.locator('.el-message-box:visible').count()) await confirmBox(office)
      return (await statusOf(office)) === 'closed'
    })
    await shot(office, '12-task-closed.png')
    await closePage(office)
  })

  await step('13', '导入重点工作任务分解表：错误单元格（牵头单位“发改委”）提示建议且不写入；修正后新增3条任务', [], async () => {
    const page = await newPage('ducha (breakdown import)')
    current = page
    await signIn(page, 'ducha', DEMO_PASSWORD)
    await page.goto(`${BASE}/supervision/tasks`)
    await tableUntil(page, '[data-test=task-table]', 'the ledger', (rows) => rows.length > 0)
    const before = (await api(page, 'GET', '/api/v1/tasks?page_size=1&q=E2E重点项目前期工作')).body.total
    await page.click('[data-test=import-open]')
    await page.locator('[data-test=breakdown-setup]').waitFor()
    await pickFirst(page, 'breakdown-source')
    await page.click('[data-test=breakdown-next]')
    const bad = await importFile(page, breakdownBad)
    check(bad.outcome === 'errors', `outcome of the bad table: ${bad.outcome}`)
    const errors = await tableUntil(page, '[data-test=import-errors]', 'the error rows', (rows) => rows.length > 0)
    const cell = errors.find((r) => r[1] === '牵头单位')
    check(cell && cell[2].includes('发改委') && cell[2].includes('区发展和改革局'), `the lead-unit error and its suggestion: ${JSON.stringify(errors)}`)
    check(errors.length === 1, `expected one error, got ${JSON.stringify(errors)}`)
    await shot(page, '13-breakdown-errors.png')
    const after = (await api(page, 'GET', '/api/v1/tasks?page_size=1&q=E2E重点项目前期工作')).body.total
    check(after === before, 'the bad table wrote tasks')
    await page.click('[data-test=import-retry]')
    const fixed = await importFile(page, breakdownFixed)
    check(fixed.outcome === 'success', `outcome of the fixed table: ${fixed.outcome}`)
    const c = await counts(page)
    check(c.created === '3', `counts of the breakdown import: ${JSON.stringify(c)}`)
    await shot(page, '13b-breakdown-done.png')
    await page.click('[data-test=import-finish]')
    const made = await api(page, 'GET', '/api/v1/tasks?page_size=5&q=E2E')
    check(made.body.items.some((t) => t.title === 'E2E重点项目前期工作' && t.lead_unit.name === '区发展和改革局' && t.deadline === '2027-03-31'),
      `the imported task: ${JSON.stringify(made.body.items.map((t) => [t.title, t.lead_unit?.name, t.deadline]))}`)
    await closePage(page)
  })

  await step('14', '督查首页、甘特图、报送情况、节假日、定时任务页面；手机宽度下单位的“我的工作”', [], async () => {
    const page = await newPage('ducha (pages)')
    current = page
    await signIn(page, 'ducha', DEMO_PASSWORD)
    await page.goto(`${BASE}/supervision`)
    const red = page.locator('[data-test=home-light-red]')
    await red.waitFor()
    await until('the red count', async () => Number(await red.getAttribute('data-count')) > 0)
    await canvasSettled(page, '[data-test=home-trend]')
    await shot(page, '14-supervision-home.png', { fullPage: true })
    await page.goto(`${BASE}/supervision/gantt`)
    await until('gantt rows', async () => Number(await page.locator('[data-test=gantt-chart]').getAttribute('data-rows')) > 0)
    await canvasSettled(page, '[data-test=gantt-chart]')
    await shot(page, '14b-gantt.png')
    for (const [path_, name] of [
      ['/reports/status', '14c-reports-status.png'],
      ['/system/calendar', '14d-calendar.png'],
      ['/system/jobs', '14e-jobs.png'],
    ]) {
      await page.goto(`${BASE}${path_}`)
      await page.waitForLoadState('networkidle')
      await shot(page, name, { fullPage: true })
    }
    await closePage(page)

    const phone = await newPage('t01_admin (phone)', { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true })
    current = phone
    await signIn(phone, 't01_admin', DEMO_PASSWORD)
    await phone.goto(`${BASE}/supervision/my-work`)
    await phone.locator('[data-test=mywork-refresh]').waitFor()
    await phone.waitForLoadState('networkidle')
    const w = await bodyWidth(phone)
    check(w.scroll <= 361, `my work is ${w.scroll} px wide at 360 px`)
    await shot(phone, '14f-phone-my-work.png', { fullPage: true })
    await phone.goto(`${BASE}/reports/mine`)
    await phone.waitForLoadState('networkidle')
    await shot(phone, '14g-phone-reports.png', { fullPage: true })
    await closePage(phone)
  })

  // ------------------------------------------------------------ later modules
  // Each module's browser steps live in e2e/steps/<module>.mjs and export
  // `default async function (t)`; they run in file-name order with the
  // helpers above, so a module's steps never edit this file.
  const t = {
    step, newPage, closePage, signIn, shot, until, check, tableRows, tableUntil, pickUnit, pickOption, toast,
    download, importFile, bodyWidth, canvasSettled, expectHttp, isZip, isPng, run, api, confirmBox, fillDate, pickFirst,
    base: BASE, tmp: TMP, root: ROOT, demoPassword: DEMO_PASSWORD, state,
    /** The page a failing step is screenshotted from. */
    setCurrent: (page) => { current = page },
  }
  const stepsDir = path.join(E2E_DIR, 'steps')
  for (const f of fs.existsSync(stepsDir) ? fs.readdirSync(stepsDir).filter((f) => f.endsWith('.mjs')).sort() : []) {
    const mod = await import(path.join(stepsDir, f))
    await mod.default(t)
  }
} catch (e) {
  fatal = e
  console.log(`✗ the run stopped: ${e?.stack || e}`)
  if (serverLog) console.log(`  server output:\n${indent(serverLog.split('\n').slice(-30).join('\n'), '    ')}`)
} finally {
  if (browser) await browser.close().catch(() => undefined)
  await stopServer()
}

for (const f of fs.existsSync(SHOTS) ? fs.readdirSync(SHOTS).sort() : []) {
  if (f.endsWith('.png') && !(await isPng(path.join(SHOTS, f)))) console.log(`✗ ${f} is not a PNG`)
}
console.log(`\nscreenshots: ${SHOTS}`)
console.log(`time: ${secs(Date.now() - T0)}`)
const failed = results.length - passedCount() + (fatal ? 1 : 0)
console.log(`${passedCount()} passed, ${failed} failed`)
process.exit(failed ? 1 : 0)
