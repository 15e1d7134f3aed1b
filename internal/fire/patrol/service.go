// Package patrol is the field side of forest fire prevention: village
// broadcasts (村村响), patrol squads and patrols with their routes and
// findings, key fire villages with patrol posts (公益岗位) and their lights,
// fire reports (火情) with a response timeline, responsibility checks on
// towns, and the fire home page. Warnings and letters are internal/fire.
//
// Records a phone creates (broadcasts, patrols, point batches, findings)
// carry a client_key: sending one again answers the stored record with 200
// and changes nothing, so the phone's outbox can retry blindly.
//
// Routes are those of patrol staff while on duty (a patrol is started and
// ended by the patroller); nothing here records where citizens go.
package patrol

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"diaodu/internal/attachments"
	"diaodu/internal/fire"
	"diaodu/internal/org"
	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/calendar"
	"diaodu/internal/platform/clock"
	"diaodu/internal/platform/db"
	"diaodu/internal/platform/errs"
	"diaodu/internal/platform/notify"
)

// Service is the module's rules and permissions.
type Service struct {
	DB          *db.DB
	Audit       *audit.Log
	Clock       clock.Clock
	Calendar    *calendar.Calendar
	Notify      *notify.Notifier
	Attachments *attachments.Service
	Fire        *fire.Service
}

// New wires the service.
func New(d *db.DB, l *audit.Log, cal *calendar.Calendar, n *notify.Notifier, att *attachments.Service, f *fire.Service) *Service {
	return &Service{DB: d, Audit: l, Clock: l.Clock, Calendar: cal, Notify: n, Attachments: att, Fire: f}
}

// querier reads inside or outside a transaction.
type querier interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

func idStr(id int64) string { return strconv.FormatInt(id, 10) }

// unit is a town or village as this module needs it.
type unit struct {
	ID     int64
	Name   string
	Kind   string
	Path   string
	TownID int64 // the town it lies in (itself for a town); 0 above towns
	Town   string
}

// loadUnit reads a unit and its town; missing or out of the actor's scope
// reads as not found (naming field when given, for forms).
func (s *Service) loadUnit(ctx context.Context, q querier, a *auth.Actor, id int64, field, what string) (*unit, error) {
	u := &unit{ID: id}
	err := q.QueryRowContext(ctx, `SELECT name, kind, path FROM units WHERE id = $1 AND active`, id).Scan(&u.Name, &u.Kind, &u.Path)
	if isNoRows(err) || (err == nil && !a.InScope(u.Path)) {
		if field != "" {
			f := errs.Fields{}
			f.Add(field, what+"不存在或不在您的管辖范围内", what+" not found or out of your scope")
			return nil, f.Err()
		}
		return nil, errs.NotFoundf(what, "unit")
	}
	if err != nil {
		return nil, err
	}
	if u.Kind == org.KindTown {
		u.TownID, u.Town = u.ID, u.Name
		return u, nil
	}
	ids := strings.Split(strings.Trim(u.Path, "/"), "/")
	args := db.Args{}
	ps := make([]string, len(ids))
	for i, s := range ids {
		n, _ := strconv.ParseInt(s, 10, 64)
		ps[i] = args.Add(n)
	}
	err = q.QueryRowContext(ctx, `SELECT id, name FROM units WHERE kind = 'town' AND id IN (`+strings.Join(ps, ", ")+`)`, args...).
		Scan(&u.TownID, &u.Town)
	if err != nil && !isNoRows(err) {
		return nil, err
	}
	return u, nil
}

// village loads a village (kind village) in scope, or a field error.
func (s *Service) village(ctx context.Context, q querier, a *auth.Actor, id int64, field string) (*unit, error) {
	if id == 0 {
		f := errs.Fields{}
		f.Add(field, "请选择村", "choose a village")
		return nil, f.Err()
	}
	u, err := s.loadUnit(ctx, q, a, id, field, "村")
	if err != nil {
		return nil, err
	}
	if u.Kind != org.KindVillage {
		f := errs.Fields{}
		f.Add(field, "“"+u.Name+"”不是村（社区）", u.Name+" is not a village")
		return nil, f.Err()
	}
	return u, nil
}

// ownVillage is the default village of a field user: their own unit when it is one.
func ownVillage(ctx context.Context, q querier, a *auth.Actor) int64 {
	var kind string
	if err := q.QueryRowContext(ctx, `SELECT kind FROM units WHERE id = $1`, a.UnitID).Scan(&kind); err == nil && kind == org.KindVillage {
		return a.UnitID
	}
	return 0
}

