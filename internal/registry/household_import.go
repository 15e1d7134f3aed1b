package registry

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/errs"
	"diaodu/internal/platform/imports"
	"diaodu/internal/platform/xlsx"
)

// HouseholdImporter imports the villages' own household rosters (户名册):
// title rows, merged headers, 序号 and 身份证号 columns (never read, so
// never stored). The village comes from a column or from the import form
// (village_id). A household is keyed by village + 户号, or, without a code,
// by village + head + address; re-importing a sheet adds nothing.
type HouseholdImporter struct{ S *Service }

var _ imports.ParamImporter = HouseholdImporter{}

func (HouseholdImporter) Kind() string                { return "households" }
func (HouseholdImporter) Permission() auth.Permission { return auth.ManageHouseholds }
func (HouseholdImporter) Spec() xlsx.Spec             { return HouseholdSpec }

// HouseholdSpec is the roster sheet (also the export's layout, after 序号).
var HouseholdSpec = xlsx.Spec{Name: "户名册", Columns: []xlsx.Column{
	{Key: "town", Header: "乡镇（街道）", Aliases: []string{"镇（街道）", "所在镇（街道）", "乡镇", "镇街", "所属乡镇", "乡镇街道", "镇"},
		Example: "青石镇", Help: "可留空；村名在全区重名时用来区分", Width: 12},
	{Key: "village", Header: "村（社区）", Aliases: []string{"村/社区", "村", "社区", "村名", "所属村", "行政村", "村（居）委会", "所在村", "村居"},
		Example: "张家村", Help: "村（社区）的名称或单位编码；导入时已选择村（社区）的可留空", Width: 12},
	{Key: "code", Header: "户号", Aliases: []string{"户编号", "户编码", "编号"}, Example: "",
		Help: "本村内不重复；留空时系统按“村编码-0001”顺序给出", Width: 16},
	{Key: "head_name", Header: "户主姓名", Aliases: []string{"户主", "户主名", "姓名"}, Required: true, Example: "王建国", Width: 10},
	{Key: "address", Header: "家庭住址", Aliases: []string{"住址", "地址", "家庭地址", "居住地址", "现住址", "门牌号"},
		Example: "张家村三组12号", Width: 24},
	{Key: "phone", Header: "联系电话", Aliases: []string{"电话", "手机", "手机号码", "联系方式", "电话号码"}, Example: "13812345678", Width: 14},
	{Key: "people", Header: "家庭人口", Aliases: []string{"人口", "人口数", "家庭人数", "人数", "户人口数", "家庭成员数"}, Example: "4",
		Help: "1到50人，可写“4人”；留空为1", Width: 8},
	{Key: "note", Header: "备注", Aliases: []string{"说明"}, Width: 16},
}}

// householdHeader maps the service's field names to the sheet's headers.
var householdHeader = map[string]string{"village_id": "村（社区）", "code": "户号", "head_name": "户主姓名", "address": "家庭住址",
	"phone": "联系电话", "people": "家庭人口", "note": "备注"}

// Params checks the village chosen in the import form (optional).
func (im HouseholdImporter) Params(ctx context.Context, a *auth.Actor, form url.Values) (any, error) {
	s := strings.TrimSpace(form.Get("village_id"))
	if s == "" || s == "0" {
		return (*village)(nil), nil
	}
	f := errs.Fields{}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		f.Add("village_id", "村（社区）应为单位编号", "village_id must be a unit id")
		return nil, f.Err()
	}
	v, err := villageIn(ctx, im.S.DB.R, a, id)
	if err != nil {
		return nil, err
	}
	if v == nil {
		f.Add("village_id", "村（社区）不存在", "village_id is not a village you manage")
		return nil, f.Err()
	}
	return v, nil
}

// Apply imports a sheet that names the village of every row.
func (im HouseholdImporter) Apply(ctx context.Context, w *audit.W, t *xlsx.Table, progress func(int)) (imports.Result, []xlsx.CellError, error) {
	return im.ApplyParams(ctx, w, t, (*village)(nil), progress)
}

