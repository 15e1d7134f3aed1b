package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"

	"diaodu/internal/platform/db"
)

// Run is one run of a job, as logged in job_runs.
type Run struct {
	ID          int64      `json:"id"`
	Name        string     `json:"name"`
	AsOf        time.Time  `json:"as_of"`
	StartedAt   time.Time  `json:"started_at"`
	FinishedAt  *time.Time `json:"finished_at"`
	Status      string     `json:"status"` // running | ok | error
	Error       string     `json:"error"`
	DurationMS  int64      `json:"duration_ms"`
	Owner       string     `json:"owner"`
	Manual      bool       `json:"manual"`
	TriggeredBy string     `json:"triggered_by"`
}

// Run statuses.
const (
	StatusRunning = "running"
	StatusOK      = "ok"
	StatusError   = "error"
)

// backoff is how long a job waits after its n-th consecutive failure.
func backoff(n int) time.Duration {
	switch {
	case n <= 1:
		return time.Minute
	case n == 2:
		return 5 * time.Minute
	}
	return 15 * time.Minute
}

// claim is a lease taken on a job for one run.
type claim struct {
	job       *job
	token     string // lease_owner while this run holds the job
	asOf      time.Time
	startedAt time.Time
	manual    bool
	by        string
	runID     int64
	// the row as the lease was taken; the finish computes the next state from it
	next     time.Time
	retry    *time.Time
	failures int
}

var errNotClaimed = errors.New("jobs: lease not taken")

// claim takes the lease on a due job with one conditional UPDATE (the row
// must still be as seen, due, out of backoff and not leased), then opens
// the run's log entry in the same transaction. It returns nil when another
// replica holds or has just run the job.
func (s *Scheduler) claim(ctx context.Context, j *job, st state, now time.Time) (*claim, error) {
	c := &claim{job: j, token: s.token(), asOf: latestDue(j.sch, st.next, now), startedAt: now}
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE jobs SET lease_owner = $1, lease_until = $2, last_status = 'running',
			last_started_at = $3, last_as_of = $4
			WHERE name = $5 AND next_run_at = $6 AND next_run_at <= $3 AND (retry_at IS NULL OR retry_at <= $3)
			AND (lease_until IS NULL OR lease_until < $3)`,
			c.token, now.Add(s.lease()), now, c.asOf, j.name, st.next)
		if err != nil {
			return err
		}
		return s.open(ctx, tx, c, res)
	})
	if errors.Is(err, errNotClaimed) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("jobs: claim %s: %w", j.name, err)
	}
	return c, nil
}

// claimNow takes the lease for a manual run: whenever the job is not running.
func (s *Scheduler) claimNow(ctx context.Context, j *job, by string) (*claim, error) {
	now := s.now()
	c := &claim{job: j, token: s.token(), asOf: now, startedAt: now, manual: true, by: by}
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE jobs SET lease_owner = $1, lease_until = $2, last_status = 'running',
			last_started_at = $3, last_as_of = $3 WHERE name = $4 AND (lease_until IS NULL OR lease_until < $3)`,
			c.token, now.Add(s.lease()), now, j.name)
		if err != nil {
			return err
		}
		return s.open(ctx, tx, c, res)
	})
	if errors.Is(err, errNotClaimed) {
		return nil, nil
	}
	return c, err
}

// open checks the lease UPDATE took the row, reads the row and logs the
// run's start; an earlier run still marked running lost its replica.
func (s *Scheduler) open(ctx context.Context, tx *db.Tx, c *claim, res sql.Result) error {
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n != 1 {
		return errNotClaimed
	}
	var retry nullTime
	if err := tx.QueryRowContext(ctx, `SELECT next_run_at, retry_at, failures FROM jobs WHERE name = $1`, c.job.name).
		Scan(&c.next, &retry, &c.failures); err != nil {
		return err
	}
	c.next, c.retry = c.next.UTC(), retry.ptr()
	if _, err := tx.ExecContext(ctx, `UPDATE job_runs SET status = 'error', finished_at = $1,
		error = '运行中断：所在服务停止或失联，租约过期后由其他实例接管' WHERE name = $2 AND status = 'running'`,
		c.startedAt, c.job.name); err != nil {
		return err
	}
	return tx.QueryRowContext(ctx, `INSERT INTO job_runs (name, as_of, started_at, status, owner, manual, triggered_by)
		VALUES ($1, $2, $3, 'running', $4, $5, $6) RETURNING id`,
		c.job.name, c.asOf, c.startedAt, s.Owner, c.manual, c.by).Scan(&c.runID)
}

func (s *Scheduler) token() string { return s.Owner + "#" + strconv.FormatInt(s.seq.Add(1), 10) }

var errLeaseLost = errors.New("jobs: lease lost")

