package bench

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"diaodu/internal/app"
	"diaodu/internal/demo"
	"diaodu/internal/platform/clock"
	"diaodu/internal/platform/db"
	"diaodu/internal/testutil"
)

// benchNow is the instant the scales are built at; their clocks stay there,
// so lights, due days and time-sequence are the same in every run.
var benchNow = time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC)

// perDialect keeps one scale per database for all the benchmarks of a run:
// building one takes seconds to minutes.
type perDialect[T any] struct {
	mu sync.Mutex
	by map[db.Dialect]*T
}

// get returns the scale of dialect, building it the first time.
func (p *perDialect[T]) get(b testing.TB, dialect db.Dialect, build func() *T) *T {
	p.mu.Lock()
	defer p.mu.Unlock()
	if s, ok := p.by[dialect]; ok {
		return s
	}
	s := build()
	if p.by == nil {
		p.by = map[db.Dialect]*T{}
	}
	p.by[dialect] = s
	b.Cleanup(func() {
		p.mu.Lock()
		delete(p.by, dialect)
		p.mu.Unlock()
	})
	return s
}

// scaleApp opens a fresh database, wires the app on clk (nil: fixed at
// benchNow), builds the demo district at scale and runs the demo steps
// given (demo.Registry, demo.Safety …).
func scaleApp(b testing.TB, dialect db.Dialect, clk clock.Clock, scale int, steps ...func(context.Context, *app.App) error) *app.App {
	if clk == nil {
		clk = &clock.Fixed{T: benchNow}
	}
	a, err := app.Wire(app.Config{DataDir: b.TempDir()}, testutil.Open(b, dialect), clk)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if _, err := demo.Build(ctx, a.Audit, scale); err != nil {
		b.Fatal(err)
	}
	for _, step := range steps {
		if err := step(ctx, a); err != nil {
			b.Fatal(err)
		}
	}
	return a
}

// settle gives the planner the statistics a running server has after a big
// load: DB.Analyze as at the first start and nightly (job db.analyze), and
// on PostgreSQL what autovacuum would do.
func settle(b testing.TB, d *db.DB) {
	ctx := context.Background()
	if err := d.Analyze(ctx); err != nil {
		b.Fatal(err)
	}
	if d.Dialect == db.Postgres {
		if _, err := d.W.ExecContext(ctx, `VACUUM ANALYZE`); err != nil {
			b.Fatal(err)
		}
	}
}

// sessionCookie signs user in with the demo password.
func sessionCookie(b testing.TB, a *app.App, user string) *http.Cookie {
	sess, err := a.Account.SignIn(context.Background(), user, demo.Password, "127.0.0.1", "bench")
	if err != nil {
		b.Fatal(err)
	}
	return &http.Cookie{Name: "diaodu_session", Value: sess.Token}
}
