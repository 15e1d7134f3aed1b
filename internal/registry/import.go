package registry

import (
	"context"
	"fmt"
	"strings"

	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/errs"
	"diaodu/internal/platform/imports"
	"diaodu/internal/platform/xlsx"
)

// EnterpriseImporter imports the registry keyed by the credit code; rows
// without one are places keyed by their name (or by the internal code an
// export gave them). Re-importing the same sheet changes nothing.
type EnterpriseImporter struct{ S *Service }

func (EnterpriseImporter) Kind() string                { return "enterprises" }
func (EnterpriseImporter) Permission() auth.Permission { return auth.ManageEnterprises }
func (EnterpriseImporter) Spec() xlsx.Spec             { return EnterpriseSpec }

// EnterpriseSpec is the registry sheet (also the export's layout).
var EnterpriseSpec = xlsx.Spec{Name: "企业名录", Columns: []xlsx.Column{
	{Key: "name", Header: "企业（场所）名称", Aliases: []string{"企业名称", "单位名称", "名称", "场所名称", "企业全称"}, Required: true,
		Example: "示范新能源科技有限公司", Width: 30},
	{Key: "credit_code", Header: "统一社会信用代码", Aliases: []string{"信用代码", "社会信用代码", "统一代码", "代码"},
		Example: "91350100M000100Y43", Help: "18位；没有代码的场所留空，系统给出内部编码（NB开头），再次导入时可填内部编码", Width: 22},
	{Key: "kind", Header: "类型", Aliases: []string{"主体类型", "类别"}, Example: "企业", Help: "企业或场所，留空为企业（无代码时为场所）", Width: 8},
	{Key: "industry", Header: "行业", Aliases: []string{"所属行业", "行业类别", "行业分类"}, Example: "制造业", Help: "行业分类中的名称", Width: 14},
	{Key: "town", Header: "所在镇（街道）", Aliases: []string{"所在镇街", "所属镇街", "乡镇（街道）", "乡镇", "镇街", "所属乡镇"},
		Example: "青石镇", Help: "镇（街道）的名称或单位编码", Width: 14},
	{Key: "address", Header: "地址", Aliases: []string{"详细地址", "经营地址", "注册地址"}, Example: "青石镇工业园区8号", Width: 30},
	{Key: "legal_person", Header: "法定代表人", Aliases: []string{"法人", "法人代表", "负责人"}, Example: "王建国", Width: 10},
	{Key: "contact_name", Header: "联系人", Aliases: []string{"联系人姓名"}, Example: "李娜", Width: 10},
	{Key: "contact_phone", Header: "联系电话", Aliases: []string{"电话", "手机", "联系方式", "手机号码"}, Example: "13812345678", Width: 16},
	{Key: "supervising", Header: "行业主管部门", Aliases: []string{"主管部门", "监管部门", "行业监管部门"}, Example: "区应急管理局",
		Help: "单位名称、简称或编码", Width: 18},
	{Key: "risk_level", Header: "风险等级", Aliases: []string{"安全风险等级"}, Example: "一般风险", Help: "重大风险、较大风险、一般风险、低风险，可留空", Width: 10},
}}

type unitRef struct {
	id        int64
	kind      string
	ambiguous bool
}

