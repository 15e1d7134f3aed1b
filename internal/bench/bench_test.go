// Package bench holds the benchmarks behind docs/benchmarks.md. Run with
// `make bench` (or go test -run '^$' -bench . ./internal/bench/); each runs
// on SQLite and, with DIAODU_TEST_POSTGRES, on PostgreSQL.
package bench

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"diaodu/internal/app"
	"diaodu/internal/demo"
	"diaodu/internal/org"
	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/clock"
	"diaodu/internal/platform/db"
	"diaodu/internal/platform/httpx"
	"diaodu/internal/testutil"
)

// scaled is a demo district at scale 10, built once per driver.
type scaled struct {
	app    *app.App
	cookie *http.Cookie
}

var (
	scaledMu sync.Mutex
	scaledBy = map[db.Dialect]*scaled{}
)

func demoAt10(b *testing.B, dialect db.Dialect) *scaled {
	scaledMu.Lock()
	defer scaledMu.Unlock()
	if s, ok := scaledBy[dialect]; ok {
		return s
	}
	d := testutil.Open(b, dialect)
	a, err := app.Wire(app.Config{DataDir: b.TempDir()}, d, clock.System{})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := demo.Build(context.Background(), a.Audit, 10); err != nil {
		b.Fatal(err)
	}
	sess, err := a.Account.SignIn(context.Background(), "admin", demo.Password, "127.0.0.1", "bench")
	if err != nil {
		b.Fatal(err)
	}
	s := &scaled{app: a, cookie: &http.Cookie{Name: "diaodu_session", Value: sess.Token}}
	scaledBy[dialect] = s
	b.Cleanup(func() {
		scaledMu.Lock()
		delete(scaledBy, dialect)
		scaledMu.Unlock()
	})
	return s
}

// reportPercentiles adds p50 and p99 latencies of the timed calls.
func reportPercentiles(b *testing.B, durs []time.Duration) {
	if len(durs) == 0 {
		return
	}
	slices.Sort(durs)
	p := func(q float64) float64 {
		return float64(durs[int(q*float64(len(durs)-1))].Microseconds()) / 1000
	}
	b.ReportMetric(p(0.50), "p50-ms")
	b.ReportMetric(p(0.99), "p99-ms")
}

// timeGets is a page benchmark: GET the paths in turn as cookie's user
// for as long as the benchmark runs, and report the percentiles.
func timeGets(b *testing.B, h http.Handler, cookie *http.Cookie, paths ...string) {
	g := &supervisionScale{}
	durs := make([]time.Duration, 0, 1024)
	i := 0
	for b.Loop() {
		durs = append(durs, g.get(b, h, cookie, paths[i%len(paths)]))
		i++
	}
	reportPercentiles(b, durs)
}

func eachDriver(b *testing.B, fn func(b *testing.B, dialect db.Dialect)) {
	for _, d := range testutil.Drivers(b) {
		b.Run(string(d), func(b *testing.B) { fn(b, d) })
	}
}

