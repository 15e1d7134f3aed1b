package demo

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"math/rand/v2"
	"strings"
	"time"

	"diaodu/internal/app"
	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/calendar"
	"diaodu/internal/platform/clock"
	"diaodu/internal/platform/exif"
	"diaodu/internal/projects"
)

// DemoLaggingProject is the 青石镇 project that is behind its time-sequence
// with this month's report missing: the browser test files the report as
// the town's staff and watches it turn green.
const DemoLaggingProject = "青石镇高原特色农产品加工园"

// DemoPark is the large park that dominates the district's total investment.
const DemoPark = "新能源电池材料产业园"

// projectStems name the demo's projects by chain (the order of DemoChains)
// and category; the town's name goes in front.
var projectStems = [][]string{
	{"锂电池正极材料项目", "储能电站项目", "动力电池回收利用项目", "电解液生产线项目"},
	{"高原特色农产品加工园", "咖啡精深加工项目", "冷链物流中心", "食用菌产业园"},
	{"智能装备制造基地", "汽车零部件产业园", "数控机床生产线项目", "环保设备制造项目"},
	{"温泉康养小镇", "田园综合体项目", "研学旅游基地", "民宿集群项目"},
	{"数据中心项目", "智慧城市运营中心", "电子商务产业园", "软件信息服务园"},
}

var publicStems = []struct{ name, category string }{
	{"城区污水处理厂扩建", "生态环保"}, {"河道综合治理工程", "生态环保"}, {"乡村振兴示范片", "社会民生"},
	{"中心学校新建工程", "社会民生"}, {"卫生院业务用房", "社会民生"}, {"县乡公路提质改造", "基础设施"},
	{"工业园区供水工程", "基础设施"}, {"农贸市场改造", "社会民生"},
}

// demoProject is a project and what happens to it over the year.
type demoProject struct {
	p                  *projects.Project
	town, unit         int64
	reporter           string
	total, plan        int64
	start, end         calendar.Date
	factor             float64 // share of the monthly plan it completes
	skipLast, lateSome bool
	redNode            bool
	lat, lng           float64
}

