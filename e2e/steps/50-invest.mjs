// Investment attraction (招商引资): a team's admin enters a lead and takes
// it from 线索 through the stages to 签约 in the browser (a move back needs a
// reason), converts it into a key project with a reverse schedule, and the
// project's route map and timetable show it; the funnel and the targets
// table; an imported leads ledger with a bad cell, then fixed.
export default async function (t) {
  const { step, expectHttp, newPage, closePage, signIn, shot, until, check, tableUntil, api, confirmBox, fillDate, pickFirst, canvasSettled,
    download, isZip, importFile, run } = t
  const lead = {} // the lead the steps follow

  /** Moves the lead on its page to stage (by its Chinese name), with a reason when backwards. */
  async function move(page, stage, reason) {
    await page.click('[data-test=lead-move]')
    const dialog = page.locator('[data-test=move-dialog]')
    await dialog.waitFor()
    await t.pickOption(page, '[data-test=move-stage]', stage)
    if (reason) await page.locator('[data-test=move-reason] textarea, textarea[data-test=move-reason]').fill(reason)
    await page.locator('[data-test=move-note] textarea, textarea[data-test=move-note]').fill(`E2E：推进到${stage}`)
    await page.click('[data-test=move-submit]')
    await dialog.waitFor({ state: 'hidden' })
    await until(`the lead at ${stage}`, async () => (await page.locator('[data-test=lead-detail] [data-test=lead-stage]').first().innerText()).includes(stage))
  }

  await step('I1', '招商专班录入线索，并在页面上从“线索”推进到“签约”（回退须说明原因）', [], async () => {
    const page = await newPage('zb01_admin (invest)')
    t.setCurrent(page)
    await signIn(page, 'zb01_admin', t.demoPassword)
    await page.goto(`${t.base}/invest/leads`)
    await page.locator('[data-test=lead-table]').waitFor()
    await page.click('[data-test=lead-create]')
    const dialog = page.locator('[data-test=lead-dialog]')
    await dialog.waitFor()
    lead.company = `E2E示范新材料科技有限公司${Date.now() % 10000}`
    await page.locator('input[data-test=lead-company]').fill(lead.company)
    await pickFirst(page, 'lead-chain')
    await until('the own team preselected', async () => (await page.locator('[data-test=lead-team]').innerText()).includes('招商专班'))
    await pickFirst(page, 'lead-town')
    const amount = page.locator('[data-test=lead-amount] input, input[data-test=lead-amount]').first()
    await amount.fill('25000') // 2.5亿, in 万元
    await amount.press('Tab')
    await page.locator('input[data-test=lead-next]').fill('邀请企业高管来区考察')
    await page.click('[data-test=lead-save]')
    await page.waitForURL(/\/invest\/leads\/\d+$/)
    lead.id = Number(page.url().split('/').pop())
    await until('the new lead at 线索', async () => (await page.locator('[data-test=lead-company]').innerText()).includes(lead.company))
    for (const s of ['接洽', '考察', '洽谈']) await move(page, s)
    // Backwards without a reason: the server refuses it too, naming the field.
    expectHttp(page, 422, 'POST', /\/moves$/)
    const bad = await api(page, 'POST', `/api/v1/invest/leads/${lead.id}/moves`, { stage: 'visit' })
    check(bad.status === 422 && /原因/.test(bad.body?.error?.fields?.reason ?? ''), `backwards without a reason: ${JSON.stringify(bad)}`)
    await move(page, '考察', '企业要求再看一次园区标准厂房')
    await move(page, '洽谈')
    await move(page, '签约')
    const timeline = await page.locator('[data-test=lead-timeline]').innerText()
    check(timeline.includes('企业要求再看一次园区标准厂房') && timeline.includes('洽谈 → 签约'), `timeline: ${timeline.slice(0, 400)}`)
    await shot(page, '50a-lead-signed.png', { fullPage: true })
    await closePage(page)
  })

  await step('I2', '签约线索一步转为重点项目，倒排工期；项目页显示路线图与时间表', ['I1'], async () => {
    const page = await newPage('zb01_admin (convert)')
    t.setCurrent(page)
    await signIn(page, 'zb01_admin', t.demoPassword)
    await page.goto(`${t.base}/invest/leads/${lead.id}`)
    await page.click('[data-test=lead-convert]')
    await page.locator('[data-test=convert-dialog]').waitFor()
    const meta = await api(page, 'GET', '/api/v1/meta')
    const start = new Date(Date.parse(meta.body.now) + 8 * 3600_000 + 120 * 86400_000).toISOString().slice(0, 10)
    await fillDate(page, 'convert-start', start)
    const preview = await tableUntil(page, '[data-test=convert-preview]', 'the nine reverse-scheduled nodes', (rs) => rs.length === 9)
    check(preview.some((r) => r.includes('开工') && r.includes('0')), `preview: ${JSON.stringify(preview)}`)
    await shot(page, '50b-convert-dialog.png')
    await page.click('[data-test=convert-submit]')
    await confirmBox(page)
    await page.locator('[data-test=lead-converted]').waitFor()
    // Converting twice is refused.
    expectHttp(page, 409, 'POST', /\/convert$/)
    const again = await api(page, 'POST', `/api/v1/invest/leads/${lead.id}/convert`, { target_start_on: start })
    check(again.status === 409, `converting twice: ${again.status}`)
    const detail = await api(page, 'GET', `/api/v1/invest/leads/${lead.id}`)
    lead.project = detail.body.project_id
    check(lead.project > 0 && detail.body.plan.length === 9, `converted lead: ${JSON.stringify(detail.body).slice(0, 300)}`)
    // The project page: its route map (the lead's stages) and timetable.
    await page.click('[data-test=lead-open-project]')
    await page.waitForURL(new RegExp(`/projects/${lead.project}$`))
    const rows = await tableUntil(page, '[data-test=roadmap-timetable]', 'the timetable on the project', (rs) => rs.length === 9)
    // 开工 falls on the target start, or the next working day after it.
    check(rows.some((r) => r.includes('立项')) && rows.some((r) => r[1] === '开工' && r[2] === '0' && r[3] >= start), `timetable: ${JSON.stringify(rows)}`)
    const route = await page.locator('[data-test=roadmap-route]').innerText()
    check(route.includes('签约') && route.includes('线索'), `route map: ${route}`)
    await page.locator('[data-test=roadmap-route]').scrollIntoViewIfNeeded()
    await shot(page, '50c-project-roadmap.png', { fullPage: true })
    await closePage(page)
  })

  await step('I3', '招商漏斗（按阶段、按产业链）与目标任务分解表（完成率、时序亮灯、导出）', [], async () => {
    const page = await newPage('ducha (invest)')
    t.setCurrent(page)
    await signIn(page, 'ducha', t.demoPassword)
    await page.goto(`${t.base}/invest`)
    await canvasSettled(page, '[data-test=funnel-chart]')
    const total = Number(await page.locator('[data-test=funnel-total]').innerText())
    check(total >= 120, `funnel total ${total}`)
    await tableUntil(page, '[data-test=funnel-chains]', 'five chains', (rs) => rs.length >= 5)
    await shot(page, '50d-invest-funnel.png', { fullPage: true })
    await page.goto(`${t.base}/invest/targets`)
    const rows = await tableUntil(page, '[data-test=targets-table]', 'teams, towns and the district', (rs) => rs.length >= 18)
    check(rows.some((r) => r[0].includes('全区合计')), 'no district row')
    const lights = await page.locator('[data-test=target-pace]').evaluateAll((els) => els.map((e) => e.getAttribute('data-light')))
    check(lights.includes('red') || lights.includes('yellow'), `no team behind time-sequence: ${lights.join(',')}`)
    check(lights.includes('green'), 'no team on pace')
    await shot(page, '50e-invest-targets.png', { fullPage: true })
    const { file } = await download(page, '[data-test=targets-export]')
    check(isZip(file), 'the targets export is not an xlsx')
    await closePage(page)
  })

  await step('I4', '导入线索台账：有错误的表被整表拒绝，修正后导入，再次导入不重复', [], async () => {
    const page = await newPage('zb01_admin (import)')
    t.setCurrent(page)
    await signIn(page, 'zb01_admin', t.demoPassword)
    const badFile = `${t.tmp}/invest-leads-bad.xlsx`
    const goodFile = `${t.tmp}/invest-leads.xlsx`
    run('go', ['run', './e2e/mkxlsx', '-kind', 'invest-leads', '-bad', badFile])
    run('go', ['run', './e2e/mkxlsx', '-kind', 'invest-leads', goodFile])
    await page.goto(`${t.base}/invest/leads`)
    await page.locator('[data-test=lead-table]').waitFor()
    await page.click('[data-test=lead-import]')
    let r = await importFile(page, badFile)
    check(r.outcome === 'errors', `bad sheet: ${r.outcome}`)
    const errors = await page.locator('[data-test=import-result]').innerText()
    check(errors.includes('航空航天') && errors.includes('负数'), `errors shown: ${errors.slice(0, 300)}`)
    await shot(page, '50f-import-errors.png')
    await page.click('[data-test=import-retry]').catch(() => undefined)
    await page.keyboard.press('Escape')
    const none = await api(page, 'GET', '/api/v1/invest/leads?q=E2E-XNY')
    check(none.body.total === 0, 'the bad sheet wrote leads')
    await page.click('[data-test=lead-import]')
    r = await importFile(page, goodFile)
    check(r.outcome === 'success', `good sheet: ${r.outcome}`)
    const two = await api(page, 'GET', '/api/v1/invest/leads?q=E2E-XNY')
    check(two.body.total === 2 && two.body.items.some((l) => l.stage === 'negotiate'), `imported: ${JSON.stringify(two.body).slice(0, 300)}`)
    await page.keyboard.press('Escape')
    await closePage(page)
  })
}
