package tasks

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/calendar"
	"diaodu/internal/platform/db"
)

// Lights are computed in Go from the stored task row and its open
// milestones, and stored (tasks.light, overdue, report_missing, and the
// words in task_light_reasons) so lists filter by them. They are recomputed in the transaction of every
// change to a task, and for all tasks by the tasks.lights job.

// lightState is what a light depends on.
type lightState struct {
	ID           int64
	Status       string
	StartOn      calendar.Date
	Deadline     calendar.Date
	SignDue      calendar.Date
	LastCycleEnd calendar.Date
	ReportCycle  string
	Progress     int
	RequestedAt  time.Time // zero: no completion request pending
	Milestones   []openMilestone
}

type openMilestone struct {
	Name string
	Due  calendar.Date
}

// verdict is a computed light.
type verdict struct {
	Light, Reason    string
	Overdue, Missing bool
}

// workdayCounter counts working days; *calendar.Calendar is one, and
// workdayIndex a faster one for bulk work.
type workdayCounter interface {
	WorkdaysBetween(from, to calendar.Date) int
}

// open tells whether a task is live work (not a draft, not closed).
func open(status string) bool { return status != StatusDraft && status != StatusClosed }

// timeProgress is 序时进度: the share of the planned span start..deadline
// (calendar days, both ends included) elapsed by the end of day.
func timeProgress(start, deadline, day calendar.Date) int {
	if start.IsZero() || deadline.IsZero() || day.Before(start) {
		return 0
	}
	span, elapsed := start.DaysUntil(deadline)+1, start.DaysUntil(day)+1
	if span <= 0 || elapsed >= span {
		return 100
	}
	return elapsed * 100 / span
}

// cycleLabel names a report cycle for people: "9月第2周" (a week belongs to
// the month of its Thursday), "9月7日至9月20日", "9月".
func cycleLabel(p calendar.Period, start, end calendar.Date) string {
	switch p {
	case calendar.Weekly:
		th := start.AddDays(3)
		return fmt.Sprintf("%d月第%d周", th.Month(), (th.Day()-1)/7+1)
	case calendar.Monthly:
		return fmt.Sprintf("%d月", start.Month())
	}
	return md(start) + "至" + md(end)
}

// lastDueCycle returns the last completed report cycle a task owes a report
// for on day, or false when none is owed yet.
func lastDueCycle(t *lightState, day calendar.Date) (start, end calendar.Date, ok bool) {
	p := calendar.Period(t.ReportCycle)
	if !calendar.ValidPeriod(p) || t.StartOn.IsZero() {
		return start, end, false
	}
	cur, _ := calendar.CycleOf(p, t.StartOn, day)
	end = cur.AddDays(-1)
	start, _ = calendar.CycleOf(p, t.StartOn, end)
	// Owed once the unit has had the whole signing window inside it.
	if end.Before(t.StartOn) || (!t.SignDue.IsZero() && end.Before(t.SignDue)) {
		return start, end, false
	}
	return start, end, true
}

