package invest_test

import (
	"testing"

	"diaodu/internal/invest"
	"diaodu/internal/platform/calendar"
	"diaodu/internal/platform/db"
	"diaodu/internal/platform/errs"
	"diaodu/internal/testutil"
)

func TestLeadFromClueToProject(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ac := e.as("zb1_admin")
		l := e.lead(t)
		if l.Stage != invest.StageClue || l.Light != invest.LightGreen || len(l.Events) != 1 {
			t.Fatalf("new lead: %+v", l.Lead)
		}
		if l.ContactPhone != "13812345678" {
			t.Fatalf("unit admin sees the phone: %q", l.ContactPhone)
		}
		for _, st := range []string{invest.StageContact, invest.StageVisit, "洽谈"} {
			e.advance(1)
			if _, err := e.s.Move(e.ctx, ac, l.ID, invest.MoveInput{Stage: st, Note: "推进"}); err != nil {
				t.Fatalf("move to %s: %v", st, err)
			}
		}
		// Converting before signing is refused.
		_, err := e.s.Convert(e.ctx, ac, l.ID, invest.ConvertInput{TargetStartOn: e.day(120)})
		wantCode(t, err, errs.Conflict)
		e.advance(1)
		got, err := e.s.Move(e.ctx, ac, l.ID, invest.MoveInput{Stage: invest.StageSigned})
		if err != nil {
			t.Fatal(err)
		}
		if !got.SignedOn.Equal(e.day(0)) || got.Stage != invest.StageSigned {
			t.Fatalf("signed: %+v", got.Lead)
		}
		// Backwards without a reason: refused, nothing changed.
		_, err = e.s.Move(e.ctx, ac, l.ID, invest.MoveInput{Stage: invest.StageNegotiate})
		wantField(t, err, "reason")
		got, _ = e.s.Detail(e.ctx, ac, l.ID)
		if got.Stage != invest.StageSigned {
			t.Fatalf("stage changed by a refused move: %s", got.Stage)
		}
		// With a reason: back, and the signing no longer counts.
		got, err = e.s.Move(e.ctx, ac, l.ID, invest.MoveInput{Stage: invest.StageNegotiate, Reason: "协议条款需重新谈判"})
		if err != nil {
			t.Fatal(err)
		}
		if !got.SignedOn.IsZero() || got.Events[len(got.Events)-1].Reason != "协议条款需重新谈判" {
			t.Fatalf("back to negotiation: %+v", got.Lead)
		}
		e.advance(1)
		if _, err := e.s.Move(e.ctx, ac, l.ID, invest.MoveInput{Stage: invest.StageSigned}); err != nil {
			t.Fatal(err)
		}
		// Converting: a project with the reverse schedule, linked both ways.
		start := calendar.MustDate("2027-03-01") // a Monday
		res, err := e.s.Convert(e.ctx, ac, l.ID, invest.ConvertInput{TargetStartOn: start})
		if err != nil {
			t.Fatalf("convert: %v", err)
		}
		if res.ProjectID == 0 || res.Lead.ProjectID == nil || *res.Lead.ProjectID != res.ProjectID || res.Lead.Light != invest.LightNone {
			t.Fatalf("converted: %+v", res)
		}
		if n := e.f.Count(t, `SELECT COUNT(*) FROM projects WHERE id = $1 AND lead_id = $2 AND total_investment = 200000000`, res.ProjectID, l.ID); n != 1 {
			t.Fatal("project not linked to the lead")
		}
		cal := e.f.App.Calendar
		plan := res.Lead.Plan
		if len(plan) != len(invest.DefaultSettings.Schedule) {
			t.Fatalf("plan: %+v", plan)
		}
		for i, n := range invest.DefaultSettings.Schedule {
			want := cal.AddWorkdays(start, n.OffsetDays)
			if plan[i].Name != n.Name || !plan[i].PlannedOn.Equal(want) {
				t.Fatalf("node %s: planned %s, want %s", n.Name, plan[i].PlannedOn, want)
			}
			if n := e.f.Count(t, `SELECT COUNT(*) FROM project_milestones WHERE project_id = $1 AND name = $2 AND planned_on = $3`,
				res.ProjectID, n.Name, want.String()); n != 1 {
				t.Fatalf("project milestone %s not planned on %s", plan[i].Name, want)
			}
		}
		if cal.WorkdaysBetween(plan[0].PlannedOn, start) != 60 {
			t.Fatalf("立项 is not 60 working days before the start: %s", plan[0].PlannedOn)
		}
		// Once only.
		_, err = e.s.Convert(e.ctx, ac, l.ID, invest.ConvertInput{TargetStartOn: start})
		wantCode(t, err, errs.Conflict)
		if n := e.f.Count(t, `SELECT COUNT(*) FROM projects WHERE lead_id = $1`, l.ID); n != 1 {
			t.Fatalf("%d projects for the lead", n)
		}
		// A converted lead cannot go back before signing.
		_, err = e.s.Move(e.ctx, ac, l.ID, invest.MoveInput{Stage: invest.StageNegotiate, Reason: "x"})
		wantField(t, err, "stage")
		// The roadmap: stage history and the timetable, seen from the
		// project's town too (qs_admin does not see ZB1's leads).
		if _, err := e.s.Detail(e.ctx, e.as("qs_admin"), l.ID); !errs.Is(err, errs.NotFound) {
			t.Fatalf("town reads the team's lead: %v", err)
		}
		rm, err := e.s.Roadmap(e.ctx, e.as("qs_admin"), l.ID)
		if err != nil {
			t.Fatalf("roadmap from the town: %v", err)
		}
		if len(rm.Plan) != len(plan) || rm.Lead.ContactPhone == "13812345678" || len(rm.Events) < 7 {
			t.Fatalf("roadmap: %+v", rm)
		}
		if _, err := e.s.Roadmap(e.ctx, e.as("lx_admin"), l.ID); !errs.Is(err, errs.NotFound) {
			t.Fatalf("another town reads the roadmap: %v", err)
		}
		// Started and produced later on.
		e.advance(1)
		for _, st := range []string{invest.StageRegistered, invest.StageStarted, invest.StageProducing} {
			if _, err := e.s.Move(e.ctx, ac, l.ID, invest.MoveInput{Stage: st}); err != nil {
				t.Fatal(err)
			}
		}
		got, _ = e.s.Detail(e.ctx, ac, l.ID)
		if got.StartedOn.IsZero() || got.Light != invest.LightNone {
			t.Fatalf("produced: %+v", got.Lead)
		}
	})
}