// execute runs a claimed job, renewing its lease meanwhile, and records the outcome.
func (s *Scheduler) execute(parent context.Context, c *claim) *Run {
	ctx, cancel := context.WithCancelCause(parent)
	defer cancel(nil)
	slog.Info("job started", "job", c.job.name, "as_of", c.asOf, "manual", c.manual, "owner", s.Owner)
	stopRenew := s.keepLease(ctx, c, cancel)
	start := time.Now() // real time: a test clock may stand still
	err := call(ctx, c.job.fn, c.asOf)
	stopRenew()
	elapsed := time.Since(start)
	interrupted := ""
	if err != nil && ctx.Err() != nil {
		if errors.Is(context.Cause(ctx), errLeaseLost) {
			interrupted = "运行中断：租约丢失，已停止本次运行"
		} else {
			interrupted = "运行中断：服务停止"
		}
	}
	return s.finish(context.WithoutCancel(parent), c, err, interrupted, elapsed)
}

// call runs fn, turning a panic into an error so one bad job cannot take
// the replica down.
func call(ctx context.Context, fn Func, asOf time.Time) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
			slog.Error("job panicked", "panic", p, "stack", string(debug.Stack()))
		}
	}()
	return fn(ctx, asOf)
}

// keepLease renews the lease every RenewEvery while the job runs; when the
// row shows another owner, the lease was lost (this replica stalled past
// it) and the run is cancelled, so the job does not run twice at once.
func (s *Scheduler) keepLease(ctx context.Context, c *claim, cancel context.CancelCauseFunc) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(s.renewEvery())
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-t.C:
			}
			res, err := s.DB.W.ExecContext(ctx, `UPDATE jobs SET lease_until = $1 WHERE name = $2 AND lease_owner = $3`,
				s.now().Add(s.lease()), c.job.name, c.token)
			if err != nil {
				slog.Warn("job lease renewal failed", "job", c.job.name, "err", err)
				continue
			}
			if n, _ := res.RowsAffected(); n == 0 {
				slog.Error("job lease lost; cancelling the run", "job", c.job.name, "owner", s.Owner)
				cancel(errLeaseLost)
				return
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}

const maxErrorLen = 2000

// finish releases the lease and records the run. After a scheduled
// success the job is next due at the slot after asOf; after a failure it
// keeps its due instant and is retried after a backoff; after an
// interruption (shutdown) it is due again at once, on any replica. A manual
// run moves the schedule only when it succeeds while the job was due.
func (s *Scheduler) finish(ctx context.Context, c *claim, runErr error, interrupted string, elapsed time.Duration) *Run {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	now := s.now()
	r := &Run{ID: c.runID, Name: c.job.name, AsOf: c.asOf, StartedAt: c.startedAt, FinishedAt: &now, Status: StatusOK,
		DurationMS: elapsed.Milliseconds(), Owner: s.Owner, Manual: c.manual, TriggeredBy: c.by}
	next, retry, failures := c.next, c.retry, c.failures
	switch {
	case runErr == nil && c.manual:
		if !c.next.After(c.startedAt) {
			next = c.job.sch.Next(c.startedAt)
		}
		retry, failures = nil, 0
	case runErr == nil:
		next, retry, failures = c.job.sch.Next(c.asOf), nil, 0
	case interrupted != "":
		r.Status, r.Error = StatusError, interrupted
		if !c.manual {
			retry = nil
		}
	default:
		r.Status, r.Error = StatusError, truncate(runErr.Error(), maxErrorLen)
		if !c.manual {
			failures++
			t := now.Add(backoff(failures))
			retry = &t
		}
	}
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE job_runs SET finished_at = $1, status = $2, error = $3, duration_ms = $4 WHERE id = $5`,
			now, r.Status, r.Error, r.DurationMS, c.runID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE jobs SET lease_owner = '', lease_until = NULL, last_finished_at = $1,
			last_status = $2, last_error = $3, last_duration_ms = $4, runs = runs + 1, next_run_at = $5, retry_at = $6, failures = $7
			WHERE name = $8 AND lease_owner = $9`,
			now, r.Status, r.Error, r.DurationMS, next, retry, failures, c.job.name, c.token)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			slog.Warn("job finished after losing its lease; its state is left to the new owner", "job", c.job.name)
		}
		return nil
	})
	attrs := []any{"job", c.job.name, "as_of", c.asOf, "status", r.Status, "duration_ms", r.DurationMS, "manual", c.manual}
	switch {
	case err != nil:
		slog.Error("job bookkeeping failed; the lease will lapse", append(attrs, "err", err)...)
	case r.Status == StatusOK:
		slog.Info("job finished", attrs...)
	default:
		slog.Error("job failed", append(attrs, "err", r.Error, "retry_at", retry)...)
	}
	return r
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8Start(s[cut]) {
		cut--
	}
	return strings.TrimSpace(s[:cut]) + "…"
}

func utf8Start(b byte) bool { return b&0xC0 != 0x80 }

// nullTime scans a nullable timestamp on both drivers.
type nullTime struct{ sql.NullTime }

func (n nullTime) ptr() *time.Time {
	if !n.Valid {
		return nil
	}
	t := n.Time.UTC()
	return &t
}
