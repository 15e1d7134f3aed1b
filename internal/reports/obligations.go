package reports

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
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
	"diaodu/internal/platform/httpx"
)

// Filter selects obligations for the list.
type Filter struct {
	Q      string
	Active *bool
	Source *string
}

// ListObligations lists the obligations the actor may see (district-wide
// roles: all; units: those that include a unit in their subtree), newest
// first, each with its current cycle's counts. A page size of 0 lists all.
func (s *Service) ListObligations(ctx context.Context, a *auth.Actor, f Filter, p httpx.Page) ([]*Obligation, int, error) {
	if err := auth.Require(a, auth.ViewReports); err != nil {
		return nil, 0, err
	}
	var args db.Args
	where := visible(a, &args)
	if f.Q != "" {
		where += ` AND LOWER(o.name) LIKE ` + args.Add(db.Like(f.Q)) + ` ESCAPE '\'`
	}
	if f.Active != nil {
		where += " AND o.active = " + args.Add(*f.Active)
	}
	if f.Source != nil {
		where += " AND o.source = " + args.Add(*f.Source)
	}
	var total int
	if err := s.DB.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM report_obligations o WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	q := `SELECT ` + obligationCols + ` FROM report_obligations o JOIN units ow ON ow.id = o.owner_unit_id WHERE ` + where +
		` ORDER BY o.active DESC, o.id DESC`
	if p.Size > 0 {
		q += fmt.Sprintf(" LIMIT %d OFFSET %d", p.Limit(), p.Offset())
	}
	rows, err := s.DB.R.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []*Obligation{}
	for rows.Next() {
		o, err := scanObligation(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, o)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	return out, total, s.withCurrent(ctx, a, out)
}

// withCurrent sets each obligation's current cycle with its counts, and its
// unit count in scope, in two queries for the whole list.
func (s *Service) withCurrent(ctx context.Context, a *auth.Actor, obs []*Obligation) error {
	today, now := s.today(), s.Clock.Now()
	cycles := map[int64][]Cycle{}
	for _, o := range obs {
		if c, ok := o.CurrentCycle(s.Cal, today); ok {
			cycles[o.ID] = []Cycle{c}
		}
	}
	grids, err := s.grids(ctx, s.DB.R, a, now, obs, cycles, gridOpts{})
	if err != nil {
		return err
	}
	for _, o := range obs {
		g := grids[o.ID]
		o.UnitCount = len(g.members)
		if cs := cycles[o.ID]; len(cs) > 0 {
			o.Current = &CycleSummary{Cycle: cs[0], Closed: cs[0].Closed(now), Counts: g.counts[0]}
		}
	}
	return nil
}

// GetObligation returns one obligation with its units in the actor's scope
// and its current cycle.
func (s *Service) GetObligation(ctx context.Context, a *auth.Actor, id int64) (*Obligation, error) {
	o, err := s.load(ctx, s.DB.R, a, id)
	if err != nil {
		return nil, err
	}
	return o, s.withCurrent(ctx, a, []*Obligation{o})
}

// ObligationInput creates an obligation or, with pointers left nil,
// patches one.
type ObligationInput struct {
	Name        *string `json:"name"`
	Description *string `json:"description"`
	// UnitIDs lists the units that report; Selector adds every unit of the
	// kinds under a unit. Either or both; the union is stored.
	UnitIDs      *[]int64         `json:"unit_ids"`
	Selector     *UnitSelector    `json:"selector"`
	Frequency    *string          `json:"frequency"`
	Cutoff       *string          `json:"cutoff"`
	Weekday      *int             `json:"weekday"`
	MonthDay     *int             `json:"month_day"`
	CustomDates  *[]calendar.Date `json:"custom_dates"`
	WorkdaysOnly *bool            `json:"workdays_only"`
	ActiveFrom   *calendar.Date   `json:"active_from"`
	// ActiveTo: "" (or null inside the pointer) clears the end.
	ActiveTo            *calendar.Date `json:"active_to"`
	RemindBeforeMinutes *int           `json:"remind_before_minutes"`
	Form                *[]Field       `json:"form"`
	AllowNothing        *bool          `json:"allow_nothing"`
	OwnerUnitID         *int64         `json:"owner_unit_id"`
	Active              *bool          `json:"active"`
	// Source is set by Go callers (modules creating their own obligations);
	// HTTP clients cannot set it.
	Source *string `json:"-"`
}

const maxRemindMinutes = 7 * 24 * 60

// apply copies the set fields onto o and checks the result.
func (in *ObligationInput) apply(o *Obligation, f errs.Fields) {
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = strings.TrimSpace(*v)
		}
	}
	set(&o.Name, in.Name)
	set(&o.Description, in.Description)
	set(&o.Frequency, in.Frequency)
	set(&o.Cutoff, in.Cutoff)
	set(&o.Source, in.Source)
	if in.Weekday != nil {
		o.Weekday = *in.Weekday
	}
	if in.MonthDay != nil {
		o.MonthDay = *in.MonthDay
	}
	if in.CustomDates != nil {
		o.CustomDates = slices.Clone(*in.CustomDates)
	}
	if in.WorkdaysOnly != nil {
		o.WorkdaysOnly = *in.WorkdaysOnly
	}
	if in.ActiveFrom != nil {
		o.ActiveFrom = *in.ActiveFrom
	}
	if in.ActiveTo != nil {
		o.ActiveTo = *in.ActiveTo
	}
	if in.RemindBeforeMinutes != nil {
		o.RemindBeforeMinutes = *in.RemindBeforeMinutes
	}
	if in.Form != nil {
		o.Form = slices.Clone(*in.Form)
	}
	if in.AllowNothing != nil {
		o.AllowNothing = *in.AllowNothing
	}
	if in.OwnerUnitID != nil {
		o.OwnerUnitID = *in.OwnerUnitID
	}
	if in.Active != nil {
		o.Active = *in.Active
	}

	if o.Name == "" || utf8.RuneCountInString(o.Name) > 100 {
		f.Add("name", "报送任务名称不能为空且不超过100个字", "name is required, at most 100 characters")
	}
	if utf8.RuneCountInString(o.Description) > 2000 {
		f.Add("description", "说明不能超过2000个字", "description is at most 2000 characters")
	}
	if _, _, ok := parseCutoff(o.Cutoff); !ok {
		f.Add("cutoff", "截止时间应为 HH:MM 格式（如 17:00）", "cutoff must be HH:MM, such as 17:00")
	}
	switch o.Frequency {
	case Daily:
	case Weekly:
		if o.Weekday < 1 || o.Weekday > 7 {
			f.Add("weekday", "每周报送日应为1（周一）到7（周日）", "weekday must be 1 (Monday) to 7 (Sunday)")
		}
	case Monthly:
		if o.MonthDay < 1 || o.MonthDay > 31 {
			f.Add("month_day", "每月报送日应为1到31（无此日的月份按月末）", "month_day must be 1 to 31")
		}
	case Custom:
		if len(o.CustomDates) == 0 {
			f.Add("custom_dates", "请至少指定一个报送日期", "give at least one date")
		} else if len(o.CustomDates) > 400 {
			f.Add("custom_dates", "指定日期不能超过400个", "at most 400 dates")
		}
		for i := 1; i < len(o.CustomDates); i++ {
			if !o.CustomDates[i-1].Before(o.CustomDates[i]) {
				f.Add("custom_dates", fmt.Sprintf("指定日期应从早到晚排列且不重复：%s 不应排在 %s 之后",
					o.CustomDates[i], o.CustomDates[i-1]), "dates must be in ascending order without repeats")
				break
			}
		}
		if slices.ContainsFunc(o.CustomDates, calendar.Date.IsZero) {
			f.Add("custom_dates", "指定日期不能为空", "dates cannot be empty")
		}
	default:
		f.Add("frequency", "报送频次应为每日、每周、每月或指定日期", "frequency must be daily, weekly, monthly or custom")
	}
	if o.Frequency != Weekly {
		o.Weekday = 0
	}
	if o.Frequency != Monthly {
		o.MonthDay = 0
	}
	if o.Frequency != Custom {
		o.CustomDates = []calendar.Date{}
	} else if len(o.CustomDates) > 0 && o.CustomDates[0].Before(o.ActiveFrom) && in.ActiveFrom == nil {
		// Custom dates bring their own start.
		o.ActiveFrom = o.CustomDates[0]
	}
	if o.ActiveFrom.IsZero() {
		f.Add("active_from", "请填写开始日期", "active_from is required")
	} else if !o.ActiveTo.IsZero() && o.ActiveTo.Before(o.ActiveFrom) {
		f.Add("active_to", "结束日期不能早于开始日期", "active_to cannot be before active_from")
	}
	if o.Frequency == Custom && len(o.CustomDates) > 0 && !o.ActiveFrom.IsZero() && o.CustomDates[0].Before(o.ActiveFrom) {
		f.Add("custom_dates", "指定日期不能早于开始日期", "dates cannot be before active_from")
	}
	if o.RemindBeforeMinutes < 0 || o.RemindBeforeMinutes > maxRemindMinutes {
		f.Add("remind_before_minutes", "提前提醒时间应为0到10080分钟（7天）", "remind_before_minutes must be 0 to 10080")
	}
	if o.Form == nil {
		o.Form = []Field{}
	}
	checkForm(o.Form, f)
	o.derive()
}

