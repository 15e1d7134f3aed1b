package patrol

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"diaodu/internal/fire"
	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/calendar"
	"diaodu/internal/platform/db"
	"diaodu/internal/platform/errs"
	"diaodu/internal/platform/notify"
)

// DefaultMinPatrollers is a new post's minimum number of patrollers.
const DefaultMinPatrollers = 2

// Post is a patrol post (公益岗位) in a key village.
type Post struct {
	ID             int64    `json:"id"`
	VillageID      int64    `json:"village_id"`
	VillageName    string   `json:"village_name"`
	Name           string   `json:"name"`
	Patrollers     []Member `json:"patrollers"`
	PatrollerCount int      `json:"patroller_count"`
	MinPatrollers  int      `json:"min_patrollers"`
	Required       int      `json:"required"` // the minimum, raised by an active warning
	Below          bool     `json:"below"`
	unitPath       string
}

// PostInput creates or replaces a post; the village becomes a key village.
type PostInput struct {
	VillageID     int64    `json:"village_id"`
	Name          string   `json:"name"`
	Patrollers    []Member `json:"patrollers"`
	MinPatrollers *int     `json:"min_patrollers"` // default 2
}

// Village is a key fire village (重点防火村) with its light.
type Village struct {
	ID           int64    `json:"id"`
	Name         string   `json:"name"`
	TownID       int64    `json:"town_id"`
	TownName     string   `json:"town_name"`
	Note         string   `json:"note"`
	Light        string   `json:"light"` // green | red
	Reasons      []string `json:"reasons"`
	PatrolsToday int      `json:"patrols_today"`
	PatrolsNeed  int      `json:"patrols_required"` // by the active warning over its town; 0 without one
	WarningLevel int      `json:"warning_level"`
	Posts        []*Post  `json:"posts"`
	unitPath     string
}

// VillageInput marks a village as a key fire village.
type VillageInput struct {
	VillageID int64  `json:"village_id"`
	Note      string `json:"note"`
}

// SaveVillage marks (or re-notes) a key fire village.
func (s *Service) SaveVillage(ctx context.Context, a *auth.Actor, in VillageInput) (*Village, error) {
	if err := auth.Require(a, auth.ManageFire); err != nil {
		return nil, err
	}
	f := errs.Fields{}
	note := text(f, "note", "说明", in.Note, 200, false)
	v, err := s.village(ctx, s.DB.Read, a, in.VillageID, "village_id")
	if err != nil {
		return nil, err
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	err = s.Audit.Write(ctx, a, func(w *audit.W) error {
		if err := s.markVillage(ctx, w, v, note, true); err != nil {
			return err
		}
		return w.Record(audit.Entry{Action: "fire.village", ObjectType: "fire_village", ObjectID: idStr(v.ID), UnitID: v.ID,
			Summary: "设为重点防火村：" + v.Name, After: in})
	})
	if err != nil {
		return nil, err
	}
	return s.getVillage(ctx, a, v.ID)
}

func (s *Service) markVillage(ctx context.Context, w *audit.W, v *unit, note string, setNote bool) error {
	var n int
	if err := w.QueryRowContext(ctx, `SELECT COUNT(*) FROM fire_villages WHERE village_id = $1`, v.ID).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		_, err := w.ExecContext(ctx, `INSERT INTO fire_villages (village_id, unit_path, town_id, note, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $5)`, v.ID, v.Path, db.NullID(v.TownID), note, w.Now())
		return err
	}
	if setNote {
		_, err := w.ExecContext(ctx, `UPDATE fire_villages SET note = $1, updated_at = $2 WHERE village_id = $3`, note, w.Now(), v.ID)
		return err
	}
	return nil
}

