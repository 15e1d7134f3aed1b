package registry

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"diaodu/internal/org"
	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/db"
	"diaodu/internal/platform/errs"
	"diaodu/internal/platform/httpx"
	"diaodu/internal/platform/textsearch"
)

// Household is a household (户) of a village. The fire module delivers its
// letters to households; the citizens' module will visit them.
type Household struct {
	ID          int64     `json:"id"`
	VillageID   int64     `json:"village_id"`
	VillageName string    `json:"village_name"`
	VillagePath string    `json:"-"`
	TownID      int64     `json:"town_id"`
	TownName    string    `json:"town_name"`
	Code        string    `json:"code"`
	HeadName    string    `json:"head_name"`
	Address     string    `json:"address"`
	Phone       string    `json:"phone"` // masked unless the actor may view phones
	People      int       `json:"people"`
	Note        string    `json:"note"`
	Active      bool      `json:"active"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// HouseholdInput creates a household or patches one (nil: unchanged). An
// empty code on create gives the next "<village code>-0001".
type HouseholdInput struct {
	VillageID *int64  `json:"village_id"`
	Code      *string `json:"code"`
	HeadName  *string `json:"head_name"`
	Address   *string `json:"address"`
	Phone     *string `json:"phone"`
	People    *int    `json:"people"`
	Note      *string `json:"note"`
	Active    *bool   `json:"active"`
}

// HouseholdFilter selects households for a list.
type HouseholdFilter struct {
	TownID    int64
	VillageID int64
	Q         string // head name, address or code contains
	Active    *bool
}

// MaxPeople bounds the people of one household.
const MaxPeople = 50

const hhCols = `h.id, h.village_id, v.name, h.village_path, h.town_id, COALESCE(t.name, ''), h.code, h.head_name, h.address,
	h.phone, h.people, h.note, h.active, h.created_at, h.updated_at`

const hhFrom = ` FROM households h JOIN units v ON v.id = h.village_id LEFT JOIN units t ON t.id = h.town_id `

func scanHousehold(sc scanner) (*Household, error) {
	var h Household
	if err := sc.Scan(&h.ID, &h.VillageID, &h.VillageName, &h.VillagePath, &h.TownID, &h.TownName, &h.Code, &h.HeadName,
		&h.Address, &h.Phone, &h.People, &h.Note, &h.Active, &h.CreatedAt, &h.UpdatedAt); err != nil {
		return nil, err
	}
	return &h, nil
}

var householdNotFound = errs.NotFoundf("户", "household")

// DupKey is the duplicate rule's key: the head's name and the address
// with every space (half- or full-width) taken out, so "张家村 3号" and
// "张家村3号" are the same household.
func DupKey(headName, address string) string {
	strip := func(s string) string {
		return strings.Map(func(r rune) rune {
			if unicode.IsSpace(r) {
				return -1
			}
			return r
		}, s)
	}
	return strip(headName) + "|" + strip(address)
}

// oneSpace trims s and collapses runs of spaces (full-width ones too).
func oneSpace(s string) string { return strings.Join(strings.Fields(s), " ") }

// HouseholdByID loads a household regardless of scope, phone unmasked (for
// other modules, which check their own permissions); nil, nil when missing.
func (s *Service) HouseholdByID(ctx context.Context, q Querier, id int64) (*Household, error) {
	return orNil(scanHousehold(q.QueryRowContext(ctx, `SELECT `+hhCols+hhFrom+` WHERE h.id = $1`, id)))
}

// Household returns a household in the actor's scope (not found otherwise),
// phone masked unless the actor may view phones.
func (s *Service) Household(ctx context.Context, a *auth.Actor, id int64) (*Household, error) {
	if err := auth.Require(a, auth.ViewHouseholds); err != nil {
		return nil, err
	}
	h, err := s.HouseholdByID(ctx, s.DB.R, id)
	if err != nil {
		return nil, err
	}
	if h == nil || !a.InScope(h.VillagePath) {
		return nil, householdNotFound
	}
	return presentHousehold(a, h), nil
}

// HouseholdPhone returns the unmasked phone to someone who manages the
// household (village staff call their households); every look is audited.
func (s *Service) HouseholdPhone(ctx context.Context, a *auth.Actor, id int64) (string, error) {
	h, err := s.Household(ctx, a, id)
	if err != nil {
		return "", err
	}
	if !a.Can(auth.ViewPhone) {
		if err := auth.Require(a, auth.ManageHouseholds); err != nil {
			return "", err
		}
	}
	raw, err := s.HouseholdByID(ctx, s.DB.R, id)
	if err != nil || raw == nil {
		return "", err
	}
	return raw.Phone, s.Audit.Append(ctx, a, audit.Entry{Action: "household.phone", ObjectType: "household",
		ObjectID: idStr(id), UnitID: h.VillageID, Summary: "查看户主“" + h.HeadName + "”的联系电话"})
}

func presentHousehold(a *auth.Actor, h *Household) *Household {
	if !a.Can(auth.ViewPhone) {
		h.Phone = org.MaskPhone(h.Phone)
	}
	return h
}

// A village's path and a household's number are unique together, so that
// order needs no id to be stable; adding one kept SQLite from reading the
// page off the index households_village_path (0.29 s for a district's page,
// sorting 300,000 rows, instead of 0.1 ms).
var householdSorts = map[string]string{"code": "h.village_path, h.code", "head_name": "h.head_name, h.id", "people": "h.people, h.id",
	"updated_at": "h.updated_at, h.id", "village": "h.village_path, h.code", "id": "h.id"}

// householdWhere builds the list's conditions on households (alias h) or,
// with t = "c", on household_counts: the scope, the town as a range of
// village paths (so the index on village_path serves filter and order), the
// village and, for households only, active and the search.
func householdWhere(a *auth.Actor, f HouseholdFilter, townPath, villagePath, t string, dialect db.Dialect) (string, db.Args) {
	cond, args := a.ScopeFilter(t+".village_path", 1)
	where, list := cond, db.Args(args)
	arg := list.Add
	if townPath != "" {
		where += " AND " + t + ".village_path >= " + arg(townPath) + " AND " + t + ".village_path < " + arg(townPath[:len(townPath)-1]+"0")
	}
	if f.VillageID != 0 {
		where += " AND " + t + ".village_path = " + arg(villagePath)
	}
	if t == "c" {
		return where, list
	}
	if f.Active != nil {
		where += " AND h.active = " + arg(*f.Active)
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		where += " AND " + householdText.Cond(q, dialect, &list)
	}
	return where, list
}

// ListHouseholds lists the households in the actor's scope; a page size of
// 0 lists all (export). Sorted by village and code unless asked otherwise.
// Without a search the total comes from household_counts.
func (s *Service) ListHouseholds(ctx context.Context, a *auth.Actor, f HouseholdFilter, p httpx.Page) ([]*Household, int, error) {
	if err := auth.Require(a, auth.ViewHouseholds); err != nil {
		return nil, 0, err
	}
	order, err := db.OrderBy(p.Sort, "code", householdSorts, "")
	if err != nil {
		return nil, 0, err
	}
	// The town and the village become paths: one index serves filter and order.
	unitPath := func(id int64, kind string) (string, error) {
		var path string
		err := s.DB.R.QueryRowContext(ctx, `SELECT path FROM units WHERE id = $1 AND kind = $2`, id, kind).Scan(&path)
		if isNoRows(err) {
			return "", nil
		}
		return path, err
	}
	var townPath, villagePath string
	if f.TownID != 0 {
		if townPath, err = unitPath(f.TownID, org.KindTown); err != nil || townPath == "" {
			return []*Household{}, 0, err
		}
	}
	if f.VillageID != 0 {
		if villagePath, err = unitPath(f.VillageID, org.KindVillage); err != nil || villagePath == "" {
			return []*Household{}, 0, err
		}
	}
	var total int
	if strings.TrimSpace(f.Q) == "" {
		sum := "c.active + c.inactive"
		if f.Active != nil && *f.Active {
			sum = "c.active"
		} else if f.Active != nil {
			sum = "c.inactive"
		}
		where, args := householdWhere(a, f, townPath, villagePath, "c", s.DB.Dialect)
		if err := s.DB.R.QueryRowContext(ctx, `SELECT COALESCE(SUM(`+sum+`), 0) FROM household_counts c WHERE `+where, args...).Scan(&total); err != nil {
			return nil, 0, err
		}
	}
	where, args := householdWhere(a, f, townPath, villagePath, "h", s.DB.Dialect)
	if strings.TrimSpace(f.Q) != "" {
		if err := s.DB.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM households h WHERE `+where, args...).Scan(&total); err != nil {
			return nil, 0, err
		}
	}
	query := `SELECT ` + hhCols + hhFrom + ` WHERE ` + where + ` ORDER BY ` + order
	out, err := listPage(ctx, s.DB.R, query, args, p, scanHousehold)
	if err != nil {
		return nil, 0, err
	}
	for _, h := range out {
		presentHousehold(a, h)
	}
	return out, total, nil
}

