package tasks

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sort"

	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/calendar"
	"diaodu/internal/platform/db"
	"diaodu/internal/platform/httpx"
)

// StatusNames are the Chinese names of the statuses.
var StatusNames = map[string]string{StatusDraft: "草稿", StatusIssued: "待签收", StatusSigned: "已签收", StatusInProgress: "推进中",
	StatusRequested: "申请办结", StatusReturned: "退回", StatusClosed: "已销号"}

// homeList bounds the task lists of the home page and of my work.
const homeList = 50

// unitAgg is one lead unit's counts, read in one pass over the tasks.
type unitAgg struct {
	unit     Ref
	byStatus map[string]int
	green    int
	yellow   int
	red      int
	due      int // closed, or with a deadline already past
	onTime   int
	overdue  int
	missing  int
}

// Home is the supervision home for the actor's scope. Counts are of
// top-level tasks (subtasks are parts of them); one aggregate query feeds
// the counts, the ranking and today's point of the trend.
func (s *Service) Home(ctx context.Context, a *auth.Actor) (*Home, error) {
	if err := auth.Require(a, auth.ViewTasks); err != nil {
		return nil, err
	}
	now := s.Clock.Now()
	day := today(now)
	var args db.Args
	where := s.scope(a, &args) + " AND t.parent_id IS NULL"
	aggs, err := s.aggregate(ctx, where, args, day)
	if err != nil {
		return nil, err
	}
	if err := s.unitNames(ctx, aggs); err != nil {
		return nil, err
	}
	h := &Home{ByStatus: []Count{}, ByLight: []Count{}, UnitRanking: []UnitRate{}}
	live := TrendPoint{Day: day}
	for _, st := range statuses {
		if st == StatusDraft && !a.Can(auth.ManageTasks) {
			continue
		}
		c := Count{Key: st, Name: StatusNames[st]}
		for _, g := range aggs {
			c.Count += g.byStatus[st]
		}
		h.ByStatus = append(h.ByStatus, c)
		switch st {
		case StatusClosed:
			live.Closed = c.Count
		case StatusDraft:
		default:
			live.Open += c.Count
		}
	}
	for _, g := range aggs {
		live.Green, live.Yellow, live.Red = live.Green+g.green, live.Yellow+g.yellow, live.Red+g.red
		if g.due == 0 && g.overdue == 0 && g.missing == 0 {
			continue
		}
		r := UnitRate{Unit: g.unit, Total: g.due, OnTime: g.onTime, Overdue: g.overdue, Missing: g.missing, Rate: 1}
		if g.due > 0 {
			r.Rate = float64(g.onTime) / float64(g.due)
		}
		h.UnitRanking = append(h.UnitRanking, r)
	}
	sort.SliceStable(h.UnitRanking, func(i, j int) bool {
		x, y := h.UnitRanking[i], h.UnitRanking[j]
		if x.Rate != y.Rate {
			return x.Rate > y.Rate
		}
		if x.Overdue != y.Overdue {
			return x.Overdue < y.Overdue
		}
		if x.Total != y.Total {
			return x.Total > y.Total
		}
		return x.Unit.ID < y.Unit.ID
	})
	h.ByLight = []Count{{LightRed, lightName(LightRed), live.Red}, {LightYellow, lightName(LightYellow), live.Yellow},
		{LightGreen, lightName(LightGreen), live.Green}}
	weekArgs := slices.Clone(args)
	lists := []struct {
		dst   *[]Task
		cond  string
		order string
		args  db.Args
	}{
		{&h.DueThisWeek, "t.status NOT IN ('draft', 'closed') AND t.due_key >= " + weekArgs.Add(day.Monday()) + " AND t.due_key <= " +
			weekArgs.Add(day.Monday().AddDays(6)), "t.due_key, t.id", weekArgs},
		{&h.Overdue, "t.overdue = TRUE", "t.due_key, t.id", args},
		{&h.MissingReports, "t.report_missing = TRUE", "t.due_key, t.id", args},
	}
	for _, l := range lists {
		if *l.dst, err = s.page(ctx, a, where+" AND "+l.cond, l.args, l.order, homeList, 0); err != nil {
			return nil, err
		}
	}
	if h.Trend, err = s.trend(ctx, a, day, live); err != nil {
		return nil, err
	}
	return h, nil
}

