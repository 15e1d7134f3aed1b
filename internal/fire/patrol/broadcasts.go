package patrol

import (
	"context"
	"regexp"
	"strings"
	"time"

	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/calendar"
	"diaodu/internal/platform/db"
	"diaodu/internal/platform/errs"
)

// Broadcast is a village broadcast (村村响): the day, when it was played and what it said.
type Broadcast struct {
	ID          int64         `json:"id"`
	VillageID   int64         `json:"village_id"`
	VillageName string        `json:"village_name"`
	TownID      int64         `json:"town_id"`
	TownName    string        `json:"town_name"`
	OnDay       calendar.Date `json:"on_day"`
	Times       []string      `json:"times"`
	Content     string        `json:"content"`
	ClientKey   string        `json:"client_key,omitempty"`
	CreatedBy   string        `json:"created_by"`
	CreatedAt   time.Time     `json:"created_at"`
}

// BroadcastInput records a broadcast; village_id defaults to the field user's village, on_day to today.
type BroadcastInput struct {
	VillageID int64    `json:"village_id"`
	OnDay     string   `json:"on_day"`
	Times     []string `json:"times"`
	Content   string   `json:"content"`
	ClientKey string   `json:"client_key"`
}

var hhmm = regexp.MustCompile(`^([01]\d|2[0-3]):[0-5]\d$`)

