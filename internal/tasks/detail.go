package tasks

import (
	"context"
	"database/sql"
	"time"

	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/calendar"
	"diaodu/internal/platform/db"
)

// milestones reads a task's milestones in order.
func milestones(ctx context.Context, q querier, taskID int64) ([]Milestone, error) {
	return milestonesOf(ctx, q, "m.task_id = $1", []any{taskID}, time.Time{})
}

// milestonesOf reads milestones by a condition; now (when set) marks late ones.
func milestonesOf(ctx context.Context, q querier, where string, args []any, now time.Time) ([]Milestone, error) {
	out := []Milestone{}
	err := eachMilestone(ctx, q, where, args, now, func(_ int64, m Milestone) { out = append(out, m) })
	return out, err
}

// milestonesByTask reads the milestones of many tasks (the Gantt view), 500 tasks a query.
func milestonesByTask(ctx context.Context, q querier, ids []int64, now time.Time) (map[int64][]Milestone, error) {
	out := map[int64][]Milestone{}
	for i := 0; i < len(ids); i += relationChunk {
		var args db.Args
		where := "m.task_id IN (" + inList(&args, ids[i:min(i+relationChunk, len(ids))]) + ")"
		if err := eachMilestone(ctx, q, where, args, now, func(task int64, m Milestone) { out[task] = append(out[task], m) }); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func eachMilestone(ctx context.Context, q querier, where string, args []any, now time.Time, add func(task int64, m Milestone)) error {
	rows, err := q.QueryContext(ctx, `SELECT m.id, m.task_id, m.name, m.due_on, m.weight, m.done_on FROM task_milestones m
		WHERE `+where+` ORDER BY m.task_id, m.sort_order, m.id`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	day := calendar.Date{}
	if !now.IsZero() {
		day = today(now)
	}
	for rows.Next() {
		var m Milestone
		var task int64
		if err := rows.Scan(&m.ID, &task, &m.Name, &m.DueOn, &m.Weight, &m.DoneOn); err != nil {
			return err
		}
		m.Late = (m.DoneOn.IsZero() && !day.IsZero() && day.After(m.DueOn)) || (!m.DoneOn.IsZero() && m.DoneOn.After(m.DueOn))
		add(task, m)
	}
	return rows.Err()
}

const reportSelect = `SELECT r.id, r.cycle_start, r.cycle_end, r.content, r.percent, r.problems, r.unit_id, u.name,
	COALESCE(x.real_name, ''), r.file_ids, r.created_at, r.updated_at FROM task_reports r JOIN units u ON u.id = r.unit_id
	LEFT JOIN users x ON x.id = r.reported_by`

func scanReport(sc interface{ Scan(...any) error }) (*Report, error) {
	var r Report
	var files string
	if err := sc.Scan(&r.ID, &r.CycleStart, &r.CycleEnd, &r.Content, &r.Percent, &r.Problems, &r.Unit.ID, &r.Unit.Name,
		&r.Reporter, &files, &r.CreatedAt, &r.UpdatedAt); err != nil {
		return nil, err
	}
	r.FileIDs = splitIDs(files)
	r.Late = r.UpdatedAt.After(r.CycleEnd.End())
	return &r, nil
}

func (s *Service) report(ctx context.Context, id int64) (*Report, error) {
	return scanReport(s.DB.Read.QueryRowContext(ctx, reportSelect+` WHERE r.id = $1`, id))
}

const extensionSelect = `SELECT e.id, e.task_id, t.number, t.title, e.old_deadline, e.new_deadline, e.reason, e.status,
	COALESCE(rq.real_name, ''), e.requested_at, COALESCE(dc.real_name, ''), e.decided_at, e.decision_note
	FROM task_extensions e JOIN tasks t ON t.id = e.task_id LEFT JOIN users rq ON rq.id = e.requested_by
	LEFT JOIN users dc ON dc.id = e.decided_by`

func scanExtension(sc interface{ Scan(...any) error }) (*Extension, error) {
	var e Extension
	var decided nullTime
	if err := sc.Scan(&e.ID, &e.TaskID, &e.TaskNumber, &e.TaskTitle, &e.OldDeadline, &e.NewDeadline, &e.Reason, &e.Status,
		&e.RequestedBy, &e.RequestedAt, &e.DecidedBy, &decided, &e.DecisionNote); err != nil {
		return nil, err
	}
	e.DecidedAt = decided.Ptr()
	return &e, nil
}

func (s *Service) extension(ctx context.Context, q querier, id int64) (*Extension, error) {
	return scanExtension(q.QueryRowContext(ctx, extensionSelect+` WHERE e.id = $1`, id))
}

func extensionsWhere(ctx context.Context, q querier, tail string, args ...any) ([]Extension, error) {
	rows, err := q.QueryContext(ctx, extensionSelect+" "+tail, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Extension{}
	for rows.Next() {
		e, err := scanExtension(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *e)
	}
	return out, rows.Err()
}

const coordinationSelect = `SELECT c.id, c.task_id, t.number, t.title, c.question, c.owner_id, COALESCE(o.real_name, ''), c.due_on,
	c.answer, COALESCE(ab.real_name, ''), c.answered_at, c.status, c.created_at
	FROM task_coordination c JOIN tasks t ON t.id = c.task_id LEFT JOIN users o ON o.id = c.owner_id
	LEFT JOIN users ab ON ab.id = c.answered_by`

func scanCoordination(sc interface{ Scan(...any) error }, day calendar.Date) (*Coordination, error) {
	var c Coordination
	var owner sql.NullInt64
	var ownerName string
	var answered nullTime
	if err := sc.Scan(&c.ID, &c.TaskID, &c.TaskNumber, &c.TaskTitle, &c.Question, &owner, &ownerName, &c.DueOn, &c.Answer,
		&c.AnsweredBy, &answered, &c.Status, &c.CreatedAt); err != nil {
		return nil, err
	}
	if owner.Valid {
		c.Owner = &Ref{ID: owner.Int64, Name: ownerName}
	}
	c.AnsweredAt = answered.Ptr()
	c.Overdue = c.Status == "open" && !c.DueOn.IsZero() && day.After(c.DueOn)
	return &c, nil
}

func (s *Service) coordinationWhere(ctx context.Context, tail string, args ...any) ([]Coordination, error) {
	rows, err := s.DB.Read.QueryContext(ctx, coordinationSelect+" "+tail, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	day := today(s.Clock.Now())
	out := []Coordination{}
	for rows.Next() {
		c, err := scanCoordination(rows, day)
		if err != nil {
			return nil, err
		}
		out = append(out, *c)
	}
	return out, rows.Err()
}

// Detail is everything the task page shows.
func (s *Service) Detail(ctx context.Context, a *auth.Actor, id int64) (*TaskDetail, error) {
	x, err := s.load(ctx, s.DB.Read, a, id, false)
	if err != nil {
		return nil, err
	}
	now := s.Clock.Now()
	d := &TaskDetail{Task: x.Task}
	if err := attach(ctx, s.DB.Read, []*Task{&d.Task}); err != nil {
		return nil, err
	}
	s.finish(a, today(now), s.Calendar, &d.Task)
	if d.Milestones, err = milestonesOf(ctx, s.DB.Read, "m.task_id = $1", []any{id}, now); err != nil {
		return nil, err
	}
	if d.Subtasks, err = s.tasksOf(ctx, a, "WHERE t.parent_id = $1 ORDER BY t.sub_seq, t.id", []any{id}); err != nil {
		return nil, err
	}
	if d.Reports, err = s.reports(ctx, id); err != nil {
		return nil, err
	}
	if d.Coordination, err = s.coordinationWhere(ctx, "WHERE c.task_id = $1 ORDER BY c.created_at DESC, c.id DESC", id); err != nil {
		return nil, err
	}
	if d.Extensions, err = extensionsWhere(ctx, s.DB.Read, "WHERE e.task_id = $1 ORDER BY e.requested_at DESC, e.id DESC", id); err != nil {
		return nil, err
	}
	if d.Actions, err = s.actions(ctx, id); err != nil {
		return nil, err
	}
	if d.Completions, err = s.completions(ctx, id); err != nil {
		return nil, err
	}
	if d.Files, err = s.files(ctx, id); err != nil {
		return nil, err
	}
	if d.Timeline, err = s.timeline(ctx, id); err != nil {
		return nil, err
	}
	pending := false
	for _, e := range d.Extensions {
		pending = pending || e.Status == "pending"
	}
	d.Can = can(a, x, now, pending)
	return d, nil
}

func (s *Service) reports(ctx context.Context, id int64) ([]Report, error) {
	rows, err := s.DB.Read.QueryContext(ctx, reportSelect+` WHERE r.task_id = $1 ORDER BY r.cycle_end DESC`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Report{}
	for rows.Next() {
		r, err := scanReport(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *r)
	}
	return out, rows.Err()
}

func (s *Service) actions(ctx context.Context, id int64) ([]Action, error) {
	rows, err := s.DB.Read.QueryContext(ctx, `SELECT a.id, a.kind, a.number, a.auto, a.content, a.interviewee, a.held_on,
		COALESCE(x.real_name, ''), a.created_at FROM task_actions a LEFT JOIN users x ON x.id = a.created_by
		WHERE a.task_id = $1 ORDER BY a.created_at DESC, a.id DESC`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Action{}
	for rows.Next() {
		var ac Action
		if err := rows.Scan(&ac.ID, &ac.Kind, &ac.Number, &ac.Auto, &ac.Content, &ac.Interviewee, &ac.HeldOn, &ac.CreatedBy,
			&ac.CreatedAt); err != nil {
			return nil, err
		}
		if ac.Auto && ac.CreatedBy == "" {
			ac.CreatedBy = "系统"
		}
		out = append(out, ac)
	}
	return out, rows.Err()
}

func (s *Service) completions(ctx context.Context, id int64) ([]Completion, error) {
	rows, err := s.DB.Read.QueryContext(ctx, `SELECT c.id, c.summary, c.file_ids, COALESCE(rq.real_name, ''), c.requested_at, c.outcome,
		COALESCE(dc.real_name, ''), c.decided_at, c.note FROM task_completions c LEFT JOIN users rq ON rq.id = c.requested_by
		LEFT JOIN users dc ON dc.id = c.decided_by WHERE c.task_id = $1 ORDER BY c.requested_at DESC, c.id DESC`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Completion{}
	for rows.Next() {
		var c Completion
		var files string
		var decided nullTime
		if err := rows.Scan(&c.ID, &c.Summary, &files, &c.RequestedBy, &c.RequestedAt, &c.Outcome, &c.DecidedBy, &decided, &c.Note); err != nil {
			return nil, err
		}
		c.FileIDs, c.DecidedAt = splitIDs(files), decided.Ptr()
		out = append(out, c)
	}
	return out, rows.Err()
}

func (s *Service) files(ctx context.Context, id int64) ([]File, error) {
	rows, err := s.DB.Read.QueryContext(ctx, `SELECT f.id, f.name, f.size, f.content_type, f.has_thumb, COALESCE(x.real_name, ''), f.created_at
		FROM files f LEFT JOIN users x ON x.id = f.uploaded_by WHERE f.object_type = 'task' AND f.object_id = $1 ORDER BY f.id`, idStr(id))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []File{}
	for rows.Next() {
		var f File
		var thumb bool
		if err := rows.Scan(&f.ID, &f.Name, &f.Size, &f.ContentType, &thumb, &f.UploadedBy, &f.CreatedAt); err != nil {
			return nil, err
		}
		f.URL = "/api/v1/files/" + idStr(f.ID)
		if thumb {
			f.ThumbURL = f.URL + "/thumb"
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

func (s *Service) timeline(ctx context.Context, id int64) ([]Event, error) {
	return db.Collect(ctx, s.DB.Read, `SELECT kind, summary, note, actor_name, at FROM task_events WHERE task_id = $1 ORDER BY at, id`, []any{id},
		func(r db.Scanner) (Event, error) {
			var e Event
			err := r.Scan(&e.Kind, &e.Summary, &e.Note, &e.Actor, &e.At)
			return e, err
		})
}

// can lists what the actor may do with the task now; the service checks
// each again when it is done.
func can(a *auth.Actor, x *access, now time.Time, pendingExtension bool) []string {
	out := []string{}
	add := func(ok bool, what string) {
		if ok {
			out = append(out, what)
		}
	}
	manage, lead := x.manages(a), x.leadSide(a)
	handle, report := lead && a.Can(auth.HandleTasks), lead && a.Can(auth.ReportTasks)
	st := x.Status
	add(manage && st != StatusClosed, "edit")
	add(manage && st == StatusDraft, "issue")
	add(manage && st == StatusDraft, "delete")
	add(handle && st == StatusIssued, "sign")
	add(report && handling(st), "report")
	add(handle && handling(st), "request")
	add(manage && st == StatusRequested, "close")
	add(manage && st == StatusRequested, "return")
	add(handle && (st == StatusIssued || handling(st)) && !x.Deadline.IsZero() && now.Before(x.Deadline.End()) && !pendingExtension, "extend")
	add(manage && pendingExtension, "decide")
	add(handle && handling(st), "split")
	add(handle && handling(st), "milestone")
	add(a.Can(auth.RemindTasks) && open(st), "remind")
	add(a.Can(auth.ManageTasks) && open(st), "notice")
	add(a.Can(auth.ManageTasks) && open(st), "interview")
	return out
}
