package safety

import (
	"context"
	"fmt"

	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/calendar"
	"diaodu/internal/platform/db"
	"diaodu/internal/platform/errs"
	"diaodu/internal/platform/httpx"
	"diaodu/internal/platform/notify"
)

var suspensionNotFound = errs.NotFoundf("停产停业整顿指令", "suspension order")

const suspensionSelect = `SELECT s.id, s.enterprise_id, e.name, COALESCE(t.name, ''), COALESCE(s.hazard_id, 0), s.doc_number, s.reasons,
	s.starts_on, s.ends_on, s.status, COALESCE(s.verified_on, ''), s.verification, COALESCE(ib.real_name, ''), COALESCE(lb.real_name, ''),
	s.created_at, s.town_path, s.supervising_path
	FROM safety_suspensions s JOIN enterprises e ON e.id = s.enterprise_id LEFT JOIN units t ON t.id = e.town_id
	LEFT JOIN users ib ON ib.id = s.issued_by LEFT JOIN users lb ON lb.id = s.lifted_by `

type suspensionRow struct {
	Suspension
	townPath, supPath string
}

func scanSuspension(sc interface{ Scan(...any) error }) (*suspensionRow, error) {
	var x suspensionRow
	var verified string
	if err := sc.Scan(&x.ID, &x.EnterpriseID, &x.EnterpriseName, &x.TownName, &x.HazardID, &x.DocNumber, &x.Reasons, &x.StartsOn,
		&x.EndsOn, &x.Status, &verified, &x.Verification, &x.IssuedBy, &x.LiftedBy, &x.CreatedAt, &x.townPath, &x.supPath); err != nil {
		return nil, err
	}
	if verified != "" {
		x.VerifiedOn, _ = calendar.ParseDate(verified)
	}
	return &x, nil
}

