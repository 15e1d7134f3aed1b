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
	"diaodu/internal/platform/clock"
	"diaodu/internal/platform/db"
	"diaodu/internal/testutil"
)

// office is the demo district (scale 1) served over real HTTP, with the
// supervision office signed in.
type office struct {
	app          *app.App
	srv          *httptest.Server
	cookie, csrf string
	leader, unit int64
	source       int64
}

func newOffice(b *testing.B, dialect db.Dialect) *office {
	d := testutil.Open(b, dialect)
	a, err := app.Wire(app.Config{DataDir: b.TempDir()}, d, clock.System{})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if _, err := demo.Build(ctx, a.Audit, 1); err != nil {
		b.Fatal(err)
	}
	sess, err := a.Account.SignIn(ctx, "ducha", demo.Password, "127.0.0.1", "bench")
	if err != nil {
		b.Fatal(err)
	}
	o := &office{app: a, cookie: sess.Token, csrf: sess.CSRF}
	_ = d.R.QueryRow(`SELECT id FROM users WHERE username = 'leader3'`).Scan(&o.leader)
	_ = d.R.QueryRow(`SELECT id FROM units WHERE code = 'SFQ-D03'`).Scan(&o.unit)
	o.srv = httptest.NewServer(a.Handler())
	b.Cleanup(o.srv.Close)
	code, body, err := o.do(http.DefaultClient, "POST", "/api/v1/task-sources", map[string]any{"kind": "meeting",
		"meeting_kind": "dispatch", "title": "压测调度会", "held_on": "2026-11-02", "year": 2026})
	var src struct{ ID int64 }
	if err != nil || code != 201 || json.Unmarshal(body, &src) != nil {
		b.Fatalf("source: %d %v %s", code, err, body)
	}
	o.source = src.ID
	return o
}

func (o *office) do(c *http.Client, method, path string, body any) (int, []byte, error) {
	buf, _ := json.Marshal(body)
	req, _ := http.NewRequest(method, o.srv.URL+path, bytes.NewReader(buf))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", o.csrf)
	req.AddCookie(&http.Cookie{Name: "diaodu_session", Value: o.cookie})
	res, err := c.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	out, err := io.ReadAll(res.Body)
	return res.StatusCode, out, err
}

func (o *office) taskBody(i int) map[string]any {
	return map[string]any{"title": fmt.Sprintf("压测任务%d", i), "requirements": "按期完成", "kind": "once", "source_id": o.source,
		"report_cycle": "month", "leader_ids": []int64{o.leader}, "lead_unit_id": o.unit,
		"start_on": "2026-11-02", "deadline": "2026-12-31", "issue": true}
}

// hammer runs n requests spread over clients goroutines and reports
// requests a second; any non-2xx answer fails the benchmark.
func hammer(b *testing.B, clients, n int, req func(c *http.Client, i int) (int, []byte, error)) {
	c := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
	var next atomic.Int64
	var wg sync.WaitGroup
	var failed atomic.Value
	start := time.Now()
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1))
				if i > n || failed.Load() != nil {
					return
				}
				code, body, err := req(c, i)
				if err != nil || code/100 != 2 {
					failed.Store(fmt.Sprintf("request %d: %d %v %s", i, code, err, body))
					return
				}
			}
		}()
	}
	wg.Wait()
	if f := failed.Load(); f != nil {
		b.Fatal(f)
	}
	b.ReportMetric(float64(n)/time.Since(start).Seconds(), "req/s")
}

// BenchmarkCreateTasksHTTP creates (and issues) tasks through POST
// /api/v1/tasks from 8 and 32 concurrent clients: session, CSRF, JSON,
// validation, numbering, the audit entry and the light, each a transaction.
func BenchmarkCreateTasksHTTP(b *testing.B) {
	eachDriver(b, func(b *testing.B, dialect db.Dialect) {
		for _, clients := range []int{8, 32} {
			b.Run(fmt.Sprintf("clients=%d", clients), func(b *testing.B) {
				o := newOffice(b, dialect)
				const n = 3000
				b.ResetTimer()
				for b.Loop() {
					hammer(b, clients, n, func(c *http.Client, i int) (int, []byte, error) {
						return o.do(c, "POST", "/api/v1/tasks", o.taskBody(i))
					})
				}
			})
		}
	})
}

// BenchmarkUpdateTasksHTTP patches existing tasks (title and requirements)
// through PATCH /api/v1/tasks/{id} from 8 and 32 concurrent clients.
func BenchmarkUpdateTasksHTTP(b *testing.B) {
	eachDriver(b, func(b *testing.B, dialect db.Dialect) {
		for _, clients := range []int{8, 32} {
			b.Run(fmt.Sprintf("clients=%d", clients), func(b *testing.B) {
				o := newOffice(b, dialect)
				const n = 3000
				ids := make([]int64, 500)
				c := &http.Client{}
				for i := range ids {
					code, body, err := o.do(c, "POST", "/api/v1/tasks", o.taskBody(i))
					var t struct{ ID int64 }
					if err != nil || code != 201 || json.Unmarshal(body, &t) != nil {
						b.Fatalf("%d %v %s", code, err, body)
					}
					ids[i] = t.ID
				}
				b.ResetTimer()
				for b.Loop() {
					hammer(b, clients, n, func(c *http.Client, i int) (int, []byte, error) {
						return o.do(c, "PATCH", fmt.Sprintf("/api/v1/tasks/%d", ids[i%len(ids)]),
							map[string]any{"requirements": fmt.Sprintf("第%d次调整：按期完成", i)})
					})
				}
			})
		}
	})
}
