// Package jobs runs scheduled work (light recomputation, reminders,
// missing-report detection) once across several replicas.
//
// Each registered job has a row in table jobs holding its next due instant
// and a lease. A replica runs a due job only after taking the lease with one
// conditional UPDATE, so two replicas ticking at once run it once; the
// lease is renewed while the job runs and lapses when a replica dies, so
// another takes over. The due instant is stored, so a restart neither
// re-runs a job done for its slot nor forgets one missed during downtime:
// missed slots are caught up with one run, for the latest of them. A failed
// run is retried after a backoff (1, 5, then every 15 minutes) with the
// same due instant.
package jobs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/clock"
	"diaodu/internal/platform/db"
)

// Func does one run of a job. asOf is the scheduled instant being run (for
// a catch-up after downtime, the latest missed one; for a manual run, the
// time it was asked for); jobs must be idempotent, because a crash after
// the work but before the bookkeeping runs them again.
type Func func(ctx context.Context, asOf time.Time) error

// Defaults of the Scheduler's tunables.
const (
	DefaultTick      = 20 * time.Second
	DefaultLease     = 10 * time.Minute
	DefaultRetention = 90 * 24 * time.Hour
)

// Scheduler runs registered jobs, each once across replicas.
type Scheduler struct {
	DB    *db.DB
	Clock clock.Clock
	// Audit records manual runs (立即运行); nil leaves them unrecorded.
	Audit *audit.Log
	// Tick is how often Start looks for due jobs (DefaultTick when 0).
	Tick time.Duration
	// Lease is how long a run holds its job before another replica may
	// take it over (DefaultLease when 0); it is renewed every RenewEvery
	// (Lease/3 when 0) while the job runs.
	Lease, RenewEvery time.Duration
	// Retention is how long the run log is kept (DefaultRetention when 0).
	Retention time.Duration
	// Owner names this replica in leases and the run log: host:pid:random.
	Owner string

	mu        sync.Mutex
	jobs      []*job
	byName    map[string]*job
	synced    bool // every registered job has its row
	hooks     []func(context.Context) error
	base      context.Context // Start's context: runs are cancelled when it ends
	lastPrune time.Time
	poke      chan struct{}
	seq       atomic.Int64
	wg        sync.WaitGroup
}

type job struct {
	name, title string
	sch         Schedule
	fn          Func
}

// New makes a scheduler.
func New(d *db.DB, clk clock.Clock) *Scheduler {
	return &Scheduler{DB: d, Clock: clk, Owner: ownerID(), byName: map[string]*job{}, poke: make(chan struct{}, 1)}
}

func ownerID() string {
	host, _ := os.Hostname()
	if host == "" {
		host = "host"
	}
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%s:%d:%s", host, os.Getpid(), hex.EncodeToString(b))
}

// Register adds a job; name is stable (it keys the lease and the stored due
// instant), title is for people. Registering a job that already has a row
// keeps its due instant, so a restart does not move or repeat a slot. It
// panics on a duplicate name, a wiring mistake.
func (s *Scheduler) Register(name, title string, sch Schedule, fn Func) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.byName == nil {
		s.byName = map[string]*job{}
	}
	if _, dup := s.byName[name]; dup {
		panic("jobs: job " + name + " registered twice")
	}
	j := &job{name, title, sch, fn}
	s.jobs = append(s.jobs, j)
	s.byName[name] = j
	s.synced = false
}

// EveryTick adds work done by every replica on every tick, outside any
// lease: refreshing in-memory copies such as the holiday calendar.
func (s *Scheduler) EveryTick(fn func(ctx context.Context) error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hooks = append(s.hooks, fn)
}

// RunDue runs every job that is due now, waits for them, and returns the
// names it ran (jobs run by another replica are not among them).
func (s *Scheduler) RunDue(ctx context.Context) ([]string, error) {
	started, err := s.launchDue(ctx, ctx)
	names := make([]string, 0, len(started))
	for _, r := range started {
		<-r.done
		names = append(names, r.job.name)
	}
	return names, err
}

// Start runs due jobs in the background until ctx ends: at once, then every
// Tick, and when Poke is called. Runs get a context cancelled with ctx.
func (s *Scheduler) Start(ctx context.Context) {
	s.mu.Lock()
	s.base = ctx
	s.mu.Unlock()
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		t := time.NewTicker(s.tick())
		defer t.Stop()
		for {
			if _, err := s.launchDue(ctx, ctx); err != nil && ctx.Err() == nil {
				slog.Error("scheduler tick failed", "owner", s.Owner, "err", err)
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			case <-s.poke:
			}
		}
	}()
}

// Poke makes a started scheduler look for due jobs now rather than at the
// next tick (after the test clock moved, for instance).
func (s *Scheduler) Poke() {
	select {
	case s.poke <- struct{}{}:
	default:
	}
}

// Wait blocks until the loop (after its context ended) and running jobs have finished.
func (s *Scheduler) Wait() { s.wg.Wait() }

func (s *Scheduler) tick() time.Duration   { return orDefault(s.Tick, DefaultTick) }
func (s *Scheduler) lease() time.Duration  { return orDefault(s.Lease, DefaultLease) }
func (s *Scheduler) retain() time.Duration { return orDefault(s.Retention, DefaultRetention) }
func (s *Scheduler) renewEvery() time.Duration {
	return orDefault(s.RenewEvery, s.lease()/3)
}

