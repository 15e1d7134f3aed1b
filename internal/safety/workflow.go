package safety

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"diaodu/internal/org"
	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/calendar"
	"diaodu/internal/platform/db"
	"diaodu/internal/platform/errs"
	"diaodu/internal/platform/notify"
)

// The hazard's workflow: 待整改 → 整改中 → 待验收 → 已销号, or 验收不通过
// back to 整改中. Every step is one audited transaction with an event.

func stateError(h *hazardRow) error {
	return conflict("隐患当前为“"+Statuses[h.Status]+"”，不能进行此操作", "not possible while the hazard is "+h.Status)
}

func hazardLink(id int64) string { return "/safety/hazards/" + idStr(id) }

// SavePlan stores the rectification plan of a 重大 hazard.
func (s *Service) SavePlan(ctx context.Context, a *auth.Actor, id int64, in PlanInput) (*HazardDetail, error) {
	err := s.change(ctx, a, id, auth.RectifySafety, func(w *audit.W, h *hazardRow) error {
		if h.Level != LevelMajor {
			return conflict("只有重大隐患需要制定治理方案", "only a major hazard has a plan")
		}
		if !open(h.Status) {
			return stateError(h)
		}
		f := errs.Fields{}
		in.Goals = text(f, "goals", "治理的目标和任务", in.Goals, 1, 2000)
		in.Measures = text(f, "measures", "采取的方法和措施", in.Measures, 1, 2000)
		in.Resources = text(f, "resources", "经费和物资的落实", in.Resources, 1, 2000)
		in.People = text(f, "people", "负责治理的机构和人员", in.People, 1, 2000)
		in.TimeLimits = text(f, "time_limits", "治理的时限和要求", in.TimeLimits, 1, 2000)
		in.SafetySteps = text(f, "safety_steps", "治理期间的安全措施", in.SafetySteps, 1, 2000)
		in.Emergency = text(f, "emergency", "应急预案", in.Emergency, 1, 2000)
		if err := f.Err(); err != nil {
			return err
		}
		b, _ := json.Marshal(in)
		if _, err := w.ExecContext(ctx, `UPDATE safety_hazards SET plan = $1, plan_by = $2, plan_at = $3, updated_at = $3 WHERE id = $4`,
			string(b), db.NullID(a.UserID), w.Now(), h.ID); err != nil {
			return err
		}
		if err := event(ctx, w, h.ID, "plan", "制定（修改）重大隐患治理方案", ""); err != nil {
			return err
		}
		return record(w, h, a, "safety.hazard.plan", "制定重大隐患治理方案："+h.EnterpriseName, nil, in)
	})
	if err != nil {
		return nil, err
	}
	return s.GetHazard(ctx, a, id)
}

// Start is 开始整改: 待整改 → 整改中; a 重大 hazard needs its plan first.
func (s *Service) Start(ctx context.Context, a *auth.Actor, id int64, note string) (*HazardDetail, error) {
	err := s.change(ctx, a, id, auth.RectifySafety, func(w *audit.W, h *hazardRow) error {
		if h.Status != StatusPending {
			return stateError(h)
		}
		if h.Level == LevelMajor && !h.HasPlan {
			f := errs.Fields{}
			f.Add("plan", "重大隐患须先制定治理方案（目标任务、方法措施、经费物资、机构人员、时限要求、安全措施、应急预案）再开始整改",
				"a major hazard needs its rectification plan first")
			return f.Err()
		}
		f := errs.Fields{}
		note = text(f, "note", "说明", note, 0, 2000)
		if err := f.Err(); err != nil {
			return err
		}
		return s.move(ctx, w, h, a, StatusRectifying, "start", "开始整改", note)
	})
	if err != nil {
		return nil, err
	}
	return s.GetHazard(ctx, a, id)
}

// move changes the status and records it.
func (s *Service) move(ctx context.Context, w *audit.W, h *hazardRow, a *auth.Actor, to, kind, summary, note string) error {
	if _, err := w.ExecContext(ctx, `UPDATE safety_hazards SET status = $1, open = $2, updated_at = $3 WHERE id = $4`,
		to, open(to), w.Now(), h.ID); err != nil {
		return err
	}
	if err := event(ctx, w, h.ID, kind, summary, note); err != nil {
		return err
	}
	return record(w, h, a, "safety.hazard."+kind, summary+"："+h.EnterpriseName+"，"+cut(h.Description, 30),
		map[string]any{"status": h.Status}, map[string]any{"status": to, "note": note})
}

