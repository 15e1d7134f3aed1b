package tasks

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"diaodu/internal/org"
	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/calendar"
	"diaodu/internal/platform/db"
	"diaodu/internal/platform/errs"
	"diaodu/internal/platform/notify"
)

// Workflow: draft → issued → signed → in_progress → requested → closed,
// or requested → returned → (report) in_progress. Every step runs in one
// audited transaction that also writes the timeline and recomputes the
// light.

// change runs fn on a task loaded (and on PostgreSQL row-locked) in the
// write transaction.
func (s *Service) change(ctx context.Context, a *auth.Actor, id int64, fn func(w *audit.W, x *access, st Settings) error) error {
	st, err := s.current(ctx)
	if err != nil {
		return err
	}
	return s.Audit.Write(ctx, a, func(w *audit.W) error {
		x, err := s.load(ctx, w, a, id, true)
		if err != nil {
			return err
		}
		return fn(w, x, st)
	})
}

// label names a task in summaries: its number, or its title while a draft.
func (x *access) label() string {
	if x.Number != "" {
		return x.Number
	}
	return "“" + x.Title + "”"
}

// record writes the task's audit entry.
func record(w *audit.W, x *access, action, summary string, before, after any) error {
	return w.Record(audit.Entry{Action: action, ObjectType: "task", ObjectID: idStr(x.ID), UnitID: x.LeadUnit.ID,
		Summary: summary, Before: before, After: after})
}

func conflict(zh, en string) error { return errs.Conflictf(zh, en) }

// stateError explains why a step does not fit the task's status.
func stateError(x *access) error {
	switch x.Status {
	case StatusDraft:
		return conflict("任务尚未下发", "the task has not been issued")
	case StatusIssued:
		return conflict("任务尚未签收，请先签收", "sign for the task first")
	case StatusRequested:
		return conflict("任务已申请办结，等待审核", "completion has been requested and awaits review")
	case StatusClosed:
		return conflict("任务已销号，不能再办理", "the task is closed")
	}
	return conflict("当前状态下不能执行此操作", "not possible in the task's current status")
}

// handling is a status in which the lead unit works on the task.
func handling(status string) bool {
	return status == StatusSigned || status == StatusInProgress || status == StatusReturned
}

// requireLead checks a lead-unit permission: forbidden when the actor sees
// the task but is not on its lead side, or lacks the role.
func requireLead(a *auth.Actor, x *access, p auth.Permission) error {
	if err := auth.Require(a, p); err != nil {
		return err
	}
	if !x.leadSide(a) {
		return errs.New(errs.Forbidden, "只有牵头单位可以办理此任务", "only the lead unit may do this")
	}
	return nil
}

func requireManage(a *auth.Actor, x *access) error {
	if !x.manages(a) {
		return errs.ErrForbidden
	}
	return nil
}

// Issue hands a draft to its lead unit: it gets its number and a signing deadline.
func (s *Service) Issue(ctx context.Context, a *auth.Actor, id int64) error {
	return s.change(ctx, a, id, func(w *audit.W, x *access, st Settings) error {
		if err := requireManage(a, x); err != nil {
			return err
		}
		if x.Status != StatusDraft {
			return conflict("只有草稿可以下发", "only a draft can be issued")
		}
		return s.issue(ctx, w, x, st)
	})
}

func (s *Service) issue(ctx context.Context, w *audit.W, x *access, st Settings) error {
	var active bool
	if err := w.QueryRowContext(ctx, `SELECT active FROM units WHERE id = $1`, x.LeadUnit.ID).Scan(&active); err != nil {
		return err
	}
	if !active {
		f := errs.Fields{}
		f.Add("lead_unit_id", "牵头单位“"+x.LeadUnit.Name+"”已停用，请先修改牵头单位", "the lead unit is deactivated")
		return f.Err()
	}
	day := today(w.Now())
	seq, err := reserve(ctx, w, "task", day.Year(), 1)
	if err != nil {
		return err
	}
	number, due := numberOf(st.NumberPrefix, day.Year(), seq), s.Calendar.AddWorkdays(day, st.SignDays)
	if _, err := w.ExecContext(ctx, `UPDATE tasks SET status = 'issued', number = $1, year = $2, seq = $3, issued_at = $4,
		sign_due = $5, updated_at = $4 WHERE id = $6`, number, day.Year(), seq, w.Now(), due, x.ID); err != nil {
		return err
	}
	co, err := coUnitIDs(ctx, w, x.ID)
	if err != nil {
		return err
	}
	if err := event(ctx, w, x.ID, "issue", "下发"+number+"至"+x.LeadUnit.Name+"，请于"+md(due)+"前签收", ""); err != nil {
		return err
	}
	if err := record(w, x, "task.issue", "下发督办任务"+number+"“"+x.Title+"”",
		map[string]any{"status": x.Status}, map[string]any{"status": StatusIssued, "number": number, "sign_due": due}); err != nil {
		return err
	}
	if err := s.sendIssued(ctx, w, x.ID, number, x.Title, x.Deadline, due, x.LeadUnit.ID, co); err != nil {
		return err
	}
	return s.relight(ctx, w, st, x.ID)
}

