package patrol

import (
	"context"
	"database/sql"
	"math"
	"strings"
	"time"

	"diaodu/internal/fire"
	"diaodu/internal/org"
	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/calendar"
	"diaodu/internal/platform/db"
	"diaodu/internal/platform/errs"
)

// Stages of a fire's response timeline, in their usual order.
var Stages = []struct{ Code, Name string }{
	{"reported", "接报"}, {"dispatched", "出动"}, {"arrived", "到场"}, {"controlled", "控制"}, {"out", "扑灭"},
}

func stageName(code string) string {
	for _, s := range Stages {
		if s.Code == code {
			return s.Name
		}
	}
	return ""
}

// Event is one entry of a fire's response timeline.
type Event struct {
	ID        int64     `json:"id"`
	At        time.Time `json:"at"`
	Kind      string    `json:"kind"`
	KindName  string    `json:"kind_name"`
	Note      string    `json:"note"`
	CreatedBy string    `json:"created_by"`
}

// Report is a fire report (火情).
type Report struct {
	ID         int64     `json:"id"`
	OccurredAt time.Time `json:"occurred_at"`
	Unit       fire.Ref  `json:"unit"`
	Town       fire.Ref  `json:"town"`
	Place      string    `json:"place"`
	Lat        *float64  `json:"lat,omitempty"`
	Lng        *float64  `json:"lng,omitempty"`
	Cause      string    `json:"cause"`
	AreaHa     float64   `json:"area_ha"`
	Losses     string    `json:"losses"`
	Stage      string    `json:"stage"`
	StageName  string    `json:"stage_name"`
	Events     []Event   `json:"events,omitempty"` // detail only
	UpdatedAt  time.Time `json:"updated_at"`
}

// ReportInput creates a fire report or (on update) changes what was learnt later.
type ReportInput struct {
	OccurredAt *time.Time `json:"occurred_at"`
	UnitID     int64      `json:"unit_id"` // the village, or the town when the village is not known
	Place      string     `json:"place"`
	Lat        *float64   `json:"lat"`
	Lng        *float64   `json:"lng"`
	Cause      string     `json:"cause"`
	AreaHa     float64    `json:"area_ha"`
	Losses     string     `json:"losses"`
}

// EventInput adds a timeline entry.
type EventInput struct {
	At   *time.Time `json:"at"`
	Kind string     `json:"kind"`
	Note string     `json:"note"`
}

func (s *Service) reportInput(ctx context.Context, a *auth.Actor, in ReportInput) (*unit, time.Time, error) {
	f := errs.Fields{}
	now := s.Clock.Now().UTC()
	var at time.Time
	if in.OccurredAt == nil {
		f.Add("occurred_at", "请填写起火时间", "occurred_at is required")
	} else if at = in.OccurredAt.UTC(); at.After(now.Add(clockSkew)) {
		f.Add("occurred_at", "起火时间不能晚于现在", "occurred_at may not be in the future")
	}
	u := s.pickUnit(ctx, a, f, "unit_id", "发生地（村或乡镇）", in.UnitID, org.KindVillage, org.KindTown)
	text(f, "place", "具体地点", in.Place, 200, true)
	text(f, "cause", "起火原因", in.Cause, 200, false)
	text(f, "losses", "伤亡及损失情况", in.Losses, 1000, false)
	if in.AreaHa < 0 || in.AreaHa > 1e6 || math.IsNaN(in.AreaHa) {
		f.Add("area_ha", "过火面积应为0到1000000公顷", "area_ha must be 0 to 1,000,000")
	}
	if (in.Lat == nil) != (in.Lng == nil) || (in.Lat != nil && badPoint(Point{At: now, Lat: *in.Lat, Lng: *in.Lng})) {
		f.Add("lat", "坐标无效", "invalid coordinates")
	}
	return u, at, f.Err()
}

