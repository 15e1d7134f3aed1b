package tasks

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/calendar"
	"diaodu/internal/platform/db"
	"diaodu/internal/platform/errs"
	"diaodu/internal/platform/httpx"
	"diaodu/internal/platform/notify"
)

// Supervision actions: reminders (催办, by hand or automatic), notices
// (督办单, numbered, printable) and interview records (约谈). Each is sent to
// the lead unit and shown on the task.

// action kinds.
const (
	ActionRemind    = "remind"
	ActionNotice    = "notice"
	ActionInterview = "interview"
)

// ActionInput is what the reminder, notice and interview endpoints take.
type ActionInput struct {
	Content     string        `json:"content"`
	Interviewee string        `json:"interviewee"`
	HeldOn      calendar.Date `json:"held_on"`
	ReplyBy     calendar.Date `json:"reply_by"` // notices: default 3 working days after issue
}

// insertAction writes an action row and returns its id; an automatic
// reminder whose dedup key was already used writes nothing (id 0).
func insertAction(ctx context.Context, w *audit.W, taskID int64, kind, number string, auto bool, in ActionInput,
	problem string, doc string, dedup string) (int64, error) {
	var id int64
	var uid int64
	if a := w.Actor(); a != nil {
		uid = a.UserID
	}
	var dk any
	if dedup != "" {
		dk = dedup
	}
	err := w.QueryRowContext(ctx, `INSERT INTO task_actions (task_id, kind, number, auto, content, interviewee, held_on, problem,
		reply_by, doc, dedup_key, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
		ON CONFLICT (dedup_key) DO NOTHING RETURNING id`, taskID, kind, number, auto, in.Content, in.Interviewee, in.HeldOn, problem,
		in.ReplyBy, doc, dk, db.NullID(uid), w.Now()).Scan(&id)
	if isNoRows(err) {
		return 0, nil
	}
	return id, err
}