// aggregate counts top-level tasks by lead unit. The database groups by the
// columns of the covering index tasks_home, in its order, and only counts;
// the arithmetic (what is due, on time) happens here: a dozen CASE
// expressions per row cost the database three times more.
func (s *Service) aggregate(ctx context.Context, where string, args db.Args, day calendar.Date) ([]*unitAgg, error) {
	aggArgs := slices.Clone(args)
	d := aggArgs.Add(day)
	rows, err := s.DB.Read.QueryContext(ctx, `SELECT t.lead_unit_id, t.status, t.light, t.overdue, t.report_missing, t.closed_on_time,
		COUNT(*), SUM(CASE WHEN t.due_key < `+d+` THEN 1 ELSE 0 END) FROM tasks t WHERE `+where+`
		GROUP BY t.lead_unit_id, t.status, t.light, t.overdue, t.report_missing, t.closed_on_time`, aggArgs...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*unitAgg
	byUnit := map[int64]*unitAgg{}
	for rows.Next() {
		var unit int64
		var status, light string
		var overdue, missing bool
		var onTime sql.NullBool
		var n, past int
		if err := rows.Scan(&unit, &status, &light, &overdue, &missing, &onTime, &n, &past); err != nil {
			return nil, err
		}
		g := byUnit[unit]
		if g == nil {
			g = &unitAgg{unit: Ref{ID: unit}, byStatus: map[string]int{}}
			byUnit[unit] = g
			out = append(out, g)
		}
		g.byStatus[status] += n
		live := open(status)
		if live {
			switch light {
			case LightGreen:
				g.green += n
			case LightYellow:
				g.yellow += n
			case LightRed:
				g.red += n
			}
		}
		switch {
		case status == StatusClosed:
			g.due += n
			if onTime.Valid && onTime.Bool {
				g.onTime += n
			}
		case live:
			g.due += past
			if !overdue {
				g.onTime += past // past the deadline but asked to close before it
			}
		}
		if overdue {
			g.overdue += n
		}
		if missing {
			g.missing += n
		}
	}
	return out, rows.Err()
}

func (s *Service) unitNames(ctx context.Context, aggs []*unitAgg) error {
	if len(aggs) == 0 {
		return nil
	}
	ids := make([]int64, len(aggs))
	for i, g := range aggs {
		ids[i] = g.unit.ID
	}
	var args db.Args
	rows, err := s.DB.Read.QueryContext(ctx, `SELECT id, name FROM units WHERE id IN (`+inList(&args, ids)+`)`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	names := map[int64]string{}
	for rows.Next() {
		var id int64
		var n string
		if err := rows.Scan(&id, &n); err != nil {
			return err
		}
		names[id] = n
	}
	for _, g := range aggs {
		g.unit.Name = names[g.unit.ID]
	}
	return rows.Err()
}

// trendDays is how far back the trend chart looks.
const trendDays = 60

// trend reads the daily rows of the last 60 days in scope and ends with
// today's live counts; days without a row are simply absent.
func (s *Service) trend(ctx context.Context, a *auth.Actor, day calendar.Date, live TrendPoint) ([]TrendPoint, error) {
	var args db.Args
	where := "day >= " + args.Add(day.AddDays(-trendDays+1)) + " AND day < " + args.Add(day)
	if !a.DistrictWide() {
		where += " AND unit_path >= " + args.Add(a.UnitPath) + " AND unit_path < " + args.Add(a.UnitPath[:len(a.UnitPath)-1]+"0")
	}
	rows, err := s.DB.Read.QueryContext(ctx, `SELECT day, SUM(open_total), SUM(green), SUM(yellow), SUM(red), SUM(closed_total)
		FROM task_daily_stats WHERE `+where+` GROUP BY day ORDER BY day`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []TrendPoint{}
	for rows.Next() {
		var p TrendPoint
		if err := rows.Scan(&p.Day, &p.Open, &p.Green, &p.Yellow, &p.Red, &p.Closed); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return append(out, live), rows.Err()
}

// RecordDailyStats writes the day's counts per lead unit (top-level tasks)
// for the trend; run again the same day it replaces them.
func (s *Service) RecordDailyStats(ctx context.Context, a *auth.Actor, day calendar.Date) error {
	return s.Audit.Write(ctx, a, func(w *audit.W) error {
		if _, err := w.ExecContext(ctx, `DELETE FROM task_daily_stats WHERE day = $1`, day); err != nil {
			return err
		}
		res, err := w.ExecContext(ctx, `INSERT INTO task_daily_stats (day, unit_id, unit_path, open_total, green, yellow, red,
			closed_total, closed_on_time)
			SELECT $1, t.lead_unit_id, MIN(t.lead_unit_path),
				SUM(CASE WHEN t.status <> 'closed' THEN 1 ELSE 0 END),
				SUM(CASE WHEN t.status <> 'closed' AND t.light = 'green' THEN 1 ELSE 0 END),
				SUM(CASE WHEN t.status <> 'closed' AND t.light = 'yellow' THEN 1 ELSE 0 END),
				SUM(CASE WHEN t.status <> 'closed' AND t.light = 'red' THEN 1 ELSE 0 END),
				SUM(CASE WHEN t.status = 'closed' THEN 1 ELSE 0 END),
				SUM(CASE WHEN t.status = 'closed' AND t.closed_on_time = TRUE THEN 1 ELSE 0 END)
			FROM tasks t WHERE t.status <> 'draft' AND t.parent_id IS NULL GROUP BY t.lead_unit_id`, day)
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		return w.Record(audit.Entry{Action: "task.stats", ObjectType: "task_daily_stats", ObjectID: day.String(),
			Summary: fmt.Sprintf("记录%s督办日统计（%d个牵头单位）", day.Chinese(), n)})
	})
}

// MyWork is what the actor should do next, by role.
func (s *Service) MyWork(ctx context.Context, a *auth.Actor) (*MyWork, error) {
	if err := auth.Require(a, auth.ViewTasks); err != nil {
		return nil, err
	}
	st, err := s.current(ctx)
	if err != nil {
		return nil, err
	}
	now := s.Clock.Now()
	day := today(now)
	m := &MyWork{ToSign: []Task{}, ToReport: []Task{}, ToFinish: []Task{}, ToReview: []Task{}, Extensions: []Extension{},
		Coordination: []Coordination{}, Portfolio: []Task{}}
	lead := !a.DistrictWide() && a.UnitPath != "" && a.HasAny(auth.UnitAdmin, auth.Staff, auth.Field)
	list := func(dst *[]Task, cond string, args db.Args) error {
		var err error
		*dst, err = s.tasksOf(ctx, a, fmt.Sprintf("WHERE %s LIMIT %d", cond, homeList), args)
		return err
	}
	if lead && a.Can(auth.HandleTasks) {
		var args db.Args
		if err := list(&m.ToSign, leadCond(a.UnitPath, &args)+" AND t.status = 'issued' ORDER BY t.sign_due, t.id", args); err != nil {
			return nil, err
		}
	}
	if lead {
		// Candidates in Go: the current cycle depends on each task's cycle and start.
		var args db.Args
		rows, err := s.DB.Read.QueryContext(ctx, `SELECT t.id, t.start_on, t.report_cycle, t.last_cycle_end, t.deadline, t.status, t.overdue,
			t.report_missing FROM tasks t WHERE `+leadCond(a.UnitPath, &args)+` AND t.status IN ('signed', 'in_progress', 'returned')
			ORDER BY t.due_key, t.id`, args...)
		if err != nil {
			return nil, err
		}
		var report, finish []int64
		for rows.Next() {
			var id int64
			var start, last, deadline calendar.Date
			var cycle, status string
			var overdue, missing bool
			if err := rows.Scan(&id, &start, &cycle, &last, &deadline, &status, &overdue, &missing); err != nil {
				rows.Close()
				return nil, err
			}
			if p := calendar.Period(cycle); missing || (calendar.ValidPeriod(p) && last.Before(cycleEnd(p, start, day))) {
				report = append(report, id)
			}
			if status == StatusReturned || overdue || (!deadline.IsZero() && s.Calendar.WorkdaysBetween(day, deadline) <= st.WarnDays) {
				finish = append(finish, id)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		for _, l := range []struct {
			dst *[]Task
			ids []int64
		}{{&m.ToReport, report}, {&m.ToFinish, finish}} {
			if len(l.ids) == 0 {
				continue
			}
			var args db.Args
			if err := list(l.dst, "t.id IN ("+inList(&args, l.ids[:min(len(l.ids), homeList)])+") ORDER BY t.due_key, t.id", args); err != nil {
				return nil, err
			}
		}
	}
	// Reviews: the office reviews top-level tasks; a unit, the subtasks it split.
	var reviewCond string
	var rargs db.Args
	switch {
	case a.Can(auth.ManageTasks):
		reviewCond = "TRUE"
	case lead && a.Can(auth.HandleTasks):
		reviewCond = "t.parent_id IN (SELECT p.id FROM tasks p WHERE p.lead_unit_path >= " + rargs.Add(a.UnitPath) +
			" AND p.lead_unit_path < " + rargs.Add(a.UnitPath[:len(a.UnitPath)-1]+"0") + ")"
	}
	if reviewCond != "" {
		if err := list(&m.ToReview, reviewCond+" AND t.status = 'requested' ORDER BY t.requested_at, t.id", rargs); err != nil {
			return nil, err
		}
		if m.Extensions, err = extensionsWhere(ctx, s.DB.Read, fmt.Sprintf("WHERE e.status = 'pending' AND %s ORDER BY e.requested_at LIMIT %d",
			reviewCond, homeList), rargs...); err != nil {
			return nil, err
		}
	}
	if m.Coordination, err = s.coordinationWhere(ctx, fmt.Sprintf("WHERE c.owner_id = $1 AND c.status = 'open' ORDER BY c.due_on, c.id LIMIT %d",
		homeList), a.UserID); err != nil {
		return nil, err
	}
	if a.Has(auth.Leader) {
		var args db.Args
		if err := list(&m.Portfolio, "t.id IN (SELECT task_id FROM task_leaders WHERE user_id = "+args.Add(a.UserID)+
			") AND t.status NOT IN ('draft', 'closed') ORDER BY "+taskSorts["light"], args); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// cycleEnd is the last day of the report cycle containing day.
func cycleEnd(p calendar.Period, start, day calendar.Date) calendar.Date {
	_, end := calendar.CycleOf(p, start, day)
	return end
}

// Gantt returns the ledger's tasks (same filters, paged) with their
// milestones, plan against actual.
func (s *Service) Gantt(ctx context.Context, a *auth.Actor, f Filter, p httpx.Page) ([]GanttRow, int, error) {
	items, total, err := s.List(ctx, a, f, p)
	if err != nil {
		return nil, 0, err
	}
	ids := make([]int64, len(items))
	for i, t := range items {
		ids[i] = t.ID
	}
	ms, err := milestonesByTask(ctx, s.DB.Read, ids, s.Clock.Now())
	if err != nil {
		return nil, 0, err
	}
	out := make([]GanttRow, len(items))
	for i, t := range items {
		out[i] = GanttRow{Task: t, Milestones: ms[t.ID]}
		if out[i].Milestones == nil {
			out[i].Milestones = []Milestone{}
		}
	}
	return out, total, nil
}
