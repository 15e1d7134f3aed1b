package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"diaodu/internal/app"
	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/calendar"
	"diaodu/internal/platform/httpx"
	"diaodu/internal/registry"
	"diaodu/internal/safety"
)

// safetyTrade is one work-safety industry of the demo: its supervising
// department, how its enterprises and places are named, and its checklist
// (each item with what a failed check found and the measure ordered).
type safetyTrade struct {
	industry, dept string
	place          bool // places (internal codes) rather than enterprises
	names          []string
	checks         [][3]string
}

var safetyTrades = []safetyTrade{
	{"transport", "区交通运输局", false, []string{"客运有限公司", "汽车客运站", "危险货物运输有限公司", "物流有限公司", "公交有限公司", "旅游客运有限公司"}, [][3]string{
		{"“两客一危”车辆动态监控是否在线", "3辆客车动态监控装置离线", "修复车载终端，落实动态监控专人值守"},
		{"驾驶员是否存在超速、疲劳驾驶", "驾驶员连续驾驶超4小时未纠正", "调整排班，落实驾驶员休息制度"},
		{"车辆年审、二级维护是否按期", "2辆危货车辆二级维护逾期", "立即安排维护，逾期车辆停运"},
		{"客运站“三不进站、六不出站”是否落实", "安检仪故障未及时修复", "修复安检仪并增设人工检查"}}},
	{"tourism", "区文化和旅游局", true, []string{"风景区", "游乐园", "玻璃栈道景区", "漂流景区", "森林公园"}, [][3]string{
		{"游乐设施是否定期检验并有检验合格标志", "大型游乐设施检验合格证过期", "报特种设备检验机构检验，未检前停用"},
		{"景区最大承载量及限流措施是否落实", "未制定节假日限流方案", "制定最大承载量控制方案并公示"},
		{"临水临崖处防护栏和警示标志是否完好", "观景台护栏松动", "加固护栏，设置警示标志"},
		{"应急救援队伍和装备是否配备", "救生衣数量不足", "补足救生器材，组织应急演练"}}},
	{"crowded", "区市场监督管理局", true, []string{"农贸市场", "购物中心", "汽车站候车厅", "城市公园", "超市", "影剧院"}, [][3]string{
		{"安全出口、疏散通道是否畅通", "疏散通道堆放货物", "立即清理，落实每日巡查"},
		{"消防设施器材是否完好有效", "部分灭火器压力不足", "更换灭火器，建立检查台账"},
		{"电气线路是否规范敷设", "摊位私拉乱接电线", "由电工重新敷设线路并加装漏电保护"},
		{"大客流应急预案是否制定并演练", "未开展大客流疏散演练", "年内组织一次疏散演练"}}},
	{"hazchem", "区应急管理局", false, []string{"加油站", "化工有限公司", "气体有限公司", "化学品经营部"}, [][3]string{
		{"储罐区防火堤、围堰是否完好", "防火堤有裂缝", "修补防火堤并做闭水试验"},
		{"可燃有毒气体检测报警装置是否有效", "2处可燃气体报警器失效", "更换报警器并接入集中监控"},
		{"动火等特殊作业是否办理作业票", "动火作业未办理作业票", "停止作业，补办审批，开展培训"},
		{"重大危险源包保责任人是否落实", "包保责任人未履职记录", "落实包保责任制并按期检查"}}},
	{"construction", "区住房和城乡建设局", false, []string{"建筑工程有限公司", "建设集团项目部", "市政工程有限公司"}, [][3]string{
		{"深基坑支护及监测是否符合方案", "基坑监测数据未按时报送", "落实第三方监测，每日报送数据"},
		{"脚手架、高处作业防护是否到位", "外架连墙件缺失", "按方案补设连墙件，验收后使用"},
		{"塔吊等起重机械是否检验登记", "塔吊限位装置失灵", "停用整改，检验合格后恢复"},
		{"施工现场临时用电是否规范", "配电箱未接地", "重新接地并设置漏电保护"}}},
	{"special_equipment", "区市场监督管理局", true, []string{"住宅小区电梯", "医院电梯", "锅炉房", "商场自动扶梯"}, [][3]string{
		{"特种设备是否在检验有效期内", "2台电梯定期检验过期", "联系检验机构检验，期间停用"},
		{"维护保养是否按期进行", "维保记录缺失", "督促维保单位补做维保并规范记录"},
		{"作业人员是否持证上岗", "锅炉工无证上岗", "安排持证人员上岗，组织培训取证"}}},
	{"gas", "区住房和城乡建设局", true, []string{"液化气供应站", "燃气公司门站", "餐饮店燃气"}, [][3]string{
		{"燃气管道、阀门是否泄漏", "调压箱阀门漏气", "更换阀门并检测"},
		{"用户端是否安装燃气泄漏报警和切断装置", "餐饮用户未安装报警器", "限期安装报警和自动切断装置"},
		{"气瓶是否超期未检", "发现3只超期气瓶", "超期气瓶退出使用，送检或报废"}}},
	{"industry_trade", "区应急管理局", false, []string{"粉末冶金有限公司", "木制品加工厂", "铸造有限公司", "食品冷库"}, [][3]string{
		{"粉尘涉爆场所除尘系统是否规范", "除尘器未设泄爆装置", "加装泄爆装置，定期清扫积尘"},
		{"有限空间作业是否审批并检测", "有限空间未设警示标识", "设置警示标识，作业前检测"},
		{"涉氨制冷是否有泄漏报警", "氨气报警器未联动", "调试报警联动，完善应急处置"}}},
	{"fireworks", "区应急管理局", true, []string{"烟花爆竹零售点"}, [][3]string{
		{"是否持证经营、超量储存", "超量储存烟花爆竹", "清理超量产品，依法处理"},
		{"与居民住宅安全距离是否符合", "零售点设在居民楼下", "停止经营，另选址"}}},
}