// actionOn runs an action on a live task the actor may see.
func (s *Service) actionOn(ctx context.Context, a *auth.Actor, id int64, p auth.Permission, fn func(w *audit.W, x *access, st Settings) (int64, error)) (*Action, error) {
	var aid int64
	err := s.change(ctx, a, id, func(w *audit.W, x *access, st Settings) error {
		if err := auth.Require(a, p); err != nil {
			return err
		}
		if !open(x.Status) {
			return stateError(x)
		}
		var err error
		aid, err = fn(w, x, st)
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.action(ctx, aid)
}

func (s *Service) action(ctx context.Context, id int64) (*Action, error) {
	var ac Action
	err := s.DB.Read.QueryRowContext(ctx, `SELECT a.id, a.kind, a.number, a.auto, a.content, a.interviewee, a.held_on,
		COALESCE(x.real_name, ''), a.created_at FROM task_actions a LEFT JOIN users x ON x.id = a.created_by WHERE a.id = $1`, id).
		Scan(&ac.ID, &ac.Kind, &ac.Number, &ac.Auto, &ac.Content, &ac.Interviewee, &ac.HeldOn, &ac.CreatedBy, &ac.CreatedAt)
	return &ac, err
}

func textField(f errs.Fields, field, name string, v string, max int) {
	switch n := utf8.RuneCountInString(v); {
	case n == 0:
		f.Add(field, "请填写"+name, field+" is required")
	case n > max:
		f.Add(field, fmt.Sprintf("%s不能超过%d个字", name, max), fmt.Sprintf("%s may not exceed %d characters", field, max))
	}
}

// Remind is a reminder by hand (催办) from the office or a leader.
func (s *Service) Remind(ctx context.Context, a *auth.Actor, id int64, content string) (*Action, error) {
	return s.actionOn(ctx, a, id, auth.RemindTasks, func(w *audit.W, x *access, st Settings) (int64, error) {
		content = strings.TrimSpace(content)
		if content == "" {
			content = "请加快推进，按时报送进展。"
		}
		if utf8.RuneCountInString(content) > 2000 {
			f := errs.Fields{}
			textField(f, "content", "催办内容", content, 2000)
			return 0, f.Err()
		}
		aid, err := insertAction(ctx, w, x.ID, ActionRemind, "", false, ActionInput{Content: content}, x.LightReason, "", "")
		if err != nil {
			return 0, err
		}
		if err := event(ctx, w, x.ID, "remind", actorName(a)+"催办", content); err != nil {
			return 0, err
		}
		if err := record(w, x, "task.remind", "催办督办任务"+x.label(), nil, map[string]any{"content": content}); err != nil {
			return 0, err
		}
		return aid, s.send(ctx, w, notify.Message{Kind: "task.remind", Title: "催办：" + x.label(), Body: content, Link: taskLink(x.ID),
			UnitIDs: []int64{x.LeadUnit.ID}, ObjectType: "task", ObjectID: idStr(x.ID)})
	})
}

// officeName is who signs notices: the setting, or the district's 委督查室.
func (s *Service) officeName(ctx context.Context, q querier, st Settings) string {
	if st.OfficeName != "" {
		return st.OfficeName
	}
	var root string
	_ = q.QueryRowContext(ctx, `SELECT name FROM units WHERE parent_id IS NULL ORDER BY id LIMIT 1`).Scan(&root)
	return root + "委督查室"
}

// Notice issues a supervision notice (督办单) with its own number; the
// document's fields are kept as issued.
func (s *Service) Notice(ctx context.Context, a *auth.Actor, id int64, in ActionInput) (*Action, error) {
	return s.actionOn(ctx, a, id, auth.ManageTasks, func(w *audit.W, x *access, st Settings) (int64, error) {
		in.Content = strings.TrimSpace(in.Content)
		day := today(w.Now())
		f := errs.Fields{}
		textField(f, "content", "督办要求", in.Content, 5000)
		if in.ReplyBy.IsZero() {
			in.ReplyBy = s.Calendar.AddWorkdays(day, 3)
		} else if in.ReplyBy.Before(day) {
			f.Add("reply_by", "反馈日期不能早于今天", "reply_by may not be in the past")
		}
		if err := f.Err(); err != nil {
			return 0, err
		}
		seq, err := reserve(ctx, w, "notice", day.Year(), 1)
		if err != nil {
			return 0, err
		}
		number := numberOf(st.NoticePrefix, day.Year(), seq)
		problem := x.LightReason
		if problem == "" {
			problem = "推进情况需进一步加强"
		}
		doc := NoticeDoc{Number: number, Year: day.Year(), UnitName: x.LeadUnit.Name, TaskNumber: x.Number, TaskTitle: x.Title,
			Requirements: x.Requirements, Deadline: x.Deadline, Problem: problem, Content: in.Content, IssuedOn: day,
			OfficeName: s.officeName(ctx, w, st), ReplyBy: in.ReplyBy}
		raw, err := json.Marshal(doc)
		if err != nil {
			return 0, err
		}
		aid, err := insertAction(ctx, w, x.ID, ActionNotice, number, false, ActionInput{Content: in.Content, ReplyBy: in.ReplyBy},
			problem, string(raw), "")
		if err != nil {
			return 0, err
		}
		if err := event(ctx, w, x.ID, "notice", "下发督办单"+number+"，请于"+md(in.ReplyBy)+"前书面反馈", in.Content); err != nil {
			return 0, err
		}
		if err := record(w, x, "task.notice", "下发督办单"+number+"："+x.label(), nil, doc); err != nil {
			return 0, err
		}
		return aid, s.send(ctx, w, notify.Message{Kind: "task.notice", Title: "督办单" + number + "：" + x.label(), Body: in.Content,
			Link: taskLink(x.ID), UnitIDs: []int64{x.LeadUnit.ID}, ObjectType: "task", ObjectID: idStr(x.ID)})
	})
}

// Interview records an interview (约谈) about the task.
func (s *Service) Interview(ctx context.Context, a *auth.Actor, id int64, in ActionInput) (*Action, error) {
	return s.actionOn(ctx, a, id, auth.ManageTasks, func(w *audit.W, x *access, st Settings) (int64, error) {
		in.Content, in.Interviewee = strings.TrimSpace(in.Content), strings.TrimSpace(in.Interviewee)
		f := errs.Fields{}
		textField(f, "interviewee", "约谈对象", in.Interviewee, 100)
		textField(f, "content", "约谈内容", in.Content, 5000)
		if in.HeldOn.IsZero() {
			f.Add("held_on", "请填写约谈日期", "held_on is required")
		} else if in.HeldOn.After(today(w.Now())) {
			f.Add("held_on", "约谈日期不能晚于今天", "held_on may not be in the future")
		}
		if err := f.Err(); err != nil {
			return 0, err
		}
		aid, err := insertAction(ctx, w, x.ID, ActionInterview, "", false, in, x.LightReason, "", "")
		if err != nil {
			return 0, err
		}
		if err := event(ctx, w, x.ID, "interview", md(in.HeldOn)+"约谈"+in.Interviewee, in.Content); err != nil {
			return 0, err
		}
		if err := record(w, x, "task.interview", "约谈记录："+x.label(), nil, in); err != nil {
			return 0, err
		}
		return aid, s.send(ctx, w, notify.Message{Kind: "task.interview", Title: "约谈记录：" + x.label(),
			Body: in.HeldOn.Chinese() + "约谈" + in.Interviewee + "。" + in.Content, Link: taskLink(x.ID),
			UnitIDs: []int64{x.LeadUnit.ID}, ObjectType: "task", ObjectID: idStr(x.ID)})
	})
}

// NoticeOf returns the document fields of a notice the actor may see.
func (s *Service) NoticeOf(ctx context.Context, a *auth.Actor, actionID int64) (*NoticeDoc, error) {
	if err := auth.Require(a, auth.ViewTasks); err != nil {
		return nil, err
	}
	var taskID int64
	var kind, raw string
	err := s.DB.Read.QueryRowContext(ctx, `SELECT task_id, kind, doc FROM task_actions WHERE id = $1`, actionID).Scan(&taskID, &kind, &raw)
	if isNoRows(err) || (err == nil && kind != ActionNotice) {
		return nil, errs.NotFoundf("督办单", "supervision notice")
	}
	if err != nil {
		return nil, err
	}
	if _, err := s.load(ctx, s.DB.Read, a, taskID, false); err != nil {
		return nil, errs.NotFoundf("督办单", "supervision notice")
	}
	var doc NoticeDoc
	if err := json.Unmarshal([]byte(raw), &doc); err != nil {
		return nil, err
	}
	return &doc, nil
}

// AnswerCoordination answers a coordination item: its owner, or the office.
func (s *Service) AnswerCoordination(ctx context.Context, a *auth.Actor, cid int64, answer string) (*Coordination, error) {
	if err := auth.Require(a, auth.ViewTasks); err != nil {
		return nil, err
	}
	var taskID int64
	var owner *int64
	if err := s.DB.Read.QueryRowContext(ctx, `SELECT task_id, owner_id FROM task_coordination WHERE id = $1`, cid).Scan(&taskID, &owner); err != nil {
		if isNoRows(err) {
			return nil, errs.NotFoundf("协调事项", "coordination item")
		}
		return nil, err
	}
	err := s.change(ctx, a, taskID, func(w *audit.W, x *access, st Settings) error {
		if !(owner != nil && *owner == a.UserID) && !a.Can(auth.AnswerCoordination) {
			return errs.New(errs.Forbidden, "只有协调事项的责任领导或督查室可以答复", "only the owner or the office may answer")
		}
		var status, question string
		if err := w.QueryRowContext(ctx, `SELECT status, question FROM task_coordination WHERE id = $1`, cid).Scan(&status, &question); err != nil {
			return err
		}
		if status != "open" {
			return conflict("该协调事项已答复", "the item has already been answered")
		}
		answer = strings.TrimSpace(answer)
		f := errs.Fields{}
		textField(f, "answer", "答复意见", answer, 5000)
		if err := f.Err(); err != nil {
			return err
		}
		if _, err := w.ExecContext(ctx, `UPDATE task_coordination SET answer = $1, answered_by = $2, answered_at = $3, status = 'answered'
			WHERE id = $4`, answer, db.NullID(a.UserID), w.Now(), cid); err != nil {
			return err
		}
		if err := event(ctx, w, x.ID, "coordination", actorName(a)+"答复协调事项：“"+question+"”", answer); err != nil {
			return err
		}
		if err := w.Record(audit.Entry{Action: "task.coordination.answer", ObjectType: "task_coordination", ObjectID: idStr(cid),
			UnitID: x.LeadUnit.ID, Summary: "答复" + x.label() + "的协调事项", Before: map[string]any{"question": question},
			After: map[string]any{"answer": answer}}); err != nil {
			return err
		}
		return s.send(ctx, w, notify.Message{Kind: "task.coordination", Title: x.label() + "的协调事项已答复", Body: question + "\n答复：" + answer,
			Link: taskLink(x.ID), UnitIDs: []int64{x.LeadUnit.ID}, ObjectType: "task", ObjectID: idStr(x.ID)})
	})
	if err != nil {
		return nil, err
	}
	items, err := s.coordinationWhere(ctx, "WHERE c.id = $1", cid)
	if err != nil || len(items) == 0 {
		return nil, err
	}
	return &items[0], nil
}

// CoordinationFilter selects coordination items.
type CoordinationFilter struct {
	Status string // open | answered
	Mine   bool   // owned by the actor
	TaskID int64
}

// ListCoordination lists coordination items of the tasks the actor sees.
func (s *Service) ListCoordination(ctx context.Context, a *auth.Actor, f CoordinationFilter, p httpx.Page) ([]Coordination, int, error) {
	if err := auth.Require(a, auth.ViewTasks); err != nil {
		return nil, 0, err
	}
	var args db.Args
	where := s.scope(a, &args)
	switch f.Status {
	case "":
	case "open", "answered":
		where += " AND c.status = " + args.Add(f.Status)
	default:
		fe := errs.Fields{}
		fe.Add("status", "状态应为 open 或 answered", "status must be open or answered")
		return nil, 0, fe.Err()
	}
	if f.Mine {
		where += " AND c.owner_id = " + args.Add(a.UserID)
	}
	if f.TaskID != 0 {
		where += " AND c.task_id = " + args.Add(f.TaskID)
	}
	var total int
	if err := s.DB.Read.QueryRowContext(ctx, `SELECT COUNT(*) FROM task_coordination c JOIN tasks t ON t.id = c.task_id WHERE `+where,
		args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	tail := "WHERE " + where + " ORDER BY c.status DESC, c.due_on, c.id"
	if p.Size > 0 {
		tail += fmt.Sprintf(" LIMIT %d OFFSET %d", p.Limit(), p.Offset())
	}
	items, err := s.coordinationWhere(ctx, tail, args...)
	return items, total, err
}

// remindBatch bounds the automatic reminders written in one transaction,
// so the job never holds SQLite's writer for long.
const remindBatch = 200

// remindDue sends the automatic reminders: every task that turned yellow or
// red and has had no automatic reminder since, once. The dedup key (task,
// light, day) keeps a rerun, a second replica or a clock moved back from
// sending twice.
func (s *Service) remindDue(ctx context.Context, asOf time.Time) (int, error) {
	sys := auth.System("tasks.remind")
	if _, err := s.recomputeIfStale(ctx, sys); err != nil {
		return 0, err
	}
	ids, err := db.IDs(ctx, s.DB.Read, `SELECT t.id FROM tasks t WHERE t.light IN ('yellow', 'red')
		AND t.status NOT IN ('draft', 'closed') AND NOT EXISTS (SELECT 1 FROM task_actions a WHERE a.task_id = t.id
		AND a.auto = TRUE AND (t.light_since IS NULL OR a.created_at >= t.light_since)) ORDER BY t.id`)
	if err != nil {
		return 0, err
	}
	day := today(asOf)
	sent := 0
	for i := 0; i < len(ids); i += remindBatch {
		part := ids[i:min(i+remindBatch, len(ids))]
		err := s.Audit.Write(ctx, sys, func(w *audit.W) error {
			var args db.Args
			rs, err := loadRows(ctx, w, "WHERE t.id IN ("+inList(&args, part)+") AND t.light IN ('yellow', 'red')", args)
			if err != nil {
				return err
			}
			var entries []audit.Entry
			for _, r := range rs {
				x := &access{row: *r}
				content := fmt.Sprintf("【自动催办】督办任务%s“%s”亮%s：%s。请抓紧办理，及时报送进展。", x.Number, x.Title,
					lightName(x.Light), x.LightReason)
				key := "task.remind:" + idStr(x.ID) + ":" + x.Light + ":" + day.String()
				aid, err := insertAction(ctx, w, x.ID, ActionRemind, "", true, ActionInput{Content: content}, x.LightReason, "", key)
				if err != nil {
					return err
				}
				if aid == 0 {
					continue // already sent under this key
				}
				if err := event(ctx, w, x.ID, "remind", "自动催办（"+lightName(x.Light)+"）", x.LightReason); err != nil {
					return err
				}
				if err := s.send(ctx, w, notify.Message{Kind: "task.remind", Title: "催办：" + x.label() + "亮" + lightName(x.Light),
					Body: content, Link: taskLink(x.ID), UnitIDs: []int64{x.LeadUnit.ID}, ObjectType: "task", ObjectID: idStr(x.ID),
					DedupKey: key}); err != nil {
					return err
				}
				entries = append(entries, audit.Entry{Action: "task.remind.auto", ObjectType: "task", ObjectID: idStr(x.ID),
					UnitID: x.LeadUnit.ID, Summary: "自动催办督办任务" + x.label() + "（" + lightName(x.Light) + "）",
					After: map[string]any{"light": x.Light, "reason": x.LightReason, "dedup_key": key}})
			}
			if len(entries) == 0 {
				return errNothing
			}
			sent += len(entries)
			return w.RecordMany(entries)
		})
		if err != nil && err != errNothing {
			return sent, err
		}
	}
	return sent, nil
}
