package tasks

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"unicode/utf8"

	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/db"
	"diaodu/internal/platform/errs"
	"diaodu/internal/platform/httpx"
)

// Sources: meetings (调度会, 常务会议, 专题会议), leaders' instructions (领导批示)
// and annual key work plans (年度重点工作). Every top-level task names one.

const sourceSelect = `SELECT s.id, s.kind, s.meeting_kind, s.title, s.held_on, s.year, s.chair, s.leader_id,
	COALESCE(l.real_name, ''), s.body, s.document, s.created_at,
	(SELECT COUNT(*) FROM tasks t WHERE t.source_id = s.id AND t.parent_id IS NULL),
	(SELECT COUNT(*) FROM tasks t WHERE t.source_id = s.id AND t.parent_id IS NULL AND t.status NOT IN ('draft', 'closed'))
	FROM task_sources s LEFT JOIN users l ON l.id = s.leader_id`

func scanSource(sc interface{ Scan(...any) error }) (*Source, error) {
	var s Source
	var leader sql.NullInt64
	if err := sc.Scan(&s.ID, &s.Kind, &s.MeetingKind, &s.Title, &s.HeldOn, &s.Year, &s.Chair, &leader, &s.LeaderName,
		&s.Body, &s.Document, &s.CreatedAt, &s.TaskCount, &s.OpenCount); err != nil {
		return nil, err
	}
	s.LeaderID = leader.Int64
	return &s, nil
}

// SourceFilter selects sources.
type SourceFilter struct {
	Kind string
	Year int
	Q    string
}

var sourceSorts = map[string]string{"held_on": "s.held_on IS NULL, s.held_on, s.id", "title": "s.title, s.id", "created_at": "s.created_at, s.id"}

