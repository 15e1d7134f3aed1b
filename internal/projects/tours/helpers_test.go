package tours_test

import (
	"context"
	"fmt"
	"testing"

	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/calendar"
	"diaodu/internal/platform/db"
	"diaodu/internal/projects/tours"
	"diaodu/internal/testutil"
)

// env is the fixture district with five key projects (three in 青石镇, two
// in 柳溪镇) and five judges besides the fixture's "judge".
type env struct {
	f        *testutil.Fixture
	ctx      context.Context
	s        *tours.Service
	projects []int64
	judges   []int64
}

func newEnv(t testing.TB, d *db.DB) *env {
	t.Helper()
	e := &env{f: testutil.NewFixture(t, d), ctx: context.Background()}
	e.s = e.f.App.Tours
	for i, p := range []struct {
		town, unit string
		yi         int64
	}{{"QS", "QS", 50}, {"QS", "FGJ", 3}, {"QS", "QS", 2}, {"LX", "LX", 8}, {"LX", "FGJ", 1}} {
		town, unit := e.f.Units[p.town], e.f.Units[p.unit]
		var id int64
		if err := d.W.QueryRowContext(e.ctx, `INSERT INTO projects (name, code, town_id, town_path, unit_id, unit_path, total_investment,
			phase, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 'continued', $8, $8) RETURNING id`,
			fmt.Sprintf("测试项目%d", i+1), fmt.Sprintf("XM%03d", i+1), town.ID, town.Path, unit.ID, unit.Path, p.yi*100_000_000,
			testutil.Start).Scan(&id); err != nil {
			t.Fatal(err)
		}
		e.projects = append(e.projects, id)
	}
	e.judges = []int64{e.as("judge").UserID}
	for i := 2; i <= 5; i++ {
		e.judges = append(e.judges, e.f.AddUser(t, fmt.Sprintf("judge%d", i), "D", "judge").UserID)
	}
	return e
}

func ptr[T any](v T) *T { return &v }

func (e *env) as(name string) *auth.Actor { return e.f.Users[name] }

// judge returns the n-th judge (1-based) as an actor.
func (e *env) judge(n int) *auth.Actor {
	if n == 1 {
		return e.as("judge")
	}
	return e.as(fmt.Sprintf("judge%d", n))
}

func (e *env) input() tours.Input {
	return tours.Input{Name: ptr("2026年第四季度重点项目观摩"), Date: ptr(calendar.MustDate("2026-11-28")), Route: ptr("区政府集合→青石镇→柳溪镇"),
		ProjectIDs: ptr(append([]int64(nil), e.projects...)), JudgeIDs: ptr(append([]int64(nil), e.judges...))}
}

// tour creates a tour with every project and judge, opened when open.
func (e *env) tour(t testing.TB, open bool) *tours.Detail {
	t.Helper()
	d, err := e.s.Create(e.ctx, e.as("supervisor"), e.input())
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	if open {
		if d, err = e.s.Open(e.ctx, e.as("supervisor"), d.ID); err != nil {
			t.Fatalf("open: %v", err)
		}
	}
	return d
}

func pts(vs ...float64) []*float64 {
	out := make([]*float64, len(vs))
	for i := range vs {
		out[i] = &vs[i]
	}
	return out
}

// score submits a sheet for a judge.
func (e *env) score(t testing.TB, tourID int64, judge int, project int64, vs ...float64) {
	t.Helper()
	if _, err := e.s.SaveSheet(e.ctx, e.judge(judge), tourID, project, tours.SheetInput{Points: pts(vs...), Submit: true}); err != nil {
		t.Fatalf("score judge %d project %d: %v", judge, project, err)
	}
}

func (e *env) head(t testing.TB) int { return e.f.Count(t, `SELECT seq FROM audit_head WHERE id = 1`) }
