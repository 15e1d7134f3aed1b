package notify_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"sync"
	"testing"
	"time"

	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/clock"
	"diaodu/internal/platform/db"
	"diaodu/internal/platform/notify"
	"diaodu/internal/testutil"
)

var (
	ctx    = context.Background()
	system = auth.System("test")
)

// base is the public address the tests configure.
const base = "https://diaodu.example.gov.cn"

// env is a fixture with its notifier set up for tests: short timeout, a
// wall clock that stands still so signatures are predictable.
type env struct {
	f    *testutil.Fixture
	n    *notify.Notifier
	wall *clock.Fixed
}

func newEnv(t *testing.T, d *db.DB) *env {
	t.Helper()
	f := testutil.NewFixture(t, d)
	e := &env{f: f, n: f.App.Notify, wall: &clock.Fixed{T: time.Date(2026, 11, 26, 9, 30, 0, 0, clock.Shanghai)}}
	e.n.WallClock, e.n.BaseURL, e.n.Timeout = e.wall, base, 2*time.Second
	return e
}

func (e *env) unit(code string) int64 { return e.f.Units[code].ID }
func (e *env) user(name string) int64 { return e.f.Users[name].UserID }

// send runs Send in an audited write, as a service would.
func (e *env) send(t *testing.T, m notify.Message) bool {
	t.Helper()
	var fresh bool
	err := e.f.App.Audit.Write(ctx, system, func(w *audit.W) error {
		var err error
		if fresh, err = e.n.Send(ctx, w, m); err != nil {
			return err
		}
		return w.Record(audit.Entry{Action: "test.write", ObjectType: "test", Summary: "a write that notifies"})
	})
	if err != nil {
		t.Fatalf("send %+v: %v", m, err)
	}
	return fresh
}

// channel creates a channel as the administrator.
func (e *env) channel(t *testing.T, in notify.ChannelInput) *notify.Channel {
	t.Helper()
	c, err := e.n.SaveChannel(ctx, e.f.Users["admin"], 0, in)
	if err != nil {
		t.Fatalf("channel %+v: %v", in, err)
	}
	return c
}

// deliver runs one DeliverDue pass and checks how many it attempted.
func (e *env) deliver(t *testing.T, want int) {
	t.Helper()
	got, err := e.n.DeliverDue(ctx)
	if err != nil || got != want {
		t.Fatalf("DeliverDue: %d attempted, %v; want %d", got, err, want)
	}
}

// delivery is a row of the outbox as stored.
type delivery struct {
	status, lastError, body string
	attempts, code          int
	next                    time.Time
	sent                    bool
}

func (e *env) delivery(t *testing.T, id int64) delivery {
	t.Helper()
	var d delivery
	var sent *time.Time
	if err := e.f.App.DB.R.QueryRowContext(ctx, `SELECT status, last_error, response_body, attempts, response_status,
		next_attempt_at, sent_at FROM notify_deliveries WHERE id = $1`, id).
		Scan(&d.status, &d.lastError, &d.body, &d.attempts, &d.code, &d.next, &sent); err != nil {
		t.Fatal(err)
	}
	d.sent = sent != nil
	return d
}

// onlyDelivery returns the id of the single delivery of a channel.
func (e *env) onlyDelivery(t *testing.T, channel int64) int64 {
	t.Helper()
	var id int64
	if err := e.f.App.DB.R.QueryRowContext(ctx, `SELECT id FROM notify_deliveries WHERE channel_id = $1`, channel).Scan(&id); err != nil {
		t.Fatalf("the delivery of channel %d: %v", channel, err)
	}
	return id
}

// captured is a request a receiver got.
type captured struct {
	url    *url.URL
	header http.Header
	body   []byte
}

// receiver is a fake robot: it records every request and answers with
// answer (default: 200 {"errcode":0,"code":0}).
type receiver struct {
	*httptest.Server
	mu     sync.Mutex
	reqs   []captured
	answer func(w http.ResponseWriter, r *http.Request)
}

func newReceiver(t *testing.T, answer func(w http.ResponseWriter, r *http.Request)) *receiver {
	rc := &receiver{answer: answer}
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		rc.reqs = append(rc.reqs, captured{r.URL, r.Header.Clone(), b})
		rc.mu.Unlock()
		if rc.answer != nil {
			rc.answer(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"errcode":0,"errmsg":"ok","code":0,"msg":"success"}`)
	}))
	t.Cleanup(rc.Close)
	return rc
}

func (rc *receiver) requests() []captured {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]captured(nil), rc.reqs...)
}

// answerJSON answers status with body.
func answerJSON(status int, body string) func(w http.ResponseWriter, r *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}
}

// hang never answers: it waits until the sender gives up.
func hang(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }

func ptr[T any](v T) *T { return &v }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

var errRollback = errors.New("the write failed after notifying")
