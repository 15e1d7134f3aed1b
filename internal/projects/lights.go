package projects

import (
	"context"
	"database/sql"
	"encoding/json"
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

// Lights and pace are computed in Go from the stored project, its open
// milestones, its reports and its coordination items, and stored
// (projects.light, light_reason, pace, year_planned, year_actual,
// report_missing) so lists filter on them. They are recomputed in the
// transaction of every change to a project and for all projects by the
// projects.lights job (nightly and every hour, since working days and
// report due days move with the clock).
//
// Red: a node past its planned date and not done; the monthly report of
// the last month whose due day has passed is missing.
// Yellow: a node due within settings.warn_days working days; the
// investment behind the time-sequence (掉时序); a coordination item past
// its answer date.

// lightInput is what a light depends on.
type lightInput struct {
	ID           int64
	Phase        string
	Created      time.Time
	PlanYear     int
	YearPlan     int64
	MonthPlan    []int64
	Nodes        []openNode
	YearActual   int64
	InvestCum    int64
	LastMonth    string
	OwedReported bool
	LateCoord    []string

	// stored, to write only what changed
	Light, Reason, Pace         string
	YearPlanned, StoredActual   int64
	StoredCum                   int64
	StoredLast                  string
	Missing, Started, NodeStart bool
}

type openNode struct {
	Name    string
	Planned calendar.Date
}

type verdict struct {
	Light, Reason, Pace string
	Planned             int64
	Missing             bool
}

type workdayCounter interface {
	WorkdaysBetween(from, to calendar.Date) int
}

// plannedTo is the planned cumulative investment of the plan year up to
// the last month whose report is due on day.
func plannedTo(in *lightInput, owed calendar.Date) int64 {
	m := 0
	switch {
	case in.PlanYear < owed.Year():
		m = 12
	case in.PlanYear == owed.Year():
		m = int(owed.Month())
	}
	var sum int64
	for i := 0; i < m && i < len(in.MonthPlan); i++ {
		sum += in.MonthPlan[i]
	}
	return sum
}

// paceOf compares actual with planned cumulative investment.
func paceOf(planned, actual int64, cfg Settings) string {
	if planned <= 0 {
		return PaceNormal
	}
	switch {
	case actual*100 < planned*int64(100-cfg.BehindPercent):
		return PaceBehind
	case actual*100 > planned*int64(100+cfg.AheadPercent):
		return PaceAhead
	}
	return PaceNormal
}

// judge computes the light, its reason in words and the pace.
func judge(in *lightInput, now time.Time, cfg Settings, wd workdayCounter) verdict {
	day := today(now)
	owed := owedMonth(day, cfg.ReportDay)
	v := verdict{}
	due := dueOn(owed, cfg.ReportDay)
	owes := !calendar.DateOf(in.Created).After(due) // a report (and with it the pace) is due already
	v.Planned = plannedTo(in, owed)
	v.Pace = PaceNormal
	if owes || in.LastMonth != "" {
		v.Pace = paceOf(v.Planned, in.YearActual, cfg)
	}
	var reds, yellows []string
	for _, n := range in.Nodes {
		if n.Planned.Before(day) {
			if k := wd.WorkdaysBetween(n.Planned, day); k > 0 {
				reds = append(reds, fmt.Sprintf("节点“%s”已逾期%d个工作日（计划%s）", n.Name, k, md(n.Planned)))
			} else {
				reds = append(reds, fmt.Sprintf("节点“%s”已超过计划日期（%s）", n.Name, md(n.Planned)))
			}
		} else if wd.WorkdaysBetween(day, n.Planned) <= cfg.WarnDays {
			yellows = append(yellows, fmt.Sprintf("节点“%s”将于%s到期", n.Name, md(n.Planned)))
		}
	}
	if in.Phase != PhaseProducing && owes && !in.OwedReported {
		v.Missing = true
		reds = append(reds, fmt.Sprintf("%d月月报未报送（%s截止）", owed.Month(), md(due)))
	}
	if v.Pace == PaceBehind {
		yellows = append(yellows, fmt.Sprintf("投资掉时序：计划累计%s，实际完成%s", wan(v.Planned), wan(in.YearActual)))
	}
	for _, q := range in.LateCoord {
		yellows = append(yellows, "协调事项“"+q+"”逾期未答复")
	}
	switch {
	case len(reds) > 0:
		v.Light = LightRed
	case len(yellows) > 0:
		v.Light = LightYellow
	default:
		v.Light = LightGreen
	}
	v.Reason = strings.Join(append(reds, yellows...), "；")
	return v
}

// milestoneState names where a node stands for the timeline.
func (s *Service) milestoneState(m Milestone, day calendar.Date, cfg Settings) string {
	switch {
	case !m.ActualOn.IsZero() && !m.PlannedOn.IsZero() && m.ActualOn.After(m.PlannedOn):
		return "done_late"
	case !m.ActualOn.IsZero():
		return "done"
	case m.PlannedOn.IsZero():
		return "unplanned"
	case m.PlannedOn.Before(day):
		return "overdue"
	case s.Calendar.WorkdaysBetween(day, m.PlannedOn) <= cfg.WarnDays:
		return "due_soon"
	}
	return "pending"
}

// loadInputs reads what the lights of ids (all projects when ids is nil) depend on.
func loadInputs(ctx context.Context, q querier, ids []int64, owed calendar.Date, day calendar.Date) ([]*lightInput, error) {
	var args db.Args
	filter := func(col string) string {
		if ids == nil {
			return ""
		}
		return " AND " + col + " IN (" + inList(&args, ids) + ")"
	}
	byID := map[int64]*lightInput{}
	var out []*lightInput
	each := func(query string, scan func(rows *sql.Rows) error, extra ...any) error {
		rows, err := q.QueryContext(ctx, query, append(append([]any{}, args...), extra...)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			if err := scan(rows); err != nil {
				return err
			}
		}
		return rows.Err()
	}
	err := each(`SELECT id, phase, created_at, plan_year, year_plan_investment, month_plan, light, light_reason, pace, year_planned,
		year_actual, invest_cum, last_report_month, report_missing, started FROM projects p WHERE TRUE`+filter("p.id"), func(rows *sql.Rows) error {
		in := &lightInput{}
		var mp string
		if err := rows.Scan(&in.ID, &in.Phase, &in.Created, &in.PlanYear, &in.YearPlan, &mp, &in.Light, &in.Reason, &in.Pace,
			&in.YearPlanned, &in.StoredActual, &in.StoredCum, &in.StoredLast, &in.Missing, &in.Started); err != nil {
			return err
		}
		if mp == "" || json.Unmarshal([]byte(mp), &in.MonthPlan) != nil || len(in.MonthPlan) != 12 {
			in.MonthPlan = evenSplit(in.YearPlan)
		}
		byID[in.ID] = in
		out = append(out, in)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return out, nil
	}
	// The filter's arguments are reused by every query below.
	idf := func(col string) string {
		if ids == nil {
			return ""
		}
		ps := make([]string, len(ids))
		for i := range ids {
			ps[i] = fmt.Sprintf("$%d", i+1)
		}
		return " AND " + col + " IN (" + strings.Join(ps, ", ") + ")"
	}
	if err := each(`SELECT project_id, name, planned_on FROM project_milestones WHERE actual_on IS NULL AND planned_on IS NOT NULL`+
		idf("project_id")+` ORDER BY project_id, sort_order, id`, func(rows *sql.Rows) error {
		var id int64
		var n openNode
		if err := rows.Scan(&id, &n.Name, &n.Planned); err != nil {
			return err
		}
		if in := byID[id]; in != nil {
			in.Nodes = append(in.Nodes, n)
		}
		return nil
	}); err != nil {
		return nil, err
	}
	if err := each(`SELECT project_id FROM project_milestones WHERE name = '开工' AND actual_on IS NOT NULL`+idf("project_id"),
		func(rows *sql.Rows) error {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return err
			}
			if in := byID[id]; in != nil {
				in.NodeStart = true
			}
			return nil
		}); err != nil {
		return nil, err
	}
	if err := each(`SELECT r.project_id, SUM(r.invest_month) FROM project_reports r JOIN projects p ON p.id = r.project_id
		WHERE r.month >= CAST(p.plan_year AS TEXT) || '-01' AND r.month <= CAST(p.plan_year AS TEXT) || '-12'`+idf("r.project_id")+
		` GROUP BY r.project_id`, func(rows *sql.Rows) error {
		var id, sum int64
		if err := rows.Scan(&id, &sum); err != nil {
			return err
		}
		if in := byID[id]; in != nil {
			in.YearActual = sum
		}
		return nil
	}); err != nil {
		return nil, err
	}
	if err := each(`SELECT r.project_id, r.month, r.invest_cum FROM project_reports r WHERE r.month =
		(SELECT MAX(r2.month) FROM project_reports r2 WHERE r2.project_id = r.project_id)`+idf("r.project_id"), func(rows *sql.Rows) error {
		var id, cum int64
		var m string
		if err := rows.Scan(&id, &m, &cum); err != nil {
			return err
		}
		if in := byID[id]; in != nil {
			in.LastMonth, in.InvestCum = m, cum
		}
		return nil
	}); err != nil {
		return nil, err
	}
	next := fmt.Sprintf("$%d", len(args)+1)
	if err := each(`SELECT project_id FROM project_reports WHERE month = `+next+idf("project_id"), func(rows *sql.Rows) error {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return err
		}
		if in := byID[id]; in != nil {
			in.OwedReported = true
		}
		return nil
	}, monthKey(owed)); err != nil {
		return nil, err
	}
	if err := each(`SELECT project_id, question FROM project_coordination WHERE status = 'open' AND due_on < `+next+idf("project_id")+
		` ORDER BY project_id, due_on, id`, func(rows *sql.Rows) error {
		var id int64
		var q string
		if err := rows.Scan(&id, &q); err != nil {
			return err
		}
		if in := byID[id]; in != nil {
			in.LateCoord = append(in.LateCoord, q)
		}
		return nil
	}, day.String()); err != nil {
		return nil, err
	}
	return out, nil
}