// HouseholdCounts returns the number of active households per village id
// (all villages; callers filter by their own scope), from household_counts.
func (s *Service) HouseholdCounts(ctx context.Context, q Querier) (map[int64]int, error) {
	rows, err := q.QueryContext(ctx, `SELECT village_id, active FROM household_counts WHERE active > 0`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	m := map[int64]int{}
	for rows.Next() {
		var v int64
		var n int
		if err := rows.Scan(&v, &n); err != nil {
			return nil, err
		}
		m[v] = n
	}
	return m, rows.Err()
}

// Execer writes inside a transaction (*db.Tx, *audit.W).
type Execer interface {
	ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error)
}

// countDelta changes one village's counters.
type countDelta struct {
	path             string
	town             int64
	active, inactive int
}

// bumpCounts adds the deltas to household_counts, creating a village's row
// on its first household.
func bumpCounts(ctx context.Context, w Execer, deltas map[int64]*countDelta) error {
	for vid, d := range deltas {
		if d.active == 0 && d.inactive == 0 {
			continue
		}
		if _, err := w.ExecContext(ctx, `INSERT INTO household_counts (village_id, village_path, town_id, active, inactive)
			VALUES ($1, $2, $3, $4, $5) ON CONFLICT (village_id) DO UPDATE SET active = household_counts.active + excluded.active,
			inactive = household_counts.inactive + excluded.inactive`, vid, d.path, d.town, d.active, d.inactive); err != nil {
			return err
		}
	}
	return nil
}

