package projects_test

import (
	"bytes"
	"image"
	"testing"
	"time"

	"diaodu/internal/platform/clock"
	"diaodu/internal/platform/exif"

	"diaodu/internal/platform/db"
	"diaodu/internal/platform/errs"
	"diaodu/internal/projects"
	"diaodu/internal/testutil"
)

// A project lagging the time-sequence with a missing report is red; the
// month's report with photos turns it green.
func TestMonthlyReportTurnsLaggingProjectGreen(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		p := e.project(t)
		// Backdate the project to the start of the year: its reports are owed.
		if _, err := d.W.ExecContext(e.ctx, `UPDATE projects SET created_at = $1 WHERE id = $2`, e.day(-300).Start(), p.ID); err != nil {
			t.Fatal(err)
		}
		// October reported: 5000万 of the 1亿 planned by October.
		if _, err := e.s.SubmitReport(e.ctx, e.as("qs_staff"), p.ID, projects.ReportInput{Month: "2026-10", InvestMonth: ptr(int64(50_000_000)),
			ProgressText: "主体结构施工"}); err != nil {
			t.Fatal(err)
		}
		g, _ := e.s.Get(e.ctx, e.as("supervisor"), p.ID)
		if g.Light != projects.LightRed || g.Pace != projects.PaceBehind || !g.ReportMissing {
			t.Fatalf("lagging and November missing: %s %s %v %q", g.Light, g.Pace, g.ReportMissing, g.LightReason)
		}
		// The unit is reminded once per month, however often the job runs.
		if n, err := e.s.RemindMissing(e.ctx, e.f.Clock.Now()); err != nil || n != 1 {
			t.Fatalf("remind: %d %v", n, err)
		}
		sent := e.count(t, `SELECT COUNT(*) FROM notifications`)
		if _, err := e.s.RemindMissing(e.ctx, e.f.Clock.Now()); err != nil || sent == 0 || e.count(t, `SELECT COUNT(*) FROM notifications`) != sent {
			t.Fatalf("reminders: %d then %d (%v)", sent, e.count(t, `SELECT COUNT(*) FROM notifications`), err)
		}
		// Photos: a PDF is refused, a JPEG is kept.
		before := e.head(t)
		_, err := e.s.UploadPhoto(e.ctx, e.as("qs_staff"), p.ID, "进度.pdf", pdf)
		testutil.WantCode(t, err, errs.Validation, "file")
		if e.head(t) != before || e.count(t, `SELECT COUNT(*) FROM files`) != 0 {
			t.Fatal("a refused photo was stored")
		}
		ph, err := e.s.UploadPhoto(e.ctx, e.as("qs_staff"), p.ID, "现场.jpg", testutil.JPEG(t))
		if err != nil {
			t.Fatal(err)
		}
		// A photo whose EXIF says it was taken in October, at the site.
		old, err := exif.JPEGWithExif(image.NewRGBA(image.Rect(0, 0, 16, 16)), exif.Info{Taken: time.Date(2026, 10, 3, 10, 0, 0, 0, clock.Shanghai),
			HasTime: true, Lat: 24.88, Lon: 102.83, HasGPS: true})
		if err != nil {
			t.Fatal(err)
		}
		ph2, err := e.s.UploadPhoto(e.ctx, e.as("qs_staff"), p.ID, "旧照.jpg", old)
		if err != nil || ph2.TakenAt == nil || ph2.Lat == nil || *ph2.Lat < 24.87 || *ph2.Lat > 24.89 {
			t.Fatalf("exif photo: %v %+v", err, ph2)
		}
		// Cumulative going down is refused.
		before = e.head(t)
		_, err = e.s.SubmitReport(e.ctx, e.as("qs_staff"), p.ID, projects.ReportInput{Month: "2026-11", InvestMonth: ptr(int64(10)),
			InvestCum: ptr(int64(40_000_000)), ProgressText: "x"})
		testutil.WantCode(t, err, errs.Validation, "invest_cum")
		if e.head(t) != before {
			t.Fatal("refused report wrote")
		}
		r, err := e.s.SubmitReport(e.ctx, e.as("qs_staff"), p.ID, projects.ReportInput{Month: "2026-11", InvestMonth: ptr(int64(70_000_000)),
			ProgressText: "主体封顶，设备进场", PhotoIDs: []int64{ph.FileID, ph2.FileID},
			Coordination: []projects.CoordinationInput{{Question: "施工用电增容需协调供电公司"}}})
		if err != nil {
			t.Fatal(err)
		}
		if r.InvestCum != 120_000_000 || !r.Late { // due 25 November, filed the 26th
			t.Fatalf("report: %+v", r)
		}
		g, _ = e.s.Get(e.ctx, e.as("supervisor"), p.ID)
		if g.Light != projects.LightGreen || g.Pace == projects.PaceBehind || g.YearActual != 120_000_000 || g.InvestCum != 120_000_000 {
			t.Fatalf("after the report: %s %s %d %q", g.Light, g.Pace, g.YearActual, g.LightReason)
		}
		dt := e.detail(t, p.ID)
		if len(dt.Reports[0].Photos) != 2 || dt.Reports[0].Photos[0].OutsideMonth || !dt.Reports[0].Photos[1].OutsideMonth {
			t.Fatalf("photos: %+v", dt.Reports[0].Photos)
		}
		if len(dt.Reports) != 2 || len(dt.Coordination) != 1 || dt.Coordination[0].Owner == nil {
			t.Fatalf("detail: %+v", dt)
		}
		if dt.Series[9].ActualCum != 50_000_000 || dt.Series[10].ActualCum != 120_000_000 || dt.Series[10].PlannedCum != 110_000_000 {
			t.Fatalf("series: %+v", dt.Series)
		}
		// The liaison leader answers the coordination item; a stranger may not.
		c := dt.Coordination[0]
		_, err = e.s.AnswerCoordination(e.ctx, e.as("qs_staff"), c.ID, "好")
		testutil.WantCode(t, err, errs.Forbidden, "")
		if _, err := e.s.AnswerCoordination(e.ctx, e.as("leader"), c.ID, "已协调供电公司，12月10日前完成增容"); err != nil {
			t.Fatal(err)
		}
		_, err = e.s.AnswerCoordination(e.ctx, e.as("leader"), c.ID, "再答")
		testutil.WantCode(t, err, errs.Conflict, "")
		// The photo is used; another report cannot take it; the status table shows who reported.
		_, err = e.s.SubmitReport(e.ctx, e.as("qs_staff"), p.ID, projects.ReportInput{Month: "2026-09", InvestMonth: ptr(int64(0)),
			InvestCum: ptr(int64(0)), ProgressText: "x", PhotoIDs: []int64{ph.FileID}})
		testutil.WantCode(t, err, errs.Validation, "photo_ids")
		q := e.project(t)
		_ = q
		st, err := e.s.ReportStatus(e.ctx, e.as("supervisor"), "2026-11", projects.Filter{})
		if err != nil || st.Counts["late"] != 1 || st.Counts["exempt"] != 1 {
			t.Fatalf("status: %v %+v", err, st)
		}
		// Bad months and amounts.
		for _, in := range []projects.ReportInput{
			{Month: "2026-13", InvestMonth: ptr(int64(1)), ProgressText: "x"},
			{Month: "2027-01", InvestMonth: ptr(int64(1)), ProgressText: "x"},
			{Month: "2026-11", InvestMonth: ptr(int64(-1)), ProgressText: "x"},
			{Month: "2026-11", InvestMonth: ptr(int64(9e9)), ProgressText: "x"},
			{Month: "2026-11", InvestMonth: ptr(int64(1)), ProgressText: ""},
			{Month: "2026-08", InvestMonth: ptr(int64(1)), InvestCum: ptr(int64(90_000_000)), ProgressText: "x"}, // above a later month's
		} {
			before := e.head(t)
			if _, err := e.s.SubmitReport(e.ctx, e.as("qs_staff"), p.ID, in); err == nil || e.head(t) != before {
				t.Fatalf("accepted %+v (%v)", in, err)
			}
		}
	})
}

