package tasks_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"diaodu/internal/app"
	"diaodu/internal/org"
	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/calendar"
	"diaodu/internal/platform/clock"
	"diaodu/internal/platform/db"
	"diaodu/internal/platform/httpx"
	"diaodu/internal/tasks"
	"diaodu/internal/testutil"
)

// scale is a district of 501 units with 50,000 tasks (two milestones each)
// and 500,000 progress reports, built once per driver: the size the
// performance targets are set for.
type scale struct {
	app   *app.App
	clk   *clock.Fixed
	sup   *auth.Actor
	town  *auth.Actor // a town's unit administrator
	units []int64
}

var (
	scaleMu sync.Mutex
	scaleBy = map[db.Dialect]*scale{}
)

const (
	scaleTasks   = 50_000
	scaleReports = 10 // per task
)

func buildScale(b testing.TB, dialect db.Dialect) *scale {
	scaleMu.Lock()
	defer scaleMu.Unlock()
	if s, ok := scaleBy[dialect]; ok {
		return s
	}
	ctx := context.Background()
	clk := &clock.Fixed{T: testutil.Start}
	a, err := app.Wire(app.Config{DataDir: b.TempDir()}, testutil.Open(b, dialect), clk)
	if err != nil {
		b.Fatal(err)
	}
	sys := auth.System("bench")
	s := &scale{app: a, clk: clk}
	unit := func(parent *int64, code, name, kind string) *org.Unit {
		u, err := a.Org.CreateUnit(ctx, sys, org.UnitInput{ParentID: parent, Code: &code, Name: &name, Kind: &kind})
		if err != nil {
			b.Fatal(err)
		}
		return u
	}
	root := unit(nil, "D", "示范区", org.KindDistrict)
	var townID int64
	for i := range 20 {
		s.units = append(s.units, unit(&root.ID, fmt.Sprintf("B%02d", i), fmt.Sprintf("区直部门%02d", i), org.KindDepartment).ID)
	}
	for i := range 30 {
		town := unit(&root.ID, fmt.Sprintf("T%02d", i), fmt.Sprintf("乡镇%02d", i), org.KindTown)
		s.units = append(s.units, town.ID)
		if i == 0 {
			townID = town.ID
		}
		for j := range 15 {
			s.units = append(s.units, unit(&town.ID, fmt.Sprintf("T%02dV%02d", i, j), fmt.Sprintf("乡镇%02d村%02d", i, j), org.KindVillage).ID)
		}
	}
	user := func(name string, unit int64, role string) *auth.Actor {
		u, _, err := a.Org.CreateUser(ctx, sys, org.UserInput{Username: &name, RealName: ptr(name), UnitID: &unit, Roles: &[]string{role},
			Password: ptr(testutil.Password)})
		if err != nil {
			b.Fatal(err)
		}
		return &auth.Actor{UserID: u.ID, Username: name, UnitID: unit, UnitPath: u.UnitPath, Roles: []auth.Role{auth.Role(role)}}
	}
	s.sup = user("sup", root.ID, "supervisor")
	s.town = user("town", townID, "unit_admin")
	var leaders []int64
	for i := range 10 {
		leaders = append(leaders, user(fmt.Sprintf("leader%d", i), root.ID, "leader").UserID)
	}
	src, err := a.Tasks.SaveSource(ctx, s.sup, 0, tasks.SourceInput{Kind: ptr("plan"), Title: ptr("年度重点工作")})
	if err != nil {
		b.Fatal(err)
	}
	today := calendar.DateOf(clk.Now())
	tags := []string{"项目建设", "安全生产", "森林防火", "信访维稳", "招商引资"}
	const batch = 5000
	for done := 0; done < scaleTasks; done += batch {
		ins := make([]tasks.TaskInput, batch)
		for i := range ins {
			n := done + i
			start, deadline := today.AddDays(-120+n%60), today.AddDays(-30+n%240)
			ins[i] = tasks.TaskInput{SourceID: &src.ID, Title: ptr(fmt.Sprintf("重点工作任务%05d", n)), Requirements: ptr("按期完成年度目标"),
				Kind: ptr(tasks.KindOnce), ReportCycle: ptr([]string{"week", "fortnight", "month"}[n%3]),
				LeaderIDs: &[]int64{leaders[n%len(leaders)]}, LeadUnitID: &s.units[n%len(s.units)],
				CoUnitIDs: &[]int64{s.units[(n+7)%len(s.units)]}, Tags: &[]string{tags[n%len(tags)]}, StartOn: &start, Deadline: &deadline,
				Milestones: &[]tasks.MilestoneInput{{Name: "开工", DueOn: start.AddDays(start.DaysUntil(deadline) / 3)},
					{Name: "主体完工", DueOn: start.AddDays(2 * start.DaysUntil(deadline) / 3)}}}
		}
		if err := a.Audit.Write(ctx, s.sup, func(w *audit.W) error {
			_, err := a.Tasks.CreateMany(ctx, w, s.sup, ins)
			return err
		}); err != nil {
			b.Fatal(err)
		}
	}
	// Spread the statuses and history with SQL: issued long ago, most in
	// progress, some closed or waiting for review; ten weekly reports each.
	err = a.Audit.Write(ctx, sys, func(w *audit.W) error {
		for _, q := range []string{
			`UPDATE tasks SET number = 'B' || CAST(id AS TEXT), seq = id, issued_at = created_at, sign_due = start_on,
				status = CASE id % 20 WHEN 0 THEN 'closed' WHEN 1 THEN 'requested' WHEN 2 THEN 'issued' WHEN 3 THEN 'returned'
					WHEN 4 THEN 'signed' ELSE 'in_progress' END,
				progress = (id * 37) % 101`,
			`UPDATE tasks SET closed_at = issued_at, closed_on_time = (id % 40 = 0) WHERE status = 'closed'`,
			`UPDATE tasks SET requested_at = issued_at WHERE status = 'requested'`,
			`UPDATE task_milestones SET done_on = due_on WHERE id % 3 = 0`,
		} {
			if _, err := w.ExecContext(ctx, q); err != nil {
				return err
			}
		}
		rows := make([][]any, 0, scaleTasks*scaleReports)
		for id := int64(1); id <= scaleTasks; id++ {
			for k := range scaleReports {
				if id%7 == 0 && k == 0 {
					continue // some last weeks unreported
				}
				start := today.Monday().AddDays(-7 * (k + 1))
				rows = append(rows, []any{id, start.String(), start.AddDays(6).String(), "本周推进情况良好，完成计划工作量", int(id*13+int64(k)) % 101,
					"", "", s.units[int(id-1)%len(s.units)], testutil.Start, testutil.Start})
			}
		}
		if _, err := w.CopyFrom(ctx, "task_reports", []string{"task_id", "cycle_start", "cycle_end", "content", "percent", "problems",
			"file_ids", "unit_id", "created_at", "updated_at"}, rows); err != nil {
			return err
		}
		if _, err := w.ExecContext(ctx, `UPDATE tasks SET last_cycle_end = (SELECT MAX(cycle_end) FROM task_reports r WHERE r.task_id = tasks.id),
			last_report_at = created_at`); err != nil {
			return err
		}
		return w.Record(audit.Entry{Action: "bench.seed", ObjectType: "task", Summary: "benchmark data"})
	})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := a.Tasks.RecomputeLights(ctx, s.sup); err != nil {
		b.Fatal(err)
	}
	if err := a.Tasks.RecordDailyStats(ctx, sys, today.AddDays(-1)); err != nil {
		b.Fatal(err)
	}
	// What autovacuum (PostgreSQL) and ANALYZE after a big load (SQLite) would do.
	stmt := `ANALYZE`
	if dialect == db.Postgres {
		stmt = `VACUUM ANALYZE`
	}
	if _, err := a.DB.W.ExecContext(ctx, stmt); err != nil {
		b.Fatal(err)
	}
	scaleBy[dialect] = s
	b.Cleanup(func() {
		scaleMu.Lock()
		delete(scaleBy, dialect)
		scaleMu.Unlock()
	})
	return s
}