// count records h (as it is now) with sign +1 or -1 in deltas.
func count(deltas map[int64]*countDelta, h *Household, sign int) {
	d := deltas[h.VillageID]
	if d == nil {
		d = &countDelta{path: h.VillagePath, town: h.TownID}
		deltas[h.VillageID] = d
	}
	if h.Active {
		d.active += sign
	} else {
		d.inactive += sign
	}
}

// RecountHouseholds rebuilds household_counts from the households, inside
// the caller's transaction: for bulk loads (demo, benchmarks) that copy
// households in directly.
func RecountHouseholds(ctx context.Context, w Execer) error {
	if _, err := w.ExecContext(ctx, `DELETE FROM household_counts`); err != nil {
		return err
	}
	_, err := w.ExecContext(ctx, `INSERT INTO household_counts (village_id, village_path, town_id, active, inactive)
		SELECT village_id, MIN(village_path), MIN(town_id), SUM(CASE WHEN active THEN 1 ELSE 0 END),
		SUM(CASE WHEN active THEN 0 ELSE 1 END) FROM households GROUP BY village_id`)
	return err
}

// village is what a household copies from its village.
type village struct {
	id     int64
	path   string
	townID int64
	code   string
	name   string
}

// villageIn loads a village the actor may reach; anything else (missing,
// not a village, out of scope) reads as "does not exist".
func villageIn(ctx context.Context, q Querier, a *auth.Actor, id int64) (*village, error) {
	var v village
	var kind string
	var parent *int64
	err := q.QueryRowContext(ctx, `SELECT id, path, kind, code, name, parent_id FROM units WHERE id = $1`, id).
		Scan(&v.id, &v.path, &kind, &v.code, &v.name, &parent)
	if isNoRows(err) || (err == nil && (kind != org.KindVillage || !a.InScope(v.path))) {
		return nil, nil
	}
	if parent != nil {
		v.townID = *parent
	}
	return &v, err
}

