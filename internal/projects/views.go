package projects

import (
	"context"
	"database/sql"
	"strings"

	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/calendar"
	"diaodu/internal/platform/db"
	"diaodu/internal/platform/errs"
)

// Card is a project on the battle map.
type Card struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	Code        string `json:"code"`
	Phase       string `json:"phase"`
	Light       string `json:"light"`
	LightReason string `json:"light_reason"`
	Pace        string `json:"pace"`
	Total       int64  `json:"total_investment"`
	YearPlan    int64  `json:"year_plan_investment"`
	YearActual  int64  `json:"year_actual"`
	Town        string `json:"town"`
	Leader      string `json:"leader"`
	Chain       string `json:"chain"`
}

// Column is a phase of the battle map.
type Column struct {
	Phase  string `json:"phase"`
	Name   string `json:"name"`
	Count  int    `json:"count"`
	Total  int64  `json:"total_investment"`
	Red    int    `json:"red"`
	Yellow int    `json:"yellow"`
	Cards  []Card `json:"cards"`
}

// Board is the battle map (挂图作战): projects by phase with lights.
type Board struct {
	Columns []Column       `json:"columns"`
	Lights  map[string]int `json:"lights"`
	Paces   map[string]int `json:"paces"`
	Count   int            `json:"count"`
	Total   int64          `json:"total_investment"`
}

// BoardCards bounds the cards of one phase column: the worst lights and the
// largest projects first; the counts and totals cover every project.
const BoardCards = 60