// resolveUnits turns the input's unit list and selector into unit ids,
// checking that each exists and is active.
func (s *Service) resolveUnits(ctx context.Context, w *audit.W, in ObligationInput, f errs.Fields) []int64 {
	var ids []int64
	if in.UnitIDs != nil {
		ids = slices.Clone(*in.UnitIDs)
		if len(ids) > 0 {
			var args db.Args
			found := map[int64]bool{}
			rows, err := w.QueryContext(ctx, `SELECT id FROM units WHERE active = TRUE AND id IN `+inList(ids, &args), args...)
			if err == nil {
				for rows.Next() {
					var id int64
					if rows.Scan(&id) == nil {
						found[id] = true
					}
				}
				rows.Close()
			}
			for _, id := range ids {
				if !found[id] {
					f.Add("unit_ids", fmt.Sprintf("报送单位（编号%d）不存在或已停用", id), fmt.Sprintf("unit %d does not exist or is inactive", id))
					break
				}
			}
		}
	}
	if sel := in.Selector; sel != nil {
		var root string
		err := w.QueryRowContext(ctx, `SELECT path FROM units WHERE id = $1`, sel.RootUnitID).Scan(&root)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			f.Add("selector.root_unit_id", fmt.Sprintf("单位（编号%d）不存在", sel.RootUnitID), "the root unit does not exist")
		case err != nil:
			f.Add("selector.root_unit_id", "无法读取单位", "cannot read the unit")
		}
		kinds := slices.Compact(slices.Sorted(slices.Values(sel.Kinds)))
		if len(kinds) == 0 {
			f.Add("selector.kinds", "请选择单位类型", "choose unit kinds")
		}
		for _, k := range kinds {
			if !slices.ContainsFunc(org.Kinds, func(ki org.KindInfo) bool { return ki.Code == k }) {
				f.Add("selector.kinds", "单位类型“"+k+"”无效", "unknown unit kind "+k)
			}
		}
		sel.Kinds = kinds
		if root != "" && len(kinds) > 0 {
			var args db.Args
			ks := make([]string, len(kinds))
			for i, k := range kinds {
				ks[i] = args.Add(k)
			}
			cond, vs := auth.SubtreeFilter("path", root, len(args)+1)
			args = append(args, vs...)
			rows, err := w.QueryContext(ctx, `SELECT id FROM units WHERE active = TRUE AND kind IN (`+strings.Join(ks, ", ")+`) AND `+cond, args...)
			if err == nil {
				for rows.Next() {
					var id int64
					if rows.Scan(&id) == nil {
						ids = append(ids, id)
					}
				}
				rows.Close()
			}
		}
	}
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	if len(ids) == 0 {
		f.Add("unit_ids", "请选择报送单位", "choose the units that report")
	}
	return ids
}