// Submit is 整改完成申请验收: photos after the fix and a note on what was done
// are required; other evidence files are optional.
func (s *Service) Submit(ctx context.Context, a *auth.Actor, id int64, in SubmitInput) (*HazardDetail, error) {
	err := s.change(ctx, a, id, auth.RectifySafety, func(w *audit.W, h *hazardRow) error {
		if h.Status != StatusRectifying {
			return stateError(h)
		}
		f := errs.Fields{}
		in.Note = text(f, "note", "整改情况说明", in.Note, 1, 2000)
		if len(in.AfterPhotoIDs) == 0 {
			f.Add("after_photo_ids", "请上传整改后的照片", "photos after the fix are required")
		}
		if in.Funds != nil && (*in.Funds < 0 || *in.Funds > 1e6) {
			f.Add("funds", "整改资金应为0到1000000万元", "funds must be 0 to 1,000,000")
		}
		if err := f.Err(); err != nil {
			return err
		}
		unit := hazardUnit(h, a)
		if err := s.takeFiles(ctx, w, a, "after_photo_ids", "hazard", h.ID, "after", unit, in.AfterPhotoIDs); err != nil {
			return err
		}
		if err := s.takeFiles(ctx, w, a, "evidence_ids", "hazard", h.ID, "evidence", unit, in.EvidenceIDs); err != nil {
			return err
		}
		if in.Funds != nil {
			if _, err := w.ExecContext(ctx, `UPDATE safety_hazards SET funds = $1 WHERE id = $2`, *in.Funds, h.ID); err != nil {
				return err
			}
		}
		if _, err := w.ExecContext(ctx, `UPDATE safety_hazards SET submitted_by = $1, submitted_at = $2 WHERE id = $3`,
			db.NullID(a.UserID), w.Now(), h.ID); err != nil {
			return err
		}
		return s.move(ctx, w, h, a, StatusVerifying, "submit", "整改完成，申请验收", in.Note)
	})
	if err != nil {
		return nil, err
	}
	return s.GetHazard(ctx, a, id)
}

