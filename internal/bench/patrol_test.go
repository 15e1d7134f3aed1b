package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"diaodu/internal/app"
	"diaodu/internal/demo"
	"diaodu/internal/fire/patrol"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/clock"
	"diaodu/internal/platform/db"
	"diaodu/internal/testutil"
)

// BenchmarkFirePatrolPointsConcurrent is 200 patrollers' phones posting
// route points over loopback HTTP for 60 s (DIAODU_BENCH_SECONDS to
// shorten): each phone has its own open patrol and sends batches of 10
// points, each batch with its own client_key. No error allowed; the points
// stored afterwards must equal 10 × the 201 answers, and the patrols'
// point counters must agree. "paced": a batch a second per phone (the
// page sends one every 10 s, so 10x real use); "flat-out": the next batch
// as soon as the last is answered (throughput; latency = phones ÷ rate).
func BenchmarkFirePatrolPointsConcurrent(b *testing.B) {
	eachDriver(b, func(b *testing.B, dialect db.Dialect) {
		a, phones := patrolPhones(b, dialect, 200)
		srv := httptest.NewServer(a.Handler())
		defer srv.Close()
		for _, mode := range []struct {
			name string
			pace time.Duration
		}{{"paced", time.Second}, {"flat-out", 0}} {
			b.Run(mode.name, func(b *testing.B) {
				for b.Loop() {
					sendPoints(b, a, srv.URL, phones, mode.pace)
				}
			})
		}
	})
}

type patrolPhone struct {
	cookie *http.Cookie
	csrf   string
	patrol int64
	seq    int
}

// patrolPhones builds the demo district with its fire posts and starts a
// patrol per phone as the village workers (phones of one village share its
// worker's session, each with its own patrol).
func patrolPhones(b *testing.B, dialect db.Dialect, n int) (*app.App, []*patrolPhone) {
	d := testutil.Open(b, dialect)
	a, err := app.Wire(app.Config{DataDir: b.TempDir()}, d, clock.System{})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if _, err := demo.Build(ctx, a.Audit, 1); err != nil {
		b.Fatal(err)
	}
	type village struct {
		id   int64
		user string
	}
	var vs []village
	rows, err := d.R.QueryContext(ctx, `SELECT u.id, MIN(us.username) FROM units u JOIN users us ON us.unit_id = u.id
		WHERE u.kind = 'village' GROUP BY u.id ORDER BY u.id`)
	if err != nil {
		b.Fatal(err)
	}
	for rows.Next() {
		var v village
		if err := rows.Scan(&v.id, &v.user); err != nil {
			b.Fatal(err)
		}
		vs = append(vs, v)
	}
	rows.Close()
	sys := auth.System("bench")
	phones := make([]*patrolPhone, n)
	posts := map[int64]int64{}
	sessions := map[string]*patrolPhone{}
	start := time.Now().Add(-time.Hour)
	for i := range phones {
		v := vs[i%len(vs)]
		if posts[v.id] == 0 {
			p, err := a.Patrol.SavePost(ctx, sys, 0, patrol.PostInput{VillageID: v.id, Name: "护林岗", Patrollers: []patrol.Member{{Name: "甲"}, {Name: "乙"}}})
			if err != nil {
				b.Fatal(err)
			}
			posts[v.id] = p.ID
		}
		ph := &patrolPhone{}
		if s, ok := sessions[v.user]; ok {
			ph.cookie, ph.csrf = s.cookie, s.csrf
		} else {
			ph.cookie, ph.csrf = signIn(b, a, v.user)
			sessions[v.user] = ph
		}
		actor, err := a.Account.ActorFor(ctx, v.user)
		if err != nil {
			b.Fatal(err)
		}
		p, _, err := a.Patrol.CreatePatrol(ctx, actor, patrol.PatrolInput{PostID: posts[v.id], StartedAt: &start})
		if err != nil {
			b.Fatal(err)
		}
		ph.patrol = p.ID
		phones[i] = ph
	}
	return a, phones
}

