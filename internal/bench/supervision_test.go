package bench

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"diaodu/internal/app"
	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/calendar"
	"diaodu/internal/platform/clock"
	"diaodu/internal/platform/db"
	"diaodu/internal/reports"
	"diaodu/internal/tasks"
)

// The supervision scale of issue 3: the demo district at scale 3 (about
// 600 units), 50,000 tasks with leaders, co-units, tags and milestones,
// 500,000 progress reports (ten a task) and two years of daily zero
// reports from every department, town and village. Built once per driver.
const (
	scaleTasks      = 50_000
	reportsPerTask  = 10
	zeroReportYears = 2
)

type supervisionScale struct {
	app       *app.App
	cookie    *http.Cookie
	town      int64 // a town with tasks, for scoped filters
	townAdmin *http.Cookie
	zero      int64 // the zero-report obligation
}

var (
	superMu sync.Mutex
	superBy = map[db.Dialect]*supervisionScale{}
)

func supervisionAtScale(b testing.TB, dialect db.Dialect) *supervisionScale {
	superMu.Lock()
	defer superMu.Unlock()
	if s, ok := superBy[dialect]; ok {
		return s
	}
	a := scaleApp(b, dialect, nil, 3)
	d, ctx, now := a.DB, context.Background(), benchNow
	t0 := time.Now()
	s := &supervisionScale{app: a}
	if err := s.load(ctx, b, now); err != nil {
		b.Fatal(err)
	}
	settle(b, d)
	b.Logf("%s: loaded %d tasks, %d reports, zero reports in %s", dialect, scaleTasks, scaleTasks*reportsPerTask, time.Since(t0).Round(time.Second))
	sign := func(user string) *http.Cookie { return sessionCookie(b, a, user) }
	s.cookie, s.townAdmin = sign("ducha"), sign("t01_admin")
	superBy[dialect] = s
	b.Cleanup(func() {
		superMu.Lock()
		delete(superBy, dialect)
		superMu.Unlock()
	})
	return s
}

