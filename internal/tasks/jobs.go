package tasks

import (
	"context"
	"strconv"
	"time"

	"diaodu/internal/attachments"
	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/calendar"
	"diaodu/internal/platform/errs"
	"diaodu/internal/platform/jobs"
)

// Register wires the module into the application: its scheduled jobs and
// the attachment owners "task" and "task_source".
func (s *Service) Register(j *jobs.Scheduler, att *attachments.Service) {
	j.Register("tasks.lights", "重新计算督办任务亮灯", jobs.Every(15*time.Minute), func(ctx context.Context, _ time.Time) error {
		sys := auth.System("tasks.lights")
		if err := s.refreshPaths(ctx, sys); err != nil {
			return err
		}
		_, err := s.recomputeIfStale(ctx, sys)
		return err
	})
	j.Register("tasks.remind", "督办任务自动催办", remindSchedule{s}, func(ctx context.Context, asOf time.Time) error {
		_, err := s.remindDue(ctx, asOf)
		return err
	})
	j.Register("tasks.stats", "记录督办日统计", jobs.Daily(23, 50), func(ctx context.Context, asOf time.Time) error {
		return s.RecordDailyStats(ctx, auth.System("tasks.stats"), today(asOf))
	})
	att.RegisterOwner("task", s.taskOwner)
	att.RegisterOwner("task_source", s.sourceOwner)
}

// lightsMark is what every light depends on besides the tasks themselves:
// the day, the thresholds and the holiday calendar.
type lightsMark struct {
	day      calendar.Date
	settings Settings
	calendar int64 // calendar_meta.version
}

// recomputeIfStale recomputes all lights unless this replica already did
// for the same day, settings and calendar: within a day a light changes
// only when its task does, and every change to a task recomputes its light
// in the same transaction. So the 15-minute job costs one small query
// until midnight, or until the thresholds or the calendar change.
func (s *Service) recomputeIfStale(ctx context.Context, a *auth.Actor) (int, error) {
	st, err := s.current(ctx)
	if err != nil {
		return 0, err
	}
	mark := lightsMark{day: today(s.Clock.Now()), settings: st}
	if err := s.DB.Read.QueryRowContext(ctx, `SELECT version FROM calendar_meta WHERE id = 1`).Scan(&mark.calendar); err != nil {
		return 0, err
	}
	s.mu.Lock()
	fresh := s.lightsDone == mark
	s.mu.Unlock()
	if fresh {
		return 0, nil
	}
	n, err := s.recomputeAll(ctx, a)
	if err == nil {
		s.mu.Lock()
		s.lightsDone = mark
		s.mu.Unlock()
	}
	return n, err
}

// remindSchedule is daily at the configured reminder time, read when the
// scheduler asks, so a changed time applies without a restart.
type remindSchedule struct{ s *Service }

func (r remindSchedule) Next(after time.Time) time.Time {
	st, err := r.s.current(context.Background())
	if err != nil || st.validate() != nil {
		st = DefaultSettings
	}
	h, m := st.remindClock()
	return jobs.Daily(h, m).Next(after)
}

// taskOwner lets the lead side (and the office) attach evidence to a task;
// files belong to the lead unit, so its subtree and district roles read them.
func (s *Service) taskOwner(ctx context.Context, a *auth.Actor, objectID string) (int64, error) {
	id, err := strconv.ParseInt(objectID, 10, 64)
	if err != nil {
		return 0, notFound
	}
	x, err := s.load(ctx, s.DB.Read, a, id, false)
	if err != nil {
		return 0, err
	}
	if !a.Can(auth.ManageTasks) && !(x.leadSide(a) && a.Can(auth.ReportTasks)) {
		return 0, errs.New(errs.Forbidden, "只有牵头单位和督查室可以上传本任务的附件", "only the lead unit and the office may attach files")
	}
	if x.Status == StatusClosed {
		return 0, stateError(x)
	}
	return x.LeadUnit.ID, nil
}

// sourceOwner lets the office attach minutes and documents to a source;
// they belong to the office's unit.
func (s *Service) sourceOwner(ctx context.Context, a *auth.Actor, objectID string) (int64, error) {
	id, err := strconv.ParseInt(objectID, 10, 64)
	if err != nil {
		return 0, errs.NotFoundf("任务来源", "source")
	}
	if _, err := s.GetSource(ctx, a, id); err != nil {
		return 0, err
	}
	if err := auth.Require(a, auth.ManageTasks); err != nil {
		return 0, err
	}
	return a.UnitID, nil
}

// refreshPaths copies units' paths again after a unit moved in the tree,
// so scope filters on the copies stay right.
func (s *Service) refreshPaths(ctx context.Context, a *auth.Actor) error {
	var n int
	if err := s.DB.Read.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM tasks t JOIN units u ON u.id = t.lead_unit_id WHERE t.lead_unit_path <> u.path) +
		(SELECT COUNT(*) FROM task_co_units c JOIN units u ON u.id = c.unit_id WHERE c.unit_path <> u.path)`).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return nil
	}
	return s.Audit.Write(ctx, a, func(w *audit.W) error {
		for _, q := range []string{
			`UPDATE tasks SET lead_unit_path = (SELECT path FROM units WHERE units.id = tasks.lead_unit_id)
				WHERE lead_unit_path <> (SELECT path FROM units WHERE units.id = tasks.lead_unit_id)`,
			`UPDATE task_co_units SET unit_path = (SELECT path FROM units WHERE units.id = task_co_units.unit_id)
				WHERE unit_path <> (SELECT path FROM units WHERE units.id = task_co_units.unit_id)`,
			`UPDATE task_daily_stats SET unit_path = (SELECT path FROM units WHERE units.id = task_daily_stats.unit_id)
				WHERE unit_path <> (SELECT path FROM units WHERE units.id = task_daily_stats.unit_id)`,
		} {
			if _, err := w.ExecContext(ctx, q); err != nil {
				return err
			}
		}
		return w.Record(audit.Entry{Action: "task.paths", ObjectType: "task", Summary: "单位调整后更新督办任务的单位范围"})
	})
}
