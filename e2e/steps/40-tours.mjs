// Observation tours (项目观摩): three judges score the demo's open tour on a
// phone-size screen, the supervision office closes it and the results are
// ranked, charted and exported; a leader reads last month's published tour.
export default async function (t) {
  const { step, expectHttp, newPage, closePage, signIn, shot, until, check, tableUntil, api, confirmBox, bodyWidth, canvasSettled, download, isZip } = t
  const tour = {} // the open tour the steps follow
  const phone = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true }
  // Each judge's points per stop (the sheet's four criteria: 30, 30, 20, 20).
  const sheets = {
    pw01: [[26, 24, 16, 15], [20, 18.5, 14, 12], [28, 27, 18, 17]],
    pw02: [[25, 25, 17, 16], [19, 17, 13, 12], [27, 26, 17, 18]],
    pw03: [[27, 23, 15, 16], [21, 18, 12, 13], [29, 28, 18, 16]],
  }

  /** Fills the sheet on screen and submits it; the page moves on to the next stop (or back to the route). */
  async function scoreStop(page, points, draftFirst) {
    await page.locator('[data-test=judge-sheet] [data-test=sheet-project]').waitFor()
    for (let k = 0; k < points.length; k++) {
      const input = page.locator(`[data-test=score-${k + 1}] input`)
      await input.fill(String(points[k]))
      await input.press('Tab')
    }
    const total = Math.round(points.reduce((a, b) => a + b, 0) * 10) / 10
    await until(`the live total ${total}`, async () => (await page.locator('[data-test=sheet-total]').innerText()).includes(String(total)))
    if (draftFirst) {
      await page.click('[data-test=sheet-draft]')
      await until('the draft mark', async () => (await page.locator('[data-test=sheet-status]').innerText()).includes('已暂存'))
    }
    const before = page.url()
    await page.click('[data-test=sheet-submit]')
    await confirmBox(page)
    await until('the next page after submitting', async () => page.url() !== before)
  }

  await step('T1', '评委在手机上为观摩项目打分（暂存、提交、越界分数被拒绝）', [], async () => {
    for (const [user, points] of Object.entries(sheets)) {
      const page = await newPage(`${user} (phone)`, phone)
      t.setCurrent(page)
      await signIn(page, user, t.demoPassword)
      if (!tour.id) {
        const r = await api(page, 'GET', '/api/v1/tours?status=open')
        check(r.status === 200 && r.body.items.length > 0, `no open tour for ${user}: ${JSON.stringify(r)}`)
        tour.id = r.body.items[0].id
        tour.name = r.body.items[0].name
      }
      // From the tours list (cards on a phone) to the judge's route.
      await page.goto(`${t.base}/tours`)
      await page.locator('[data-test=tour-card]').first().waitFor()
      await page.locator('[data-test=tour-card]').filter({ hasText: tour.name }).locator('[data-test=tour-go]').click()
      await page.locator('[data-test=judge-stops]').waitFor()
      await until('three stops on the route', async () => (await page.locator('[data-test=judge-stops] li').count()) === 3)
      let w = await bodyWidth(page)
      check(w.scroll <= 361, `the judge's route is ${w.scroll} px wide at 360 px`)
      if (user === 'pw01') {
        await shot(page, '40a-judge-route.png', { fullPage: true })
        // A score above the maximum is refused by the server too, naming the criterion.
        expectHttp(page, 422, 'PUT', /\/my-score$/)
        const stops = (await api(page, 'GET', `/api/v1/tours/${tour.id}/my`)).body.stops
        tour.projects = stops.map((s) => s.project.id)
        const bad = await api(page, 'PUT', `/api/v1/tours/${tour.id}/projects/${tour.projects[0]}/my-score`, { points: [35, 20, 10, 10], submit: true })
        check(bad.status === 422 && /不能超过满分30分/.test(bad.body?.error?.fields?.['points.1'] ?? ''), `score above max: ${JSON.stringify(bad)}`)
      }
      await page.click('[data-test=judge-stop-1]')
      for (let i = 0; i < points.length; i++) {
        if (user === 'pw01' && i === 0) {
          w = await bodyWidth(page)
          await page.locator('[data-test=judge-sheet] [data-test=sheet-project]').waitFor()
          check(w.scroll <= 361, `the score sheet is ${w.scroll} px wide at 360 px`)
        }
        await scoreStop(page, points[i], user === 'pw01' && i === 0)
        if (user === 'pw01' && i === 0) await shot(page, '40b-judge-sheet.png', { fullPage: true })
      }
      await page.locator('[data-test=judge-stops]').waitFor()
      await until('three submitted marks', async () => {
        const marks = await page.locator('[data-test^=judge-mark-]').allInnerTexts()
        return marks.length === 3 && marks.every((m) => m.includes('已提交'))
      })
      if (user === 'pw01') await shot(page, '40c-judge-done.png', { fullPage: true })
      // A judge sees only their own marks: no results while the tour is open.
      expectHttp(page, 409, 'GET', /\/results$/)
      const early = await api(page, 'GET', `/api/v1/tours/${tour.id}/results`)
      check(early.status === 409, `results before closing: ${early.status}`)
      await closePage(page)
    }
  })

  await step('T2', '督查室结束评分，结果排名、图表与导出', ['T1'], async () => {
    const page = await newPage('ducha')
    await signIn(page, 'ducha', t.demoPassword)
    await page.goto(`${t.base}/tours/${tour.id}`)
    await page.locator('[data-test=tour-progress]').waitFor()
    await until('9 of 9 sheets', async () => (await page.locator('[data-test=tour-progress]').innerText()).includes('9 / 9'))
    await page.click('[data-test=tour-close]')
    await confirmBox(page)
    await page.waitForURL(/\/tours\/\d+\/results$/)
    const rows = await tableUntil(page, '[data-test=results-table]', 'three ranked projects', (rs) => rs.length === 3 && rs.every((r) => /^\d$/.test(r[1])))
    // Stop 3 scored highest by all three judges: first; stop 2 last.
    check(rows[0][1] === '1' && rows[2][1] === '3', `ranks: ${JSON.stringify(rows)}`)
    await canvasSettled(page, '[data-test=results-chart]')
    await shot(page, '40d-tour-results.png', { fullPage: true })
    const { file } = await download(page, '[data-test=results-export]')
    check(isZip(file), 'the results export is not an xlsx')
    await closePage(page)
  })

  await step('T3', '评分结束后评委不能再改分，可在手机上查看已发布的结果', ['T2'], async () => {
    const page = await newPage('pw02 (phone)', phone)
    await signIn(page, 'pw02', t.demoPassword)
    expectHttp(page, 409, 'PUT', /\/my-score$/)
    const late = await api(page, 'PUT', `/api/v1/tours/${tour.id}/projects/${tour.projects[0]}/my-score`, { points: [30, 30, 20, 20], submit: true })
    check(late.status === 409, `score after closing: ${late.status} ${JSON.stringify(late.body)}`)
    await page.goto(`${t.base}/tours/${tour.id}/results`)
    await tableUntil(page, '[data-test=results-table]', 'the published ranking', (rs) => rs.length === 3)
    const w = await bodyWidth(page)
    check(w.scroll <= 361, `the results page is ${w.scroll} px wide at 360 px`)
    await shot(page, '40e-phone-results.png', { fullPage: true })
    await closePage(page)
  })

  await step('T4', '区领导查看上月观摩结果（9个项目、7名评委，去掉最高最低分）', [], async () => {
    const page = await newPage('leader2')
    await signIn(page, 'leader2', t.demoPassword)
    await page.goto(`${t.base}/tours`)
    const rows = await tableUntil(page, '[data-test=tours-table]', 'a published tour', (rs) => rs.some((r) => r.join(' ').includes('已结束')))
    const closed = rows.findIndex((r) => r[2] === '已结束' && r[3] === '9')
    check(closed >= 0, `no closed tour of 9 projects: ${JSON.stringify(rows)}`)
    await page.locator('[data-test=tours-table] [data-test=tour-results]').nth(closed).click()
    const ranked = await tableUntil(page, '[data-test=results-table]', 'nine ranked projects', (rs) => rs.length === 9)
    check(ranked[0][1] === '1', `first rank: ${JSON.stringify(ranked[0])}`)
    await canvasSettled(page, '[data-test=results-chart]')
    await shot(page, '40f-demo-tour-results.png', { fullPage: true })
    await closePage(page)
  })
}