// Verify is 验收: passed closes the hazard (销号); failed sends it back to
// 整改中 with the reason. Whoever reported the fix may not verify it.
func (s *Service) Verify(ctx context.Context, a *auth.Actor, id int64, in VerifyInput) (*HazardDetail, error) {
	err := s.change(ctx, a, id, auth.VerifySafety, func(w *audit.W, h *hazardRow) error {
		if h.Status != StatusVerifying {
			return stateError(h)
		}
		if h.submittedBy != 0 && h.submittedBy == a.UserID {
			return errs.New(errs.Forbidden, "验收须由整改人以外的人员进行，您提交了本次整改", "the verifier must not be who reported the fix")
		}
		f := errs.Fields{}
		in.Note = text(f, "note", "验收意见", in.Note, 0, 2000)
		if !in.Pass && in.Note == "" {
			f.Add("note", "验收不通过时请填写原因", "a note is required when the fix fails")
		}
		if err := f.Err(); err != nil {
			return err
		}
		if _, err := w.ExecContext(ctx, `UPDATE safety_hazards SET verified_by = $1 WHERE id = $2`, db.NullID(a.UserID), h.ID); err != nil {
			return err
		}
		if in.Pass {
			if _, err := w.ExecContext(ctx, `UPDATE safety_hazards SET closed_at = $1 WHERE id = $2`, w.Now(), h.ID); err != nil {
				return err
			}
			return s.move(ctx, w, h, a, StatusClosed, "pass", "验收通过，销号", in.Note)
		}
		if _, err := w.ExecContext(ctx, `UPDATE safety_hazards SET rejections = rejections + 1 WHERE id = $1`, h.ID); err != nil {
			return err
		}
		if err := s.move(ctx, w, h, a, StatusRectifying, "fail", "验收不通过，退回整改", in.Note); err != nil {
			return err
		}
		_, err := s.Notify.Send(ctx, w, notify.Message{Kind: "safety.rejected", Title: "隐患验收不通过：" + h.EnterpriseName,
			Body: in.Note, Link: hazardLink(h.ID), UnitIDs: units(h), ObjectType: "safety_hazard", ObjectID: idStr(h.ID)})
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.GetHazard(ctx, a, id)
}

// units are who answers for a hazard: the supervising unit, else the town.
func units(h *hazardRow) []int64 {
	if h.SupervisingUnitID != 0 {
		return []int64{h.SupervisingUnitID}
	}
	if h.TownID != 0 {
		return []int64{h.TownID}
	}
	return nil
}

// townAndDept are the hazard's town and supervising unit (those set).
func townAndDept(h *hazardRow) []int64 {
	out := []int64{}
	for _, u := range []int64{h.TownID, h.SupervisingUnitID} {
		if u != 0 {
			out = append(out, u)
		}
	}
	return out
}

// Supervise puts a 重大 hazard under listed supervision (挂牌督办) with the
// year's next notice number, 安督〔2026〕N号.
func (s *Service) Supervise(ctx context.Context, a *auth.Actor, id int64, note string) (*HazardDetail, error) {
	err := s.change(ctx, a, id, auth.SafetyOffice, func(w *audit.W, h *hazardRow) error {
		if h.Level != LevelMajor {
			return conflict("只有重大隐患可以挂牌督办", "only a major hazard can be put under listed supervision")
		}
		if h.Supervised {
			return conflict("该隐患已挂牌督办（"+h.NoticeNumber+"）", "already under listed supervision")
		}
		if h.Status == StatusClosed {
			return stateError(h)
		}
		f := errs.Fields{}
		note = text(f, "note", "督办要求", note, 0, 2000)
		if err := f.Err(); err != nil {
			return err
		}
		number, err := nextNotice(ctx, w, calendar.DateOf(w.Now()).Year())
		if err != nil {
			return err
		}
		if _, err := w.ExecContext(ctx, `UPDATE safety_hazards SET supervised = TRUE, notice_number = $1, updated_at = $2, grams = $3
			WHERE id = $4`, number, w.Now(), searchGrams(h.Description, number), h.ID); err != nil {
			return err
		}
		if err := event(ctx, w, h.ID, "supervise", "挂牌督办，督办编号"+number, note); err != nil {
			return err
		}
		if err := record(w, h, a, "safety.hazard.supervise", "挂牌督办重大隐患"+number+"："+h.EnterpriseName, nil,
			map[string]any{"notice_number": number, "note": note}); err != nil {
			return err
		}
		_, err = s.Notify.Send(ctx, w, notify.Message{Kind: "safety.supervise", Title: "重大隐患挂牌督办" + number + "：" + h.EnterpriseName,
			Body: note, Link: hazardLink(h.ID), UnitIDs: townAndDept(h), ObjectType: "safety_hazard", ObjectID: idStr(h.ID)})
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.GetHazard(ctx, a, id)
}

// nextNotice takes the year's next listed-supervision number.
func nextNotice(ctx context.Context, w *audit.W, year int) (string, error) {
	if _, err := w.ExecContext(ctx, `INSERT INTO safety_notice_seq (year, last) VALUES ($1, 0) ON CONFLICT (year) DO NOTHING`, year); err != nil {
		return "", err
	}
	var n int
	if err := w.QueryRowContext(ctx, `UPDATE safety_notice_seq SET last = last + 1 WHERE year = $1 RETURNING last`, year).Scan(&n); err != nil {
		return "", err
	}
	return fmt.Sprintf("安督〔%d〕%d号", year, n), nil
}

const extensionSelect = `SELECT x.id, x.hazard_id, x.old_deadline, x.new_deadline, x.reason, x.status, COALESCE(rq.real_name, ''),
	x.requested_at, COALESCE(dc.real_name, ''), x.decided_at, x.decision_note
	FROM safety_extensions x LEFT JOIN users rq ON rq.id = x.requested_by LEFT JOIN users dc ON dc.id = x.decided_by `

func (s *Service) extensions(ctx context.Context, tail string, args ...any) ([]Extension, error) {
	rows, err := s.DB.Read.QueryContext(ctx, extensionSelect+tail, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Extension{}
	for rows.Next() {
		var x Extension
		var decided nullTime
		if err := rows.Scan(&x.ID, &x.HazardID, &x.OldDeadline, &x.NewDeadline, &x.Reason, &x.Status, &x.RequestedBy,
			&x.RequestedAt, &x.DecidedBy, &decided, &x.DecisionNote); err != nil {
			return nil, err
		}
		x.DecidedAt = decided.Ptr()
		out = append(out, x)
	}
	return out, rows.Err()
}

func (s *Service) extension(ctx context.Context, id int64) (*Extension, error) {
	xs, err := s.extensions(ctx, `WHERE x.id = $1`, id)
	if err != nil || len(xs) == 0 {
		return nil, err
	}
	return &xs[0], nil
}

// RequestExtension asks for a later deadline, following the supervision
// module's rules: before the deadline passes, one request pending at a
// time, a later date and a reason; the supervision office decides.
func (s *Service) RequestExtension(ctx context.Context, a *auth.Actor, id int64, in ExtensionInput) (*Extension, error) {
	var xid int64
	err := s.change(ctx, a, id, auth.RectifySafety, func(w *audit.W, h *hazardRow) error {
		if !open(h.Status) {
			return stateError(h)
		}
		if h.Deadline.Before(calendar.DateOf(w.Now())) {
			return conflict("已超过整改期限（"+h.Deadline.String()+"），不能再申请延期，请尽快整改",
				"the deadline has passed; an extension can only be asked before it")
		}
		var pending int
		if err := w.QueryRowContext(ctx, `SELECT COUNT(*) FROM safety_extensions WHERE hazard_id = $1 AND status = 'pending'`, h.ID).
			Scan(&pending); err != nil {
			return err
		}
		if pending > 0 {
			return conflict("已有一项延期申请等待审批", "an extension request is already pending")
		}
		f := errs.Fields{}
		if in.NewDeadline.IsZero() {
			f.Add("new_deadline", "请填写申请延至的日期", "new_deadline is required")
		} else if !in.NewDeadline.After(h.Deadline) {
			f.Add("new_deadline", "延期后的期限应晚于现整改期限（"+h.Deadline.String()+"）", "the new deadline must be after the current one")
		}
		in.Reason = text(f, "reason", "延期理由", in.Reason, 1, 2000)
		if err := f.Err(); err != nil {
			return err
		}
		if err := w.QueryRowContext(ctx, `INSERT INTO safety_extensions (hazard_id, old_deadline, new_deadline, reason, requested_by, requested_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, h.ID, h.Deadline, in.NewDeadline, in.Reason, db.NullID(a.UserID), w.Now()).Scan(&xid); err != nil {
			return err
		}
		if err := event(ctx, w, h.ID, "extension", "申请延期至"+in.NewDeadline.String()+"（现期限"+h.Deadline.String()+"）", in.Reason); err != nil {
			return err
		}
		if err := record(w, h, a, "safety.hazard.extension.request", "申请隐患整改延期至"+in.NewDeadline.String()+"："+h.EnterpriseName,
			map[string]any{"deadline": h.Deadline}, map[string]any{"new_deadline": in.NewDeadline, "reason": in.Reason}); err != nil {
			return err
		}
		users, err := org.UserIDsWithRole(ctx, w, string(auth.Supervisor))
		if err != nil {
			return err
		}
		_, err = s.Notify.Send(ctx, w, notify.Message{Kind: "safety.extension", Title: "隐患整改延期申请：" + h.EnterpriseName,
			Body: in.Reason, Link: hazardLink(h.ID), UserIDs: users, ObjectType: "safety_hazard", ObjectID: idStr(h.ID)})
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.extension(ctx, xid)
}

// DecideExtension approves (the deadline moves) or refuses (a note is
// required) an extension request.
func (s *Service) DecideExtension(ctx context.Context, a *auth.Actor, xid int64, approve bool, note string) (*Extension, error) {
	if err := auth.Require(a, auth.ViewSafety); err != nil {
		return nil, err
	}
	var hid int64
	if err := s.DB.Read.QueryRowContext(ctx, `SELECT hazard_id FROM safety_extensions WHERE id = $1`, xid).Scan(&hid); err != nil {
		if isNoRows(err) {
			return nil, errs.NotFoundf("延期申请", "extension request")
		}
		return nil, err
	}
	err := s.change(ctx, a, hid, auth.SafetyOffice, func(w *audit.W, h *hazardRow) error {
		var status string
		var nd calendar.Date
		if err := w.QueryRowContext(ctx, `SELECT status, new_deadline FROM safety_extensions WHERE id = $1`, xid).Scan(&status, &nd); err != nil {
			return err
		}
		if status != "pending" {
			return conflict("该延期申请已审批", "the request has already been decided")
		}
		note = strings.TrimSpace(note)
		f := errs.Fields{}
		if !approve && note == "" {
			f.Add("note", "不同意延期时请填写理由", "a note is required when refusing")
		}
		note = text(f, "note", "审批意见", note, 0, 2000)
		if err := f.Err(); err != nil {
			return err
		}
		decision, summary := "refused", "不同意延期"
		if approve {
			decision, summary = "approved", "同意延期，整改期限由"+h.Deadline.String()+"调整为"+nd.String()
			if _, err := w.ExecContext(ctx, `UPDATE safety_hazards SET deadline = $1, updated_at = $2 WHERE id = $3`, nd, w.Now(), h.ID); err != nil {
				return err
			}
		}
		if _, err := w.ExecContext(ctx, `UPDATE safety_extensions SET status = $1, decided_by = $2, decided_at = $3, decision_note = $4
			WHERE id = $5`, decision, db.NullID(a.UserID), w.Now(), note, xid); err != nil {
			return err
		}
		if err := event(ctx, w, h.ID, "extension", summary, note); err != nil {
			return err
		}
		if err := record(w, h, a, "safety.hazard.extension."+decision, summary+"："+h.EnterpriseName,
			map[string]any{"deadline": h.Deadline}, map[string]any{"decision": decision, "note": note}); err != nil {
			return err
		}
		_, err := s.Notify.Send(ctx, w, notify.Message{Kind: "safety.extension", Title: "隐患延期申请：" + summary, Body: note,
			Link: hazardLink(h.ID), UnitIDs: units(h), ObjectType: "safety_hazard", ObjectID: idStr(h.ID)})
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.extension(ctx, xid)
}