var commonChecks = [][3]string{
	{"安全生产责任制和规章制度是否健全", "安全生产责任制未更新", "修订全员安全生产责任制"},
	{"从业人员安全培训教育是否到位", "新员工未进行三级安全教育", "组织补训并建立培训档案"},
}

// Safety fills the demo district's work safety: about 320 more enterprises
// and places across the safety industries (with the registry's 80, about
// 400), the key-period setting, one pre-holiday campaign (元旦) with its
// checklists, and its history loaded in bulk — inspections, about 300
// hazards in every status (a few major, one under listed supervision), an
// extension request and a suspension order.
func Safety(ctx context.Context, served *app.App) error {
	sys := auth.System("demo")
	rng := rand.New(rand.NewPCG(2026, 16))
	now := served.Clock.Now()
	today := calendar.DateOf(now)
	reg := served.Registry

	// 特种设备 is a work-safety industry the registry's default list lacks.
	inds, err := reg.Industries(ctx)
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(inds, func(i registry.Industry) bool { return i.Code == "special_equipment" }) {
		if _, err := reg.PutIndustries(ctx, sys, append(inds, registry.Industry{Code: "special_equipment", Name: "特种设备"})); err != nil {
			return err
		}
	}
	type unit struct {
		id         int64
		name, path string
	}
	var towns []unit
	depts := map[string]int64{}
	rows, err := served.DB.R.QueryContext(ctx, `SELECT id, name, path, kind FROM units WHERE kind IN ('town', 'department') ORDER BY sort_order, id`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var u unit
		var kind string
		if err := rows.Scan(&u.id, &u.name, &u.path, &kind); err != nil {
			rows.Close()
			return err
		}
		if kind == "town" {
			towns = append(towns, u)
		} else if _, ok := depts[u.name]; !ok {
			depts[u.name] = u.id
		}
	}
	rows.Close()
	if len(towns) == 0 {
		return nil
	}
	person := func() string {
		return string(surnames[rng.IntN(len(surnames))]) + string(givenChars[rng.IntN(len(givenChars))]) +
			string(givenChars[rng.IntN(len(givenChars))])
	}

	// Enterprises and places: 27 a town, the trades in turn.
	var ins []registry.EnterpriseInput
	used := map[string]bool{}
	for ti, town := range towns {
		short := strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(town.name, "街道"), "镇"), "乡")
		for k := 0; k < 27; k++ {
			tr := safetyTrades[(ti+k)%len(safetyTrades)]
			base := tr.names[rng.IntN(len(tr.names))]
			name := short + base
			for n := 2; used[name]; n++ {
				name = fmt.Sprintf("%s第%d%s", short, n, base)
			}
			used[name] = true
			in := registry.EnterpriseInput{Name: ptrOf(name), Industry: ptrOf(tr.industry), TownID: ptrOf(town.id),
				SupervisingUnitID: ptrOf(depts[tr.dept]), Address: ptrOf(fmt.Sprintf("%s%s%d号", town.name, []string{"大道", "路", "街", "工业园区"}[rng.IntN(4)], 1+rng.IntN(300))),
				ContactName: ptrOf(person()), ContactPhone: ptrOf(fmt.Sprintf("1%d%09d", 3+rng.IntN(7), rng.IntN(1_000_000_000))),
				RiskLevel: ptrOf([]string{"low", "medium", "medium", "high", "major"}[rng.IntN(5)])}
			if tr.place {
				in.Kind = ptrOf(registry.KindPlace)
			} else {
				in.Kind, in.CreditCode, in.LegalPerson = ptrOf(registry.KindEnterprise), ptrOf(demoCreditCode(rng)), ptrOf(person())
			}
			ins = append(ins, in)
		}
	}
	if err := served.Audit.Write(ctx, sys, func(w *audit.W) error {
		for _, in := range ins {
			if _, _, err := reg.EnsureByCreditCode(ctx, w, sys, in); err != nil {
				return fmt.Errorf("enterprise %s: %w", *in.Name, err)
			}
		}
		return w.Record(audit.Entry{Action: "demo.safety", ObjectType: "enterprise", Summary: fmt.Sprintf("演示数据：安全生产企业和场所 %d 家", len(ins))})
	}); err != nil {
		return err
	}

	// Settings: the holiday period puts transport, tourism and crowded places first.
	var templates []safety.Checklist
	templates = append(templates, safety.Checklist{Industry: "", Items: itemsOf(commonChecks)})
	for _, tr := range safetyTrades {
		templates = append(templates, safety.Checklist{Industry: tr.industry, Items: itemsOf(tr.checks)})
	}
	if _, err := served.Safety.PutSettings(ctx, sys, safety.Settings{KeyPeriod: safety.KeyPeriod{Name: "元旦春节期间",
		From: today.AddDays(-7), To: today.AddDays(95), Industries: safety.DefaultKeyIndustries}, EscalateAfterDays: 5, DefaultDeadline: 10,
		ChecklistTemplates: templates}); err != nil {
		return err
	}
	industries := []string{}
	for _, tr := range safetyTrades {
		industries = append(industries, tr.industry)
	}
	camp, err := served.Safety.CreateCampaign(ctx, sys, safety.CampaignInput{Name: ptrOf(fmt.Sprintf("%d年元旦前安全生产大排查大整治专项行动", today.Year()+1)),
		StartsOn: ptrOf(today.AddDays(-20)), EndsOn: ptrOf(today.AddDays(35)), Industries: &industries, Checklists: &templates,
		Description: ptrOf("各镇街、各行业主管部门对辖区内道路运输、旅游景区、人员密集场所等重点行业领域开展全覆盖排查，隐患做到定人、定责、定时整改销号。")})
	if err != nil {
		return err
	}
	return safetyHistory(ctx, served, rng, camp, person)
}

