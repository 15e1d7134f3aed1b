package reports

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"sync"

	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/calendar"
	"diaodu/internal/platform/clock"
	"diaodu/internal/platform/db"
	"diaodu/internal/platform/errs"
	"diaodu/internal/platform/notify"
)

// Notifier is what the service needs of notify.Notifier (tests swap in a
// recorder).
type Notifier interface {
	Send(ctx context.Context, w *audit.W, m notify.Message) (bool, error)
}

// SubmitHook lets the module that created an obligation react to a
// submission inside its transaction (a monthly project report updating the
// project's progress, for example).
type SubmitHook func(ctx context.Context, w *audit.W, o *Obligation, s *Submission) error

// Service is periodic reporting's rules and permissions.
type Service struct {
	DB     *db.DB
	Audit  *audit.Log
	Clock  clock.Clock
	Cal    Workdays
	Notify Notifier

	mu    sync.RWMutex
	hooks map[string]SubmitHook
}

// New wires the service.
func New(d *db.DB, l *audit.Log, cal Workdays, n Notifier) *Service {
	return &Service{DB: d, Audit: l, Clock: l.Clock, Cal: cal, Notify: n, hooks: map[string]SubmitHook{}}
}

// OnSubmit registers fn to run after every submission to an obligation of
// the given source, in the submission's transaction; an error refuses the
// submission.
func (s *Service) OnSubmit(source string, fn SubmitHook) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hooks[source] = fn
}

func (s *Service) hook(source string) SubmitHook {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.hooks[source]
}

// today is the current business day in Asia/Shanghai.
func (s *Service) today() calendar.Date { return calendar.DateOf(s.Clock.Now()) }

// refresh picks up calendar edits made by another replica.
func (s *Service) refresh(ctx context.Context) {
	if c, ok := s.Cal.(*calendar.Calendar); ok {
		_ = c.Refresh(ctx)
	}
}

// querier is a read handle: the read pool or a write transaction.
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// scopeCond limits a units.path column to the actor's subtree, adding its
// arguments to args.
func scopeCond(a *auth.Actor, col string, args *db.Args) string {
	if a.DistrictWide() {
		return "TRUE"
	}
	c, vs := auth.SubtreeFilter(col, a.UnitPath, len(*args)+1)
	*args = append(*args, vs...)
	return c
}

// inList is "(…)" with a placeholder for each id.
func inList(ids []int64, args *db.Args) string { return "(" + args.In(ids) + ")" }

const obligationCols = `o.id, o.name, o.description, o.source, o.frequency, o.cutoff, o.weekday, o.month_day, o.custom_dates,
	o.workdays_only, o.active_from, o.active_to, o.remind_before_minutes, o.form_json, o.allow_nothing, o.selector_json,
	o.owner_unit_id, ow.name, o.active, o.created_by, o.created_at, o.updated_at`

type scanner interface{ Scan(...any) error }

func scanObligation(sc scanner, extra ...any) (*Obligation, error) {
	var o Obligation
	var custom, form, selector string
	var createdBy sql.NullInt64
	dest := append([]any{&o.ID, &o.Name, &o.Description, &o.Source, &o.Frequency, &o.Cutoff, &o.Weekday, &o.MonthDay, &custom,
		&o.WorkdaysOnly, &o.ActiveFrom, &o.ActiveTo, &o.RemindBeforeMinutes, &form, &o.AllowNothing, &selector,
		&o.OwnerUnitID, &o.OwnerUnitName, &o.Active, &createdBy, &o.CreatedAt, &o.UpdatedAt}, extra...)
	if err := sc.Scan(dest...); err != nil {
		return nil, err
	}
	o.CreatedBy = createdBy.Int64
	if err := o.decode(custom, form, selector); err != nil {
		return nil, err
	}
	return &o, nil
}

// decode fills the JSON-held parts and the derived ones.
func (o *Obligation) decode(custom, form, selector string) error {
	o.CustomDates, o.Form = []calendar.Date{}, []Field{}
	if err := json.Unmarshal([]byte(custom), &o.CustomDates); err != nil {
		return err
	}
	if err := json.Unmarshal([]byte(form), &o.Form); err != nil {
		return err
	}
	if selector != "" {
		o.Selector = &UnitSelector{}
		if err := json.Unmarshal([]byte(selector), o.Selector); err != nil {
			return err
		}
	}
	o.derive()
	return nil
}

// derive computes what follows from the stored fields.
func (o *Obligation) derive() {
	o.cutH, o.cutM, _ = parseCutoff(o.Cutoff)
	o.ScheduleText = o.describeSchedule()
	if o.Units == nil {
		o.Units = []UnitRef{}
	}
}

// visible is the SQL condition "the obligation has a unit in the actor's
// scope" (TRUE for district-wide actors).
func visible(a *auth.Actor, args *db.Args) string {
	if a.DistrictWide() {
		return "TRUE"
	}
	return `EXISTS (SELECT 1 FROM report_obligation_units vu JOIN units vx ON vx.id = vu.unit_id
		WHERE vu.obligation_id = o.id AND ` + scopeCond(a, "vx.path", args) + `)`
}

// load reads one obligation the actor may see, with its units in scope.
func (s *Service) load(ctx context.Context, q querier, a *auth.Actor, id int64) (*Obligation, error) {
	if err := auth.Require(a, auth.ViewReports); err != nil {
		return nil, err
	}
	args := db.Args{id}
	o, err := scanObligation(q.QueryRowContext(ctx, `SELECT `+obligationCols+` FROM report_obligations o
		JOIN units ow ON ow.id = o.owner_unit_id WHERE o.id = $1 AND `+visible(a, &args), args...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.NotFoundf("报送任务", "reporting obligation")
	}
	if err != nil {
		return nil, err
	}
	members, err := s.members(ctx, q, a, []int64{id})
	if err != nil {
		return nil, err
	}
	for _, m := range members[id] {
		o.Units = append(o.Units, m.UnitRef)
	}
	o.UnitCount = len(o.Units)
	return o, nil
}

// member is a unit that must report, with the day it joined (zero: from
// the start).
type member struct {
	UnitRef
	added calendar.Date
	sort  int
}

// eligible tells whether the unit had to report for the cycle due on due.
func (m member) eligible(due calendar.Date) bool { return m.added.IsZero() || !due.Before(m.added) }

// members lists the units of obligations that lie in the actor's scope,
// departments first, then towns and villages, in their sort order.
func (s *Service) members(ctx context.Context, q querier, a *auth.Actor, ids []int64) (map[int64][]member, error) {
	out := map[int64][]member{}
	if len(ids) == 0 {
		return out, nil
	}
	var args db.Args
	rows, err := q.QueryContext(ctx, `SELECT ou.obligation_id, u.id, u.name, u.kind, u.sort_order, ou.added_on
		FROM report_obligation_units ou JOIN units u ON u.id = ou.unit_id
		WHERE ou.obligation_id IN `+inList(ids, &args)+` AND `+scopeCond(a, "u.path", &args)+`
		ORDER BY ou.obligation_id, u.kind, u.sort_order, u.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var oid int64
		var m member
		if err := rows.Scan(&oid, &m.ID, &m.Name, &m.Kind, &m.sort, &m.added); err != nil {
			return nil, err
		}
		out[oid] = append(out[oid], m)
	}
	return out, rows.Err()
}