// checkHousehold validates the fields that need no database.
func checkHousehold(h *Household, in HouseholdInput, f errs.Fields) {
	if in.HeadName != nil {
		h.HeadName = oneSpace(*in.HeadName)
	}
	if in.Address != nil {
		h.Address = oneSpace(*in.Address)
	}
	if in.Note != nil {
		h.Note = strings.TrimSpace(*in.Note)
	}
	if in.Code != nil {
		h.Code = strings.TrimSpace(*in.Code)
	}
	textField(f, "head_name", "户主姓名", nil, &h.HeadName, 30, true)
	textField(f, "address", "家庭住址", nil, &h.Address, 200, false)
	textField(f, "note", "备注", nil, &h.Note, 500, false)
	if utf8.RuneCountInString(h.Code) > 40 || strings.ContainsAny(h.Code, " \t") {
		f.Add("code", "户号不超过40个字符，且不能含空格", "code: at most 40 characters, no spaces")
	}
	phoneField(f, "phone", in.Phone, &h.Phone)
	if in.People != nil {
		h.People = *in.People
	}
	if h.People < 1 || h.People > MaxPeople {
		f.Add("people", fmt.Sprintf("家庭人口应为1到%d人", MaxPeople), fmt.Sprintf("people must be 1 to %d", MaxPeople))
	}
	if in.Active != nil {
		h.Active = *in.Active
	}
}

// checkUnique checks the code and the duplicate rule against the database.
func checkUnique(ctx context.Context, q Querier, h *Household, f errs.Fields) error {
	if h.Code != "" {
		var other int64
		err := q.QueryRowContext(ctx, `SELECT id FROM households WHERE village_id = $1 AND code = $2 AND id <> $3`,
			h.VillageID, h.Code, h.ID).Scan(&other)
		if err == nil {
			f.Add("code", "户号“"+h.Code+"”在本村已登记", "the code "+h.Code+" is taken in this village")
		} else if !isNoRows(err) {
			return err
		}
	}
	if !h.Active {
		return nil
	}
	var code string
	err := q.QueryRowContext(ctx, `SELECT code FROM households WHERE village_id = $1 AND dup_key = $2 AND active = TRUE AND id <> $3`,
		h.VillageID, DupKey(h.HeadName, h.Address), h.ID).Scan(&code)
	switch {
	case err == nil:
		f.Add("head_name", "本村已登记户主和住址相同的户（户号"+code+"），请勿重复登记", "a household with this head and address exists (code "+code+")")
	case !isNoRows(err):
		return err
	}
	return nil
}

// nextHouseholdCodes returns n free codes "<village code>-0001" … above the
// village's highest code of that shape.
func nextHouseholdCodes(ctx context.Context, q Querier, v *village, n int, taken map[string]bool) ([]string, error) {
	prefix := v.code + "-"
	rows, err := q.QueryContext(ctx, `SELECT code FROM households WHERE village_id = $1 AND code LIKE $2`, v.id,
		strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(prefix)+"%")
	if err != nil {
		return nil, err
	}
	last := 0
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			rows.Close()
			return nil, err
		}
		var k int
		if _, err := fmt.Sscanf(strings.TrimPrefix(c, prefix), "%d", &k); err == nil && k > last {
			last = k
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]string, 0, n)
	for len(out) < n {
		last++
		if c := fmt.Sprintf("%s%04d", prefix, last); !taken[c] {
			out = append(out, c)
		}
	}
	return out, nil
}

