package tours

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/clock"
	"diaodu/internal/platform/db"
	"diaodu/internal/platform/errs"
	"diaodu/internal/platform/httpx"
)

// Service is the tours' rules and permissions.
type Service struct {
	DB    *db.DB
	Audit *audit.Log
	Clock clock.Clock
}

// New wires the service.
func New(d *db.DB, l *audit.Log) *Service { return &Service{DB: d, Audit: l, Clock: l.Clock} }

// querier reads inside or outside a transaction.
type querier interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

var (
	notFound     = errs.NotFoundf("观摩活动", "tour")
	notOnRoute   = errs.New(errs.NotFound, "该项目不在本次观摩路线中", "the project is not on this tour's route")
	notJudge     = errs.New(errs.Forbidden, "您不是本次观摩的评委，不能评分", "you are not a judge on this tour")
	notStarted   = errs.Conflictf("观摩尚未开始评分", "scoring has not started on this tour")
	closedForAll = errs.Conflictf("观摩已结束，评分不能再修改", "the tour is closed; scores can no longer change")
)

const tourCols = `t.id, t.name, t.tour_on, t.route, t.status, t.drop_min_judges, t.note, t.opened_at, t.closed_at,
	t.created_at, t.updated_at,
	(SELECT COUNT(*) FROM tour_stops s WHERE s.tour_id = t.id),
	(SELECT COUNT(*) FROM tour_judges j WHERE j.tour_id = t.id)`

func scanTour(sc interface{ Scan(...any) error }, extra ...any) (*Tour, error) {
	var t Tour
	var opened, closed sql.NullTime
	if err := sc.Scan(append([]any{&t.ID, &t.Name, &t.Date, &t.Route, &t.Status, &t.DropMin, &t.Note, &opened, &closed,
		&t.CreatedAt, &t.UpdatedAt, &t.Projects, &t.Judges}, extra...)...); err != nil {
		return nil, err
	}
	if opened.Valid {
		t.OpenedAt = &opened.Time
	}
	if closed.Valid {
		t.ClosedAt = &closed.Time
	}
	t.StatusName = StatusNames[t.Status]
	return &t, nil
}

// load reads a tour with whether the actor judges it; no permission check.
func (s *Service) load(ctx context.Context, q querier, ac *auth.Actor, id int64) (*Tour, error) {
	var me int64
	if ac != nil {
		me = ac.UserID
	}
	var on int
	t, err := scanTour(q.QueryRowContext(ctx, `SELECT `+tourCols+`,
		(SELECT COUNT(*) FROM tour_judges j WHERE j.tour_id = t.id AND j.user_id = $2) FROM tours t WHERE t.id = $1`, id, me), &on)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound
	}
	if err != nil {
		return nil, err
	}
	t.OnTour = on > 0 && me != 0
	t.CanManage = ac.Can(auth.ManageTours)
	return t, nil
}

// canSee: managers see every tour; judges the tours they are on once
// opened; readers of results the closed (published) tours.
func canSee(ac *auth.Actor, t *Tour) bool {
	switch {
	case ac.Can(auth.ManageTours):
		return true
	case t.OnTour && ac.Can(auth.ScoreTours) && t.Status != StatusDraft:
		return true
	default:
		return t.Status == StatusClosed && ac.Can(auth.ViewTourResults)
	}
}

// visible loads a tour the actor may see.
func (s *Service) visible(ctx context.Context, ac *auth.Actor, id int64) (*Tour, error) {
	if ac == nil {
		return nil, auth.Require(ac, auth.ManageTours)
	}
	t, err := s.load(ctx, s.DB.R, ac, id)
	if err != nil {
		return nil, err
	}
	if !canSee(ac, t) {
		if !ac.Can(auth.ManageTours) && !ac.Can(auth.ScoreTours) && !ac.Can(auth.ViewTourResults) {
			return nil, errs.ErrForbidden
		}
		return nil, notFound
	}
	return t, nil
}

// Filter narrows the list.
type Filter struct {
	Status Status
	Q      string
	Year   int
}

