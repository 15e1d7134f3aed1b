package bench

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"testing"
	"time"

	"diaodu/internal/app"
	"diaodu/internal/demo"
	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/calendar"
	"diaodu/internal/platform/db"
	"diaodu/internal/projects"
)

// The key projects scale of issue 4: 5,000 projects across the demo's
// towns and chains, each with the nine standard milestones and 60 monthly
// reports (five years), 300,000 reports in all; lights and pace computed
// by the service's own recompute.
const (
	scaleProjects     = 5_000
	reportsPerProject = 60
)

type projectScale struct {
	app    *app.App
	cookie *http.Cookie // the supervision office
	town   int64
	chain  int64
	ids    []int64
	relit  time.Duration
}

var projectScales perDialect[projectScale]

func projectsAtScale(b testing.TB, dialect db.Dialect) *projectScale {
	return projectScales.get(b, dialect, func() *projectScale {
		a := scaleApp(b, dialect, nil, 1, demo.Registry)
		ctx := context.Background()
		t0 := time.Now()
		s := &projectScale{app: a}
		if err := s.load(ctx, calendar.DateOf(benchNow)); err != nil {
			b.Fatal(err)
		}
		loaded := time.Since(t0)
		t1 := time.Now()
		if _, err := a.Projects.RecomputeAll(ctx, auth.System("bench")); err != nil {
			b.Fatal(err)
		}
		s.relit = time.Since(t1)
		settle(b, a.DB)
		b.Logf("%s: loaded %d projects, %d reports in %s; lights of all in %s", dialect, scaleProjects, scaleProjects*reportsPerProject,
			loaded.Round(time.Millisecond), s.relit.Round(time.Millisecond))
		s.cookie = sessionCookie(b, a, "ducha")
		return s
	})
}

// load copies projects, years, milestones and reports in one transaction.
func (s *projectScale) load(ctx context.Context, today calendar.Date) error {
	a := s.app
	type unit struct {
		id   int64
		path string
	}
	var towns []unit
	rows, err := a.DB.R.QueryContext(ctx, `SELECT id, path FROM units WHERE kind = 'town' ORDER BY id`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var u unit
		if err := rows.Scan(&u.id, &u.path); err != nil {
			rows.Close()
			return err
		}
		towns = append(towns, u)
	}
	rows.Close()
	var chains, leaders []int64
	for _, q := range []struct {
		sql string
		out *[]int64
	}{{`SELECT id FROM industrial_chains ORDER BY id`, &chains}, {`SELECT id FROM users WHERE roles LIKE '%leader%' ORDER BY id`, &leaders}} {
		rows, err := a.DB.R.QueryContext(ctx, q.sql)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			*q.out = append(*q.out, id)
		}
		rows.Close()
	}
	s.town, s.chain = towns[0].id, chains[0]
	rng := rand.New(rand.NewPCG(5, 5000))
	now := a.Clock.Now()
	phases := []string{projects.PhasePrep, projects.PhaseNew, projects.PhaseContinued, projects.PhaseContinued, projects.PhaseCompleted, projects.PhaseProducing}
	cats := projects.DefaultSettings.Categories
	return a.Audit.Write(ctx, auth.System("bench"), func(w *audit.W) error {
		ids, err := w.NextIDs(ctx, "projects", scaleProjects)
		if err != nil {
			return err
		}
		s.ids = ids
		var ps, ys, ms, rs [][]any
		first := today.FirstOfMonth().AddMonths(-reportsPerProject + 1)
		for i, id := range ids {
			t := towns[rng.IntN(len(towns))]
			total := int64(1+rng.IntN(500)) * 10_000_000
			plan := total / 4
			start := today.AddDays(-rng.IntN(1500))
			ps = append(ps, []any{id, fmt.Sprintf("压测重点项目%05d", i), fmt.Sprintf("BX%05d", i), t.id, t.path, t.id, t.path,
				cats[rng.IntN(len(cats))], chains[rng.IntN(len(chains))], phases[rng.IntN(len(phases))], leaders[rng.IntN(len(leaders))],
				total, plan, today.Year(), start.String(), start.AddDays(900).String(), now.AddDate(-5, 0, 0), now})
			ys = append(ys, []any{id, today.Year()}, []any{id, today.Year() - 1})
			for k, n := range projects.StandardMilestones {
				planned := start.AddDays(-120 + k*150)
				var actual any
				if planned.Before(today.AddDays(-rng.IntN(60))) {
					actual = planned.AddDays(rng.IntN(20) - 5).String()
				}
				ms = append(ms, []any{id, n, planned.String(), actual, k})
			}
			var cum int64
			for m := 0; m < reportsPerProject; m++ {
				month := first.AddMonths(m)
				im := plan / 12 * int64(80+rng.IntN(40)) / 100
				cum += im
				at := month.AddDays(20).At(10, 0)
				rs = append(rs, []any{id, fmt.Sprintf("%04d-%02d", month.Year(), int(month.Month())), month.AddDays(24).String(), im, cum,
					"主体施工中", "", "按计划推进", t.id, "压测", at, rng.IntN(10) == 0, at, at})
			}
		}
		for _, c := range []struct {
			table string
			cols  []string
			rows  [][]any
		}{
			{"projects", []string{"id", "name", "code", "town_id", "town_path", "unit_id", "unit_path", "category", "chain_id", "phase",
				"leader_user_id", "total_investment", "year_plan_investment", "plan_year", "start_on", "end_on", "created_at", "updated_at"}, ps},
			{"project_years", []string{"project_id", "year"}, ys},
			{"project_milestones", []string{"project_id", "name", "planned_on", "actual_on", "sort_order"}, ms},
			{"project_reports", []string{"project_id", "month", "due_on", "invest_month", "invest_cum", "progress_text", "problems", "next_plan",
				"unit_id", "submitted_by_name", "submitted_at", "late", "created_at", "updated_at"}, rs},
		} {
			if _, err := w.CopyFrom(ctx, c.table, c.cols, c.rows); err != nil {
				return fmt.Errorf("%s: %w", c.table, err)
			}
		}
		return w.Record(audit.Entry{Action: "bench.projects", ObjectType: "project", Summary: "压测重点项目"})
	})
}

