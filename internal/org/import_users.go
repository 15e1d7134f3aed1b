package org

import (
	"context"
	"slices"
	"strings"

	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/imports"
	"diaodu/internal/platform/xlsx"
)

// UserImporter imports users keyed by login name. It sets no password
// (hashing one per row would cost ~160 ms each): an administrator issues
// one with the password reset, and the user must change it at first sign-in.
type UserImporter struct{ S *Service }

func (UserImporter) Kind() string                { return "users" }
func (UserImporter) Permission() auth.Permission { return auth.ManageUsers }

// UserSpec is the users sheet.
var UserSpec = xlsx.Spec{Name: "用户", Columns: []xlsx.Column{
	{Key: "username", Header: "登录名", Aliases: []string{"用户名", "账号"}, Required: true, Example: "zhangsan",
		Help: "3到40位字母、数字或 _ . - @；再次导入时按登录名更新", Width: 16},
	{Key: "real_name", Header: "姓名", Aliases: []string{"真实姓名"}, Required: true, Example: "张三", Width: 10},
	{Key: "unit_code", Header: "所属单位编码", Aliases: []string{"单位编码"}, Required: true, Example: "SFQ-FGW", Width: 16},
	{Key: "position", Header: "职务", Aliases: []string{"岗位"}, Example: "科员", Width: 12},
	{Key: "roles", Header: "角色", Required: true, Example: "经办人",
		Help: "系统管理员、督查室、区领导、单位管理员、经办人、基层人员、观摩评委，多个用、或逗号分隔", Width: 20},
	{Key: "phone", Header: "手机号", Aliases: []string{"手机", "联系电话"}, Example: "13800001234", Width: 14},
}}

func (UserImporter) Spec() xlsx.Spec { return UserSpec }

func roleByName(s string) (string, bool) {
	for _, r := range auth.Roles {
		if s == string(r.Code) || s == r.Name || strings.EqualFold(s, r.EN) {
			return string(r.Code), true
		}
	}
	return "", false
}

