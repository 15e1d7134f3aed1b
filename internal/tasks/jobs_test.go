package tasks_test

import (
	"strings"
	"testing"

	"diaodu/internal/platform/db"
	"diaodu/internal/tasks"
	"diaodu/internal/testutil"
)

// runJobs runs what the scheduler has due and fails on any failed task job.
func (e *env) runJobs(t *testing.T) {
	t.Helper()
	if _, err := e.f.App.Jobs.RunDue(e.ctx); err != nil {
		t.Fatal(err)
	}
	var n int
	var msg string
	_ = e.f.App.DB.R.QueryRowContext(e.ctx, `SELECT COUNT(*), COALESCE(MAX(error), '') FROM job_runs WHERE name LIKE 'tasks.%' AND status = 'error'`).
		Scan(&n, &msg)
	if n > 0 {
		t.Fatalf("%d task job runs failed: %s", n, msg)
	}
}

func (e *env) autoReminders(t *testing.T, taskID int64) int {
	t.Helper()
	return e.count(t, `SELECT COUNT(*) FROM task_actions WHERE task_id = $1 AND auto = TRUE`, taskID)
}

// The clock jumps forward: lights turn, the daily reminder goes out once per
// light; it jumps back: nothing breaks and nothing is sent twice.
func TestClockJumpAndReminders(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		// Thursday 26 November 09:00; due Monday 30 November.
		tk := e.signed(t, func(in *tasks.TaskInput) { in.Deadline = ptr(e.day(4)) })
		green := e.signed(t, func(in *tasks.TaskInput) { in.Deadline = ptr(e.day(60)); in.ReportCycle = ptr("") })
		e.runJobs(t) // registers the jobs; the first reminder run is tomorrow 09:00
		if n := e.autoReminders(t, tk.ID); n != 0 {
			t.Fatalf("%d reminders before the reminder time", n)
		}
		if got := e.get(t, tk.ID); got.Light != tasks.LightYellow || !strings.Contains(got.LightReason, "距完成时限仅剩2个工作日") {
			t.Fatalf("at issue: %s %q", got.Light, got.LightReason)
		}

		e.advance(1) // Friday 09:00: the reminder run
		e.runJobs(t)
		e.runJobs(t)
		if n := e.autoReminders(t, tk.ID); n != 1 {
			t.Fatalf("%d automatic reminders on Friday, want 1", n)
		}
		if n := e.autoReminders(t, green.ID); n != 0 {
			t.Fatalf("a green task was reminded")
		}
		if n := e.count(t, `SELECT COUNT(*) FROM task_events WHERE task_id = $1 AND kind = 'remind'`, tk.ID); n != 1 {
			t.Fatalf("%d reminder lines on the timeline", n)
		}

		e.advance(4) // Tuesday 09:00 after the weekend: overdue and last week unreported
		e.runJobs(t)
		got := e.get(t, tk.ID)
		if got.Light != tasks.LightRed || !got.Overdue || !got.ReportMissing ||
			!strings.HasPrefix(got.LightReason, "已逾期1个工作日（完成时限11月30日）；缺报：11月第4周进展未报送") {
			t.Fatalf("Tuesday: %s %q", got.Light, got.LightReason)
		}
		if n := e.autoReminders(t, tk.ID); n != 2 {
			t.Fatalf("%d automatic reminders after turning red, want 2", n)
		}
		// The unit heard of it (inbox rows for 青石镇's users).
		if n := e.count(t, `SELECT COUNT(*) FROM notifications WHERE kind = 'task.remind' AND object_id = $1`, id(tk.ID)); n == 0 {
			t.Fatal("no reminder reached the unit's inbox")
		}

		// Back three days (Saturday): lights follow, nothing is sent twice.
		e.advance(-3)
		e.runJobs(t)
		if _, err := e.s.RecomputeLights(e.ctx, e.as("supervisor")); err != nil {
			t.Fatal(err)
		}
		if got := e.get(t, tk.ID); got.Light != tasks.LightYellow || got.Overdue {
			t.Fatalf("Saturday again: %s %q", got.Light, got.LightReason)
		}
		e.runJobs(t)
		if n := e.autoReminders(t, tk.ID); n != 2 {
			t.Fatalf("%d automatic reminders after moving back", n)
		}
		// Forward again to Tuesday: red again, but already reminded for it.
		e.advance(3)
		e.runJobs(t)
		if _, err := e.s.RecomputeLights(e.ctx, e.as("supervisor")); err != nil {
			t.Fatal(err)
		}
		e.advance(1)
		e.runJobs(t)
		if got := e.get(t, tk.ID); got.Light != tasks.LightRed {
			t.Fatalf("Wednesday: %s", got.Light)
		}
		if n := e.autoReminders(t, tk.ID); n != 2 {
			t.Fatalf("%d automatic reminders after the round trip, want 2", n)
		}
		// The nightly statistics row exists for the days the job ran.
		if n := e.count(t, `SELECT COUNT(*) FROM task_daily_stats`); n == 0 {
			t.Fatal("no daily statistics")
		}
	})
}
