package patrol

import (
	"context"

	"diaodu/internal/fire"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/db"
)

// TownToday is one town's field work today on the fire home.
type TownToday struct {
	ID              int64  `json:"id"`
	Name            string `json:"name"`
	PatrolsToday    int    `json:"patrols_today"`
	PatrolsRequired int    `json:"patrols_required"` // per key village × key villages, by the warning over the town
	KeyVillages     int    `json:"key_villages"`
	RedVillages     int    `json:"red_villages"`
	BroadcastsToday int    `json:"broadcasts_today"`
	WarningLevel    int    `json:"warning_level"`
}

// Home is the fire home page's field half (coverage comes from
// GET /fire/coverage, warnings from GET /fire/warnings/active).
type Home struct {
	Warnings        []fire.Warning `json:"warnings"`
	PatrolsToday    int            `json:"patrols_today"`
	OpenPatrols     int            `json:"open_patrols"`
	FindingsToday   int            `json:"findings_today"`
	BroadcastsToday int            `json:"broadcasts_today"`
	Towns           []TownToday    `json:"towns"`
	RedVillages     []*Village     `json:"red_villages"`
	PostsBelow      []*Post        `json:"posts_below"`
	Reports         []*Report      `json:"reports"`
	ChecksOpen      int            `json:"checks_open"`
	ChecksOverdue   int            `json:"checks_overdue"`
}

// Home gathers today's field work in the actor's scope: district users see
// every town, towns their own, village staff their village.
func (s *Service) Home(ctx context.Context, a *auth.Actor) (*Home, error) {
	if err := auth.Require(a, auth.ViewFire); err != nil {
		return nil, err
	}
	now := s.Clock.Now()
	day := s.today().String()
	h := &Home{Warnings: []fire.Warning{}, Towns: []TownToday{}, RedVillages: []*Village{}, PostsBelow: []*Post{}}
	ws, err := s.activeWarnings(ctx, now)
	if err != nil {
		return nil, err
	}
	towns, err := s.townsOf(ctx, a)
	if err != nil {
		return nil, err
	}
	for _, w := range ws {
		for _, t := range towns {
			if w.Covers(t.ID) {
				h.Warnings = append(h.Warnings, w)
				break
			}
		}
	}
	byTown := map[int64]*TownToday{}
	for i := range towns {
		if w := warnings(ws).over(towns[i].ID); w != nil {
			towns[i].WarningLevel = w.Level
		}
		byTown[towns[i].ID] = &towns[i]
	}
	count := func(q string, set func(t *TownToday, n int), total *int) error {
		args := db.Args{day}
		rows, err := s.DB.Read.QueryContext(ctx, q+` AND `+scope(a, "unit_path", &args)+` GROUP BY town_id`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var tid, n int64
			if err := rows.Scan(&tid, &n); err != nil {
				return err
			}
			*total += int(n)
			if t := byTown[tid]; t != nil {
				set(t, int(n))
			}
		}
		return rows.Err()
	}
	if err := count(`SELECT COALESCE(town_id, 0), COUNT(*) FROM fire_patrols WHERE on_day = $1`,
		func(t *TownToday, n int) { t.PatrolsToday = n }, &h.PatrolsToday); err != nil {
		return nil, err
	}
	if err := count(`SELECT COALESCE(town_id, 0), COUNT(*) FROM fire_broadcasts WHERE on_day = $1`,
		func(t *TownToday, n int) { t.BroadcastsToday = n }, &h.BroadcastsToday); err != nil {
		return nil, err
	}
	args := db.Args{day}
	sc := scope(a, "p.unit_path", &args)
	if err := s.DB.Read.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN p.ended_at IS NULL THEN 1 ELSE 0 END), 0),
		COALESCE(SUM((SELECT COUNT(*) FROM fire_findings f WHERE f.patrol_id = p.id)), 0)
		FROM fire_patrols p WHERE p.on_day = $1 AND `+sc, args...).Scan(new(int), &h.OpenPatrols, &h.FindingsToday); err != nil {
		return nil, err
	}
	vs, err := s.evaluate(ctx, a, now)
	if err != nil {
		return nil, err
	}
	for _, v := range vs {
		t := byTown[v.TownID]
		if t != nil {
			t.KeyVillages++
			t.PatrolsRequired += v.PatrolsNeed
		}
		if v.Light == "red" {
			h.RedVillages = append(h.RedVillages, v)
			if t != nil {
				t.RedVillages++
			}
		}
		for _, p := range v.Posts {
			if p.Below {
				h.PostsBelow = append(h.PostsBelow, p)
			}
		}
	}
	h.Towns = towns
	if h.Reports, _, err = s.ListReports(ctx, a, ListFilter{}, 5, 0); err != nil {
		return nil, err
	}
	cargs := db.Args{day}
	csc := scope(a, "unit_path", &cargs)
	err = s.DB.Read.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN fix_by < $1 THEN 1 ELSE 0 END), 0) FROM fire_checks
		WHERE fixed_on IS NULL AND findings <> '' AND `+csc, cargs...).Scan(&h.ChecksOpen, &h.ChecksOverdue)
	return h, err
}

// townsOf lists the towns the actor works in: every town for district
// users, else the town their unit lies in.
func (s *Service) townsOf(ctx context.Context, a *auth.Actor) ([]TownToday, error) {
	out := []TownToday{}
	if !a.DistrictWide() {
		u, err := s.loadUnit(ctx, s.DB.Read, auth.System("fire.home"), a.UnitID, "", "单位")
		if err != nil || u.TownID == 0 {
			return out, err
		}
		return append(out, TownToday{ID: u.TownID, Name: u.Town}), nil
	}
	rows, err := s.DB.Read.QueryContext(ctx, `SELECT id, name FROM units WHERE kind = 'town' AND active ORDER BY path`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var t TownToday
		if err := rows.Scan(&t.ID, &t.Name); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}