func itemsOf(checks [][3]string) []safety.ChecklistItemText {
	out := make([]safety.ChecklistItemText, len(checks))
	for i, c := range checks {
		out[i] = safety.ChecklistItemText{Text: c[0]}
	}
	return out
}

// safetyHistory loads the campaign's three weeks in bulk: the workflow
// cannot backdate, so rows go in with CopyFrom and one audit entry each.
func safetyHistory(ctx context.Context, served *app.App, rng *rand.Rand, camp *safety.Campaign, person func() string) error {
	sys := auth.System("demo")
	now := served.Clock.Now()
	today := calendar.DateOf(now)
	ents, _, err := served.Registry.ListEnterprises(ctx, sys, registry.EnterpriseFilter{}, httpx.Page{Page: 1})
	if err != nil {
		return err
	}
	checks := map[string][3]string{}
	for _, c := range commonChecks {
		checks[c[0]] = c
	}
	for _, tr := range safetyTrades {
		for _, c := range tr.checks {
			checks[c[0]] = c
		}
	}
	type item struct {
		id       int64
		industry string
		check    [3]string
	}
	var items []item
	rows, err := served.DB.R.QueryContext(ctx, `SELECT id, industry, text FROM safety_checklist_items WHERE campaign_id = $1 ORDER BY id`, camp.ID)
	if err != nil {
		return err
	}
	for rows.Next() {
		var it item
		var text string
		if err := rows.Scan(&it.id, &it.industry, &text); err != nil {
			rows.Close()
			return err
		}
		it.check = checks[text]
		items = append(items, it)
	}
	rows.Close()
	// Town staff report fixes, town admins verify them.
	staff, admins := map[int64]int64{}, map[int64]int64{}
	urows, err := served.DB.R.QueryContext(ctx, `SELECT u.id, u.unit_id, u.roles FROM users u JOIN units t ON t.id = u.unit_id WHERE t.kind = 'town'`)
	if err != nil {
		return err
	}
	for urows.Next() {
		var id, unit int64
		var roles string
		if err := urows.Scan(&id, &unit, &roles); err != nil {
			urows.Close()
			return err
		}
		if strings.Contains(roles, "staff") {
			staff[unit] = id
		} else if strings.Contains(roles, "unit_admin") {
			admins[unit] = id
		}
	}
	urows.Close()

	var targets []*registry.Enterprise
	for _, e := range ents {
		if slices.Contains(camp.Industries, e.Industry) {
			targets = append(targets, e)
		}
	}
	rng.Shuffle(len(targets), func(i, j int) { targets[i], targets[j] = targets[j], targets[i] })
	err = served.Audit.Write(ctx, sys, func(w *audit.W) error {
		nIns := len(targets) * 8 / 10
		insIDs, err := w.NextIDs(ctx, "safety_inspections", nIns)
		if err != nil {
			return err
		}
		var insRows, answers [][]any
		var seeds []safety.Seed
		var seedItem []int // answers row index per seed
		var entries []audit.Entry
		for i := 0; i < nIns; i++ {
			e := targets[i]
			on := today.AddDays(-1 - rng.IntN(19))
			names := person() + "、" + person()
			var pass, fail, na int
			want := []int{0, 0, 1, 1, 1, 1, 2, 2, 2, 3}[rng.IntN(10)]
			for _, it := range items {
				if it.industry != "" && it.industry != e.Industry {
					continue
				}
				result := "pass"
				switch {
				case want > 0 && rng.IntN(2) == 0:
					result, want = "fail", want-1
				case rng.IntN(12) == 0:
					result = "na"
				}
				note := ""
				switch result {
				case "pass":
					pass++
				case "na":
					na++
				case "fail":
					fail++
					note = it.check[1]
					seeds = append(seeds, safety.Seed{Enterprise: e, CampaignID: camp.ID, InspectionID: insIDs[i],
						Description: it.check[0] + "：" + it.check[1], Level: safety.LevelGeneral, FoundOn: on, FoundBy: names,
						Responsible: person(), Measures: it.check[2], Deadline: on.AddDays(7 + rng.IntN(14)),
						Funds: float64(rng.IntN(50)) / 10})
					seedItem = append(seedItem, len(answers))
				}
				answers = append(answers, []any{insIDs[i], it.id, result, note, nil})
			}
			insRows = append(insRows, []any{insIDs[i], camp.ID, e.ID, e.TownPath, e.SupervisingPath, on.String(), names,
				"", pass, fail, na, on.At(10, 30)})
			entries = append(entries, audit.Entry{Action: "safety.inspection.create", ObjectType: "safety_inspection",
				ObjectID: fmt.Sprint(insIDs[i]), UnitID: e.TownID, Summary: fmt.Sprintf("示范数据：检查%s，不符合%d项", e.Name, fail)})
		}
		// Statuses: about 45% closed, 10% waiting for verification, 25%
		// rectifying, 20% pending; a few major (with plans), one listed.
		var events [][]any
		listed, suspendedAt := -1, -1
		for k := range seeds {
			s := &seeds[k]
			r := rng.IntN(100)
			switch {
			case r < 45:
				s.Status = safety.StatusClosed
			case r < 55:
				s.Status = safety.StatusVerifying
			case r < 80:
				s.Status = safety.StatusRectifying
			default:
				s.Status = safety.StatusPending
			}
			heavy := s.Enterprise.Industry == "hazchem" || s.Enterprise.Industry == "construction" || s.Enterprise.Industry == "gas" ||
				s.Enterprise.Industry == "fireworks"
			if heavy && rng.IntN(14) == 0 {
				s.Level = safety.LevelMajor
				s.Deadline = s.FoundOn.AddDays(30)
				if s.Status == safety.StatusPending {
					s.Status = safety.StatusRectifying
				}
				s.Plan = &safety.PlanInput{Goals: "彻底消除" + s.Description, Measures: s.Measures, Resources: "企业自筹整改资金，物资已采购",
					People: "企业主要负责人牵头，安全管理部门具体实施", TimeLimits: "30日内完成整改并申请验收", SafetySteps: "整改期间停用相关设施，设置警戒区",
					Emergency: "启动企业现场处置方案，配备应急器材"}
				if listed < 0 && s.Status == safety.StatusRectifying {
					listed, s.NoticeNumber = k, fmt.Sprintf("安督〔%d〕1号", today.Year())
				} else if suspendedAt < 0 && s.Status == safety.StatusRectifying {
					suspendedAt = k
				}
			}
			town := s.Enterprise.TownID
			at := s.FoundOn.At(10, 0)
			events = append(events, []any{0, "create", "发现" + safety.Levels[s.Level] + "隐患，整改期限" + s.Deadline.String(), s.Description, nil, at})
			if s.Status != safety.StatusPending {
				events = append(events, []any{0, "start", "开始整改", "", idOrNil(staff[town]), at.Add(24 * time.Hour)})
			}
			if s.Status == safety.StatusVerifying || s.Status == safety.StatusClosed {
				s.SubmittedBy = staff[town]
				events = append(events, []any{0, "submit", "整改完成，申请验收", "已按要求整改完毕", idOrNil(staff[town]), at.Add(72 * time.Hour)})
			}
			if s.Status == safety.StatusClosed {
				done := s.FoundOn.AddDays(4 + rng.IntN(6))
				if !done.Before(today) {
					done = today.AddDays(-1)
				}
				if rng.IntN(8) == 0 {
					s.Rejections = 1
					events = append(events, []any{0, "fail", "验收不通过，退回整改", "整改不彻底", idOrNil(admins[town]), at.Add(96 * time.Hour)})
				}
				s.VerifiedBy, s.ClosedAt = admins[town], done.At(16, 0)
				events = append(events, []any{0, "pass", "验收通过，销号", "验收合格", idOrNil(admins[town]), s.ClosedAt})
			}
		}
		if _, err := w.CopyFrom(ctx, "safety_inspections", []string{"id", "campaign_id", "enterprise_id", "town_path", "supervising_path",
			"inspected_on", "inspectors", "note", "passed", "failed", "na", "created_at"}, insRows); err != nil {
			return err
		}
		ids, err := safety.CopyHazards(ctx, w, seeds)
		if err != nil {
			return err
		}
		hazardOf := map[int]int64{}
		for k, id := range ids {
			answers[seedItem[k]][4] = id
			hazardOf[k] = id
			entries = append(entries, audit.Entry{Action: "safety.hazard.create", ObjectType: "safety_hazard", ObjectID: fmt.Sprint(id),
				UnitID: seeds[k].Enterprise.TownID, Summary: "示范数据：登记隐患：" + seeds[k].Enterprise.Name})
		}
		// Events name their hazard in the order they were made.
		k := -1
		for _, ev := range events {
			if ev[1] == "create" {
				k++
			}
			ev[0] = ids[k]
		}
		if _, err := w.CopyFrom(ctx, "safety_answers", []string{"inspection_id", "item_id", "result", "note", "hazard_id"}, answers); err != nil {
			return err
		}
		if err := safety.CopyEvents(ctx, w, events); err != nil {
			return err
		}
		if listed >= 0 {
			if _, err := w.ExecContext(ctx, `INSERT INTO safety_notice_seq (year, last) VALUES ($1, 1)`, today.Year()); err != nil {
				return err
			}
			if err := safety.CopyEvents(ctx, w, [][]any{{ids[listed], "supervise", "挂牌督办，督办编号" + seeds[listed].NoticeNumber,
				"由区安委办挂牌督办，限期整改到位", nil, now.Add(-48 * time.Hour)}}); err != nil {
				return err
			}
		}
		if suspendedAt >= 0 {
			s := seeds[suspendedAt]
			if _, err := w.ExecContext(ctx, `INSERT INTO safety_suspensions (enterprise_id, town_path, supervising_path, hazard_id, doc_number,
				reasons, starts_on, ends_on, status, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'active', $9, $9)`,
				s.Enterprise.ID, s.Enterprise.TownPath, s.Enterprise.SupervisingPath, ids[suspendedAt],
				fmt.Sprintf("（示）应急责停〔%d〕3号", today.Year()), "存在重大事故隐患（"+s.Description+"），责令停产停业整顿",
				s.FoundOn.AddDays(1).String(), s.FoundOn.AddDays(31).String(), now); err != nil {
				return err
			}
		}
		// One extension request waiting for the supervision office.
		for k, s := range seeds {
			if s.Status == safety.StatusRectifying && s.Level == safety.LevelGeneral && !s.Deadline.Before(today) {
				if _, err := w.ExecContext(ctx, `INSERT INTO safety_extensions (hazard_id, old_deadline, new_deadline, reason, requested_by, requested_at)
					VALUES ($1, $2, $3, $4, $5, $6)`, hazardOf[k], s.Deadline.String(), s.Deadline.AddDays(10).String(),
					"整改所需设备需外地采购，到货时间延后", idOrNil(staff[s.Enterprise.TownID]), now.Add(-3*time.Hour)); err != nil {
					return err
				}
				break
			}
		}
		// 三客一危 vehicles, rides, special equipment and capacity where they apply.
		var profiles [][]any
		for _, e := range ents {
			var p [7]int
			switch e.Industry {
			case "transport":
				p = [7]int{rng.IntN(30), rng.IntN(20), rng.IntN(15), rng.IntN(25), 0, 0, 0}
			case "tourism":
				p = [7]int{0, 0, 0, 0, rng.IntN(8), rng.IntN(4), 500 * (2 + rng.IntN(20))}
			case "crowded":
				p = [7]int{0, 0, 0, 0, 0, rng.IntN(10), 200 * (2 + rng.IntN(30))}
			case "special_equipment":
				p = [7]int{0, 0, 0, 0, 0, 2 + rng.IntN(40), 0}
			default:
				continue
			}
			profiles = append(profiles, []any{e.ID, p[0], p[1], p[2], p[3], p[4], p[5], p[6], "", now})
		}
		if _, err := w.CopyFrom(ctx, "safety_profiles", []string{"enterprise_id", "passenger_buses", "charter_buses", "rural_buses",
			"hazmat_trucks", "rides", "special_equipment", "max_visitors", "note", "updated_at"}, profiles); err != nil {
			return err
		}
		return w.RecordMany(entries)
	})
	return err
}

func idOrNil(id int64) any { return nullIDOf(id) }
