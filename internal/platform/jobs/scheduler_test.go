package jobs_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"diaodu/internal/platform/calendar"
	"diaodu/internal/platform/clock"
	"diaodu/internal/platform/db"
	"diaodu/internal/platform/jobs"
	"diaodu/internal/testutil"
)

// start is a Thursday, 09:00 in Shanghai.
var start = time.Date(2026, 11, 26, 1, 0, 0, 0, time.UTC)

// recorder is a job that remembers the asOf of every run.
type recorder struct {
	mu    sync.Mutex
	asOfs []time.Time
	delay time.Duration
	fail  int // fail this many runs first
}

func (r *recorder) fn(ctx context.Context, asOf time.Time) error {
	if r.delay > 0 {
		time.Sleep(r.delay) // widen the window in which a second replica could wrongly start it too
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.asOfs = append(r.asOfs, asOf.UTC())
	if r.fail > 0 {
		r.fail--
		return errors.New("接收方无响应")
	}
	return nil
}

func (r *recorder) runs() []time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.asOfs)
}

// replica is a second handle on the same database, as another server has.
func replica(t *testing.T, d *db.DB) *db.DB {
	t.Helper()
	nd, err := db.Open(context.Background(), d.URL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nd.Close() })
	return nd
}

func runDue(t *testing.T, s *jobs.Scheduler) []string {
	t.Helper()
	names, err := s.RunDue(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return names
}

// row reads a job's stored state.
type row struct {
	next     time.Time
	retry    *time.Time
	failures int
	status   string
	errText  string
	runs     int
	owner    string
}

func jobRow(t *testing.T, d *db.DB, name string) row {
	t.Helper()
	var r row
	var retry *time.Time
	if err := d.R.QueryRowContext(context.Background(), `SELECT next_run_at, retry_at, failures, last_status, last_error, runs, lease_owner
		FROM jobs WHERE name = $1`, name).Scan(&r.next, &retry, &r.failures, &r.status, &r.errText, &r.runs, &r.owner); err != nil {
		t.Fatal(err)
	}
	r.next = r.next.UTC()
	if retry != nil {
		u := retry.UTC()
		r.retry = &u
	}
	return r
}

func count(t *testing.T, d *db.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := d.R.QueryRowContext(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func at(day int, hour, minute int) time.Time {
	return time.Date(2026, 11, 26+day, hour, minute, 0, 0, clock.Shanghai).UTC()
}

// Two replicas on one database, each calling RunDue several times at once:
// every due slot runs exactly once, with its own asOf.
func TestRunsOncePerDueAcrossReplicas(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		clk := &clock.Fixed{T: start}
		rec := &recorder{delay: 20 * time.Millisecond}
		a, b := jobs.New(d, clk), jobs.New(replica(t, d), clk)
		for _, s := range []*jobs.Scheduler{a, b} {
			s.Register("remind", "催办提醒", jobs.Daily(9, 30), rec.fn)
		}
		if names := runDue(t, a); len(names) != 0 {
			t.Fatalf("ran %v before the first slot", names)
		}
		for day := range 3 {
			clk.T = at(day, 9, 31)
			var wg sync.WaitGroup
			var mu sync.Mutex
			var ran []string
			for i := range 6 {
				s := a
				if i%2 == 1 {
					s = b
				}
				wg.Add(1)
				go func() {
					defer wg.Done()
					names, err := s.RunDue(context.Background())
					if err != nil {
						t.Error(err)
					}
					mu.Lock()
					ran = append(ran, names...)
					mu.Unlock()
				}()
			}
			wg.Wait()
			if len(ran) != 1 {
				t.Fatalf("day %d: RunDue reported %v, want the job once", day, ran)
			}
			if got := rec.runs(); len(got) != day+1 || !got[day].Equal(at(day, 9, 30)) {
				t.Fatalf("day %d: runs %v, want one more for %s", day, got, at(day, 9, 30))
			}
		}
		if r := jobRow(t, d, "remind"); !r.next.Equal(at(3, 9, 30)) || r.runs != 3 || r.status != "ok" || r.owner != "" {
			t.Errorf("after three days: %+v", r)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM job_runs WHERE name = 'remind' AND status = 'ok'`); n != 3 {
			t.Errorf("run log has %d ok runs, want 3", n)
		}
	})
}

// After ten days down, the job runs once, for the latest missed slot, and
// is next due at the slot after now.
func TestCatchUpRunsOnceForTheLatestSlot(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		clk := &clock.Fixed{T: start}
		rec := &recorder{}
		s := jobs.New(d, clk)
		s.Register("lights", "重算亮灯", jobs.Daily(9, 0), rec.fn)
		runDue(t, s) // registers: first due tomorrow 09:00 (now is exactly 09:00)
		if r := jobRow(t, d, "lights"); !r.next.Equal(at(1, 9, 0)) {
			t.Fatalf("first due %s, want tomorrow 09:00", r.next)
		}
		clk.T = at(10, 12, 0)
		if names := runDue(t, s); !slices.Equal(names, []string{"lights"}) {
			t.Fatalf("after downtime ran %v", names)
		}
		if names := runDue(t, s); len(names) != 0 {
			t.Fatalf("ran again: %v", names)
		}
		if got := rec.runs(); len(got) != 1 || !got[0].Equal(at(10, 9, 0)) {
			t.Errorf("catch-up runs %v, want one for %s", got, at(10, 9, 0))
		}
		if r := jobRow(t, d, "lights"); !r.next.Equal(at(11, 9, 0)) {
			t.Errorf("next due %s, want %s", r.next, at(11, 9, 0))
		}
	})
}

// A lease held by a replica that died is taken over once it lapses; until
// then, the job is left alone.
func TestCrashedOwnersLeaseIsTakenOver(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		clk := &clock.Fixed{T: start}
		rec := &recorder{}
		s := jobs.New(d, clk)
		s.Register("missing", "缺报检测", jobs.Every(time.Hour), rec.fn)
		runDue(t, s)
		clk.Advance(time.Hour)
		// The dead replica took the lease and logged a run, then vanished.
		lease := func(until time.Time) {
			if _, err := d.W.ExecContext(ctx, `UPDATE jobs SET lease_owner = 'dead:1:abc#1', lease_until = $1, last_status = 'running'
				WHERE name = 'missing'`, until); err != nil {
				t.Fatal(err)
			}
		}
		lease(clk.Now().Add(5 * time.Minute))
		if _, err := d.W.ExecContext(ctx, `INSERT INTO job_runs (name, as_of, started_at, status, owner) VALUES ('missing', $1, $1, 'running', 'dead:1:abc')`,
			at(0, 10, 0)); err != nil {
			t.Fatal(err)
		}
		if names := runDue(t, s); len(names) != 0 {
			t.Fatalf("ran %v under a live lease", names)
		}
		clk.Advance(6 * time.Minute) // the lease has lapsed
		if names := runDue(t, s); !slices.Equal(names, []string{"missing"}) {
			t.Fatalf("takeover ran %v", names)
		}
		if got := rec.runs(); len(got) != 1 || !got[0].Equal(at(0, 10, 0)) {
			t.Errorf("runs %v, want one for 10:00", got)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM job_runs WHERE owner = 'dead:1:abc' AND status = 'error' AND finished_at IS NOT NULL`); n != 1 {
			t.Errorf("the dead replica's run is not marked interrupted")
		}
		if r := jobRow(t, d, "missing"); r.owner != "" || r.status != "ok" || !r.next.Equal(at(0, 11, 0)) {
			t.Errorf("after takeover: %+v", r)
		}
	})
}

// A new scheduler on the same database (a restart) keeps the stored due
// instant: nothing runs twice, and a changed schedule is taken up.
func TestRestartDoesNotRepeat(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		clk := &clock.Fixed{T: start}
		rec := &recorder{}
		first := jobs.New(d, clk)
		first.Register("remind", "催办提醒", jobs.Daily(9, 30), rec.fn)
		runDue(t, first)
		clk.T = at(0, 9, 45)
		if names := runDue(t, first); len(names) != 1 {
			t.Fatalf("first run: %v", names)
		}
		clk.T = at(0, 9, 50)
		again := jobs.New(replica(t, d), clk)
		again.Register("remind", "催办提醒", jobs.Daily(9, 30), rec.fn)
		if names := runDue(t, again); len(names) != 0 {
			t.Fatalf("restart re-ran %v", names)
		}
		if r := jobRow(t, d, "remind"); !r.next.Equal(at(1, 9, 30)) {
			t.Errorf("restart moved the due instant to %s", r.next)
		}
		// The schedule became hourly: tomorrow 09:30 is beyond the next
		// slot, so the job is due at 10:00 instead.
		hourly := jobs.New(d, clk)
		hourly.Register("remind", "催办提醒", jobs.Every(time.Hour), rec.fn)
		runDue(t, hourly)
		if r := jobRow(t, d, "remind"); !r.next.Equal(at(0, 10, 0)) {
			t.Errorf("changed schedule: next %s, want 10:00", r.next)
		}
		clk.T = at(0, 10, 0)
		if names := runDue(t, hourly); len(names) != 1 || len(rec.runs()) != 2 {
			t.Errorf("hourly slot: ran %v, %d runs", names, len(rec.runs()))
		}
	})
}