// judge computes a task's light on the day of now. Reasons come most severe
// first: red ones (overdue, overdue milestones, a missing report), then
// yellow ones (deadline or milestone near, lagging the time-sequence,
// unsigned past the signing window).
func (st Settings) judge(t *lightState, now time.Time, wd workdayCounter) verdict {
	if !open(t.Status) {
		return verdict{Light: LightNone}
	}
	day := today(now)
	var reds, yellows []string
	v := verdict{}
	hasDeadline := !t.Deadline.IsZero()
	requested := t.Status == StatusRequested && !t.RequestedAt.IsZero()
	if hasDeadline && !now.Before(t.Deadline.End()) && !(requested && t.RequestedAt.Before(t.Deadline.End())) {
		v.Overdue = true
		if n := wd.WorkdaysBetween(t.Deadline, day); n > 0 {
			reds = append(reds, fmt.Sprintf("已逾期%d个工作日（完成时限%s）", n, md(t.Deadline)))
		} else {
			reds = append(reds, fmt.Sprintf("已超过完成时限（%s）", md(t.Deadline)))
		}
	}
	if requested { // the unit says it is done: only lateness counts while the office reviews
		return st.finish(v, reds, yellows)
	}
	if hasDeadline && !v.Overdue {
		if n := wd.WorkdaysBetween(day, t.Deadline); n <= st.WarnDays {
			switch {
			case t.Deadline == day:
				yellows = append(yellows, fmt.Sprintf("今日到期（完成时限%s）", md(t.Deadline)))
			case n <= 0:
				yellows = append(yellows, fmt.Sprintf("距完成时限（%s）已无工作日", md(t.Deadline)))
			default:
				yellows = append(yellows, fmt.Sprintf("距完成时限仅剩%d个工作日（%s）", n, md(t.Deadline)))
			}
		}
	}
	var lateMs, nearMs []string
	for _, m := range t.Milestones {
		switch {
		case day.After(m.Due):
			if n := wd.WorkdaysBetween(m.Due, day); n > 0 {
				lateMs = append(lateMs, fmt.Sprintf("节点'%s'已逾期%d个工作日", m.Name, n))
			} else {
				lateMs = append(lateMs, fmt.Sprintf("节点'%s'已超过计划日期（%s）", m.Name, md(m.Due)))
			}
		case wd.WorkdaysBetween(day, m.Due) <= st.WarnDays:
			switch n := wd.WorkdaysBetween(day, m.Due); {
			case m.Due == day:
				nearMs = append(nearMs, fmt.Sprintf("节点'%s'今日到期", m.Name))
			case n <= 0:
				nearMs = append(nearMs, fmt.Sprintf("节点'%s'距计划日期（%s）已无工作日", m.Name, md(m.Due)))
			default:
				nearMs = append(nearMs, fmt.Sprintf("节点'%s'距计划日期仅剩%d个工作日", m.Name, n))
			}
		}
	}
	reds = append(reds, lateMs...)
	if start, end, ok := lastDueCycle(t, day); ok && (t.LastCycleEnd.IsZero() || t.LastCycleEnd.Before(end)) {
		v.Missing = true
		reds = append(reds, "缺报："+cycleLabel(calendar.Period(t.ReportCycle), start, end)+"进展未报送")
	}
	yellows = append(yellows, nearMs...)
	if hasDeadline && !v.Overdue {
		if tp := timeProgress(t.StartOn, t.Deadline, day); tp-t.Progress > st.LagPercent {
			yellows = append(yellows, fmt.Sprintf("进度滞后序时%d个百分点（完成进度%d%%，序时进度%d%%）", tp-t.Progress, t.Progress, tp))
		}
	}
	if t.Status == StatusIssued && !t.SignDue.IsZero() && day.After(t.SignDue) {
		yellows = append(yellows, fmt.Sprintf("超过签收时限（%s）未签收", md(t.SignDue)))
	}
	return st.finish(v, reds, yellows)
}

