// Forest fire prevention, warnings and letters (森林防灭火): the supervision
// office issues an orange warning for a town and that town's users see it
// as a banner on every page; a village worker on a 360 px phone delivers the
// letter household by household with a signature drawn on the screen, loses
// the connection mid-way, and everything arrives once when it returns — the
// town's coverage rises; the office's letter page (chart, villages below
// target, receipt sheet as xlsx, marking households from a scanned sheet).
import fs from 'node:fs'
import path from 'node:path'

// A 16×16 PNG: the server sniffs the content, so it must be a real image.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAIAAACQkWg2AAAAFklEQVR4nGM4YaNBEmIY1TCqYfhqAAAeBCwQMwPSngAAAABJRU5ErkJggg==', 'base64')

export default async function (t) {
  const { step, newPage, closePage, signIn, shot, until, check, api, bodyWidth, canvasSettled, download, isZip, confirmBox } = t
  const phone = { viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true }
  const fire = {} // what the steps pass on: the letter, the town

  const banner = (page) => page.locator('[data-test=fire-banner]')

  await step('F1', '督查室发布橙色森林火险预警（东城街道），该街道的用户每个页面都看到预警横幅', [], async () => {
    const town = await newPage('t05_admin (banner)')
    await signIn(town, 't05_admin', t.demoPassword)
    await town.goto(`${t.base}/projects`)
    await town.waitForLoadState('networkidle')
    check((await banner(town).count()) === 0, 'the demo warning does not cover 东城街道, yet a banner shows')

    const page = await newPage('ducha (warnings)')
    t.setCurrent(page)
    await signIn(page, 'ducha', t.demoPassword)
    await page.goto(`${t.base}/fire/warnings`)
    await page.locator('[data-test=fire-warnings-table]').waitFor()
    // The demo's orange warning covers four towns: the office sees it too.
    await banner(page).waitFor()
    await page.click('[data-test=fire-warning-issue]')
    const dialog = page.locator('[data-test=fire-warning-dialog]')
    await dialog.waitFor()
    await page.click('[data-test=fire-level-4]')
    await t.pickOption(page, '[data-test=fire-warning-towns]', '东城街道')
    await page.keyboard.press('Escape') // close the multiple select's dropdown, not the dialog
    await page.locator('[data-test=fire-warning-text] textarea, textarea[data-test=fire-warning-text]').fill('E2E：街道辖区山林严禁一切野外用火')
    await shot(page, '80a-fire-warning-dialog.png')
    await page.click('[data-test=fire-warning-save]')
    await dialog.waitFor({ state: 'hidden' })
    const list = await api(page, 'GET', '/api/v1/fire/warnings?active=true')
    const mine = list.body.items.find((w) => w.towns.some((x) => x.name === '东城街道'))
    check(mine && mine.level === 4 && mine.colour === 'orange', `the issued warning: ${JSON.stringify(list.body).slice(0, 300)}`)
    await shot(page, '80b-fire-warnings.png', { fullPage: true })

    // The town's admin: the banner on any page (the next load, or within 5 minutes).
    await town.goto(`${t.base}/projects`)
    await banner(town).waitFor()
    const text = await banner(town).innerText()
    check((await banner(town).getAttribute('data-level')) === '4' && text.includes('东城街道') && text.includes('橙色'), `the banner: ${text}`)
    await shot(town, '80c-fire-banner.png')
    await closePage(town)
    await closePage(page)
  })

  await step('F2', '村干部在手机上逐户送达告知书，屏幕签名；途中断网，恢复后不丢不重，镇覆盖率上升', [], async () => {
    const office = await newPage('ducha (coverage)')
    await signIn(office, 'ducha', t.demoPassword)
    const letters = await api(office, 'GET', '/api/v1/fire/letters?active=true')
    fire.letter = letters.body.items[0]
    check(fire.letter && fire.letter.title.includes('一封信'), `the demo letter: ${JSON.stringify(letters.body).slice(0, 300)}`)
    const townReached = async () => {
      const c = await api(office, 'GET', `/api/v1/fire/coverage?letter_id=${fire.letter.id}`)
      return c.body.towns.find((x) => x.name === '青石镇').reached
    }
    const townBefore = await townReached()

    const page = await newPage('t01v01 (deliver phone)', phone)
    t.setCurrent(page)
    await signIn(page, 't01v01', t.demoPassword)
    const mine = async () => (await api(page, 'GET', `/api/v1/fire/letters/${fire.letter.id}`)).body.reached
    const pendingTotal = async () => (await api(page, 'GET', `/api/v1/fire/letters/${fire.letter.id}/pending?page_size=1`)).body.total
    const before = { reached: await mine(), pending: await pendingTotal() }
    check(before.pending >= 3, `households left to visit: ${before.pending}`)
    await page.goto(`${t.base}/fire/deliver`)
    const progress = page.locator('[data-test=fire-deliver-progress]')
    await until('the village progress', async () => Number(await progress.getAttribute('data-reached')) === before.reached)
    await page.locator('[data-test^=fire-household-]').first().waitFor()
    // The orange warning covers 青石镇: the worker's pages carry the banner.
    await banner(page).waitFor()

    const deliverNext = async (n) => {
      const item = page.locator('[data-test^=fire-household-]').first()
      const name = (await item.locator('.dp__name').innerText()).trim()
      await item.click()
      const pad = page.locator('[data-test=signature-pad]')
      await pad.waitFor()
      const box = await pad.boundingBox()
      await page.mouse.move(box.x + 30, box.y + 50)
      await page.mouse.down()
      for (let i = 1; i <= 12; i++) await page.mouse.move(box.x + 30 + i * 18, box.y + 50 + (i % 2 ? 40 : -10))
      await page.mouse.up()
      await until('the signature drawn', async () => (await pad.getAttribute('data-empty')) === 'false')
      if (n === 1) await shot(page, '80d-phone-sign.png', { fullPage: true })
      await page.click('[data-test=fire-deliver-save]')
      await page.locator('[data-test=fire-deliver-sheet]').waitFor({ state: 'hidden' })
      return name
    }

    await deliverNext(1)
    await until('the first receipt sent', async () => (await mine()) === before.reached + 1)
    await until('the count on the page', async () => Number(await progress.getAttribute('data-reached')) === before.reached + 1)

    // The connection drops: two more households are kept on the phone.
    await page.context().setOffline(true)
    await page.locator('[data-test=outbox-offline]').waitFor()
    await deliverNext(2)
    await deliverNext(3)
    await until('two receipts kept on the phone', async () => (await page.locator('[data-test=outbox-count]').getAttribute('data-count').catch(() => null)) === '2')
    check(Number(await progress.getAttribute('data-reached')) === before.reached + 3, 'the page counts the receipts kept')
    const w = await bodyWidth(page)
    check(w.scroll <= 361, `the delivery page is ${w.scroll} px wide at 360 px`)
    await shot(page, '80e-phone-offline.png', { fullPage: true })

    // Back online: sent once each, nothing lost, nothing doubled.
    await page.context().setOffline(false)
    await until('the outbox empty', async () => (await page.locator('[data-test=outbox-bar]').count()) === 0, 30_000)
    check((await mine()) === before.reached + 3, `the village reached ${before.reached} → ${await mine()}`)
    check((await pendingTotal()) === before.pending - 3, `households left ${before.pending} → ${await pendingTotal()}`)
    check((await townReached()) === townBefore + 3, `the town reached ${townBefore} → ${await townReached()}`)
    await shot(page, '80f-phone-delivered.png', { fullPage: true })
    await closePage(page)
    await closePage(office)
  })

  await step('F3', '告知书详情：按乡镇覆盖率图、未达标村标红、下载村签收回执单、按签收单扫描件批量登记', ['F2'], async () => {
    const page = await newPage('ducha (letter)')
    t.setCurrent(page)
    await signIn(page, 'ducha', t.demoPassword)
    await page.goto(`${t.base}/fire/letters`)
    await page.click(`[data-test=fire-letter-${fire.letter.id}] .fl-item__title`)
    await page.waitForURL(new RegExp(`/fire/letters/${fire.letter.id}$`))
    await canvasSettled(page, '[data-test=fire-coverage-chart]')
    check((await page.locator('[data-test=fire-coverage-villages] .fd-below').count()) > 0, 'no village highlighted below the target')
    await shot(page, '80g-letter-coverage.png', { fullPage: true })
    const dl = await download(page, '[data-test=fire-sheet]')
    check(isZip(dl.file) && dl.name.endsWith('.xlsx'), `the receipt sheet: ${dl.name}`)

    const reached = async () => Number(await page.locator('[data-test=fire-coverage-total]').getAttribute('data-reached'))
    const before = await reached()
    await page.click('[data-test=fire-batch-open]')
    const dialog = page.locator('[data-test=fire-batch-dialog]')
    await dialog.waitFor()
    const scan = path.join(t.tmp, 'sheet-scan.png')
    fs.writeFileSync(scan, PNG)
    await dialog.locator('input[data-test=fire-batch-scan]').setInputFiles(scan)
    await until('the scan uploaded', async () => (await dialog.innerText()).includes('已上传'))
    const boxes = dialog.locator('[data-test=fire-batch-households] .el-checkbox')
    await boxes.nth(0).click()
    await boxes.nth(1).click()
    await shot(page, '80h-batch-dialog.png')
    await page.click('[data-test=fire-batch-submit]')
    await confirmBox(page)
    await dialog.waitFor({ state: 'hidden' })
    await until('two more households reached', async () => (await reached()) === before + 2)
    await closePage(page)
  })
}