// rootUnit is the district (the first unit without a parent).
func rootUnit(ctx context.Context, q querier) (int64, error) {
	var id int64
	err := q.QueryRowContext(ctx, `SELECT id FROM units WHERE parent_id IS NULL ORDER BY id LIMIT 1`).Scan(&id)
	return id, err
}

// auditObligation is what the trail keeps of an obligation.
func auditObligation(o *Obligation, unitIDs []int64) map[string]any {
	return map[string]any{"name": o.Name, "description": o.Description, "source": o.Source, "frequency": o.Frequency,
		"cutoff": o.Cutoff, "weekday": o.Weekday, "month_day": o.MonthDay, "custom_dates": o.CustomDates,
		"workdays_only": o.WorkdaysOnly, "active_from": o.ActiveFrom, "active_to": o.ActiveTo,
		"remind_before_minutes": o.RemindBeforeMinutes, "form": o.Form, "allow_nothing": o.AllowNothing,
		"selector": o.Selector, "owner_unit_id": o.OwnerUnitID, "active": o.Active, "unit_ids": unitIDs}
}

func (s *Service) unitIDsOf(ctx context.Context, q querier, id int64) ([]int64, error) {
	rows, err := q.QueryContext(ctx, `SELECT unit_id FROM report_obligation_units WHERE obligation_id = $1 ORDER BY unit_id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	ids := []int64{}
	for rows.Next() {
		var u int64
		if err := rows.Scan(&u); err != nil {
			return nil, err
		}
		ids = append(ids, u)
	}
	return ids, rows.Err()
}

// CreateObligation creates an obligation (supervisor, admin; other modules
// call it with a system actor and their Source). Defaults: daily on
// working days, cut-off 17:00, reminder 2 hours before, from today, owned by
// the actor's unit (the supervision office).
func (s *Service) CreateObligation(ctx context.Context, a *auth.Actor, in ObligationInput) (*Obligation, error) {
	return s.save(ctx, a, 0, in)
}

// UpdateObligation patches an obligation. A new unit list keeps the units
// that stay; units that join count from today's cycle (tomorrow's after
// today's cut-off); submissions already made are kept.
func (s *Service) UpdateObligation(ctx context.Context, a *auth.Actor, id int64, in ObligationInput) (*Obligation, error) {
	return s.save(ctx, a, id, in)
}

func (s *Service) save(ctx context.Context, a *auth.Actor, id int64, in ObligationInput) (*Obligation, error) {
	if err := auth.Require(a, auth.ManageReports); err != nil {
		return nil, err
	}
	var saved int64
	err := s.Audit.Write(ctx, a, func(w *audit.W) error {
		var err error
		saved, err = s.saveIn(ctx, w, id, in)
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.GetObligation(ctx, a, saved)
}

// saveIn creates (id 0) or updates an obligation inside w.
func (s *Service) saveIn(ctx context.Context, w *audit.W, id int64, in ObligationInput) (int64, error) {
	a := w.Actor()
	today := calendar.DateOf(w.Now())
	o := &Obligation{Frequency: Daily, Cutoff: "17:00", WorkdaysOnly: true, RemindBeforeMinutes: 120, ActiveFrom: today,
		Active: true, OwnerUnitID: a.UnitID}
	var before map[string]any
	var oldUnits []int64
	if id != 0 {
		var err error
		if o, err = s.load(ctx, w, a, id); err != nil {
			return 0, err
		}
		if oldUnits, err = s.unitIDsOf(ctx, w, id); err != nil {
			return 0, err
		}
		before = auditObligation(o, oldUnits)
	} else if o.OwnerUnitID == 0 {
		root, err := rootUnit(ctx, w)
		if err != nil {
			return 0, err
		}
		o.OwnerUnitID = root
	}
	if id == 0 && in.ActiveFrom == nil {
		// Created after today's cut-off: today's cycle could only be missed.
		cut := o.Cutoff
		if in.Cutoff != nil {
			cut = strings.TrimSpace(*in.Cutoff)
		}
		if h, m, ok := parseCutoff(cut); ok && !w.Now().Before(today.At(h, m)) {
			o.ActiveFrom = today.AddDays(1)
		}
	}
	f := errs.Fields{}
	in.apply(o, f)
	if in.Selector != nil {
		o.Selector = in.Selector
	} else if in.UnitIDs != nil { // a list chosen by hand: the old selector no longer says how it was made
		o.Selector = nil
	}
	units := oldUnits
	if id == 0 || in.UnitIDs != nil || in.Selector != nil {
		units = s.resolveUnits(ctx, w, in, f)
	}
	var n int
	if err := w.QueryRowContext(ctx, `SELECT COUNT(*) FROM units WHERE id = $1`, o.OwnerUnitID).Scan(&n); err != nil || n == 0 {
		f.Add("owner_unit_id", "管理单位不存在", "the owner unit does not exist")
	}
	if o.Source == SourceZero && o.Active {
		if err := w.QueryRowContext(ctx, `SELECT COUNT(*) FROM report_obligations WHERE source = $1 AND active = TRUE AND id <> $2`,
			SourceZero, id).Scan(&n); err != nil {
			return 0, err
		}
		if n > 0 {
			return 0, errs.Conflictf("已有启用中的每日零报告，不能再建一个", "an active zero report already exists")
		}
	}
	if err := f.Err(); err != nil {
		return 0, err
	}
	custom, _ := json.Marshal(o.CustomDates)
	form, _ := json.Marshal(o.Form)
	selector := ""
	if o.Selector != nil {
		b, _ := json.Marshal(o.Selector)
		selector = string(b)
	}
	vals := []any{o.Name, o.Description, o.Source, o.Frequency, o.Cutoff, o.Weekday, o.MonthDay, string(custom), o.WorkdaysOnly,
		o.ActiveFrom, o.ActiveTo, o.RemindBeforeMinutes, string(form), o.AllowNothing, selector, o.OwnerUnitID, o.Active, w.Now()}
	action, summary := "report_obligation.update", "修改报送任务“"+o.Name+"”"
	if id == 0 {
		if err := w.QueryRowContext(ctx, `INSERT INTO report_obligations (name, description, source, frequency, cutoff, weekday,
			month_day, custom_dates, workdays_only, active_from, active_to, remind_before_minutes, form_json, allow_nothing,
			selector_json, owner_unit_id, active, created_at, updated_at, created_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $18, $19) RETURNING id`,
			append(vals, db.NullID(a.UserID))...).Scan(&id); err != nil {
			return 0, err
		}
		action, summary = "report_obligation.create", "新建报送任务“"+o.Name+"”"
	} else if _, err := w.ExecContext(ctx, `UPDATE report_obligations SET name = $1, description = $2, source = $3, frequency = $4,
		cutoff = $5, weekday = $6, month_day = $7, custom_dates = $8, workdays_only = $9, active_from = $10, active_to = $11,
		remind_before_minutes = $12, form_json = $13, allow_nothing = $14, selector_json = $15, owner_unit_id = $16, active = $17,
		updated_at = $18 WHERE id = $19`, append(vals, id)...); err != nil {
		return 0, err
	}
	if err := s.setUnits(ctx, w, o, id, oldUnits, units, before != nil); err != nil {
		return 0, err
	}
	return id, w.Record(audit.Entry{Action: action, ObjectType: "report_obligation", ObjectID: idStr(id), UnitID: o.OwnerUnitID,
		Summary: summary, Before: before, After: auditObligation(o, units)})
}

// setUnits replaces the unit list: units that stay keep their row, new ones
// join from the first cycle still open (see UpdateObligation).
func (s *Service) setUnits(ctx context.Context, w *audit.W, o *Obligation, id int64, old, units []int64, existing bool) error {
	var added calendar.Date
	if existing {
		now := w.Now()
		added = calendar.DateOf(now)
		if !now.Before(added.At(o.cutH, o.cutM)) {
			added = added.AddDays(1)
		}
		if !added.After(o.ActiveFrom) { // not started yet: from the start
			added = calendar.Date{}
		}
	}
	var gone []int64
	for _, u := range old {
		if !slices.Contains(units, u) {
			gone = append(gone, u)
		}
	}
	if len(gone) > 0 {
		args := db.Args{id}
		if _, err := w.ExecContext(ctx, `DELETE FROM report_obligation_units WHERE obligation_id = $1 AND unit_id IN `+inList(gone, &args), args...); err != nil {
			return err
		}
	}
	var rows [][]any
	for _, u := range units {
		if !slices.Contains(old, u) {
			rows = append(rows, []any{id, u, added})
		}
	}
	_, err := w.CopyFrom(ctx, "report_obligation_units", []string{"obligation_id", "unit_id", "added_on"}, rows)
	return err
}

// DeleteObligation removes an obligation nobody has reported on yet;
// one with submissions is deactivated instead (active: false).
func (s *Service) DeleteObligation(ctx context.Context, a *auth.Actor, id int64) error {
	if err := auth.Require(a, auth.ManageReports); err != nil {
		return err
	}
	return s.Audit.Write(ctx, a, func(w *audit.W) error {
		o, err := s.load(ctx, w, a, id)
		if err != nil {
			return err
		}
		var n int
		if err := w.QueryRowContext(ctx, `SELECT COUNT(*) FROM report_submissions WHERE obligation_id = $1 AND submitted_at IS NOT NULL`,
			id).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return errs.Conflictf(fmt.Sprintf("报送任务“%s”已有%d条报送记录，不能删除，可改为停用", o.Name, n),
				"the obligation has submissions; deactivate it instead")
		}
		units, err := s.unitIDsOf(ctx, w, id)
		if err != nil {
			return err
		}
		for _, q := range []string{`DELETE FROM report_cycle_runs WHERE obligation_id = $1`, `DELETE FROM report_submissions WHERE obligation_id = $1`,
			`DELETE FROM report_obligation_units WHERE obligation_id = $1`, `DELETE FROM report_obligations WHERE id = $1`} {
			if _, err := w.ExecContext(ctx, q, id); err != nil {
				return err
			}
		}
		return w.Record(audit.Entry{Action: "report_obligation.delete", ObjectType: "report_obligation", ObjectID: idStr(id),
			UnitID: o.OwnerUnitID, Summary: "删除报送任务“" + o.Name + "”", Before: auditObligation(o, units)})
	})
}

// CreateZeroReport creates the daily zero report (每日零报告): every town
// and department of the district, each working day before 17:00, with the
// form 有无需报告事项 / 事项内容 (required when yes) / 附件, "nothing to
// report" allowed. Fields set in in override these defaults. Only one zero
// report may be active.
func (s *Service) CreateZeroReport(ctx context.Context, a *auth.Actor, in ObligationInput) (*Obligation, error) {
	if err := auth.Require(a, auth.ManageReports); err != nil {
		return nil, err
	}
	root, err := rootUnit(ctx, s.DB.R)
	if err != nil {
		return nil, err
	}
	def := func(p **string, v string) {
		if *p == nil {
			*p = &v
		}
	}
	def(&in.Name, "每日零报告")
	def(&in.Description, "各乡镇（街道）、区直部门每个工作日17:00前报送当日有无需报告事项；无事项也须报送“零报告”。")
	def(&in.Frequency, Daily)
	def(&in.Cutoff, "17:00")
	zero := SourceZero
	in.Source = &zero
	if in.WorkdaysOnly == nil {
		in.WorkdaysOnly = ptr(true)
	}
	if in.Form == nil {
		in.Form = ptr(ZeroReportForm())
	}
	if in.AllowNothing == nil {
		in.AllowNothing = ptr(true)
	}
	if in.UnitIDs == nil && in.Selector == nil {
		in.Selector = &UnitSelector{RootUnitID: root, Kinds: []string{org.KindDepartment, org.KindTown}}
	}
	return s.CreateObligation(ctx, a, in)
}

func ptr[T any](v T) *T { return &v }