// Projects builds about 60 key projects across the five chains and the
// demo's towns with a year of monthly reports, photos carrying EXIF time
// and place (some taken outside their month), milestones plan against
// actual (some red nodes), projects lagging the time-sequence, a missing
// report or two, and coordination items, some answered. One large park
// dominates the total investment. It replays the year on its own App whose
// clock it moves month by month.
func Projects(ctx context.Context, served *app.App) error {
	now := served.Clock.Now()
	today := calendar.DateOf(now)
	first := today.FirstOfMonth().AddMonths(-(int(today.Month()) - 1)) // January of this year
	if today.Month() <= 2 {
		first = today.FirstOfMonth().AddMonths(-10)
	}
	clk := &clock.Fixed{T: first.AddDays(-20).At(9, 0)}
	sim, err := app.Wire(served.Cfg, served.DB, clk)
	if err != nil {
		return err
	}
	sys := auth.System("demo")
	rng := rand.New(rand.NewPCG(2026, 4))

	// Directory: towns with their staff, leaders, chains, enterprises by chain.
	type town struct {
		id         int64
		name, user string
	}
	var towns []town
	rows, err := sim.DB.R.QueryContext(ctx, `SELECT u.id, u.name, COALESCE(MIN(s.username), '') FROM units u
		LEFT JOIN users s ON s.unit_id = u.id AND s.roles = 'staff' AND s.active WHERE u.kind = 'town' GROUP BY u.id, u.name, u.sort_order
		ORDER BY u.sort_order, u.id`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var t town
		if err := rows.Scan(&t.id, &t.name, &t.user); err != nil {
			rows.Close()
			return err
		}
		towns = append(towns, t)
	}
	rows.Close()
	if len(towns) == 0 {
		return nil
	}
	var leaders []int64
	var leaderNames []string
	rows, err = sim.DB.R.QueryContext(ctx, `SELECT id, username FROM users WHERE roles LIKE '%leader%' AND active ORDER BY username`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id int64
		var n string
		if err := rows.Scan(&id, &n); err != nil {
			rows.Close()
			return err
		}
		leaders, leaderNames = append(leaders, id), append(leaderNames, n)
	}
	rows.Close()
	chains := make([]int64, len(DemoChains))
	for i, name := range DemoChains {
		_ = sim.DB.R.QueryRowContext(ctx, `SELECT id FROM industrial_chains WHERE name = $1`, name).Scan(&chains[i])
	}
	industries := []string{"energy", "food", "manufacturing", "tourism", "digital"}
	enterprises := map[string][]struct {
		id   int64
		name string
	}{}
	rows, err = sim.DB.R.QueryContext(ctx, `SELECT id, name, industry FROM enterprises WHERE kind = 'enterprise' ORDER BY id`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id int64
		var n, ind string
		if err := rows.Scan(&id, &n, &ind); err != nil {
			rows.Close()
			return err
		}
		enterprises[ind] = append(enterprises[ind], struct {
			id   int64
			name string
		}{id, n})
	}
	rows.Close()
	var fgj int64
	_ = sim.DB.R.QueryRowContext(ctx, `SELECT id FROM units WHERE name = '区发展和改革局' ORDER BY id LIMIT 1`).Scan(&fgj)

	// The projects, created at the start of the year.
	var list []*demoProject
	year := today.Year()
	add := func(name, category string, chain int, t town, unit int64, total int64, startMonths, spanMonths int) error {
		dp := &demoProject{town: t.id, unit: unit, reporter: t.user, total: total, factor: 0.95 + rng.Float64()*0.3,
			lat: 24.8 + rng.Float64()*0.3, lng: 102.6 + rng.Float64()*0.4}
		dp.plan = total * int64(20+rng.IntN(20)) / 100 / 10000 * 10000
		dp.start = first.AddMonths(startMonths).AddDays(rng.IntN(20))
		dp.end = dp.start.AddMonths(spanMonths)
		in := projects.Input{Name: &name, Category: &category, TownID: &t.id, UnitID: &unit, TotalInvestment: &total,
			YearPlanInvestment: &dp.plan, PlanYear: &year, Years: &[]int{year}, StartOn: &dp.start, EndOn: &dp.end,
			Address: ptrOf(t.name + []string{"工业园区", "产业园", "新区", "集镇"}[rng.IntN(4)]), Lat: &dp.lat, Lng: &dp.lng,
			ContactName: ptrOf(string(surnames[rng.IntN(len(surnames))]) + "工"), ContactPhone: ptrOf(fmt.Sprintf("139%08d", rng.IntN(100_000_000)))}
		if chain >= 0 && chains[chain] != 0 {
			in.ChainID = &chains[chain]
			if es := enterprises[industries[chain]]; len(es) > 0 {
				e := es[rng.IntN(len(es))]
				in.EnterpriseID, in.OwnerName = &e.id, &e.name
			}
		}
		if len(leaders) > 0 {
			in.LeaderUserID = &leaders[rng.IntN(len(leaders))]
		}
		in.Members = &[]projects.MemberInput{{Name: string(surnames[rng.IntN(len(surnames))]) + "组长", Duty: "专班组长", UnitID: &unit},
			{Name: string(surnames[rng.IntN(len(surnames))]) + "干事", Duty: "联络员", UnitID: &fgj}}
		if rng.IntN(6) == 0 { // a custom split: most of the year's work after the rainy season
			mp := make([]int64, 12)
			var sum int64
			for i := range mp {
				w := int64(1)
				if i >= 8 {
					w = 3
				}
				mp[i] = dp.plan * w / 20
				sum += mp[i]
			}
			mp[11] += dp.plan - sum
			in.MonthPlan = &mp
		}
		var ms []projects.MilestoneInput
		span := dp.start.DaysUntil(dp.end)
		for i, n := range projects.StandardMilestones {
			var d calendar.Date
			switch {
			case i < 4:
				d = dp.start.AddDays(-120 + i*30)
			case i == 4:
				d = dp.start
			default:
				d = dp.start.AddDays(span * []int{0, 0, 0, 0, 0, 45, 65, 90, 100}[i] / 100)
			}
			ms = append(ms, projects.MilestoneInput{Name: n, Planned: d})
		}
		in.Milestones = ms
		p, err := sim.Projects.Create(ctx, sys, in)
		if err != nil {
			return fmt.Errorf("demo project %s: %w", name, err)
		}
		dp.p = p
		list = append(list, dp)
		return nil
	}
	park := towns[0]
	if len(towns) > 2 {
		park = towns[2]
	}
	if err := add(DemoPark, "产业项目", 0, park, park.id, 30_000_000_000, -14, 40); err != nil {
		return err
	}
	qs := towns[0]
	for _, t := range towns {
		if t.name == "青石镇" {
			qs = t
		}
	}
	if err := add(DemoLaggingProject, "产业项目", 1, qs, qs.id, 680_000_000, -8, 26); err != nil {
		return err
	}
	for i := 0; len(list) < 60; i++ {
		t := towns[i%len(towns)]
		short := strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(t.name, "街道"), "镇"), "乡")
		var err error
		if i%6 == 5 {
			ps := publicStems[(i/6)%len(publicStems)]
			err = add(short+ps.name, ps.category, -1, t, t.id, int64(3+rng.IntN(30))*10_000_000, rng.IntN(10)-8, 14+rng.IntN(20))
		} else {
			chain := i % len(DemoChains)
			stem := projectStems[chain][(i/len(DemoChains))%len(projectStems[chain])]
			total := int64(5+rng.IntN(120)) * 10_000_000 // 5000万 .. 12.5亿
			err = add(short+stem, "产业项目", chain, t, t.id, total, rng.IntN(14)-10, 12+rng.IntN(30))
		}
		if err != nil {
			return err
		}
	}
	// Fates: some lag, some skip the last report, some report late, a few have a red node.
	for i, dp := range list {
		switch {
		case dp.p.Name == DemoLaggingProject:
			dp.factor, dp.skipLast = 0.45, true
		case i%9 == 4:
			dp.factor = 0.4 + rng.Float64()*0.2
		case i%13 == 7:
			dp.skipLast = true
		case i%11 == 3:
			dp.redNode = true
		}
		dp.lateSome = i%7 == 2
	}

	// A year of monthly reports, filed around the 20th (late ones the 27th):
	// the older months written in one go, the last two through the service
	// with their photos and coordination items.
	reportDay := projects.DefaultSettings.ReportDay
	owed := today.FirstOfMonth()
	if !today.After(owed.AddDays(reportDay - 1)) {
		owed = owed.AddMonths(-1)
	}
	recent := today.FirstOfMonth().AddMonths(-1)
	actors := map[string]*auth.Actor{}
	cum := map[int64]int64{}
	var history [][]any
	for m := first; !m.After(today.FirstOfMonth()); m = m.AddMonths(1) {
		last := m.Equal(owed) || m.Equal(today.FirstOfMonth())
		month := fmt.Sprintf("%04d-%02d", m.Year(), int(m.Month()))
		for _, late := range []bool{false, true} {
			day := m.AddDays(18 + rng.IntN(4))
			if late {
				day = m.AddDays(26)
			}
			at := day.At(10, 0)
			if !at.Before(now) {
				continue
			}
			clk.T = at
			for i, dp := range list {
				if late != (dp.lateSome && i%2 == int(m.Month())%2) || (last && dp.skipLast) {
					continue
				}
				plan := dp.p.MonthPlan
				if len(plan) < 12 {
					plan = make([]int64, 12)
				}
				im := int64(float64(plan[int(m.Month())-1])*dp.factor) / 10000 * 10000
				reporter, ok := actors[dp.reporter]
				if !ok {
					var err error
					if reporter, err = reporterFor(ctx, sim, dp.reporter); err != nil {
						return err
					}
					actors[dp.reporter] = reporter
				}
				words := progressWords(rng, m, dp)
				if m.Before(recent) {
					cum[dp.p.ID] += im
					history = append(history, []any{dp.p.ID, month, m.AddDays(reportDay - 1).String(), im, cum[dp.p.ID], words, "",
						"按节点计划推进，确保下月完成计划投资。", dp.unit, reporter.UserID, reporter.RealName, at, late, at, at})
					continue
				}
				in := projects.ReportInput{Month: month, InvestMonth: &im, ProgressText: words, NextPlan: "按节点计划推进，确保下月完成计划投资。"}
				if dp.factor < 0.7 {
					in.Problems = "施工进度滞后，资金到位不足。"
				}
				if i%5 == 1 && dp.p.Name != DemoLaggingProject {
					in.Coordination = []projects.CoordinationInput{{Question: []string{"项目用地报批需自然资源部门加快办理", "施工用电增容需协调供电公司",
						"配套道路建设需住建部门提前介入", "融资贷款需协调金融机构支持"}[rng.IntN(4)]}}
				}
				if i%2 == 0 || dp.p.Name == DemoLaggingProject || dp.p.Name == DemoPark {
					for k := 0; k < 1+rng.IntN(2); k++ {
						taken := day.AddDays(-rng.IntN(10)).At(9+rng.IntN(8), rng.IntN(60))
						if k == 1 && rng.IntN(3) == 0 {
							taken = m.AddDays(-3).At(15, 0) // last month's photo reused: flagged
						}
						img, err := demoSitePhoto(rng, min(100, 20+int(m.Month())*7), taken, dp.lat, dp.lng)
						if err != nil {
							return err
						}
						ph, err := sim.Projects.UploadPhoto(ctx, reporter, dp.p.ID, fmt.Sprintf("现场照片%s-%d.jpg", month, k+1), img)
						if err != nil {
							return fmt.Errorf("demo photo: %w", err)
						}
						in.PhotoIDs = append(in.PhotoIDs, ph.FileID)
					}
				}
				if _, err := sim.Projects.SubmitReport(ctx, reporter, dp.p.ID, in); err != nil {
					return fmt.Errorf("demo report %s %s: %w", dp.p.Name, in.Month, err)
				}
			}
		}
		if m.Equal(recent.AddMonths(-1)) && len(history) > 0 { // before the service's reports: they read the cumulative figures
			err := sim.Audit.Write(ctx, sys, func(w *audit.W) error {
				if _, err := w.CopyFrom(ctx, "project_reports", []string{"project_id", "month", "due_on", "invest_month", "invest_cum",
					"progress_text", "problems", "next_plan", "unit_id", "submitted_by", "submitted_by_name", "submitted_at", "late",
					"created_at", "updated_at"}, history); err != nil {
					return err
				}
				return w.Record(audit.Entry{Action: "demo.project_reports", ObjectType: "project",
					Summary: fmt.Sprintf("生成重点项目历史月报%d份", len(history))})
			})
			if err != nil {
				return fmt.Errorf("demo report history: %w", err)
			}
			history = nil
		}
	}

	// Milestones done as they happened; a red node left undone here and there.
	clk.T = now
	for _, dp := range list {
		d, err := sim.Projects.Detail(ctx, sys, dp.p.ID)
		if err != nil {
			return err
		}
		ms := make([]projects.MilestoneInput, len(d.Milestones))
		stop := false
		for i, m := range d.Milestones {
			ms[i] = projects.MilestoneInput{ID: m.ID, Name: m.Name, Planned: m.PlannedOn}
			if stop || m.PlannedOn.IsZero() {
				continue
			}
			if dp.redNode && m.PlannedOn.Before(today.AddDays(-10)) && m.PlannedOn.After(today.AddDays(-90)) {
				stop = true // this node is overdue: red
				continue
			}
			actual := m.PlannedOn.AddDays(rng.IntN(12) - 4)
			if dp.p.Name == DemoLaggingProject && actual.After(today) {
				actual = today
			}
			if !actual.After(today) && m.PlannedOn.Before(today) {
				ms[i].Actual = actual
			}
		}
		if dp.p.Name == DemoLaggingProject { // its plan is on time; only the money lags
			for i := range ms {
				if ms[i].Actual.IsZero() && !ms[i].Planned.IsZero() && !ms[i].Planned.After(today.AddDays(10)) {
					ms[i].Planned = today.AddDays(30 + 20*i)
				}
			}
		}
		if _, err := sim.Projects.SaveMilestones(ctx, sys, dp.p.ID, ms); err != nil {
			return fmt.Errorf("demo milestones %s: %w", dp.p.Name, err)
		}
		phase := projects.PhasePrep
		switch {
		case !ms[8].Actual.IsZero():
			phase = projects.PhaseProducing
		case !ms[7].Actual.IsZero():
			phase = projects.PhaseCompleted
		case !ms[4].Actual.IsZero() && ms[4].Actual.Year() == today.Year():
			phase = projects.PhaseNew
		case !ms[4].Actual.IsZero():
			phase = projects.PhaseContinued
		}
		if _, err := sim.Projects.Update(ctx, sys, dp.p.ID, projects.Input{Phase: &phase}); err != nil {
			return err
		}
	}
	// Some coordination items answered by the leaders.
	items, err := sim.Projects.ListCoordination(ctx, sys, "open", false, 0)
	if err != nil {
		return err
	}
	for i, c := range items {
		if i%2 == 1 {
			continue
		}
		if _, err := sim.Projects.AnswerCoordination(ctx, sys, c.ID, "已召集相关部门现场办公，明确责任单位和完成时限，正在推进。"); err != nil {
			return err
		}
	}
	_ = leaderNames
	_, err = sim.Projects.RecomputeAll(ctx, sys)
	return err
}

