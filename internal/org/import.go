package org

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/errs"
	"diaodu/internal/platform/imports"
	"diaodu/internal/platform/xlsx"
)

// UnitImporter imports units keyed by their code; rows may name parents
// that are earlier, later or already in the database.
type UnitImporter struct{ S *Service }

func (UnitImporter) Kind() string                { return "units" }
func (UnitImporter) Permission() auth.Permission { return auth.ManageOrg }

// UnitSpec is the units sheet.
var UnitSpec = xlsx.Spec{Name: "单位", Columns: []xlsx.Column{
	{Key: "code", Header: "单位编码", Aliases: []string{"编码", "单位代码", "代码"}, Required: true, Example: "ZX-TOWN-01",
		Help: "唯一编码，字母、数字、点、横线、下划线；再次导入时按编码更新", Width: 16},
	{Key: "name", Header: "单位名称", Aliases: []string{"名称", "单位全称"}, Required: true, Example: "青石镇", Width: 26},
	{Key: "short_name", Header: "简称", Aliases: []string{"单位简称"}, Example: "青石", Width: 12},
	{Key: "kind", Header: "类型", Aliases: []string{"单位类型", "类别"}, Required: true,
		Example: "乡镇/街道", Help: "区、区直部门、乡镇/街道、村/社区、专班（也认：乡镇、街道、村、社区、部门）", Width: 12},
	{Key: "parent_code", Header: "上级单位编码", Aliases: []string{"上级编码", "上级单位代码"}, Example: "SFQ",
		Help: "上级单位的编码，可以是本表中的单位；区级单位留空", Width: 16},
	{Key: "sort_order", Header: "排序", Aliases: []string{"排序号", "序号"}, Kind: xlsx.Int, Example: "10", Width: 8},
	{Key: "contact_name", Header: "联系人", Aliases: []string{"联系人姓名"}, Example: "李明", Width: 10},
	{Key: "contact_phone", Header: "联系电话", Aliases: []string{"联系人电话", "电话"}, Example: "0871-6512345", Width: 16},
	{Key: "active", Header: "是否启用", Aliases: []string{"状态", "启用"}, Kind: xlsx.Bool, Example: "是", Help: "是/否，留空为是", Width: 10},
}}

func (UnitImporter) Spec() xlsx.Spec { return UnitSpec }

type existingUnit struct {
	Unit
	row int // the sheet row that sets it, 0 when only in the database
}

func headerOf(spec xlsx.Spec, key string) string {
	for _, c := range spec.Columns {
		if c.Key == key {
			return c.Header
		}
	}
	return key
}

// fieldErrors turns a service validation into cell errors of row.
func fieldErrors(spec xlsx.Spec, row int, f errs.Fields, fieldToKey map[string]string) []xlsx.CellError {
	var out []xlsx.CellError
	for field, msg := range f {
		key := field
		if k, ok := fieldToKey[field]; ok {
			key = k
		}
		out = append(out, xlsx.CellError{Row: row, Column: headerOf(spec, key), Message: msg.ZH})
	}
	return out
}