// A failure is recorded and retried after 1, then 5 minutes, for the same
// slot; success clears it.
func TestFailureBacksOff(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		clk := &clock.Fixed{T: start}
		rec := &recorder{fail: 2}
		s := jobs.New(d, clk)
		s.Register("webhook", "推送汇总", jobs.Daily(9, 30), rec.fn)
		runDue(t, s)
		clk.T = at(0, 9, 30)
		if names := runDue(t, s); len(names) != 1 {
			t.Fatalf("ran %v", names)
		}
		r := jobRow(t, d, "webhook")
		if r.status != "error" || r.errText != "接收方无响应" || r.failures != 1 || r.retry == nil || !r.retry.Equal(at(0, 9, 31)) {
			t.Fatalf("after a failure: %+v retry %v", r, r.retry)
		}
		if names := runDue(t, s); len(names) != 0 {
			t.Fatalf("hammered: %v", names)
		}
		clk.T = at(0, 9, 31)
		if names := runDue(t, s); len(names) != 1 {
			t.Fatalf("no retry after a minute: %v", names)
		}
		if r := jobRow(t, d, "webhook"); r.failures != 2 || r.retry == nil || !r.retry.Equal(at(0, 9, 36)) {
			t.Fatalf("second failure: %+v retry %v", r, r.retry)
		}
		clk.T = at(0, 9, 35)
		if names := runDue(t, s); len(names) != 0 {
			t.Fatalf("retried before 5 minutes: %v", names)
		}
		clk.T = at(0, 9, 36)
		if names := runDue(t, s); len(names) != 1 {
			t.Fatalf("no retry after 5 minutes: %v", names)
		}
		for i, asOf := range rec.runs() {
			if !asOf.Equal(at(0, 9, 30)) {
				t.Errorf("run %d asOf %s: a retry keeps the slot", i, asOf)
			}
		}
		if r := jobRow(t, d, "webhook"); r.status != "ok" || r.errText != "" || r.failures != 0 || r.retry != nil || !r.next.Equal(at(1, 9, 30)) {
			t.Errorf("after success: %+v", r)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM job_runs WHERE name = 'webhook' AND status = 'error' AND error = '接收方无响应'`); n != 2 {
			t.Errorf("run log has %d failures, want 2", n)
		}
	})
}

// A daily job at midnight runs as the Shanghai day turns, at 16:00 UTC, for
// the new day.
func TestDailyAcrossTheShanghaiDayBoundary(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		clk := &clock.Fixed{T: time.Date(2026, 11, 26, 15, 0, 0, 0, time.UTC)} // 23:00 in Shanghai
		var days []calendar.Date
		s := jobs.New(d, clk)
		s.Register("zero-report", "零报告缺报", jobs.Daily(0, 0), func(_ context.Context, asOf time.Time) error {
			days = append(days, calendar.DateOf(asOf))
			return nil
		})
		runDue(t, s)
		clk.T = time.Date(2026, 11, 26, 15, 59, 59, 0, time.UTC)
		if names := runDue(t, s); len(names) != 0 {
			t.Fatalf("ran before midnight: %v", names)
		}
		clk.T = time.Date(2026, 11, 26, 16, 0, 0, 0, time.UTC)
		if names := runDue(t, s); len(names) != 1 {
			t.Fatalf("not run at midnight: %v", names)
		}
		if len(days) != 1 || days[0].String() != "2026-11-27" {
			t.Errorf("ran for %v, want 2026-11-27", days)
		}
		if r := jobRow(t, d, "zero-report"); !r.next.Equal(time.Date(2026, 11, 27, 16, 0, 0, 0, time.UTC)) {
			t.Errorf("next %s", r.next)
		}
	})
}

// A long run keeps its lease by renewing it, so another replica does not
// start it again; a run whose lease was taken is cancelled.
func TestLeaseRenewalAndLoss(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		clk := &clock.Fixed{T: start}
		started, release := make(chan struct{}, 4), make(chan struct{})
		var cancelled bool
		long := func(ctx context.Context, _ time.Time) error {
			started <- struct{}{}
			select {
			case <-release:
				return nil
			case <-ctx.Done():
				cancelled = true
				return ctx.Err()
			}
		}
		a, b := jobs.New(d, clk), jobs.New(replica(t, d), clk)
		for _, s := range []*jobs.Scheduler{a, b} {
			s.Lease, s.RenewEvery = time.Minute, 5*time.Millisecond
			s.Register("recompute", "重算亮灯", jobs.Every(time.Hour), long)
		}
		runDue(t, a)
		clk.Advance(time.Hour)
		done := make(chan []string)
		go func() { names, _ := a.RunDue(ctx); done <- names }()
		<-started
		clk.Advance(3 * time.Minute) // far past the first lease
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
			if count(t, d, `SELECT COUNT(*) FROM jobs WHERE name = 'recompute' AND lease_until > $1`, clk.Now()) == 1 {
				break // renewed against the moved clock
			}
			if time.Now().After(deadline) {
				t.Fatal("the lease was not renewed")
			}
		}
		if names := runDue(t, b); len(names) != 0 {
			t.Fatalf("second replica started a renewed job: %v", names)
		}
		close(release)
		if names := <-done; len(names) != 1 {
			t.Fatalf("first replica: %v", names)
		}
		// Now the lease is stolen while the job runs: the run stops.
		release = make(chan struct{})
		clk.Advance(time.Hour)
		go func() { names, _ := a.RunDue(ctx); done <- names }()
		<-started
		if _, err := d.W.ExecContext(ctx, `UPDATE jobs SET lease_owner = 'thief#1' WHERE name = 'recompute'`); err != nil {
			t.Fatal(err)
		}
		<-done
		if !cancelled {
			t.Error("the run went on after losing its lease")
		}
		if n := count(t, d, `SELECT COUNT(*) FROM job_runs WHERE status = 'error' AND error LIKE '%租约丢失%'`); n != 1 {
			t.Errorf("lost lease not logged")
		}
		if r := jobRow(t, d, "recompute"); r.owner != "thief#1" {
			t.Errorf("the loser overwrote the new owner's state: %+v", r)
		}
	})
}

// Start ticks in the background; shutdown cancels a running job, which is
// logged as interrupted and due again at once rather than after a backoff.
func TestStartAndShutdown(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		clk := &clock.Fixed{T: start}
		running := make(chan struct{}, 1)
		s := jobs.New(d, clk)
		s.Tick = 10 * time.Millisecond
		s.Register("slow", "慢任务", jobs.Every(time.Hour), func(ctx context.Context, _ time.Time) error {
			running <- struct{}{}
			<-ctx.Done()
			return ctx.Err()
		})
		ctx, stop := context.WithCancel(context.Background())
		s.Start(ctx)
		for count(t, d, `SELECT COUNT(*) FROM jobs WHERE name = 'slow'`) == 0 { // the first tick registers it, not yet due
			time.Sleep(5 * time.Millisecond)
		}
		clk.Advance(time.Hour)
		s.Poke()
		select {
		case <-running:
		case <-time.After(5 * time.Second):
			t.Fatal("the started scheduler did not run the due job")
		}
		stop()
		s.Wait()
		r := jobRow(t, d, "slow")
		if r.status != "error" || r.retry != nil || r.owner != "" || r.next.After(clk.Now()) {
			t.Errorf("after shutdown: %+v", r)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM job_runs WHERE status = 'error' AND error LIKE '%服务停止%'`); n != 1 {
			t.Errorf("interruption not logged")
		}
	})
}