func (Settings) finish(v verdict, reds, yellows []string) verdict {
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

// workdayIndex answers WorkdaysBetween from a prefix sum over a window of
// days, so judging 50,000 tasks does not walk the calendar day by day.
type workdayIndex struct {
	cal  *calendar.Calendar
	from calendar.Date
	cum  []int32 // cum[i]: working days in from+1 … from+i
}

func newWorkdayIndex(cal *calendar.Calendar, center calendar.Date, radius int) *workdayIndex {
	x := &workdayIndex{cal: cal, from: center.AddDays(-radius), cum: make([]int32, 2*radius+1)}
	for i := 1; i < len(x.cum); i++ {
		x.cum[i] = x.cum[i-1]
		if cal.IsWorkday(x.from.AddDays(i)) {
			x.cum[i]++
		}
	}
	return x
}

func (x *workdayIndex) WorkdaysBetween(a, b calendar.Date) int {
	ia, ib := x.from.DaysUntil(a), x.from.DaysUntil(b)
	if ia < 0 || ib < 0 || ia >= len(x.cum) || ib >= len(x.cum) {
		return x.cal.WorkdaysBetween(a, b)
	}
	return int(x.cum[ib] - x.cum[ia])
}

// stored is a task's light as stored, to write only what changed.
type stored struct {
	lightState
	verdict
	// Stamp is updated_at as read (as text on SQLite, which stores it so:
	// no parsing 50,000 timestamps); a task changed since keeps the light
	// its own transaction gave it.
	Stamp any
}

// lightCols are what loadLights reads; the last one is the stamp.
func lightCols(d db.Dialect) string {
	stamp := "t.updated_at"
	if d == db.SQLite {
		stamp = "CAST(t.updated_at AS TEXT)"
	}
	return `t.id, t.status, t.start_on, t.deadline, t.sign_due, t.last_cycle_end, t.report_cycle, t.progress,
	t.requested_at, t.light, t.overdue, t.report_missing, ` + stamp
}

// dateCol scans a business date without time.Parse ("2026-09-30" is
// fixed-width); anything else goes through calendar.Date.
type dateCol struct{ d *calendar.Date }

func (c dateCol) Scan(v any) error {
	if s, ok := v.(string); ok && len(s) == 10 && s[4] == '-' && s[7] == '-' {
		n := func(s string) int {
			x := 0
			for _, r := range s {
				x = x*10 + int(r-'0')
			}
			return x
		}
		y, m, d := n(s[:4]), n(s[5:7]), n(s[8:])
		if m >= 1 && m <= 12 && d >= 1 && d <= 31 {
			*c.d = calendar.NewDate(y, time.Month(m), d)
			return nil
		}
	}
	return c.d.Scan(v)
}

func scanLight(rows interface{ Scan(...any) error }) (*stored, error) {
	var x stored
	var req nullTime
	if err := rows.Scan(&x.ID, &x.Status, dateCol{&x.StartOn}, dateCol{&x.Deadline}, dateCol{&x.SignDue}, dateCol{&x.LastCycleEnd},
		&x.ReportCycle, &x.Progress, &req, &x.Light, &x.Overdue, &x.Missing, &x.Stamp); err != nil {
		return nil, err
	}
	x.RequestedAt = req.T
	return &x, nil
}

// loadLights reads tasks by a condition and attaches their open
// milestones: all of them, or (horizon set: the bulk read) those due by
// horizon, read without the condition and matched in Go.
func loadLights(ctx context.Context, q querier, d db.Dialect, where string, args []any, horizon calendar.Date) ([]*stored, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+lightCols(d)+` FROM tasks t WHERE `+where+` ORDER BY t.id`, args...)
	if err != nil {
		return nil, err
	}
	var out []*stored
	for rows.Next() {
		x, err := scanLight(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, x)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return out, nil
	}
	rq, rargs := `SELECT r.task_id, r.reason FROM task_light_reasons r JOIN tasks t ON t.id = r.task_id WHERE `+where, args
	if !horizon.IsZero() {
		rq, rargs = `SELECT r.task_id, r.reason FROM task_light_reasons r`, nil
	}
	if err := walk(ctx, q, rq+` ORDER BY r.task_id`, rargs, out, func(rows *sql.Rows) (int64, func(*stored), error) {
		var id int64
		var reason string
		err := rows.Scan(&id, &reason)
		return id, func(x *stored) { x.Reason = reason }, err
	}); err != nil {
		return nil, err
	}
	mq := `SELECT m.task_id, m.name, m.due_on FROM task_milestones m JOIN tasks t ON t.id = m.task_id
		WHERE m.done_on IS NULL AND ` + where
	margs := args
	if !horizon.IsZero() {
		mq, margs = `SELECT m.task_id, m.name, m.due_on FROM task_milestones m WHERE m.done_on IS NULL AND m.due_on <= $1`, []any{horizon}
	}
	err = walk(ctx, q, mq+` ORDER BY m.task_id, m.due_on, m.sort_order`, margs, out, func(rows *sql.Rows) (int64, func(*stored), error) {
		var id int64
		var m openMilestone
		err := rows.Scan(&id, &m.Name, dateCol{&m.Due})
		return id, func(x *stored) { x.Milestones = append(x.Milestones, m) }, err
	})
	return out, err
}

// walk reads rows whose first column is a task id, in id order, and
// applies each to its task in out (also in id order); rows of tasks not in
// out are skipped. Walking both lists beats a map for 50,000 tasks.
func walk(ctx context.Context, q querier, query string, args []any, out []*stored,
	scan func(rows *sql.Rows) (id int64, apply func(x *stored), err error)) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	i := 0
	for rows.Next() {
		id, apply, err := scan(rows)
		if err != nil {
			return err
		}
		for i < len(out) && out[i].ID < id {
			i++
		}
		if i < len(out) && out[i].ID == id {
			apply(out[i])
		}
	}
	return rows.Err()
}

// change is a light to write; Stamp (when set) guards against a change
// made to the task since it was read.
type change struct {
	ID       int64
	Old, New verdict
	Stamp    any // nil: no guard
}

// diff judges every task and returns those whose stored light differs.
func (st Settings) diff(xs []*stored, now time.Time, wd workdayCounter, guard bool) []change {
	var out []change
	for _, x := range xs {
		v := st.judge(&x.lightState, now, wd)
		if v != x.verdict {
			c := change{ID: x.ID, Old: x.verdict, New: v}
			if guard {
				c.Stamp = x.Stamp
			}
			out = append(out, c)
		}
	}
	return out
}

