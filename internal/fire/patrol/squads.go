package patrol

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"diaodu/internal/fire"
	"diaodu/internal/org"
	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/db"
	"diaodu/internal/platform/errs"
)

// Member is a squad member or a post's patroller: a user, or a typed name
// for people without an account.
type Member struct {
	UserID int64  `json:"user_id,omitempty"`
	Name   string `json:"name"`
}

// Squad is a patrol squad (e.g. 摩托车+小红旗 骑巡小分队).
type Squad struct {
	ID        int64      `json:"id"`
	Name      string     `json:"name"`
	Kind      string     `json:"kind"`
	Unit      fire.Ref   `json:"unit"`
	Members   []Member   `json:"members"`
	Areas     []fire.Ref `json:"areas"`
	Active    bool       `json:"active"`
	UpdatedAt time.Time  `json:"updated_at"`
	unitPath  string
}

// SquadInput creates or replaces a squad.
type SquadInput struct {
	Name    string   `json:"name"`
	Kind    string   `json:"kind"`
	UnitID  int64    `json:"unit_id"`
	Members []Member `json:"members"`
	AreaIDs []int64  `json:"area_ids"`
	Active  *bool    `json:"active"`
}

// members checks a member list: users must exist in the actor's scope,
// typed names must not be empty; the user's name is filled in.
func (s *Service) members(ctx context.Context, a *auth.Actor, f errs.Fields, field string, in []Member, max int) []Member {
	out := []Member{}
	for _, m := range in {
		m.Name = strings.TrimSpace(m.Name)
		if m.UserID != 0 {
			var path string
			err := s.DB.Read.QueryRowContext(ctx, `SELECT u.real_name, un.path FROM users u JOIN units un ON un.id = u.unit_id
				WHERE u.id = $1 AND u.active`, m.UserID).Scan(&m.Name, &path)
			if err != nil || !a.InScope(path) {
				f.Add(field, "成员中有用户不存在或不在您的管辖范围内", "a member user was not found")
				continue
			}
		} else if m.Name == "" || len([]rune(m.Name)) > 20 {
			f.Add(field, "成员姓名应为1到20个字", "member names must be 1 to 20 characters")
			continue
		}
		out = append(out, m)
	}
	if len(out) > max {
		f.Add(field, "人数过多", "too many members")
	}
	return out
}

func (s *Service) squadInput(ctx context.Context, a *auth.Actor, in SquadInput) (*unit, []Member, []*unit, error) {
	f := errs.Fields{}
	in.Name = text(f, "name", "小分队名称", in.Name, 50, true)
	text(f, "kind", "类型", in.Kind, 30, false)
	ms := s.members(ctx, a, f, "members", in.Members, 100)
	if len(ms) == 0 {
		f.Add("members", "请至少添加一名队员", "at least one member is required")
	}
	u := s.pickUnit(ctx, a, f, "unit_id", "所属乡镇或村", in.UnitID, org.KindTown, org.KindVillage)
	areas := []*unit{}
	for _, id := range in.AreaIDs {
		if v := s.pickUnit(ctx, a, f, "area_ids", "巡查区域", id, org.KindTown, org.KindVillage); v != nil {
			areas = append(areas, v)
		}
	}
	if len(in.AreaIDs) == 0 {
		f.Add("area_ids", "请选择巡查区域", "choose the area")
	}
	if err := f.Err(); err != nil {
		return nil, nil, nil, err
	}
	return u, ms, areas, nil
}

// mergeFields copies a validation error's fields into f (other errors are kept as a field too).
func mergeFields(f errs.Fields, err error) {
	if e, ok := errs.As(err); ok && e.Fields != nil {
		for k, v := range e.Fields {
			f.Add(k, v.ZH, v.EN)
		}
		return
	}
	f.Add("_", err.Error(), err.Error())
}