// SavePost creates (id 0) or replaces a patrol post.
func (s *Service) SavePost(ctx context.Context, a *auth.Actor, id int64, in PostInput) (*Post, error) {
	if err := auth.Require(a, auth.ManageFire); err != nil {
		return nil, err
	}
	var before *Post
	if id != 0 {
		ps, err := s.posts(ctx, a, "p.id = $1", db.Args{id})
		if err != nil {
			return nil, err
		}
		if len(ps) == 0 {
			return nil, errs.NotFoundf("公益岗位", "post")
		}
		before = ps[0]
		if in.VillageID == 0 {
			in.VillageID = before.VillageID
		}
	}
	f := errs.Fields{}
	name := text(f, "name", "岗位名称", in.Name, 50, true)
	ms := s.members(ctx, a, f, "patrollers", in.Patrollers, 50)
	min := DefaultMinPatrollers
	if in.MinPatrollers != nil {
		if min = *in.MinPatrollers; min < 1 || min > 20 {
			f.Add("min_patrollers", "最低巡查员人数应为1到20", "min_patrollers must be 1 to 20")
		}
	}
	v, err := s.village(ctx, s.DB.Read, a, in.VillageID, "village_id")
	if err != nil {
		return nil, err
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	mj, _ := json.Marshal(ms)
	err = s.Audit.Write(ctx, a, func(w *audit.W) error {
		if err := s.markVillage(ctx, w, v, "", false); err != nil {
			return err
		}
		action, summary := "fire.post.update", "修改公益岗位“"+name+"”（"+v.Name+"）"
		if id == 0 {
			action, summary = "fire.post.create", "新建公益岗位“"+name+"”（"+v.Name+"）"
			if err := w.QueryRowContext(ctx, `INSERT INTO fire_posts (village_id, unit_path, name, patrollers, patroller_count, min_patrollers,
				created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id`, v.ID, v.Path, name, string(mj), len(ms), min,
				w.Now()).Scan(&id); err != nil {
				return err
			}
		} else if _, err := w.ExecContext(ctx, `UPDATE fire_posts SET village_id = $1, unit_path = $2, name = $3, patrollers = $4,
			patroller_count = $5, min_patrollers = $6, updated_at = $7 WHERE id = $8`, v.ID, v.Path, name, string(mj), len(ms), min,
			w.Now(), id); err != nil {
			return err
		}
		return w.Record(audit.Entry{Action: action, ObjectType: "fire_post", ObjectID: idStr(id), UnitID: v.ID, Summary: summary,
			Before: before, After: in})
	})
	if err != nil {
		return nil, err
	}
	// Answered as the lights see it now (required and below included).
	v2, err := s.getVillage(ctx, a, v.ID)
	if err != nil {
		return nil, err
	}
	for _, p := range v2.Posts {
		if p.ID == id {
			return p, nil
		}
	}
	return nil, errs.NotFoundf("公益岗位", "post")
}

func (s *Service) posts(ctx context.Context, a *auth.Actor, cond string, args db.Args) ([]*Post, error) {
	sc := scope(a, "p.unit_path", &args)
	rows, err := s.DB.Read.QueryContext(ctx, `SELECT p.id, p.village_id, u.name, p.name, p.patrollers, p.patroller_count, p.min_patrollers, p.unit_path
		FROM fire_posts p JOIN units u ON u.id = p.village_id WHERE `+cond+` AND `+sc+` ORDER BY u.path, p.name, p.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*Post{}
	for rows.Next() {
		p := &Post{}
		var mj string
		if err := rows.Scan(&p.ID, &p.VillageID, &p.VillageName, &p.Name, &mj, &p.PatrollerCount, &p.MinPatrollers, &p.unitPath); err != nil {
			return nil, err
		}
		_ = json.Unmarshal([]byte(mj), &p.Patrollers)
		p.Required = p.MinPatrollers
		out = append(out, p)
	}
	return out, rows.Err()
}

// ListVillages lists the key fire villages in scope with posts and lights
// worked out now (the job stores them hourly and reminds the towns).
func (s *Service) ListVillages(ctx context.Context, a *auth.Actor) ([]*Village, error) {
	if err := auth.Require(a, auth.ViewFire); err != nil {
		return nil, err
	}
	return s.evaluate(ctx, a, s.Clock.Now())
}

func (s *Service) getVillage(ctx context.Context, a *auth.Actor, id int64) (*Village, error) {
	vs, err := s.evaluate(ctx, a, s.Clock.Now())
	if err != nil {
		return nil, err
	}
	for _, v := range vs {
		if v.ID == id {
			return v, nil
		}
	}
	return nil, errs.NotFoundf("重点防火村", "key village")
}

// warningFor is the strictest active warning over each town (by town id;
// 0 holds a district-wide one).
type warnings []fire.Warning

func (s *Service) activeWarnings(ctx context.Context, at time.Time) (warnings, error) {
	if s.Fire == nil {
		return nil, nil
	}
	return s.Fire.ActiveWarnings(ctx, at)
}

// over returns the highest-level warning covering town, or nil.
func (ws warnings) over(townID int64) *fire.Warning {
	var best *fire.Warning
	for i := range ws {
		if ws[i].Covers(townID) && (best == nil || ws[i].Level > best.Level) {
			best = &ws[i]
		}
	}
	return best
}

// evaluate works out every key village's light at a moment: red when it
// has no post, a post has fewer patrollers than its minimum (raised by the
// warning over its town), or fewer patrols today than the warning requires.
func (s *Service) evaluate(ctx context.Context, a *auth.Actor, at time.Time) ([]*Village, error) {
	ws, err := s.activeWarnings(ctx, at)
	if err != nil {
		return nil, err
	}
	day := calendar.DateOf(at)
	args := db.Args{day.String()}
	sc := scope(a, "v.unit_path", &args)
	rows, err := s.DB.Read.QueryContext(ctx, `SELECT v.village_id, u.name, COALESCE(v.town_id, 0), COALESCE(t.name, ''), v.note, v.unit_path,
		(SELECT COUNT(*) FROM fire_patrols p WHERE p.unit_id = v.village_id AND p.on_day = $1)
		FROM fire_villages v JOIN units u ON u.id = v.village_id LEFT JOIN units t ON t.id = v.town_id WHERE `+sc+` ORDER BY t.sort_order, t.id, u.sort_order, u.id`, args...)
	if err != nil {
		return nil, err
	}
	out := []*Village{}
	byID := map[int64]*Village{}
	for rows.Next() {
		v := &Village{Posts: []*Post{}, Reasons: []string{}}
		if err := rows.Scan(&v.ID, &v.Name, &v.TownID, &v.TownName, &v.Note, &v.unitPath, &v.PatrolsToday); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, v)
		byID[v.ID] = v
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	posts, err := s.posts(ctx, a, "TRUE", db.Args{})
	if err != nil {
		return nil, err
	}
	for _, p := range posts {
		if v := byID[p.VillageID]; v != nil {
			v.Posts = append(v.Posts, p)
		}
	}
	for _, v := range out {
		w := ws.over(v.TownID)
		if w != nil {
			v.WarningLevel, v.PatrolsNeed = w.Level, w.Requirement.PatrolsPerDay
		}
		if len(v.Posts) == 0 {
			v.Reasons = append(v.Reasons, "未设公益岗位")
		}
		for _, p := range v.Posts {
			if w != nil && w.Requirement.PatrollersPerPost > p.Required {
				p.Required = w.Requirement.PatrollersPerPost
			}
			if p.PatrollerCount < p.Required {
				p.Below = true
				why := fmt.Sprintf("%s巡查员%d人，少于最低%d人", p.Name, p.PatrollerCount, p.Required)
				if p.Required > p.MinPatrollers {
					why = fmt.Sprintf("%s巡查员%d人，少于%d级火险预警要求的%d人", p.Name, p.PatrollerCount, w.Level, p.Required)
				}
				v.Reasons = append(v.Reasons, why)
			}
		}
		if v.PatrolsToday < v.PatrolsNeed {
			v.Reasons = append(v.Reasons, fmt.Sprintf("今日巡查%d次，少于%d级火险预警要求的每日%d次", v.PatrolsToday, v.WarningLevel, v.PatrolsNeed))
		}
		v.Light = "green"
		if len(v.Reasons) > 0 {
			v.Light = "red"
		}
	}
	return out, nil
}

// Relight recomputes every key village's light now (the button on the
// posts page) and answers how many of the actor's villages are red: the
// run covers the district, the answer only what the actor may see.
func (s *Service) Relight(ctx context.Context, a *auth.Actor) (int, error) {
	if err := auth.Require(a, auth.ManageFire); err != nil {
		return 0, err
	}
	if _, err := s.RecomputeLights(ctx, s.Clock.Now()); err != nil {
		return 0, err
	}
	vs, err := s.ListVillages(ctx, a)
	red := 0
	for _, v := range vs {
		if v.Light == "red" {
			red++
		}
	}
	return red, err
}

// RecomputeLights stores every key village's light and reminds the town of
// each red village once a day (job fire.posts, hourly). It returns how many
// villages are red.
func (s *Service) RecomputeLights(ctx context.Context, at time.Time) (int, error) {
	sys := auth.System("fire.posts")
	vs, err := s.evaluate(ctx, sys, at)
	if err != nil {
		return 0, err
	}
	day := calendar.DateOf(at).String()
	// What is stored, so a run that changes nothing writes nothing (and
	// leaves no hourly audit entry).
	type stored struct{ light, reason, reminded string }
	was := map[int64]stored{}
	rows, err := s.DB.Read.QueryContext(ctx, `SELECT village_id, light, light_reason, COALESCE(reminded_on, '') FROM fire_villages`)
	if err != nil {
		return 0, err
	}
	for rows.Next() {
		var id int64
		var st stored
		if err := rows.Scan(&id, &st.light, &st.reason, &st.reminded); err != nil {
			rows.Close()
			return 0, err
		}
		was[id] = st
	}
	rows.Close()
	type change struct {
		v      *Village
		reason string
		remind bool
	}
	var changes []change
	red := 0
	for _, v := range vs {
		if v.Light == "red" {
			red++
		}
		c := change{v: v, reason: strings.Join(v.Reasons, "；")}
		c.remind = v.Light == "red" && v.TownID != 0 && was[v.ID].reminded != day
		if c.remind || was[v.ID].light != v.Light || was[v.ID].reason != c.reason {
			changes = append(changes, c)
		}
	}
	if len(changes) == 0 {
		return red, nil
	}
	err = s.Audit.Write(ctx, sys, func(w *audit.W) error {
		for _, c := range changes {
			v := c.v
			if _, err := w.ExecContext(ctx, `UPDATE fire_villages SET light = $1, light_reason = $2, light_at = $3,
				reminded_on = CASE WHEN $4 THEN $5 ELSE reminded_on END WHERE village_id = $6`, v.Light, c.reason, w.Now(), c.remind, day, v.ID); err != nil {
				return err
			}
			if c.remind {
				if err := s.send(ctx, w, notify.Message{Kind: "fire.posts", Title: "重点防火村亮红灯：" + v.Name,
					Body: v.Name + "：" + c.reason + "。请督促落实巡查力量。", Link: "/fire/posts", UnitIDs: []int64{v.TownID},
					ObjectType: "fire_village", ObjectID: idStr(v.ID), DedupKey: "fire.posts:" + idStr(v.ID) + ":" + day}); err != nil {
					return err
				}
			}
		}
		return w.Record(audit.Entry{Action: "fire.posts.lights", ObjectType: "fire_village", ObjectID: "*",
			Summary: fmt.Sprintf("重点防火村亮灯：%d个村变化，共%d个红灯", len(changes), red)})
	})
	return red, err
}