// householdView is what the trail keeps of a household (phone masked).
func householdView(h *Household) map[string]any {
	return map[string]any{"village_id": h.VillageID, "code": h.Code, "head_name": h.HeadName, "address": h.Address,
		"phone": org.MaskPhone(h.Phone), "people": h.People, "note": h.Note, "active": h.Active}
}

// dupTaken turns a unique violation (a concurrent writer got there after
// the checks) into the same field errors the checks give.
func dupTaken(h *Household, err error) error {
	if !db.IsUniqueViolation(err) {
		return err
	}
	f := errs.Fields{}
	if strings.Contains(err.Error(), "code") {
		f.Add("code", "户号“"+h.Code+"”在本村已登记", "the code is taken in this village")
	} else {
		f.Add("head_name", "本村已登记户主和住址相同的户，请勿重复登记", "a household with this head and address exists")
	}
	return f.Err()
}

// CreateHousehold registers a household in a village the actor manages.
func (s *Service) CreateHousehold(ctx context.Context, a *auth.Actor, in HouseholdInput) (*Household, error) {
	if err := auth.Require(a, auth.ManageHouseholds); err != nil {
		return nil, err
	}
	h := &Household{People: 1, Active: true}
	err := s.Audit.Write(ctx, a, func(w *audit.W) error {
		f := errs.Fields{}
		checkHousehold(h, in, f)
		v, err := s.householdVillage(ctx, w, a, in.VillageID, h, f)
		if err != nil {
			return err
		}
		if err := checkUnique(ctx, w, h, f); err != nil {
			return err
		}
		if err := f.Err(); err != nil {
			return err
		}
		if h.Code == "" {
			codes, err := nextHouseholdCodes(ctx, w, v, 1, nil)
			if err != nil {
				return err
			}
			h.Code = codes[0]
		}
		h.CreatedAt, h.UpdatedAt = w.Now(), w.Now()
		err = w.QueryRowContext(ctx, `INSERT INTO households (village_id, village_path, town_id, code, head_name, address, phone,
			people, note, active, dup_key, created_at, updated_at, grams) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
			RETURNING id`, householdArgs(h)...).Scan(&h.ID)
		if err != nil {
			return dupTaken(h, err)
		}
		deltas := map[int64]*countDelta{}
		count(deltas, h, +1)
		if err := bumpCounts(ctx, w, deltas); err != nil {
			return err
		}
		return w.Record(audit.Entry{Action: "household.create", ObjectType: "household", ObjectID: idStr(h.ID), UnitID: h.VillageID,
			Summary: "登记" + h.VillageName + "户主“" + h.HeadName + "”（户号" + h.Code + "）", After: householdView(h)})
	})
	if err != nil {
		return nil, err
	}
	return presentHousehold(a, h), nil
}

// householdVillage resolves the input's village (or keeps h's) and copies
// its path, town and names onto h.
func (s *Service) householdVillage(ctx context.Context, q Querier, a *auth.Actor, id *int64, h *Household, f errs.Fields) (*village, error) {
	if id != nil {
		h.VillageID = *id
	}
	if h.VillageID == 0 {
		f.Add("village_id", "请选择村（社区）", "village_id is required")
		return nil, nil
	}
	v, err := villageIn(ctx, q, a, h.VillageID)
	if err != nil {
		return nil, err
	}
	if v == nil {
		f.Add("village_id", "村（社区）不存在", "village_id is not a village you manage")
		return nil, nil
	}
	h.VillagePath, h.TownID, h.VillageName = v.path, v.townID, v.name
	return v, nil
}