// SaveSquad creates (id 0) or replaces a squad.
func (s *Service) SaveSquad(ctx context.Context, a *auth.Actor, id int64, in SquadInput) (*Squad, error) {
	if err := auth.Require(a, auth.ManageFire); err != nil {
		return nil, err
	}
	var before *Squad
	if id != 0 {
		var err error
		if before, err = s.GetSquad(ctx, a, id); err != nil {
			return nil, err
		}
		// A squad is listed wherever its area reaches (a town's squad helps a
		// neighbour's village), but only its own unit's managers change it.
		if !a.InScope(before.unitPath) {
			return nil, errs.New(errs.Forbidden, "该小分队属于“"+before.Unit.Name+"”，只能由其所属单位修改", "only the squad's own unit may change it")
		}
	}
	u, ms, areas, err := s.squadInput(ctx, a, in)
	if err != nil {
		return nil, err
	}
	active := in.Active == nil || *in.Active
	mj, _ := json.Marshal(ms)
	err = s.Audit.Write(ctx, a, func(w *audit.W) error {
		action, summary := "fire.squad.update", "修改巡查小分队“"+in.Name+"”"
		if id == 0 {
			action, summary = "fire.squad.create", "新建巡查小分队“"+in.Name+"”"
			if err := w.QueryRowContext(ctx, `INSERT INTO fire_squads (name, kind, unit_id, unit_path, members, active, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id`, strings.TrimSpace(in.Name), strings.TrimSpace(in.Kind), u.ID, u.Path,
				string(mj), active, w.Now()).Scan(&id); err != nil {
				return err
			}
		} else {
			if _, err := w.ExecContext(ctx, `UPDATE fire_squads SET name = $1, kind = $2, unit_id = $3, unit_path = $4, members = $5,
				active = $6, updated_at = $7 WHERE id = $8`, strings.TrimSpace(in.Name), strings.TrimSpace(in.Kind), u.ID, u.Path,
				string(mj), active, w.Now(), id); err != nil {
				return err
			}
			if _, err := w.ExecContext(ctx, `DELETE FROM fire_squad_areas WHERE squad_id = $1`, id); err != nil {
				return err
			}
		}
		seen := map[int64]bool{}
		for _, ar := range areas {
			if seen[ar.ID] {
				continue
			}
			seen[ar.ID] = true
			if _, err := w.ExecContext(ctx, `INSERT INTO fire_squad_areas (squad_id, unit_id) VALUES ($1, $2)`, id, ar.ID); err != nil {
				return err
			}
		}
		return w.Record(audit.Entry{Action: action, ObjectType: "fire_squad", ObjectID: idStr(id), UnitID: u.ID,
			Summary: summary, Before: before, After: in})
	})
	if err != nil {
		return nil, err
	}
	return s.GetSquad(ctx, a, id)
}

// GetSquad reads a squad in scope.
func (s *Service) GetSquad(ctx context.Context, a *auth.Actor, id int64) (*Squad, error) {
	if err := auth.Require(a, auth.ViewFire); err != nil {
		return nil, err
	}
	sq, err := s.squads(ctx, a, "q.id = $1", db.Args{id})
	if err != nil {
		return nil, err
	}
	if len(sq) == 0 {
		return nil, errs.NotFoundf("巡查小分队", "squad")
	}
	return sq[0], nil
}

// ListSquads lists the squads of units in scope, and those whose area
// reaches into it (a town's squad patrols the village too).
func (s *Service) ListSquads(ctx context.Context, a *auth.Actor) ([]*Squad, error) {
	if err := auth.Require(a, auth.ViewFire); err != nil {
		return nil, err
	}
	return s.squads(ctx, a, "TRUE", db.Args{})
}

func (s *Service) squads(ctx context.Context, a *auth.Actor, cond string, args db.Args) ([]*Squad, error) {
	sc := scope(a, "q.unit_path", &args)
	sa := scope(a, "au.path", &args)
	rows, err := s.DB.Read.QueryContext(ctx, `SELECT q.id, q.name, q.kind, q.unit_id, un.name, q.unit_path, q.members, q.active, q.updated_at
		FROM fire_squads q JOIN units un ON un.id = q.unit_id WHERE `+cond+` AND (`+sc+` OR EXISTS (SELECT 1 FROM fire_squad_areas sa
		JOIN units au ON au.id = sa.unit_id WHERE sa.squad_id = q.id AND `+sa+`)) ORDER BY q.active DESC, un.sort_order, q.name, q.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*Squad{}
	byID := map[int64]*Squad{}
	for rows.Next() {
		q := &Squad{Areas: []fire.Ref{}}
		var mj string
		if err := rows.Scan(&q.ID, &q.Name, &q.Kind, &q.Unit.ID, &q.Unit.Name, &q.unitPath, &mj, &q.Active, &q.UpdatedAt); err != nil {
			return nil, err
		}
		_ = json.Unmarshal([]byte(mj), &q.Members)
		out = append(out, q)
		byID[q.ID] = q
	}
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
	}
	ar, err := s.DB.Read.QueryContext(ctx, `SELECT sa.squad_id, u.id, u.name FROM fire_squad_areas sa JOIN units u ON u.id = sa.unit_id
		ORDER BY u.path`)
	if err != nil {
		return nil, err
	}
	defer ar.Close()
	for ar.Next() {
		var sid int64
		var r fire.Ref
		if err := ar.Scan(&sid, &r.ID, &r.Name); err != nil {
			return nil, err
		}
		if q := byID[sid]; q != nil {
			q.Areas = append(q.Areas, r)
		}
	}
	return out, ar.Err()
}