// writeLights stores changed lights (a task whose colour changed gets
// light_since and a timeline line) and returns how many rows it wrote.
// PostgreSQL takes them all in one UPDATE over unnested arrays; SQLite,
// whose parser slows down with thousands of parameters, runs one prepared
// single-row UPDATE per task (cheap: there is no network).
func writeLights(ctx context.Context, w *audit.W, cs []change) (int, error) {
	if len(cs) == 0 {
		return 0, nil
	}
	var written []change
	var err error
	if w.Dialect == db.Postgres {
		written, err = writeLightsPG(ctx, w, cs)
	} else {
		written, err = writeLightsSQLite(ctx, w, cs)
	}
	if err != nil {
		return 0, fmt.Errorf("write lights: %w", err)
	}
	a := w.Actor()
	var rows [][]any
	for _, c := range written {
		if c.Old.Light == c.New.Light || c.New.Light == LightNone {
			continue // the transition that closed or reopened it says so itself
		}
		rows = append(rows, []any{c.ID, "light", "亮灯：" + lightName(c.Old.Light) + "→" + lightName(c.New.Light), c.New.Reason,
			db.NullID(a.UserID), actorName(a), w.Now()})
	}
	_, err = w.CopyFrom(ctx, "task_events", []string{"task_id", "kind", "summary", "note", "actor_id", "actor_name", "at"}, rows)
	return len(written), err
}

// flagsChanged tells whether a change touches the indexed columns of
// tasks, not only the words.
func (c change) flagsChanged() bool {
	return c.Old.Light != c.New.Light || c.Old.Overdue != c.New.Overdue || c.Old.Missing != c.New.Missing
}

func writeLightsSQLite(ctx context.Context, w *audit.W, cs []change) ([]change, error) {
	flags, err := w.PrepareContext(ctx, `UPDATE tasks SET light = $1, overdue = $2, report_missing = $3,
		light_since = CASE WHEN $4 THEN $5 ELSE light_since END WHERE id = $6 AND ($7 IS NULL OR CAST(updated_at AS TEXT) = $7)`)
	if err != nil {
		return nil, err
	}
	defer flags.Close()
	words, err := w.PrepareContext(ctx, `INSERT INTO task_light_reasons (task_id, reason) SELECT $1, $2
		WHERE $3 IS NULL OR EXISTS (SELECT 1 FROM tasks WHERE id = $1 AND CAST(updated_at AS TEXT) = $3)
		ON CONFLICT (task_id) DO UPDATE SET reason = excluded.reason`)
	if err != nil {
		return nil, err
	}
	defer words.Close()
	var out []change
	for _, c := range cs {
		var res sql.Result
		if c.flagsChanged() {
			if res, err = flags.ExecContext(ctx, c.New.Light, c.New.Overdue, c.New.Missing, c.Old.Light != c.New.Light, w.Now(),
				c.ID, c.Stamp); err != nil {
				return nil, err
			}
		}
		if c.Old.Reason != c.New.Reason {
			if res, err = words.ExecContext(ctx, c.ID, c.New.Reason, c.Stamp); err != nil {
				return nil, err
			}
		}
		if n, _ := res.RowsAffected(); n == 1 {
			out = append(out, c)
		}
	}
	return out, nil
}

func writeLightsPG(ctx context.Context, w *audit.W, cs []change) ([]change, error) {
	byID := make(map[int64]change, len(cs))
	var fIDs, rIDs []int64
	var fLights, rReasons []string
	var fOverdue, fMissing, fColour, fGuarded, rGuarded []bool
	var fStamps, rStamps []time.Time
	stamp := func(c change) (time.Time, bool) {
		if t, ok := c.Stamp.(time.Time); ok {
			return t, true
		}
		return w.Now(), false
	}
	for _, c := range cs {
		byID[c.ID] = c
		t, guarded := stamp(c)
		if c.flagsChanged() {
			fIDs, fLights = append(fIDs, c.ID), append(fLights, c.New.Light)
			fOverdue, fMissing, fColour = append(fOverdue, c.New.Overdue), append(fMissing, c.New.Missing), append(fColour, c.Old.Light != c.New.Light)
			fGuarded, fStamps = append(fGuarded, guarded), append(fStamps, t)
		}
		if c.Old.Reason != c.New.Reason {
			rIDs, rReasons, rGuarded, rStamps = append(rIDs, c.ID), append(rReasons, c.New.Reason), append(rGuarded, guarded), append(rStamps, t)
		}
	}
	written := map[int64]bool{}
	collect := func(q string, args ...any) error {
		rows, err := w.QueryContext(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return err
			}
			written[id] = true
		}
		return rows.Err()
	}
	if len(fIDs) > 0 {
		if err := collect(`UPDATE tasks AS t SET light = v.light, overdue = v.overdue, report_missing = v.missing,
			light_since = CASE WHEN v.colour THEN $8 ELSE t.light_since END
			FROM unnest($1::bigint[], $2::text[], $3::boolean[], $4::boolean[], $5::boolean[], $6::boolean[], $7::timestamptz[])
				AS v(id, light, overdue, missing, colour, guarded, stamp)
			WHERE t.id = v.id AND (NOT v.guarded OR t.updated_at = v.stamp) RETURNING t.id`,
			fIDs, fLights, fOverdue, fMissing, fColour, fGuarded, fStamps, w.Now()); err != nil {
			return nil, err
		}
	}
	if len(rIDs) > 0 {
		if err := collect(`INSERT INTO task_light_reasons (task_id, reason)
			SELECT v.id, v.reason FROM unnest($1::bigint[], $2::text[], $3::boolean[], $4::timestamptz[]) AS v(id, reason, guarded, stamp)
			JOIN tasks t ON t.id = v.id WHERE NOT v.guarded OR t.updated_at = v.stamp
			ON CONFLICT (task_id) DO UPDATE SET reason = excluded.reason RETURNING task_id`,
			rIDs, rReasons, rGuarded, rStamps); err != nil {
			return nil, err
		}
	}
	var out []change
	for _, c := range cs {
		if written[c.ID] {
			out = append(out, c)
		}
	}
	return out, nil
}