// apply computes the lights of ins and writes the ones that changed.
func (s *Service) applyLights(ctx context.Context, w *audit.W, ins []*lightInput, cfg Settings) (int, error) {
	now := w.Now()
	changed := 0
	for _, in := range ins {
		v := judge(in, now, cfg, s.Calendar)
		started := in.Phase != PhasePrep || in.NodeStart
		if v.Light == in.Light && v.Reason == in.Reason && v.Pace == in.Pace && v.Planned == in.YearPlanned &&
			in.YearActual == in.StoredActual && in.InvestCum == in.StoredCum && in.LastMonth == in.StoredLast &&
			v.Missing == in.Missing && started == in.Started {
			continue
		}
		changed++
		q := `UPDATE projects SET reason_placeholder light = $1, light_reason = $2, pace = $3, year_planned = $4, year_actual = $5,
			invest_cum = $6, last_report_month = $7, report_missing = $8, started = $9 WHERE id = $10`
		args := []any{v.Light, v.Reason, v.Pace, v.Planned, in.YearActual, in.InvestCum, in.LastMonth, v.Missing, started, in.ID}
		if v.Light != in.Light {
			q = strings.Replace(q, "reason_placeholder", "light_since = $11,", 1)
			args = append(args, now)
		} else {
			q = strings.Replace(q, "reason_placeholder", "", 1)
		}
		if _, err := w.ExecContext(ctx, q, args...); err != nil {
			return 0, err
		}
	}
	return changed, nil
}

