package jobs

import (
	"context"
	"strings"
	"time"

	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/errs"
)

// Job is a registered job and its state, for the 定时任务 page.
type Job struct {
	Name       string     `json:"name"`
	Title      string     `json:"title"`
	Schedule   string     `json:"schedule"`    // 每天 09:00
	ScheduleEN string     `json:"schedule_en"` // daily at 09:00
	NextRunAt  time.Time  `json:"next_run_at"` // the next due instant (past when due or retrying)
	RetryAt    *time.Time `json:"retry_at"`    // after a failure: not before this
	Failures   int        `json:"failures"`    // consecutive failures
	Due        bool       `json:"due"`         // waiting for the next tick (by the server's clock)
	Running    bool       `json:"running"`
	RunningOn  string     `json:"running_on"` // replica holding the lease
	LastAsOf   *time.Time `json:"last_as_of"`
	// LastStartedAt … Runs describe the last run; LastStatus is "" before the first.
	LastStartedAt  *time.Time `json:"last_started_at"`
	LastFinishedAt *time.Time `json:"last_finished_at"`
	LastStatus     string     `json:"last_status"`
	LastError      string     `json:"last_error"`
	LastDurationMS int64      `json:"last_duration_ms"`
	Runs           int64      `json:"runs"`
}

// List returns the registered jobs in registration order.
func (s *Scheduler) List(ctx context.Context, a *auth.Actor) ([]Job, error) {
	if err := auth.Require(a, auth.ViewJobs); err != nil {
		return nil, err
	}
	if err := s.sync(ctx); err != nil {
		return nil, err
	}
	rows, err := s.DB.R.QueryContext(ctx, `SELECT name, next_run_at, retry_at, failures, lease_owner, lease_until, last_as_of,
		last_started_at, last_finished_at, last_status, last_error, last_duration_ms, runs FROM jobs`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	byName := map[string]Job{}
	now := s.now()
	for rows.Next() {
		var j Job
		var owner string
		var retry, until, asOf, started, finished nullTime
		if err := rows.Scan(&j.Name, &j.NextRunAt, &retry, &j.Failures, &owner, &until, &asOf, &started, &finished,
			&j.LastStatus, &j.LastError, &j.LastDurationMS, &j.Runs); err != nil {
			return nil, err
		}
		j.NextRunAt, j.RetryAt, j.LastAsOf, j.LastStartedAt, j.LastFinishedAt =
			j.NextRunAt.UTC(), retry.ptr(), asOf.ptr(), started.ptr(), finished.ptr()
		if u := until.ptr(); u != nil && !u.Before(now) && owner != "" {
			j.Running, j.RunningOn = true, strings.SplitN(owner, "#", 2)[0]
		} else if j.LastStatus == StatusRunning {
			j.LastStatus = StatusError // its replica died; the lease has lapsed
			j.LastError = "运行中断：所在服务停止或失联"
		}
		j.Due = !j.Running && !j.NextRunAt.After(now) && (j.RetryAt == nil || !j.RetryAt.After(now))
		byName[j.Name] = j
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := []Job{}
	for _, rj := range s.registered() {
		j, ok := byName[rj.name]
		if !ok {
			continue
		}
		j.Title = rj.title
		j.Schedule, j.ScheduleEN = Describe(rj.sch)
		out = append(out, j)
	}
	return out, nil
}

// Runs lists a job's runs, newest first.
func (s *Scheduler) Runs(ctx context.Context, a *auth.Actor, name string, limit, offset int) ([]Run, int, error) {
	if err := auth.Require(a, auth.ViewJobs); err != nil {
		return nil, 0, err
	}
	if s.lookup(name) == nil {
		return nil, 0, errNoJob
	}
	var total int
	if err := s.DB.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM job_runs WHERE name = $1`, name).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := s.DB.R.QueryContext(ctx, `SELECT id, name, as_of, started_at, finished_at, status, error, duration_ms, owner,
		manual, triggered_by FROM job_runs WHERE name = $1 ORDER BY id DESC LIMIT $2 OFFSET $3`, name, limit, offset)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []Run{}
	for rows.Next() {
		var r Run
		var finished nullTime
		if err := rows.Scan(&r.ID, &r.Name, &r.AsOf, &r.StartedAt, &finished, &r.Status, &r.Error, &r.DurationMS, &r.Owner,
			&r.Manual, &r.TriggeredBy); err != nil {
			return nil, 0, err
		}
		r.AsOf, r.StartedAt, r.FinishedAt = r.AsOf.UTC(), r.StartedAt.UTC(), finished.ptr()
		out = append(out, r)
	}
	return out, total, rows.Err()
}

var errNoJob = errs.NotFoundf("定时任务", "job")

// RunNow runs a job at once (立即运行) through the same lease as the
// schedule, with asOf = now, waits for it and records who asked. A job
// that fails still answers its run (status "error"); a job already running
// anywhere is a conflict.
func (s *Scheduler) RunNow(ctx context.Context, a *auth.Actor, name string) (*Run, error) {
	if err := auth.Require(a, auth.RunJobs); err != nil {
		return nil, err
	}
	j := s.lookup(name)
	if j == nil {
		return nil, errNoJob
	}
	if err := s.sync(ctx); err != nil {
		return nil, err
	}
	by := a.Username
	c, err := s.claimNow(ctx, j, by)
	if err != nil {
		return nil, err
	}
	if c == nil {
		return nil, errs.Conflictf("定时任务“"+j.title+"”正在运行，请稍后再试", "job "+name+" is running; try again later")
	}
	s.wg.Add(1)
	r := func() *Run {
		defer s.wg.Done()
		return s.execute(s.runContext(ctx), c)
	}()
	if s.Audit != nil {
		outcome := "成功"
		if r.Status != StatusOK {
			outcome = "失败：" + r.Error
		}
		if err := s.Audit.Append(context.WithoutCancel(ctx), a, audit.Entry{Action: "job.run", ObjectType: "job", ObjectID: name,
			Summary: "手动运行定时任务“" + j.title + "”，" + outcome, After: r}); err != nil {
			return r, err
		}
	}
	return r, nil
}