// Board returns the battle map for the filter.
func (s *Service) Board(ctx context.Context, a *auth.Actor, f Filter) (*Board, error) {
	if err := auth.Require(a, auth.ViewProjects); err != nil {
		return nil, err
	}
	var args db.Args
	cond, err := s.where(ctx, a, f, &args)
	if err != nil {
		return nil, err
	}
	b := &Board{Lights: map[string]int{LightGreen: 0, LightYellow: 0, LightRed: 0},
		Paces: map[string]int{PaceAhead: 0, PaceNormal: 0, PaceBehind: 0}}
	idx := map[string]int{}
	for i, p := range Phases {
		idx[p.Code] = i
		b.Columns = append(b.Columns, Column{Phase: p.Code, Name: p.Name, Cards: []Card{}})
	}
	// Counts and totals in one pass.
	rows, err := s.DB.Read.QueryContext(ctx, `SELECT p.phase, p.light, p.pace, COUNT(*), SUM(p.total_investment) FROM projects p
		WHERE `+cond+` GROUP BY p.phase, p.light, p.pace`, args...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var phase, light, pace string
		var n int
		var total int64
		if err := rows.Scan(&phase, &light, &pace, &n, &total); err != nil {
			rows.Close()
			return nil, err
		}
		b.Lights[light] += n
		b.Paces[pace] += n
		b.Count += n
		b.Total += total
		if i, ok := idx[phase]; ok {
			col := &b.Columns[i]
			col.Count += n
			col.Total += total
			switch light {
			case LightRed:
				col.Red += n
			case LightYellow:
				col.Yellow += n
			}
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// The first cards of every column.
	rows, err = s.DB.Read.QueryContext(ctx, `SELECT x.id, x.name, x.code, x.phase, x.light, x.light_reason, x.pace, x.total_investment,
		x.year_plan_investment, x.year_actual, t.name, COALESCE(l.real_name, ''), COALESCE(c.name, '')
		FROM (SELECT p.id, ROW_NUMBER() OVER (PARTITION BY p.phase ORDER BY CASE p.light WHEN 'red' THEN 0 WHEN 'yellow' THEN 1 ELSE 2 END,
			p.total_investment DESC, p.id) AS rn FROM projects p WHERE `+cond+`) r
		JOIN projects x ON x.id = r.id JOIN units t ON t.id = x.town_id LEFT JOIN users l ON l.id = x.leader_user_id
		LEFT JOIN industrial_chains c ON c.id = x.chain_id WHERE r.rn <= `+args.Add(BoardCards)+` ORDER BY x.phase, r.rn`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var c Card
		if err := rows.Scan(&c.ID, &c.Name, &c.Code, &c.Phase, &c.Light, &c.LightReason, &c.Pace, &c.Total, &c.YearPlan, &c.YearActual,
			&c.Town, &c.Leader, &c.Chain); err != nil {
			return nil, err
		}
		if i, ok := idx[c.Phase]; ok {
			b.Columns[i].Cards = append(b.Columns[i].Cards, c)
		}
	}
	return b, rows.Err()
}

// GanttRow is a project's milestones, plan against actual.
type GanttRow struct {
	ID         int64       `json:"id"`
	Name       string      `json:"name"`
	Code       string      `json:"code"`
	Light      string      `json:"light"`
	Phase      string      `json:"phase"`
	Milestones []Milestone `json:"milestones"`
}

// Gantt returns a page of projects with their milestones.
func (s *Service) Gantt(ctx context.Context, a *auth.Actor, f Filter, limit, offset int) ([]GanttRow, int, error) {
	ps, total, err := s.List(ctx, a, f, limit, offset)
	if err != nil {
		return nil, 0, err
	}
	cfg, err := s.current(ctx)
	if err != nil {
		return nil, 0, err
	}
	out := make([]GanttRow, len(ps))
	byID := map[int64]*GanttRow{}
	ids := make([]int64, len(ps))
	for i, p := range ps {
		out[i] = GanttRow{ID: p.ID, Name: p.Name, Code: p.Code, Light: p.Light, Phase: p.Phase, Milestones: []Milestone{}}
		byID[p.ID], ids[i] = &out[i], p.ID
	}
	if len(ids) == 0 {
		return out, total, nil
	}
	var args db.Args
	rows, err := s.DB.Read.QueryContext(ctx, `SELECT project_id, id, name, planned_on, actual_on, note FROM project_milestones
		WHERE project_id IN (`+inList(&args, ids)+`) ORDER BY project_id, sort_order, id`, args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	day := today(s.Clock.Now())
	for rows.Next() {
		var pid int64
		var m Milestone
		if err := rows.Scan(&pid, &m.ID, &m.Name, &m.PlannedOn, &m.ActualOn, &m.Note); err != nil {
			return nil, 0, err
		}
		m.State = s.milestoneState(m, day, cfg)
		byID[pid].Milestones = append(byID[pid].Milestones, m)
	}
	return out, total, rows.Err()
}

// SummaryRow sums the projects of a leader, chain or town.
type SummaryRow struct {
	ID             int64   `json:"id"`
	Name           string  `json:"name"`
	Count          int     `json:"count"`
	Total          int64   `json:"total_investment"`
	YearPlan       int64   `json:"year_plan_investment"`
	YearActual     int64   `json:"year_actual"`
	Started        int     `json:"started"`
	StartedShare   float64 `json:"started_share"`   // started / count
	CompletionRate float64 `json:"completion_rate"` // year_actual / year_plan
	Red            int     `json:"red"`
	Yellow         int     `json:"yellow"`
	Behind         int     `json:"behind"`
}

// Summary sums the filtered projects by leader, chain or town.
func (s *Service) Summary(ctx context.Context, a *auth.Actor, by string, f Filter) ([]SummaryRow, error) {
	if err := auth.Require(a, auth.ViewProjects); err != nil {
		return nil, err
	}
	var key, name, join string
	switch by {
	case "leader":
		key, name, join = "p.leader_user_id", "COALESCE(g.real_name, '')", "LEFT JOIN users g ON g.id = p.leader_user_id"
	case "chain":
		key, name, join = "p.chain_id", "COALESCE(g.name, '')", "LEFT JOIN industrial_chains g ON g.id = p.chain_id"
	case "town":
		key, name, join = "p.town_id", "g.name", "JOIN units g ON g.id = p.town_id"
	default:
		fs := errs.Fields{}
		fs.Add("by", "汇总维度应为 leader（包联领导）、chain（产业链）或 town（乡镇）", "by must be leader, chain or town")
		return nil, fs.Err()
	}
	var args db.Args
	cond, err := s.where(ctx, a, f, &args)
	if err != nil {
		return nil, err
	}
	rows, err := s.DB.Read.QueryContext(ctx, `SELECT `+key+`, `+name+`, COUNT(*), SUM(p.total_investment), SUM(p.year_plan_investment),
		SUM(p.year_actual), SUM(CASE WHEN p.started THEN 1 ELSE 0 END), SUM(CASE WHEN p.light = 'red' THEN 1 ELSE 0 END),
		SUM(CASE WHEN p.light = 'yellow' THEN 1 ELSE 0 END), SUM(CASE WHEN p.pace = 'behind' THEN 1 ELSE 0 END)
		FROM projects p `+join+` WHERE `+cond+` GROUP BY `+key+`, `+name+` ORDER BY SUM(p.total_investment) DESC`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []SummaryRow{}
	for rows.Next() {
		var r SummaryRow
		var id sql.NullInt64
		if err := rows.Scan(&id, &r.Name, &r.Count, &r.Total, &r.YearPlan, &r.YearActual, &r.Started, &r.Red, &r.Yellow, &r.Behind); err != nil {
			return nil, err
		}
		r.ID = id.Int64
		if !id.Valid {
			r.Name = map[string]string{"leader": "未确定包联领导", "chain": "未归入产业链"}[by]
		}
		if r.Count > 0 {
			r.StartedShare = float64(r.Started) / float64(r.Count)
		}
		if r.YearPlan > 0 {
			r.CompletionRate = float64(r.YearActual) / float64(r.YearPlan)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// StatusRow is a project's report for a month.
type StatusRow struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	Code        string `json:"code"`
	Unit        string `json:"unit"`
	Town        string `json:"town"`
	Status      string `json:"status"` // on_time | late | missing | pending (not due yet) | exempt
	SubmittedBy string `json:"submitted_by"`
	InvestMonth int64  `json:"invest_month"`
}

// ReportStatus is who has and who has not reported for a month.
type ReportStatus struct {
	Month  string         `json:"month"`
	DueOn  calendar.Date  `json:"due_on"`
	Counts map[string]int `json:"counts"`
	Rows   []StatusRow    `json:"rows"`
}

// ReportStatus lists the filtered projects' reports for a month.
func (s *Service) ReportStatus(ctx context.Context, a *auth.Actor, month string, f Filter) (*ReportStatus, error) {
	if err := auth.Require(a, auth.ViewProjects); err != nil {
		return nil, err
	}
	cfg, err := s.current(ctx)
	if err != nil {
		return nil, err
	}
	now := s.Clock.Now()
	m := reportMonth(today(now))
	if month != "" {
		var ok bool
		if m, ok = monthOf(month); !ok {
			fs := errs.Fields{}
			fs.Add("month", "月份格式应为 YYYY-MM", "month must be YYYY-MM")
			return nil, fs.Err()
		}
	}
	mk := monthKey(m)
	due := dueOn(m, cfg.ReportDay)
	var args db.Args
	cond, err := s.where(ctx, a, f, &args)
	if err != nil {
		return nil, err
	}
	rows, err := s.DB.Read.QueryContext(ctx, `SELECT p.id, p.name, p.code, u.name, t.name, p.phase, p.created_at, r.late, r.submitted_at,
		COALESCE(r.submitted_by_name, ''), COALESCE(r.invest_month, 0)
		FROM projects p JOIN units u ON u.id = p.unit_id JOIN units t ON t.id = p.town_id
		LEFT JOIN project_reports r ON r.project_id = p.id AND r.month = `+args.Add(mk)+`
		WHERE `+cond+` ORDER BY CASE WHEN r.id IS NULL THEN 0 ELSE 1 END, p.code, p.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := &ReportStatus{Month: mk, DueOn: due, Counts: map[string]int{"on_time": 0, "late": 0, "missing": 0, "pending": 0, "exempt": 0},
		Rows: []StatusRow{}}
	for rows.Next() {
		var r StatusRow
		var phase string
		var created nullTime
		var late sql.NullBool
		var at nullTime
		if err := rows.Scan(&r.ID, &r.Name, &r.Code, &r.Unit, &r.Town, &phase, &created, &late, &at, &r.SubmittedBy, &r.InvestMonth); err != nil {
			return nil, err
		}
		switch {
		case late.Valid && late.Bool:
			r.Status = "late"
		case late.Valid:
			r.Status = "on_time"
		case phase == PhaseProducing || calendar.DateOf(created.T).After(due):
			r.Status = "exempt"
		case now.Before(due.End()):
			r.Status = "pending"
		default:
			r.Status = "missing"
		}
		out.Counts[r.Status]++
		out.Rows = append(out.Rows, r)
	}
	return out, rows.Err()
}

// parseList splits a comma list, keeping known values.
func parseList(s string, valid func(string) bool) []string {
	var out []string
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" && valid(v) {
			out = append(out, v)
		}
	}
	return out
}
