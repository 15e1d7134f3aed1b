// Package jobs runs scheduled work (light recomputation, reminders,
// missing-report detection). STUB: the helper implementing issue 3's
// scheduler replaces the bodies; the exported API below is the contract.
package jobs

import (
	"context"
	"time"

	"diaodu/internal/platform/clock"
	"diaodu/internal/platform/db"
)

// Func does one run of a job. asOf is the scheduled instant being run (for
// a catch-up after downtime, the latest missed one); jobs must be
// idempotent, because a crash after the work but before the bookkeeping
// runs them again.
type Func func(ctx context.Context, asOf time.Time) error

// Schedule says when a job is next due after a given instant.
type Schedule interface {
	Next(after time.Time) time.Time
}

type daily struct{ hour, minute int }

// Daily is due every day at hour:minute in Asia/Shanghai.
func Daily(hour, minute int) Schedule { return daily{hour, minute} }

func (d daily) Next(after time.Time) time.Time {
	l := after.In(clock.Shanghai)
	t := time.Date(l.Year(), l.Month(), l.Day(), d.hour, d.minute, 0, 0, clock.Shanghai)
	if !t.After(after) {
		t = t.AddDate(0, 0, 1)
	}
	return t
}

type every struct{ d time.Duration }

// Every is due every d.
func Every(d time.Duration) Schedule { return every{d} }

func (e every) Next(after time.Time) time.Time { return after.Truncate(e.d).Add(e.d) }

// Scheduler runs registered jobs, each once across replicas.
type Scheduler struct {
	DB    *db.DB
	Clock clock.Clock
	jobs  []job
}

type job struct {
	name, title string
	sch         Schedule
	fn          Func
}

// New makes a scheduler.
func New(d *db.DB, clk clock.Clock) *Scheduler { return &Scheduler{DB: d, Clock: clk} }

// Register adds a job; name is stable (it keys the lease), title is for people.
func (s *Scheduler) Register(name, title string, sch Schedule, fn Func) {
	s.jobs = append(s.jobs, job{name, title, sch, fn})
}

// RunDue runs every job that is due now and returns the names it ran.
func (s *Scheduler) RunDue(ctx context.Context) ([]string, error) { return nil, nil }

// Start runs due jobs in the background until ctx ends.
func (s *Scheduler) Start(ctx context.Context) {}

// Wait blocks until running jobs have finished.
func (s *Scheduler) Wait() {}