// LightNames are the Chinese names of the lights.
var LightNames = map[string]string{LightGreen: "绿灯", LightYellow: "黄灯", LightRed: "红灯", LightNone: "无"}

func lightName(l string) string { return LightNames[l] }

// relight recomputes the lights of some tasks inside a transaction that
// changed them.
func (s *Service) relight(ctx context.Context, w *audit.W, st Settings, ids ...int64) error {
	if len(ids) == 0 {
		return nil
	}
	var args db.Args
	xs, err := loadLights(ctx, w, w.Dialect, "t.id IN ("+inList(&args, ids)+")", args, calendar.Date{})
	if err != nil {
		return err
	}
	_, err = writeLights(ctx, w, st.diff(xs, w.Now(), s.Calendar, false))
	return err
}

// horizonDays bounds how far ahead a milestone can matter to a light: the
// warning window in working days, with room for the longest holiday.
func (st Settings) horizonDays() int { return 2*st.WarnDays + 14 }

// RecomputeLights recomputes every task's light now (POST /supervision/lights).
func (s *Service) RecomputeLights(ctx context.Context, a *auth.Actor) (int, error) {
	if err := auth.Require(a, auth.ManageTasks); err != nil {
		return 0, err
	}
	return s.recomputeAll(ctx, a)
}

// recomputeAll judges all live tasks from two bulk reads, outside any
// transaction, and writes only the rows whose light or reason changed, in
// one. A task changed between the read and the write (its updated_at
// moved) keeps the light its own transaction gave it.
func (s *Service) recomputeAll(ctx context.Context, a *auth.Actor) (int, error) {
	if err := s.Calendar.Refresh(ctx); err != nil {
		return 0, err
	}
	st, err := s.current(ctx)
	if err != nil {
		return 0, err
	}
	now := s.Clock.Now()
	day := today(now)
	// Live tasks, and any stale light on a draft or closed task.
	xs, err := loadLights(ctx, s.DB.Read, s.DB.Dialect, `(t.status NOT IN ('draft', 'closed') OR t.light <> 'none')`, nil,
		day.AddDays(st.horizonDays()))
	if err != nil {
		return 0, err
	}
	cs := st.diff(xs, now, newWorkdayIndex(s.Calendar, day, 800), true)
	if len(cs) == 0 {
		return 0, nil
	}
	n := 0
	err = s.Audit.Write(ctx, a, func(w *audit.W) error {
		var err error
		if n, err = writeLights(ctx, w, cs); err != nil {
			return err
		}
		if n == 0 {
			return errNothing
		}
		counts := map[string]int{}
		for _, c := range cs {
			counts[c.New.Light]++
		}
		return w.Record(audit.Entry{Action: "task.lights", ObjectType: "task", Summary: fmt.Sprintf(
			"重新计算亮灯：%d项任务变化（红灯%d、黄灯%d、绿灯%d）", n, counts[LightRed], counts[LightYellow], counts[LightGreen]),
			After: map[string]any{"changed": n, "red": counts[LightRed], "yellow": counts[LightYellow], "green": counts[LightGreen]}})
	})
	if err == errNothing {
		return 0, nil
	}
	return n, err
}

// errNothing rolls back a write that found nothing left to do.
var errNothing = fmt.Errorf("tasks: nothing to write")