func (s *supervisionScale) load(ctx context.Context, b testing.TB, now time.Time) error {
	a, sys := s.app, auth.System("bench")
	type unit struct {
		id   int64
		kind string
	}
	var units []unit
	rows, err := a.DB.R.QueryContext(ctx, `SELECT id, kind FROM units WHERE kind IN ('department', 'town', 'village') ORDER BY id`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var u unit
		_ = rows.Scan(&u.id, &u.kind)
		units = append(units, u)
	}
	rows.Close()
	var leaders []int64
	rows, err = a.DB.R.QueryContext(ctx, `SELECT id FROM users WHERE roles = 'leader' ORDER BY id`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id int64
		_ = rows.Scan(&id)
		leaders = append(leaders, id)
	}
	rows.Close()
	_ = a.DB.R.QueryRow(`SELECT id FROM units WHERE code = 'SFQ-T01'`).Scan(&s.town)
	year := 2026
	src, err := a.Tasks.SaveSource(ctx, sys, 0, tasks.SourceInput{Kind: ptr(tasks.SourceMeeting), MeetingKind: ptr("dispatch"),
		Title: ptr("压测调度会"), HeldOn: ptr(calendar.MustDate("2026-01-06")), Year: &year})
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(3, 50))
	tags := []string{"项目建设", "安全生产", "森林防火", "信访", "招商引资", "营商环境"}
	today := calendar.DateOf(now)
	const batch = 5000
	var ids []int64
	for done := 0; done < scaleTasks; done += batch {
		ins := make([]tasks.TaskInput, batch)
		for i := range ins {
			n := done + i
			lead := units[rng.IntN(len(units))]
			co := units[rng.IntN(len(units))]
			// Mostly on course: deadlines ahead, about one in twelve overdue.
			start := today.AddDays(-90 - rng.IntN(200))
			deadline := today.AddDays(rng.IntN(240) + 1)
			if rng.IntN(12) == 0 {
				deadline = today.AddDays(-1 - rng.IntN(30))
			}
			ms := []tasks.MilestoneInput{{Name: "方案制定", DueOn: start.AddDays(20), Weight: 1},
				{Name: "主体完成", DueOn: deadline.AddDays(-10), Weight: 2}}
			cos := []int64{}
			if co.id != lead.id {
				cos = append(cos, co.id)
			}
			ins[i] = tasks.TaskInput{SourceID: &src.ID, Title: ptr(fmt.Sprintf("重点工作任务%05d", n)), Requirements: ptr("按计划推进，按期完成。"),
				Kind: ptr(tasks.KindOnce), ReportCycle: ptr([]string{"week", "month"}[n%2]), LeaderIDs: &[]int64{leaders[n%len(leaders)]},
				LeadUnitID: &lead.id, CoUnitIDs: &cos, Tags: &[]string{tags[n%len(tags)]}, StartOn: &start, Deadline: &deadline,
				Milestones: &ms, Issue: true}
		}
		err := a.Audit.Write(ctx, sys, func(w *audit.W) error {
			got, err := a.Tasks.CreateMany(ctx, w, sys, ins)
			ids = append(ids, got...)
			return err
		})
		if err != nil {
			return err
		}
	}
	// Ten reports a task, one a cycle up to the last complete one, straight
	// into the table (the service path is measured by the HTTP benchmarks);
	// one task in twenty skipped its last cycle.
	err = a.Audit.Write(ctx, sys, func(w *audit.W) error {
		rows := make([][]any, 0, len(ids)*reportsPerTask)
		for i, id := range ids {
			unitID := units[i%len(units)].id
			period := calendar.Period([]string{"week", "month"}[i%2])
			cur, _ := calendar.CycleOf(period, today, today)
			cycles := make([][2]calendar.Date, 0, reportsPerTask)
			for d := cur.AddDays(-1); len(cycles) < reportsPerTask; {
				st, en := calendar.CycleOf(period, today, d)
				cycles = append(cycles, [2]calendar.Date{st, en})
				d = st.AddDays(-1)
			}
			skip := 0
			if i%20 == 0 {
				skip = 1
			}
			for r := skip; r < len(cycles); r++ {
				c := cycles[r]
				at := c[1].At(16, 0).UTC()
				rows = append(rows, []any{id, c[0], c[1], "本期按计划推进，完成阶段性目标。", max(5, 90-8*r-rng.IntN(10)), "", unitID, at, at})
			}
		}
		if _, err := w.CopyFrom(ctx, "task_reports", []string{"task_id", "cycle_start", "cycle_end", "content", "percent", "problems",
			"unit_id", "created_at", "updated_at"}, rows); err != nil {
			return err
		}
		// Statistics first: without them PostgreSQL scans every report for
		// each task in the correlated subqueries below (minutes, not seconds).
		if _, err := w.ExecContext(ctx, `ANALYZE task_reports`); err != nil {
			return err
		}
		if _, err := w.ExecContext(ctx, `UPDATE tasks SET status = 'in_progress', signed_at = $1,
			progress = (SELECT r.percent FROM task_reports r WHERE r.task_id = tasks.id ORDER BY r.cycle_end DESC LIMIT 1),
			last_cycle_end = (SELECT MAX(r.cycle_end) FROM task_reports r WHERE r.task_id = tasks.id),
			last_report_at = (SELECT MAX(r.created_at) FROM task_reports r WHERE r.task_id = tasks.id)`, now.Add(-100*24*time.Hour)); err != nil {
			return err
		}
		// Milestones past due were reached on time, but for one task in thirty.
		if _, err := w.ExecContext(ctx, `UPDATE task_milestones SET done_on = due_on WHERE due_on < $1 AND task_id % 30 <> 0`, today); err != nil {
			return err
		}
		return w.Record(audit.Entry{Action: "bench.load", ObjectType: "task", Summary: "压测数据"})
	})
	if err != nil {
		return err
	}
	if _, err := a.Tasks.RecomputeLights(ctx, sys); err != nil {
		return err
	}
	// Two years of zero reports from every unit, with a few gaps.
	from := today.AddDays(-365 * zeroReportYears)
	ob, err := a.Reports.CreateZeroReport(ctx, sys, reports.ObligationInput{ActiveFrom: &from,
		Selector: &reports.UnitSelector{RootUnitID: 1, Kinds: []string{"department", "town", "village"}}})
	if err != nil {
		return err
	}
	s.zero = ob.ID
	var seeds []reports.SubmissionSeed
	flush := func() error {
		if len(seeds) == 0 {
			return nil
		}
		err := a.Audit.Write(ctx, sys, func(w *audit.W) error {
			if err := a.Reports.SeedSubmissions(ctx, w, seeds); err != nil {
				return err
			}
			return w.Record(audit.Entry{Action: "bench.load", ObjectType: "report_obligation", Summary: "压测零报告"})
		})
		seeds = seeds[:0]
		return err
	}
	for d := from; d.Before(today); d = d.AddDays(1) {
		if !a.Calendar.IsWorkday(d) {
			continue
		}
		for _, u := range units {
			if rng.IntN(100) < 3 {
				continue
			}
			seeds = append(seeds, reports.SubmissionSeed{ObligationID: ob.ID, UnitID: u.id, DueOn: d, Nothing: true, SubmittedAt: d.At(15, 0).UTC()})
		}
		if len(seeds) > 20_000 {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}

func ptr[T any](v T) *T { return &v }

// get times GET path through the whole handler and fails on a non-200.
func (s *supervisionScale) get(b *testing.B, h http.Handler, cookie *http.Cookie, path string) time.Duration {
	req := httptest.NewRequest("GET", path, nil)
	req.AddCookie(cookie)
	rec := httptest.NewRecorder()
	start := time.Now()
	h.ServeHTTP(rec, req)
	d := time.Since(start)
	if rec.Code != 200 {
		b.Fatalf("%s: %d %s", path, rec.Code, rec.Body.String())
	}
	return d
}

// BenchmarkTaskLedger is the ledger (督办台账) with filters: a page of 20
// through GET /api/v1/tasks, cycling through the filters people use.
func BenchmarkTaskLedger(b *testing.B) {
	eachDriver(b, func(b *testing.B, dialect db.Dialect) {
		s := supervisionAtScale(b, dialect)
		h := s.app.Handler()
		queries := []string{
			"light=red", "light=yellow&status=in_progress", fmt.Sprintf("unit_id=%d", s.town), "tag=安全生产",
			"deadline_from=2026-12-01&deadline_to=2026-12-31", "q=任务0123", "status=in_progress&sort=deadline", "kind=once&light=green&page=40",
		}
		run := func(b *testing.B, queries []string) {
			durs := make([]time.Duration, 0, 1024)
			i := 0
			for b.Loop() {
				q := queries[i%len(queries)]
				i++
				durs = append(durs, s.get(b, h, s.cookie, "/api/v1/tasks?page_size=20&"+q))
			}
			reportPercentiles(b, durs)
		}
		// Warm up first: the figures are a running server's, whose connections
		// and page cache have seen these queries (the first read after the
		// load opens fresh connections and pages the indexes in).
		for _, q := range queries {
			s.get(b, h, s.cookie, "/api/v1/tasks?page_size=20&"+q)
		}
		b.Run("mix", func(b *testing.B) { run(b, queries) })
		// Each filter on its own, so a slow one shows by name.
		for _, q := range queries {
			b.Run(strings.NewReplacer("=", ":", "&", "+").Replace(q), func(b *testing.B) { run(b, []string{q}) })
		}
	})
}

// BenchmarkTaskLedgerScoped is a town administrator's ledger (own subtree
// and co-unit tasks), red first.
func BenchmarkTaskLedgerScoped(b *testing.B) {
	eachDriver(b, func(b *testing.B, dialect db.Dialect) {
		s := supervisionAtScale(b, dialect)
		h := s.app.Handler()
		durs := make([]time.Duration, 0, 1024)
		b.ResetTimer()
		for b.Loop() {
			durs = append(durs, s.get(b, h, s.townAdmin, "/api/v1/tasks?page_size=20&light=red"))
		}
		b.StopTimer()
		reportPercentiles(b, durs)
	})
}

// BenchmarkSupervisionHome is the supervision home for the office (the
// whole district) through GET /api/v1/supervision/home.
func BenchmarkSupervisionHome(b *testing.B) {
	eachDriver(b, func(b *testing.B, dialect db.Dialect) {
		s := supervisionAtScale(b, dialect)
		h := s.app.Handler()
		durs := make([]time.Duration, 0, 256)
		b.ResetTimer()
		for b.Loop() {
			durs = append(durs, s.get(b, h, s.cookie, "/api/v1/supervision/home"))
		}
		b.StopTimer()
		reportPercentiles(b, durs)
	})
}

// BenchmarkRecomputeLights recomputes the light of all 50,000 tasks.
func BenchmarkRecomputeLights(b *testing.B) {
	eachDriver(b, func(b *testing.B, dialect db.Dialect) {
		s := supervisionAtScale(b, dialect)
		fixed := s.app.Clock.(*clock.Fixed)
		b.ResetTimer()
		for b.Loop() {
			fixed.Advance(24 * time.Hour) // a new day: lights change
			if _, err := s.app.Tasks.RecomputeLights(context.Background(), auth.System("bench")); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkZeroReportTable is the who-has-and-who-hasn't table of one day
// and the 30-day matrix of the zero report, over two years of history.
func BenchmarkZeroReportTable(b *testing.B) {
	eachDriver(b, func(b *testing.B, dialect db.Dialect) {
		s := supervisionAtScale(b, dialect)
		h := s.app.Handler()
		day := calendar.DateOf(s.app.Clock.Now()).AddDays(-3)
		for !s.app.Calendar.IsWorkday(day) {
			day = day.AddDays(-1)
		}
		for _, tc := range []struct{ name, path string }{
			{"cycle", fmt.Sprintf("/api/v1/report-obligations/%d/table?due_on=%s", s.zero, day)},
			{"matrix30", fmt.Sprintf("/api/v1/report-obligations/%d/matrix?cycles=30", s.zero)},
		} {
			b.Run(tc.name, func(b *testing.B) {
				durs := make([]time.Duration, 0, 256)
				for b.Loop() {
					durs = append(durs, s.get(b, h, s.cookie, tc.path))
				}
				reportPercentiles(b, durs)
			})
		}
	})
}