// CreateReport records a fire; its timeline starts with 接报 at the time it broke out.
func (s *Service) CreateReport(ctx context.Context, a *auth.Actor, in ReportInput) (*Report, error) {
	if err := auth.Require(a, auth.ManageFire); err != nil {
		return nil, err
	}
	u, at, err := s.reportInput(ctx, a, in)
	if err != nil {
		return nil, err
	}
	var id int64
	err = s.Audit.Write(ctx, a, func(w *audit.W) error {
		if err := w.QueryRowContext(ctx, `INSERT INTO fire_reports (occurred_at, unit_id, unit_path, town_id, place, lat, lng, cause, area_ha,
			losses, stage, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'reported', $11, $12, $12)
			RETURNING id`, at, u.ID, u.Path, db.NullID(u.TownID), strings.TrimSpace(in.Place), nullFloat(in.Lat), nullFloat(in.Lng),
			strings.TrimSpace(in.Cause), in.AreaHa, strings.TrimSpace(in.Losses), db.NullID(a.UserID), w.Now()).Scan(&id); err != nil {
			return err
		}
		if _, err := w.ExecContext(ctx, `INSERT INTO fire_report_events (report_id, at, kind, note, created_by, created_at)
			VALUES ($1, $2, 'reported', '', $3, $4)`, id, at, db.NullID(a.UserID), w.Now()); err != nil {
			return err
		}
		return w.Record(audit.Entry{Action: "fire.report.create", ObjectType: "fire_report", ObjectID: idStr(id), UnitID: u.ID,
			Summary: "登记火情：" + u.Name + " " + strings.TrimSpace(in.Place), After: in})
	})
	if err != nil {
		return nil, err
	}
	return s.GetReport(ctx, a, id)
}

// UpdateReport changes a report's facts (cause, area and losses are known later).
func (s *Service) UpdateReport(ctx context.Context, a *auth.Actor, id int64, in ReportInput) (*Report, error) {
	if err := auth.Require(a, auth.ManageFire); err != nil {
		return nil, err
	}
	before, err := s.GetReport(ctx, a, id)
	if err != nil {
		return nil, err
	}
	u, at, err := s.reportInput(ctx, a, in)
	if err != nil {
		return nil, err
	}
	err = s.Audit.Write(ctx, a, func(w *audit.W) error {
		if _, err := w.ExecContext(ctx, `UPDATE fire_reports SET occurred_at = $1, unit_id = $2, unit_path = $3, town_id = $4, place = $5,
			lat = $6, lng = $7, cause = $8, area_ha = $9, losses = $10, updated_at = $11 WHERE id = $12`, at, u.ID, u.Path, db.NullID(u.TownID),
			strings.TrimSpace(in.Place), nullFloat(in.Lat), nullFloat(in.Lng), strings.TrimSpace(in.Cause), in.AreaHa,
			strings.TrimSpace(in.Losses), w.Now(), id); err != nil {
			return err
		}
		return w.Record(audit.Entry{Action: "fire.report.update", ObjectType: "fire_report", ObjectID: idStr(id), UnitID: u.ID,
			Summary: "修改火情：" + u.Name, Before: before, After: in})
	})
	if err != nil {
		return nil, err
	}
	return s.GetReport(ctx, a, id)
}

