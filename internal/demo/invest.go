package demo

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"time"

	"diaodu/internal/app"
	"diaodu/internal/invest"
	"diaodu/internal/org"
	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/calendar"
	"diaodu/internal/platform/clock"
)

// InvestAdmins are the unit admins of the five investment teams (招商专班),
// zb01_admin … zb05_admin, created with the demo password.
var InvestAdmins = []string{"zb01_admin", "zb02_admin", "zb03_admin", "zb04_admin", "zb05_admin"}

var investAdminNames = []string{"郑海峰", "许文静", "唐志刚", "冯晓燕", "韩宇航"}

// Words of the demo companies' names, by chain.
var (
	companyPlaces = []string{"宁远", "华辰", "中科", "天润", "恒泰", "瑞丰", "鼎盛", "博远", "新元", "金桥", "汇通", "长青", "海川", "卓越", "宏图"}
	companyTrades = [][]string{
		{"储能科技", "锂电材料", "新能源电池", "电芯制造", "正极材料"},
		{"食品", "生态农业", "绿色食品", "冷链物流", "饮品"},
		{"智能装备", "精密机械", "数控机床", "液压科技", "机器人"},
		{"文旅发展", "康养产业", "旅游开发", "温泉度假", "文化传媒"},
		{"数据科技", "云计算", "软件", "智能科技", "算力"},
	}
	leadSources = []string{"以商招商", "展会推介", "中介招商", "驻外招商", "商协会", "上门拜访", "网络招商"}
	nextSteps   = []string{"邀请企业来区实地考察", "对接用地和规划条件", "起草投资协议", "报区招商委员会会审", "协调办理注册登记",
		"督促开展前期手续", "跟进设备采购进度", "组织专题对接会"}
)

// investStages is how many demo leads end at each stage (120 in all).
var investStages = []struct {
	stage string
	n     int
}{{invest.StageClue, 24}, {invest.StageContact, 20}, {invest.StageVisit, 18}, {invest.StageNegotiate, 17},
	{invest.StageSigned, 15}, {invest.StageRegistered, 10}, {invest.StageStarted, 10}, {invest.StageProducing, 6}}

// investAction is one step of the replay at its moment.
type investAction struct {
	at  time.Time
	seq int
	do  func(ctx context.Context) error
}

