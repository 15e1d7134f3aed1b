package tasks

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/calendar"
	"diaodu/internal/platform/db"
	"diaodu/internal/platform/errs"
	"diaodu/internal/platform/httpx"
)

// taskSelect reads a ledger row; scanTask reads it back with the task's
// lead unit path (for scope checks).
const taskSelect = `SELECT t.id, t.parent_id, t.number, t.title, t.requirements, t.kind, t.report_cycle, t.source_id,
	COALESCE(s.title, ''), COALESCE(s.kind, ''), t.lead_unit_id, u.name, t.responsible_name, t.responsible_phone,
	t.start_on, t.deadline, t.status, t.progress, t.light, COALESCE(lr.reason, ''), t.light_since, t.overdue, t.report_missing,
	t.sign_due, t.issued_at, t.signed_at, t.requested_at, t.closed_at, t.closed_on_time, t.last_report_at,
	(SELECT COUNT(*) FROM tasks c WHERE c.parent_id = t.id), t.created_at, t.updated_at, t.lead_unit_path
	FROM tasks t JOIN units u ON u.id = t.lead_unit_id LEFT JOIN task_sources s ON s.id = t.source_id
	LEFT JOIN task_light_reasons lr ON lr.task_id = t.id`

// row is a task as read, with what permission checks need.
type row struct {
	Task
	LeadPath string
}

func scanTask(sc interface{ Scan(...any) error }) (*row, error) {
	var r row
	t := &r.Task
	var parent, source sql.NullInt64
	var sourceTitle, sourceKind string
	var since, issued, signed, requested, closed, lastReport nullTime
	var onTime sql.NullBool
	if err := sc.Scan(&t.ID, &parent, &t.Number, &t.Title, &t.Requirements, &t.Kind, &t.ReportCycle, &source,
		&sourceTitle, &sourceKind, &t.LeadUnit.ID, &t.LeadUnit.Name, &t.ResponsibleName, &t.ResponsiblePhone,
		&t.StartOn, &t.Deadline, &t.Status, &t.Progress, &t.Light, &t.LightReason, &since, &t.Overdue, &t.ReportMissing,
		&t.SignDue, &issued, &signed, &requested, &closed, &onTime, &lastReport,
		&t.SubtaskCount, &t.CreatedAt, &t.UpdatedAt, &r.LeadPath); err != nil {
		return nil, err
	}
	t.ParentID = parent.Int64
	if source.Valid {
		t.Source, t.SourceKind = &Ref{ID: source.Int64, Name: sourceTitle}, sourceKind
	}
	t.LightSince, t.IssuedAt, t.SignedAt, t.RequestedAt, t.ClosedAt, t.LastReportAt =
		since.Ptr(), issued.Ptr(), signed.Ptr(), requested.Ptr(), closed.Ptr(), lastReport.Ptr()
	if onTime.Valid {
		t.ClosedOnTime = &onTime.Bool
	}
	t.Leaders, t.CoUnits, t.Tags = []Ref{}, []Ref{}, []string{}
	return &r, nil
}

// finish fills what is computed at read time and masks the phone.
func (s *Service) finish(a *auth.Actor, day calendar.Date, wd workdayCounter, t *Task) {
	t.TimeProgress = timeProgress(t.StartOn, t.Deadline, day)
	if !t.Deadline.IsZero() && t.Status != StatusClosed {
		n := wd.WorkdaysBetween(day, t.Deadline)
		t.DaysLeft = &n
	}
	if !a.Can(auth.ViewPhone) {
		t.ResponsiblePhone = maskPhone(t.ResponsiblePhone)
	}
}

// relationChunk bounds the ids of one IN query (exports read every task).
const relationChunk = 500