// List returns the tours the actor may see, newest first.
func (s *Service) List(ctx context.Context, ac *auth.Actor, f Filter, p httpx.Page) ([]Tour, int, error) {
	if ac == nil || !(ac.Can(auth.ManageTours) || ac.Can(auth.ScoreTours) || ac.Can(auth.ViewTourResults)) {
		return nil, 0, errs.ErrForbidden
	}
	var args db.Args
	where := []string{"TRUE"}
	if !ac.Can(auth.ManageTours) {
		var ors []string
		if ac.Can(auth.ViewTourResults) {
			ors = append(ors, "t.status = 'closed'")
		}
		if ac.Can(auth.ScoreTours) {
			ors = append(ors, "(t.status <> 'draft' AND EXISTS (SELECT 1 FROM tour_judges j WHERE j.tour_id = t.id AND j.user_id = "+args.Add(ac.UserID)+"))")
		}
		where = append(where, "("+strings.Join(ors, " OR ")+")")
	}
	if f.Status != "" {
		if _, ok := StatusNames[f.Status]; !ok {
			fe := errs.Fields{}
			fe.Add("status", "状态应为 draft、open 或 closed", "status must be draft, open or closed")
			return nil, 0, fe.Err()
		}
		where = append(where, "t.status = "+args.Add(string(f.Status)))
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		where = append(where, "LOWER(t.name) LIKE "+args.Add(db.Like(q))+" ESCAPE '\\'")
	}
	if f.Year != 0 {
		where = append(where, "t.tour_on >= "+args.Add(fmt.Sprintf("%04d-01-01", f.Year))+" AND t.tour_on <= "+args.Add(fmt.Sprintf("%04d-12-31", f.Year)))
	}
	cond := strings.Join(where, " AND ")
	var total int
	if err := s.DB.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM tours t WHERE `+cond, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	q := `SELECT ` + tourCols + ` FROM tours t WHERE ` + cond + ` ORDER BY t.tour_on DESC, t.id DESC`
	if p.Size > 0 {
		q += ` LIMIT ` + strconv.Itoa(p.Limit()) + ` OFFSET ` + strconv.Itoa(p.Offset())
	}
	out, err := db.Collect(ctx, s.DB.R, q, args, func(rows db.Scanner) (Tour, error) {
		t, err := scanTour(rows)
		if err != nil {
			return Tour{}, err
		}
		t.CanManage = ac.Can(auth.ManageTours)
		return *t, nil
	})
	if err != nil {
		return nil, 0, err
	}
	return out, total, s.markProgress(ctx, ac, out)
}

// markProgress fills on_tour and the submitted counts of listed tours.
func (s *Service) markProgress(ctx context.Context, ac *auth.Actor, ts []Tour) error {
	if len(ts) == 0 {
		return nil
	}
	var args db.Args
	ids := make([]string, len(ts))
	at := map[int64]int{}
	for i, t := range ts {
		ids[i], at[t.ID] = args.Add(t.ID), i
	}
	me := args.Add(ac.UserID)
	rows, err := s.DB.R.QueryContext(ctx, `SELECT t.id,
		(SELECT COUNT(*) FROM tour_scores c WHERE c.tour_id = t.id AND c.status = 'submitted'),
		(SELECT COUNT(*) FROM tour_scores c WHERE c.tour_id = t.id AND c.status = 'submitted' AND c.judge_id = `+me+`),
		(SELECT COUNT(*) FROM tour_judges j WHERE j.tour_id = t.id AND j.user_id = `+me+`)
		FROM tours t WHERE t.id IN (`+strings.Join(ids, ", ")+`)`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var all, mine, on int
		if err := rows.Scan(&id, &all, &mine, &on); err != nil {
			return err
		}
		t := &ts[at[id]]
		t.OnTour = on > 0
		if t.CanManage {
			t.Submitted, t.SheetsTotal = all, t.Projects*t.Judges
		} else if t.OnTour {
			t.Submitted, t.SheetsTotal = mine, t.Projects
		}
	}
	return rows.Err()
}

// Get returns a tour with its sheet, route and (for managers) judges,
// progress and history.
func (s *Service) Get(ctx context.Context, ac *auth.Actor, id int64) (*Detail, error) {
	t, err := s.visible(ctx, ac, id)
	if err != nil {
		return nil, err
	}
	d := &Detail{Tour: *t, Tags: FindingTags, Judges: []Judge{}, Events: []Event{}}
	if d.Criteria, err = criteriaOf(ctx, s.DB.R, id); err != nil {
		return nil, err
	}
	if d.Stops, err = stopsOf(ctx, s.DB.R, id); err != nil {
		return nil, err
	}
	ts := []Tour{d.Tour}
	if err := s.markProgress(ctx, ac, ts); err != nil {
		return nil, err
	}
	d.Tour = ts[0]
	if t.OnTour {
		if err := s.markMine(ctx, ac, id, d.Stops); err != nil {
			return nil, err
		}
	}
	if !ac.Can(auth.ManageTours) {
		return d, nil
	}
	if d.Judges, err = judgesOf(ctx, s.DB.R, id); err != nil {
		return nil, err
	}
	perProject := map[int64]int{}
	rows, err := s.DB.R.QueryContext(ctx, `SELECT project_id, COUNT(*) FROM tour_scores WHERE tour_id = $1 AND status = 'submitted' GROUP BY project_id`, id)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var pid int64
		var n int
		if err := rows.Scan(&pid, &n); err != nil {
			rows.Close()
			return nil, err
		}
		perProject[pid] = n
	}
	rows.Close()
	for i := range d.Stops {
		d.Stops[i].Submitted = perProject[d.Stops[i].Project.ID]
	}
	erows, err := s.DB.R.QueryContext(ctx, `SELECT kind, note, actor_name, at FROM tour_events WHERE tour_id = $1 ORDER BY at, id`, id)
	if err != nil {
		return nil, err
	}
	defer erows.Close()
	for erows.Next() {
		var e Event
		if err := erows.Scan(&e.Kind, &e.Note, &e.ActorName, &e.At); err != nil {
			return nil, err
		}
		d.Events = append(d.Events, e)
	}
	return d, erows.Err()
}

func criteriaOf(ctx context.Context, q querier, id int64) ([]Criterion, error) {
	return db.Collect(ctx, q, `SELECT seq, name, max_points FROM tour_criteria WHERE tour_id = $1 ORDER BY seq`, []any{id},
		func(rows db.Scanner) (c Criterion, err error) { return c, rows.Scan(&c.Seq, &c.Name, &c.Max) })
}

// projectCols reads a key project with its town and responsible unit.
const projectCols = `p.id, p.name, p.code, p.town_id, tw.name, p.unit_id, un.name, p.total_investment, p.phase`
const projectJoin = `JOIN projects p ON p.id = s.project_id JOIN units tw ON tw.id = p.town_id JOIN units un ON un.id = p.unit_id`

func scanProject(p *Project) []any {
	return []any{&p.ID, &p.Name, &p.Code, &p.Town.ID, &p.Town.Name, &p.Unit.ID, &p.Unit.Name, &p.TotalInvestment, &p.Phase}
}

func stopsOf(ctx context.Context, q querier, id int64) ([]Stop, error) {
	return db.Collect(ctx, q, `SELECT s.seq, s.finding_tags, s.findings, `+projectCols+` FROM tour_stops s `+projectJoin+`
		WHERE s.tour_id = $1 ORDER BY s.seq`, []any{id}, func(rows db.Scanner) (st Stop, err error) {
		var tags string
		err = rows.Scan(append([]any{&st.Seq, &tags, &st.Findings}, scanProject(&st.Project)...)...)
		st.FindingTags = splitTags(tags)
		return st, err
	})
}

func splitTags(s string) []string {
	if s == "" {
		return []string{}
	}
	return strings.Split(s, ",")
}

func judgesOf(ctx context.Context, q querier, id int64) ([]Judge, error) {
	return db.Collect(ctx, q, `SELECT u.id, u.real_name, u.username, n.name,
		(SELECT COUNT(*) FROM tour_scores c WHERE c.tour_id = j.tour_id AND c.judge_id = u.id AND c.status = 'submitted')
		FROM tour_judges j JOIN users u ON u.id = j.user_id JOIN units n ON n.id = u.unit_id
		WHERE j.tour_id = $1 ORDER BY j.seq, u.id`, []any{id}, func(rows db.Scanner) (j Judge, err error) {
		return j, rows.Scan(&j.ID, &j.Name, &j.Username, &j.Unit, &j.Submitted)
	})
}

// markMine fills the asking judge's own sheet status and total per stop.
func (s *Service) markMine(ctx context.Context, ac *auth.Actor, id int64, stops []Stop) error {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT project_id, status, total FROM tour_scores WHERE tour_id = $1 AND judge_id = $2`, id, ac.UserID)
	if err != nil {
		return err
	}
	defer rows.Close()
	at := map[int64]int{}
	for i, st := range stops {
		at[st.Project.ID] = i
	}
	for rows.Next() {
		var pid int64
		var status string
		var total int64
		if err := rows.Scan(&pid, &status, &total); err != nil {
			return err
		}
		if i, ok := at[pid]; ok {
			v := tenths(total)
			stops[i].MySheet, stops[i].MyTotal = status, &v
		}
	}
	return rows.Err()
}