// The run log keeps 90 days.
func TestRunLogIsPruned(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		clk := &clock.Fixed{T: start}
		s := jobs.New(d, clk)
		s.Register("noop", "空任务", jobs.Daily(9, 30), func(context.Context, time.Time) error { return nil })
		for _, age := range []time.Duration{100 * 24 * time.Hour, 10 * 24 * time.Hour} {
			if _, err := d.W.ExecContext(context.Background(), `INSERT INTO job_runs (name, as_of, started_at, status) VALUES ('noop', $1, $1, 'ok')`,
				start.Add(-age)); err != nil {
				t.Fatal(err)
			}
		}
		runDue(t, s)
		if n := count(t, d, `SELECT COUNT(*) FROM job_runs`); n != 1 {
			t.Errorf("%d runs left, want the 10-day-old one", n)
		}
	})
}

// A replica whose clock is a little behind does not pull back a slot just
// run elsewhere; a clock moved back by a day (the test clock) starts again
// from the next slot, so due jobs run when it is moved forward again.
func TestClockSkewAndClockMovedBack(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		ahead, behind := &clock.Fixed{T: at(0, 8, 0)}, &clock.Fixed{T: at(0, 8, 0)}
		rec := &recorder{}
		a, b := jobs.New(d, ahead), jobs.New(replica(t, d), behind)
		a.Register("remind", "催办提醒", jobs.Daily(9, 0), rec.fn)
		b.Register("remind", "催办提醒", jobs.Daily(9, 0), rec.fn)
		runDue(t, a)
		ahead.T, behind.T = at(0, 9, 0).Add(time.Second), at(0, 9, 0).Add(-2*time.Second)
		if names := runDue(t, a); len(names) != 1 {
			t.Fatalf("the replica ahead did not run the slot: %v", names)
		}
		runDue(t, b)
		behind.T = at(0, 9, 0).Add(time.Second)
		if names := runDue(t, b); len(names) != 0 || len(rec.runs()) != 1 {
			t.Fatalf("the replica behind ran the slot again: %v", names)
		}
		// The test clock goes back two days: the job is due at the next 09:00.
		ahead.T = at(-2, 12, 0)
		runDue(t, a)
		if r := jobRow(t, d, "remind"); !r.next.Equal(at(-1, 9, 0)) {
			t.Fatalf("after the clock moved back: next %s", r.next)
		}
		ahead.T = at(-1, 9, 5)
		if names := runDue(t, a); len(names) != 1 || !rec.runs()[1].Equal(at(-1, 9, 0)) {
			t.Errorf("after moving forward again: %v %v", names, rec.runs())
		}
	})
}
