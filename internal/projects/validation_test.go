package projects_test

import (
	"testing"

	"diaodu/internal/platform/db"
	"diaodu/internal/platform/errs"
	"diaodu/internal/projects"
	"diaodu/internal/testutil"
)

// Every bad input gets a clear error naming the field, and nothing changes.
func TestCreateRejectsBadInput(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		cases := []struct {
			name, who, field string
			code             errs.Code
			mod              func(in *projects.Input)
		}{
			{"negative total", "supervisor", "total_investment", errs.Validation, func(in *projects.Input) { in.TotalInvestment = ptr(int64(-5)) }},
			{"zero total", "supervisor", "total_investment", errs.Validation, func(in *projects.Input) { in.TotalInvestment = ptr(int64(0)) }},
			{"absurd total", "supervisor", "total_investment", errs.Validation, func(in *projects.Input) { in.TotalInvestment = ptr(int64(5e15)) }},
			{"negative year plan", "supervisor", "year_plan_investment", errs.Validation, func(in *projects.Input) { in.YearPlanInvestment = ptr(int64(-1)) }},
			{"year plan above total", "supervisor", "year_plan_investment", errs.Validation, func(in *projects.Input) { in.YearPlanInvestment = ptr(int64(600_000_000)) }},
			{"month plan not 12", "supervisor", "month_plan", errs.Validation, func(in *projects.Input) { in.MonthPlan = &[]int64{1, 2, 3} }},
			{"month plan sum", "supervisor", "month_plan", errs.Validation, func(in *projects.Input) {
				in.MonthPlan = &[]int64{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}
			}},
			{"no name", "supervisor", "name", errs.Validation, func(in *projects.Input) { in.Name = ptr("  ") }},
			{"unknown town", "supervisor", "town_id", errs.Validation, func(in *projects.Input) { in.TownID = ptr(int64(99999)) }},
			{"town is a department", "supervisor", "town_id", errs.Validation, func(in *projects.Input) { in.TownID = ptr(e.unit("FGJ")) }},
			{"unknown unit", "supervisor", "unit_id", errs.Validation, func(in *projects.Input) { in.UnitID = ptr(int64(99999)) }},
			{"town out of scope", "qs_admin", "town_id", errs.Validation, func(in *projects.Input) { in.TownID = ptr(e.unit("LX")) }},
			{"unknown category", "supervisor", "category", errs.Validation, func(in *projects.Input) { in.Category = ptr("其他") }},
			{"bad phase", "supervisor", "phase", errs.Validation, func(in *projects.Input) { in.Phase = ptr("done") }},
			{"leader not a leader", "supervisor", "leader_user_id", errs.Validation, func(in *projects.Input) { in.LeaderUserID = ptr(e.as("qs_staff").UserID) }},
			{"unknown chain", "supervisor", "chain_id", errs.Validation, func(in *projects.Input) { in.ChainID = ptr(int64(424242)) }},
			{"unknown enterprise", "supervisor", "enterprise_id", errs.Validation, func(in *projects.Input) { in.EnterpriseID = ptr(int64(424242)) }},
			{"lat without lng", "supervisor", "lat", errs.Validation, func(in *projects.Input) { in.Lat = ptr(30.5) }},
			{"lat out of range", "supervisor", "lat", errs.Validation, func(in *projects.Input) { in.Lat, in.Lng = ptr(130.0), ptr(110.0) }},
			{"end before start", "supervisor", "end_on", errs.Validation, func(in *projects.Input) { in.StartOn, in.EndOn = ptr(e.day(10)), ptr(e.day(1)) }},
			{"future actual date", "supervisor", "milestones.0", errs.Validation, func(in *projects.Input) {
				in.Milestones = []projects.MilestoneInput{{Name: "开工", Actual: e.day(3)}}
			}},
			{"duplicate node", "supervisor", "milestones.1", errs.Validation, func(in *projects.Input) {
				in.Milestones = []projects.MilestoneInput{{Name: "开工"}, {Name: "开工"}}
			}},
			{"bad year", "supervisor", "years", errs.Validation, func(in *projects.Input) { in.Years = &[]int{1900} }},
			{"member without name", "supervisor", "members.0", errs.Validation, func(in *projects.Input) { in.Members = &[]projects.MemberInput{{Duty: "成员"}} }},
			{"staff may not create", "qs_staff", "", errs.Forbidden, nil},
			{"leader may not create", "leader", "", errs.Forbidden, nil},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				before, n := e.head(t), e.count(t, `SELECT COUNT(*) FROM projects`)
				in := e.input()
				if c.mod != nil {
					c.mod(&in)
				}
				_, err := e.s.Create(e.ctx, e.as(c.who), in)
				testutil.WantCode(t, err, c.code, c.field)
				if e.head(t) != before || e.count(t, `SELECT COUNT(*) FROM projects`) != n {
					t.Fatal("a refused create changed something")
				}
			})
		}
		// Duplicate code.
		p := e.project(t, func(in *projects.Input) { in.Code = ptr("XM-A1") })
		_, err := e.s.Create(e.ctx, e.as("supervisor"), e.input(func(in *projects.Input) { in.Code = ptr("XM-A1") }))
		testutil.WantCode(t, err, errs.Validation, "code")
		// A town admin creates in its own town; a department admin for its own unit anywhere.
		if _, err := e.s.Create(e.ctx, e.as("qs_admin"), e.input()); err != nil {
			t.Fatalf("qs_admin in own town: %v", err)
		}
		fgj := e.f.AddUser(t, "fgj_admin", "FGJ", "unit_admin")
		if _, err := e.s.Create(e.ctx, fgj, e.input(func(in *projects.Input) { in.UnitID = ptr(e.unit("FGJ")); in.TownID = ptr(e.unit("LX")) })); err != nil {
			t.Fatalf("department admin for its own unit: %v", err)
		}
		// Standard nodes, code, years.
		dt := e.detail(t, p.ID)
		if len(dt.Milestones) != len(projects.StandardMilestones) || dt.Milestones[0].Name != "立项" {
			t.Fatalf("standard milestones: %+v", dt.Milestones)
		}
		q := e.project(t)
		if q.Code == "" || len(q.Years) != 1 || q.Years[0] != 2026 || q.Light != projects.LightGreen {
			t.Fatalf("defaults: %+v", q)
		}
		// Update: bad patch changes nothing.
		before := e.head(t)
		_, err = e.s.Update(e.ctx, e.as("supervisor"), p.ID, projects.Input{YearPlanInvestment: ptr(int64(9e8))})
		testutil.WantCode(t, err, errs.Validation, "year_plan_investment")
		if e.head(t) != before {
			t.Fatal("refused update wrote")
		}
		up, err := e.s.Update(e.ctx, e.as("qs_admin"), p.ID, projects.Input{Phase: ptr(projects.PhaseNew), ContactPhone: ptr("138****1234")})
		if err != nil || up.Phase != projects.PhaseNew || !up.Started {
			t.Fatalf("update: %v %+v", err, up)
		}
		var phone string
		_ = d2(e, t, p.ID, &phone)
		if phone != "13800001234" {
			t.Fatalf("masked phone sent back overwrote the number: %q", phone)
		}
		// Moving the project to a town outside the actor's scope is refused.
		_, err = e.s.Update(e.ctx, e.as("qs_admin"), p.ID, projects.Input{TownID: ptr(e.unit("LX")), UnitID: ptr(e.unit("LX"))})
		testutil.WantCode(t, err, errs.Validation, "town_id")
	})
}