// validate checks a tour's input against the tour as it stands (nil: a new
// tour), reading the projects and judges it names.
func (s *Service) validate(ctx context.Context, q querier, in *Input, cur *Tour) error {
	f := errs.Fields{}
	if in.Name != nil || cur == nil {
		name := ""
		if in.Name != nil {
			name = strings.TrimSpace(*in.Name)
			in.Name = &name
		}
		if n := utf8.RuneCountInString(name); n == 0 || n > 80 {
			f.Add("name", "观摩活动名称不能为空，且不超过80个字", "name is required, at most 80 characters")
		}
	}
	if cur == nil && (in.Date == nil || in.Date.IsZero()) {
		f.Add("date", "请填写观摩日期", "date is required")
	} else if in.Date != nil && in.Date.IsZero() {
		f.Add("date", "观摩日期不能为空", "date may not be empty")
	}
	if in.Route != nil && utf8.RuneCountInString(*in.Route) > 2000 {
		f.Add("route", "观摩路线不能超过2000个字", "route may not exceed 2000 characters")
	}
	if in.Note != nil && utf8.RuneCountInString(*in.Note) > 2000 {
		f.Add("note", "备注不能超过2000个字", "note may not exceed 2000 characters")
	}
	if in.DropMin != nil && (*in.DropMin < 3 || *in.DropMin > 50) {
		f.Add("drop_min_judges", "去掉最高分和最低分的评委人数门槛应为3到50", "drop_min_judges must be 3 to 50")
	}
	if in.Criteria != nil {
		cs := *in.Criteria
		if len(cs) == 0 || len(cs) > 12 {
			f.Add("criteria", "评分表应有1到12项评分内容", "the sheet needs 1 to 12 criteria")
		}
		seen := map[string]bool{}
		for i := range cs {
			cs[i].Seq, cs[i].Name = i+1, strings.TrimSpace(cs[i].Name)
			field := fmt.Sprintf("criteria.%d", i+1)
			switch {
			case cs[i].Name == "" || utf8.RuneCountInString(cs[i].Name) > 20:
				f.Add(field, fmt.Sprintf("第%d项评分内容的名称不能为空，且不超过20个字", i+1), fmt.Sprintf("criterion %d needs a name of at most 20 characters", i+1))
			case seen[cs[i].Name]:
				f.Add(field, "评分内容“"+cs[i].Name+"”重复", "criterion "+cs[i].Name+" is listed twice")
			case cs[i].Max < 1 || cs[i].Max > 1000:
				f.Add(field, "“"+cs[i].Name+"”的满分应为1到1000分", "the maximum of "+cs[i].Name+" must be 1 to 1000")
			}
			seen[cs[i].Name] = true
		}
	}
	if in.ProjectIDs != nil {
		if err := checkIDs(ctx, q, f, "project_ids", "项目", *in.ProjectIDs, 200,
			`SELECT id, '' FROM projects WHERE id IN (%s)`, nil); err != nil {
			return err
		}
	}
	if in.JudgeIDs != nil {
		if err := checkIDs(ctx, q, f, "judge_ids", "评委", *in.JudgeIDs, 100,
			`SELECT id, roles FROM users WHERE active = TRUE AND id IN (%s)`, func(roles string) bool {
				return slices.Contains(strings.Split(roles, ","), string(auth.Judge))
			}); err != nil {
			return err
		}
	}
	if cur != nil && cur.Status != StatusDraft {
		locked := in.Criteria != nil || in.ProjectIDs != nil || in.JudgeIDs != nil || in.DropMin != nil
		if cur.Status == StatusClosed || locked {
			return errs.Conflictf("观摩已开始评分，评分表、观摩项目、评委和去分门槛不能再修改",
				"scoring has started: the sheet, projects, judges and threshold are fixed")
		}
	}
	return f.Err()
}

