package fire

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"diaodu/internal/attachments"
	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/calendar"
	"diaodu/internal/platform/clock"
	"diaodu/internal/platform/db"
	"diaodu/internal/platform/errs"
	"diaodu/internal/platform/notify"
	"diaodu/internal/platform/settings"
	"diaodu/internal/registry"
)

// Service is the module's rules and permissions.
type Service struct {
	DB          *db.DB
	Audit       *audit.Log
	Clock       clock.Clock
	Calendar    *calendar.Calendar
	Notify      *notify.Notifier
	Attachments *attachments.Service
	Registry    *registry.Service

	settings settings.Cached[Settings]
}

// New wires the service.
func New(d *db.DB, l *audit.Log, cal *calendar.Calendar, n *notify.Notifier, att *attachments.Service, reg *registry.Service) *Service {
	return &Service{DB: d, Audit: l, Clock: l.Clock, Calendar: cal, Notify: n, Attachments: att, Registry: reg,
		settings: settings.Cached[Settings]{Key: settingsKey, Default: func() Settings { return DefaultSettings }}}
}

// Register adds the attachment owner of receipts, scans and letter files.
func (s *Service) Register(att *attachments.Service) {
	att.RegisterOwner(fileOwner, s.fileOwner)
}

// Notify kind prefix (registered in app.go as "fire.").
const (
	KindWarning = "fire.warning"
	fileOwner   = "fire_letter"
	settingsKey = "fire.settings"
)

// Requirement is what a warning level asks of the villages it covers
// (patrols per day, patrollers per post, broadcasts per day); level 0 or
// out of range asks nothing.
func (s *Service) Requirement(level int) Requirement {
	if level < 1 || level > 5 {
		return Requirement{}
	}
	st, err := s.settings.Get(context.Background(), s.DB.Read)
	if err != nil {
		st = DefaultSettings
	}
	return st.Levels[level-1]
}

// GetSettings returns the requirements and the coverage target.
func (s *Service) GetSettings(ctx context.Context, a *auth.Actor) (Settings, error) {
	if err := auth.Require(a, auth.ViewFire); err != nil {
		return Settings{}, err
	}
	return s.settings.Reload(ctx, s.DB.Read)
}

func (st *Settings) validate() error {
	f := errs.Fields{}
	for i, r := range st.Levels {
		for _, v := range []struct {
			field, name string
			n, max      int
		}{{"patrols_per_day", "每日巡查次数", r.PatrolsPerDay, 48}, {"patrollers_per_post", "每岗巡护人数", r.PatrollersPerPost, 20},
			{"broadcasts_per_day", "每日广播次数", r.BroadcastsPerDay, 48}} {
			if v.n < 0 || v.n > v.max {
				f.Add(fmt.Sprintf("levels.%d.%s", i, v.field), fmt.Sprintf("%d级%s应为0到%d", i+1, v.name, v.max),
					fmt.Sprintf("level %d: %s must be 0 to %d", i+1, v.field, v.max))
			}
		}
	}
	if st.CoverageTarget < 1 || st.CoverageTarget > 100 {
		f.Add("coverage_target", "覆盖率目标应为1到100", "coverage_target must be 1 to 100")
	}
	return f.Err()
}

// PutSettings changes the requirements and the coverage target.
func (s *Service) PutSettings(ctx context.Context, a *auth.Actor, in Settings) (Settings, error) {
	if err := auth.Require(a, auth.WarnFire); err != nil {
		return Settings{}, err
	}
	if err := in.validate(); err != nil {
		return Settings{}, err
	}
	err := s.settings.Save(ctx, s.Audit, a, in, "fire.settings", "修改森林防火预警要求")
	if err != nil {
		return Settings{}, err
	}
	return in, nil
}

// querier reads inside or outside a transaction.
type querier interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

func idStr(id int64) string { return strconv.FormatInt(id, 10) }

// uniqueIDs drops zeros and repeats, keeping the order.
func uniqueIDs(ids []int64) []int64 {
	seen := map[int64]bool{}
	out := []int64{}
	for _, id := range ids {
		if id != 0 && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// linkedTowns reads the towns a letter or a warning goes to (table links
// col, its owner's id, to town_id) for the owners ids, in the towns' order,
// and hands each to add: both lists load their towns in one query.
func linkedTowns(ctx context.Context, q querier, table, col string, ids []int64, add func(id int64, r Ref)) error {
	args := &db.Args{}
	rows, err := q.QueryContext(ctx, `SELECT t.`+col+`, u.id, u.name FROM `+table+` t JOIN units u ON u.id = t.town_id
		WHERE t.`+col+` IN (`+args.In(ids)+`) ORDER BY u.sort_order, u.id`, *args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var r Ref
		if err := rows.Scan(&id, &r.ID, &r.Name); err != nil {
			return err
		}
		add(id, r)
	}
	return rows.Err()
}

// townsOf checks that ids are towns and returns their names and paths.
func (s *Service) townsOf(ctx context.Context, q querier, ids []int64) ([]Ref, []string, error) {
	if len(ids) == 0 {
		return []Ref{}, nil, nil
	}
	args := &db.Args{}
	rows, err := q.QueryContext(ctx, `SELECT id, name, path FROM units WHERE kind = 'town' AND id IN (`+args.In(ids)+`)`, *args...)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	byID := map[int64]Ref{}
	paths := map[int64]string{}
	for rows.Next() {
		var r Ref
		var p string
		if err := rows.Scan(&r.ID, &r.Name, &p); err != nil {
			return nil, nil, err
		}
		byID[r.ID], paths[r.ID] = r, p
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	refs, ps := []Ref{}, []string{}
	for _, id := range ids {
		r, ok := byID[id]
		if !ok {
			return nil, nil, nil
		}
		refs, ps = append(refs, r), append(ps, paths[id])
	}
	return refs, ps, nil
}

// townOfActor is the town the actor's unit lies in (0: district level).
func (s *Service) townOfActor(ctx context.Context, a *auth.Actor) (int64, error) {
	ids := pathIDs(a.UnitPath)
	if len(ids) == 0 {
		return 0, nil
	}
	args := &db.Args{}
	var id int64
	err := s.DB.Read.QueryRowContext(ctx, `SELECT id FROM units WHERE kind = 'town' AND id IN (`+args.In(ids)+`)`, *args...).Scan(&id)
	if isNoRows(err) {
		return 0, nil
	}
	return id, err
}

// pathIDs splits "/1/5/9/" into ids.
func pathIDs(path string) []int64 {
	var ids []int64
	for _, p := range strings.Split(strings.Trim(path, "/"), "/") {
		if id, err := strconv.ParseInt(p, 10, 64); err == nil {
			ids = append(ids, id)
		}
	}
	return ids
}

// send notifies inside the caller's transaction.
func (s *Service) send(ctx context.Context, w *audit.W, m notify.Message) error {
	if s.Notify == nil {
		return nil
	}
	_, err := s.Notify.Send(ctx, w, m)
	return err
}

func rate(reached, households int) float64 {
	if households == 0 {
		return 0
	}
	if reached > households {
		reached = households
	}
	return float64(reached*1000/households) / 10
}