func orDefault(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

// clockSlack is how far replicas' clocks may disagree without a stored due
// instant looking absurd (see launchDue).
const clockSlack = 5 * time.Minute

// now is the injected clock's time as stored: UTC, microseconds (so SQLite's
// text comparison and PostgreSQL's precision agree).
func (s *Scheduler) now() time.Time { return s.Clock.Now().UTC().Truncate(time.Microsecond) }

func (s *Scheduler) lookup(name string) *job {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.byName[name]
}

func (s *Scheduler) registered() []*job {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*job(nil), s.jobs...)
}

// runContext is the context of a run not started by the loop (立即运行):
// the request may end, the run goes on until shutdown.
func (s *Scheduler) runContext(ctx context.Context) context.Context {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.base != nil {
		return s.base
	}
	return context.WithoutCancel(ctx)
}

// sync gives every registered job its row (new jobs are first due at the
// schedule's next slot) and keeps titles and schedule specs current.
func (s *Scheduler) sync(ctx context.Context) error {
	s.mu.Lock()
	if s.synced {
		s.mu.Unlock()
		return nil
	}
	jobs := append([]*job(nil), s.jobs...)
	s.mu.Unlock()
	now := s.now()
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		for _, j := range jobs {
			spec := specOf(j.sch)
			if _, err := tx.ExecContext(ctx, `INSERT INTO jobs (name, title, schedule, next_run_at) VALUES ($1, $2, $3, $4)
				ON CONFLICT (name) DO NOTHING`, j.name, j.title, spec, j.sch.Next(now)); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE jobs SET title = $2, schedule = $3 WHERE name = $1 AND (title <> $2 OR schedule <> $3)`,
				j.name, j.title, spec); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("jobs: register: %w", err)
	}
	s.mu.Lock()
	if len(s.jobs) == len(jobs) {
		s.synced = true
	}
	s.mu.Unlock()
	return nil
}

// state is a job's row as the scheduler reads it.
type state struct {
	next       time.Time
	retry      *time.Time
	leaseUntil *time.Time
	failures   int
}

func (st state) leased(now time.Time) bool { return st.leaseUntil != nil && !st.leaseUntil.Before(now) }

func (s *Scheduler) states(ctx context.Context) (map[string]state, error) {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT name, next_run_at, retry_at, lease_until, failures FROM jobs`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]state{}
	for rows.Next() {
		var name string
		var st state
		var retry, until nullTime
		if err := rows.Scan(&name, &st.next, &retry, &until, &st.failures); err != nil {
			return nil, err
		}
		st.next, st.retry, st.leaseUntil = st.next.UTC(), retry.ptr(), until.ptr()
		out[name] = st
	}
	return out, rows.Err()
}

// running is a run started by launchDue; done closes when it is recorded.
type running struct {
	job  *job
	done chan struct{}
}

// launchDue claims every due job it can and runs each in its own goroutine
// under runCtx. One small query when nothing is due, so ticking often is cheap.
func (s *Scheduler) launchDue(ctx, runCtx context.Context) ([]*running, error) {
	s.mu.Lock()
	hooks := append([]func(context.Context) error(nil), s.hooks...)
	s.mu.Unlock()
	for _, h := range hooks {
		if err := h(ctx); err != nil {
			slog.Warn("scheduler tick hook failed", "err", err)
		}
	}
	if err := s.sync(ctx); err != nil {
		return nil, err
	}
	sts, err := s.states(ctx)
	if err != nil {
		return nil, err
	}
	now := s.now()
	var started []*running
	var errs []error // one job's trouble does not keep the others from running
	for _, j := range s.registered() {
		st, ok := sts[j.name]
		if !ok || st.leased(now) {
			continue
		}
		// A due instant beyond the schedule's next slot is absurd: the
		// schedule changed, or the clock was moved back. Start again from
		// the next slot. The slack keeps a replica whose clock runs a little
		// behind from pulling back a slot another replica has just run.
		if st.next.After(j.sch.Next(now.Add(clockSlack))) {
			if err := s.reschedule(ctx, j.name, st.next, j.sch.Next(now)); err != nil {
				errs = append(errs, err)
			}
			continue
		}
		if st.next.After(now) || (st.retry != nil && st.retry.After(now)) {
			continue
		}
		c, err := s.claim(ctx, j, st, now)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if c == nil {
			continue // another replica was quicker
		}
		r := &running{job: j, done: make(chan struct{})}
		started = append(started, r)
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer close(r.done)
			s.execute(runCtx, c)
		}()
	}
	s.prune(ctx, now)
	return started, errors.Join(errs...)
}

func (s *Scheduler) reschedule(ctx context.Context, name string, seen, next time.Time) error {
	_, err := s.DB.W.ExecContext(ctx, `UPDATE jobs SET next_run_at = $1, retry_at = NULL
		WHERE name = $2 AND next_run_at = $3 AND (lease_until IS NULL OR lease_until < $4)`, next, name, seen, s.now())
	if err == nil {
		slog.Info("job rescheduled", "job", name, "was", seen, "next", next)
	}
	return err
}

// prune keeps the run log bounded; at most once an hour per replica.
func (s *Scheduler) prune(ctx context.Context, now time.Time) {
	s.mu.Lock()
	if d := now.Sub(s.lastPrune); d > -time.Hour && d < time.Hour {
		s.mu.Unlock()
		return
	}
	s.lastPrune = now
	s.mu.Unlock()
	res, err := s.DB.W.ExecContext(ctx, `DELETE FROM job_runs WHERE started_at < $1`, now.Add(-s.retain()))
	if err != nil {
		slog.Warn("job run log prune failed", "err", err)
		return
	}
	if n, _ := res.RowsAffected(); n > 0 {
		slog.Info("job run log pruned", "deleted", n)
	}
}