// attach loads leaders, co-units and tags of the tasks with one IN query
// each (per 500 tasks).
func attach(ctx context.Context, q querier, ts []*Task) error {
	for i := 0; i < len(ts); i += relationChunk {
		part := ts[i:min(i+relationChunk, len(ts))]
		byID := make(map[int64]*Task, len(part))
		ids := make([]int64, len(part))
		for j, t := range part {
			byID[t.ID], ids[j] = t, t.ID
		}
		for _, rel := range []struct {
			q   string
			add func(t *Task, id int64, name string)
		}{
			{`SELECT l.task_id, l.user_id, x.real_name FROM task_leaders l JOIN users x ON x.id = l.user_id
				WHERE l.task_id IN (%s) ORDER BY l.task_id, l.sort_order, l.user_id`,
				func(t *Task, id int64, name string) { t.Leaders = append(t.Leaders, Ref{id, name}) }},
			{`SELECT c.task_id, c.unit_id, u.name FROM task_co_units c JOIN units u ON u.id = c.unit_id
				WHERE c.task_id IN (%s) ORDER BY c.task_id, c.sort_order, c.unit_id`,
				func(t *Task, id int64, name string) { t.CoUnits = append(t.CoUnits, Ref{id, name}) }},
			{`SELECT task_id, 0, tag FROM task_tags WHERE task_id IN (%s) ORDER BY task_id, tag`,
				func(t *Task, _ int64, name string) { t.Tags = append(t.Tags, name) }},
		} {
			var args db.Args
			rows, err := q.QueryContext(ctx, fmt.Sprintf(rel.q, inList(&args, ids)), args...)
			if err != nil {
				return err
			}
			for rows.Next() {
				var tid, id int64
				var name string
				if err := rows.Scan(&tid, &id, &name); err != nil {
					rows.Close()
					return err
				}
				if t := byID[tid]; t != nil {
					rel.add(t, id, name)
				}
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
		}
	}
	return nil
}

// loadRows reads tasks by a condition (with ORDER BY/LIMIT appended by the caller).
func loadRows(ctx context.Context, q querier, tail string, args []any) ([]*row, error) {
	rows, err := q.QueryContext(ctx, taskSelect+" "+tail, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*row
	for rows.Next() {
		r, err := scanTask(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// tasksOf reads tasks with their relations, finished for the actor.
func (s *Service) tasksOf(ctx context.Context, a *auth.Actor, tail string, args []any) ([]Task, error) {
	rs, err := loadRows(ctx, s.DB.Read, tail, args)
	if err != nil {
		return nil, err
	}
	ts := make([]*Task, len(rs))
	for i, r := range rs {
		ts[i] = &r.Task
	}
	if err := attach(ctx, s.DB.Read, ts); err != nil {
		return nil, err
	}
	day := today(s.Clock.Now())
	var wd workdayCounter = s.Calendar
	if len(ts) > 100 { // an export: count working days from a prefix sum, not day by day
		wd = newWorkdayIndex(s.Calendar, day, 800)
	}
	out := make([]Task, len(ts))
	for i, t := range ts {
		s.finish(a, day, wd, t)
		out[i] = *t
	}
	return out, nil
}

// scope limits tasks (alias t) to the actor's: district-wide roles see all;
// unit roles see tasks led or co-operated on within their subtree. Drafts
// are the supervision office's own.
func (s *Service) scope(a *auth.Actor, args *db.Args) string {
	c := "TRUE"
	if !a.DistrictWide() {
		c = s.unitCond(a.UnitPath, args, true)
	}
	if !a.Can(auth.ManageTasks) {
		c += " AND t.status <> 'draft'"
	}
	return c
}

// unitCond is "led by, or co-operated on by, a unit of the subtree at
// path": one id list from two index ranges, which both databases plan
// better than an OR over the table. When it drives the query, PostgreSQL
// gets it as an array, so it fetches those rows by key instead of hashing a
// scan of every task; a second one (a unit filter within a town's scope)
// stays a hashed subquery, since ANY over an array probes it row by row.
func (s *Service) unitCond(path string, args *db.Args, drives bool) string {
	lo, hi := args.Add(path), args.Add(path[:len(path)-1]+"0")
	ids := "SELECT x.id FROM tasks x WHERE x.lead_unit_path >= " + lo + " AND x.lead_unit_path < " + hi +
		" UNION SELECT c.task_id FROM task_co_units c WHERE c.unit_path >= " + lo + " AND c.unit_path < " + hi
	if drives && s.DB.Dialect == db.Postgres {
		return "t.id = ANY(ARRAY(" + ids + "))"
	}
	return "t.id IN (" + ids + ")"
}

// leadCond is "led by a unit of the subtree at path".
func leadCond(path string, args *db.Args) string {
	return "t.lead_unit_path >= " + args.Add(path) + " AND t.lead_unit_path < " + args.Add(path[:len(path)-1]+"0")
}

// access is what the actor may do with one task.
type access struct {
	row
	CoPaths        []string
	ParentLeadPath string
}

// visible: district-wide, or the lead unit or a co-unit in the actor's subtree.
func (x *access) visible(a *auth.Actor) bool {
	if x.Status == StatusDraft && !a.Can(auth.ManageTasks) {
		return false
	}
	if a.DistrictWide() || strings.HasPrefix(x.LeadPath, a.UnitPath) {
		return true
	}
	for _, p := range x.CoPaths {
		if strings.HasPrefix(p, a.UnitPath) {
			return true
		}
	}
	return false
}

// leadSide: the actor belongs to the lead unit or a unit above it (a town
// acts for its villages).
func (x *access) leadSide(a *auth.Actor) bool {
	return a.UnitPath != "" && strings.HasPrefix(x.LeadPath, a.UnitPath)
}

// manages: the supervision office, or for a subtask the unit that split it.
func (x *access) manages(a *auth.Actor) bool {
	if a.Can(auth.ManageTasks) {
		return true
	}
	return x.ParentLeadPath != "" && a.Can(auth.HandleTasks) && strings.HasPrefix(x.ParentLeadPath, a.UnitPath)
}

// load reads one task for the actor: not found when missing or out of scope.
func (s *Service) load(ctx context.Context, q querier, a *auth.Actor, id int64, lock bool) (*access, error) {
	if err := auth.Require(a, auth.ViewTasks); err != nil {
		return nil, err
	}
	tail := "WHERE t.id = $1"
	if lock && s.DB.Dialect == db.Postgres {
		tail += " FOR UPDATE OF t"
	}
	rs, err := loadRows(ctx, q, tail, []any{id})
	if err != nil {
		return nil, err
	}
	if len(rs) == 0 {
		return nil, notFound
	}
	x := &access{row: *rs[0]}
	rows, err := q.QueryContext(ctx, `SELECT unit_path FROM task_co_units WHERE task_id = $1`, id)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			rows.Close()
			return nil, err
		}
		x.CoPaths = append(x.CoPaths, p)
	}
	rows.Close()
	if x.ParentID != 0 {
		if err := q.QueryRowContext(ctx, `SELECT lead_unit_path FROM tasks WHERE id = $1`, x.ParentID).Scan(&x.ParentLeadPath); err != nil {
			return nil, err
		}
	}
	if !x.visible(a) {
		return nil, notFound
	}
	return x, nil
}

// Get returns one task.
func (s *Service) Get(ctx context.Context, a *auth.Actor, id int64) (*Task, error) {
	x, err := s.load(ctx, s.DB.Read, a, id, false)
	if err != nil {
		return nil, err
	}
	t := &x.Task
	if err := attach(ctx, s.DB.Read, []*Task{t}); err != nil {
		return nil, err
	}
	s.finish(a, today(s.Clock.Now()), s.Calendar, t)
	return t, nil
}

// Filter selects tasks for the ledger.
type Filter struct {
	Status       []string
	Light        []string
	SourceID     int64
	LeaderID     int64
	UnitID       int64 // led by a unit of its subtree, or co-operated on
	Tag          string
	Kind         string
	DeadlineFrom calendar.Date
	DeadlineTo   calendar.Date
	Q            string
	ParentID     int64 // subtasks of one task
	All          bool  // include subtasks (default: top-level only)
	Mine         bool
	Overdue      *bool
	Missing      *bool
}

var taskSorts = map[string]string{
	"number":     "t.year, t.seq, t.sub_seq, t.id",
	"deadline":   "t.due_key, t.id",
	"light":      "CASE t.light WHEN 'red' THEN 0 WHEN 'yellow' THEN 1 WHEN 'green' THEN 2 ELSE 3 END, t.due_key, t.id",
	"progress":   "t.progress, t.id",
	"created_at": "t.created_at, t.id",
	"updated_at": "t.updated_at, t.id",
	"title":      "t.title, t.id",
}

var statuses = []string{StatusDraft, StatusIssued, StatusSigned, StatusInProgress, StatusRequested, StatusReturned, StatusClosed}

// where builds the ledger's condition for f and the actor. walk (SQLite)
// writes the filtered columns as expressions (unary plus), so no index
// serves them and the planner walks the sort's index instead, testing each
// task: the right plan when the filter matches thousands of tasks.
func (s *Service) where(ctx context.Context, a *auth.Actor, f Filter, walk bool) (string, db.Args, error) {
	var args db.Args
	c := func(col string) string {
		if walk {
			return "+" + col
		}
		return col
	}
	conds := []string{c(s.scope(a, &args))}
	// has is "the task has a row in table with col = p": the few tasks
	// that do, found first by the table's index; or, walking, a lookup of
	// each task in the table's primary key (task_id, col).
	has := func(table, col, p string) string {
		if walk {
			return "EXISTS (SELECT 1 FROM " + table + " x WHERE x.task_id = t.id AND x." + col + " = " + p + ")"
		}
		return "t.id IN (SELECT task_id FROM " + table + " WHERE " + col + " = " + p + ")"
	}
	bad := errs.Fields{}
	list := func(col, field string, vals, allowed []string) {
		if len(vals) == 0 {
			return
		}
		ps := make([]string, len(vals))
		for i, v := range vals {
			if !contains(allowed, v) {
				bad.Add(field, "未知的取值“"+v+"”", "unknown value "+v)
			}
			ps[i] = args.Add(v)
		}
		conds = append(conds, c(col)+" IN ("+strings.Join(ps, ", ")+")")
	}
	list("t.status", "status", f.Status, statuses)
	list("t.light", "light", f.Light, []string{LightGreen, LightYellow, LightRed, LightNone})
	if f.Kind != "" {
		list("t.kind", "kind", []string{f.Kind}, []string{KindOnce, KindPeriodic, KindLongTerm})
	}
	if err := bad.Err(); err != nil {
		return "", nil, err
	}
	if f.SourceID != 0 {
		conds = append(conds, c("t.source_id")+" = "+args.Add(f.SourceID))
	}
	if f.LeaderID != 0 {
		conds = append(conds, has("task_leaders", "user_id", args.Add(f.LeaderID)))
	}
	if f.UnitID != 0 {
		var path string
		err := s.DB.Read.QueryRowContext(ctx, `SELECT path FROM units WHERE id = $1`, f.UnitID).Scan(&path)
		if isNoRows(err) {
			return "FALSE", args, nil
		} else if err != nil {
			return "", nil, err
		}
		conds = append(conds, c(s.unitCond(path, &args, a.DistrictWide())))
	}
	if f.Tag != "" {
		conds = append(conds, has("task_tags", "tag", args.Add(f.Tag)))
	}
	if !f.DeadlineFrom.IsZero() {
		conds = append(conds, c("t.due_key")+" >= "+args.Add(f.DeadlineFrom))
	}
	if !f.DeadlineTo.IsZero() {
		conds = append(conds, c("t.due_key")+" <= "+args.Add(f.DeadlineTo))
	}
	if f.Q != "" {
		p := args.Add(db.Like(f.Q))
		if s.DB.Dialect == db.SQLite {
			// SQLite's LIKE already ignores ASCII case; LOWER would copy every title.
			conds = append(conds, "(t.title LIKE "+p+` ESCAPE '\' OR t.number LIKE `+p+` ESCAPE '\')`)
		} else {
			// PostgreSQL keeps title and number lowered in one generated
			// column with a narrow index (migration 0019).
			conds = append(conds, "t.search LIKE "+p+` ESCAPE '\'`)
		}
	}
	switch {
	case f.ParentID != 0:
		conds = append(conds, "t.parent_id = "+args.Add(f.ParentID))
	case !f.All:
		conds = append(conds, "t.parent_id IS NULL")
	}
	if f.Overdue != nil {
		conds = append(conds, c("t.overdue")+" = "+args.Add(*f.Overdue))
	}
	if f.Missing != nil {
		conds = append(conds, c("t.report_missing")+" = "+args.Add(*f.Missing))
	}
	if f.Mine {
		conds = append(conds, mine(a, &args))
	}
	return strings.Join(conds, " AND "), args, nil
}

// mine is "my tasks": led by me (leaders), led by my unit's subtree (unit
// roles), or created by me (the supervision office).
func mine(a *auth.Actor, args *db.Args) string {
	me := args.Add(a.UserID)
	c := "(t.created_by = " + me + " OR t.id IN (SELECT task_id FROM task_leaders WHERE user_id = " + me + ")"
	if !a.DistrictWide() && a.UnitPath != "" {
		c += " OR (" + leadCond(a.UnitPath, args) + ")"
	}
	return c + ")"
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// List returns a page of the ledger (p.Size 0: every task, for export).
func (s *Service) List(ctx context.Context, a *auth.Actor, f Filter, p httpx.Page) ([]Task, int, error) {
	if err := auth.Require(a, auth.ViewTasks); err != nil {
		return nil, 0, err
	}
	order, err := db.OrderBy(p.Sort, "number", taskSorts, "")
	if err != nil {
		return nil, 0, err
	}
	where, args, err := s.where(ctx, a, f, false)
	if err != nil {
		return nil, 0, err
	}
	if f.Q != "" && p.Size > 0 {
		// A search matches a handful of tasks: one pass over the search
		// index finds them all and sorts them, and their number is the
		// total (a count first would read every title twice). Unary plus
		// stops SQLite from walking the sort's index and testing every
		// task against the pattern.
		searchOrder := order
		if s.DB.Dialect == db.SQLite {
			searchOrder = unindexed(order)
		}
		ids, err := pageIDs(ctx, s.DB.Read, `SELECT t.id FROM tasks t WHERE `+where+` ORDER BY `+searchOrder+
			fmt.Sprintf(" LIMIT %d", searchAll+1), args)
		if err != nil {
			return nil, 0, err
		}
		if total := len(ids); total <= searchAll {
			items, err := s.rowsOf(ctx, a, ids[min(p.Offset(), total):min(p.Offset()+p.Limit(), total)], order)
			return items, total, err
		}
	}
	var total int
	if err := s.DB.Read.QueryRowContext(ctx, `SELECT COUNT(*) FROM tasks t WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	if p.Size == 0 { // export: every row
		items, err := s.tasksOf(ctx, a, "WHERE "+where+" ORDER BY "+order, args)
		return items, total, err
	}
	if total <= p.Offset() {
		return []Task{}, total, nil
	}
	switch {
	case f.Q != "" && s.DB.Dialect == db.SQLite:
		// A search matches a handful of tasks: find them first (the search
		// index), then sort them. Unary plus stops SQLite from walking the
		// sort's index instead and testing every task against the pattern.
		order = unindexed(order)
	case s.DB.Dialect == db.SQLite && total > walkAbove && walkable(p.Sort):
		// The count says the filter matches thousands: a page is found
		// sooner walking the sort's index than sorting them all.
		if where, args, err = s.where(ctx, a, f, true); err != nil {
			return nil, 0, err
		}
	}
	items, err := s.page(ctx, a, where, args, order, p.Limit(), p.Offset())
	return items, total, err
}

// walkAbove is the match count from which SQLite walks the sort's index
// for a page instead of sorting the matches (the light and status indexes
// hold the filter, not the number order). A variable for the tests.
var walkAbove = 2000

// walkable sorts have an index of the top-level tasks in their order.
func walkable(sort string) bool {
	switch strings.TrimPrefix(sort, "-") {
	case "", "number", "deadline":
		return true
	}
	return false
}

// unindexed prefixes the plain columns of an ORDER BY with unary plus.
func unindexed(order string) string {
	parts := strings.Split(order, ", ")
	for i, p := range parts {
		if strings.HasPrefix(p, "t.") {
			parts[i] = "+" + p
		}
	}
	return strings.Join(parts, ", ")
}

// page pages the bare ids on the indexes first, then reads that page's
// rows with their joins: joining every candidate before the sort costs ten
// times more at 50,000 tasks.
func (s *Service) page(ctx context.Context, a *auth.Actor, where string, args []any, order string, limit, offset int) ([]Task, error) {
	ids, err := pageIDs(ctx, s.DB.Read, `SELECT t.id FROM tasks t WHERE `+where+` ORDER BY `+order+
		fmt.Sprintf(" LIMIT %d OFFSET %d", limit, offset), args)
	if err != nil {
		return nil, err
	}
	return s.rowsOf(ctx, a, ids, order)
}

// searchAll is how many matches of a search the ledger reads in one pass.
const searchAll = 500

// rowsOf reads the tasks of a page of ids with their joins, in order.
func (s *Service) rowsOf(ctx context.Context, a *auth.Actor, ids []int64, order string) ([]Task, error) {
	if len(ids) == 0 {
		return []Task{}, nil
	}
	var idArgs db.Args
	return s.tasksOf(ctx, a, "WHERE t.id IN ("+inList(&idArgs, ids)+") ORDER BY "+order, idArgs)
}

// pageIDs reads one column of ids.
func pageIDs(ctx context.Context, q querier, query string, args []any) ([]int64, error) {
	return db.IDs(ctx, q, query, args...)
}