func eachDriver(b *testing.B, fn func(b *testing.B, dialect db.Dialect)) {
	for _, d := range testutil.Drivers(b) {
		b.Run(string(d), func(b *testing.B) { fn(b, d) })
	}
}

func percentiles(b *testing.B, durs []time.Duration) {
	if len(durs) == 0 {
		return
	}
	slices.Sort(durs)
	p := func(q float64) float64 { return float64(durs[int(q*float64(len(durs)-1))].Microseconds()) / 1000 }
	b.ReportMetric(p(0.50), "p50-ms")
	b.ReportMetric(p(0.99), "p99-ms")
}

// BenchmarkRecomputeLights judges all 50,000 tasks: "steady" is the
// 15-minute run that finds nothing new; "next-day" moves the clock a day
// each time, so thousands of lights and reasons change and are written.
func BenchmarkRecomputeLights(b *testing.B) {
	eachDriver(b, func(b *testing.B, dialect db.Dialect) {
		s := buildScale(b, dialect)
		ctx := context.Background()
		b.Run("steady", func(b *testing.B) {
			for b.Loop() {
				if n, err := s.app.Tasks.RecomputeLights(ctx, s.sup); err != nil || n != 0 {
					b.Fatalf("changed %d, %v", n, err)
				}
			}
		})
		b.Run("next-day", func(b *testing.B) {
			changed := 0
			for b.Loop() {
				s.clk.Advance(24 * time.Hour)
				n, err := s.app.Tasks.RecomputeLights(ctx, s.sup)
				if err != nil {
					b.Fatal(err)
				}
				changed += n
			}
			b.ReportMetric(float64(changed)/float64(b.N), "changed/op")
		})
	})
}