// Invest builds investment attraction on the demo district (after the key
// projects): the five teams' admins, about 120 leads in every stage with a
// history of moves over the last ten months (a few moved back with a
// reason, some idle long enough to be yellow or red), a few signed leads
// converted into key projects with their reverse schedule, targets for the
// five teams and the towns (some behind time-sequence) and the funds in
// place reported month by month. It replays on its own App whose clock it
// sets to each moment, so the history reads as it happened.
func Invest(ctx context.Context, served *app.App) error {
	now := served.Clock.Now()
	day := calendar.DateOf(now)
	rng := rand.New(rand.NewPCG(2026, 12))
	clk := &clock.Fixed{T: now.AddDate(-1, 0, 0)}
	sim, err := app.Wire(served.Cfg, served.DB, clk)
	if err != nil {
		return err
	}
	cal := sim.Calendar
	admin, err := sim.Account.ActorFor(ctx, "admin")
	if err != nil {
		return err
	}
	office, err := sim.Account.ActorFor(ctx, "ducha")
	if err != nil {
		office = admin
	}
	type unit struct {
		id   int64
		name string
	}
	load := func(q string) ([]unit, error) {
		rows, err := sim.DB.R.QueryContext(ctx, q)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		var out []unit
		for rows.Next() {
			var u unit
			if err := rows.Scan(&u.id, &u.name); err != nil {
				return nil, err
			}
			out = append(out, u)
		}
		return out, rows.Err()
	}
	teams, err := load(`SELECT id, name FROM units WHERE kind = 'taskforce' AND active ORDER BY sort_order, id`)
	if err != nil {
		return err
	}
	towns, err := load(`SELECT id, name FROM units WHERE kind = 'town' AND active ORDER BY sort_order, id`)
	if err != nil {
		return err
	}
	chains, err := load(`SELECT id, name FROM industrial_chains WHERE active ORDER BY sort_order, id`)
	if err != nil {
		return err
	}
	if len(teams) == 0 || len(towns) == 0 {
		return nil
	}

	// The teams' admins.
	admins := make([]*auth.Actor, len(teams))
	pw := Password
	var ids []int64
	for i := range teams {
		username, name, pos, roles := InvestAdmins[i%len(InvestAdmins)], investAdminNames[i%len(investAdminNames)], "专班办公室主任",
			[]string{string(auth.UnitAdmin)}
		if i >= len(InvestAdmins) {
			username = fmt.Sprintf("zb%02d_admin", i+1)
		}
		u, _, err := sim.Org.CreateUser(ctx, admin, org.UserInput{Username: &username, RealName: &name, UnitID: &teams[i].id,
			Position: &pos, Roles: &roles, Password: &pw})
		if err != nil {
			return fmt.Errorf("team admin %s: %w", username, err)
		}
		ids = append(ids, u.ID)
	}
	if err := sim.Audit.Write(ctx, admin, func(w *audit.W) error {
		for _, id := range ids {
			if _, err := w.ExecContext(ctx, `UPDATE users SET must_change_password = FALSE WHERE id = $1`, id); err != nil {
				return err
			}
		}
		return w.Record(audit.Entry{Action: "demo.invest", ObjectType: "district", ObjectID: "1", Summary: "演示：招商专班管理员账号免首次改密"})
	}); err != nil {
		return err
	}
	for i := range teams {
		if admins[i], err = sim.Account.ActorFor(ctx, InvestAdmins[i%len(InvestAdmins)]); err != nil {
			return err
		}
	}

	// The leads' histories, as actions at their moments.
	var acts []investAction
	add := func(d calendar.Date, do func(ctx context.Context) error) {
		// From 9:00 Shanghai on the day, in the order scheduled, so a lead's
		// steps on one day keep their order.
		acts = append(acts, investAction{at: d.At(9, 0).Add(time.Duration(len(acts)) * 15 * time.Second), seq: len(acts), do: do})
	}
	first := day.AddDays(-300)
	year := day.Year()
	signedThisYear := map[int64]int{}   // by team
	startedThisYear := map[int64]int{}  // by team
	townSigned := map[int64]int{}       // by town
	amountThisYear := map[int64]int64{} // by team
	n, converted := 0, 0
	for _, st := range investStages {
		for k := 0; k < st.n; k++ {
			n++
			ti := (n*7 + k) % len(teams)
			team, actor := teams[ti], admins[ti]
			var chain *int64
			if len(chains) > 0 {
				ci := ti % len(chains)
				if rng.IntN(10) == 0 {
					ci = rng.IntN(len(chains))
				}
				chain = &chains[ci].id
			}
			town := towns[rng.IntN(len(towns))]
			trades := companyTrades[ti%len(companyTrades)]
			company := fmt.Sprintf("%s%s%s有限公司", companyPlaces[(n-1)%len(companyPlaces)], trades[((n-1)/len(companyPlaces))%len(trades)],
				[]string{"", "股份"}[((n-1)/75)%2])
			// 500万 to 50亿, log-uniform; a fifth 1亿 and more.
			amount := int64(math.Round(math.Exp(math.Log(5e6)+rng.Float64()*(math.Log(5e9)-math.Log(5e6)))/1e4)) * 1e4
			quality := []string{"A", "B", "B", "C"}[rng.IntN(4)]
			final := invest.StageRank(st.stage)
			// How long it has waited since its last move, in working days:
			// most within their stage's limit, a fifth past it (yellow), some
			// past twice it (red).
			limit := max(1, invest.DefaultSettings.IdleDays[st.stage])
			var idle int
			switch p := rng.IntN(100); {
			case p < 65:
				idle = rng.IntN(limit + 1)
			case p < 85:
				idle = limit + 1 + rng.IntN(limit)
			default:
				idle = 2*limit + 1 + rng.IntN(15)
			}
			prevWorkday := func(d calendar.Date) calendar.Date { return cal.AddWorkdays(d.AddDays(1), -1) }
			last := prevWorkday(cal.AddWorkdays(day, -idle))
			if idle == 0 {
				last = prevWorkday(day)
			}
			// The moves before it, 5 to 45 days apart, within the last ten months.
			gaps := make([]int, final)
			total := 0
			for i := range gaps {
				gaps[i] = 5 + rng.IntN(41)
				total += gaps[i]
			}
			if span := int(last.Time().Sub(first.Time()).Hours() / 24); total > span {
				for i := range gaps {
					gaps[i] = max(1, gaps[i]*span/max(total, 1))
				}
			}
			dates := make([]calendar.Date, final+1)
			dates[final] = last
			for r := final; r > 0; r-- {
				dates[r-1] = prevWorkday(dates[r].AddDays(-gaps[r-1]))
			}
			created := dates[0]
			owner := actor.UserID
			in := invest.LeadInput{Company: &company, ChainID: chain, Source: ptrTo(leadSources[rng.IntN(len(leadSources))]),
				ContactName: ptrTo(personNameOf(rng)), ContactPhone: ptrTo(fmt.Sprintf("13%d%08d", 5+rng.IntN(5), rng.IntN(100_000_000))),
				PlannedAmount: &amount, Quality: &quality, TeamID: &team.id, TownID: &town.id, OwnerID: &owner,
				NextAction: ptrTo(nextSteps[rng.IntN(len(nextSteps))])}
			var leadID int64
			add(created, func(ctx context.Context) error {
				d, err := sim.Invest.Create(ctx, actor, in)
				if err != nil {
					return fmt.Errorf("lead %s: %w", company, err)
				}
				leadID = d.ID
				return nil
			})
			at := created
			back := final >= invest.StageRank(invest.StageNegotiate) && n%11 == 0
			convert := final >= invest.StageRank(invest.StageSigned) && n%3 == 0 && converted < 6
			if convert {
				converted++
			}
			for r := 1; r <= final; r++ {
				at = dates[r]
				stage, on := invest.Stages[r].Code, at
				note := fmt.Sprintf("%s：%s", invest.StageName(stage), nextSteps[(n+r)%len(nextSteps)])
				add(on, func(ctx context.Context) error {
					_, err := sim.Invest.Move(ctx, actor, leadID, invest.MoveInput{Stage: stage, Note: note})
					return err
				})
				if back && stage == invest.StageNegotiate {
					// Talks fell back to a second site visit, then resumed.
					add(on, func(ctx context.Context) error {
						_, err := sim.Invest.Move(ctx, actor, leadID, invest.MoveInput{Stage: invest.StageVisit,
							Reason: "企业对用地条件有新要求，需再次实地考察"})
						return err
					})
					add(on, func(ctx context.Context) error {
						_, err := sim.Invest.Move(ctx, actor, leadID, invest.MoveInput{Stage: invest.StageNegotiate, Note: "再次考察后恢复洽谈"})
						return err
					})
				}
				if stage == invest.StageSigned {
					if on.Year() == year {
						signedThisYear[team.id]++
						townSigned[town.id]++
						amountThisYear[team.id] += amount
					}
					if convert {
						start := on.AddDays(60 + rng.IntN(90))
						name := company[:len(company)-len("有限公司")] + "项目"
						add(on, func(ctx context.Context) error {
							_, err := sim.Invest.Convert(ctx, actor, leadID, invest.ConvertInput{Name: name, TargetStartOn: start})
							if err != nil {
								return fmt.Errorf("convert %s: %w", company, err)
							}
							return nil
						})
					}
				}
				if stage == invest.StageStarted && on.Year() == year {
					startedThisYear[team.id]++
				}
			}
			if rng.IntN(3) == 0 && final < invest.StageRank(invest.StageProducing) {
				add(at, func(ctx context.Context) error {
					_, err := sim.Invest.Note(ctx, actor, leadID, "电话回访，企业表示仍有投资意向，正在内部评估。")
					return err
				})
			}
		}
	}
	sort.SliceStable(acts, func(i, j int) bool { return acts[i].at.Before(acts[j].at) })
	for _, a := range acts {
		clk.T = a.at
		if err := a.do(ctx); err != nil {
			return err
		}
	}

	// Targets for the year: the first three teams on pace, the last two
	// behind time-sequence; towns' signed and started projects; funds in
	// place reported every month so far.
	clk.T = now.Add(-time.Hour)
	elapsed := float64(int(day.Month())-1) + float64(day.Day())/float64(day.LastOfMonth().Day())
	if elapsed < 1 {
		elapsed = 1
	}
	plan := func(actual int64, behind bool) int64 {
		f := 1.0
		if behind {
			f = 1.7
		}
		return int64(math.Ceil(float64(max(actual, 1)) * 12 / elapsed * f))
	}
	put := func(unit int64, metric string, annual int64) error {
		_, err := sim.Invest.PutTarget(ctx, office, invest.TargetInput{Year: year, UnitID: unit, Metric: metric, Annual: annual})
		return err
	}
	for i, tm := range teams {
		behind := i >= 3
		yi := int64(1e8)
		funds := int64(0)
		for m := 1; m < int(day.Month()); m++ {
			amt := int64(3000+rng.IntN(9000)) * 1e4
			if behind {
				amt /= 2
			}
			funds += amt
			if _, err := sim.Invest.PutFunds(ctx, admins[i], invest.FundsInput{UnitID: tm.id, Year: year, Month: m, Amount: amt,
				Note: "按月填报"}); err != nil {
				return fmt.Errorf("funds: %w", err)
			}
		}
		for _, t := range []struct {
			metric string
			annual int64
		}{
			{invest.MetricSignedCount, plan(int64(signedThisYear[tm.id]), behind)},
			{invest.MetricSignedAmount, (plan(amountThisYear[tm.id]/1e4, behind)/1000 + 1) * 1000 * 1e4},
			{invest.MetricBigCount, max(2, plan(int64(signedThisYear[tm.id])/3, behind))},
			{invest.MetricStartedCount, plan(int64(startedThisYear[tm.id]), behind)},
			{invest.MetricFunds, (plan(funds/yi, behind) + 1) * yi},
		} {
			if err := put(tm.id, t.metric, t.annual); err != nil {
				return fmt.Errorf("target %s %s: %w", tm.name, t.metric, err)
			}
		}
	}
	for i, tw := range towns {
		if err := put(tw.id, invest.MetricSignedCount, plan(int64(townSigned[tw.id]), i%4 == 3)); err != nil {
			return err
		}
		if err := put(tw.id, invest.MetricStartedCount, 1+int64(i%3)); err != nil {
			return err
		}
	}

	// Lights as of now, with today's reminders.
	if _, err := served.Invest.Recompute(ctx, auth.System("demo")); err != nil {
		return err
	}
	return nil
}

func ptrTo[T any](v T) *T { return &v }

// personNameOf draws a Chinese name from rng.
func personNameOf(rng *rand.Rand) string {
	return string(surnames[rng.IntN(len(surnames))]) + string(givenChars[rng.IntN(len(givenChars))]) +
		[]string{"", string(givenChars[rng.IntN(len(givenChars))])}[rng.IntN(2)]
}
