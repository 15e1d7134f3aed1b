package reports

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/calendar"
	"diaodu/internal/platform/db"
	"diaodu/internal/platform/errs"
)

// stored is a report_submissions row as the status views need it.
type stored struct {
	id          int64
	unitID      int64
	due         string
	status      string
	submittedAt *time.Time // with detail
	byName      string
	nothing     bool
	values      map[string]any
}

// submitted tells whether the row is a submission (not the cut-off job's
// missing placeholder).
func (r *stored) submitted() bool { return r != nil && r.status != Missing }

// grid is the statuses of some cycles of one obligation: the units that
// report (members in scope, plus units with a row for one of the cycles
// that have since left), each with a status per cycle ("" where the unit
// did not have to report).
type grid struct {
	members []member
	units   []UnitRef
	cells   [][]string  // [unit][cycle]
	rows    [][]*stored // [unit][cycle], with detail
	counts  []Counts    // per cycle
}

type gridOpts struct {
	detail bool  // load values, names and times
	unit   int64 // only this unit
}

// statusAt is a unit's status in cycle c at now, given its stored row.
func statusAt(r *stored, c Cycle, now time.Time) string {
	if r.submitted() {
		return r.status
	}
	if c.Closed(now) {
		return Missing
	}
	return Pending
}

// grids computes the grids of several obligations in two queries (three
// when a unit has left an obligation): the members, and the stored rows of
// the wanted cycles, both in scope. The rows are read from the index on
// (obligation_id, due_on, unit_id) without joining units, so a 500-unit ×
// 30-cycle matrix reads 15,000 narrow rows.
func (s *Service) grids(ctx context.Context, q querier, a *auth.Actor, now time.Time, obs []*Obligation,
	cycles map[int64][]Cycle, opt gridOpts) (map[int64]*grid, error) {
	ids := make([]int64, len(obs))
	for i, o := range obs {
		ids[i] = o.ID
	}
	members, err := s.members(ctx, q, a, ids)
	if err != nil {
		return nil, err
	}
	if opt.unit != 0 {
		for id, ms := range members {
			members[id] = slices.DeleteFunc(ms, func(m member) bool { return m.ID != opt.unit })
		}
	}
	var dues []string
	for _, cs := range cycles {
		for _, c := range cs {
			dues = append(dues, c.DueOn.String())
		}
	}
	slices.Sort(dues)
	dues = slices.Compact(dues)
	rowsOf := map[int64][]*stored{}
	if len(dues) > 0 && len(ids) > 0 {
		var args db.Args
		dph := make([]string, len(dues))
		for i, d := range dues {
			dph[i] = args.Add(d)
		}
		from := `report_submissions s`
		where := `s.obligation_id IN ` + inList(ids, &args) + ` AND s.due_on IN (` + strings.Join(dph, ", ") + `)`
		if !a.DistrictWide() {
			from += ` JOIN units u ON u.id = s.unit_id`
			where += ` AND ` + scopeCond(a, "u.path", &args)
		}
		if opt.unit != 0 {
			where += " AND s.unit_id = " + args.Add(opt.unit)
		}
		load := s.loadRows
		if !opt.detail && len(dues) > 1 {
			load = s.loadRowsGrouped
		}
		if rowsOf, err = load(ctx, q, from, where, args, dues, opt.detail); err != nil {
			return nil, err
		}
	}
	former, err := s.formerMembers(ctx, q, members, rowsOf)
	if err != nil {
		return nil, err
	}
	out := map[int64]*grid{}
	for _, o := range obs {
		out[o.ID] = buildGrid(members[o.ID], rowsOf[o.ID], cycles[o.ID], former, now)
	}
	return out, nil
}

// interner shares one string per due date and status among many rows.
type interner map[string]string

func newInterner(dues []string) interner {
	in := make(interner, len(dues)+3)
	for _, d := range dues {
		in[d] = d
	}
	for _, st := range []string{OnTime, Late, Missing} {
		in[st] = st
	}
	return in
}

func (in interner) of(b []byte) string {
	if v, ok := in[string(b)]; ok {
		return v
	}
	v := string(b)
	in[v] = v
	return v
}