// A report for a project out of scope reads as not found.
func TestReportOutOfScope(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		p := e.project(t, func(in *projects.Input) { in.TownID, in.UnitID = ptr(e.unit("LX")), ptr(e.unit("LX")) })
		_, err := e.s.SubmitReport(e.ctx, e.as("qs_staff"), p.ID, projects.ReportInput{Month: "2026-11", InvestMonth: ptr(int64(1)), ProgressText: "x"})
		testutil.WantCode(t, err, errs.NotFound, "")
		_, err = e.s.UploadPhoto(e.ctx, e.as("qs_staff"), p.ID, "a.jpg", bytes.Clone(testutil.JPEG(t)))
		testutil.WantCode(t, err, errs.NotFound, "")
	})
}

// Units are reminded before the due day (RemindDays working days ahead, once
// a month); a coordination item past its answer date reminds its owner, and
// once CoordinationDays working days late the supervision office too.
func TestRemindersBeforeTheDueDayAndForLateCoordination(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.project(t) // reports nothing in December
		q := e.project(t)
		if _, err := d.W.ExecContext(e.ctx, `UPDATE projects SET created_at = $1`, e.day(-300).Start()); err != nil {
			t.Fatal(err)
		}
		kind := func(k string) int { return e.count(t, `SELECT COUNT(*) FROM notifications WHERE kind = $1`, k) }
		// 18 December (Friday): the 25th is 5 working days away, beyond the 3 of the setting.
		e.advance(22)
		if n, err := e.s.RemindDue(e.ctx, e.f.Clock.Now()); err != nil || n != 0 {
			t.Fatalf("a week early: %d %v", n, err)
		}
		// q reports December early; on the 22nd (3 working days before) only p is reminded, once.
		_, err := e.s.SubmitReport(e.ctx, e.as("qs_staff"), q.ID, projects.ReportInput{Month: "2026-12", InvestMonth: ptr(int64(1_000_000)),
			ProgressText: "场平完成", Coordination: []projects.CoordinationInput{{Question: "需协调解决临时用地手续"}}})
		if err != nil {
			t.Fatal(err)
		}
		e.advance(4)
		if n, err := e.s.RemindDue(e.ctx, e.f.Clock.Now()); err != nil || n != 1 {
			t.Fatalf("due soon: %d %v", n, err)
		}
		sent := kind(projects.KindDue)
		if _, err := e.s.RemindDue(e.ctx, e.f.Clock.Now()); err != nil || sent == 0 || kind(projects.KindDue) != sent {
			t.Fatalf("reminded twice: %d then %d (%v)", sent, kind(projects.KindDue), err)
		}
		// The coordination item was due 5 working days after the report (25 December).
		if n, err := e.s.RemindCoordination(e.ctx, e.f.Clock.Now()); err != nil || n != 0 {
			t.Fatalf("not yet late: %d %v", n, err)
		}
		e.advance(6) // 28 December: one working day late → the owner (the liaison leader)
		if n, err := e.s.RemindCoordination(e.ctx, e.f.Clock.Now()); err != nil || n != 1 {
			t.Fatalf("late: %d %v", n, err)
		}
		owner := e.as("leader").UserID
		if e.count(t, `SELECT COUNT(*) FROM notifications WHERE kind = $1 AND user_id = $2`, projects.KindCoordinationLate, owner) != 1 ||
			kind(projects.KindCoordinationLate) != 1 {
			t.Fatalf("owner reminder: %d", kind(projects.KindCoordinationLate))
		}
		e.advance(7) // 4 January 2027: five working days late → the supervision office hears of it, once
		for range 2 {
			if _, err := e.s.RemindCoordination(e.ctx, e.f.Clock.Now()); err != nil {
				t.Fatal(err)
			}
		}
		if e.count(t, `SELECT COUNT(*) FROM notifications WHERE kind = $1 AND user_id = $2`, projects.KindCoordinationLate, e.as("supervisor").UserID) != 1 ||
			kind(projects.KindCoordinationLate) != 2 {
			t.Fatalf("escalation: %d", kind(projects.KindCoordinationLate))
		}
		// Answered: no more reminders.
		dt := e.detail(t, q.ID)
		if _, err := e.s.AnswerCoordination(e.ctx, e.as("leader"), dt.Coordination[0].ID, "已办结"); err != nil {
			t.Fatal(err)
		}
		if n, err := e.s.RemindCoordination(e.ctx, e.f.Clock.Now()); err != nil || n != 0 {
			t.Fatalf("answered: %d %v", n, err)
		}
	})
}
