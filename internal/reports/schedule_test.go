package reports_test

import (
	"slices"
	"testing"
	"time"

	"diaodu/internal/platform/calendar"
	"diaodu/internal/platform/db"
	"diaodu/internal/reports"
	"diaodu/internal/testutil"
)

func TestCycles(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		cal := e.f.App.Calendar
		D := calendar.MustDate
		eq := func(t *testing.T, got []calendar.Date, want ...string) {
			t.Helper()
			if g := dateStrings(got); !slices.Equal(g, want) {
				t.Fatalf("due dates\n got %v\nwant %v", g, want)
			}
		}

		t.Run("daily on working days follows the holiday calendar", func(t *testing.T) {
			o := e.obligation(t, reports.ObligationInput{ActiveFrom: ptr(D("2026-09-01"))})
			// 中秋 25–27 Sep, 国庆 1–7 Oct; Sunday 20 Sep and Saturday 10 Oct are worked (调休).
			eq(t, o.DueDates(cal, D("2026-09-18"), D("2026-10-12")),
				"2026-09-18", "2026-09-20", "2026-09-21", "2026-09-22", "2026-09-23", "2026-09-24",
				"2026-09-28", "2026-09-29", "2026-09-30", "2026-10-08", "2026-10-09", "2026-10-10", "2026-10-12")
			c := o.CycleOf(D("2026-10-10"))
			if !c.Start.Equal(D("2026-10-10")) || !c.End.Equal(D("2026-10-10")) ||
				!c.CutoffAt.Equal(time.Date(2026, 10, 10, 9, 0, 0, 0, time.UTC)) ||
				!c.RemindAt.Equal(time.Date(2026, 10, 10, 7, 0, 0, 0, time.UTC)) {
				t.Fatalf("cycle %+v", c)
			}
			if o.IsDue(cal, D("2026-10-01")) || !o.IsDue(cal, D("2026-09-20")) {
				t.Fatal("IsDue ignores the holiday calendar")
			}
			// During the National Day holiday the current cycle is the last working day before it.
			if c, ok := o.CurrentCycle(cal, D("2026-10-05")); !ok || !c.DueOn.Equal(D("2026-09-30")) {
				t.Fatalf("current on a holiday: %v %v", c.DueOn, ok)
			}
			if c, ok := o.NextCycle(cal, D("2026-10-05")); !ok || !c.DueOn.Equal(D("2026-10-08")) {
				t.Fatalf("next after a holiday: %v %v", c.DueOn, ok)
			}
			last := o.LastCycles(cal, D("2026-10-12"), 4)
			if g := []string{last[0].DueOn.String(), last[3].DueOn.String()}; len(last) != 4 || g[0] != "2026-10-08" || g[1] != "2026-10-12" {
				t.Fatalf("last 4 cycles %v", last)
			}
		})

		t.Run("daily every day", func(t *testing.T) {
			o := e.obligation(t, reports.ObligationInput{WorkdaysOnly: ptr(false), ActiveFrom: ptr(D("2026-10-01")), Cutoff: ptr("09:30")})
			eq(t, o.DueDates(cal, D("2026-09-29"), D("2026-10-03")), "2026-10-01", "2026-10-02", "2026-10-03")
			if o.ScheduleText != "每天 09:30 前" {
				t.Fatalf("schedule text %q", o.ScheduleText)
			}
		})

		t.Run("weekly on a weekday", func(t *testing.T) {
			o := e.obligation(t, reports.ObligationInput{Frequency: ptr(reports.Weekly), Weekday: ptr(5), Cutoff: ptr("12:00"),
				ActiveFrom: ptr(D("2026-11-01"))})
			eq(t, o.DueDates(cal, D("2026-10-01"), D("2026-11-30")), "2026-11-06", "2026-11-13", "2026-11-20", "2026-11-27")
			c := o.CycleOf(D("2026-11-27"))
			if !c.Start.Equal(D("2026-11-23")) || !c.End.Equal(D("2026-11-29")) || !c.CutoffAt.Equal(D("2026-11-27").At(12, 0)) {
				t.Fatalf("weekly cycle %+v", c)
			}
			// Monday of that week: the cycle is open, due on Friday.
			if c, ok := o.CurrentCycle(cal, D("2026-11-23")); !ok || !c.DueOn.Equal(D("2026-11-27")) {
				t.Fatalf("current weekly %v", c.DueOn)
			}
			if o.ScheduleText != "每周五 12:00 前" {
				t.Fatalf("schedule text %q", o.ScheduleText)
			}
		})

		t.Run("monthly on the 31st clamps to the month's end", func(t *testing.T) {
			o := e.obligation(t, reports.ObligationInput{Frequency: ptr(reports.Monthly), MonthDay: ptr(31), ActiveFrom: ptr(D("2027-01-01"))})
			eq(t, o.DueDates(cal, D("2027-01-01"), D("2027-04-30")), "2027-01-31", "2027-02-28", "2027-03-31", "2027-04-30")
			eq(t, o.DueDates(cal, D("2028-02-01"), D("2028-02-29")), "2028-02-29") // leap year
			c := o.CycleOf(D("2027-02-28"))
			if !c.Start.Equal(D("2027-02-01")) || !c.End.Equal(D("2027-02-28")) {
				t.Fatalf("monthly cycle %+v", c)
			}
			m25 := e.obligation(t, reports.ObligationInput{Frequency: ptr(reports.Monthly), MonthDay: ptr(25), ActiveFrom: ptr(D("2026-11-01"))})
			// On the 27th the November cycle has closed and December's has not begun.
			if c, ok := m25.CurrentCycle(cal, D("2026-11-27")); !ok || !c.DueOn.Equal(D("2026-11-25")) {
				t.Fatalf("current monthly %v", c.DueOn)
			}
			if c, ok := m25.NextCycle(cal, D("2026-11-27")); !ok || !c.DueOn.Equal(D("2026-12-25")) || !c.Start.Equal(D("2026-12-01")) {
				t.Fatalf("next monthly %+v", c)
			}
		})

		t.Run("custom dates", func(t *testing.T) {
			o := e.obligation(t, reports.ObligationInput{Frequency: ptr(reports.Custom), ActiveFrom: ptr(D("2026-11-01")),
				CustomDates: ptr(dates("2026-11-10", "2026-11-20", "2026-12-05"))})
			eq(t, o.DueDates(cal, D("2026-11-01"), D("2026-12-31")), "2026-11-10", "2026-11-20", "2026-12-05")
			if c := o.CycleOf(D("2026-11-10")); !c.Start.Equal(D("2026-11-01")) {
				t.Fatalf("first custom cycle starts %v", c.Start)
			}
			if c := o.CycleOf(D("2026-11-20")); !c.Start.Equal(D("2026-11-11")) || !c.End.Equal(D("2026-11-20")) {
				t.Fatalf("second custom cycle %+v", c)
			}
			if c, ok := o.CurrentCycle(cal, D("2026-11-26")); !ok || !c.DueOn.Equal(D("2026-12-05")) {
				t.Fatalf("current custom %v", c.DueOn)
			}
			if got := o.LastCycles(cal, D("2026-12-31"), 10); len(got) != 3 {
				t.Fatalf("last cycles of a custom obligation: %d", len(got))
			}
		})

		t.Run("active dates bound the cycles", func(t *testing.T) {
			o := e.obligation(t, reports.ObligationInput{ActiveFrom: ptr(D("2026-11-24")), ActiveTo: ptr(D("2026-11-26"))})
			eq(t, o.DueDates(cal, D("2026-11-01"), D("2026-12-31")), "2026-11-24", "2026-11-25", "2026-11-26")
			if _, ok := o.CurrentCycle(cal, D("2026-11-20")); ok {
				t.Fatal("a cycle before the start")
			}
			if _, ok := o.NextCycle(cal, D("2026-11-26")); ok {
				t.Fatal("a cycle after the end")
			}
		})
	})
}