// AddEvent adds an entry to a fire's timeline.
func (s *Service) AddEvent(ctx context.Context, a *auth.Actor, id int64, in EventInput) (*Report, error) {
	if err := auth.Require(a, auth.ManageFire); err != nil {
		return nil, err
	}
	r, err := s.GetReport(ctx, a, id)
	if err != nil {
		return nil, err
	}
	f := errs.Fields{}
	now := s.Clock.Now().UTC()
	at := now
	if in.At != nil {
		at = in.At.UTC()
	}
	if stageName(in.Kind) == "" {
		f.Add("kind", "环节应为接报、出动、到场、控制或扑灭", "kind must be reported, dispatched, arrived, controlled or out")
	}
	if at.Before(r.OccurredAt) {
		f.Add("at", "时间不能早于起火时间", "at may not be before the fire broke out")
	} else if at.After(now.Add(clockSkew)) {
		f.Add("at", "时间不能晚于现在", "at may not be in the future")
	}
	note := text(f, "note", "情况", in.Note, 500, false)
	if err := f.Err(); err != nil {
		return nil, err
	}
	err = s.Audit.Write(ctx, a, func(w *audit.W) error {
		if _, err := w.ExecContext(ctx, `INSERT INTO fire_report_events (report_id, at, kind, note, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6)`, id, at, in.Kind, note, db.NullID(a.UserID), w.Now()); err != nil {
			return err
		}
		// The stage is the timeline's latest entry.
		if _, err := w.ExecContext(ctx, `UPDATE fire_reports SET updated_at = $1, stage = (SELECT kind FROM fire_report_events
			WHERE report_id = $2 ORDER BY at DESC, id DESC LIMIT 1) WHERE id = $2`, w.Now(), id); err != nil {
			return err
		}
		return w.Record(audit.Entry{Action: "fire.report.event", ObjectType: "fire_report", ObjectID: idStr(id), UnitID: r.Unit.ID,
			Summary: "火情处置：" + stageName(in.Kind) + " " + note, After: in})
	})
	if err != nil {
		return nil, err
	}
	return s.GetReport(ctx, a, id)
}

const reportCols = `r.id, r.occurred_at, r.unit_id, u.name, COALESCE(r.town_id, 0), COALESCE(t.name, ''), r.place, r.lat, r.lng, r.cause,
	r.area_ha, r.losses, r.stage, r.updated_at FROM fire_reports r JOIN units u ON u.id = r.unit_id LEFT JOIN units t ON t.id = r.town_id`

func scanReport(sc interface{ Scan(...any) error }) (*Report, error) {
	r := &Report{}
	var lat, lng sql.NullFloat64
	if err := sc.Scan(&r.ID, &r.OccurredAt, &r.Unit.ID, &r.Unit.Name, &r.Town.ID, &r.Town.Name, &r.Place, &lat, &lng, &r.Cause,
		&r.AreaHa, &r.Losses, &r.Stage, &r.UpdatedAt); err != nil {
		return nil, err
	}
	r.OccurredAt, r.Lat, r.Lng, r.StageName = r.OccurredAt.UTC(), floatPtr(lat), floatPtr(lng), stageName(r.Stage)
	return r, nil
}