// checkKey validates a client_key (optional).
func checkKey(f errs.Fields, key string) {
	if len(key) > 64 {
		f.Add("client_key", "client_key 不能超过64个字符", "client_key may not exceed 64 characters")
	}
}

// sentBefore looks a client_key up in table: the stored id when the same
// user sent it before, a conflict when someone else did, 0 when new.
func sentBefore(ctx context.Context, q querier, a *auth.Actor, table, key string) (int64, error) {
	if key == "" {
		return 0, nil
	}
	var id int64
	var by sql.NullInt64
	err := q.QueryRowContext(ctx, `SELECT id, created_by FROM `+table+` WHERE client_key = $1`, key).Scan(&id, &by)
	if isNoRows(err) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	if by.Int64 != a.UserID {
		return 0, errs.Conflictf("该 client_key 已被其他用户使用", "client_key already used by another user")
	}
	return id, nil
}

// text trims s and checks its length; empty is refused when required.
func text(f errs.Fields, field, name, s string, max int, required bool) string {
	s = strings.TrimSpace(s)
	if required && s == "" {
		f.Add(field, "请填写"+name, field+" is required")
	}
	if utf8.RuneCountInString(s) > max {
		f.Add(field, name+"不能超过"+strconv.Itoa(max)+"个字", field+" may not exceed "+strconv.Itoa(max)+" characters")
	}
	return s
}

func nullKey(k string) any {
	if k == "" {
		return nil
	}
	return k
}

func nullFloat(p *float64) sql.NullFloat64 {
	if p == nil {
		return sql.NullFloat64{}
	}
	return sql.NullFloat64{Float64: *p, Valid: true}
}

func floatPtr(n sql.NullFloat64) *float64 {
	if !n.Valid {
		return nil
	}
	v := n.Float64
	return &v
}

// nullTime scans a nullable timestamp.
type nullTime struct{ T *time.Time }

func (n *nullTime) Scan(v any) error {
	var t sql.NullTime
	if err := t.Scan(v); err != nil {
		return err
	}
	n.T = nil
	if t.Valid {
		tt := t.Time.UTC()
		n.T = &tt
	}
	return nil
}

func (s *Service) today() calendar.Date { return calendar.DateOf(s.Clock.Now()) }

// send notifies inside the caller's transaction.
func (s *Service) send(ctx context.Context, w *audit.W, m notify.Message) error {
	if s.Notify == nil {
		return nil
	}
	_, err := s.Notify.Send(ctx, w, m)
	return err
}

// scope returns the actor's condition on a unit_path column.
func scope(a *auth.Actor, col string, args *db.Args) string {
	cond, vals := a.ScopeFilter(col, len(*args)+1)
	*args = append(*args, vals...)
	return cond
}

// pickUnit reads a form's unit field: required, in scope, of one of kinds
// (a town or village); problems go into f under field, naming what it is.
func (s *Service) pickUnit(ctx context.Context, a *auth.Actor, f errs.Fields, field, what string, id int64, kinds ...string) *unit {
	if id == 0 {
		f.Add(field, "请选择"+what, "choose the "+field)
		return nil
	}
	u, err := s.loadUnit(ctx, s.DB.Read, a, id, field, what)
	if err != nil {
		mergeFields(f, err)
		return nil
	}
	for _, k := range kinds {
		if u.Kind == k {
			return u
		}
	}
	f.Add(field, "“"+u.Name+"”不是"+kindWords(kinds), field+" is not a "+strings.Join(kinds, " or "))
	return nil
}

func kindWords(kinds []string) string {
	words := map[string]string{org.KindTown: "乡镇", org.KindVillage: "村（社区）"}
	out := make([]string, len(kinds))
	for i, k := range kinds {
		out[i] = words[k]
	}
	return strings.Join(out, "或")
}

// page runs a list's count and its page query (the same FROM … WHERE in
// both), scanning each row with scan.
func page[T any](ctx context.Context, q querier, from, where string, args db.Args, cols, order string, limit, offset int,
	scan func(sc interface{ Scan(...any) error }) (T, error)) ([]T, int, error) {
	var total int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+from+` WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := q.QueryContext(ctx, `SELECT `+cols+` WHERE `+where+` ORDER BY `+order+` LIMIT `+args.Add(limit)+` OFFSET `+args.Add(offset), args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, v)
	}
	return out, total, rows.Err()
}