func d2(e *env, t *testing.T, pid int64, phone *string) error {
	return e.f.App.DB.R.QueryRowContext(e.ctx, `SELECT contact_phone FROM projects WHERE id = $1`, pid).Scan(phone)
}

func TestMilestonesAndLights(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		p := e.project(t)
		ms := e.detail(t, p.ID).Milestones
		in := make([]projects.MilestoneInput, len(ms))
		for i, m := range ms {
			in[i] = projects.MilestoneInput{ID: m.ID, Name: m.Name}
		}
		// 开工 due in 2 working days → yellow with the reason.
		in[4].Planned = e.f.App.Calendar.AddWorkdays(e.day(0), 2)
		if _, err := e.s.SaveMilestones(e.ctx, e.as("qs_admin"), p.ID, in); err != nil {
			t.Fatal(err)
		}
		g, _ := e.s.Get(e.ctx, e.as("supervisor"), p.ID)
		if g.Light != projects.LightYellow || g.LightReason == "" {
			t.Fatalf("node due soon: %s %q", g.Light, g.LightReason)
		}
		// A week later it is overdue → red.
		e.advance(7)
		if _, err := e.s.RecomputeAll(e.ctx, e.as("supervisor")); err != nil {
			t.Fatal(err)
		}
		g, _ = e.s.Get(e.ctx, e.as("supervisor"), p.ID)
		if g.Light != projects.LightRed || !contains(g.LightReason, "节点“开工”已逾期") {
			t.Fatalf("overdue node: %s %q", g.Light, g.LightReason)
		}
		// Actual in the future is refused, nothing changes.
		before := e.head(t)
		in[4].Actual = e.day(2)
		_, err := e.s.SaveMilestones(e.ctx, e.as("qs_admin"), p.ID, in)
		testutil.WantCode(t, err, errs.Validation, "milestones.4")
		if e.head(t) != before {
			t.Fatal("refused milestones wrote")
		}
		// Staff may set actual dates but not rename or replan.
		in[4].Actual = e.day(0)
		ren := append([]projects.MilestoneInput{}, in...)
		ren[0].Name = "立项批复"
		_, err = e.s.SaveMilestones(e.ctx, e.as("qs_staff"), p.ID, ren)
		testutil.WantCode(t, err, errs.Validation, "milestones.0")
		got, err := e.s.SaveMilestones(e.ctx, e.as("qs_staff"), p.ID, in)
		if err != nil || got[4].State != "done_late" {
			t.Fatalf("staff actual date: %v %+v", err, got)
		}
		g, _ = e.s.Get(e.ctx, e.as("supervisor"), p.ID)
		if g.Light != projects.LightGreen {
			t.Fatalf("after the node is done: %s %q", g.Light, g.LightReason)
		}
	})
}

func contains(s, sub string) bool {
	return len(sub) == 0 || (len(s) >= len(sub) && indexOf(s, sub) >= 0)
}

func indexOf(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}