func (s *Service) querySuspensions(ctx context.Context, tail string, args ...any) ([]Suspension, error) {
	rows, err := s.DB.Read.QueryContext(ctx, suspensionSelect+tail, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Suspension{}
	for rows.Next() {
		x, err := scanSuspension(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, x.Suspension)
	}
	return out, rows.Err()
}

// ListSuspensions lists suspension orders in scope, newest first.
func (s *Service) ListSuspensions(ctx context.Context, a *auth.Actor, status string, enterpriseID, townID int64, p httpx.Page) ([]Suspension, int, error) {
	if err := auth.Require(a, auth.ViewSafety); err != nil {
		return nil, 0, err
	}
	var args db.Args
	where := scopeSQL(a, "s.town_path", "s.supervising_path", &args)
	switch status {
	case "":
	case "active", "lifted":
		where += " AND s.status = " + args.Add(status)
	default:
		f := errs.Fields{}
		f.Add("status", "状态应为 active 或 lifted", "status must be active or lifted")
		return nil, 0, f.Err()
	}
	if enterpriseID != 0 {
		where += " AND s.enterprise_id = " + args.Add(enterpriseID)
	}
	if townID != 0 {
		where += " AND e.town_id = " + args.Add(townID)
	}
	var total int
	if err := s.DB.Read.QueryRowContext(ctx, `SELECT COUNT(*) FROM safety_suspensions s JOIN enterprises e ON e.id = s.enterprise_id WHERE `+where,
		args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	tail := `WHERE ` + where + ` ORDER BY s.starts_on DESC, s.id DESC`
	if p.Size > 0 {
		tail += fmt.Sprintf(" LIMIT %d OFFSET %d", p.Limit(), p.Offset())
	}
	out, err := s.querySuspensions(ctx, tail, args...)
	return out, total, err
}

// CreateSuspension issues a suspension order (责令停产停业整顿) for an
// enterprise in scope.
func (s *Service) CreateSuspension(ctx context.Context, a *auth.Actor, in SuspensionInput) (*Suspension, error) {
	if err := auth.Require(a, auth.ManageSafety); err != nil {
		return nil, err
	}
	var id int64
	err := s.Audit.Write(ctx, a, func(w *audit.W) error {
		e, err := s.enterprise(ctx, w, a, in.EnterpriseID, auth.ManageSafety)
		if err != nil {
			return err
		}
		f := errs.Fields{}
		in.DocNumber = text(f, "doc_number", "文书编号", in.DocNumber, 0, 60)
		in.Reasons = text(f, "reasons", "停产停业整顿理由", in.Reasons, 1, 2000)
		if in.StartsOn.IsZero() {
			f.Add("starts_on", "请填写开始日期", "starts_on is required")
		}
		if in.EndsOn.IsZero() {
			f.Add("ends_on", "请填写整顿期限", "ends_on is required")
		} else if !in.StartsOn.IsZero() && in.EndsOn.Before(in.StartsOn) {
			f.Add("ends_on", "整顿期限不能早于开始日期", "ends_on may not be before starts_on")
		}
		if in.HazardID != 0 {
			var eid int64
			err := w.QueryRowContext(ctx, `SELECT enterprise_id FROM safety_hazards WHERE id = $1`, in.HazardID).Scan(&eid)
			if isNoRows(err) || (err == nil && eid != e.ID) {
				f.Add("hazard_id", "关联的隐患不属于该企业", "the hazard is not this enterprise's")
			} else if err != nil {
				return err
			}
		}
		var active int
		if err := w.QueryRowContext(ctx, `SELECT COUNT(*) FROM safety_suspensions WHERE enterprise_id = $1 AND status = 'active'`, e.ID).
			Scan(&active); err != nil {
			return err
		}
		if active > 0 {
			return conflict("该企业已有未解除的停产停业整顿指令", "the enterprise already has an active suspension order")
		}
		if err := f.Err(); err != nil {
			return err
		}
		if err := w.QueryRowContext(ctx, `INSERT INTO safety_suspensions (enterprise_id, town_path, supervising_path, hazard_id, doc_number,
			reasons, starts_on, ends_on, status, issued_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'active', $9, $10, $10)
			RETURNING id`, e.ID, e.TownPath, e.SupervisingPath, db.NullID(in.HazardID), in.DocNumber, in.Reasons, in.StartsOn, in.EndsOn,
			db.NullID(a.UserID), w.Now()).Scan(&id); err != nil {
			return err
		}
		if in.HazardID != 0 {
			if err := event(ctx, w, in.HazardID, "suspend", "责令停产停业整顿至"+in.EndsOn.String(), in.Reasons); err != nil {
				return err
			}
		}
		if err := w.Record(audit.Entry{Action: "safety.suspension.create", ObjectType: "safety_suspension", ObjectID: idStr(id),
			UnitID: ownerUnit(e, a), Summary: "责令" + e.Name + "停产停业整顿", After: in}); err != nil {
			return err
		}
		var to []int64
		for _, u := range []int64{e.TownID, e.SupervisingUnitID} {
			if u != 0 {
				to = append(to, u)
			}
		}
		_, err = s.Notify.Send(ctx, w, notify.Message{Kind: "safety.suspension", Title: "停产停业整顿：" + e.Name, Body: in.Reasons,
			Link: "/safety/enterprises/" + idStr(e.ID), UnitIDs: to, ObjectType: "safety_suspension", ObjectID: idStr(id)})
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.suspension(ctx, id)
}

func (s *Service) suspension(ctx context.Context, id int64) (*Suspension, error) {
	xs, err := s.querySuspensions(ctx, `WHERE s.id = $1`, id)
	if err != nil {
		return nil, err
	}
	if len(xs) == 0 {
		return nil, suspensionNotFound
	}
	return &xs[0], nil
}

// LiftSuspension lifts an order after verification (复查合格): the date and
// what the verification found are required.
func (s *Service) LiftSuspension(ctx context.Context, a *auth.Actor, id int64, in LiftInput) (*Suspension, error) {
	err := s.Audit.Write(ctx, a, func(w *audit.W) error {
		x, err := scanSuspension(w.QueryRowContext(ctx, suspensionSelect+`WHERE s.id = $1`, id))
		if isNoRows(err) {
			return suspensionNotFound
		}
		if err != nil {
			return err
		}
		if err := require(a, auth.VerifySafety, x.townPath, x.supPath, suspensionNotFound); err != nil {
			return err
		}
		if x.Status != "active" {
			return conflict("该指令已解除", "the order has already been lifted")
		}
		f := errs.Fields{}
		today := calendar.DateOf(w.Now())
		if in.VerifiedOn.IsZero() {
			f.Add("verified_on", "请填写复查日期", "verified_on is required")
		} else if in.VerifiedOn.Before(x.StartsOn) {
			f.Add("verified_on", "复查日期不能早于停产整顿开始日期", "verified_on may not be before the order started")
		} else if in.VerifiedOn.After(today) {
			f.Add("verified_on", "复查日期不能晚于今天", "verified_on may not be in the future")
		}
		in.Verification = text(f, "verification", "复查情况", in.Verification, 1, 2000)
		if err := f.Err(); err != nil {
			return err
		}
		if _, err := w.ExecContext(ctx, `UPDATE safety_suspensions SET status = 'lifted', verified_on = $1, verification = $2, lifted_by = $3,
			updated_at = $4 WHERE id = $5`, in.VerifiedOn, in.Verification, db.NullID(a.UserID), w.Now(), id); err != nil {
			return err
		}
		return w.Record(audit.Entry{Action: "safety.suspension.lift", ObjectType: "safety_suspension", ObjectID: idStr(id),
			Summary: "复查合格，解除" + x.EnterpriseName + "停产停业整顿", Before: map[string]any{"status": "active"}, After: in})
	})
	if err != nil {
		return nil, err
	}
	return s.suspension(ctx, id)
}