// villageFinder resolves a row's village among the villages in scope.
type villageFinder struct {
	byID    map[int64]*village
	byKey   map[string][]*village // code, name, short name → villages
	townKey map[string]int64      // town name, short name, code → id
}

func newVillageFinder(ctx context.Context, q Querier, a *auth.Actor) (*villageFinder, error) {
	cond, args := a.ScopeFilter("v.path", 1)
	rows, err := q.QueryContext(ctx, `SELECT v.id, v.path, COALESCE(v.parent_id, 0), v.code, v.name, v.short_name,
		COALESCE(t.name, ''), COALESCE(t.short_name, ''), COALESCE(t.code, '')
		FROM units v LEFT JOIN units t ON t.id = v.parent_id WHERE v.kind = 'village' AND `+cond, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	vf := &villageFinder{byID: map[int64]*village{}, byKey: map[string][]*village{}, townKey: map[string]int64{}}
	for rows.Next() {
		v := &village{}
		var short, tname, tshort, tcode string
		if err := rows.Scan(&v.id, &v.path, &v.townID, &v.code, &v.name, &short, &tname, &tshort, &tcode); err != nil {
			return nil, err
		}
		vf.byID[v.id] = v
		for _, k := range uniqueKeys(v.code, v.name, short) {
			vf.byKey[k] = append(vf.byKey[k], v)
		}
		for _, k := range uniqueKeys(tname, tshort, tcode) {
			vf.townKey[k] = v.townID
		}
	}
	return vf, rows.Err()
}

func uniqueKeys(ks ...string) []string {
	var out []string
	for i, k := range ks {
		if k != "" && !contains(ks[:i], k) {
			out = append(out, k)
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// find returns the village named (by code or name) in the town named (may
// be empty), or the problem in Chinese.
func (vf *villageFinder) find(name, town string) (*village, string) {
	cands := vf.byKey[name]
	if town != "" {
		tid, ok := vf.townKey[town]
		if !ok {
			return nil, "乡镇（街道）“" + town + "”不存在"
		}
		var in []*village
		for _, v := range cands {
			if v.townID == tid {
				in = append(in, v)
			}
		}
		cands = in
	}
	switch len(cands) {
	case 0:
		return nil, "村（社区）“" + name + "”不存在"
	case 1:
		return cands[0], ""
	}
	return nil, "有多个村（社区）叫“" + name + "”，请填写乡镇（街道）列或村编码"
}

// names tells whether s names v (its code, name or short name).
func (vf *villageFinder) names(v *village, s string) bool {
	for _, c := range vf.byKey[s] {
		if c.id == v.id {
			return true
		}
	}
	return false
}

// existing are a village's stored households, by code and by duplicate key.
type existing struct {
	byCode map[string]*Household
	byDup  map[string]*Household // active ones first: the duplicate rule is about active households
}

func loadExisting(ctx context.Context, q Querier, villageID int64) (*existing, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, code, head_name, address, phone, people, note, active, village_path, town_id
		FROM households WHERE village_id = $1`, villageID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	ex := &existing{byCode: map[string]*Household{}, byDup: map[string]*Household{}}
	for rows.Next() {
		h := &Household{VillageID: villageID}
		if err := rows.Scan(&h.ID, &h.Code, &h.HeadName, &h.Address, &h.Phone, &h.People, &h.Note, &h.Active, &h.VillagePath,
			&h.TownID); err != nil {
			return nil, err
		}
		ex.byCode[h.Code] = h
		k := DupKey(h.HeadName, h.Address)
		if prev := ex.byDup[k]; prev == nil || (!prev.Active && h.Active) {
			ex.byDup[k] = h
		}
	}
	return ex, rows.Err()
}

// people reads "4", "4人" or "4口"; empty is 1.
func peopleOf(s string) (int, bool) {
	s = strings.TrimSpace(strings.TrimRight(strings.TrimSpace(s), "人口"))
	if s == "" {
		return 1, true
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

// ApplyParams checks every row, then copies the new households in with one
// bulk insert, updates the changed ones and leaves the rest.
func (im HouseholdImporter) ApplyParams(ctx context.Context, w *audit.W, t *xlsx.Table, params any, progress func(int)) (imports.Result, []xlsx.CellError, error) {
	var res imports.Result
	a := w.Actor()
	chosen, _ := params.(*village)
	vf, err := newVillageFinder(ctx, w, a)
	if err != nil {
		return res, nil, err
	}
	var bad []xlsx.CellError
	cell := func(row int, col, msg string) { bad = append(bad, xlsx.CellError{Row: row, Column: col, Message: msg}) }
	reported := map[int]bool{} // rows already blamed as the first of a pair
	type planned struct {
		h, old *Household
		row    int
	}
	var plan []planned
	stored := map[int64]*existing{}
	firstCode, firstDup := map[string]int{}, map[string]int{}
	codesIn := map[int64]map[string]bool{} // codes the sheet uses, per village
	for i, r := range t.Rows {
		if i%4096 == 0 {
			progress(i / 2)
		}
		val := r.Values
		v := chosen
		switch name := val["village"]; {
		case v != nil && name != "" && !vf.names(v, name):
			cell(r.Num, "村（社区）", "与导入时选择的“"+v.name+"”不一致")
			continue
		case v == nil && name == "":
			cell(r.Num, "村（社区）", "村（社区）不能为空（或在导入时选择村（社区））")
			continue
		case v == nil:
			var msg string
			if v, msg = vf.find(name, val["town"]); v == nil {
				cell(r.Num, "村（社区）", msg)
				continue
			}
		}
		h := &Household{VillageID: v.id, VillagePath: v.path, TownID: v.townID, VillageName: v.name, Active: true}
		f := errs.Fields{}
		people, ok := peopleOf(val["people"])
		if !ok {
			cell(r.Num, "家庭人口", "家庭人口“"+val["people"]+"”应为1到50的整数")
			people = 1
		}
		checkHousehold(h, HouseholdInput{Code: ptr(val["code"]), HeadName: ptr(val["head_name"]), Address: ptr(val["address"]),
			Phone: ptr(val["phone"]), People: &people, Note: ptr(val["note"])}, f)
		for field, msg := range f {
			cell(r.Num, householdHeader[field], msg.ZH)
		}
		if len(f) > 0 {
			continue
		}
		// Duplicates inside the sheet: both rows are reported.
		vid := strconv.FormatInt(v.id, 10) + "|"
		dup := vid + DupKey(h.HeadName, h.Address)
		pair := func(first int, col, msg string) {
			cell(r.Num, col, fmt.Sprintf("与第%d行%s", first, msg))
			if !reported[first] {
				reported[first] = true
				cell(first, col, fmt.Sprintf("与第%d行%s", r.Num, msg))
			}
		}
		if first, seen := firstDup[dup]; seen {
			pair(first, "户主姓名", "是同一户（户主和住址相同），请删除重复的一行")
			continue
		}
		firstDup[dup] = r.Num
		if h.Code != "" {
			if first, seen := firstCode[vid+h.Code]; seen {
				pair(first, "户号", "户号相同")
				continue
			}
			firstCode[vid+h.Code] = r.Num
			if codesIn[v.id] == nil {
				codesIn[v.id] = map[string]bool{}
			}
			codesIn[v.id][h.Code] = true
		}
		ex := stored[v.id]
		if ex == nil {
			if ex, err = loadExisting(ctx, w, v.id); err != nil {
				return res, nil, err
			}
			stored[v.id] = ex
		}
		var old *Household
		same := ex.byDup[DupKey(h.HeadName, h.Address)]
		if h.Code != "" {
			old = ex.byCode[h.Code]
			if same != nil && same.Active && (old == nil || same.ID != old.ID) {
				cell(r.Num, "户主姓名", "本村已登记户主和住址相同的户（户号"+same.Code+"），请勿重复登记")
				continue
			}
		} else {
			old = same
		}
		plan = append(plan, planned{h: h, old: old, row: r.Num})
	}
	if len(bad) > 0 {
		return res, bad, nil
	}
	// Codes for new households without one, per village, above the stored
	// ones and clear of those the sheet brings.
	need := map[int64]int{}
	for _, p := range plan {
		if p.old == nil && p.h.Code == "" {
			need[p.h.VillageID]++
		}
	}
	codes := map[int64][]string{}
	for vid, n := range need {
		if codes[vid], err = nextHouseholdCodes(ctx, w, vf.byID[vid], n, codesIn[vid]); err != nil {
			return res, nil, err
		}
	}
	now := w.Now()
	var newRows [][]any
	var entries []audit.Entry
	created := map[int64]int{}
	deltas := map[int64]*countDelta{}
	for i, p := range plan {
		h := p.h
		if p.old == nil {
			if h.Code == "" {
				h.Code, codes[h.VillageID] = codes[h.VillageID][0], codes[h.VillageID][1:]
			}
			h.CreatedAt, h.UpdatedAt = now, now
			newRows = append(newRows, householdArgs(h))
			created[h.VillageID]++
			count(deltas, h, +1)
			continue
		}
		if h.Code == "" {
			h.Code = p.old.Code
		}
		h.ID, h.Active = p.old.ID, p.old.Active
		if sameHousehold(h, p.old) {
			res.Unchanged++
			continue
		}
		h.UpdatedAt = now
		if _, err := w.ExecContext(ctx, `UPDATE households SET head_name = $1, address = $2, phone = $3, people = $4, note = $5,
			dup_key = $6, updated_at = $7, grams = $8 WHERE id = $9`, h.HeadName, h.Address, h.Phone, h.People, h.Note,
			DupKey(h.HeadName, h.Address), now, HouseholdGrams(h.HeadName, h.Address, h.Code), h.ID); err != nil {
			return res, nil, dupTaken(h, err)
		}
		res.Updated++
		entries = append(entries, audit.Entry{Action: "household.update", ObjectType: "household", ObjectID: idStr(h.ID),
			UnitID: h.VillageID, Summary: "导入更新" + h.VillageName + "户主“" + h.HeadName + "”（户号" + h.Code + "）",
			Before: householdView(p.old), After: householdView(h)})
		if i%4096 == 0 {
			progress(len(plan)/2 + i/2)
		}
	}
	if _, err := w.CopyFrom(ctx, "households", HouseholdCopyCols, newRows); err != nil {
		return res, nil, dupTaken(&Household{}, err)
	}
	res.Created = len(newRows)
	if err := bumpCounts(ctx, w, deltas); err != nil {
		return res, nil, err
	}
	// One entry per village for the new households: the trail says who
	// imported how many where; per-household entries would double the
	// import's time for 300,000 rows (docs/modules/households.md).
	for vid, n := range created {
		v := vf.byID[vid]
		entries = append(entries, audit.Entry{Action: "household.import", ObjectType: "village", ObjectID: idStr(vid), UnitID: vid,
			Summary: fmt.Sprintf("导入%s户名册：新增%d户", v.name, n), After: map[string]any{"village_id": vid, "created": n}})
	}
	progress(len(t.Rows))
	if len(entries) == 0 {
		entries = append(entries, audit.Entry{Action: "household.import", ObjectType: "household", Summary: "导入户名册（无变化）"})
	}
	return res, nil, w.RecordMany(entries)
}

// sameHousehold tells whether an import row changes nothing.
func sameHousehold(h, old *Household) bool {
	return h.HeadName == old.HeadName && h.Address == old.Address && h.Phone == old.Phone && h.People == old.People &&
		h.Note == old.Note && h.Code == old.Code
}
