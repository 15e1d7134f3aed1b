// Key projects (重点项目): the ledger with its filters and export, the 青石镇
// project that lags its time-sequence turned green by its monthly report
// with photos (filed by the town's staff on a phone-size screen, a PDF
// refused), the detail page's photo wall and chart, the battle map with its
// Gantt and the summaries.
import path from 'node:path'

export default async function (t) {
  const { step, newPage, closePage, signIn, shot, until, check, tableUntil, api, bodyWidth, canvasSettled, download, isZip, pickOption } = t
  const phone = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true }
  const LAGGING = '青石镇高原特色农产品加工园'
  const pj = {}

  await step('P1', '重点项目台账：按亮灯、规模、产业链筛选并导出同样筛选的台账', [], async () => {
    const page = await newPage('ducha (projects)')
    t.setCurrent(page)
    await signIn(page, 'ducha', t.demoPassword)
    await page.goto(`${t.base}/projects`)
    const all = await tableUntil(page, '[data-test=project-table]', 'the ledger', (rows) => rows.length === 20)
    check(all.length === 20, 'the ledger shows 20 rows a page')
    const total = (await page.locator('[data-test=project-totals]').innerText()).match(/共 (\d+) 个项目/)
    check(total && Number(total[1]) >= 55, `about 60 projects in the demo: ${total?.[0]}`)
    // Red only: every row red.
    await pickOption(page, '[data-test=project-filter-light]', '红灯')
    const red = await tableUntil(page, '[data-test=project-table]', 'red projects', (rows) => rows.length > 0 && rows.every((r) => r.join(' ').includes('红灯')))
    check(red.length > 0, 'some red projects')
    await shot(page, '30a-projects-red.png')
    // 10亿元以上 among everything: the park is there.
    await page.click('[data-test=list-reset]')
    await page.click('[data-test=project-more-filters]')
    await pickOption(page, '[data-test=project-filter-size]', '10亿元以上')
    const huge = await tableUntil(page, '[data-test=project-table]', 'projects of 1亿 and more', (rows) => rows.length > 0 && rows.some((r) => r.join(' ').includes('新能源电池材料产业园')))
    check(huge.every((r) => /亿/.test(r.join(' '))), `every 10亿 project shows 亿: ${JSON.stringify(huge.slice(0, 3))}`)
    // The export carries the same filters.
    const dl = await download(page, '[data-test=project-export]')
    check(isZip(dl.file) && dl.name.endsWith('.xlsx'), `export: ${dl.name}`)
    const api1 = await api(page, 'GET', '/api/v1/projects?size=huge&page_size=100')
    check(api1.status === 200 && api1.body.total === huge.length, `the API agrees on 10亿 projects: ${api1.body?.total} vs ${huge.length}`)
    // A chain's projects.
    await page.click('[data-test=list-reset]')
    await pickOption(page, '[data-test=project-filter-chain]', '绿色食品')
    await tableUntil(page, '[data-test=project-table]', 'the 绿色食品 chain', (rows) => rows.length > 0 && rows.every((r) => r.join(' ').includes('绿色食品')))
    await shot(page, '30b-projects-ledger.png', { fullPage: true })
    await closePage(page)
  })

  await step('P2', '青石镇经办人在手机上填报月报（照片含拍摄时间地点，PDF被拒），滞后项目转为绿灯', [], async () => {
    const page = await newPage('t01_staff (phone)', phone)
    t.setCurrent(page)
    await signIn(page, 't01_staff', t.demoPassword)
    const found = await api(page, 'GET', `/api/v1/projects?q=${encodeURIComponent(LAGGING)}`)
    check(found.status === 200 && found.body.items.length === 1, `the lagging project: ${JSON.stringify(found.body)}`)
    const p = found.body.items[0]
    pj.id = p.id
    check(p.pace === 'behind' && p.light !== 'green', `it lags and is not green before the report: ${p.pace} ${p.light} ${p.light_reason}`)
    await page.goto(`${t.base}/projects/${p.id}`)
    await page.locator('[data-test=project-light]').waitFor()
    check(!(await page.locator('[data-test=project-light]').innerText()).includes('绿灯'), 'the page shows it is not green')
    await page.click('[data-test=project-report-btn]')
    await page.locator('[data-test=report-form]').waitFor()
    let w = await bodyWidth(page)
    check(w.scroll <= 361, `the report form is ${w.scroll} px wide at 360 px`)
    // A PDF is refused beside the photos.
    const pdf = path.join(t.tmp, 'progress.pdf')
    const jpg = path.join(t.tmp, 'site.jpg')
    t.run('go', ['run', './e2e/mkxlsx', '-kind', 'project-photo', '-bad', pdf])
    t.run('go', ['run', './e2e/mkxlsx', '-kind', 'project-photo', jpg])
    t.expectHttp(page, 422, 'POST', /\/api\/v1\/projects\/\d+\/photos$/)
    await page.locator('[data-test=report-photo-input]').setInputFiles(pdf)
    await until('the PDF refused beside the photos', async () => (await page.locator('.el-form-item__error').allInnerTexts()).some((s) => s.includes('不是图片')))
    await page.locator('[data-test=report-photo-input]').setInputFiles(jpg)
    await until('the photo with its EXIF time', async () => (await page.locator('[data-test=report-photo]').count()) === 1)
    const caption = await page.locator('[data-test=report-photo]').innerText()
    check(/\d{2}:\d{2}/.test(caption) && /24\.95/.test(caption), `the photo shows when and where it was taken: ${caption}`)
    // Enough this month to catch up with the time-sequence.
    const catchUp = Math.ceil((p.year_planned - p.year_actual) / 1e4) + 200
    await page.locator('[data-test=report-invest-month] input').fill(String(catchUp))
    await page.fill('textarea[data-test=report-progress], [data-test=report-progress] textarea', '资金到位，主体结构封顶，冷库设备进场安装。')
    await page.fill('textarea[data-test=report-next-plan], [data-test=report-next-plan] textarea', '完成设备安装调试，启动试生产准备。')
    w = await bodyWidth(page)
    check(w.scroll <= 361, `the filled report form is ${w.scroll} px wide at 360 px`)
    await shot(page, '30c-report-form-phone.png', { fullPage: true })
    await page.click('[data-test=report-submit]')
    await page.waitForURL((u) => /\/projects\/\d+$/.test(u.pathname))
    await until('the project to turn green', async () => (await page.locator('[data-test=project-light]').innerText()).includes('绿灯'))
    const after = await api(page, 'GET', `/api/v1/projects/${p.id}`)
    check(after.body.light === 'green' && after.body.pace !== 'behind' && !after.body.report_missing, `green after the report: ${JSON.stringify({ light: after.body.light, pace: after.body.pace, reason: after.body.light_reason })}`)
    check(after.body.reports[0].photos.length === 1 && after.body.reports[0].photos[0].taken_at, 'the report keeps the photo with its EXIF time')
    await shot(page, '30d-project-green-phone.png', { fullPage: true })
    await closePage(page)
  })

  await step('P3', '项目详情：节点时间轴、计划与实际投资图、照片墙（拍摄时间、非本月标记）、协调事项', [], async () => {
    const page = await newPage('leader2 (project)')
    t.setCurrent(page)
    await signIn(page, 'leader2', t.demoPassword)
    const park = (await api(page, 'GET', `/api/v1/projects?q=${encodeURIComponent('新能源电池材料产业园')}`)).body.items[0]
    check(park, 'the park is in the ledger')
    await page.goto(`${t.base}/projects/${park.id}`)
    await page.locator('[data-test=milestone-timeline] [data-test=milestone]').first().waitFor()
    check((await page.locator('[data-test=milestone]').count()) === 9, 'nine standard nodes')
    await canvasSettled(page, '[data-test=invest-chart]')
    await until('photos with their EXIF time', async () => (await page.locator('[data-test=photo-taken]').count()) > 0)
    await shot(page, '30e-project-detail.png', { fullPage: true })
    await closePage(page)
  })

  await step('P4', '挂图作战：按阶段看板（亮灯）切换为节点甘特图；按包联领导、产业链、乡镇汇总', [], async () => {
    const page = await newPage('ducha (board)')
    t.setCurrent(page)
    await signIn(page, 'ducha', t.demoPassword)
    await page.goto(`${t.base}/projects/board`)
    await page.locator('[data-test=board-card]').first().waitFor()
    for (const phase of ['prep', 'new', 'continued', 'completed', 'producing']) {
      await page.locator(`[data-test=board-col-${phase}]`).waitFor()
    }
    const totals = await page.locator('[data-test=board-totals]').innerText()
    check(/共 \d+ 个项目/.test(totals), `board totals: ${totals}`)
    await shot(page, '30f-board.png', { fullPage: true })
    await page.click('[data-test=board-view-gantt]')
    await canvasSettled(page, '[data-test=board-gantt]')
    await shot(page, '30g-board-gantt.png', { fullPage: true })
    await page.goto(`${t.base}/projects/summary`)
    for (const by of ['leader', 'chain', 'town']) {
      await page.click(`[data-test=summary-by-${by}]`)
      const rows = await tableUntil(page, '[data-test=summary-table]', `the summary by ${by}`, (r) => r.length > 0)
      check(rows.length > 0, `summary by ${by}`)
    }
    await canvasSettled(page, '[data-test=summary-chart]')
    await shot(page, '30h-summary-town.png', { fullPage: true })
    await page.goto(`${t.base}/projects/report-status`)
    await page.locator('[data-test=status-count-missing]').waitFor()
    await shot(page, '30i-report-status.png', { fullPage: true })
    await closePage(page)
  })
}