// unitIndex finds units by name, short name or code.
func unitIndex(ctx context.Context, q Querier) (map[string]*unitRef, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, kind, name, short_name, code FROM units`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	m := map[string]*unitRef{}
	for rows.Next() {
		var u unitRef
		var name, short, code string
		if err := rows.Scan(&u.id, &u.kind, &name, &short, &code); err != nil {
			return nil, err
		}
		for _, k := range []string{name, short, code} {
			if k == "" {
				continue
			}
			if prev, ok := m[k]; ok && prev.id != u.id {
				prev.ambiguous = true
				continue
			}
			ref := u
			m[k] = &ref
		}
	}
	return m, rows.Err()
}

var kindByName = map[string]string{"企业": KindEnterprise, "enterprise": KindEnterprise, "公司": KindEnterprise,
	"个体工商户": KindEnterprise, "场所": KindPlace, "place": KindPlace}

func riskByName(s string) (string, bool) {
	if _, ok := RiskLevels[s]; ok || s == "" {
		return s, true
	}
	for k, v := range RiskLevels {
		if v == s || strings.TrimSuffix(v, "风险") == s {
			return k, true
		}
	}
	return "", false
}

// entryHeader maps the service's field names to the sheet's headers.
var entryHeader = map[string]string{"name": "企业（场所）名称", "credit_code": "统一社会信用代码", "kind": "类型",
	"industry": "行业", "town_id": "所在镇（街道）", "address": "地址", "legal_person": "法定代表人", "contact_name": "联系人",
	"contact_phone": "联系电话", "supervising_unit_id": "行业主管部门", "risk_level": "风险等级"}

// Apply validates every row with the form's rules, then inserts the new
// rows and updates the changed ones.
func (im EnterpriseImporter) Apply(ctx context.Context, w *audit.W, t *xlsx.Table, progress func(int)) (imports.Result, []xlsx.CellError, error) {
	s, a := im.S, w.Actor()
	var res imports.Result
	inds, err := s.industries(ctx, w)
	if err != nil {
		return res, nil, err
	}
	units, err := unitIndex(ctx, w)
	if err != nil {
		return res, nil, err
	}
	var bad []xlsx.CellError
	cell := func(row int, col, msg string) { bad = append(bad, xlsx.CellError{Row: row, Column: col, Message: msg}) }
	type planned struct {
		e   *Enterprise
		old *Enterprise
		row int
	}
	var plan []planned
	seen := map[string]int{}
	newPlaces := 0
	for i, r := range t.Rows {
		v := r.Values
		code := NormalizeCreditCode(v["credit_code"])
		kind := KindEnterprise
		if code == "" || IsInternalCode(code) {
			kind = KindPlace
		}
		if k := v["kind"]; k != "" {
			if kind = kindByName[k]; kind == "" {
				cell(r.Num, "类型", "类型“"+k+"”应为企业或场所")
			}
		}
		risk, ok := riskByName(v["risk_level"])
		if !ok {
			cell(r.Num, "风险等级", "风险等级“"+v["risk_level"]+"”应为重大风险、较大风险、一般风险或低风险")
		}
		unit := func(key, header string, town bool) *int64 {
			var id int64
			if name := v[key]; name != "" {
				u := units[name]
				switch {
				case u == nil || (town && u.kind != "town"):
					cell(r.Num, header, header+"“"+name+"”不存在")
				case u.ambiguous:
					cell(r.Num, header, "有多个单位叫“"+name+"”，请填写单位编码")
				default:
					id = u.id
				}
			}
			return &id
		}
		in := EnterpriseInput{Name: ptr(v["name"]), CreditCode: &code, Kind: &kind, Industry: ptr(v["industry"]),
			TownID: unit("town", "所在镇（街道）", true), Address: ptr(v["address"]), LegalPerson: ptr(v["legal_person"]),
			ContactName: ptr(v["contact_name"]), ContactPhone: ptr(v["contact_phone"]),
			SupervisingUnitID: unit("supervising", "行业主管部门", false), RiskLevel: &risk}
		key := code
		if key == "" {
			key = "name:" + strings.TrimSpace(v["name"])
		}
		if prev, dup := seen[key]; dup {
			cell(r.Num, "统一社会信用代码", fmt.Sprintf("与第%d行是同一企业（场所）", prev))
			continue
		}
		seen[key] = r.Num
		var old *Enterprise
		if code != "" {
			old, err = s.EnterpriseByCreditCode(ctx, w, code)
		} else {
			old, err = s.placeByName(ctx, w, strings.TrimSpace(v["name"]))
		}
		if err != nil {
			return res, nil, err
		}
		e := &Enterprise{Kind: KindEnterprise}
		if old != nil {
			cp := *old
			e = &cp
			if !inScope(a, old) {
				cell(r.Num, "统一社会信用代码", "该企业（场所）不在您的管理范围内")
				continue
			}
		}
		f := errs.Fields{}
		in.apply(e, inds, f)
		in.checkCode(e, f)
		if err := s.resolve(ctx, w, e, f); err != nil {
			return res, nil, err
		}
		mayWrite(a, e, f)
		for field, msg := range f {
			cell(r.Num, entryHeader[field], msg.ZH)
		}
		if old == nil && e.CreditCode == "" {
			newPlaces++
		}
		plan = append(plan, planned{e: e, old: old, row: r.Num})
		if i%500 == 0 {
			progress(i / 2)
		}
	}
	if len(bad) > 0 {
		return res, bad, nil
	}
	// Internal codes for new places follow the highest in the database and
	// in the sheet.
	var floor string
	for code := range seen {
		if IsInternalCode(code) && code > floor {
			floor = code
		}
	}
	codes, err := s.nextInternalCodes(ctx, w, newPlaces, floor)
	if err != nil {
		return res, nil, err
	}
	var newRows [][]any
	var entries []audit.Entry
	for i, p := range plan {
		e := p.e
		if p.old == nil {
			if e.CreditCode == "" {
				e.CreditCode, codes = codes[0], codes[1:]
			}
			e.CreatedAt, e.UpdatedAt = w.Now(), w.Now()
			newRows = append(newRows, insertArgs(e))
			entries = append(entries, audit.Entry{Action: "enterprise.create", ObjectType: "enterprise", ObjectID: e.CreditCode,
				UnitID: e.TownID, Summary: "导入登记" + Kinds[e.Kind] + "“" + e.Name + "”（" + e.CreditCode + "）", After: auditView(e)})
			continue
		}
		if same(e, p.old) {
			res.Unchanged++
			continue
		}
		e.UpdatedAt = w.Now()
		if err := s.write(ctx, w, e); err != nil {
			return res, nil, err
		}
		res.Updated++
		entries = append(entries, audit.Entry{Action: "enterprise.update", ObjectType: "enterprise", ObjectID: idStr(e.ID),
			UnitID: e.TownID, Summary: "导入更新" + Kinds[e.Kind] + "“" + e.Name + "”", Before: auditView(p.old), After: auditView(e)})
		if i%500 == 0 {
			progress(len(plan)/2 + i/2)
		}
	}
	if _, err := w.CopyFrom(ctx, "enterprises", []string{"name", "credit_code", "has_credit_code", "kind", "industry", "town_id",
		"town_path", "address", "legal_person", "contact_name", "contact_phone", "supervising_unit_id", "supervising_path",
		"risk_level", "created_at", "updated_at"}, newRows); err != nil {
		return res, nil, err
	}
	res.Created = len(newRows)
	progress(len(t.Rows))
	if len(entries) == 0 {
		entries = append(entries, audit.Entry{Action: "enterprise.import", ObjectType: "enterprise", Summary: "导入企业名录（无变化）"})
	}
	return res, nil, w.RecordMany(entries)
}

// same tells whether an import row changes nothing.
func same(e, old *Enterprise) bool {
	return e.Name == old.Name && e.CreditCode == old.CreditCode && e.Kind == old.Kind && e.Industry == old.Industry &&
		e.TownID == old.TownID && e.Address == old.Address && e.LegalPerson == old.LegalPerson && e.ContactName == old.ContactName &&
		e.ContactPhone == old.ContactPhone && e.SupervisingUnitID == old.SupervisingUnitID && e.RiskLevel == old.RiskLevel &&
		e.TownPath == old.TownPath && e.SupervisingPath == old.SupervisingPath
}

// placeByName finds a row without a credit code by its exact name.
func (s *Service) placeByName(ctx context.Context, q Querier, name string) (*Enterprise, error) {
	var id int64
	err := q.QueryRowContext(ctx, `SELECT id FROM enterprises WHERE name = $1 AND has_credit_code = FALSE ORDER BY id LIMIT 1`, name).Scan(&id)
	if isNoRows(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return s.EnterpriseByID(ctx, q, id)
}

func ptr[T any](v T) *T { return &v }