// Apply validates every row with the same rules as the form, resolves
// parents, then copies new units in bulk and updates changed ones.
func (im UnitImporter) Apply(ctx context.Context, w *audit.W, t *xlsx.Table, progress func(int)) (imports.Result, []xlsx.CellError, error) {
	a := w.Actor()
	var res imports.Result
	byCode := map[string]*existingUnit{}
	rows, err := w.QueryContext(ctx, `SELECT u.id, u.parent_id, COALESCE(p.code, ''), u.path, u.depth, u.name, u.short_name,
		u.code, u.kind, u.sort_order, u.contact_name, u.contact_phone, u.active FROM units u LEFT JOIN units p ON p.id = u.parent_id`)
	if err != nil {
		return res, nil, err
	}
	for rows.Next() {
		e := &existingUnit{}
		var parent *int64
		if err := rows.Scan(&e.ID, &parent, &e.ParentCode, &e.Path, &e.Depth, &e.Name, &e.ShortName, &e.Code, &e.Kind,
			&e.SortOrder, &e.ContactName, &e.ContactPhone, &e.Active); err != nil {
			rows.Close()
			return res, nil, err
		}
		e.ParentID = parent
		byCode[e.Code] = e
	}
	rows.Close()

	var bad []xlsx.CellError
	type planned struct {
		row    xlsx.Row
		unit   Unit
		old    *existingUnit // nil: new
		parent string
	}
	plan := make([]*planned, 0, len(t.Rows))
	inFile := map[string]int{}
	for i, r := range t.Rows {
		v := r.Values
		u := Unit{Active: true}
		var old *existingUnit
		if e, ok := byCode[v["code"]]; ok {
			old, u = e, e.Unit
		}
		in := UnitInput{Name: ptr(v["name"]), ShortName: ptr(v["short_name"]), Code: ptr(v["code"]), Kind: ptr(v["kind"]),
			ContactName: ptr(v["contact_name"]), ContactPhone: ptr(v["contact_phone"])}
		if s := v["sort_order"]; s != "" {
			n, _ := strconv.Atoi(s)
			in.SortOrder = &n
		}
		if s := v["active"]; s != "" {
			b := s == "true"
			in.Active = &b
		}
		f := in.apply(&u)
		bad = append(bad, fieldErrors(UnitSpec, r.Num, f, nil)...)
		if prev, dup := inFile[u.Code]; dup && u.Code != "" {
			bad = append(bad, xlsx.CellError{Row: r.Num, Column: "单位编码", Message: fmt.Sprintf("单位编码“%s”与第%d行重复", u.Code, prev)})
		}
		inFile[u.Code] = r.Num
		if old != nil && !a.InScope(old.Path) {
			bad = append(bad, xlsx.CellError{Row: r.Num, Column: "单位编码", Message: "单位编码“" + u.Code + "”已被范围外的单位使用"})
		} else if old != nil && !a.DistrictWide() && old.Path == a.UnitPath {
			bad = append(bad, xlsx.CellError{Row: r.Num, Column: "单位编码", Message: "不能通过导入修改本单位自身"})
		}
		plan = append(plan, &planned{row: r, unit: u, old: old, parent: v["parent_code"]})
		if i%1000 == 0 {
			progress(i / 2)
		}
	}
	// Resolve parents in rounds: a row is placed once its parent has a path.
	pathOf := map[string]string{}
	depthOf := map[string]int{}
	for code, e := range byCode {
		pathOf[code], depthOf[code] = e.Path, e.Depth
	}
	fileCodes := map[string]bool{}
	for _, p := range plan {
		fileCodes[p.unit.Code] = true
		if p.old != nil {
			delete(pathOf, p.unit.Code) // re-placed below, it may move
		}
	}
	var newRows [][]any
	var entries []audit.Entry
	pending := plan
	newCount := 0
	for _, p := range plan {
		if p.old == nil {
			newCount++
		}
	}
	ids, err := w.NextIDs(ctx, "units", newCount)
	if err != nil {
		return res, nil, err
	}
	for len(pending) > 0 {
		var next []*planned
		for _, p := range pending {
			u := &p.unit
			switch {
			case p.parent == "" && u.Kind != KindDistrict:
				bad = append(bad, xlsx.CellError{Row: p.row.Num, Column: "上级单位编码", Message: "“上级单位编码”不能为空"})
				continue
			case p.parent == "":
				if !a.Has(auth.Admin) {
					bad = append(bad, xlsx.CellError{Row: p.row.Num, Column: "上级单位编码", Message: "只有系统管理员可以导入顶级单位"})
					continue
				}
				u.ParentID, u.Depth = nil, 0
			default:
				parentPath, ok := pathOf[p.parent]
				if !ok {
					if fileCodes[p.parent] {
						next = append(next, p) // parent placed in a later round
					} else {
						bad = append(bad, xlsx.CellError{Row: p.row.Num, Column: "上级单位编码", Message: "上级单位编码“" + p.parent + "”不存在"})
					}
					continue
				}
				if !a.InScope(parentPath) {
					bad = append(bad, xlsx.CellError{Row: p.row.Num, Column: "上级单位编码", Message: "上级单位“" + p.parent + "”不在您的管理范围内"})
					continue
				}
				u.Depth = depthOf[p.parent] + 1
			}
			base := "/"
			if p.parent != "" {
				base = pathOf[p.parent]
			}
			if p.old == nil {
				u.ID, ids = ids[0], ids[1:]
			}
			u.Path = base + strconv.FormatInt(u.ID, 10) + "/"
			if p.old != nil && p.old.ParentCode != p.parent && strings.HasPrefix(u.Path, p.old.Path) {
				bad = append(bad, xlsx.CellError{Row: p.row.Num, Column: "上级单位编码", Message: "不能把单位移动到它自己或它的下级单位之下"})
				continue
			}
			pathOf[u.Code], depthOf[u.Code] = u.Path, u.Depth
			p.parent = strings.TrimSpace(p.parent)
			if p.old == nil {
				var parentID any
				if p.parent != "" {
					parentID = idFromPath(pathOf[p.parent])
				}
				newRows = append(newRows, []any{u.ID, parentID, u.Path, u.Depth, u.Name, u.ShortName, u.Code, u.Kind,
					u.SortOrder, u.ContactName, u.ContactPhone, u.Active, w.Now(), w.Now()})
				entries = append(entries, audit.Entry{Action: "unit.create", ObjectType: "unit", ObjectID: idStr(u.ID),
					UnitID: u.ID, Summary: "导入新建单位“" + u.Name + "”", After: auditUnit(u)})
			}
		}
		if len(next) == len(pending) { // no progress: the rest point at each other
			for _, p := range next {
				bad = append(bad, xlsx.CellError{Row: p.row.Num, Column: "上级单位编码", Message: "上级单位编码“" + p.parent + "”形成循环"})
			}
			break
		}
		pending = next
	}
	if len(bad) > 0 {
		return res, bad, nil
	}
	if _, err := w.CopyFrom(ctx, "units", []string{"id", "parent_id", "path", "depth", "name", "short_name", "code", "kind",
		"sort_order", "contact_name", "contact_phone", "active", "created_at", "updated_at"}, newRows); err != nil {
		return res, nil, err
	}
	res.Created = len(newRows)
	progress(len(plan) / 2)
	// Existing units: update the changed ones, moving subtrees as needed.
	for i, p := range plan {
		if p.old == nil {
			continue
		}
		u, old := &p.unit, p.old
		moved := old.ParentCode != p.parent
		if !moved && u.Name == old.Name && u.ShortName == old.ShortName && u.Kind == old.Kind && u.SortOrder == old.SortOrder &&
			u.ContactName == old.ContactName && u.ContactPhone == old.ContactPhone && u.Active == old.Active {
			res.Unchanged++
			continue
		}
		if _, err := w.ExecContext(ctx, `UPDATE units SET name = $1, short_name = $2, kind = $3, sort_order = $4,
			contact_name = $5, contact_phone = $6, active = $7, updated_at = $8 WHERE id = $9`,
			u.Name, u.ShortName, u.Kind, u.SortOrder, u.ContactName, u.ContactPhone, u.Active, w.Now(), u.ID); err != nil {
			return res, nil, err
		}
		if moved {
			parent := &Unit{ID: idFromPath(pathOf[p.parent]), Path: pathOf[p.parent], Depth: depthOf[p.parent]}
			if err := im.S.move(ctx, w, &old.Unit, parent); err != nil {
				return res, nil, err
			}
		}
		res.Updated++
		entries = append(entries, audit.Entry{Action: "unit.update", ObjectType: "unit", ObjectID: idStr(u.ID), UnitID: u.ID,
			Summary: "导入更新单位“" + u.Name + "”", Before: auditUnit(&old.Unit), After: auditUnit(u)})
		if i%1000 == 0 {
			progress(len(plan)/2 + i/2)
		}
	}
	progress(len(plan))
	return res, nil, w.RecordMany(entries)
}

func ptr[T any](v T) *T { return &v }

// idFromPath reads a unit's id from the end of its path.
func idFromPath(path string) int64 {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	id, _ := strconv.ParseInt(parts[len(parts)-1], 10, 64)
	return id
}
