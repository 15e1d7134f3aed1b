package invest_test

import (
	"testing"

	"diaodu/internal/invest"
	"diaodu/internal/platform/calendar"
	"diaodu/internal/platform/db"
	"diaodu/internal/platform/errs"
	"diaodu/internal/testutil"
)

// Every bad input gets a clear error naming the field, and changes nothing.
func TestBadInput(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ac := e.as("zb1_admin")
		count := func() int { return e.f.Count(t, `SELECT COUNT(*) FROM invest_leads`) }
		for _, c := range []struct {
			name, field string
			mod         func(in *invest.LeadInput)
		}{
			{"negative amount", "planned_amount", func(in *invest.LeadInput) { in.PlannedAmount = ptr(int64(-1)) }},
			{"absurd amount", "planned_amount", func(in *invest.LeadInput) { in.PlannedAmount = ptr(int64(5_000_000_000_000)) }},
			{"unknown chain", "chain_id", func(in *invest.LeadInput) { in.ChainID = ptr(int64(9999)) }},
			{"unknown team", "team_id", func(in *invest.LeadInput) { in.TeamID = ptr(int64(9999)) }},
			{"village as team", "team_id", func(in *invest.LeadInput) { in.TeamID = ptr(e.unit("QS-ZJ")) }},
			{"out-of-scope team", "team_id", func(in *invest.LeadInput) { in.TeamID = ptr(e.unit("ZB2")) }},
			{"no company", "company", func(in *invest.LeadInput) { in.Company = ptr("  ") }},
			{"bad quality", "quality", func(in *invest.LeadInput) { in.Quality = ptr("D") }},
			{"town not a town", "town_id", func(in *invest.LeadInput) { in.TownID = ptr(e.unit("FGJ")) }},
			{"unknown owner", "owner_id", func(in *invest.LeadInput) { in.OwnerID = ptr(int64(9999)) }},
			{"unknown stage", "stage", func(in *invest.LeadInput) { in.Stage = ptr("谈恋爱") }},
			{"stage in the future", "stage_on", func(in *invest.LeadInput) { in.StageOn = ptr(e.day(3)) }},
		} {
			_, err := e.s.Create(e.ctx, ac, e.input(c.mod))
			if err == nil {
				t.Fatalf("%s: accepted", c.name)
			}
			wantField(t, err, c.field)
			if n := count(); n != 0 {
				t.Fatalf("%s: %d leads written", c.name, n)
			}
		}
		l := e.lead(t)
		// Edits: the same rules; the stage only by a move.
		_, err := e.s.Update(e.ctx, ac, l.ID, invest.LeadInput{PlannedAmount: ptr(int64(-5))})
		wantField(t, err, "planned_amount")
		_, err = e.s.Update(e.ctx, ac, l.ID, invest.LeadInput{Stage: ptr(invest.StageSigned)})
		wantField(t, err, "stage")
		_, err = e.s.Update(e.ctx, ac, l.ID, invest.LeadInput{TeamID: ptr(e.unit("ZB2"))})
		wantField(t, err, "team_id")
		// A masked phone sent back keeps the number.
		if _, err := e.s.Update(e.ctx, ac, l.ID, invest.LeadInput{ContactPhone: ptr("138****5678"), Company: ptr("新名称有限公司")}); err != nil {
			t.Fatal(err)
		}
		if n := e.f.Count(t, `SELECT COUNT(*) FROM invest_leads WHERE contact_phone = '13812345678' AND company = '新名称有限公司'`); n != 1 {
			t.Fatal("masked phone overwrote the number")
		}
		// Moves.
		_, err = e.s.Move(e.ctx, ac, l.ID, invest.MoveInput{Stage: invest.StageClue})
		wantField(t, err, "stage")
		_, err = e.s.Move(e.ctx, ac, l.ID, invest.MoveInput{Stage: "飞升"})
		wantField(t, err, "stage")
		_, err = e.s.Move(e.ctx, ac, l.ID, invest.MoveInput{Stage: invest.StageContact, OnDay: e.day(2)})
		wantField(t, err, "on_day")
		_, err = e.s.Move(e.ctx, ac, l.ID, invest.MoveInput{Stage: invest.StageContact, OnDay: e.day(-30)})
		wantField(t, err, "on_day")
		// Conversion: twice, without a start, absurd start.
		s := e.signed(t)
		_, err = e.s.Convert(e.ctx, ac, s.ID, invest.ConvertInput{})
		wantField(t, err, "target_start_on")
		_, err = e.s.Convert(e.ctx, ac, s.ID, invest.ConvertInput{TargetStartOn: calendar.MustDate("2099-01-01")})
		wantField(t, err, "target_start_on")
		noTown := e.signed(t, func(in *invest.LeadInput) { in.TownID = nil })
		_, err = e.s.Convert(e.ctx, ac, noTown.ID, invest.ConvertInput{TargetStartOn: e.day(90)})
		wantField(t, err, "town_id")
		if _, err := e.s.Convert(e.ctx, ac, s.ID, invest.ConvertInput{TargetStartOn: e.day(90)}); err != nil {
			t.Fatal(err)
		}
		_, err = e.s.Convert(e.ctx, ac, s.ID, invest.ConvertInput{TargetStartOn: e.day(90)})
		wantCode(t, err, errs.Conflict)
		if n := e.f.Count(t, `SELECT COUNT(*) FROM projects`); n != 1 {
			t.Fatalf("%d projects", n)
		}
		// Targets and funds.
		sup := e.as("supervisor")
		for _, c := range []struct {
			field string
			in    invest.TargetInput
		}{
			{"annual", invest.TargetInput{Year: 2026, UnitID: e.unit("ZB1"), Metric: invest.MetricSignedCount, Annual: -3}},
			{"annual", invest.TargetInput{Year: 2026, UnitID: e.unit("ZB1"), Metric: invest.MetricSignedCount, Annual: 5_000_000}},
			{"metric", invest.TargetInput{Year: 2026, UnitID: e.unit("ZB1"), Metric: "happiness", Annual: 3}},
			{"year", invest.TargetInput{Year: 1999, UnitID: e.unit("ZB1"), Metric: invest.MetricSignedCount, Annual: 3}},
			{"unit_id", invest.TargetInput{Year: 2026, UnitID: 9999, Metric: invest.MetricSignedCount, Annual: 3}},
			{"months", invest.TargetInput{Year: 2026, UnitID: e.unit("ZB1"), Metric: invest.MetricSignedCount, Annual: 3, Months: []int64{1, 1}}},
			{"months", invest.TargetInput{Year: 2026, UnitID: e.unit("ZB1"), Metric: invest.MetricSignedCount, Annual: 3,
				Months: []int64{1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0}}},
		} {
			_, err := e.s.PutTarget(e.ctx, sup, c.in)
			wantField(t, err, c.field)
		}
		for _, c := range []struct {
			field string
			in    invest.FundsInput
		}{
			{"amount", invest.FundsInput{UnitID: e.unit("ZB1"), Year: 2026, Month: 10, Amount: -100}},
			{"amount", invest.FundsInput{UnitID: e.unit("ZB1"), Year: 2026, Month: 10, Amount: invest.MaxAmount + 1}},
			{"month", invest.FundsInput{UnitID: e.unit("ZB1"), Year: 2026, Month: 12, Amount: 100}},
			{"month", invest.FundsInput{UnitID: e.unit("ZB1"), Year: 2026, Month: 13, Amount: 100}},
			{"unit_id", invest.FundsInput{UnitID: e.unit("ZB2"), Year: 2026, Month: 10, Amount: 100}}, // out of scope
		} {
			_, err := e.s.PutFunds(e.ctx, ac, c.in)
			wantField(t, err, c.field)
		}
		if n := e.f.Count(t, `SELECT (SELECT COUNT(*) FROM invest_targets) + (SELECT COUNT(*) FROM invest_funds)`); n != 0 {
			t.Fatalf("%d targets or funds written", n)
		}
	})
}
