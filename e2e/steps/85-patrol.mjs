// Forest fire prevention in the field: a village worker starts a patrol on a
// 360 px phone (geolocation granted, positions moved by the test), the route
// is recorded, the connection drops mid-way, a finding with a photo is added
// offline, the connection returns and the patrol is ended: every batch,
// the finding and the end arrive exactly once. The patrol's page shows the
// route line and the photo; the fire home counts it; a key village whose
// post is below its minimum is red with the reason; a broadcast recorded
// on the phone.
import fs from 'node:fs'
import path from 'node:path'

// A 16×16 PNG: the server sniffs the content, so it must be a real image.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAIAAACQkWg2AAAAFklEQVR4nGM4YaNBEmIY1TCqYfhqAAAeBCwQMwPSngAAAABJRU5ErkJggg==', 'base64')

export default async function (t) {
  const { step, newPage, closePage, signIn, shot, until, check, api, bodyWidth, confirmBox } = t
  const start = { latitude: 25.02, longitude: 102.62 }
  const phone = {
    viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true,
    geolocation: { ...start, accuracy: 12 }, permissions: ['geolocation'],
  }
  const pt = {} // what the steps pass on: the patrol's key

  await step('P1', '村干部在手机上开始巡查、记录轨迹；中途断网时记下发现（带照片），恢复网络后结束：轨迹、发现各只到达一次', [], async () => {
    const page = await newPage('t01v01 (patrol phone)', phone)
    t.setCurrent(page)
    await signIn(page, 't01v01', t.demoPassword)
    await page.goto(`${t.base}/fire/patrol`)
    await page.locator('[data-test=patrol-phone-start]').waitFor()
    await until('a post or squad chosen', async () => await page.locator('[data-test=patrol-phone-start]').isEnabled())
    const before = (await api(page, 'GET', '/api/v1/fire/patrols?mine=true&page_size=1')).body.total
    await page.click('[data-test=patrol-phone-start]')
    await page.locator('[data-test=patrol-phone-status]').waitFor()
    pt.key = await page.evaluate(() => JSON.parse(localStorage.getItem('diaodu.fire.patrol.current') ?? '{}').key)
    check(typeof pt.key === 'string' && pt.key.length > 20, `the patrol's client key: ${pt.key}`)
    // Walk: the page samples the position every 5 s and sends a batch every 10 s.
    const walk = async (steps, dLat) => {
      for (let i = 1; i <= steps; i++) {
        await page.context().setGeolocation({ latitude: start.latitude + dLat * i, longitude: start.longitude + 0.0006 * i, accuracy: 10 })
        await page.waitForTimeout(5_500)
      }
    }
    await walk(3, 0.0008)
    await until('points sent', async () => (await api(page, 'GET', `/api/v1/fire/patrols/${pt.key}`)).body?.point_count > 0, 20_000)
    const w = await bodyWidth(page)
    check(w.scroll <= 361, `the patrol page is ${w.scroll} px wide at 360 px`)
    await shot(page, '85a-patrol-phone.png', { fullPage: true })

    // The connection drops: points and a finding with a photo wait in the outbox.
    await page.context().setOffline(true)
    await page.locator('[data-test=outbox-offline]').waitFor()
    await walk(3, -0.0005)
    await page.locator('[data-test=patrol-phone-kind] label').filter({ hasText: '祭扫' }).click()
    await page.locator('[data-test=patrol-phone-note] textarea, textarea[data-test=patrol-phone-note]').fill('E2E：坟前有烧纸痕迹，已劝导')
    const file = path.join(t.tmp, 'finding.png')
    fs.writeFileSync(file, PNG)
    await page.locator('[data-test=patrol-phone-photo]').setInputFiles(file)
    await page.click('[data-test=patrol-phone-save-finding]')
    await until('items kept on the phone', async () => Number(await page.locator('[data-test=outbox-count]').getAttribute('data-count').catch(() => '0')) >= 1, 20_000)
    await shot(page, '85b-patrol-offline.png', { fullPage: true })

    // Back online; end the patrol.
    await page.context().setOffline(false)
    await page.click('[data-test=patrol-phone-end]')
    await confirmBox(page)
    await page.locator('[data-test=patrol-phone-ended]').waitFor()
    await until('the outbox empty', async () => (await page.locator('[data-test=outbox-bar]').count()) === 0, 30_000)
    const p = (await api(page, 'GET', `/api/v1/fire/patrols/${pt.key}`)).body
    check(p.ended_at && p.findings?.length === 1 && p.findings[0].kind === 'grave_sweeping' && p.findings[0].photos.length === 1,
      `the patrol as stored: ${JSON.stringify({ ended: p.ended_at, findings: p.findings }).slice(0, 400)}`)
    check(p.point_count >= 4 && p.route.length === p.point_count && p.distance_m > 100, `route: ${p.point_count} points, ${p.route?.length} in the route, ${p.distance_m} m`)
    const after = (await api(page, 'GET', '/api/v1/fire/patrols?mine=true&page_size=1')).body.total
    check(after === before + 1, `patrols ${before} → ${after}`)
    pt.id = p.id
    pt.points = p.point_count
    // A batch sent again (its answer lost): the stored one, nothing new.
    const again = await api(page, 'POST', `/api/v1/fire/patrols/${pt.key}/findings`, { kind: 'other', note: 'x', client_key: p.findings[0].client_key })
    check(again.status === 200 && again.body.id === p.findings[0].id, `resent finding: ${again.status}`)
    // An end before the start is refused naming the field.
    t.expectHttp(page, 422, 'POST', /\/api\/v1\/fire\/patrols$/)
    const bad = await api(page, 'POST', '/api/v1/fire/patrols', { post_id: p.post_id || undefined, squad_id: p.squad_id || undefined,
      started_at: new Date().toISOString(), ended_at: new Date(Date.now() - 3600_000).toISOString() })
    check(bad.status === 422 && bad.body?.error?.fields?.ended_at, `an end before the start: ${JSON.stringify(bad)}`)
    await closePage(page)
  })

  await step('P2', '巡查详情显示轨迹线、里程与照片；防火首页计入今日巡查，低于最低人数的岗位亮红灯', ['P1'], async () => {
    const page = await newPage('t01_admin (fire home)')
    t.setCurrent(page)
    await signIn(page, 't01_admin', t.demoPassword)
    await page.goto(`${t.base}/fire/patrols/${pt.id}`)
    await page.locator('[data-test=patrol-route-line]').waitFor()
    await until('the finding photo', async () => (await page.locator('[data-test=patrol-finding-photo]').count()) === 1)
    check((await page.locator('[data-test=patrol-points]').innerText()).trim() === String(pt.points), 'points on the page')
    await shot(page, '85c-patrol-detail.png', { fullPage: true })
    await page.goto(`${t.base}/fire`)
    await page.locator('[data-test=fire-home-patrols-today]').waitFor()
    const home = (await api(page, 'GET', '/api/v1/fire/home')).body
    check(home.patrols_today >= 1 && home.findings_today >= 1, `home: ${home.patrols_today} patrols, ${home.findings_today} findings`)
    await until('the patrols today on the page', async () => (await page.locator('[data-test=fire-home-patrols-today]').innerText()).includes(String(home.patrols_today)))
    await shot(page, '85d-fire-home.png', { fullPage: true })
    // A post below its minimum turns its village red, with the reason in words.
    const posts = await api(page, 'GET', '/api/v1/fire/villages')
    const v = posts.body.find((x) => x.posts.length > 0)
    check(v, 'a key village with a post in 青石镇')
    const post = v.posts[0]
    const cut = await api(page, 'PUT', `/api/v1/fire/posts/${post.id}`, { name: post.name, patrollers: [{ name: '王五' }], min_patrollers: 2 })
    check(cut.status === 200 && cut.body.below, `one patroller left: ${JSON.stringify(cut.body)}`)
    await page.goto(`${t.base}/fire/posts`)
    const card = page.locator(`[data-test=fire-village-${v.id}]`)
    await card.locator('[data-test=fire-village-light-red]').waitFor()
    check((await card.locator('[data-test=fire-village-reason]').innerText()).includes('少于'), 'the reason in words')
    await shot(page, '85e-posts-red.png', { fullPage: true })
    await page.goto(`${t.base}/fire`)
    await until('the red village on the home', async () => (await page.locator('[data-test=fire-home-red]').innerText()).includes(v.name))
    await closePage(page)
  })

  await step('P3', '村干部在手机上记录村村响广播', [], async () => {
    const page = await newPage('t01v01 (broadcast phone)', phone)
    t.setCurrent(page)
    await signIn(page, 't01v01', t.demoPassword)
    const count = async () => (await api(page, 'GET', '/api/v1/fire/broadcasts?page_size=1')).body.total
    const before = await count()
    await page.goto(`${t.base}/fire/broadcast`)
    await page.locator('[data-test=broadcast-save]').waitFor()
    await page.click('[data-test=broadcast-save]')
    await until('the broadcast stored', async () => (await count()) === before + 1)
    const w = await bodyWidth(page)
    check(w.scroll <= 361, `the broadcast page is ${w.scroll} px wide at 360 px`)
    await shot(page, '85f-broadcast-phone.png', { fullPage: true })
    await closePage(page)
  })
}
