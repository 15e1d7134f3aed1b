// Shared registry (基础台账): the supervision office filters the enterprise
// registry, registers an enterprise with its credit code checked on the spot
// and exports the list; a town sees only its own enterprises, with phone
// numbers by role; the office maintains the industrial chains.
const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY'
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
const checkChar = (body) => ALPHABET[(31 - ([...body].reduce((s, c, i) => s + ALPHABET.indexOf(c) * WEIGHTS[i], 0) % 31)) % 31]

export default async function (t) {
  const { step, newPage, closePage, signIn, shot, until, check, tableUntil, api, confirmBox, pickOption, pickFirst, toast, download, isZip, expectHttp } = t
  const name = '示范浏览器测试新材料有限公司'

  await step('R1', '督查室在企业名录中筛选、登记企业（统一社会信用代码当场校验）、导出', [], async () => {
    const page = await newPage('ducha')
    await signIn(page, 'ducha', t.demoPassword)
    await page.click('[data-test=menu-registry-enterprises]')
    await page.locator('[data-test=registry-enterprises]').waitFor()
    const all = await api(page, 'GET', '/api/v1/enterprises?page_size=1')
    check(all.status === 200 && all.body.total >= 80, `the demo registry: ${JSON.stringify(all.body?.total)}`)
    await tableUntil(page, '[data-test=enterprise-table]', 'the first page', (rows) => rows.length === 20)
    await pickOption(page, '[data-test=enterprise-filter-industry]', '信息技术')
    await tableUntil(page, '[data-test=enterprise-table]', 'only 信息技术 enterprises', (rows) => rows.length > 0 && rows.every((r) => r[2] === '信息技术'))
    await shot(page, '20a-enterprises.png')

    // Register one: a wrong check character is named beside the field before anything is sent.
    const body = '91530112MA0E2E' + String(Date.now() % 1000).padStart(3, '0')
    const good = body + checkChar(body)
    const bad = body + (good.endsWith('0') ? '1' : '0')
    await page.click('[data-test=enterprise-create]')
    await page.locator('[data-test=enterprise-form]').waitFor()
    await page.fill('[data-test=enterprise-form-name] input, input[data-test=enterprise-form-name]', name)
    await page.fill('input[data-test=enterprise-form-code]', bad.toLowerCase())
    await until('the check-character hint', async () =>
      (await page.locator('[data-test=enterprise-code-problem]').innerText().catch(() => '')).includes(`校验位不正确，应为“${checkChar(body)}”`))
    await page.fill('input[data-test=enterprise-form-code]', good)
    await page.locator('[data-test=enterprise-code-ok]').waitFor()
    await pickFirst(page, 'enterprise-form-town')
    await pickFirst(page, 'enterprise-form-industry')
    await page.fill('input[data-test=enterprise-form-phone]', '13900001111')
    await shot(page, '20b-enterprise-form.png')
    await page.click('[data-test=enterprise-form-submit]')
    await toast(page, '创建成功')
    await page.click('[data-test=list-reset]')
    await page.fill('input[data-test=enterprise-search]', good.slice(-6))
    await page.click('[data-test=list-search]')
    await tableUntil(page, '[data-test=enterprise-table]', 'the new enterprise', (rows) => rows.length === 1 && rows[0][0].includes(name) && rows[0][1] === good)
    // The same code again is refused by the server, naming the field.
    expectHttp(page, 422, 'POST', /\/api\/v1\/enterprises$/)
    const dup = await api(page, 'POST', '/api/v1/enterprises', { name: '重复登记', credit_code: good })
    check(dup.status === 422 && /已登记为/.test(dup.body?.error?.fields?.credit_code ?? ''), `duplicate code: ${JSON.stringify(dup)}`)
    const dl = await download(page, '[data-test=enterprise-export] button, button[data-test=enterprise-export]')
    check(isZip(dl.file) && dl.name.endsWith('.xlsx'), `export: ${dl.name}`)
    await closePage(page)
  })

  await step('R2', '镇街只看到本镇及其主管的企业，联系电话按角色脱敏', [], async () => {
    const admin = await newPage('t01_admin')
    await signIn(admin, 't01_admin', t.demoPassword)
    const mine = await api(admin, 'GET', '/api/v1/enterprises?page_size=500')
    check(mine.status === 200 && mine.body.total > 0, `t01_admin list: ${JSON.stringify(mine.body?.total)}`)
    check(mine.body.items.every((e) => e.town_name === '青石镇'), `a town admin sees other towns: ${mine.body.items.map((e) => e.town_name).join(',')}`)
    check(mine.body.items.some((e) => e.contact_phone && !e.contact_phone.includes('*')), 'a town admin should see full phone numbers')
    const other = await api(admin, 'GET', '/api/v1/enterprises?page_size=1&q=柳溪')
    check(other.body.total === 0, 'another town’s enterprise is listed')
    const ducha = await api(admin, 'GET', '/api/v1/industrial-chains')
    check(ducha.body.items.length >= 5, 'everyone reads the chains')
    await admin.click('[data-test=menu-registry-enterprises]')
    await tableUntil(admin, '[data-test=enterprise-table]', 'the town’s enterprises', (rows) => rows.length > 0 && rows.every((r) => r[3] === '青石镇'))
    await closePage(admin)

    const staff = await newPage('t01_staff')
    await signIn(staff, 't01_staff', t.demoPassword)
    const seen = await api(staff, 'GET', '/api/v1/enterprises?page_size=500')
    check(seen.body.items.length > 0 && seen.body.items.every((e) => !e.contact_phone || e.contact_phone.includes('*')), 'staff should see masked phones')
    // An enterprise of another town reads as not found.
    const all = await api(staff, 'GET', '/api/v1/enterprises?page_size=1')
    const firstId = all.body.items[0].id
    expectHttp(staff, 404, 'GET', /\/api\/v1\/enterprises\/\d+$/)
    const far = await api(staff, 'GET', `/api/v1/enterprises/${firstId + 1000000}`)
    check(far.status === 404, `missing enterprise: ${far.status}`)
    await closePage(staff)
  })

  await step('R3', '督查室维护产业链：新增、上移、停用（确认后）', [], async () => {
    const page = await newPage('ducha')
    await signIn(page, 'ducha', t.demoPassword)
    await page.click('[data-test=menu-registry-chains]')
    await page.locator('[data-test=registry-chains]').waitFor()
    await tableUntil(page, '[data-test=chain-table]', 'the five demo chains', (rows) => rows.length >= 5 && rows[0][1] === '新能源电池')
    const n = (await t.tableRows(page, '[data-test=chain-table]')).length
    await page.fill('input[data-test=chain-new-name]', '生物医药')
    await page.click('[data-test=chain-create]')
    await tableUntil(page, '[data-test=chain-table]', 'the new chain last', (rows) => rows.length === n + 1 && rows[n][1] === '生物医药')
    await page.locator('[data-test=chain-table] tbody tr').nth(n).locator('[data-test=chain-up]').click()
    await tableUntil(page, '[data-test=chain-table]', 'the new chain moved up', (rows) => rows[n - 1][1] === '生物医药')
    await page.locator('[data-test=chain-table] tbody tr').nth(n - 1).locator('[data-test=chain-deactivate]').click()
    await confirmBox(page)
    await tableUntil(page, '[data-test=chain-table]', 'the chain deactivated', (rows) => rows[n - 1][2] === '停用')
    const active = await api(page, 'GET', '/api/v1/industrial-chains')
    check(!active.body.items.some((c) => c.name === '生物医药'), 'a deactivated chain is still offered')
    await shot(page, '20c-chains.png')
    await closePage(page)
  })
}