func TestIdleLightsAndReminders(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		l := e.lead(t) // Thursday 2026-11-26, at 线索: respond within 1 working day
		sys := e.as("admin")
		light := func() (string, string) {
			got, err := e.s.Detail(e.ctx, e.as("zb1_admin"), l.ID)
			if err != nil {
				t.Fatal(err)
			}
			return got.Light, got.LightReason
		}
		e.advance(1) // Friday: 1 working day idle
		if _, err := e.s.Recompute(e.ctx, sys); err != nil {
			t.Fatal(err)
		}
		if c, _ := light(); c != invest.LightGreen {
			t.Fatalf("Friday: %s", c)
		}
		e.advance(3) // Monday: 2 working days
		if _, err := e.s.Recompute(e.ctx, sys); err != nil {
			t.Fatal(err)
		}
		if c, r := light(); c != invest.LightYellow || r == "" {
			t.Fatalf("Monday: %s %s", c, r)
		}
		e.advance(1) // Tuesday: 3 working days > 2× the limit
		if _, err := e.s.Recompute(e.ctx, sys); err != nil {
			t.Fatal(err)
		}
		if c, _ := light(); c != invest.LightRed {
			t.Fatalf("Tuesday: %s", c)
		}
		// Reminded once a day however often the job runs.
		if _, err := e.s.Recompute(e.ctx, sys); err != nil {
			t.Fatal(err)
		}
		owner := e.as("zb1_admin").UserID
		if n := e.f.Count(t, `SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND kind = 'invest.idle'`, owner); n != 2 {
			t.Fatalf("%d reminders, want 2 (Monday and Tuesday)", n)
		}
		// A note is activity: green again.
		if _, err := e.s.Note(e.ctx, e.as("zb1_admin"), l.ID, "电话沟通，对方下周来访"); err != nil {
			t.Fatal(err)
		}
		if c, _ := light(); c != invest.LightGreen {
			t.Fatalf("after a note: %s", c)
		}
		// The limits are settings.
		st, err := e.s.GetSettings(e.ctx, sys)
		if err != nil {
			t.Fatal(err)
		}
		st.IdleDays[invest.StageClue] = 0
		if _, err := e.s.PutSettings(e.ctx, sys, st); err != nil {
			t.Fatal(err)
		}
		st.RedPoints = 5
		_, err = e.s.PutSettings(e.ctx, sys, st)
		wantField(t, err, "red_points")
		// Lights stored for filtering.
		items, total, err := e.s.List(e.ctx, sys, invest.Filter{Lights: []string{invest.LightGreen}}, pageAll)
		if err != nil || total != 1 || len(items) != 1 {
			t.Fatalf("filter by light: %d %v", total, err)
		}
	})
}