// BenchmarkSignIn is a password sign-in with production argon2id costs.
func BenchmarkSignIn(b *testing.B) {
	eachDriver(b, func(b *testing.B, dialect db.Dialect) {
		saved := auth.HashParams
		auth.HashParams = auth.Argon2Params{Time: 3, Memory: 64 * 1024, Threads: 2}
		defer func() { auth.HashParams = saved }()
		f := testutil.NewFixture(b, testutil.Open(b, dialect))
		f.AddUser(b, "bench", "QS", "staff")
		ctx := context.Background()
		b.ResetTimer()
		for b.Loop() {
			if _, err := f.App.Account.SignIn(ctx, "bench", testutil.Password, "127.0.0.1", "bench"); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkListUnitsHTTP is an authenticated GET /api/v1/units (20 a page,
// pages spread over the list) through the whole handler at scale 10.
func BenchmarkListUnitsHTTP(b *testing.B) {
	eachDriver(b, func(b *testing.B, dialect db.Dialect) {
		s := demoAt10(b, dialect)
		h := s.app.Handler()
		durs := make([]time.Duration, 0, 1024)
		b.ResetTimer()
		i := 0
		for b.Loop() {
			i++
			req := httptest.NewRequest("GET", fmt.Sprintf("/api/v1/units?page=%d&page_size=20", i%90+1), nil)
			req.AddCookie(s.cookie)
			rec := httptest.NewRecorder()
			start := time.Now()
			h.ServeHTTP(rec, req)
			durs = append(durs, time.Since(start))
			if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"total":`) {
				b.Fatalf("%d %s", rec.Code, rec.Body.String())
			}
		}
		b.StopTimer()
		reportPercentiles(b, durs)
	})
}

// BenchmarkScopedUsers is a town administrator's user list at scale 10:
// the subtree filter on units.path, a search and a page.
func BenchmarkScopedUsers(b *testing.B) {
	eachDriver(b, func(b *testing.B, dialect db.Dialect) {
		s := demoAt10(b, dialect)
		ctx := context.Background()
		u, err := s.app.Org.UserByName(ctx, s.app.DB.R, "t05_admin")
		if err != nil || u == nil {
			b.Fatal("no t05_admin", err)
		}
		actor := &auth.Actor{UserID: u.ID, UnitID: u.UnitID, UnitPath: u.UnitPath, Roles: []auth.Role{auth.UnitAdmin}}
		durs := make([]time.Duration, 0, 1024)
		b.ResetTimer()
		for b.Loop() {
			start := time.Now()
			items, total, err := s.app.Org.ListUsers(ctx, actor, org.UserFilter{Role: "field"}, httpx.Page{Page: 1, Size: 20})
			durs = append(durs, time.Since(start))
			if err != nil || total < 10 || len(items) == 0 {
				b.Fatalf("%v total=%d", err, total)
			}
		}
		b.StopTimer()
		reportPercentiles(b, durs)
	})
}

// chain1M is an audit trail of a million entries, built once per driver.
var (
	chainMu sync.Mutex
	chainBy = map[db.Dialect]*audit.Log{}
)

func millionEntries(b *testing.B, dialect db.Dialect) *audit.Log {
	chainMu.Lock()
	defer chainMu.Unlock()
	if l, ok := chainBy[dialect]; ok {
		return l
	}
	d := testutil.Open(b, dialect)
	l := &audit.Log{DB: d, Clock: clock.System{}}
	ctx := context.Background()
	actor := &auth.Actor{UserID: 7, Username: "bench", IP: "10.0.0.1"}
	const total, batch = 1_000_000, 50_000
	for done := 0; done < total; done += batch {
		es := make([]audit.Entry, batch)
		for i := range es {
			es[i] = audit.Entry{Action: "unit.update", ObjectType: "unit", ObjectID: fmt.Sprint(done + i), UnitID: int64(i%200 + 1),
				Summary: "修改单位“青石镇”", Before: map[string]any{"name": "旧名称"}, After: map[string]any{"name": "新名称"}}
		}
		if err := l.Write(ctx, actor, func(w *audit.W) error { return w.RecordMany(es) }); err != nil {
			b.Fatal(err)
		}
	}
	chainBy[dialect] = l
	b.Cleanup(func() {
		chainMu.Lock()
		delete(chainBy, dialect)
		chainMu.Unlock()
	})
	return l
}

// BenchmarkAuditVerify1M walks and re-hashes a chain of 1,000,000 entries.
func BenchmarkAuditVerify1M(b *testing.B) {
	eachDriver(b, func(b *testing.B, dialect db.Dialect) {
		l := millionEntries(b, dialect)
		b.ResetTimer()
		for b.Loop() {
			rep, err := l.Verify(context.Background())
			if err != nil || !rep.OK || rep.Checked != 1_000_000 {
				b.Fatalf("%v %+v", err, rep)
			}
		}
	})
}
