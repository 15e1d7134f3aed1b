// Work safety (安全生产): the safety home with the key-period block and its
// charts, the hazard ledger filtered and exported as a real xlsx; a village
// grid worker inspects an enterprise on a 360 px phone (arriving by its QR
// URL), loses the connection mid-way, files a hazard from a failed item with
// a photo, and the hazard arrives exactly once when the connection returns;
// the town's staff start and fix it (photo after), the town's admin verifies
// and closes it; the enterprise's printable QR label.
import fs from 'node:fs'
import path from 'node:path'

// A 16×16 PNG: the server sniffs the content, so it must be a real image.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAIAAACQkWg2AAAAFklEQVR4nGM4YaNBEmIY1TCqYfhqAAAeBCwQMwPSngAAAABJRU5ErkJggg==', 'base64')

export default async function (t) {
  const { step, newPage, closePage, signIn, shot, until, check, tableUntil, api, bodyWidth, canvasSettled, download, isZip, confirmBox } = t
  const phone = { viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true }
  const sf = {} // what the steps pass on: the enterprise, the hazard
  const photo = (name) => {
    const file = path.join(t.tmp, name)
    fs.writeFileSync(file, PNG)
    return file
  }
  const status = (page) => page.locator('[data-test=hazard-head]').getAttribute('data-status')
  const statusIs = (page, want) => until(`the hazard to be ${want}`, async () => (await status(page)) === want)

  await step('S1', '安全生产首页（节假日重点行业在前、图表）与隐患台账（逾期筛选、导出 xlsx）', [], async () => {
    const page = await newPage('ducha (safety)')
    t.setCurrent(page)
    await signIn(page, 'ducha', t.demoPassword)
    await page.goto(`${t.base}/safety`)
    const key = page.locator('[data-test=key-period]')
    await key.waitFor()
    const keyText = await key.innerText()
    // 道路运输, 旅游景区, 人员密集场所 first while the holidays come.
    check((await key.locator('[data-test=key-industry]').count()) === 3 && ['道路运输', '旅游景区', '人员密集场所'].every((n) => keyText.includes(n)), `the key-period block: ${keyText.slice(0, 300)}`)
    const found = Number((await page.locator('[data-test=safety-stat-found] .sf-card__value').innerText()).replace(/[,\s]/g, ''))
    check(found >= 150, `the home counts ${found} hazards`)
    await canvasSettled(page, '[data-test=safety-group-chart]')
    await canvasSettled(page, '[data-test=safety-status-chart]')
    await page.locator('[data-test=overdue-hazard]').first().waitFor()
    await shot(page, '70a-safety-home.png', { fullPage: true })

    await page.click('[data-test=safety-stat-overdue]')
    await page.waitForURL(/\/safety\/hazards\?.*overdue=true/)
    const rows = await tableUntil(page, '[data-test=hazard-table]', 'overdue hazards', (rs) => rs.length > 0 && rs.every((r) => r.join(' ').includes('逾期')))
    const total = await api(page, 'GET', `/api/v1/safety/hazards?overdue=true&page_size=1${new URL(page.url()).searchParams.get('campaign_id') ? `&campaign_id=${new URL(page.url()).searchParams.get('campaign_id')}` : ''}`)
    check(total.status === 200 && total.body.total >= rows.length, `the API's overdue count: ${JSON.stringify(total.body?.total)}`)
    const dl = await download(page, '[data-test=hazard-export]')
    check(isZip(dl.file) && dl.name.endsWith('.xlsx'), `the ledger export: ${dl.name}`)
    await page.click('[data-test=list-reset]')
    await tableUntil(page, '[data-test=hazard-table]', 'the whole ledger', (rs) => rs.length === 20)
    await shot(page, '70b-safety-ledger.png', { fullPage: true })
    await closePage(page)
  })

  await step('S2', '网格员在手机上扫码进入企业检查，途中断网，不符合项登记隐患并拍照；恢复网络后隐患只到一次', [], async () => {
    const page = await newPage('t01v01 (safety phone)', phone)
    t.setCurrent(page)
    await signIn(page, 't01v01', t.demoPassword)
    // An enterprise of the worker's town in the running campaign's industries, not suspended, without open hazards.
    const camps = await api(page, 'GET', '/api/v1/safety/campaigns?status=running')
    check(camps.status === 200 && camps.body.items.length > 0, `no running campaign: ${JSON.stringify(camps.body).slice(0, 200)}`)
    const inds = camps.body.items[0].industries
    const ents = await api(page, 'GET', '/api/v1/safety/enterprises?page_size=100')
    check(ents.status === 200 && ents.body.items.length > 0, `the worker's enterprises: ${JSON.stringify(ents.body).slice(0, 200)}`)
    const fits = ents.body.items.filter((e) => !e.suspended && (inds.length === 0 || inds.includes(e.industry)))
    const ent = fits.find((e) => e.open_hazards === 0) ?? fits[0]
    check(ent, 'no enterprise of the campaign in the worker\'s town')
    sf.enterprise = ent
    const count = async (what) => (await api(page, 'GET', `/api/v1/safety/${what}?enterprise_id=${ent.id}&page_size=1`)).body.total
    const before = { hazards: await count('hazards'), inspections: await count('inspections') }

    // The safety home fits the phone.
    await page.goto(`${t.base}/safety`)
    await canvasSettled(page, '[data-test=safety-group-chart]')
    const hw = await bodyWidth(page)
    check(hw.scroll <= 361, `the safety home is ${hw.scroll} px wide at 360 px`)
    await shot(page, '70i-phone-safety-home.png', { fullPage: true })

    // The QR label's URL opens the checklist of this enterprise.
    await page.goto(`${t.base}/safety/inspect?enterprise=${ent.id}`)
    await until('the enterprise on the page', async () => (await page.locator('[data-test=inspect-enterprise-name]').innerText()) === ent.name)
    const items = page.locator('[data-test=inspect-items] > [data-test^=inspect-item-]')
    await until('the checklist', async () => (await items.count()) >= 3)
    const n = await items.count()
    await page.click('[data-test=inspect-item-1] [data-test=answer-pass]')

    // The connection drops: the rest is entered offline.
    await page.context().setOffline(true)
    await page.locator('[data-test=outbox-offline]').waitFor()
    const it2 = page.locator('[data-test=inspect-item-2]')
    await it2.locator('[data-test=answer-fail]').click()
    await it2.locator('[data-test=answer-hazard]').waitFor()
    sf.description = `E2E：安全出口堆放杂物（断网时登记）${Date.now() % 10000}`
    await it2.locator('textarea[data-test=hazard-description]').fill(sf.description)
    await it2.locator('input[data-test=hazard-responsible]').fill('王站长')
    await it2.locator('textarea[data-test=hazard-measures]').fill('立即清理杂物，落实每日巡查')
    await it2.locator('input[data-test=answer-photo]').setInputFiles(photo('before.png'))
    await until('the photo on the item', async () => (await it2.locator('.sf-photo img').count()) === 1)
    for (let i = 3; i <= n; i++) await page.click(`[data-test=inspect-item-${i}] [data-test=answer-${i === n ? 'na' : 'pass'}]`)
    await page.locator('textarea[data-test=inspect-note]').fill('E2E 网格员现场检查')
    await until('every item answered', async () => (await page.locator('[data-test=inspect-progress]').getAttribute('data-answered')) === String(n))
    const w = await bodyWidth(page)
    check(w.scroll <= 361, `the inspection page is ${w.scroll} px wide at 360 px`)
    await shot(page, '70c-phone-inspect.png', { fullPage: true })
    await page.click('[data-test=inspect-submit]')
    await until('the inspection kept on the phone', async () => (await page.locator('[data-test=outbox-count]').getAttribute('data-count').catch(() => null)) === '1')
    await page.locator('[data-test=inspect-done-item][data-sent=false]').waitFor()
    await shot(page, '70d-phone-offline.png', { fullPage: true })

    // Back online: sent once.
    await page.context().setOffline(false)
    await page.locator('[data-test=inspect-done-item][data-sent=true]').waitFor({ timeout: 20_000 })
    await until('the outbox empty', async () => (await page.locator('[data-test=outbox-bar]').count()) === 0)
    const after = { hazards: await count('hazards'), inspections: await count('inspections') }
    check(after.hazards === before.hazards + 1 && after.inspections === before.inspections + 1, `hazards ${before.hazards} → ${after.hazards}, inspections ${before.inspections} → ${after.inspections}`)
    const mine = await api(page, 'GET', `/api/v1/safety/hazards?enterprise_id=${ent.id}&q=${encodeURIComponent(sf.description)}`)
    check(mine.body.total === 1, `the hazard filed offline: ${JSON.stringify(mine.body).slice(0, 300)}`)
    sf.hazard = mine.body.items[0]
    const detail = await api(page, 'GET', `/api/v1/safety/hazards/${sf.hazard.id}`)
    check((detail.body.photos ?? []).length === 1, `the item's photo went with the hazard: ${JSON.stringify(detail.body.photos)}`)
    // The same client key again (a retry whose answer was lost): the stored inspection, nothing new.
    const ins = await api(page, 'GET', `/api/v1/safety/inspections?enterprise_id=${ent.id}&page_size=1`)
    const key = ins.body.items[0].client_key
    check(key && key.length >= 32, `the inspection carries the phone's client key: ${JSON.stringify(ins.body.items[0])}`)
    const again = await api(page, 'POST', '/api/v1/safety/inspections', { client_key: key, enterprise_id: ent.id, answers: [] })
    check(again.status === 200 && again.body.id === ins.body.items[0].id, `a repeated client key: ${again.status} ${JSON.stringify(again.body).slice(0, 200)}`)
    check((await count('hazards')) === after.hazards, 'the repeat filed another hazard')
    await page.click('[data-test=inspect-hazard-link]')
    await page.waitForURL(new RegExp(`/safety/hazards/${sf.hazard.id}$`))
    await page.locator('[data-test=hazard-description]').waitFor()
    await shot(page, '70e-phone-hazard.png', { fullPage: true })
    // The ledger on the phone: one column, no sideways scrolling of the page.
    await page.goto(`${t.base}/safety/hazards`)
    await tableUntil(page, '[data-test=hazard-table]', 'the town\'s hazards on the phone', (rs) => rs.length > 0)
    const lw = await bodyWidth(page)
    check(lw.scroll <= 361, `the ledger is ${lw.scroll} px wide at 360 px`)
    await shot(page, '70m-phone-ledger.png')
    await closePage(page)
  })

  await step('S3', '镇安监站开始整改并上传整改后照片申请验收；同一人不能验收；镇管理员验收通过销号', ['S2'], async () => {
    const page = await newPage('t01_staff (safety)')
    t.setCurrent(page)
    await signIn(page, 't01_staff', t.demoPassword)
    await page.goto(`${t.base}/safety/hazards/${sf.hazard.id}`)
    await statusIs(page, 'pending')
    await page.click('[data-test=hazard-action-start]')
    await page.locator('[data-test=start-dialog]').waitFor()
    await page.locator('[data-test=start-dialog] textarea[data-test=note-text]').fill('已安排人员清理')
    await page.click('[data-test=start-dialog] [data-test=note-confirm]')
    await statusIs(page, 'rectifying')

    // Without a photo after, the fix is not sent.
    await page.click('[data-test=hazard-action-submit]')
    const dialog = page.locator('[data-test=submit-dialog]')
    await dialog.waitFor()
    await dialog.locator('textarea[data-test=submit-note]').fill('杂物已全部清理，安全出口畅通，设置了禁止堆放标识。')
    await page.click('[data-test=submit-save]')
    await until('the photo asked for', async () => (await dialog.locator('.el-form-item__error').allInnerTexts()).some((s) => s.includes('整改后照片')))
    await dialog.locator('input[data-test=submit-after]').setInputFiles(photo('after.png'))
    await dialog.locator('[data-test=submit-after-list] img').waitFor()
    await page.click('[data-test=submit-save]')
    await confirmBox(page)
    await dialog.waitFor({ state: 'hidden' })
    await statusIs(page, 'verifying')
    check((await page.locator('[data-test=hazard-action-pass]').count()) === 0, 'whoever fixed it is offered the verification')
    t.expectHttp(page, 403, 'POST', /\/api\/v1\/safety\/hazards\/\d+\/verify$/)
    t.expectHttp(page, 422, 'POST', /\/api\/v1\/safety\/hazards\/\d+\/verify$/)
    const self = await api(page, 'POST', `/api/v1/safety/hazards/${sf.hazard.id}/verify`, { pass: true, note: '' })
    check(self.status === 403 || self.status === 422, `verification by the fixer: ${self.status}`)
    await closePage(page)

    const admin = await newPage('t01_admin (safety)')
    t.setCurrent(admin)
    await signIn(admin, 't01_admin', t.demoPassword)
    await admin.goto(`${t.base}/safety/hazards/${sf.hazard.id}`)
    await statusIs(admin, 'verifying')
    await admin.locator('[data-test=hazard-photos-after] img').waitFor()
    await admin.click('[data-test=hazard-action-pass]')
    await admin.locator('[data-test=verify-pass-dialog]').waitFor()
    await admin.locator('[data-test=verify-pass-dialog] textarea[data-test=note-text]').fill('现场复查，整改到位')
    await admin.click('[data-test=verify-pass-dialog] [data-test=note-confirm]')
    await statusIs(admin, 'closed')
    const timeline = await admin.locator('[data-test=hazard-timeline]').innerText()
    check(timeline.includes('现场复查，整改到位') && timeline.includes('已安排人员清理'), `the timeline: ${timeline.slice(0, 400)}`)
    check(!(await admin.locator('[data-test=hazard-actions] button').count()), 'a closed hazard still offers actions')
    await shot(admin, '70f-hazard-closed.png', { fullPage: true })
    await closePage(admin)
  })

  await step('S4', '企业安全档案（检查、隐患、停产整顿）与可打印的二维码标签', [], async () => {
    const page = await newPage('admin (safety label)')
    t.setCurrent(page)
    await signIn(page, 'admin', t.demoPassword)
    const sus = await api(page, 'GET', '/api/v1/safety/suspensions?status=active&page_size=1')
    check(sus.status === 200 && sus.body.total >= 1, `an active suspension in the demo: ${JSON.stringify(sus.body).slice(0, 200)}`)
    const entId = sus.body.items[0].enterprise_id
    await page.goto(`${t.base}/safety/enterprises/${entId}`)
    await page.locator('[data-test=enterprise-name]').waitFor()
    await page.locator('[data-test=enterprise-suspensions] .sf-susp').first().waitFor()
    check((await page.locator('[data-test=enterprise-hazards]').innerText()).includes('重大'), 'the suspended enterprise shows its major hazard')
    await shot(page, '70g-enterprise.png', { fullPage: true })
    await page.click('[data-test=enterprise-label]')
    await page.waitForURL(new RegExp(`/safety/enterprises/${entId}/label$`))
    const img = page.locator('[data-test=qr-image]').first()
    await img.waitFor()
    const url = await img.getAttribute('data-url')
    check(url === `${t.base}/safety/inspect?enterprise=${entId}`, `the QR code's URL: ${url}`)
    check((await img.getAttribute('src')).startsWith('data:image/png'), 'the QR code is not an image')
    await shot(page, '70h-qr-label.png')
    const name = (await page.locator('[data-test=qr-label]').first().innerText()).split('\n').find((l) => l.includes(sus.body.items[0].enterprise_name))
    check(name, 'the label does not show the enterprise name')
    await closePage(page)

    // A phone camera opens the QR URL: sign in first, then straight to the enterprise's checklist.
    const qr = await newPage('admin (QR on a phone)', phone)
    t.setCurrent(qr)
    t.expectHttp(qr, 401, 'GET', /^\/api\/v1\/session$/)
    await qr.goto(url)
    await qr.waitForURL(/\/login\?redirect=/)
    await qr.fill('[data-test=login-username]', 'admin')
    await qr.fill('[data-test=login-password]', t.demoPassword)
    await qr.click('[data-test=login-submit]')
    await qr.waitForURL(new RegExp(`/safety/inspect\\?enterprise=${entId}$`))
    await until('the enterprise on the phone page', async () => (await qr.locator('[data-test=inspect-enterprise-name]').innerText().catch(() => '')) === sus.body.items[0].enterprise_name)
    await closePage(qr)
  })

  await step('S5', '专项行动：列表与进度、详情（各乡镇进度、检查表）、新建时按行业带出检查表模板；安全生产设置', [], async () => {
    const page = await newPage('ducha (campaigns)')
    t.setCurrent(page)
    await signIn(page, 'ducha', t.demoPassword)
    await page.goto(`${t.base}/safety/campaigns`)
    const rows = await tableUntil(page, '[data-test=campaign-table]', 'the campaigns', (rs) => rs.length > 0 && rs.some((r) => r.join(' ').includes('进行中')))
    check(rows[0].join(' ').includes('大排查大整治'), `campaigns: ${JSON.stringify(rows[0])}`)
    await page.locator('[data-test=campaign-table] a').first().click()
    await page.waitForURL(/\/safety\/campaigns\/\d+$/)
    await page.locator('[data-test=campaign-towns] canvas').first().waitFor()
    await canvasSettled(page, '[data-test=campaign-towns]')
    check((await page.locator('[data-test=campaign-checklists] .el-collapse-item').count()) >= 5, 'the campaign has checklists per industry')
    await shot(page, '70j-campaign.png', { fullPage: true })
    // A new campaign: choosing 燃气 brings its template items.
    await page.goto(`${t.base}/safety/campaigns/new`)
    await page.locator('[data-test=checklist-editor]').waitFor()
    await page.click('[data-test=campaign-industries] .el-select__wrapper')
    await page.locator('.el-select-dropdown:visible .el-select-dropdown__item').filter({ hasText: /燃气/ }).first().click()
    await page.keyboard.press('Escape')
    await until('the 燃气 checklist from its template', async () => (await page.locator('[data-test^=checklist-tab-]').allInnerTexts()).some((s) => /燃气.*\([1-9]/.test(s)))
    await shot(page, '70k-campaign-new.png', { fullPage: true })
    await page.goto(`${t.base}/safety/settings`)
    await until('the key period in the settings', async () => (await page.locator('input[data-test=settings-key-name]').inputValue()).length > 0)
    await shot(page, '70l-safety-settings.png', { fullPage: true })
    await closePage(page)
  })
}