func (s *projectScale) bench(b *testing.B, paths ...string) {
	timeGets(b, s.app.Handler(), s.cookie, paths...)
}

// BenchmarkProjectLedger is the ledger page (20 rows and the total) over
// 5,000 projects: no filter, and filters as people combine them.
func BenchmarkProjectLedger(b *testing.B) {
	eachDriver(b, func(b *testing.B, dialect db.Dialect) {
		s := projectsAtScale(b, dialect)
		b.Run("all", func(b *testing.B) { s.bench(b, "/api/v1/projects?page=3") })
		b.Run("filters", func(b *testing.B) {
			s.bench(b, "/api/v1/projects?light=red,yellow&size=large",
				fmt.Sprintf("/api/v1/projects?town_id=%d&phase=continued", s.town),
				fmt.Sprintf("/api/v1/projects?chain_id=%d&pace=behind&year=2026&sort=-total_investment", s.chain),
				"/api/v1/projects?q=压测重点项目012&category=产业项目")
		})
	})
}

// BenchmarkProjectDetail is the project page: 9 milestones, 60 reports,
// the plan year's series.
func BenchmarkProjectDetail(b *testing.B) {
	eachDriver(b, func(b *testing.B, dialect db.Dialect) {
		s := projectsAtScale(b, dialect)
		paths := make([]string, 50)
		for i := range paths {
			paths[i] = fmt.Sprintf("/api/v1/projects/%d", s.ids[i*97%len(s.ids)])
		}
		s.bench(b, paths...)
	})
}

// BenchmarkProjectBoard is the battle map: every project by phase, for the
// district and for a chain; and the summaries by town.
func BenchmarkProjectBoard(b *testing.B) {
	eachDriver(b, func(b *testing.B, dialect db.Dialect) {
		s := projectsAtScale(b, dialect)
		b.Run("district", func(b *testing.B) { s.bench(b, "/api/v1/projects/board") })
		b.Run("chain", func(b *testing.B) { s.bench(b, fmt.Sprintf("/api/v1/projects/board?chain_id=%d", s.chain)) })
		b.Run("gantt", func(b *testing.B) { s.bench(b, "/api/v1/projects/gantt?sort=light") })
		b.Run("summary", func(b *testing.B) {
			s.bench(b, "/api/v1/projects/summary?by=town", "/api/v1/projects/summary?by=leader")
		})
	})
}