// ListSources lists the sources; every role that sees tasks sees them.
func (s *Service) ListSources(ctx context.Context, a *auth.Actor, f SourceFilter, p httpx.Page) ([]Source, int, error) {
	if err := auth.Require(a, auth.ViewTasks); err != nil {
		return nil, 0, err
	}
	order, err := db.OrderBy(p.Sort, "-held_on", sourceSorts, "")
	if err != nil {
		return nil, 0, err
	}
	var args db.Args
	where := "TRUE"
	if f.Kind != "" {
		where += " AND s.kind = " + args.Add(f.Kind)
	}
	if f.Year != 0 {
		where += " AND s.year = " + args.Add(f.Year)
	}
	if f.Q != "" {
		where += " AND LOWER(s.title) LIKE " + args.Add(db.Like(f.Q)) + ` ESCAPE '\'`
	}
	var total int
	if err := s.DB.Read.QueryRowContext(ctx, `SELECT COUNT(*) FROM task_sources s WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	q := sourceSelect + " WHERE " + where + " ORDER BY " + order
	if p.Size > 0 {
		q += fmt.Sprintf(" LIMIT %d OFFSET %d", p.Limit(), p.Offset())
	}
	rows, err := s.DB.Read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []Source{}
	for rows.Next() {
		src, err := scanSource(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, *src)
	}
	return out, total, rows.Err()
}

func getSource(ctx context.Context, q querier, id int64) (*Source, error) {
	src, err := scanSource(q.QueryRowContext(ctx, sourceSelect+" WHERE s.id = $1", id))
	if isNoRows(err) {
		return nil, errs.NotFoundf("任务来源", "source")
	}
	return src, err
}

// GetSource returns one source with its task counts.
func (s *Service) GetSource(ctx context.Context, a *auth.Actor, id int64) (*Source, error) {
	if err := auth.Require(a, auth.ViewTasks); err != nil {
		return nil, err
	}
	return getSource(ctx, s.DB.Read, id)
}

// applySource copies the set fields onto src and checks the result.
func applySource(ctx context.Context, q querier, src *Source, in SourceInput, day int) errs.Fields {
	f := errs.Fields{}
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = strings.TrimSpace(*v)
		}
	}
	set(&src.Kind, in.Kind)
	set(&src.MeetingKind, in.MeetingKind)
	set(&src.Title, in.Title)
	set(&src.Chair, in.Chair)
	set(&src.Body, in.Body)
	set(&src.Document, in.Document)
	if in.HeldOn != nil {
		src.HeldOn = *in.HeldOn
	}
	if in.LeaderID != nil {
		src.LeaderID = *in.LeaderID
	}
	if in.Year != nil {
		src.Year = *in.Year
	} else if src.Year == 0 {
		src.Year = day
		if !src.HeldOn.IsZero() {
			src.Year = src.HeldOn.Year()
		}
	}
	switch src.Kind {
	case SourceMeeting:
		if _, ok := MeetingKinds[src.MeetingKind]; !ok {
			f.Add("meeting_kind", "会议类型应为：调度会、常务会议、专题会议 之一", "meeting_kind must be dispatch, executive or topic")
		}
	case SourceInstruction, SourcePlan:
		src.MeetingKind = ""
	default:
		f.Add("kind", "来源类型应为：会议、领导批示、年度计划 之一", "kind must be meeting, instruction or plan")
	}
	switch n := utf8.RuneCountInString(src.Title); {
	case n == 0:
		f.Add("title", "请填写名称", "title is required")
	case n > 200:
		f.Add("title", "名称不能超过200个字", "title may not exceed 200 characters")
	}
	if src.HeldOn.IsZero() && src.Kind != SourcePlan {
		f.Add("held_on", "请填写日期", "held_on is required")
	}
	if src.Year < 2000 || src.Year > 2100 {
		f.Add("year", "年度应为2000到2100", "year must be 2000 to 2100")
	}
	if utf8.RuneCountInString(src.Chair) > 50 {
		f.Add("chair", "主持人不能超过50个字", "chair may not exceed 50 characters")
	}
	if utf8.RuneCountInString(src.Body) > 50000 {
		f.Add("body", "内容不能超过50000个字", "body may not exceed 50000 characters")
	}
	if utf8.RuneCountInString(src.Document) > 200 {
		f.Add("document", "文件名称不能超过200个字", "document may not exceed 200 characters")
	}
	if src.Kind == SourceInstruction && src.LeaderID == 0 {
		f.Add("leader_id", "请选择作出批示的领导", "choose the leader who wrote the instruction")
	}
	if src.LeaderID != 0 {
		r, err := loadRefs(ctx, q, nil, []int64{src.LeaderID}, nil)
		if u, ok := r.users[src.LeaderID]; err != nil || !ok || !u.Leader {
			f.Add("leader_id", "批示领导应为区领导账号", "the leader must be a user with the leader role")
		}
	}
	return f
}

func auditSource(s *Source) map[string]any {
	return map[string]any{"kind": s.Kind, "meeting_kind": s.MeetingKind, "title": s.Title, "held_on": s.HeldOn, "year": s.Year,
		"chair": s.Chair, "leader_id": s.LeaderID, "document": s.Document, "body_chars": utf8.RuneCountInString(s.Body)}
}

// SaveSource creates (id 0) or patches a source.
func (s *Service) SaveSource(ctx context.Context, a *auth.Actor, id int64, in SourceInput) (*Source, error) {
	if err := auth.Require(a, auth.ManageTasks); err != nil {
		return nil, err
	}
	var saved *Source
	err := s.Audit.Write(ctx, a, func(w *audit.W) error {
		src := &Source{}
		var before *Source
		if id != 0 {
			var err error
			if before, err = getSource(ctx, w, id); err != nil {
				return err
			}
			c := *before
			src = &c
		}
		if err := applySource(ctx, w, src, in, today(w.Now()).Year()).Err(); err != nil {
			return err
		}
		action, summary := "task_source.update", "修改任务来源“"+src.Title+"”"
		if id == 0 {
			action, summary = "task_source.create", "新建任务来源“"+src.Title+"”"
			if err := w.QueryRowContext(ctx, `INSERT INTO task_sources (kind, meeting_kind, title, held_on, year, chair, leader_id, body,
				document, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id`,
				src.Kind, src.MeetingKind, src.Title, src.HeldOn, src.Year, src.Chair, db.NullID(src.LeaderID), src.Body, src.Document,
				db.NullID(a.UserID), w.Now()).Scan(&id); err != nil {
				return err
			}
		} else if _, err := w.ExecContext(ctx, `UPDATE task_sources SET kind = $1, meeting_kind = $2, title = $3, held_on = $4, year = $5,
			chair = $6, leader_id = $7, body = $8, document = $9, updated_at = $10 WHERE id = $11`, src.Kind, src.MeetingKind, src.Title,
			src.HeldOn, src.Year, src.Chair, db.NullID(src.LeaderID), src.Body, src.Document, w.Now(), id); err != nil {
			return err
		}
		var err error
		if saved, err = getSource(ctx, w, id); err != nil {
			return err
		}
		var b any
		if before != nil {
			b = auditSource(before)
		}
		return w.Record(audit.Entry{Action: action, ObjectType: "task_source", ObjectID: idStr(id), Summary: summary,
			Before: b, After: auditSource(saved)})
	})
	return saved, err
}

// DeleteSource removes a source no task names.
func (s *Service) DeleteSource(ctx context.Context, a *auth.Actor, id int64) error {
	if err := auth.Require(a, auth.ManageTasks); err != nil {
		return err
	}
	return s.Audit.Write(ctx, a, func(w *audit.W) error {
		src, err := getSource(ctx, w, id)
		if err != nil {
			return err
		}
		var n int
		if err := w.QueryRowContext(ctx, `SELECT COUNT(*) FROM tasks WHERE source_id = $1`, id).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return conflict(fmt.Sprintf("该来源下已有%d项任务，不能删除", n), "the source has tasks")
		}
		if _, err := w.ExecContext(ctx, `DELETE FROM task_sources WHERE id = $1`, id); err != nil {
			return err
		}
		return w.Record(audit.Entry{Action: "task_source.delete", ObjectType: "task_source", ObjectID: idStr(id),
			Summary: "删除任务来源“" + src.Title + "”", Before: auditSource(src)})
	})
}