// GetReport reads a fire report with its timeline.
func (s *Service) GetReport(ctx context.Context, a *auth.Actor, id int64) (*Report, error) {
	if err := auth.Require(a, auth.ViewFire); err != nil {
		return nil, err
	}
	args := db.Args{id}
	r, err := scanReport(s.DB.Read.QueryRowContext(ctx, `SELECT `+reportCols+` WHERE r.id = $1 AND `+scope(a, "r.unit_path", &args), args...))
	if isNoRows(err) {
		return nil, errs.NotFoundf("火情", "fire report")
	}
	if err != nil {
		return nil, err
	}
	rows, err := s.DB.Read.QueryContext(ctx, `SELECT e.id, e.at, e.kind, e.note, COALESCE(u.real_name, '') FROM fire_report_events e
		LEFT JOIN users u ON u.id = e.created_by WHERE e.report_id = $1 ORDER BY e.at, e.id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	r.Events = []Event{}
	for rows.Next() {
		var e Event
		if err := rows.Scan(&e.ID, &e.At, &e.Kind, &e.Note, &e.CreatedBy); err != nil {
			return nil, err
		}
		e.At, e.KindName = e.At.UTC(), stageName(e.Kind)
		r.Events = append(r.Events, e)
	}
	return r, rows.Err()
}

// ListReports lists fire reports in scope, latest first.
func (s *Service) ListReports(ctx context.Context, a *auth.Actor, f ListFilter, limit, offset int) ([]*Report, int, error) {
	if err := auth.Require(a, auth.ViewFire); err != nil {
		return nil, 0, err
	}
	args := db.Args{}
	// Dates compare against the timestamp at the day's start in Shanghai.
	g := f
	g.From, g.To = calendar.Date{}, calendar.Date{}
	where := g.where(a, "r.unit_path", "", "r.town_id", "r.unit_id", &args)
	if !f.From.IsZero() {
		where += " AND r.occurred_at >= " + args.Add(f.From.Start())
	}
	if !f.To.IsZero() {
		where += " AND r.occurred_at < " + args.Add(f.To.End())
	}
	return page(ctx, s.DB.Read, "fire_reports r", where, args, reportCols, "r.occurred_at DESC, r.id DESC", limit, offset, scanReport)
}

// Check is a responsibility check (责任落实检查) on a town.
type Check struct {
	ID        int64         `json:"id"`
	Town      fire.Ref      `json:"town"`
	CheckedOn calendar.Date `json:"checked_on"`
	Checker   string        `json:"checker"`
	Items     string        `json:"items"`
	Findings  string        `json:"findings"`
	FixBy     calendar.Date `json:"fix_by"`
	FixedOn   calendar.Date `json:"fixed_on"`
	FixedNote string        `json:"fixed_note"`
	Overdue   bool          `json:"overdue"`
	UpdatedAt time.Time     `json:"updated_at"`
}

// CheckInput records a check.
type CheckInput struct {
	TownID    int64  `json:"town_id"`
	CheckedOn string `json:"checked_on"`
	Checker   string `json:"checker"`
	Items     string `json:"items"`
	Findings  string `json:"findings"`
	FixBy     string `json:"fix_by"`
}

// FixInput marks a check's findings fixed.
type FixInput struct {
	FixedOn string `json:"fixed_on"`
	Note    string `json:"note"`
}

func dateField(f errs.Fields, field, name, s string, required bool) calendar.Date {
	s = strings.TrimSpace(s)
	if s == "" {
		if required {
			f.Add(field, "请填写"+name, field+" is required")
		}
		return calendar.Date{}
	}
	d, err := calendar.ParseDate(s)
	if err != nil {
		f.Add(field, name+"格式应为 YYYY-MM-DD", field+" must be YYYY-MM-DD")
	}
	return d
}

// CreateCheck records a check on a town.
func (s *Service) CreateCheck(ctx context.Context, a *auth.Actor, in CheckInput) (*Check, error) {
	if err := auth.Require(a, auth.ManageFire); err != nil {
		return nil, err
	}
	f := errs.Fields{}
	today := s.today()
	on := dateField(f, "checked_on", "检查日期", in.CheckedOn, true)
	if on.After(today) {
		f.Add("checked_on", "检查日期不能晚于今天", "checked_on may not be in the future")
	}
	fixBy := dateField(f, "fix_by", "整改期限", in.FixBy, false)
	if !fixBy.IsZero() && fixBy.Before(today) {
		f.Add("fix_by", "整改期限不能早于今天", "fix_by may not be in the past")
	}
	checker := text(f, "checker", "检查单位", in.Checker, 50, false)
	if checker == "" {
		checker = "自然资源分局"
	}
	items := text(f, "items", "检查内容", in.Items, 2000, true)
	findings := text(f, "findings", "发现问题", in.Findings, 2000, false)
	if findings != "" && fixBy.IsZero() {
		f.Add("fix_by", "发现问题时请填写整改期限", "fix_by is required when there are findings")
	}
	town := s.pickUnit(ctx, a, f, "town_id", "乡镇", in.TownID, org.KindTown)
	if err := f.Err(); err != nil {
		return nil, err
	}
	var id int64
	err := s.Audit.Write(ctx, a, func(w *audit.W) error {
		if err := w.QueryRowContext(ctx, `INSERT INTO fire_checks (town_id, unit_path, checked_on, checker, items, findings, fix_by,
			created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id`, town.ID, town.Path, on, checker,
			items, findings, fixBy, db.NullID(a.UserID), w.Now()).Scan(&id); err != nil {
			return err
		}
		return w.Record(audit.Entry{Action: "fire.check.create", ObjectType: "fire_check", ObjectID: idStr(id), UnitID: town.ID,
			Summary: "登记责任落实检查：" + town.Name + " " + on.String(), After: in})
	})
	if err != nil {
		return nil, err
	}
	return s.GetCheck(ctx, a, id)
}

// FixCheck records that the town fixed what the check found (the town's own staff may: fire.field in scope).
func (s *Service) FixCheck(ctx context.Context, a *auth.Actor, id int64, in FixInput) (*Check, error) {
	if err := auth.Require(a, auth.FireField); err != nil {
		return nil, err
	}
	c, err := s.GetCheck(ctx, a, id)
	if err != nil {
		return nil, err
	}
	f := errs.Fields{}
	on := dateField(f, "fixed_on", "整改完成日期", in.FixedOn, true)
	if !on.IsZero() && (on.After(s.today()) || on.Before(c.CheckedOn)) {
		f.Add("fixed_on", "整改完成日期应在检查日期与今天之间", "fixed_on must be between the check and today")
	}
	note := text(f, "note", "整改情况", in.Note, 1000, true)
	if !c.FixedOn.IsZero() {
		return nil, errs.Conflictf("该检查已整改销号", "already fixed")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	err = s.Audit.Write(ctx, a, func(w *audit.W) error {
		if _, err := w.ExecContext(ctx, `UPDATE fire_checks SET fixed_on = $1, fixed_note = $2, updated_at = $3 WHERE id = $4`,
			on, note, w.Now(), id); err != nil {
			return err
		}
		return w.Record(audit.Entry{Action: "fire.check.fix", ObjectType: "fire_check", ObjectID: idStr(id), UnitID: c.Town.ID,
			Summary: "责任落实检查问题整改完成：" + c.Town.Name, Before: c, After: in})
	})
	if err != nil {
		return nil, err
	}
	return s.GetCheck(ctx, a, id)
}

const checkCols = `c.id, c.town_id, u.name, c.checked_on, c.checker, c.items, c.findings, c.fix_by, c.fixed_on, c.fixed_note, c.updated_at
	FROM fire_checks c JOIN units u ON u.id = c.town_id`

func (s *Service) scanCheck(sc interface{ Scan(...any) error }) (*Check, error) {
	c := &Check{}
	if err := sc.Scan(&c.ID, &c.Town.ID, &c.Town.Name, &c.CheckedOn, &c.Checker, &c.Items, &c.Findings, &c.FixBy, &c.FixedOn,
		&c.FixedNote, &c.UpdatedAt); err != nil {
		return nil, err
	}
	c.Overdue = c.FixedOn.IsZero() && !c.FixBy.IsZero() && c.FixBy.Before(s.today())
	return c, nil
}

// GetCheck reads a check on a town in scope.
func (s *Service) GetCheck(ctx context.Context, a *auth.Actor, id int64) (*Check, error) {
	if err := auth.Require(a, auth.ViewFire); err != nil {
		return nil, err
	}
	args := db.Args{id}
	c, err := s.scanCheck(s.DB.Read.QueryRowContext(ctx, `SELECT `+checkCols+` WHERE c.id = $1 AND `+scope(a, "c.unit_path", &args), args...))
	if isNoRows(err) {
		return nil, errs.NotFoundf("责任落实检查", "check")
	}
	return c, err
}

// ListChecks lists checks on towns in scope, latest first.
func (s *Service) ListChecks(ctx context.Context, a *auth.Actor, f ListFilter, limit, offset int) ([]*Check, int, error) {
	if err := auth.Require(a, auth.ViewFire); err != nil {
		return nil, 0, err
	}
	args := db.Args{}
	where := f.where(a, "c.unit_path", "c.checked_on", "c.town_id", "", &args)
	return page(ctx, s.DB.Read, "fire_checks c", where, args, checkCols, "c.checked_on DESC, c.id DESC", limit, offset, s.scanCheck)
}