// refresh recomputes the lights of ids inside a write.
func (s *Service) refresh(ctx context.Context, w *audit.W, ids []int64) error {
	cfg, err := s.current(ctx)
	if err != nil {
		return err
	}
	day := today(w.Now())
	ins, err := loadInputs(ctx, w, ids, owedMonth(day, cfg.ReportDay), day)
	if err != nil {
		return err
	}
	_, err = s.applyLights(ctx, w, ins, cfg)
	return err
}

var errUnchanged = errors.New("projects: nothing changed")

// RecomputeAll recomputes every project's light and pace (the job, and
// after a settings change); it returns how many changed.
func (s *Service) RecomputeAll(ctx context.Context, a *auth.Actor) (int, error) {
	if err := auth.Require(a, auth.ProjectSettings); err != nil {
		return 0, err
	}
	cfg, err := s.current(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	err = s.Audit.Write(ctx, a, func(w *audit.W) error {
		day := today(w.Now())
		ins, err := loadInputs(ctx, w, nil, owedMonth(day, cfg.ReportDay), day)
		if err != nil {
			return err
		}
		if n, err = s.applyLights(ctx, w, ins, cfg); err != nil {
			return err
		}
		if n == 0 {
			return errUnchanged
		}
		return w.Record(audit.Entry{Action: "project.lights", ObjectType: "project", Summary: fmt.Sprintf("重新计算重点项目亮灯：%d个项目有变化", n)})
	})
	if errors.Is(err, errUnchanged) {
		return 0, nil
	}
	return n, err
}

// KindMissing is the notification kind of a missing monthly report.
const KindMissing = "project.missing"

// RemindMissing tells the responsible unit of every project whose monthly
// report is missing (once per project and month: the dedup key).
func (s *Service) RemindMissing(ctx context.Context, asOf time.Time) (int, error) {
	cfg, err := s.current(ctx)
	if err != nil {
		return 0, err
	}
	owed := owedMonth(today(asOf), cfg.ReportDay)
	rows, err := s.DB.R.QueryContext(ctx, `SELECT id, unit_id, name FROM projects WHERE report_missing ORDER BY id`)
	if err != nil {
		return 0, err
	}
	ms, err := scanOwing(rows)
	if len(ms) == 0 || s.Notify == nil {
		return 0, err
	}
	due := dueOn(owed, cfg.ReportDay)
	err = s.Audit.Write(ctx, auth.System("projects.remind"), func(w *audit.W) error {
		for _, m := range ms {
			if err := s.send(ctx, w, notify.Message{Kind: KindMissing, Title: "重点项目月报未报送：" + m.name,
				Body: fmt.Sprintf("%d月月报已于%s截止，请尽快填报。", owed.Month(), md(due)), Link: projectLink(m.id) + "/report",
				UnitIDs: []int64{m.unit}, ObjectType: "project", ObjectID: idStr(m.id),
				DedupKey: fmt.Sprintf("project.missing.%d.%s", m.id, monthKey(owed))}); err != nil {
				return err
			}
		}
		return w.Record(audit.Entry{Action: "project.remind", ObjectType: "project", Summary: fmt.Sprintf("提醒%d个项目补报月报", len(ms))})
	})
	return len(ms), err
}

// Notification kinds of the reminder before the due day and of overdue
// coordination items.
const (
	KindDue                = "project.due"
	KindCoordinationLate   = "project.coordination.overdue"
	coordinationQuoteRunes = 60
)

// RemindDue tells the responsible unit of every project that has not yet
// reported this month, once the due day is RemindDays working days away or
// closer (once per project and month). Projects in production and those
// created after the due day owe nothing, as in the report status.
func (s *Service) RemindDue(ctx context.Context, asOf time.Time) (int, error) {
	cfg, err := s.current(ctx)
	if err != nil || cfg.RemindDays == 0 || s.Notify == nil {
		return 0, err
	}
	day := today(asOf)
	month := reportMonth(day)
	due := dueOn(month, cfg.ReportDay)
	if day.After(due) || s.Calendar.WorkdaysBetween(day, due) > cfg.RemindDays {
		return 0, nil
	}
	rows, err := s.DB.R.QueryContext(ctx, `SELECT p.id, p.unit_id, p.name FROM projects p
		WHERE p.phase <> $1 AND p.created_at < $2
		  AND NOT EXISTS (SELECT 1 FROM project_reports r WHERE r.project_id = p.id AND r.month = $3) ORDER BY p.id`,
		PhaseProducing, due.End(), monthKey(month))
	if err != nil {
		return 0, err
	}
	owing, err := scanOwing(rows)
	if len(owing) == 0 {
		return 0, err
	}
	err = s.Audit.Write(ctx, auth.System("projects.remind"), func(w *audit.W) error {
		for _, m := range owing {
			if err := s.send(ctx, w, notify.Message{Kind: KindDue, Title: "重点项目月报即将截止：" + m.name,
				Body: fmt.Sprintf("%d月月报将于%s截止，请按时填报本月完成投资、形象进度和照片。", month.Month(), md(due)),
				Link: projectLink(m.id) + "/report", UnitIDs: []int64{m.unit}, ObjectType: "project", ObjectID: idStr(m.id),
				DedupKey: fmt.Sprintf("project.due.%d.%s", m.id, monthKey(month))}); err != nil {
				return err
			}
		}
		return w.Record(audit.Entry{Action: "project.remind", ObjectType: "project", Summary: fmt.Sprintf("提醒%d个项目按时报送月报", len(owing))})
	})
	return len(owing), err
}

// owing is a project a reminder goes to.
type owing struct {
	id, unit int64
	name     string
}

func scanOwing(rows *sql.Rows) ([]owing, error) {
	defer rows.Close()
	var out []owing
	for rows.Next() {
		var m owing
		if err := rows.Scan(&m.id, &m.unit, &m.name); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// lateItem is an open coordination item past its answer date.
type lateItem struct {
	id, project, owner, ownerUnit int64
	question, name                string
	due                           calendar.Date
}

// RemindCoordination follows coordination items past their answer date the
// way supervision follows a task: the owner (or the owner unit) is reminded
// once the deadline has passed, and once the item is CoordinationDays
// working days overdue the supervision office hears of it too (once each;
// the dedup keys make the daily job idempotent).
func (s *Service) RemindCoordination(ctx context.Context, asOf time.Time) (int, error) {
	cfg, err := s.current(ctx)
	if err != nil || s.Notify == nil {
		return 0, err
	}
	day := today(asOf)
	rows, err := s.DB.R.QueryContext(ctx, `SELECT c.id, c.project_id, COALESCE(c.owner_id, 0), COALESCE(c.owner_unit_id, 0), c.question, p.name, c.due_on
		FROM project_coordination c JOIN projects p ON p.id = c.project_id
		WHERE c.status = 'open' AND c.due_on < $1 ORDER BY c.due_on, c.id`, day.String())
	if err != nil {
		return 0, err
	}
	var items []lateItem
	for rows.Next() {
		var it lateItem
		var due string
		if err = rows.Scan(&it.id, &it.project, &it.owner, &it.ownerUnit, &it.question, &it.name, &due); err == nil {
			it.due, err = calendar.ParseDate(due)
		}
		if err != nil {
			rows.Close()
			return 0, err
		}
		items = append(items, it)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(items) == 0 {
		return 0, err
	}
	err = s.Audit.Write(ctx, auth.System("projects.remind"), func(w *audit.W) error {
		var office []int64
		for _, it := range items {
			late := s.Calendar.WorkdaysBetween(it.due, day)
			m := notify.Message{Kind: KindCoordinationLate, Title: "项目协调事项逾期未答复：" + it.name,
				Body: fmt.Sprintf("“%s”应于%s前答复，已逾期%d个工作日。", clip(it.question, coordinationQuoteRunes), md(it.due), late),
				Link: projectLink(it.project), ObjectType: "project", ObjectID: idStr(it.project),
				DedupKey: fmt.Sprintf("project.coordination.overdue.%d", it.id)}
			if it.owner != 0 {
				m.UserIDs = []int64{it.owner}
			} else {
				m.UnitIDs = []int64{it.ownerUnit}
			}
			if err := s.send(ctx, w, m); err != nil {
				return err
			}
			if late < cfg.CoordinationDays {
				continue
			}
			if office == nil {
				if office, err = org.UserIDsWithRole(ctx, w, string(auth.Supervisor)); err != nil {
					return err
				}
			}
			m.Title, m.UserIDs, m.UnitIDs = "项目协调事项逾期未答复（请督查室督办）："+it.name, office, nil
			m.DedupKey = fmt.Sprintf("project.coordination.escalated.%d", it.id)
			if err := s.send(ctx, w, m); err != nil {
				return err
			}
		}
		return w.Record(audit.Entry{Action: "project.remind", ObjectType: "project", Summary: fmt.Sprintf("催办%d个逾期未答复的项目协调事项", len(items))})
	})
	return len(items), err
}

// clip shortens s to n runes with an ellipsis, for quotes in messages.
func clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
