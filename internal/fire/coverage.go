package fire

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"

	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/calendar"
	"diaodu/internal/platform/db"
	"diaodu/internal/platform/errs"
)

// Coverage is a letter's coverage in the actor's scope: households (active,
// in the letter's area) and households reached, per village and town.
// letterID 0 picks the latest letter in its period the actor sees.
func (s *Service) Coverage(ctx context.Context, a *auth.Actor, letterID int64) (*Coverage, error) {
	if err := auth.Require(a, auth.ViewFire); err != nil {
		return nil, err
	}
	if letterID == 0 {
		ls, err := s.ListLetters(ctx, a, true)
		if err != nil {
			return nil, err
		}
		if len(ls) == 0 {
			return &Coverage{Towns: []Count{}, Villages: []Count{}, Uncovered: []Count{}, Target: s.target(ctx)}, nil
		}
		letterID = ls[0].ID
	}
	l, err := s.letter(ctx, a, s.DB.Read, letterID)
	if err != nil {
		return nil, err
	}
	return s.coverage(ctx, a, l)
}

func (s *Service) target(ctx context.Context) int {
	st, err := s.settings.Get(ctx, s.DB.Read)
	if err != nil {
		return DefaultSettings.CoverageTarget
	}
	return st.CoverageTarget
}

// coverage joins the registry's household counters per village (kept in
// the transaction of every household write) with the reached counters kept
// by deliveries, limited to the actor's scope and the letter's towns.
func (s *Service) coverage(ctx context.Context, a *auth.Actor, l *Letter) (*Coverage, error) {
	c := &Coverage{LetterID: l.ID, Title: l.Title, Target: s.target(ctx), Towns: []Count{}, Villages: []Count{}, Uncovered: []Count{}}
	households, err := s.Registry.HouseholdCounts(ctx, s.DB.Read)
	if err != nil {
		return nil, err
	}
	reached := map[int64]int{}
	rrows, err := s.DB.Read.QueryContext(ctx, `SELECT village_id, reached FROM fire_coverage WHERE letter_id = $1`, l.ID)
	if err != nil {
		return nil, err
	}
	for rrows.Next() {
		var v int64
		var n int
		if err := rrows.Scan(&v, &n); err != nil {
			rrows.Close()
			return nil, err
		}
		reached[v] = n
	}
	rrows.Close()
	if err := rrows.Err(); err != nil {
		return nil, err
	}
	urows, err := s.DB.Read.QueryContext(ctx, `SELECT v.id, v.name, v.path, t.id, t.name FROM units v JOIN units t ON t.id = v.parent_id
		WHERE v.kind = 'village' ORDER BY t.sort_order, t.id, v.sort_order, v.id`)
	if err != nil {
		return nil, err
	}
	defer urows.Close()
	towns := map[int64]*Count{}
	var townOrder []int64
	for urows.Next() {
		var v Count
		var path, townName string
		if err := urows.Scan(&v.ID, &v.Name, &path, &v.TownID, &townName); err != nil {
			return nil, err
		}
		v.Households = households[v.ID]
		if v.Households == 0 || !a.InScope(path) || !letterCovers(l, v.TownID) {
			continue
		}
		v.Reached = min(reached[v.ID], v.Households)
		v.Rate = rate(v.Reached, v.Households)
		v.Below = v.Rate < float64(c.Target)
		c.Villages = append(c.Villages, v)
		t := towns[v.TownID]
		if t == nil {
			t = &Count{ID: v.TownID, Name: townName}
			towns[v.TownID] = t
			townOrder = append(townOrder, v.TownID)
		}
		t.Households += v.Households
		t.Reached += v.Reached
	}
	if err := urows.Err(); err != nil {
		return nil, err
	}
	c.Total.Name = "合计"
	for _, id := range townOrder {
		t := towns[id]
		t.Rate = rate(t.Reached, t.Households)
		t.Below = t.Rate < float64(c.Target)
		c.Towns = append(c.Towns, *t)
		c.Total.Households += t.Households
		c.Total.Reached += t.Reached
	}
	c.Total.Rate = rate(c.Total.Reached, c.Total.Households)
	c.Total.Below = c.Total.Rate < float64(c.Target)
	for _, v := range c.Villages {
		if v.Below {
			c.Uncovered = append(c.Uncovered, v)
		}
	}
	sort.SliceStable(c.Uncovered, func(i, j int) bool { return c.Uncovered[i].Rate < c.Uncovered[j].Rate })
	return c, nil
}