// householdArgs are the INSERT's (and the bulk copy's) values without id.
func householdArgs(h *Household) []any {
	return []any{h.VillageID, h.VillagePath, h.TownID, h.Code, h.HeadName, h.Address, h.Phone, h.People, h.Note, h.Active,
		DupKey(h.HeadName, h.Address), h.CreatedAt, h.UpdatedAt, HouseholdGrams(h.HeadName, h.Address, h.Code)}
}

// HouseholdCopyCols are the columns of a bulk copy into households (demo, benchmarks), in householdArgs order.
var HouseholdCopyCols = []string{"village_id", "village_path", "town_id", "code", "head_name", "address", "phone", "people",
	"note", "active", "dup_key", "created_at", "updated_at", "grams"}

// householdText is where the household list searches (see package
// textsearch; migrations 0024–0026).
var householdText = textsearch.Table{Alias: "h", FTS: "household_search", Cols: []string{"head_name", "address", "code"}}

// HouseholdGrams is the value of households.grams: the character pairs of
// the head's name, the address and the household number.
func HouseholdGrams(head, address, code string) string { return textsearch.Grams(head, address, code) }

// BackfillSearch fills the pairs of households written before migration
// 0024 (grams IS NULL); at start, a no-op once done.
func (s *Service) BackfillSearch(ctx context.Context) (int, error) {
	return textsearch.Backfill(ctx, s.DB, "households", householdText.Cols)
}

// UpdateHousehold patches a household in scope; active=false marks it
// moved away or merged (kept for history), true brings it back.
func (s *Service) UpdateHousehold(ctx context.Context, a *auth.Actor, id int64, in HouseholdInput) (*Household, error) {
	if err := auth.Require(a, auth.ViewHouseholds); err != nil {
		return nil, err
	}
	var h *Household
	err := s.Audit.Write(ctx, a, func(w *audit.W) error {
		old, err := s.HouseholdByID(ctx, w, id)
		if h, err = forEdit(a, old, err, func(h *Household) bool { return a.InScope(h.VillagePath) }, householdNotFound,
			auth.ManageHouseholds); err != nil {
			return err
		}
		f := errs.Fields{}
		checkHousehold(h, in, f)
		if in.Code != nil && h.Code == "" {
			f.Add("code", "户号不能为空", "code is required")
		}
		if _, err := s.householdVillage(ctx, w, a, in.VillageID, h, f); err != nil {
			return err
		}
		if err := checkUnique(ctx, w, h, f); err != nil {
			return err
		}
		if err := f.Err(); err != nil {
			return err
		}
		h.UpdatedAt = w.Now()
		_, err = w.ExecContext(ctx, `UPDATE households SET village_id = $1, village_path = $2, town_id = $3, code = $4,
			head_name = $5, address = $6, phone = $7, people = $8, note = $9, active = $10, dup_key = $11, updated_at = $12,
			grams = $13 WHERE id = $14`, h.VillageID, h.VillagePath, h.TownID, h.Code, h.HeadName, h.Address, h.Phone, h.People, h.Note,
			h.Active, DupKey(h.HeadName, h.Address), h.UpdatedAt, HouseholdGrams(h.HeadName, h.Address, h.Code), h.ID)
		if err != nil {
			return dupTaken(h, err)
		}
		deltas := map[int64]*countDelta{}
		count(deltas, old, -1)
		count(deltas, h, +1)
		if err := bumpCounts(ctx, w, deltas); err != nil {
			return err
		}
		action, verb := "household.update", "修改"
		if old.Active && !h.Active {
			action, verb = "household.deactivate", "注销（迁出、合户）"
		} else if !old.Active && h.Active {
			action, verb = "household.activate", "恢复"
		}
		return w.Record(audit.Entry{Action: action, ObjectType: "household", ObjectID: idStr(id), UnitID: h.VillageID,
			Summary: verb + h.VillageName + "户主“" + h.HeadName + "”（户号" + h.Code + "）", Before: householdView(old), After: householdView(h)})
	})
	if err != nil {
		return nil, err
	}
	return presentHousehold(a, h), nil
}