// loadRows reads one row per stored submission (with detail: values,
// names and times).
func (s *Service) loadRows(ctx context.Context, q querier, from, where string, args []any, dues []string, detail bool) (map[int64][]*stored, error) {
	cols := `s.obligation_id, s.unit_id, s.due_on, s.status`
	if detail {
		cols += `, s.submitted_at, s.id, s.submitted_by_name, s.no_matters, s.values_json`
	}
	rows, err := q.QueryContext(ctx, `SELECT `+cols+` FROM `+from+` WHERE `+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	in := newInterner(dues)
	out := map[int64][]*stored{}
	for rows.Next() {
		var r stored
		var oid int64
		var due, status sql.RawBytes
		dest := []any{&oid, &r.unitID, &due, &status}
		var at sql.NullTime
		var values string
		if detail {
			dest = append(dest, &at, &r.id, &r.byName, &r.nothing, &values)
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		r.due, r.status = in.of(due), in.of(status)
		if detail {
			if at.Valid {
				t := at.Time
				r.submittedAt = &t
			}
			if err := json.Unmarshal([]byte(values), &r.values); err != nil {
				return nil, err
			}
		}
		out[oid] = append(out[oid], &r)
	}
	return out, rows.Err()
}

// loadRowsGrouped reads the statuses of many cycles with one row per unit
// ("2026-11-26on_time,2026-11-27late,…" aggregated in the database): a
// 500-unit × 30-cycle matrix crosses the driver as 500 rows, not 15,000.
func (s *Service) loadRowsGrouped(ctx context.Context, q querier, from, where string, args []any, dues []string, _ bool) (map[int64][]*stored, error) {
	agg := `group_concat(s.due_on || s.status, ',')`
	if s.DB.Dialect == db.Postgres {
		agg = `string_agg(s.due_on || s.status, ',')`
	}
	rows, err := q.QueryContext(ctx, `SELECT s.obligation_id, s.unit_id, `+agg+` FROM `+from+` WHERE `+where+
		` GROUP BY s.obligation_id, s.unit_id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	in := newInterner(dues)
	out := map[int64][]*stored{}
	var chunk []stored
	for rows.Next() {
		var oid, unit int64
		var list sql.RawBytes
		if err := rows.Scan(&oid, &unit, &list); err != nil {
			return nil, err
		}
		for len(list) > 0 {
			item := list
			if i := bytes.IndexByte(list, ','); i >= 0 {
				item, list = list[:i], list[i+1:]
			} else {
				list = nil
			}
			if len(item) <= 10 {
				continue
			}
			if len(chunk) == cap(chunk) {
				chunk = make([]stored, 0, 1024)
			}
			chunk = append(chunk, stored{unitID: unit, due: in.of(item[:10]), status: in.of(item[10:])})
			out[oid] = append(out[oid], &chunk[len(chunk)-1])
		}
	}
	return out, rows.Err()
}

// formerMembers names the units that have rows but are no longer members.
func (s *Service) formerMembers(ctx context.Context, q querier, members map[int64][]member, rowsOf map[int64][]*stored) (map[int64]member, error) {
	out := map[int64]member{}
	var missing []int64
	for oid, rs := range rowsOf {
		in := map[int64]bool{}
		for _, m := range members[oid] {
			in[m.ID] = true
		}
		for _, r := range rs {
			if !in[r.unitID] && !slices.Contains(missing, r.unitID) {
				missing = append(missing, r.unitID)
			}
		}
	}
	if len(missing) == 0 {
		return out, nil
	}
	var args db.Args
	rows, err := q.QueryContext(ctx, `SELECT id, name, kind, sort_order FROM units WHERE id IN `+inList(missing, &args), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var m member
		if err := rows.Scan(&m.ID, &m.Name, &m.Kind, &m.sort); err != nil {
			return nil, err
		}
		out[m.ID] = m
	}
	return out, rows.Err()
}

func buildGrid(ms []member, rs []*stored, cs []Cycle, former map[int64]member, now time.Time) *grid {
	g := &grid{members: ms, counts: make([]Counts, len(cs))}
	at := make(map[string]int, len(cs))
	for i, c := range cs {
		at[c.DueOn.String()] = i
	}
	type unitRow struct {
		m      member
		member bool
		rows   []*stored
	}
	byUnit := make(map[int64]*unitRow, len(ms))
	order := make([]*unitRow, 0, len(ms))
	for _, m := range ms {
		u := &unitRow{m: m, member: true, rows: make([]*stored, len(cs))}
		byUnit[m.ID], order = u, append(order, u)
	}
	resort := false
	for _, r := range rs {
		i, ok := at[r.due]
		if !ok {
			continue
		}
		u := byUnit[r.unitID]
		if u == nil { // left the obligation since
			u = &unitRow{m: former[r.unitID], rows: make([]*stored, len(cs))}
			u.m.ID = r.unitID
			byUnit[r.unitID], order, resort = u, append(order, u), true
		}
		u.rows[i] = r
	}
	if resort { // members come sorted from the database
		slices.SortStableFunc(order, func(a, b *unitRow) int {
			if c := strings.Compare(a.m.Kind, b.m.Kind); c != 0 {
				return c
			}
			if a.m.sort != b.m.sort {
				return a.m.sort - b.m.sort
			}
			return int(a.m.ID - b.m.ID)
		})
	}
	for _, u := range order {
		cells := make([]string, len(cs))
		for i, c := range cs {
			if u.rows[i] == nil && (!u.member || !u.m.eligible(c.DueOn)) {
				continue
			}
			cells[i] = statusAt(u.rows[i], c, now)
			g.counts[i].add(cells[i])
		}
		g.units, g.cells, g.rows = append(g.units, u.m.UnitRef), append(g.cells, cells), append(g.rows, u.rows)
	}
	return g
}

// cycleAt checks that due is one of o's due dates and returns its cycle.
func (s *Service) cycleAt(o *Obligation, due calendar.Date, field string) (Cycle, error) {
	f := errs.Fields{}
	switch {
	case due.IsZero():
		f.Add(field, "请选择报送周期（截止日期）", "choose the cycle (its due date)")
	case due.Before(o.ActiveFrom) || (!o.ActiveTo.IsZero() && due.After(o.ActiveTo)):
		f.Add(field, fmt.Sprintf("%s 不在报送任务“%s”的有效期内", due, o.Name), "the date is outside the obligation's active dates")
	case !o.IsDue(s.Cal, due):
		f.Add(field, fmt.Sprintf("%s 不是报送任务“%s”的报送日期（%s）", due, o.Name, o.ScheduleText), "the date is not one of the obligation's due dates")
	}
	if err := f.Err(); err != nil {
		return Cycle{}, err
	}
	return o.CycleOf(due), nil
}

// CycleTable is who has and who hasn't reported in the cycle due on due,
// for the units in the actor's scope.
func (s *Service) CycleTable(ctx context.Context, a *auth.Actor, id int64, due calendar.Date) (*CycleTable, error) {
	o, err := s.load(ctx, s.DB.R, a, id)
	if err != nil {
		return nil, err
	}
	c, err := s.cycleAt(o, due, "due_on")
	if err != nil {
		return nil, err
	}
	now := s.Clock.Now()
	gs, err := s.grids(ctx, s.DB.R, a, now, []*Obligation{o}, map[int64][]Cycle{o.ID: {c}}, gridOpts{detail: true})
	if err != nil {
		return nil, err
	}
	g := gs[o.ID]
	t := &CycleTable{Obligation: o, Cycle: c, Closed: c.Closed(now), Counts: g.counts[0], Rows: make([]Row, 0, len(g.units))}
	for i, u := range g.units {
		if g.cells[i][0] == "" {
			continue
		}
		row := Row{Unit: u, Status: g.cells[i][0], Values: map[string]any{}}
		if r := g.rows[i][0]; r.submitted() {
			row.SubmissionID, row.SubmittedAt, row.SubmittedByName, row.Nothing, row.Values = r.id, r.submittedAt, r.byName, r.nothing, r.values
		}
		t.Rows = append(t.Rows, row)
	}
	return t, nil
}

// StatusOf is one unit's status in one cycle, with its submission if any.
func (s *Service) StatusOf(ctx context.Context, a *auth.Actor, id, unitID int64, due calendar.Date) (string, *Submission, error) {
	t, err := s.CycleTable(ctx, a, id, due)
	if err != nil {
		return "", nil, err
	}
	for _, r := range t.Rows {
		if r.Unit.ID != unitID {
			continue
		}
		if r.SubmissionID == 0 {
			return r.Status, nil, nil
		}
		sub, err := s.GetSubmission(ctx, a, r.SubmissionID)
		return r.Status, sub, err
	}
	return "", nil, errs.NotFoundf("报送单位", "reporting unit")
}

const maxCycles = 400

// Matrix is the units × the last n cycles begun by to (default today).
func (s *Service) Matrix(ctx context.Context, a *auth.Actor, id int64, n int, to calendar.Date) (*Matrix, error) {
	o, err := s.load(ctx, s.DB.R, a, id)
	if err != nil {
		return nil, err
	}
	if n <= 0 || n > maxCycles {
		f := errs.Fields{}
		f.Add("cycles", fmt.Sprintf("周期数应为1到%d", maxCycles), fmt.Sprintf("cycles must be 1 to %d", maxCycles))
		return nil, f.Err()
	}
	if to.IsZero() {
		to = s.today()
	}
	cs := o.LastCycles(s.Cal, to, n)
	gs, err := s.grids(ctx, s.DB.R, a, s.Clock.Now(), []*Obligation{o}, map[int64][]Cycle{o.ID: cs}, gridOpts{})
	if err != nil {
		return nil, err
	}
	g := gs[o.ID]
	m := &Matrix{Cycles: cs, Units: g.units, Cells: g.cells, Counts: g.counts}
	if m.Units == nil {
		m.Units, m.Cells = []UnitRef{}, [][]string{}
	}
	return m, nil
}

// Cycles lists the cycles due from..to that have begun, newest first, with
// their counts; without dates, the last 60.
func (s *Service) Cycles(ctx context.Context, a *auth.Actor, id int64, from, to calendar.Date) ([]CycleSummary, error) {
	o, err := s.load(ctx, s.DB.R, a, id)
	if err != nil {
		return nil, err
	}
	today := s.today()
	var cs []Cycle
	if from.IsZero() && to.IsZero() {
		cs = o.LastCycles(s.Cal, today, 60)
	} else {
		if to.IsZero() {
			to = today
		}
		if from.IsZero() {
			from = to.AddDays(-60)
		}
		if cs = o.CyclesBetween(s.Cal, from, to, today); len(cs) > maxCycles {
			cs = cs[len(cs)-maxCycles:]
		}
	}
	now := s.Clock.Now()
	gs, err := s.grids(ctx, s.DB.R, a, now, []*Obligation{o}, map[int64][]Cycle{o.ID: cs}, gridOpts{})
	if err != nil {
		return nil, err
	}
	out := make([]CycleSummary, len(cs))
	for i, c := range cs {
		out[len(cs)-1-i] = CycleSummary{Cycle: c, Closed: c.Closed(now), Counts: gs[o.ID].counts[i]}
	}
	return out, nil
}

// activeVisible lists the active obligations the actor may see.
func (s *Service) activeVisible(ctx context.Context, a *auth.Actor, extra string, extraArgs ...any) ([]*Obligation, error) {
	args := db.Args(extraArgs)
	rows, err := s.DB.R.QueryContext(ctx, `SELECT `+obligationCols+` FROM report_obligations o JOIN units ow ON ow.id = o.owner_unit_id
		WHERE o.active = TRUE AND `+extra+` AND `+visible(a, &args)+` ORDER BY o.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Obligation
	for rows.Next() {
		o, err := scanObligation(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// Today is the dashboard summary for day (zero: today): every active
// obligation due that day with its counts, and the zero report's units
// still missing after the cut-off.
func (s *Service) Today(ctx context.Context, a *auth.Actor, day calendar.Date) (*Today, error) {
	if err := auth.Require(a, auth.ViewReports); err != nil {
		return nil, err
	}
	s.refresh(ctx)
	if day.IsZero() {
		day = s.today()
	}
	now := s.Clock.Now()
	obs, err := s.activeVisible(ctx, a, "o.active_from <= $1 AND (o.active_to IS NULL OR o.active_to >= $1)", day)
	if err != nil {
		return nil, err
	}
	due := []*Obligation{}
	cycles := map[int64][]Cycle{}
	for _, o := range obs {
		if o.IsDue(s.Cal, day) {
			due = append(due, o)
			cycles[o.ID] = []Cycle{o.CycleOf(day)}
		}
	}
	gs, err := s.grids(ctx, s.DB.R, a, now, due, cycles, gridOpts{})
	if err != nil {
		return nil, err
	}
	out := &Today{Date: day, AsOf: now, Obligations: []TodayItem{}}
	for _, o := range due {
		c, g := cycles[o.ID][0], gs[o.ID]
		out.Obligations = append(out.Obligations, TodayItem{ID: o.ID, Name: o.Name, Source: o.Source, Frequency: o.Frequency,
			CycleSummary: CycleSummary{Cycle: c, Closed: c.Closed(now), Counts: g.counts[0]}})
		if o.Source == SourceZero && out.ZeroReport == nil {
			z := &ZeroToday{ObligationID: o.ID, DueOn: c.DueOn, CutoffAt: c.CutoffAt, Closed: c.Closed(now), Counts: g.counts[0],
				RedUnits: []UnitRef{}}
			for i, u := range g.units {
				if g.cells[i][0] == Missing {
					z.RedUnits = append(z.RedUnits, u)
				}
			}
			out.ZeroReport = z
		}
	}
	return out, nil
}

// recentCycles is how many past cycles 我的报送 shows.
const recentCycles = 7

// Mine lists the active obligations of the acting user's own unit with
// the cycle today falls in (or the last one begun), its status and
// submission, the next cycle, and the last few cycles' statuses.
func (s *Service) Mine(ctx context.Context, a *auth.Actor) ([]MineItem, error) {
	if err := auth.Require(a, auth.ViewReports); err != nil {
		return nil, err
	}
	s.refresh(ctx)
	obs, err := s.activeVisible(ctx, a, `EXISTS (SELECT 1 FROM report_obligation_units mu WHERE mu.obligation_id = o.id AND mu.unit_id = $1)`, a.UnitID)
	if err != nil {
		return nil, err
	}
	today, now := s.today(), s.Clock.Now()
	cycles := map[int64][]Cycle{}
	for _, o := range obs {
		cycles[o.ID] = o.LastCycles(s.Cal, today, recentCycles)
	}
	gs, err := s.grids(ctx, s.DB.R, a, now, obs, cycles, gridOpts{detail: true, unit: a.UnitID})
	if err != nil {
		return nil, err
	}
	out := []MineItem{}
	var subs []*Submission
	for _, o := range obs {
		item := MineItem{Obligation: o, Recent: []RecentCell{}}
		o.Units = []UnitRef{}
		cs, g := cycles[o.ID], gs[o.ID]
		after := today
		if n := len(cs); n > 0 && len(g.units) > 0 {
			c := cs[n-1]
			item.Cycle, item.Closed, item.Status = &c, c.Closed(now), g.cells[0][n-1]
			item.AttachTo = SlotKey(o.ID, a.UnitID, c.DueOn)
			if r := g.rows[0][n-1]; r.submitted() {
				item.Submission = r.submission(o, g.units[0], c)
				subs = append(subs, item.Submission)
			}
			for i, c := range cs {
				if g.cells[0][i] != "" {
					item.Recent = append(item.Recent, RecentCell{DueOn: c.DueOn, Status: g.cells[0][i]})
				}
			}
			if c.DueOn.After(after) {
				after = c.DueOn
			}
		}
		if next, ok := o.NextCycle(s.Cal, after); ok {
			item.Next = &next
		}
		out = append(out, item)
	}
	return out, s.withFiles(ctx, subs)
}

// submission turns a detailed stored row into a Submission.
func (r *stored) submission(o *Obligation, u UnitRef, c Cycle) *Submission {
	return &Submission{ID: r.id, ObligationID: o.ID, ObligationName: o.Name, UnitID: u.ID, UnitName: u.Name,
		DueOn: c.DueOn, CycleStart: c.Start, Status: r.status, Nothing: r.nothing, Values: r.values,
		SubmittedByName: r.byName, SubmittedAt: r.submittedAt, AttachTo: SlotKey(o.ID, u.ID, c.DueOn)}
}