// Pending lists a village's active households that have not signed for
// the letter, by household code; q searches head name, address and code.
// villageID 0 is the actor's own village.
func (s *Service) Pending(ctx context.Context, a *auth.Actor, letterID, villageID int64, q string, limit, offset int) ([]Household, int, error) {
	if err := auth.Require(a, auth.ViewFire); err != nil {
		return nil, 0, err
	}
	l, err := s.letter(ctx, a, s.DB.Read, letterID)
	if err != nil {
		return nil, 0, err
	}
	f := errs.Fields{}
	v, err := s.village(ctx, a, l, villageID, f)
	if err != nil {
		return nil, 0, err
	}
	if err := f.Err(); err != nil {
		return nil, 0, err
	}
	args := &db.Args{}
	where := `h.village_id = ` + args.Add(v.ID) + ` AND h.active = TRUE AND NOT EXISTS (SELECT 1 FROM fire_deliveries d
		WHERE d.letter_id = ` + args.Add(l.ID) + ` AND d.household_id = h.id)`
	if q = strings.TrimSpace(q); q != "" {
		p := args.Add(db.Like(q))
		where += ` AND (LOWER(h.head_name) LIKE ` + p + ` ESCAPE '\' OR LOWER(h.address) LIKE ` + p + ` ESCAPE '\' OR LOWER(h.code) LIKE ` + p + ` ESCAPE '\')`
	}
	var total int
	if err := s.DB.Read.QueryRowContext(ctx, `SELECT COUNT(*) FROM households h WHERE `+where, *args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	page := ""
	if limit > 0 {
		page = fmt.Sprintf(` LIMIT %s OFFSET %s`, args.Add(limit), args.Add(offset))
	}
	rows, err := s.DB.Read.QueryContext(ctx, `SELECT h.id, h.code, h.head_name, h.address, h.people FROM households h WHERE `+where+
		` ORDER BY h.code, h.id`+page, *args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []Household{}
	for rows.Next() {
		var h Household
		if err := rows.Scan(&h.ID, &h.Code, &h.HeadName, &h.Address, &h.People); err != nil {
			return nil, 0, err
		}
		out = append(out, h)
	}
	return out, total, rows.Err()
}

// SheetRows are the lines of a village's printable receipt sheet: the
// households not reached yet, with blank signature and date columns.
func (s *Service) SheetRows(ctx context.Context, a *auth.Actor, letterID, villageID int64) (title string, rows [][]any, err error) {
	hs, _, err := s.Pending(ctx, a, letterID, villageID, "", 0, 0)
	if err != nil {
		return "", nil, err
	}
	l, err := s.letter(ctx, a, s.DB.Read, letterID)
	if err != nil {
		return "", nil, err
	}
	var village string
	if villageID == 0 {
		villageID = a.UnitID
	}
	if err := s.DB.Read.QueryRowContext(ctx, `SELECT name FROM units WHERE id = $1`, villageID).Scan(&village); err != nil && err != sql.ErrNoRows {
		return "", nil, err
	}
	rows = make([][]any, len(hs))
	for i, h := range hs {
		rows[i] = []any{i + 1, h.HeadName, h.Address, h.People, "", ""}
	}
	return fmt.Sprintf("%s 签收回执单（%s，打印于%s）", l.Title, village, calendar.DateOf(s.Clock.Now().In(shanghai))), rows, nil
}