// checkIDs checks a list of ids: no repeats, at most max, each found by
// query (and accepted by ok on its second column).
func checkIDs(ctx context.Context, q querier, f errs.Fields, field, what string, ids []int64, max int, query string, ok func(string) bool) error {
	if len(ids) > max {
		f.Add(field, fmt.Sprintf("%s不能超过%d个", what, max), fmt.Sprintf("at most %d %s", max, field))
		return nil
	}
	seen := map[int64]bool{}
	var args db.Args
	ps := []string{}
	for _, id := range ids {
		if seen[id] {
			f.Add(field, what+"重复："+strconv.FormatInt(id, 10), field+" lists "+strconv.FormatInt(id, 10)+" twice")
			return nil
		}
		seen[id] = true
		ps = append(ps, args.Add(id))
	}
	if len(ids) == 0 {
		return nil
	}
	rows, err := q.QueryContext(ctx, fmt.Sprintf(query, strings.Join(ps, ", ")), args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	found := map[int64]bool{}
	for rows.Next() {
		var id int64
		var extra string
		if err := rows.Scan(&id, &extra); err != nil {
			return err
		}
		if ok == nil || ok(extra) {
			found[id] = true
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for _, id := range ids {
		if !found[id] {
			n := strconv.FormatInt(id, 10)
			if ok != nil {
				f.Add(field, "用户"+n+"不存在、已停用或不是观摩评委", "user "+n+" does not exist, is inactive or is not a judge")
			} else {
				f.Add(field, what+n+"不存在", field+": "+n+" does not exist")
			}
			break
		}
	}
	return nil
}

func (s *Service) event(w *audit.W, id int64, kind, note string) error {
	a := w.Actor()
	name := a.RealName
	if name == "" {
		name = a.Username
	}
	_, err := w.ExecContext(context.Background(), `INSERT INTO tour_events (tour_id, kind, note, actor_id, actor_name, at) VALUES ($1, $2, $3, $4, $5, $6)`,
		id, kind, note, db.NullID(a.UserID), name, w.Now())
	return err
}

// Create makes a draft tour; without criteria it gets the default sheet.
func (s *Service) Create(ctx context.Context, ac *auth.Actor, in Input) (*Detail, error) {
	if err := auth.Require(ac, auth.ManageTours); err != nil {
		return nil, err
	}
	if in.Criteria == nil {
		cs := slices.Clone(DefaultCriteria)
		in.Criteria = &cs
	}
	if in.DropMin == nil {
		n := DefaultDropMin
		in.DropMin = &n
	}
	if err := s.validate(ctx, s.DB.R, &in, nil); err != nil {
		return nil, err
	}
	var id int64
	err := s.Audit.Write(ctx, ac, func(w *audit.W) error {
		if err := w.QueryRowContext(ctx, `INSERT INTO tours (name, tour_on, route, status, drop_min_judges, note, created_by, created_at, updated_at)
			VALUES ($1, $2, $3, 'draft', $4, $5, $6, $7, $7) RETURNING id`, *in.Name, *in.Date, deref(in.Route), *in.DropMin, deref(in.Note),
			db.NullID(ac.UserID), w.Now()).Scan(&id); err != nil {
			return err
		}
		if err := writeLists(ctx, w, id, in); err != nil {
			return err
		}
		if err := s.event(w, id, "create", ""); err != nil {
			return err
		}
		return w.Record(audit.Entry{Action: "tour.create", ObjectType: "tour", ObjectID: strconv.FormatInt(id, 10),
			Summary: "新建观摩活动“" + *in.Name + "”", After: in})
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, ac, id)
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return strings.TrimSpace(*p)
}

// writeLists replaces the criteria, stops and judges given in in.
func writeLists(ctx context.Context, w *audit.W, id int64, in Input) error {
	if in.Criteria != nil {
		if _, err := w.ExecContext(ctx, `DELETE FROM tour_criteria WHERE tour_id = $1`, id); err != nil {
			return err
		}
		for _, c := range *in.Criteria {
			if _, err := w.ExecContext(ctx, `INSERT INTO tour_criteria (tour_id, seq, name, max_points) VALUES ($1, $2, $3, $4)`, id, c.Seq, c.Name, c.Max); err != nil {
				return err
			}
		}
	}
	if in.ProjectIDs != nil {
		// Findings recorded on a project that stays keep their words.
		if _, err := w.ExecContext(ctx, `DELETE FROM tour_stops WHERE tour_id = $1`, id); err != nil {
			return err
		}
		for i, pid := range *in.ProjectIDs {
			if _, err := w.ExecContext(ctx, `INSERT INTO tour_stops (tour_id, project_id, seq) VALUES ($1, $2, $3)`, id, pid, i+1); err != nil {
				return err
			}
		}
	}
	if in.JudgeIDs != nil {
		if _, err := w.ExecContext(ctx, `DELETE FROM tour_judges WHERE tour_id = $1`, id); err != nil {
			return err
		}
		for i, uid := range *in.JudgeIDs {
			if _, err := w.ExecContext(ctx, `INSERT INTO tour_judges (tour_id, user_id, seq) VALUES ($1, $2, $3)`, id, uid, i+1); err != nil {
				return err
			}
		}
	}
	return nil
}

// Update edits a tour: everything in draft; name, date, route and note
// while scoring; nothing once closed (findings have their own call).
func (s *Service) Update(ctx context.Context, ac *auth.Actor, id int64, in Input) (*Detail, error) {
	if err := auth.Require(ac, auth.ManageTours); err != nil {
		return nil, err
	}
	err := s.Audit.Write(ctx, ac, func(w *audit.W) error {
		cur, err := s.lockTour(ctx, w, ac, id)
		if err != nil {
			return err
		}
		if err := s.validate(ctx, w, &in, cur); err != nil {
			return err
		}
		var args db.Args
		sets := []string{"updated_at = " + args.Add(w.Now())}
		if in.Name != nil {
			sets = append(sets, "name = "+args.Add(*in.Name))
		}
		if in.Date != nil {
			sets = append(sets, "tour_on = "+args.Add(*in.Date))
		}
		if in.Route != nil {
			sets = append(sets, "route = "+args.Add(deref(in.Route)))
		}
		if in.Note != nil {
			sets = append(sets, "note = "+args.Add(deref(in.Note)))
		}
		if in.DropMin != nil {
			sets = append(sets, "drop_min_judges = "+args.Add(*in.DropMin))
		}
		if _, err := w.ExecContext(ctx, `UPDATE tours SET `+strings.Join(sets, ", ")+` WHERE id = `+args.Add(id), args...); err != nil {
			return err
		}
		if err := writeLists(ctx, w, id, in); err != nil {
			return err
		}
		return w.Record(audit.Entry{Action: "tour.update", ObjectType: "tour", ObjectID: strconv.FormatInt(id, 10),
			Summary: "修改观摩活动“" + cur.Name + "”", Before: cur, After: in})
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, ac, id)
}

// lockTour reads a tour inside a write transaction (locking its row on PostgreSQL).
func (s *Service) lockTour(ctx context.Context, w *audit.W, ac *auth.Actor, id int64) (*Tour, error) {
	t, err := scanTour(w.QueryRowContext(ctx, `SELECT `+tourCols+` FROM tours t WHERE t.id = $1`+s.DB.Dialect.ForUpdate(), id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound
	}
	if err != nil {
		return nil, err
	}
	t.CanManage = ac.Can(auth.ManageTours)
	return t, nil
}

// Delete removes a draft tour.
func (s *Service) Delete(ctx context.Context, ac *auth.Actor, id int64) error {
	if err := auth.Require(ac, auth.ManageTours); err != nil {
		return err
	}
	return s.Audit.Write(ctx, ac, func(w *audit.W) error {
		cur, err := s.lockTour(ctx, w, ac, id)
		if err != nil {
			return err
		}
		if cur.Status != StatusDraft {
			return errs.Conflictf("只能删除草稿状态的观摩活动", "only draft tours can be deleted")
		}
		for _, t := range []string{"tour_events", "tour_scores", "tour_judges", "tour_stops", "tour_criteria", "tours"} {
			col := "tour_id"
			if t == "tours" {
				col = "id"
			}
			if _, err := w.ExecContext(ctx, `DELETE FROM `+t+` WHERE `+col+` = $1`, id); err != nil {
				return err
			}
		}
		return w.Record(audit.Entry{Action: "tour.delete", ObjectType: "tour", ObjectID: strconv.FormatInt(id, 10),
			Summary: "删除观摩活动“" + cur.Name + "”", Before: cur})
	})
}

// transition moves a tour from one status to another, with an event.
func (s *Service) transition(ctx context.Context, ac *auth.Actor, id int64, from, to Status, kind, note string,
	check func(w *audit.W, t *Tour) error) (*Detail, error) {
	if err := auth.Require(ac, auth.ManageTours); err != nil {
		return nil, err
	}
	err := s.Audit.Write(ctx, ac, func(w *audit.W) error {
		cur, err := s.lockTour(ctx, w, ac, id)
		if err != nil {
			return err
		}
		if cur.Status != from {
			return errs.Conflictf(fmt.Sprintf("观摩活动当前为“%s”，不能%s", StatusNames[cur.Status], eventNames[kind]),
				fmt.Sprintf("the tour is %s; it cannot be %s", cur.Status, kind))
		}
		if check != nil {
			if err := check(w, cur); err != nil {
				return err
			}
		}
		stamp := ""
		switch to {
		case StatusOpen:
			stamp = ", opened_at = COALESCE(opened_at, $3), closed_at = NULL"
		case StatusClosed:
			stamp = ", closed_at = $3"
		}
		if _, err := w.ExecContext(ctx, `UPDATE tours SET status = $1, updated_at = $3`+stamp+` WHERE id = $2`, string(to), id, w.Now()); err != nil {
			return err
		}
		if err := s.event(w, id, kind, note); err != nil {
			return err
		}
		summary := eventNames[kind] + "观摩活动“" + cur.Name + "”"
		if note != "" {
			summary += "，理由：" + note
		}
		return w.Record(audit.Entry{Action: "tour." + kind, ObjectType: "tour", ObjectID: strconv.FormatInt(id, 10), Summary: summary,
			Before: map[string]any{"status": cur.Status}, After: map[string]any{"status": to, "reason": note}})
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, ac, id)
}

var eventNames = map[string]string{"create": "新建", "open": "开始评分", "close": "结束评分并发布", "reopen": "重新开放评分"}

// Open starts the scoring: the sheet, route and judges are fixed from now.
func (s *Service) Open(ctx context.Context, ac *auth.Actor, id int64) (*Detail, error) {
	return s.transition(ctx, ac, id, StatusDraft, StatusOpen, "open", "", func(w *audit.W, t *Tour) error {
		f := errs.Fields{}
		if t.Projects == 0 {
			f.Add("project_ids", "请先选择观摩项目", "choose the projects first")
		}
		if t.Judges == 0 {
			f.Add("judge_ids", "请先选择评委", "choose the judges first")
		}
		var n int
		if err := w.QueryRowContext(ctx, `SELECT COUNT(*) FROM tour_criteria WHERE tour_id = $1`, id).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			f.Add("criteria", "请先设置评分表", "set the scoring sheet first")
		}
		return f.Err()
	})
}

// Close ends the scoring and publishes the results; drafts left unsubmitted
// do not count.
func (s *Service) Close(ctx context.Context, ac *auth.Actor, id int64) (*Detail, error) {
	return s.transition(ctx, ac, id, StatusOpen, StatusClosed, "close", "", nil)
}

// Reopen lets the judges change their scores again; the reason is required
// and kept in the tour's history and the audit trail.
func (s *Service) Reopen(ctx context.Context, ac *auth.Actor, id int64, reason string) (*Detail, error) {
	reason = strings.TrimSpace(reason)
	if err := auth.Require(ac, auth.ManageTours); err != nil {
		return nil, err
	}
	if n := utf8.RuneCountInString(reason); n == 0 || n > 500 {
		f := errs.Fields{}
		f.Add("reason", "请填写重新开放评分的理由（不超过500字）", "a reason (at most 500 characters) is required")
		return nil, f.Err()
	}
	return s.transition(ctx, ac, id, StatusClosed, StatusOpen, "reopen", reason, nil)
}

// SetFindings records the tour's findings on one project.
func (s *Service) SetFindings(ctx context.Context, ac *auth.Actor, id, projectID int64, in FindingsInput) (*Stop, error) {
	if err := auth.Require(ac, auth.ManageTours); err != nil {
		return nil, err
	}
	f := errs.Fields{}
	tags := []string{}
	for _, t := range in.Tags {
		t = strings.TrimSpace(t)
		switch {
		case t == "":
		case utf8.RuneCountInString(t) > 20 || strings.Contains(t, ","):
			f.Add("tags", "标签“"+t+"”不能超过20个字，也不能含逗号", "tag "+t+" is too long or holds a comma")
		case !slices.Contains(tags, t):
			tags = append(tags, t)
		}
	}
	if len(tags) > 10 {
		f.Add("tags", "标签不能超过10个", "at most 10 tags")
	}
	text := strings.TrimSpace(in.Findings)
	if utf8.RuneCountInString(text) > 2000 {
		f.Add("findings", "发现问题不能超过2000个字", "findings may not exceed 2000 characters")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	err := s.Audit.Write(ctx, ac, func(w *audit.W) error {
		cur, err := s.lockTour(ctx, w, ac, id)
		if err != nil {
			return err
		}
		res, err := w.ExecContext(ctx, `UPDATE tour_stops SET finding_tags = $1, findings = $2 WHERE tour_id = $3 AND project_id = $4`,
			strings.Join(tags, ","), text, id, projectID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notOnRoute
		}
		if _, err := w.ExecContext(ctx, `UPDATE tours SET updated_at = $1 WHERE id = $2`, w.Now(), id); err != nil {
			return err
		}
		return w.Record(audit.Entry{Action: "tour.findings", ObjectType: "tour", ObjectID: strconv.FormatInt(id, 10),
			Summary: "记录观摩活动“" + cur.Name + "”的项目发现问题", After: map[string]any{"project_id": projectID, "tags": tags, "findings": text}})
	})
	if err != nil {
		return nil, err
	}
	stops, err := stopsOf(ctx, s.DB.R, id)
	if err != nil {
		return nil, err
	}
	for _, st := range stops {
		if st.Project.ID == projectID {
			return &st, nil
		}
	}
	return nil, notOnRoute
}

// Candidate is a project or judge to choose in the editor.
type Candidate struct {
	ID              int64  `json:"id"`
	Name            string `json:"name"`
	Extra           string `json:"extra"`          // town, or the judge's unit
	Unit            string `json:"unit,omitempty"` // projects: the responsible unit
	TotalInvestment int64  `json:"total_investment,omitempty"`
}

// ProjectCandidates lists key projects to put on a route (name or code search).
func (s *Service) ProjectCandidates(ctx context.Context, ac *auth.Actor, q string) ([]Candidate, error) {
	if err := auth.Require(ac, auth.ManageTours); err != nil {
		return nil, err
	}
	var args db.Args
	cond := "TRUE"
	if q = strings.TrimSpace(q); q != "" {
		l := args.Add(db.Like(q))
		cond = "(LOWER(p.name) LIKE " + l + " ESCAPE '\\' OR LOWER(p.code) LIKE " + l + " ESCAPE '\\')"
	}
	return s.candidates(ctx, `SELECT p.id, p.name, tw.name, un.name, p.total_investment FROM projects p JOIN units tw ON tw.id = p.town_id
		JOIN units un ON un.id = p.unit_id WHERE `+cond+` ORDER BY p.total_investment DESC, p.id LIMIT 500`, args)
}

// JudgeCandidates lists active users holding the judge role.
func (s *Service) JudgeCandidates(ctx context.Context, ac *auth.Actor) ([]Candidate, error) {
	if err := auth.Require(ac, auth.ManageTours); err != nil {
		return nil, err
	}
	out, err := s.candidates(ctx, `SELECT u.id, u.real_name, n.name || ' · ' || u.username || ' · ' || u.roles, '', 0 FROM users u JOIN units n ON n.id = u.unit_id
		WHERE u.active = TRUE AND u.roles LIKE '%judge%' ORDER BY u.username`, nil)
	if err != nil {
		return nil, err
	}
	// The LIKE is a prefilter; keep the users whose role list holds "judge".
	kept := out[:0]
	for _, c := range out {
		parts := strings.Split(c.Extra, " · ")
		if slices.Contains(strings.Split(parts[len(parts)-1], ","), string(auth.Judge)) {
			c.Extra = strings.Join(parts[:len(parts)-1], " · ")
			kept = append(kept, c)
		}
	}
	return kept, nil
}

func (s *Service) candidates(ctx context.Context, q string, args db.Args) ([]Candidate, error) {
	return db.Collect(ctx, s.DB.R, q, args, func(rows db.Scanner) (c Candidate, err error) {
		return c, rows.Scan(&c.ID, &c.Name, &c.Extra, &c.Unit, &c.TotalInvestment)
	})
}