func coUnitIDs(ctx context.Context, q querier, id int64) ([]int64, error) {
	rows, err := q.QueryContext(ctx, `SELECT unit_id FROM task_co_units WHERE task_id = $1 ORDER BY sort_order`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []int64{}
	for rows.Next() {
		var u int64
		if err := rows.Scan(&u); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// Sign is 签收 by the lead unit. Signing late is allowed; the light was
// yellow meanwhile and the timeline says so.
func (s *Service) Sign(ctx context.Context, a *auth.Actor, id int64) error {
	return s.change(ctx, a, id, func(w *audit.W, x *access, st Settings) error {
		if err := requireLead(a, x, auth.HandleTasks); err != nil {
			return err
		}
		if x.Status != StatusIssued {
			if x.Status == StatusDraft {
				return stateError(x)
			}
			return conflict("任务已签收", "the task has already been signed for")
		}
		if _, err := w.ExecContext(ctx, `UPDATE tasks SET status = 'signed', signed_at = $1, updated_at = $1 WHERE id = $2`,
			w.Now(), x.ID); err != nil {
			return err
		}
		summary := x.LeadUnit.Name + "签收"
		if today(w.Now()).After(x.SignDue) {
			summary += "（超过签收时限" + md(x.SignDue) + "）"
		}
		if err := event(ctx, w, x.ID, "sign", summary, ""); err != nil {
			return err
		}
		if err := record(w, x, "task.sign", "签收督办任务"+x.label(), map[string]any{"status": x.Status},
			map[string]any{"status": StatusSigned}); err != nil {
			return err
		}
		return s.relight(ctx, w, st, x.ID)
	})
}

// checkFiles tells whether every id is an attachment of the task.
func checkFiles(ctx context.Context, q querier, taskID int64, ids []int64, field string, f errs.Fields) {
	ids = uniq(ids)
	if len(ids) == 0 {
		return
	}
	var args db.Args
	obj := args.Add(idStr(taskID))
	var n int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM files WHERE object_type = 'task' AND object_id = `+obj+
		` AND id IN (`+inList(&args, ids)+`)`, args...).Scan(&n); err != nil || n != len(ids) {
		f.Add(field, "附件不存在，请先上传到本任务", "a file is not an attachment of this task")
	}
}

// reportPeriod is the cycle reports are kept by: the task's report cycle,
// or a day for tasks without one.
func reportPeriod(cycle string) calendar.Period {
	if p := calendar.Period(cycle); calendar.ValidPeriod(p) {
		return p
	}
	return calendar.Daily
}

// Report submits this cycle's progress report; a second submission in the
// same cycle replaces the first (audited, with the old text kept in the
// trail) until the cycle ends.
func (s *Service) Report(ctx context.Context, a *auth.Actor, id int64, in ReportInput) (*Report, error) {
	var rid int64
	err := s.change(ctx, a, id, func(w *audit.W, x *access, st Settings) error {
		if err := requireLead(a, x, auth.ReportTasks); err != nil {
			return err
		}
		if !handling(x.Status) {
			return stateError(x)
		}
		in.Content, in.Problems = strings.TrimSpace(in.Content), strings.TrimSpace(in.Problems)
		f := errs.Fields{}
		switch n := utf8.RuneCountInString(in.Content); {
		case n == 0:
			f.Add("content", "请填写进展情况", "content is required")
		case n > 5000:
			f.Add("content", "进展情况不能超过5000个字", "content may not exceed 5000 characters")
		}
		if in.Percent < 0 || in.Percent > 100 {
			f.Add("percent", "完成进度应为0到100", "percent must be 0 to 100")
		}
		if utf8.RuneCountInString(in.Problems) > 2000 {
			f.Add("problems", "需协调解决的问题不能超过2000个字", "problems may not exceed 2000 characters")
		}
		checkFiles(ctx, w, x.ID, in.FileIDs, "file_ids", f)
		done := uniq(in.MilestonesDone)
		if len(done) > 0 {
			var args db.Args
			tid := args.Add(x.ID)
			var n int
			if err := w.QueryRowContext(ctx, `SELECT COUNT(*) FROM task_milestones WHERE task_id = `+tid+` AND done_on IS NULL AND id IN (`+
				inList(&args, done)+`)`, args...).Scan(&n); err != nil {
				return err
			}
			if n != len(done) {
				f.Add("milestones_done", "节点不属于本任务或已完成", "a milestone is not an open milestone of this task")
			}
		}
		if err := f.Err(); err != nil {
			return err
		}
		day := today(w.Now())
		start, end := calendar.CycleOf(reportPeriod(x.ReportCycle), x.StartOn, day)
		fileIDs := joinIDs(uniq(in.FileIDs))
		var old Report
		var oldID int64
		err := w.QueryRowContext(ctx, `SELECT id, content, percent, problems FROM task_reports WHERE task_id = $1 AND cycle_end = $2`,
			x.ID, end).Scan(&oldID, &old.Content, &old.Percent, &old.Problems)
		replacing := err == nil
		if err != nil && !isNoRows(err) {
			return err
		}
		after := map[string]any{"cycle_start": start, "cycle_end": end, "content": in.Content, "percent": in.Percent,
			"problems": in.Problems, "file_ids": uniq(in.FileIDs), "milestones_done": done}
		if replacing {
			rid = oldID
			if _, err := w.ExecContext(ctx, `UPDATE task_reports SET content = $1, percent = $2, problems = $3, file_ids = $4,
				unit_id = $5, reported_by = $6, updated_at = $7 WHERE id = $8`, in.Content, in.Percent, in.Problems, fileIDs,
				a.UnitID, db.NullID(a.UserID), w.Now(), rid); err != nil {
				return err
			}
			// The replaced report's unanswered questions go with it.
			if _, err := w.ExecContext(ctx, `DELETE FROM task_coordination WHERE report_id = $1 AND status = 'open'`, rid); err != nil {
				return err
			}
		} else {
			if err := w.QueryRowContext(ctx, `INSERT INTO task_reports (task_id, cycle_start, cycle_end, content, percent, problems,
				file_ids, unit_id, reported_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id`,
				x.ID, start, end, in.Content, in.Percent, in.Problems, fileIDs, a.UnitID, db.NullID(a.UserID), w.Now()).Scan(&rid); err != nil {
				return err
			}
		}
		if err := s.coordinationFrom(ctx, w, x, st, rid, in.Problems); err != nil {
			return err
		}
		if len(done) > 0 {
			var args db.Args
			q := `UPDATE task_milestones SET done_on = ` + args.Add(day) + ` WHERE task_id = ` + args.Add(x.ID) +
				` AND done_on IS NULL AND id IN (` + inList(&args, done) + `)`
			if _, err := w.ExecContext(ctx, q, args...); err != nil {
				return err
			}
		}
		status := x.Status
		if status == StatusSigned || status == StatusReturned {
			status = StatusInProgress
		}
		// With subtasks, progress is rolled up from them; the report keeps its own percent.
		progress := in.Percent
		if x.SubtaskCount > 0 {
			progress = x.Progress
		}
		if _, err := w.ExecContext(ctx, `UPDATE tasks SET status = $1, progress = $2, last_report_at = $3, updated_at = $3,
			last_cycle_end = CASE WHEN last_cycle_end IS NULL OR last_cycle_end < $4 THEN $4 ELSE last_cycle_end END WHERE id = $5`,
			status, progress, w.Now(), end, x.ID); err != nil {
			return err
		}
		summary := fmt.Sprintf("%s报送%s进展，完成进度%d%%", x.LeadUnit.Name, cycleLabel(reportPeriod(x.ReportCycle), start, end), in.Percent)
		if replacing {
			summary = fmt.Sprintf("%s更新%s进展（替换本周期已报内容），完成进度%d%%", x.LeadUnit.Name,
				cycleLabel(reportPeriod(x.ReportCycle), start, end), in.Percent)
		}
		if err := event(ctx, w, x.ID, "report", summary, in.Content); err != nil {
			return err
		}
		action, before := "task.report", any(nil)
		if replacing {
			action, before = "task.report.replace", map[string]any{"content": old.Content, "percent": old.Percent, "problems": old.Problems}
		}
		if in.Percent < x.Progress && x.SubtaskCount == 0 {
			summary += fmt.Sprintf("（低于上次的%d%%）", x.Progress)
		}
		if err := record(w, x, action, summary+"："+x.label(), before, after); err != nil {
			return err
		}
		return s.afterProgress(ctx, w, st, x)
	})
	if err != nil {
		return nil, err
	}
	return s.report(ctx, rid)
}

// afterProgress rolls progress up the parents and recomputes the lights of
// the task and its ancestors.
func (s *Service) afterProgress(ctx context.Context, w *audit.W, st Settings, x *access) error {
	ids := []int64{x.ID}
	for parent := x.ParentID; parent != 0; {
		var sum, n int
		if err := w.QueryRowContext(ctx, `SELECT COALESCE(SUM(CASE WHEN status = 'closed' THEN 100 ELSE progress END), 0), COUNT(*)
			FROM tasks WHERE parent_id = $1`, parent).Scan(&sum, &n); err != nil {
			return err
		}
		progress := 0
		if n > 0 {
			progress = (sum + n/2) / n
		}
		if _, err := w.ExecContext(ctx, `UPDATE tasks SET progress = $1, updated_at = $2 WHERE id = $3`, progress, w.Now(), parent); err != nil {
			return err
		}
		ids = append(ids, parent)
		var next *int64
		if err := w.QueryRowContext(ctx, `SELECT parent_id FROM tasks WHERE id = $1`, parent).Scan(&next); err != nil {
			return err
		}
		parent = 0
		if next != nil {
			parent = *next
		}
	}
	return s.relight(ctx, w, st, ids...)
}

// coordinationFrom turns each non-empty line of problems into a
// coordination item for the task's first lead leader.
func (s *Service) coordinationFrom(ctx context.Context, w *audit.W, x *access, st Settings, reportID int64, problems string) error {
	var lines []string
	for _, l := range strings.Split(problems, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	if len(lines) == 0 {
		return nil
	}
	var owner int64
	err := w.QueryRowContext(ctx, `SELECT user_id FROM task_leaders WHERE task_id = $1 ORDER BY sort_order, user_id LIMIT 1`, x.ID).Scan(&owner)
	if err != nil && !isNoRows(err) {
		return err
	}
	due := s.Calendar.AddWorkdays(today(w.Now()), st.CoordinationDays)
	rows := make([][]any, len(lines))
	for i, l := range lines {
		rows[i] = []any{x.ID, reportID, l, db.NullID(owner), due.String(), "open", w.Now()}
	}
	if err := insertRows(ctx, w, "task_coordination", []string{"task_id", "report_id", "question", "owner_id", "due_on", "status",
		"created_at"}, rows); err != nil {
		return err
	}
	if owner == 0 {
		return nil
	}
	return s.send(ctx, w, notify.Message{Kind: "task.coordination", Title: fmt.Sprintf("%s有%d个问题需要协调", x.label(), len(lines)),
		Body: strings.Join(lines, "\n"), Link: taskLink(x.ID), UserIDs: []int64{owner}, ObjectType: "task", ObjectID: idStr(x.ID)})
}

// openSubtasks counts subtasks not yet closed.
func openSubtasks(ctx context.Context, q querier, id int64) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM tasks WHERE parent_id = $1 AND status <> 'closed'`, id).Scan(&n)
	return n, err
}

// officeUsers are who hears about requests for a task: the supervision
// office for top-level tasks, the parent's lead unit for subtasks.
func (s *Service) reviewers(ctx context.Context, w *audit.W, x *access) (users, units []int64, err error) {
	if x.ParentID != 0 {
		var unit int64
		err := w.QueryRowContext(ctx, `SELECT lead_unit_id FROM tasks WHERE id = $1`, x.ParentID).Scan(&unit)
		return nil, []int64{unit}, err
	}
	users, err = org.UserIDsWithRole(ctx, w, string(auth.Supervisor))
	return users, nil, err
}

// RequestCompletion is 申请办结: the lead unit says the work is done, with
// a summary and evidence files uploaded to the task.
func (s *Service) RequestCompletion(ctx context.Context, a *auth.Actor, id int64, in CompletionInput) error {
	return s.change(ctx, a, id, func(w *audit.W, x *access, st Settings) error {
		if err := requireLead(a, x, auth.HandleTasks); err != nil {
			return err
		}
		if !handling(x.Status) {
			return stateError(x)
		}
		in.Summary = strings.TrimSpace(in.Summary)
		f := errs.Fields{}
		switch n := utf8.RuneCountInString(in.Summary); {
		case n == 0:
			f.Add("summary", "请填写办结情况", "summary is required")
		case n > 5000:
			f.Add("summary", "办结情况不能超过5000个字", "summary may not exceed 5000 characters")
		}
		if len(in.FileIDs) == 0 {
			f.Add("file_ids", "请上传办结佐证材料", "evidence files are required")
		}
		checkFiles(ctx, w, x.ID, in.FileIDs, "file_ids", f)
		if err := f.Err(); err != nil {
			return err
		}
		if n, err := openSubtasks(ctx, w, x.ID); err != nil {
			return err
		} else if n > 0 {
			return conflict(fmt.Sprintf("还有%d项子任务未销号，不能申请办结", n), "subtasks are still open")
		}
		if _, err := w.ExecContext(ctx, `INSERT INTO task_completions (task_id, summary, file_ids, requested_by, requested_at)
			VALUES ($1, $2, $3, $4, $5)`, x.ID, in.Summary, joinIDs(uniq(in.FileIDs)), db.NullID(a.UserID), w.Now()); err != nil {
			return err
		}
		if _, err := w.ExecContext(ctx, `UPDATE tasks SET status = 'requested', requested_at = $1, updated_at = $1 WHERE id = $2`,
			w.Now(), x.ID); err != nil {
			return err
		}
		if err := event(ctx, w, x.ID, "request", x.LeadUnit.Name+"申请办结", in.Summary); err != nil {
			return err
		}
		if err := record(w, x, "task.request", "申请办结督办任务"+x.label(), map[string]any{"status": x.Status},
			map[string]any{"status": StatusRequested, "summary": in.Summary, "file_ids": uniq(in.FileIDs)}); err != nil {
			return err
		}
		users, units, err := s.reviewers(ctx, w, x)
		if err != nil {
			return err
		}
		if err := s.send(ctx, w, notify.Message{Kind: "task.requested", Title: x.label() + "申请办结", Body: in.Summary,
			Link: taskLink(x.ID), UserIDs: users, UnitIDs: units, ObjectType: "task", ObjectID: idStr(x.ID)}); err != nil {
			return err
		}
		return s.relight(ctx, w, st, x.ID)
	})
}

// Close is 销号: the office accepts the completion. Closed on time when the
// request came before the deadline ended.
func (s *Service) Close(ctx context.Context, a *auth.Actor, id int64, note string) error {
	return s.change(ctx, a, id, func(w *audit.W, x *access, st Settings) error {
		if err := requireManage(a, x); err != nil {
			return err
		}
		if x.Status == StatusClosed {
			return stateError(x)
		}
		if n, err := openSubtasks(ctx, w, x.ID); err != nil {
			return err
		} else if n > 0 {
			return conflict(fmt.Sprintf("还有%d项子任务未销号，不能销号", n), "subtasks are still open")
		}
		if x.Status != StatusRequested {
			return conflict("单位尚未申请办结，不能销号", "the lead unit has not requested completion")
		}
		note = strings.TrimSpace(note)
		onTime := x.Deadline.IsZero() || (x.RequestedAt != nil && x.RequestedAt.Before(x.Deadline.End()))
		if _, err := w.ExecContext(ctx, `UPDATE tasks SET status = 'closed', closed_at = $1, closed_on_time = $2, progress = 100,
			updated_at = $1 WHERE id = $3`, w.Now(), onTime, x.ID); err != nil {
			return err
		}
		if err := decideCompletion(ctx, w, x.ID, StatusClosed, note); err != nil {
			return err
		}
		summary := "销号"
		if !onTime {
			summary += "（超期办结）"
		}
		if err := event(ctx, w, x.ID, "close", summary, note); err != nil {
			return err
		}
		if err := record(w, x, "task.close", "销号督办任务"+x.label(), map[string]any{"status": x.Status},
			map[string]any{"status": StatusClosed, "closed_on_time": onTime, "note": note}); err != nil {
			return err
		}
		if err := s.send(ctx, w, notify.Message{Kind: "task.closed", Title: x.label() + "已销号", Body: "“" + x.Title + "”已销号。" + note,
			Link: taskLink(x.ID), UnitIDs: []int64{x.LeadUnit.ID}, ObjectType: "task", ObjectID: idStr(x.ID)}); err != nil {
			return err
		}
		x.Status = StatusClosed
		return s.afterProgress(ctx, w, st, x)
	})
}

func decideCompletion(ctx context.Context, w *audit.W, taskID int64, outcome, note string) error {
	_, err := w.ExecContext(ctx, `UPDATE task_completions SET outcome = $1, decided_by = $2, decided_at = $3, note = $4
		WHERE task_id = $5 AND outcome = ''`, outcome, db.NullID(w.Actor().UserID), w.Now(), note, taskID)
	return err
}

// Return is 退回: the completion is refused with a reason and the task
// goes back to the unit.
func (s *Service) Return(ctx context.Context, a *auth.Actor, id int64, reason string) error {
	return s.change(ctx, a, id, func(w *audit.W, x *access, st Settings) error {
		if err := requireManage(a, x); err != nil {
			return err
		}
		if x.Status != StatusRequested {
			if x.Status == StatusClosed {
				return stateError(x)
			}
			return conflict("单位尚未申请办结，无需退回", "the lead unit has not requested completion")
		}
		reason = strings.TrimSpace(reason)
		if reason == "" || utf8.RuneCountInString(reason) > 2000 {
			f := errs.Fields{}
			f.Add("reason", "请填写退回原因（不超过2000字）", "a reason is required, at most 2000 characters")
			return f.Err()
		}
		if _, err := w.ExecContext(ctx, `UPDATE tasks SET status = 'returned', requested_at = NULL, updated_at = $1 WHERE id = $2`,
			w.Now(), x.ID); err != nil {
			return err
		}
		if err := decideCompletion(ctx, w, x.ID, StatusReturned, reason); err != nil {
			return err
		}
		if err := event(ctx, w, x.ID, "return", "退回，请继续办理", reason); err != nil {
			return err
		}
		if err := record(w, x, "task.return", "退回督办任务"+x.label(), map[string]any{"status": x.Status},
			map[string]any{"status": StatusReturned, "reason": reason}); err != nil {
			return err
		}
		if err := s.send(ctx, w, notify.Message{Kind: "task.returned", Title: x.label() + "被退回", Body: reason, Link: taskLink(x.ID),
			UnitIDs: []int64{x.LeadUnit.ID}, ObjectType: "task", ObjectID: idStr(x.ID)}); err != nil {
			return err
		}
		return s.relight(ctx, w, st, x.ID)
	})
}

// RequestExtension is 延期申请 by the lead unit, before the deadline passes,
// one pending at a time.
func (s *Service) RequestExtension(ctx context.Context, a *auth.Actor, id int64, in ExtensionInput) (*Extension, error) {
	var eid int64
	err := s.change(ctx, a, id, func(w *audit.W, x *access, st Settings) error {
		if err := requireLead(a, x, auth.HandleTasks); err != nil {
			return err
		}
		if x.Status != StatusIssued && !handling(x.Status) {
			return stateError(x)
		}
		if x.Deadline.IsZero() {
			return conflict("长期坚持的任务没有完成时限，无需延期", "a long-term task has no deadline")
		}
		if !w.Now().Before(x.Deadline.End()) {
			return conflict("已超过完成时限（"+x.Deadline.Chinese()+"），不能再申请延期，请尽快办结",
				"the deadline has passed; an extension can only be asked before it")
		}
		var pending int
		if err := w.QueryRowContext(ctx, `SELECT COUNT(*) FROM task_extensions WHERE task_id = $1 AND status = 'pending'`, x.ID).
			Scan(&pending); err != nil {
			return err
		}
		if pending > 0 {
			return conflict("已有一项延期申请等待审批", "an extension request is already pending")
		}
		in.Reason = strings.TrimSpace(in.Reason)
		f := errs.Fields{}
		if in.NewDeadline.IsZero() {
			f.Add("new_deadline", "请填写申请延至的日期", "new_deadline is required")
		} else if !in.NewDeadline.After(x.Deadline) {
			f.Add("new_deadline", "延期后的时限应晚于现时限（"+x.Deadline.String()+"）", "the new deadline must be after the current one")
		}
		if x.ParentID != 0 && !in.NewDeadline.IsZero() {
			var pd calendar.Date
			if err := w.QueryRowContext(ctx, `SELECT deadline FROM tasks WHERE id = $1`, x.ParentID).Scan(&pd); err != nil {
				return err
			}
			if !pd.IsZero() && in.NewDeadline.After(pd) {
				f.Add("new_deadline", "子任务不能延至主任务时限（"+pd.String()+"）之后", "a subtask may not run past its parent's deadline")
			}
		}
		if in.Reason == "" || utf8.RuneCountInString(in.Reason) > 2000 {
			f.Add("reason", "请填写延期理由（不超过2000字）", "a reason is required, at most 2000 characters")
		}
		if err := f.Err(); err != nil {
			return err
		}
		if err := w.QueryRowContext(ctx, `INSERT INTO task_extensions (task_id, old_deadline, new_deadline, reason, requested_by, requested_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, x.ID, x.Deadline, in.NewDeadline, in.Reason, db.NullID(a.UserID), w.Now()).
			Scan(&eid); err != nil {
			return err
		}
		if _, err := w.ExecContext(ctx, `UPDATE tasks SET updated_at = $1 WHERE id = $2`, w.Now(), x.ID); err != nil {
			return err
		}
		if err := event(ctx, w, x.ID, "extension", "申请延期至"+md(in.NewDeadline)+"（现时限"+md(x.Deadline)+"）", in.Reason); err != nil {
			return err
		}
		if err := record(w, x, "task.extension.request", "申请延期督办任务"+x.label()+"至"+in.NewDeadline.String(),
			map[string]any{"deadline": x.Deadline}, map[string]any{"new_deadline": in.NewDeadline, "reason": in.Reason}); err != nil {
			return err
		}
		users, units, err := s.reviewers(ctx, w, x)
		if err != nil {
			return err
		}
		return s.send(ctx, w, notify.Message{Kind: "task.extension", Title: x.label() + "申请延期至" + in.NewDeadline.Chinese(),
			Body: in.Reason, Link: taskLink(x.ID), UserIDs: users, UnitIDs: units, ObjectType: "task", ObjectID: idStr(x.ID)})
	})
	if err != nil {
		return nil, err
	}
	return s.extension(ctx, s.DB.Read, eid)
}

// DecideExtension approves (the deadline moves; the old one stays in the
// request) or refuses (with a note) an extension request.
func (s *Service) DecideExtension(ctx context.Context, a *auth.Actor, extID int64, approve bool, note string) (*Extension, error) {
	if err := auth.Require(a, auth.ViewTasks); err != nil {
		return nil, err
	}
	var taskID int64
	var newDeadline calendar.Date
	var status string
	if err := s.DB.Read.QueryRowContext(ctx, `SELECT task_id, new_deadline, status FROM task_extensions WHERE id = $1`, extID).
		Scan(&taskID, &newDeadline, &status); err != nil {
		if isNoRows(err) {
			return nil, errs.NotFoundf("延期申请", "extension request")
		}
		return nil, err
	}
	err := s.change(ctx, a, taskID, func(w *audit.W, x *access, st Settings) error {
		if err := requireManage(a, x); err != nil {
			return err
		}
		if err := w.QueryRowContext(ctx, `SELECT status FROM task_extensions WHERE id = $1`, extID).Scan(&status); err != nil {
			return err
		}
		if status != "pending" {
			return conflict("该延期申请已审批", "the request has already been decided")
		}
		note = strings.TrimSpace(note)
		if !approve && note == "" {
			f := errs.Fields{}
			f.Add("note", "不同意延期时请填写理由", "a note is required when refusing")
			return f.Err()
		}
		decision, summary := "refused", "不同意延期"
		if approve {
			decision, summary = "approved", "同意延期，完成时限由"+md(x.Deadline)+"调整为"+md(newDeadline)
			if _, err := w.ExecContext(ctx, `UPDATE tasks SET deadline = $1, due_key = $2, updated_at = $3 WHERE id = $4`, newDeadline, dueKey(newDeadline), w.Now(), x.ID); err != nil {
				return err
			}
		}
		if _, err := w.ExecContext(ctx, `UPDATE task_extensions SET status = $1, decided_by = $2, decided_at = $3, decision_note = $4
			WHERE id = $5`, decision, db.NullID(a.UserID), w.Now(), note, extID); err != nil {
			return err
		}
		if err := event(ctx, w, x.ID, "extension", summary, note); err != nil {
			return err
		}
		after := map[string]any{"decision": decision, "note": note}
		if approve {
			after["deadline"] = newDeadline
		}
		if err := record(w, x, "task.extension."+decision, summary+"："+x.label(), map[string]any{"deadline": x.Deadline}, after); err != nil {
			return err
		}
		if err := s.send(ctx, w, notify.Message{Kind: "task.extension", Title: x.label() + "的延期申请：" + summary, Body: note,
			Link: taskLink(x.ID), UnitIDs: []int64{x.LeadUnit.ID}, ObjectType: "task", ObjectID: idStr(x.ID)}); err != nil {
			return err
		}
		return s.relight(ctx, w, st, x.ID)
	})
	if err != nil {
		return nil, err
	}
	return s.extension(ctx, s.DB.Read, extID)
}

// MarkMilestone records the day a milestone was reached (a zero date
// clears it), by the lead unit.
func (s *Service) MarkMilestone(ctx context.Context, a *auth.Actor, id, mid int64, doneOn calendar.Date) error {
	return s.change(ctx, a, id, func(w *audit.W, x *access, st Settings) error {
		if err := requireLead(a, x, auth.HandleTasks); err != nil {
			return err
		}
		if !handling(x.Status) {
			return stateError(x)
		}
		var name string
		var old calendar.Date
		if err := w.QueryRowContext(ctx, `SELECT name, done_on FROM task_milestones WHERE id = $1 AND task_id = $2`, mid, x.ID).
			Scan(&name, &old); err != nil {
			if isNoRows(err) {
				return errs.NotFoundf("节点", "milestone")
			}
			return err
		}
		if !doneOn.IsZero() && (doneOn.After(today(w.Now())) || doneOn.Before(x.StartOn)) {
			f := errs.Fields{}
			f.Add("done_on", "完成日期应在开始日期与今天之间", "done_on must be between the start and today")
			return f.Err()
		}
		if _, err := w.ExecContext(ctx, `UPDATE task_milestones SET done_on = $1 WHERE id = $2`, doneOn, mid); err != nil {
			return err
		}
		if _, err := w.ExecContext(ctx, `UPDATE tasks SET updated_at = $1 WHERE id = $2`, w.Now(), x.ID); err != nil {
			return err
		}
		summary := "节点'" + name + "'于" + md(doneOn) + "完成"
		if doneOn.IsZero() {
			summary = "撤销节点'" + name + "'的完成记录"
		}
		if err := event(ctx, w, x.ID, "milestone", summary, ""); err != nil {
			return err
		}
		if err := record(w, x, "task.milestone", summary+"："+x.label(), map[string]any{"done_on": old},
			map[string]any{"milestone_id": mid, "done_on": doneOn}); err != nil {
			return err
		}
		return s.relight(ctx, w, st, x.ID)
	})
}

// Split is the lead unit handing part of its task to a co-unit or one of
// its sub-units: the subtask is issued at once, numbered after the parent
// (示督〔2026〕12号-1), and the parent's progress rolls up from its subtasks.
func (s *Service) Split(ctx context.Context, a *auth.Actor, parentID int64, in TaskInput) (*Task, error) {
	var id int64
	err := s.change(ctx, a, parentID, func(w *audit.W, x *access, st Settings) error {
		if err := requireLead(a, x, auth.HandleTasks); err != nil {
			return err
		}
		if !handling(x.Status) {
			return stateError(x)
		}
		co, err := coUnitIDs(ctx, w, x.ID)
		if err != nil {
			return err
		}
		p := &parentTask{ID: x.ID, Number: x.Number, LeadUnitID: x.LeadUnit.ID, LeadPath: x.LeadPath, CoUnitIDs: co,
			StartOn: x.StartOn, Deadline: x.Deadline, Status: x.Status}
		if x.Source != nil {
			p.SourceID = x.Source.ID
		}
		if in.Kind == nil && in.Deadline == nil && x.Kind == KindLongTerm {
			in.Kind = &x.Kind // a long-term parent's part is long-term unless said otherwise
		}
		r, err := refsFor(ctx, w, nil, []*TaskInput{&in})
		if err != nil {
			return err
		}
		ts, bad := prepare(r, a, today(w.Now()), []TaskInput{in}, p)
		if len(bad) > 0 {
			return bad[0].Fields.Err()
		}
		t := ts[0]
		// The splitting unit keeps sight of the part it handed to a co-unit.
		if !strings.HasPrefix(r.units[t.LeadUnitID].Path, x.LeadPath) && !slices.Contains(t.CoUnitIDs, x.LeadUnit.ID) {
			t.CoUnitIDs = append(t.CoUnitIDs, x.LeadUnit.ID)
			r.units[x.LeadUnit.ID] = unitRef{ID: x.LeadUnit.ID, Name: x.LeadUnit.Name, Path: x.LeadPath, Active: true}
		}
		var n, year, seq int
		if err := w.QueryRowContext(ctx, `SELECT (SELECT COALESCE(MAX(sub_seq), 0) FROM tasks WHERE parent_id = $1), year, seq
			FROM tasks WHERE id = $1`, x.ID).Scan(&n, &year, &seq); err != nil {
			return err
		}
		// Subtasks sort under their parent: its year and number, then their own.
		t.Year, t.Seq, t.SubSeq, t.Number = year, seq, n+1, fmt.Sprintf("%s-%d", x.Number, n+1)
		ids, err := s.insert(ctx, w, st, r, ts)
		if err != nil {
			return err
		}
		id = ids[0]
		if err := event(ctx, w, x.ID, "split", "拆分子任务"+t.Number+"“"+t.Title+"”交"+r.units[t.LeadUnitID].Name+"办理", ""); err != nil {
			return err
		}
		if _, err := w.ExecContext(ctx, `UPDATE tasks SET updated_at = $1 WHERE id = $2`, w.Now(), x.ID); err != nil {
			return err
		}
		child := &access{row: row{Task: Task{ID: id, ParentID: x.ID}}}
		return s.afterProgress(ctx, w, st, child)
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, a, id)
}

// current reads a task's editable fields.
func currentFields(ctx context.Context, q querier, x *access) (*fields, error) {
	fl := &fields{Title: x.Title, Requirements: x.Requirements, Kind: x.Kind, ReportCycle: x.ReportCycle, LeadUnitID: x.LeadUnit.ID,
		ResponsibleName: x.ResponsibleName, ResponsiblePhone: x.ResponsiblePhone, StartOn: x.StartOn, Deadline: x.Deadline,
		LeaderIDs: []int64{}, CoUnitIDs: []int64{}, Tags: []string{}}
	if x.Source != nil {
		fl.SourceID = x.Source.ID
	}
	t := &Task{ID: x.ID}
	if err := attach(ctx, q, []*Task{t}); err != nil {
		return nil, err
	}
	for _, l := range t.Leaders {
		fl.LeaderIDs = append(fl.LeaderIDs, l.ID)
	}
	for _, c := range t.CoUnits {
		fl.CoUnitIDs = append(fl.CoUnitIDs, c.ID)
	}
	fl.Tags = t.Tags
	ms, err := milestones(ctx, q, x.ID)
	if err != nil {
		return nil, err
	}
	for _, m := range ms {
		fl.Milestones = append(fl.Milestones, MilestoneInput{ID: m.ID, Name: m.Name, DueOn: m.DueOn, Weight: m.Weight})
	}
	return fl, nil
}

// Update edits a task: drafts freely, issued tasks by the office (every
// change in the trail); a closed task no more. "issue": true on a draft
// issues it too.
func (s *Service) Update(ctx context.Context, a *auth.Actor, id int64, in TaskInput) (*Task, error) {
	err := s.change(ctx, a, id, func(w *audit.W, x *access, st Settings) error {
		if err := requireManage(a, x); err != nil {
			return err
		}
		if x.Status == StatusClosed {
			return stateError(x)
		}
		before, err := currentFields(ctx, w, x)
		if err != nil {
			return err
		}
		after := *before
		after.LeaderIDs, after.CoUnitIDs, after.Tags = slices.Clone(before.LeaderIDs), slices.Clone(before.CoUnitIDs), slices.Clone(before.Tags)
		after.Milestones = slices.Clone(before.Milestones)
		after.apply(&in)
		var parent *parentTask
		if x.ParentID != 0 {
			var pl access
			px, err := loadRows(ctx, w, "WHERE t.id = $1", []any{x.ParentID})
			if err != nil || len(px) == 0 {
				return fmt.Errorf("parent of task %d: %v", x.ID, err)
			}
			pl.row = *px[0]
			co, err := coUnitIDs(ctx, w, pl.ID)
			if err != nil {
				return err
			}
			parent = &parentTask{ID: pl.ID, Number: pl.Number, LeadUnitID: pl.LeadUnit.ID, LeadPath: pl.LeadPath,
				CoUnitIDs: append(co, pl.LeadUnit.ID), StartOn: pl.StartOn, Deadline: pl.Deadline, Status: pl.Status}
		}
		r, err := refsFor(ctx, w, []*fields{before}, []*TaskInput{&in})
		if err != nil {
			return err
		}
		f := after.check(r, a, parent)
		for _, m := range after.Milestones {
			if m.ID != 0 && !slices.ContainsFunc(before.Milestones, func(b MilestoneInput) bool { return b.ID == m.ID }) {
				f.Add("milestones", "节点不属于本任务", "a milestone does not belong to this task")
			}
		}
		if err := f.Err(); err != nil {
			return err
		}
		if err := s.save(ctx, w, x, r, before, &after); err != nil {
			return err
		}
		if err := event(ctx, w, x.ID, "edit", "修改任务内容", ""); err != nil {
			return err
		}
		if err := record(w, x, "task.update", "修改督办任务"+x.label(), before.auditView(x.Status), after.auditView(x.Status)); err != nil {
			return err
		}
		if in.Issue && x.Status == StatusDraft {
			x.Title, x.Deadline, x.LeadUnit = after.Title, after.Deadline, Ref{after.LeadUnitID, r.units[after.LeadUnitID].Name}
			return s.issue(ctx, w, x, st)
		}
		if x.Status != StatusDraft && after.LeadUnitID != before.LeadUnitID {
			if err := s.sendIssued(ctx, w, x.ID, x.Number, after.Title, after.Deadline, x.SignDue, after.LeadUnitID, nil); err != nil {
				return err
			}
		}
		return s.relight(ctx, w, st, x.ID)
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, a, id)
}

// save writes the edited fields and replaces the relations that changed.
func (s *Service) save(ctx context.Context, w *audit.W, x *access, r *refs, before, after *fields) error {
	// Only the columns that changed: SQLite rewrites every index that holds
	// a column named in SET, changed or not, and the ledger's indexes hold
	// most of them.
	var args db.Args
	var set []string
	col := func(name string, changed bool, v any) {
		if changed {
			set = append(set, name+" = "+args.Add(v))
		}
	}
	col("source_id", after.SourceID != before.SourceID, db.NullID(after.SourceID))
	col("title", after.Title != before.Title, after.Title)
	col("requirements", after.Requirements != before.Requirements, after.Requirements)
	col("kind", after.Kind != before.Kind, after.Kind)
	col("report_cycle", after.ReportCycle != before.ReportCycle, after.ReportCycle)
	col("lead_unit_id", after.LeadUnitID != before.LeadUnitID, after.LeadUnitID)
	col("lead_unit_path", after.LeadUnitID != before.LeadUnitID, r.units[after.LeadUnitID].Path)
	col("responsible_name", after.ResponsibleName != before.ResponsibleName, after.ResponsibleName)
	col("responsible_phone", after.ResponsiblePhone != before.ResponsiblePhone, after.ResponsiblePhone)
	col("start_on", after.StartOn != before.StartOn, after.StartOn)
	col("deadline", after.Deadline != before.Deadline, after.Deadline)
	col("due_key", after.Deadline != before.Deadline, dueKey(after.Deadline))
	col("updated_at", true, w.Now())
	if _, err := w.ExecContext(ctx, `UPDATE tasks SET `+strings.Join(set, ", ")+` WHERE id = `+args.Add(x.ID), args...); err != nil {
		return err
	}
	replace := func(table string, changed bool, cols []string, rows [][]any) error {
		if !changed {
			return nil
		}
		if _, err := w.ExecContext(ctx, `DELETE FROM `+table+` WHERE task_id = $1`, x.ID); err != nil {
			return err
		}
		return insertRows(ctx, w, table, cols, rows)
	}
	var leaders, co, tags [][]any
	for i, id := range after.LeaderIDs {
		leaders = append(leaders, []any{x.ID, id, i})
	}
	for i, id := range after.CoUnitIDs {
		co = append(co, []any{x.ID, id, r.units[id].Path, i})
	}
	for _, t := range after.Tags {
		tags = append(tags, []any{x.ID, t})
	}
	if err := replace("task_leaders", !slices.Equal(before.LeaderIDs, after.LeaderIDs), []string{"task_id", "user_id", "sort_order"}, leaders); err != nil {
		return err
	}
	if err := replace("task_co_units", !slices.Equal(before.CoUnitIDs, after.CoUnitIDs), []string{"task_id", "unit_id", "unit_path", "sort_order"}, co); err != nil {
		return err
	}
	if err := replace("task_tags", !slices.Equal(before.Tags, after.Tags), []string{"task_id", "tag"}, tags); err != nil {
		return err
	}
	// Milestones keep their ids (and done dates); those left out go.
	if slices.EqualFunc(before.Milestones, after.Milestones, func(a, b MilestoneInput) bool {
		return a.ID == b.ID && a.Name == b.Name && a.DueOn.String() == b.DueOn.String() && a.Weight == b.Weight
	}) {
		return nil
	}
	keep := []int64{}
	var added [][]any
	for i, m := range after.Milestones {
		if m.ID == 0 {
			added = append(added, []any{x.ID, m.Name, m.DueOn.String(), m.Weight, i})
			continue
		}
		keep = append(keep, m.ID)
		if _, err := w.ExecContext(ctx, `UPDATE task_milestones SET name = $1, due_on = $2, weight = $3, sort_order = $4 WHERE id = $5 AND task_id = $6`,
			m.Name, m.DueOn, m.Weight, i, m.ID, x.ID); err != nil {
			return err
		}
	}
	var del db.Args
	q := `DELETE FROM task_milestones WHERE task_id = ` + del.Add(x.ID)
	if len(keep) > 0 {
		q += ` AND id NOT IN (` + inList(&del, keep) + `)`
	}
	if _, err := w.ExecContext(ctx, q, del...); err != nil {
		return err
	}
	return insertRows(ctx, w, "task_milestones", []string{"task_id", "name", "due_on", "weight", "sort_order"}, added)
}

// Delete removes a draft.
func (s *Service) Delete(ctx context.Context, a *auth.Actor, id int64) error {
	return s.change(ctx, a, id, func(w *audit.W, x *access, st Settings) error {
		if err := requireManage(a, x); err != nil {
			return err
		}
		if x.Status != StatusDraft {
			return conflict("只能删除草稿；已下发的任务请销号或退回", "only drafts can be deleted")
		}
		if _, err := w.ExecContext(ctx, `DELETE FROM tasks WHERE id = $1`, x.ID); err != nil {
			return err
		}
		return record(w, x, "task.delete", "删除督办任务草稿“"+x.Title+"”", map[string]any{"title": x.Title, "status": x.Status}, nil)
	})
}
