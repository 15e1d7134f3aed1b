package bench

import (
	"context"
	"fmt"
	"testing"

	"diaodu/internal/app"
	"diaodu/internal/demo"
	"diaodu/internal/platform/calendar"
	"diaodu/internal/platform/clock"
	"diaodu/internal/platform/db"
	"diaodu/internal/tasks"
	"diaodu/internal/testutil"
)

// TestWritesStaySmall counts the database pages (WAL frames on SQLite) one
// create and one edit of a task write. Each page is two system calls at
// commit, the cost that bounds how many writes a second SQLite takes, so a
// new index or an UPDATE that names unchanged indexed columns shows here
// before it shows in the benchmarks. (Measured: 26 and 10.)
func TestWritesStaySmall(t *testing.T) {
	d := testutil.Open(t, db.SQLite)
	a, err := app.Wire(app.Config{DataDir: t.TempDir()}, d, clock.System{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := demo.Build(ctx, a.Audit, 1); err != nil {
		t.Fatal(err)
	}
	ac, err := a.Account.ActorFor(ctx, "ducha")
	if err != nil {
		t.Fatal(err)
	}
	var leader, unit int64
	_ = d.R.QueryRow(`SELECT id FROM users WHERE username = 'leader3'`).Scan(&leader)
	_ = d.R.QueryRow(`SELECT id FROM units WHERE code = 'SFQ-D03'`).Scan(&unit)
	day, deadline := calendar.MustDate("2026-11-02"), calendar.MustDate("2026-12-31")
	src, err := a.Tasks.SaveSource(ctx, ac, 0, tasks.SourceInput{Kind: ptr(tasks.SourceMeeting), MeetingKind: ptr("dispatch"),
		Title: ptr("调度会"), HeldOn: &day, Year: ptr(2026)})
	if err != nil {
		t.Fatal(err)
	}
	frames := func(mode string) int {
		var busy, log, done int
		if err := d.W.QueryRowContext(ctx, `PRAGMA wal_checkpoint(`+mode+`)`).Scan(&busy, &log, &done); err != nil {
			t.Fatal(err)
		}
		return log
	}
	most := func(what string, limit int, write func(i int) error) {
		worst := 0
		for i := range 5 {
			frames("TRUNCATE")
			if err := write(i); err != nil {
				t.Fatal(err)
			}
			worst = max(worst, frames("PASSIVE"))
		}
		t.Logf("%s: at most %d pages", what, worst)
		if worst > limit {
			t.Errorf("%s writes %d pages, want at most %d", what, worst, limit)
		}
	}
	var id int64
	most("create and issue a task", 32, func(i int) error {
		task, err := a.Tasks.Create(ctx, ac, tasks.TaskInput{Title: ptr(fmt.Sprint("任务", i)), Requirements: ptr("按期完成"),
			Kind: ptr("once"), SourceID: &src.ID, ReportCycle: ptr("month"), LeaderIDs: &[]int64{leader}, LeadUnitID: &unit,
			StartOn: &day, Deadline: &deadline, Issue: true})
		if err == nil {
			id = task.ID
		}
		return err
	})
	most("edit a task's requirements", 14, func(i int) error {
		_, err := a.Tasks.Update(ctx, ac, id, tasks.TaskInput{Requirements: ptr(fmt.Sprint("第", i, "次调整"))})
		return err
	})
}