// sendPoints runs the phones for benchSeconds and checks the count after.
func sendPoints(b *testing.B, a *app.App, base string, phones []*patrolPhone, pace time.Duration) {
	const perBatch = 10
	c := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: len(phones), MaxConnsPerHost: len(phones)}}
	count := func() (stored, counted int) {
		_ = a.DB.R.QueryRow(`SELECT COUNT(*) FROM fire_patrol_points`).Scan(&stored)
		_ = a.DB.R.QueryRow(`SELECT COALESCE(SUM(point_count), 0) FROM fire_patrols`).Scan(&counted)
		return
	}
	before, _ := count()
	stamp := time.Now().UnixNano()
	run := drivePhones(len(phones), pace, benchSeconds(), func(i int) *http.Request {
		p := phones[i]
		pts := make([]patrol.Point, perBatch)
		now := time.Now().UTC()
		for k := range pts {
			p.seq++
			pts[k] = patrol.Point{At: now.Add(time.Duration(k-perBatch) * time.Second), Lat: 25 + float64(p.seq%500)*1e-5, Lng: 102.7 + float64(i)*1e-4}
		}
		body, _ := json.Marshal(patrol.PointsInput{ClientKey: fmt.Sprintf("bench-%d-%d-%d", p.patrol, p.seq, stamp), Points: pts})
		req, _ := http.NewRequest("POST", fmt.Sprintf("%s/api/v1/fire/patrols/%d/points", base, p.patrol), bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-CSRF-Token", p.csrf)
		req.AddCookie(p.cookie)
		return req
	}, c)
	if run.failed > 0 {
		b.Fatalf("%d errors, the first: %v", run.failed, run.firstErr)
	}
	after, counted := count()
	if int64(after-before) != run.created*perBatch || counted != after {
		b.Fatalf("%d batches answered 201 (%d points), %d stored, counters say %d", run.created, run.created*perBatch, after-before, counted)
	}
	b.ReportMetric(float64(run.created)/run.elapsed.Seconds(), "batches/s")
	b.ReportMetric(float64(after-before), "points")
	reportPercentiles(b, run.durs)
}

// phoneRun is what drivePhones saw.
type phoneRun struct {
	created, failed int64
	firstErr        any
	durs            []time.Duration
	elapsed         time.Duration
}

// drivePhones runs n phones for d: each sends the request next(i) makes
// (nil: that phone has nothing left to send), paced (one every pace, the
// phones spread over it) or back to back (pace 0), and counts 201 answers,
// failures and latencies. The receipts benchmark uses it too.
func drivePhones(n int, pace, d time.Duration, next func(i int) *http.Request, c *http.Client) phoneRun {
	var created, failed atomic.Int64
	var firstErr atomic.Value
	durs := make([][]time.Duration, n)
	start := time.Now()
	deadline := start.Add(d)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			at := start.Add(time.Duration(i) * pace / time.Duration(n))
			for {
				if pace > 0 {
					time.Sleep(time.Until(at))
					at = at.Add(pace)
				}
				if time.Now().After(deadline) {
					return
				}
				req := next(i)
				if req == nil {
					return
				}
				t0 := time.Now()
				res, err := c.Do(req)
				if err == nil {
					out, _ := io.ReadAll(res.Body)
					res.Body.Close()
					if res.StatusCode != http.StatusCreated {
						err = fmt.Errorf("%d %s", res.StatusCode, out)
					}
				}
				durs[i] = append(durs[i], time.Since(t0))
				if err != nil {
					failed.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
					continue
				}
				created.Add(1)
			}
		}()
	}
	wg.Wait()
	r := phoneRun{created: created.Load(), failed: failed.Load(), firstErr: firstErr.Load(), elapsed: time.Since(start)}
	for _, ds := range durs {
		r.durs = append(r.durs, ds...)
	}
	return r
}
