package jobs_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"diaodu/internal/platform/db"
	"diaodu/internal/platform/jobs"
	"diaodu/internal/testutil"
)

var users = []string{"admin", "supervisor", "leader", "qs_admin", "qs_staff", "zj_field", "judge", "lx_admin", "fgj_staff"}

// The 定时任务 endpoints: admin and supervisor see, only admin runs.
func TestJobsPermissions(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		f := testutil.NewFixture(t, d)
		rec := &recorder{}
		f.App.Jobs.Register("test.remind", "测试提醒", jobs.Daily(9, 0), rec.fn)
		s := f.NewServer(t)
		for _, u := range users {
			c := s.Login(t, u)
			view, run := 403, 403
			switch u {
			case "admin":
				view, run = 200, 200
			case "supervisor":
				view = 200
			}
			for _, p := range []string{"/api/v1/jobs", "/api/v1/jobs/test.remind/runs"} {
				if r := c.Do("GET", p, nil); r.Status != view {
					t.Errorf("%s GET %s: %d, want %d", u, p, r.Status, view)
				}
			}
			if r := c.Do("POST", "/api/v1/jobs/test.remind/run", nil); r.Status != run {
				t.Errorf("%s POST run: %d, want %d", u, r.Status, run)
			}
		}
		if len(rec.runs()) != 1 {
			t.Errorf("job ran %d times, want once (by admin)", len(rec.runs()))
		}
		if n := f.Count(t, `SELECT COUNT(*) FROM audit_log WHERE action = 'job.run'`); n != 1 {
			t.Errorf("%d manual runs audited, want 1", n)
		}
		if r := s.Client(t).Do("GET", "/api/v1/jobs", nil); r.Status != 401 {
			t.Errorf("anonymous: %d", r.Status)
		}
	})
}

// 立即运行 goes through the lease, answers the run (failed runs too), is
// audited and listed; a running job is a conflict; an unknown one is 404.
func TestRunNowAndList(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := testutil.NewFixture(t, d)
		fail := true
		var asOfs []time.Time
		f.App.Jobs.Register("test.lights", "重算亮灯", jobs.Daily(9, 10), func(_ context.Context, asOf time.Time) error {
			asOfs = append(asOfs, asOf)
			if fail {
				return errors.New("数据库忙")
			}
			return nil
		})
		c := f.NewServer(t).Login(t, "admin")

		r := c.Do("GET", "/api/v1/jobs", nil)
		if r.Status != 200 {
			t.Fatalf("list: %d %s", r.Status, r.Body)
		}
		var item map[string]any
		for _, it := range r.JSON()["items"].([]any) {
			if m := it.(map[string]any); m["name"] == "test.lights" {
				item = m
			}
		}
		if item == nil || item["title"] != "重算亮灯" || item["schedule"] != "每天 09:10" || item["last_status"] != "" ||
			item["next_run_at"] != "2026-11-26T01:10:00Z" {
			t.Fatalf("list item: %v", item)
		}

		r = c.Do("POST", "/api/v1/jobs/test.lights/run", nil)
		if got := r.JSON(); r.Status != 200 || got["status"] != "error" || got["error"] != "数据库忙" || got["manual"] != true ||
			got["triggered_by"] != "admin" {
			t.Fatalf("failed manual run: %d %s", r.Status, r.Body)
		}
		fail = false
		f.Clock.Advance(15 * time.Minute) // 09:15: the 09:10 slot is due, and a manual run covers it
		r = c.Do("POST", "/api/v1/jobs/test.lights/run", nil)
		if got := r.JSON(); r.Status != 200 || got["status"] != "ok" || got["as_of"] != "2026-11-26T01:15:00Z" {
			t.Fatalf("manual run: %d %s", r.Status, r.Body)
		}
		if names, err := f.App.Jobs.RunDue(ctx); err != nil || slices.Contains(names, "test.lights") {
			t.Errorf("the slot ran again after a manual run covered it: %v %v", names, err)
		}
		r = c.Do("GET", "/api/v1/jobs/test.lights/runs", nil)
		runs := r.JSON()["items"].([]any)
		if r.JSON()["total"] != 2.0 || runs[0].(map[string]any)["status"] != "ok" || runs[1].(map[string]any)["error"] != "数据库忙" {
			t.Errorf("runs: %s", r.Body)
		}
		if n := f.Count(t, `SELECT COUNT(*) FROM audit_log WHERE action = 'job.run' AND object_id = 'test.lights' AND summary LIKE '%失败：数据库忙%'`); n != 1 {
			t.Errorf("failed manual run not audited with its error")
		}

		// Someone else holds the lease.
		if _, err := d.W.ExecContext(ctx, `UPDATE jobs SET lease_owner = 'other:1:x#1', lease_until = $1 WHERE name = 'test.lights'`,
			f.Clock.Now().Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		if r := c.Do("POST", "/api/v1/jobs/test.lights/run", nil); r.Status != 409 {
			t.Errorf("run while running: %d %s", r.Status, r.Body)
		}
		r = c.Do("GET", "/api/v1/jobs", nil)
		for _, it := range r.JSON()["items"].([]any) {
			if m := it.(map[string]any); m["name"] == "test.lights" && (m["running"] != true || m["running_on"] != "other:1:x") {
				t.Errorf("running job listed as %v", m)
			}
		}
		if len(asOfs) != 2 {
			t.Errorf("job ran %d times, want 2", len(asOfs))
		}
		for _, p := range []string{"/api/v1/jobs/nope/run"} {
			if r := c.Do("POST", p, nil); r.Status != 404 {
				t.Errorf("POST %s: %d", p, r.Status)
			}
		}
		if r := c.Do("GET", "/api/v1/jobs/nope/runs", nil); r.Status != 404 {
			t.Errorf("runs of an unknown job: %d", r.Status)
		}
	})
}