// reporterFor is the town's staff (the system when a town has none).
func reporterFor(ctx context.Context, sim *app.App, username string) (*auth.Actor, error) {
	if username == "" {
		return auth.System("demo"), nil
	}
	return sim.Account.ActorFor(ctx, username)
}

func progressWords(rng *rand.Rand, m calendar.Date, dp *demoProject) string {
	switch {
	case dp.start.After(m.LastOfMonth()):
		return []string{"开展前期工作，办理用地和规划手续。", "完成可研批复，推进施工图设计。", "落实建设用地，开展施工招标。"}[rng.IntN(3)]
	case dp.factor < 0.7:
		return []string{"施工队伍进场不足，基础工程推进缓慢。", "受资金影响，主体施工进度滞后。"}[rng.IntN(2)]
	}
	return []string{"主体结构施工中，完成计划工程量。", "厂房主体封顶，开展内部装修。", "设备基础施工完成，部分设备进场安装。",
		"道路和管网同步施工，形象进度符合计划。", "钢结构吊装完成，屋面施工中。"}[rng.IntN(5)]
}

// demoSitePhoto is a generated site photo as a JPEG whose EXIF says when
// and where it was taken.
func demoSitePhoto(rng *rand.Rand, pct int, taken time.Time, lat, lng float64) ([]byte, error) {
	img, err := png.Decode(bytes.NewReader(sitePhoto(rng, pct)))
	if err != nil {
		return nil, err
	}
	return exif.JPEGWithExif(img, exif.Info{Taken: taken.In(clock.Shanghai), HasTime: true, Lat: lat, Lon: lng, HasGPS: true})
}
