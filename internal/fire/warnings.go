package fire

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/clock"
	"diaodu/internal/platform/db"
	"diaodu/internal/platform/errs"
	"diaodu/internal/platform/notify"
)

var warningNotFound = errs.NotFoundf("火险预警", "warning")

const warningCols = `w.id, w.level, w.district_wide, w.valid_from, w.valid_to, w.text, w.issued_by_name, w.ended_at, w.created_at`

// loadWarnings runs a query over fire_warnings w and fills in the towns.
func (s *Service) loadWarnings(ctx context.Context, q querier, at time.Time, where string, args ...any) ([]Warning, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+warningCols+` FROM fire_warnings w WHERE `+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Warning{}
	byID := map[int64]int{}
	for rows.Next() {
		var w Warning
		var ended sql.NullTime
		if err := rows.Scan(&w.ID, &w.Level, &w.DistrictWide, &w.From, &w.To, &w.Text, &w.IssuedBy, &ended, &w.CreatedAt); err != nil {
			return nil, err
		}
		w.From, w.To, w.CreatedAt = w.From.UTC(), w.To.UTC(), w.CreatedAt.UTC()
		if ended.Valid {
			t := ended.Time.UTC()
			w.EndedAt = &t
		}
		w.Colour, w.LevelName = Colour(w.Level), LevelNames[w.Level]
		w.Active = w.EndedAt == nil && !at.Before(w.From) && at.Before(w.To)
		w.TownIDs, w.Towns = []int64{}, []Ref{}
		w.Requirement = s.Requirement(w.Level)
		byID[w.ID] = len(out)
		out = append(out, w)
	}
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
	}
	ids := make([]int64, 0, len(out))
	for _, w := range out {
		ids = append(ids, w.ID)
	}
	return out, linkedTowns(ctx, q, "fire_warning_towns", "warning_id", ids, func(id int64, r Ref) {
		w := &out[byID[id]]
		w.TownIDs, w.Towns = append(w.TownIDs, r.ID), append(w.Towns, r)
	})
}

// ActiveWarnings are the warnings valid at a time, highest level first.
// It is the Go API the patrol module judges villages by; it checks no
// permission (everyone sees the banner).
func (s *Service) ActiveWarnings(ctx context.Context, at time.Time) ([]Warning, error) {
	return s.loadWarnings(ctx, s.DB.Read, at, `w.ended_at IS NULL AND w.valid_from <= $1 AND w.valid_to > $1 ORDER BY w.level DESC, w.id DESC`, at.UTC())
}

// BannerWarnings are the active warnings that concern the actor: those
// covering the actor's town, or all of them for users above the towns.
func (s *Service) BannerWarnings(ctx context.Context, a *auth.Actor) ([]Warning, error) {
	if a == nil {
		return nil, errs.New(errs.Unauthenticated, "请先登录", "please sign in")
	}
	ws, err := s.ActiveWarnings(ctx, s.Clock.Now())
	if err != nil || a.DistrictWide() {
		return ws, err
	}
	town, err := s.townOfActor(ctx, a)
	if err != nil || town == 0 {
		return ws, err
	}
	out := []Warning{}
	for _, w := range ws {
		if w.Covers(town) {
			out = append(out, w)
		}
	}
	return out, nil
}