// Apply validates every row with the form's rules and writes new users
// in bulk, changed ones one by one.
func (im UserImporter) Apply(ctx context.Context, w *audit.W, t *xlsx.Table, progress func(int)) (imports.Result, []xlsx.CellError, error) {
	a := w.Actor()
	var res imports.Result
	urows, err := w.QueryContext(ctx, `SELECT id, code, path, name FROM units WHERE active = TRUE`)
	if err != nil {
		return res, nil, err
	}
	unitIDs := map[string]int64{}
	unitNames, unitPaths := map[int64]string{}, map[int64]string{}
	for urows.Next() {
		var id int64
		var code, path, name string
		if err := urows.Scan(&id, &code, &path, &name); err != nil {
			urows.Close()
			return res, nil, err
		}
		unitIDs[code], unitNames[id], unitPaths[id] = id, name, path
	}
	urows.Close()
	existing := map[string]*User{}
	xrows, err := w.QueryContext(ctx, `SELECT `+userCols+userFrom)
	if err != nil {
		return res, nil, err
	}
	for xrows.Next() {
		u, err := scanUser(xrows)
		if err != nil {
			xrows.Close()
			return res, nil, err
		}
		existing[u.Username] = u
	}
	xrows.Close()

	unitOf := func(id int64) (string, string, bool) {
		path, ok := unitPaths[id]
		return path, unitNames[id], ok
	}
	var bad []xlsx.CellError
	var newRows [][]any
	var entries []audit.Entry
	type change struct{ old, new *User }
	var changes []change
	seen := map[string]int{}
	fieldKeys := map[string]string{"unit_id": "unit_code"}
	for i, r := range t.Rows {
		v := r.Values
		u := &User{Active: true}
		old := existing[v["username"]]
		if old != nil {
			c := *old
			u = &c
		}
		var roles []string
		for _, name := range strings.FieldsFunc(v["roles"], func(r rune) bool { return strings.ContainsRune("、,，;；/ ", r) }) {
			if code, ok := roleByName(name); ok {
				roles = append(roles, code)
			} else {
				bad = append(bad, xlsx.CellError{Row: r.Num, Column: "角色", Message: "未知角色“" + name + "”"})
			}
		}
		in := UserInput{Username: ptr(v["username"]), RealName: ptr(v["real_name"]), Phone: ptr(v["phone"]),
			Position: ptr(v["position"]), Roles: &roles}
		if id, ok := unitIDs[v["unit_code"]]; ok {
			in.UnitID = &id
		} else {
			bad = append(bad, xlsx.CellError{Row: r.Num, Column: "所属单位编码", Message: "单位编码“" + v["unit_code"] + "”不存在或已停用"})
			u.UnitID = -1 // reported above; keep applyUser from adding a second message
		}
		f := im.S.applyUser(a, &in, u, unitOf)
		bad = append(bad, fieldErrors(UserSpec, r.Num, f, fieldKeys)...)
		if prev, dup := seen[u.Username]; dup {
			bad = append(bad, xlsx.CellError{Row: r.Num, Column: "登录名", Message: "登录名与第" + itoa(prev) + "行重复"})
		}
		seen[u.Username] = r.Num
		if old != nil {
			if !a.InScope(old.UnitPath) {
				bad = append(bad, xlsx.CellError{Row: r.Num, Column: "登录名", Message: "登录名“" + u.Username + "”已被范围外的用户使用"})
			} else if !a.Has(auth.Admin) && slices.ContainsFunc(old.Roles, func(r string) bool { return slices.Contains(districtRoles, r) }) {
				bad = append(bad, xlsx.CellError{Row: r.Num, Column: "登录名", Message: "只有系统管理员可以修改区级角色的用户"})
			}
			changes = append(changes, change{old, u})
		} else {
			newRows = append(newRows, []any{u.Username, u.RealName, u.Phone, u.UnitID, u.Position, strings.Join(u.Roles, ","),
				"", true, w.Now(), w.Now()})
			u.UnitName = unitNames[u.UnitID]
			entries = append(entries, audit.Entry{Action: "user.create", ObjectType: "user", ObjectID: u.Username, UnitID: u.UnitID,
				Summary: "导入新建用户“" + u.RealName + "”（" + u.Username + "）", After: auditUser(u)})
		}
		if i%1000 == 0 {
			progress(i / 2)
		}
	}
	if len(bad) > 0 {
		return res, bad, nil
	}
	if _, err := w.CopyFrom(ctx, "users", []string{"username", "real_name", "phone", "unit_id", "position", "roles",
		"password_hash", "must_change_password", "created_at", "updated_at"}, newRows); err != nil {
		return res, nil, err
	}
	res.Created = len(newRows)
	for _, c := range changes {
		o, n := c.old, c.new
		if o.RealName == n.RealName && o.Phone == n.Phone && o.UnitID == n.UnitID && o.Position == n.Position &&
			slices.Equal(o.Roles, n.Roles) {
			res.Unchanged++
			continue
		}
		if _, err := w.ExecContext(ctx, `UPDATE users SET real_name = $1, phone = $2, unit_id = $3, position = $4, roles = $5,
			updated_at = $6 WHERE id = $7`, n.RealName, n.Phone, n.UnitID, n.Position, strings.Join(n.Roles, ","), w.Now(), o.ID); err != nil {
			return res, nil, err
		}
		res.Updated++
		entries = append(entries, audit.Entry{Action: "user.update", ObjectType: "user", ObjectID: idStr(o.ID), UnitID: n.UnitID,
			Summary: "导入更新用户“" + n.RealName + "”", Before: auditUser(o), After: auditUser(n)})
	}
	progress(len(t.Rows))
	return res, nil, w.RecordMany(entries)
}

func itoa(n int) string { return idStr(int64(n)) }
