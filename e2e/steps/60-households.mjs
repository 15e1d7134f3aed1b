// Households (户): a village worker (t01v01, 青石镇张家村) on a phone sees
// the households of their village only, registers one and is refused a
// duplicate beside the field; then imports the village's roster: a sheet
// with one household twice is refused naming both rows, the fixed sheet
// imports three, and importing it again adds nothing.
export default async function (t) {
  const { step, newPage, closePage, signIn, shot, until, check, tableUntil, api, bodyWidth, importFile, run, expectHttp, download, isZip } = t
  const phone = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true }
  /** The import dialog's result counts. */
  const counts = async (page) => {
    const n = async (k) => (await page.locator(`[data-test=import-${k}]`).innerText()).trim()
    return { created: await n('created'), updated: await n('updated'), unchanged: await n('unchanged') }
  }

  await step('H1', '村干部在手机上只看到本村的户，登记一户；重复登记在字段旁提示', [], async () => {
    // Another town's household, for the scope check.
    const admin = await newPage('admin (households)')
    await signIn(admin, 'admin', t.demoPassword)
    const any = await api(admin, 'GET', '/api/v1/households?page_size=50&sort=-code')
    check(any.status === 200 && any.body.total > 20_000, `district households: ${any.body?.total}`)
    const foreign = any.body.items.find((h) => h.town_name !== '青石镇')
    check(foreign, `no household outside 青石镇 in ${JSON.stringify(any.body).slice(0, 200)}`)
    await closePage(admin)

    const page = await newPage('t01v01 (roster, phone)', phone)
    t.setCurrent(page)
    await signIn(page, 't01v01', t.demoPassword)
    await page.goto(`${t.base}/registry/roster`)
    await until('the village name', async () => (await page.locator('[data-test=roster-village-name]').innerText()).includes('张家村'))
    await until('the cards', async () => (await page.locator('[data-test=roster-card]').count()) > 5)
    const me = (await api(page, 'GET', '/api/v1/session')).body.user
    const mine = await api(page, 'GET', '/api/v1/households?page_size=500&active=')
    check(mine.body.total > 0 && mine.body.items.every((h) => h.village_id === me.unit_id), 'a household of another village in the list')
    check(mine.body.items.every((h) => !h.phone || h.phone.includes('*')), 'unmasked phones in the village worker’s list')
    expectHttp(page, 404, 'GET', /^\/api\/v1\/households\/\d+$/)
    const out = await api(page, 'GET', `/api/v1/households/${foreign.id}`)
    check(out.status === 404, `another town’s household: ${out.status}`)
    let w = await bodyWidth(page)
    check(w.scroll <= w.client + 1, `the roster scrolls sideways at 360 px: ${JSON.stringify(w)}`)
    await shot(page, '60a-roster-phone.png')

    // Register a household from the phone.
    const head = `E2E新户${Date.now() % 10000}`
    await page.click('[data-test=roster-create]')
    const form = page.locator('[data-test=household-form]')
    await form.waitFor()
    await page.locator('input[data-test=household-form-head]').fill(head)
    await page.locator('input[data-test=household-form-address]').fill('张家村五组18号')
    await page.locator('input[data-test=household-form-phone]').fill('13900001234')
    await page.click('[data-test=household-form-submit]')
    await form.waitFor({ state: 'hidden' })
    await page.locator('input[data-test=roster-search]').fill(head)
    await until('the new card', async () => {
      const cards = page.locator('[data-test=roster-card]')
      return (await cards.count()) === 1 && (await cards.first().innerText()).includes(head)
    })
    // The same head and address again: refused beside the name, nothing added.
    expectHttp(page, 422, 'POST', /^\/api\/v1\/households$/)
    await page.click('[data-test=roster-create]')
    await form.waitFor()
    await page.locator('input[data-test=household-form-head]').fill(head)
    await page.locator('input[data-test=household-form-address]').fill('张家村 五组 18号')
    await page.click('[data-test=household-form-submit]')
    await until('the duplicate message', async () => (await form.innerText()).includes('请勿重复登记'))
    await shot(page, '60b-duplicate-phone.png')
    const same = await api(page, 'GET', `/api/v1/households?q=${encodeURIComponent(head)}`)
    check(same.body.total === 1, `households named ${head}: ${same.body.total}`)
    w = await bodyWidth(page)
    check(w.scroll <= w.client + 1, `the form scrolls sideways at 360 px: ${JSON.stringify(w)}`)
    await closePage(page)
  })

  await step('H2', '导入本村户名册：重复户两行都标出、不导入；修正后新增3户；再次导入不重复', [], async () => {
    const badFile = `${t.tmp}/households-bad.xlsx`
    const goodFile = `${t.tmp}/households.xlsx`
    run('go', ['run', './e2e/mkxlsx', '-kind', 'households', '-bad', badFile])
    run('go', ['run', './e2e/mkxlsx', '-kind', 'households', goodFile])
    const page = await newPage('t01v01 (households import)')
    t.setCurrent(page)
    await signIn(page, 't01v01', t.demoPassword)
    await page.goto(`${t.base}/registry/households`)
    await tableUntil(page, '[data-test=household-table]', 'the village’s households', (rows) => rows.length > 0)
    await page.click('[data-test=import-open]')
    const dialog = page.locator('[data-test=import-dialog]')
    await dialog.waitFor()
    check((await dialog.innerText()).includes('导入到“张家村”'), 'the import names the village')

    const bad = await importFile(page, badFile)
    check(bad.outcome === 'errors', `outcome of the roster with a duplicate: ${bad.outcome}`)
    const errors = await tableUntil(page, '[data-test=import-errors]', 'the two duplicate rows', (rows) => rows.length >= 2)
    check(errors.length === 2 && errors.every((r) => r[1] === '户主姓名') && errors.map((r) => r[0]).sort().join() === '5,8',
      `errors: ${JSON.stringify(errors)}`)
    check(errors.some((r) => r[2].includes('与第5行是同一户')), `messages: ${JSON.stringify(errors)}`)
    await shot(page, '60c-import-duplicate.png')
    const sheet = await download(page, '[data-test=import-download-errors]')
    check(/\.xlsx$/.test(sheet.name) && isZip(sheet.file), `error sheet download: ${sheet.name}`)
    const none = await api(page, 'GET', `/api/v1/households?q=${encodeURIComponent('E2E欧阳')}`)
    check(none.body.total === 0, 'the refused roster wrote households')

    await page.click('[data-test=import-retry]')
    const good = await importFile(page, goodFile)
    check(good.outcome === 'success', `outcome of the fixed roster: ${good.outcome}`)
    let n = await counts(page)
    check(n.created === '3' && n.unchanged === '0', `counts: ${JSON.stringify(n)}`)
    await page.click('[data-test=import-finish]')
    await dialog.waitFor({ state: 'hidden' })

    await page.fill('[data-test=household-search]', '张家村E2E')
    await page.click('[data-test=list-search]')
    const rows = await tableUntil(page, '[data-test=household-table]', 'the imported households', (rs) => rs.length === 3)
    check(rows.every((r) => r.join(' ').includes('张家村')), `rows: ${JSON.stringify(rows)}`)
    const imported = await api(page, 'GET', `/api/v1/households?q=${encodeURIComponent('E2E欧阳建国')}`)
    check(imported.body.items[0]?.people === 4 && /^SFQ-T01-V01-\d{4}$/.test(imported.body.items[0]?.code ?? ''),
      `imported household: ${JSON.stringify(imported.body.items[0])}`)
    await shot(page, '60d-imported.png')

    await page.click('[data-test=import-open]')
    await dialog.waitFor()
    const again = await importFile(page, goodFile)
    check(again.outcome === 'success', `outcome of the second import: ${again.outcome}`)
    n = await counts(page)
    check(n.created === '0' && n.unchanged === '3', `counts of the second import: ${JSON.stringify(n)}`)
    await closePage(page)
  })
}
