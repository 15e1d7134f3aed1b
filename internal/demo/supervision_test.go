package demo_test

import (
	"context"
	"testing"

	"diaodu/internal/demo"
	"diaodu/internal/platform/db"
	"diaodu/internal/testutil"
)

// The replay leaves the supervision office a working district: tasks in
// every status and light, with the history that explains them.
func TestDistrictReplaysSupervision(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		app := testutil.WireOnly(t, d)
		if _, err := demo.District(ctx, app, 1); err != nil {
			t.Fatal(err)
		}
		f := &testutil.Fixture{App: app}
		for _, status := range []string{"draft", "issued", "in_progress", "requested", "returned", "closed"} {
			if n := f.Count(t, `SELECT COUNT(*) FROM tasks WHERE status = $1`, status); n == 0 {
				t.Errorf("no task %s", status)
			}
		}
		for _, light := range []string{"green", "yellow", "red"} {
			if n := f.Count(t, `SELECT COUNT(*) FROM tasks WHERE light = $1`, light); n < 3 {
				t.Errorf("%d tasks %s, want at least 3", n, light)
			}
		}
		checks := []struct{ what, q string }{
			{"an overdue task", `SELECT COUNT(*) FROM tasks t JOIN task_light_reasons r ON r.task_id = t.id WHERE t.light = 'red' AND r.reason LIKE '%逾期%'`},
			{"a missing report", `SELECT COUNT(*) FROM tasks t JOIN task_light_reasons r ON r.task_id = t.id WHERE t.light = 'red' AND r.reason LIKE '缺报%'`},
			{"a task behind the time-sequence", `SELECT COUNT(*) FROM tasks t JOIN task_light_reasons r ON r.task_id = t.id WHERE t.light = 'yellow' AND r.reason LIKE '%滞后序时%'`},
			{"subtasks", `SELECT COUNT(*) FROM tasks WHERE parent_id IS NOT NULL`},
			{"an approved extension", `SELECT COUNT(*) FROM task_extensions WHERE status = 'approved'`},
			{"a refused extension", `SELECT COUNT(*) FROM task_extensions WHERE status = 'refused'`},
			{"automatic reminders", `SELECT COUNT(*) FROM task_actions WHERE kind = 'remind' AND auto = TRUE`},
			{"a supervision notice", `SELECT COUNT(*) FROM task_actions WHERE kind = 'notice' AND number <> ''`},
			{"an interview", `SELECT COUNT(*) FROM task_actions WHERE kind = 'interview'`},
			{"coordination answered", `SELECT COUNT(*) FROM task_coordination WHERE status = 'answered'`},
			{"site photos", `SELECT COUNT(*) FROM files WHERE object_type = 'task'`},
			{"a trend", `SELECT COUNT(*) FROM task_daily_stats`},
			{"inbox messages", `SELECT COUNT(*) FROM notifications`},
			{"zero reports", `SELECT COUNT(*) FROM report_submissions WHERE submitted_at IS NOT NULL`},
		}
		for _, c := range checks {
			if n := f.Count(t, c.q); n == 0 {
				t.Errorf("no %s", c.what)
			}
		}
		// Two months of zero reports with a few gaps.
		if days := f.Count(t, `SELECT COUNT(DISTINCT due_on) FROM report_submissions`); days < 38 {
			t.Errorf("zero reports on %d days, want two months of working days", days)
		}
		if gaps := f.Count(t, `SELECT COUNT(*) FROM report_submissions WHERE submitted_at IS NULL`); gaps == 0 {
			t.Error("no missing zero reports: the demo should show a few gaps")
		}
		rep, err := app.Audit.Verify(ctx)
		if err != nil || !rep.OK {
			t.Fatalf("audit after the replay: %v %+v", err, rep)
		}
	})
}
