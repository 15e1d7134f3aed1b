package reports

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"diaodu/internal/org"
	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/calendar"
	"diaodu/internal/platform/db"
	"diaodu/internal/platform/notify"
)

// Notification kinds the module sends.
const (
	KindDue     = "report.due"     // reminder before the cut-off
	KindMissing = "report.missing" // missing after the cut-off (to the unit and the owner)
)

// Job names and titles, for registering with the scheduler.
const (
	JobRemind     = "reports.remind"
	JobRemindName = "报送截止前提醒未报单位"
	JobClose      = "reports.close"
	JobCloseName  = "报送截止后标记缺报并通知"
)

// catchUp is how far back the cut-off job looks for cycles it has not
// closed (downtime longer than this leaves older cycles computed as
// missing, without stored rows or notices).
const catchUp = 7 * 24 * time.Hour

const (
	stepRemind = "remind"
	stepClose  = "close"
)

// errDone says another run already did a step.
var errDone = errors.New("reports: step already done")

// jobObligations lists every active obligation (the jobs act for the whole
// district).
func (s *Service) jobObligations(ctx context.Context) ([]*Obligation, error) {
	return s.activeVisible(ctx, auth.System("reports"), "TRUE")
}

// doneSteps lists the steps already run for the obligation's cycles due
// from..to, as "due/step".
func (s *Service) doneSteps(ctx context.Context, id int64, from, to calendar.Date) (map[string]bool, error) {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT due_on, step FROM report_cycle_runs WHERE obligation_id = $1 AND due_on >= $2 AND due_on <= $3`,
		id, from, to)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var d calendar.Date
		var step string
		if err := rows.Scan(&d, &step); err != nil {
			return nil, err
		}
		out[d.String()+"/"+step] = true
	}
	return out, rows.Err()
}

// RunReminders is the job run every few minutes: for every cycle whose
// reminder time (cut-off minus the obligation's offset) has come and whose
// cut-off has not, it notifies each unit with nothing in yet, once per
// obligation, cycle and unit.
func (s *Service) RunReminders(ctx context.Context, asOf time.Time) error {
	s.refresh(ctx)
	obs, err := s.jobObligations(ctx)
	if err != nil {
		return err
	}
	for _, o := range obs {
		if o.RemindBeforeMinutes == 0 {
			continue
		}
		from, to := calendar.DateOf(asOf), calendar.DateOf(asOf.Add(time.Duration(o.RemindBeforeMinutes)*time.Minute))
		done, err := s.doneSteps(ctx, o.ID, from, to)
		if err != nil {
			return err
		}
		for _, due := range o.DueDates(s.Cal, from, to) {
			c := o.CycleOf(due)
			if asOf.Before(c.RemindAt) || c.Closed(asOf) || done[due.String()+"/"+stepRemind] {
				continue
			}
			if err := s.step(ctx, o, c, stepRemind, s.remind); err != nil {
				return err
			}
		}
	}
	return nil
}

// RunCutoffs is the job run every few minutes: for every cycle whose
// cut-off has passed (within the last week, and after the obligation was
// created) it stores a missing row for each unit with nothing in and
// notifies those units and the obligation's owner, once per cycle.
func (s *Service) RunCutoffs(ctx context.Context, asOf time.Time) error {
	s.refresh(ctx)
	obs, err := s.jobObligations(ctx)
	if err != nil {
		return err
	}
	for _, o := range obs {
		from, to := calendar.DateOf(asOf.Add(-catchUp)), calendar.DateOf(asOf)
		done, err := s.doneSteps(ctx, o.ID, from, to)
		if err != nil {
			return err
		}
		for _, due := range o.DueDates(s.Cal, from, to) {
			c := o.CycleOf(due)
			if !c.Closed(asOf) || !c.CutoffAt.After(o.CreatedAt) || done[due.String()+"/"+stepClose] {
				continue
			}
			if err := s.step(ctx, o, c, stepClose, s.closeCycle); err != nil {
				return err
			}
		}
	}
	return nil
}

// step runs one step of one cycle in its own audited transaction, after
// claiming it in report_cycle_runs (a replica that lost the race stops).
func (s *Service) step(ctx context.Context, o *Obligation, c Cycle, step string,
	fn func(ctx context.Context, w *audit.W, o *Obligation, c Cycle, units []UnitRef) (audit.Entry, error)) error {
	err := s.Audit.Write(ctx, auth.System("reports."+step), func(w *audit.W) error {
		res, err := w.ExecContext(ctx, `INSERT INTO report_cycle_runs (obligation_id, due_on, step, done_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (obligation_id, due_on, step) DO NOTHING`, o.ID, c.DueOn, step, w.Now())
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errDone
		}
		units, err := s.outstanding(ctx, w, o, c)
		if err != nil {
			return err
		}
		e, err := fn(ctx, w, o, c, units)
		if err != nil {
			return err
		}
		if _, err := w.ExecContext(ctx, `UPDATE report_cycle_runs SET units = $1 WHERE obligation_id = $2 AND due_on = $3 AND step = $4`,
			len(units), o.ID, c.DueOn, step); err != nil {
			return err
		}
		return w.Record(e)
	})
	if errors.Is(err, errDone) {
		return nil
	}
	return err
}

// outstanding lists the active units that had to report in cycle c and
// have nothing in.
func (s *Service) outstanding(ctx context.Context, q querier, o *Obligation, c Cycle) ([]UnitRef, error) {
	rows, err := q.QueryContext(ctx, `SELECT u.id, u.name, u.kind FROM report_obligation_units ou JOIN units u ON u.id = ou.unit_id
		LEFT JOIN report_submissions s ON s.obligation_id = ou.obligation_id AND s.due_on = $2 AND s.unit_id = ou.unit_id
		WHERE ou.obligation_id = $1 AND (ou.added_on IS NULL OR ou.added_on <= $2) AND u.active = TRUE AND s.submitted_at IS NULL
		ORDER BY u.kind, u.sort_order, u.id`, o.ID, c.DueOn)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []UnitRef
	for rows.Next() {
		var u UnitRef
		if err := rows.Scan(&u.ID, &u.Name, &u.Kind); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// fieldUsers lists the active field users of the village units among us:
// they report for their villages, but a message to a unit reaches only its
// unit_admin and staff users.
func fieldUsers(ctx context.Context, q querier, us []UnitRef) (map[int64][]int64, error) {
	var villages []int64
	for _, u := range us {
		if u.Kind == org.KindVillage {
			villages = append(villages, u.ID)
		}
	}
	out := map[int64][]int64{}
	if len(villages) == 0 {
		return out, nil
	}
	var args db.Args
	rows, err := q.QueryContext(ctx, `SELECT id, unit_id FROM users WHERE active = TRUE AND unit_id IN `+inList(villages, &args)+
		` AND ',' || roles || ',' LIKE '%,field,%'`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id, unit int64
		if err := rows.Scan(&id, &unit); err != nil {
			return nil, err
		}
		out[unit] = append(out[unit], id)
	}
	return out, rows.Err()
}

// toUnits sends one message per unit, made by mk, to the unit and its
// field users.
func (s *Service) toUnits(ctx context.Context, w *audit.W, us []UnitRef, mk func(u UnitRef) notify.Message) error {
	fields, err := fieldUsers(ctx, w, us)
	if err != nil {
		return err
	}
	for _, u := range us {
		m := mk(u)
		m.UnitIDs, m.UserIDs = []int64{u.ID}, fields[u.ID]
		if err := s.send(ctx, w, m); err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) send(ctx context.Context, w *audit.W, m notify.Message) error {
	if s.Notify == nil {
		return nil
	}
	_, err := s.Notify.Send(ctx, w, m)
	return err
}

// cutoffText is "2026-11-26 17:00".
func cutoffText(o *Obligation, c Cycle) string { return c.DueOn.String() + " " + o.Cutoff }

// remind notifies each unit with nothing in before the cut-off.
func (s *Service) remind(ctx context.Context, w *audit.W, o *Obligation, c Cycle, units []UnitRef) (audit.Entry, error) {
	if err := s.toUnits(ctx, w, units, func(u UnitRef) notify.Message {
		return notify.Message{Kind: KindDue, Title: "报送提醒：" + o.Name,
			Body: fmt.Sprintf("请于 %s 前报送“%s”（%s）。", cutoffText(o, c), o.Name, o.ScheduleText),
			Link: "/reports/mine", ObjectType: "report_obligation", ObjectID: idStr(o.ID),
			DedupKey: fmt.Sprintf("%s:%d:%s:%d", KindDue, o.ID, c.DueOn, u.ID)}
	}); err != nil {
		return audit.Entry{}, err
	}
	return audit.Entry{Action: "report.remind", ObjectType: "report_obligation", ObjectID: idStr(o.ID), UnitID: o.OwnerUnitID,
		Summary: fmt.Sprintf("“%s” %s 截止前提醒未报单位%d个", o.Name, c.DueOn, len(units)),
		After:   map[string]any{"due_on": c.DueOn, "units": unitIDs(units)}}, nil
}

// closeCycle stores missing rows and tells the units and the owner.
func (s *Service) closeCycle(ctx context.Context, w *audit.W, o *Obligation, c Cycle, units []UnitRef) (audit.Entry, error) {
	if len(units) > 0 {
		ids := unitIDs(units)
		args := db.Args{o.ID, c.DueOn}
		rows, err := w.QueryContext(ctx, `SELECT unit_id FROM report_submissions WHERE obligation_id = $1 AND due_on = $2 AND unit_id IN `+
			inList(ids, &args), args...)
		if err != nil {
			return audit.Entry{}, err
		}
		has := map[int64]bool{}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return audit.Entry{}, err
			}
			has[id] = true
		}
		rows.Close()
		var add [][]any
		for _, id := range ids {
			if !has[id] {
				add = append(add, []any{o.ID, id, c.DueOn, c.Start, Missing, false, "{}", "", w.Now(), w.Now()})
			}
		}
		if _, err := w.CopyFrom(ctx, "report_submissions", []string{"obligation_id", "unit_id", "due_on", "cycle_start", "status",
			"no_matters", "values_json", "submitted_by_name", "created_at", "updated_at"}, add); err != nil {
			return audit.Entry{}, err
		}
		if err := s.toUnits(ctx, w, units, func(u UnitRef) notify.Message {
			return notify.Message{Kind: KindMissing, Title: "缺报：" + o.Name,
				Body: fmt.Sprintf("贵单位未在 %s 前报送“%s”，已记为缺报，请尽快补报。", cutoffText(o, c), o.Name),
				Link: "/reports/mine", ObjectType: "report_obligation", ObjectID: idStr(o.ID),
				DedupKey: fmt.Sprintf("%s:%d:%s:%d", KindMissing, o.ID, c.DueOn, u.ID)}
		}); err != nil {
			return audit.Entry{}, err
		}
		names := make([]string, 0, len(units))
		for i, u := range units {
			if i == 20 {
				names = append(names, fmt.Sprintf("等%d个单位", len(units)))
				break
			}
			names = append(names, u.Name)
		}
		m := notify.Message{Kind: KindMissing, Title: fmt.Sprintf("%s %s 缺报%d个单位", o.Name, c.DueOn, len(units)),
			Body: "截至 " + cutoffText(o, c) + " 未报送：" + strings.Join(names, "、") + "。",
			Link: fmt.Sprintf("/reports/status?obligation=%d&due_on=%s", o.ID, c.DueOn), UnitIDs: []int64{o.OwnerUnitID},
			ObjectType: "report_obligation", ObjectID: idStr(o.ID), DedupKey: fmt.Sprintf("%s.owner:%d:%s", KindMissing, o.ID, c.DueOn)}
		if o.CreatedBy != 0 {
			m.UserIDs = []int64{o.CreatedBy}
		}
		if err := s.send(ctx, w, m); err != nil {
			return audit.Entry{}, err
		}
	}
	return audit.Entry{Action: "report.close", ObjectType: "report_obligation", ObjectID: idStr(o.ID), UnitID: o.OwnerUnitID,
		Summary: fmt.Sprintf("“%s” %s 已截止，缺报%d个单位", o.Name, c.DueOn, len(units)),
		After:   map[string]any{"due_on": c.DueOn, "missing": unitIDs(units)}}, nil
}

func unitIDs(us []UnitRef) []int64 {
	out := make([]int64, len(us))
	for i, u := range us {
		out[i] = u.ID
	}
	return out
}