// BenchmarkLedger is a page of the ledger with filters, district-wide and
// for a town, through the service; "mixed" cycles through the filters and
// pages, the others show each filter alone.
func BenchmarkLedger(b *testing.B) {
	eachDriver(b, func(b *testing.B, dialect db.Dialect) {
		s := buildScale(b, dialect)
		ctx := context.Background()
		filters := []struct {
			name string
			f    tasks.Filter
		}{{"none", tasks.Filter{}}, {"red", tasks.Filter{Light: []string{"red"}}},
			{"status+tag", tasks.Filter{Status: []string{"in_progress"}, Tag: "安全生产"}}, {"unit", tasks.Filter{UnitID: s.units[20]}},
			{"q", tasks.Filter{Q: "任务0123"}}, {"leader", tasks.Filter{LeaderID: 3}},
			{"deadline+yellow", tasks.Filter{DeadlineFrom: calendar.DateOf(s.clk.Now()), Light: []string{"yellow"}}}}
		run := func(b *testing.B, a *auth.Actor, pick func(i int) tasks.Filter) {
			durs := make([]time.Duration, 0, 1024)
			i := 0
			for b.Loop() {
				f := pick(i)
				i++
				start := time.Now()
				_, _, err := s.app.Tasks.List(ctx, a, f, httpx.Page{Page: 1 + i%5, Size: 20, Sort: []string{"deadline", "light", "-number"}[i%3]})
				durs = append(durs, time.Since(start))
				if err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			percentiles(b, durs)
		}
		for _, who := range []struct {
			name string
			a    *auth.Actor
		}{{"district", s.sup}, {"town", s.town}} {
			b.Run(who.name+"/mixed", func(b *testing.B) { run(b, who.a, func(i int) tasks.Filter { return filters[i%len(filters)].f }) })
			for _, f := range filters {
				b.Run(who.name+"/"+f.name, func(b *testing.B) { run(b, who.a, func(int) tasks.Filter { return f.f }) })
			}
		}
	})
}

// BenchmarkHome is the supervision home page for the district and a town.
func BenchmarkHome(b *testing.B) {
	eachDriver(b, func(b *testing.B, dialect db.Dialect) {
		s := buildScale(b, dialect)
		ctx := context.Background()
		for _, who := range []struct {
			name string
			a    *auth.Actor
		}{{"district", s.sup}, {"town", s.town}} {
			b.Run(who.name, func(b *testing.B) {
				durs := make([]time.Duration, 0, 256)
				for b.Loop() {
					start := time.Now()
					h, err := s.app.Tasks.Home(ctx, who.a)
					durs = append(durs, time.Since(start))
					if err != nil || len(h.ByStatus) == 0 {
						b.Fatal(err)
					}
				}
				b.StopTimer()
				percentiles(b, durs)
			})
		}
	})
}

// BenchmarkCreateTasksHTTP creates issued tasks through POST /api/v1/tasks
// from 8 and 32 concurrent clients on the fixture district.
func BenchmarkCreateTasksHTTP(b *testing.B) {
	eachDriver(b, func(b *testing.B, dialect db.Dialect) {
		for _, clients := range []int{8, 32} {
			b.Run(fmt.Sprintf("clients-%d", clients), func(b *testing.B) {
				e := newEnv(b, testutil.Open(b, dialect))
				sess, err := e.f.App.Account.SignIn(context.Background(), "supervisor", testutil.Password, "127.0.0.1", "bench")
				if err != nil {
					b.Fatal(err)
				}
				srv := httptest.NewServer(e.f.App.Handler())
				defer srv.Close()
				body := fmt.Sprintf(`{"source_id":%d,"title":"压力测试任务","kind":"once","report_cycle":"week","lead_unit_id":%d,
					"co_unit_ids":[%d],"leader_ids":[%d],"tags":["项目建设"],"deadline":"2026-12-31","issue":true,
					"milestones":[{"name":"开工","due_on":"2026-12-10"}]}`, e.src, e.unit("QS"), e.unit("FGJ"), e.as("leader").UserID)
				hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
				post := func() error {
					req, _ := http.NewRequest("POST", srv.URL+"/api/v1/tasks", strings.NewReader(body))
					req.Header.Set("Content-Type", "application/json")
					req.AddCookie(&http.Cookie{Name: "diaodu_session", Value: sess.Token})
					req.Header.Set("X-CSRF-Token", sess.CSRF)
					res, err := hc.Do(req)
					if err != nil {
						return err
					}
					defer res.Body.Close()
					_, _ = io.Copy(io.Discard, res.Body) // so the connection is reused
					if res.StatusCode != 201 {
						return fmt.Errorf("status %d", res.StatusCode)
					}
					return nil
				}
				b.SetParallelism(max(1, clients/2)) // GOMAXPROCS is 2 here
				start := time.Now()
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						if err := post(); err != nil {
							b.Error(err)
							return
						}
					}
				})
				b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "tasks/s")
			})
		}
	})
}

// BenchmarkCreateTask is one issued task through the service (no HTTP).
func BenchmarkCreateTask(b *testing.B) {
	eachDriver(b, func(b *testing.B, dialect db.Dialect) {
		e := newEnv(b, testutil.Open(b, dialect))
		in := e.input(func(in *tasks.TaskInput) { in.Milestones = &[]tasks.MilestoneInput{{Name: "开工", DueOn: e.day(10)}} })
		for b.Loop() {
			if _, err := e.s.Create(e.ctx, e.as("supervisor"), in); err != nil {
				b.Fatal(err)
			}
		}
	})
}
