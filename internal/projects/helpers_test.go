package projects_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/calendar"
	"diaodu/internal/platform/db"
	"diaodu/internal/projects"
	"diaodu/internal/testutil"
)

// env is the fixture district with the projects service.
type env struct {
	f   *testutil.Fixture
	ctx context.Context
	s   *projects.Service
	n   int
}

func newEnv(t testing.TB, d *db.DB) *env {
	t.Helper()
	e := &env{f: testutil.NewFixture(t, d), ctx: context.Background()}
	e.s = e.f.App.Projects
	return e
}

func ptr[T any](v T) *T { return &v }

func (e *env) as(name string) *auth.Actor { return e.f.Users[name] }
func (e *env) unit(code string) int64     { return e.f.Units[code].ID }
func (e *env) day(n int) calendar.Date    { return calendar.DateOf(e.f.Clock.Now()).AddDays(n) }
func id(n int64) string                   { return strconv.FormatInt(n, 10) }

// input is a valid project in 青石镇, 青石镇 responsible, 5亿 total, 1.2亿 this year.
func (e *env) input(mods ...func(in *projects.Input)) projects.Input {
	e.n++
	in := projects.Input{Name: ptr("新能源电池产业园" + strconv.Itoa(e.n)), TownID: ptr(e.unit("QS")), UnitID: ptr(e.unit("QS")),
		TotalInvestment: ptr(int64(500_000_000)), YearPlanInvestment: ptr(int64(120_000_000)), Category: ptr("产业项目"),
		LeaderUserID: ptr(e.as("leader").UserID), ContactName: ptr("王工"), ContactPhone: ptr("13800001234")}
	for _, m := range mods {
		m(&in)
	}
	return in
}

func (e *env) project(t testing.TB, mods ...func(in *projects.Input)) *projects.Project {
	t.Helper()
	p, err := e.s.Create(e.ctx, e.as("supervisor"), e.input(mods...))
	if err != nil {
		t.Fatalf("create project: %v", err)
	}
	return p
}

func (e *env) detail(t testing.TB, pid int64) *projects.Detail {
	t.Helper()
	d, err := e.s.Detail(e.ctx, e.as("supervisor"), pid)
	if err != nil {
		t.Fatalf("detail: %v", err)
	}
	return d
}

func (e *env) advance(days int) { e.f.Clock.Advance(time.Duration(days) * 24 * time.Hour) }

func (e *env) count(t testing.TB, q string, args ...any) int { return e.f.Count(t, q, args...) }

// head is the audit chain's length: a bad input must not move it.
func (e *env) head(t testing.TB) int { return e.count(t, `SELECT seq FROM audit_head WHERE id = 1`) }

var pdf = []byte("%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n")