// ListWarnings lists warnings, newest first (activeOnly: valid now).
func (s *Service) ListWarnings(ctx context.Context, a *auth.Actor, activeOnly bool, limit, offset int) ([]Warning, int, error) {
	if err := auth.Require(a, auth.ViewFire); err != nil {
		return nil, 0, err
	}
	now := s.Clock.Now().UTC()
	where, args := "TRUE", []any{}
	if activeOnly {
		where, args = `w.ended_at IS NULL AND w.valid_from <= $1 AND w.valid_to > $1`, []any{now}
	}
	var total int
	if err := s.DB.Read.QueryRowContext(ctx, `SELECT COUNT(*) FROM fire_warnings w WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	n := len(args)
	ws, err := s.loadWarnings(ctx, s.DB.Read, now, where+fmt.Sprintf(` ORDER BY w.valid_from DESC, w.id DESC LIMIT $%d OFFSET $%d`, n+1, n+2),
		append(args, limit, offset)...)
	return ws, total, err
}

// IssueWarning issues a warning and notifies the towns it covers.
func (s *Service) IssueWarning(ctx context.Context, a *auth.Actor, in WarningInput) (*Warning, error) {
	if err := auth.Require(a, auth.WarnFire); err != nil {
		return nil, err
	}
	now := s.Clock.Now().UTC().Truncate(time.Second)
	f := errs.Fields{}
	if in.Level < 1 || in.Level > 5 {
		f.Add("level", "预警等级应为1到5级", "level must be 1 to 5")
	}
	from := now
	if in.ValidFrom != nil && !in.ValidFrom.IsZero() {
		from = in.ValidFrom.UTC()
	}
	switch {
	case in.ValidTo == nil || in.ValidTo.IsZero():
		f.Add("valid_to", "请填写预警截止时间", "valid_to is required")
	case !in.ValidTo.After(from):
		f.Add("valid_to", "截止时间应晚于起始时间", "valid_to must be after valid_from")
	case !in.ValidTo.After(now):
		f.Add("valid_to", "截止时间不能早于现在", "valid_to must be in the future")
	case in.ValidTo.Sub(from) > 90*24*time.Hour:
		f.Add("valid_to", "预警有效期不能超过90天", "a warning may last at most 90 days")
	}
	in.Text = strings.TrimSpace(in.Text)
	if len([]rune(in.Text)) > 1000 {
		f.Add("text", "预警内容不能超过1000字", "text may not exceed 1000 characters")
	}
	townIDs := uniqueIDs(in.TownIDs)
	towns, _, err := s.townsOf(ctx, s.DB.Read, townIDs)
	if err != nil {
		return nil, err
	}
	if towns == nil {
		f.Add("town_ids", "预警范围只能选择乡镇（街道）", "town_ids must be towns")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	var id int64
	err = s.Audit.Write(ctx, a, func(w *audit.W) error {
		if err := w.QueryRowContext(ctx, `INSERT INTO fire_warnings (level, valid_from, valid_to, text, district_wide, issued_by,
			issued_by_name, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
			in.Level, from, in.ValidTo.UTC(), in.Text, len(townIDs) == 0, db.NullID(a.UserID), a.RealName, w.Now()).Scan(&id); err != nil {
			return err
		}
		names := []string{}
		for _, t := range towns {
			if _, err := w.ExecContext(ctx, `INSERT INTO fire_warning_towns (warning_id, town_id) VALUES ($1, $2)`, id, t.ID); err != nil {
				return err
			}
			names = append(names, t.Name)
		}
		area := "全区"
		if len(names) > 0 {
			area = strings.Join(names, "、")
		}
		title := fmt.Sprintf("森林火险%s预警：%s", LevelNames[in.Level], area)
		if err := w.Record(audit.Entry{Action: "fire.warning.issue", ObjectType: "fire_warning", ObjectID: idStr(id),
			Summary: "发布" + title, After: in}); err != nil {
			return err
		}
		units := townIDs
		if len(units) == 0 { // district-wide: every town hears of it
			if units, err = db.IDs(ctx, w, `SELECT id FROM units WHERE kind = 'town' AND active = TRUE ORDER BY id`); err != nil {
				return err
			}
		}
		req := s.Requirement(in.Level)
		return s.send(ctx, w, notify.Message{Kind: KindWarning, Title: title, UnitIDs: units, Link: "/fire/warnings",
			Body: fmt.Sprintf("有效期至%s。要求：每日巡查%d次，每岗%d人，每日广播%d次。%s", in.ValidTo.In(shanghai).Format("1月2日15:04"),
				req.PatrolsPerDay, req.PatrollersPerPost, req.BroadcastsPerDay, in.Text),
			ObjectType: "fire_warning", ObjectID: idStr(id)})
	})
	if err != nil {
		return nil, err
	}
	return s.warning(ctx, id)
}

var shanghai = clock.Shanghai

func (s *Service) warning(ctx context.Context, id int64) (*Warning, error) {
	ws, err := s.loadWarnings(ctx, s.DB.Read, s.Clock.Now(), `w.id = $1`, id)
	if err != nil {
		return nil, err
	}
	if len(ws) == 0 {
		return nil, warningNotFound
	}
	return &ws[0], nil
}

// EndWarning ends an active warning now.
func (s *Service) EndWarning(ctx context.Context, a *auth.Actor, id int64) (*Warning, error) {
	if err := auth.Require(a, auth.WarnFire); err != nil {
		return nil, err
	}
	err := s.Audit.Write(ctx, a, func(w *audit.W) error {
		var ended sql.NullTime
		var to time.Time
		err := w.QueryRowContext(ctx, `SELECT ended_at, valid_to FROM fire_warnings WHERE id = $1`+w.Dialect.ForUpdate(), id).Scan(&ended, &to)
		if isNoRows(err) {
			return warningNotFound
		}
		if err != nil {
			return err
		}
		if ended.Valid || !to.After(w.Now()) {
			return errs.Conflictf("该预警已结束", "the warning has ended already")
		}
		if _, err := w.ExecContext(ctx, `UPDATE fire_warnings SET ended_at = $1, ended_by = $2 WHERE id = $3`, w.Now(), db.NullID(a.UserID), id); err != nil {
			return err
		}
		return w.Record(audit.Entry{Action: "fire.warning.end", ObjectType: "fire_warning", ObjectID: idStr(id), Summary: "解除森林火险预警"})
	})
	if err != nil {
		return nil, err
	}
	return s.warning(ctx, id)
}