// CreateBroadcast records a broadcast; created is false when the phone had
// sent it before (same client_key) and the stored one is returned.
func (s *Service) CreateBroadcast(ctx context.Context, a *auth.Actor, in BroadcastInput) (*Broadcast, bool, error) {
	if err := auth.Require(a, auth.FireField); err != nil {
		return nil, false, err
	}
	f := errs.Fields{}
	checkKey(f, in.ClientKey)
	if id, err := sentBefore(ctx, s.DB.Read, a, "fire_broadcasts", in.ClientKey); err != nil || id != 0 {
		return resent(ctx, a, id, err, s.getBroadcast)
	}
	if in.VillageID == 0 {
		in.VillageID = ownVillage(ctx, s.DB.Read, a)
	}
	v, err := s.village(ctx, s.DB.Read, a, in.VillageID, "village_id")
	if err != nil {
		return nil, false, err
	}
	day := s.today()
	if strings.TrimSpace(in.OnDay) != "" {
		d, err := calendar.ParseDate(strings.TrimSpace(in.OnDay))
		switch {
		case err != nil:
			f.Add("on_day", "日期格式应为 YYYY-MM-DD", "on_day must be YYYY-MM-DD")
		case d.After(day):
			f.Add("on_day", "广播日期不能晚于今天", "on_day may not be in the future")
		case d.Before(day.AddDays(-30)):
			f.Add("on_day", "只能补录30天内的广播", "only the last 30 days may be recorded")
		}
		day = d
	}
	times := []string{}
	for _, t := range in.Times {
		if t = strings.TrimSpace(t); t == "" {
			continue
		}
		if !hhmm.MatchString(t) {
			f.Add("times", "播放时间应为 HH:MM，如 07:30", "times must be HH:MM")
		}
		times = append(times, t)
	}
	if len(times) == 0 {
		f.Add("times", "请至少填写一个播放时间", "at least one time is required")
	} else if len(times) > 24 {
		f.Add("times", "播放时间不能超过24个", "at most 24 times")
	}
	content := text(f, "content", "广播内容", in.Content, 1000, true)
	if err := f.Err(); err != nil {
		return nil, false, err
	}
	var id int64
	err = s.Audit.Write(ctx, a, func(w *audit.W) error {
		if err := w.QueryRowContext(ctx, `INSERT INTO fire_broadcasts (village_id, unit_path, town_id, on_day, times, times_count, content,
			client_key, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
			v.ID, v.Path, db.NullID(v.TownID), day, strings.Join(times, ","), len(times), content, nullKey(in.ClientKey),
			db.NullID(a.UserID), w.Now()).Scan(&id); err != nil {
			return err
		}
		return w.Record(audit.Entry{Action: "fire.broadcast", ObjectType: "fire_broadcast", ObjectID: idStr(id), UnitID: v.ID,
			Summary: "记录村村响广播：" + v.Name + " " + day.String() + " " + strings.Join(times, "、"), After: in})
	})
	if db.IsUniqueViolation(err) { // the same key raced in on another connection
		id, err = sentBefore(ctx, s.DB.Read, a, "fire_broadcasts", in.ClientKey)
		return resent(ctx, a, id, err, s.getBroadcast)
	}
	if err != nil {
		return nil, false, err
	}
	b, err := s.getBroadcast(ctx, a, id)
	return b, true, err
}

// resent answers a record the phone had sent before.
func resent[T any](ctx context.Context, a *auth.Actor, id int64, err error, get func(context.Context, *auth.Actor, int64) (T, error)) (T, bool, error) {
	var zero T
	if err != nil {
		return zero, false, err
	}
	v, err := get(ctx, a, id)
	return v, false, err
}

const broadcastCols = `b.id, b.village_id, v.name, COALESCE(b.town_id, 0), COALESCE(t.name, ''), b.on_day, b.times, b.content,
	COALESCE(b.client_key, ''), COALESCE(u.real_name, ''), b.created_at
	FROM fire_broadcasts b JOIN units v ON v.id = b.village_id LEFT JOIN units t ON t.id = b.town_id LEFT JOIN users u ON u.id = b.created_by`

func scanBroadcast(sc interface{ Scan(...any) error }) (*Broadcast, error) {
	b := &Broadcast{}
	var times string
	if err := sc.Scan(&b.ID, &b.VillageID, &b.VillageName, &b.TownID, &b.TownName, &b.OnDay, &times, &b.Content, &b.ClientKey,
		&b.CreatedBy, &b.CreatedAt); err != nil {
		return nil, err
	}
	b.Times = strings.Split(times, ",")
	return b, nil
}

func (s *Service) getBroadcast(ctx context.Context, a *auth.Actor, id int64) (*Broadcast, error) {
	args := db.Args{id}
	b, err := scanBroadcast(s.DB.Read.QueryRowContext(ctx, `SELECT `+broadcastCols+` WHERE b.id = $1 AND `+scope(a, "b.unit_path", &args), args...))
	if isNoRows(err) {
		return nil, errs.NotFoundf("广播记录", "broadcast")
	}
	return b, err
}

// ListFilter narrows the field lists.
type ListFilter struct {
	From, To  calendar.Date
	TownID    int64
	VillageID int64
}

func (f ListFilter) where(a *auth.Actor, pathCol, dayCol, townCol, villageCol string, args *db.Args) string {
	conds := []string{scope(a, pathCol, args)}
	if !f.From.IsZero() {
		conds = append(conds, dayCol+" >= "+args.Add(f.From.String()))
	}
	if !f.To.IsZero() {
		conds = append(conds, dayCol+" <= "+args.Add(f.To.String()))
	}
	if f.TownID != 0 {
		conds = append(conds, townCol+" = "+args.Add(f.TownID))
	}
	if f.VillageID != 0 && villageCol != "" {
		conds = append(conds, villageCol+" = "+args.Add(f.VillageID))
	}
	return strings.Join(conds, " AND ")
}

// ListBroadcasts lists broadcasts in scope, latest first.
func (s *Service) ListBroadcasts(ctx context.Context, a *auth.Actor, f ListFilter, limit, offset int) ([]*Broadcast, int, error) {
	if err := auth.Require(a, auth.ViewFire); err != nil {
		return nil, 0, err
	}
	args := db.Args{}
	where := f.where(a, "b.unit_path", "b.on_day", "b.town_id", "b.village_id", &args)
	return page(ctx, s.DB.Read, "fire_broadcasts b", where, args, broadcastCols, "b.on_day DESC, b.id DESC", limit, offset, scanBroadcast)
}
