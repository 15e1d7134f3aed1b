package org

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/clock"
	"diaodu/internal/platform/db"
	"diaodu/internal/platform/errs"
	"diaodu/internal/platform/httpx"
)

// Service is the organisation's rules and permissions.
type Service struct {
	DB    *db.DB
	Audit *audit.Log
	Clock clock.Clock
}

// NewService wires a service.
func NewService(d *db.DB, l *audit.Log) *Service { return &Service{DB: d, Audit: l, Clock: l.Clock} }

const unitCols = `u.id, u.parent_id, COALESCE(p.name, ''), COALESCE(p.code, ''), u.path, u.depth, u.name, u.short_name, u.code, u.kind,
	u.sort_order, u.contact_name, u.contact_phone, u.active, u.created_at, u.updated_at,
	(SELECT COUNT(*) FROM units c WHERE c.parent_id = u.id),
	(SELECT COUNT(*) FROM users x WHERE x.unit_id = u.id)`

type scanner interface{ Scan(...any) error }

func scanUnit(s scanner) (*Unit, error) {
	var u Unit
	var parent sql.NullInt64
	if err := s.Scan(&u.ID, &parent, &u.ParentName, &u.ParentCode, &u.Path, &u.Depth, &u.Name, &u.ShortName, &u.Code, &u.Kind,
		&u.SortOrder, &u.ContactName, &u.ContactPhone, &u.Active, &u.CreatedAt, &u.UpdatedAt,
		&u.ChildrenCount, &u.UserCount); err != nil {
		return nil, err
	}
	if parent.Valid {
		u.ParentID = &parent.Int64
	}
	return &u, nil
}

// UnitFilter selects units for a list.
type UnitFilter struct {
	Kind     string
	ParentID int64
	Active   *bool
	Q        string
}

var unitSorts = map[string]string{
	"sort_order": "u.depth, u.sort_order, u.id", "name": "u.name", "code": "u.code", "kind": "u.kind, u.sort_order",
	"created_at": "u.created_at",
}

// ListUnits lists units in the actor's scope; a limit of 0 lists all.
func (s *Service) ListUnits(ctx context.Context, a *auth.Actor, f UnitFilter, p httpx.Page) ([]*Unit, int, error) {
	if err := auth.Require(a, auth.ViewOrg); err != nil {
		return nil, 0, err
	}
	order, err := db.OrderBy(p.Sort, "sort_order", unitSorts, "")
	if err != nil {
		return nil, 0, err
	}
	where, scopeArgs := a.ScopeFilter("u.path", 1)
	args := db.Args(scopeArgs)
	arg := args.Add
	if f.Kind != "" {
		where += " AND u.kind = " + arg(f.Kind)
	}
	if f.ParentID != 0 {
		where += " AND u.parent_id = " + arg(f.ParentID)
	}
	if f.Active != nil {
		where += " AND u.active = " + arg(*f.Active)
	}
	if f.Q != "" {
		like := arg(db.Like(f.Q))
		where += " AND (LOWER(u.name) LIKE " + like + ` ESCAPE '\' OR LOWER(u.short_name) LIKE ` + like +
			` ESCAPE '\' OR LOWER(u.code) LIKE ` + like + ` ESCAPE '\')`
	}
	var total int
	if err := s.DB.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM units u WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	// Page the bare rows first, then add names and counts for that page only:
	// a sort would otherwise compute the counts for every row in scope.
	page := `SELECT u.id FROM units u WHERE ` + where + ` ORDER BY ` + order
	if p.Size > 0 {
		page += fmt.Sprintf(" LIMIT %d OFFSET %d", p.Limit(), p.Offset())
	}
	q := `SELECT ` + unitCols + ` FROM units u LEFT JOIN units p ON p.id = u.parent_id WHERE u.id IN (` + page + `) ORDER BY ` + order
	rows, err := s.DB.R.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []*Unit{}
	for rows.Next() {
		u, err := scanUnit(rows)
		if err != nil {
			return nil, 0, err
		}
		u.ContactPhone = MaskPhone(u.ContactPhone)
		out = append(out, u)
	}
	return out, total, rows.Err()
}

// Tree returns the units of the actor's scope as a forest (one root for
// district-wide actors: the district, plus any other roots).
func (s *Service) Tree(ctx context.Context, a *auth.Actor) ([]*TreeNode, error) {
	if err := auth.Require(a, auth.ViewOrg); err != nil {
		return nil, err
	}
	where, args := a.ScopeFilter("path", 1)
	rows, err := s.DB.R.QueryContext(ctx, `SELECT id, parent_id, name, short_name, code, kind, active
		FROM units WHERE `+where+` ORDER BY depth, sort_order, id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	byID := map[int64]*TreeNode{}
	roots := []*TreeNode{}
	for rows.Next() {
		n := &TreeNode{Children: []*TreeNode{}}
		var parent sql.NullInt64
		if err := rows.Scan(&n.ID, &parent, &n.Name, &n.ShortName, &n.Code, &n.Kind, &n.Active); err != nil {
			return nil, err
		}
		byID[n.ID] = n
		if p, ok := byID[parent.Int64]; parent.Valid && ok {
			p.Children = append(p.Children, n)
		} else {
			roots = append(roots, n)
		}
	}
	return roots, rows.Err()
}

func (s *Service) getUnit(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, id int64) (*Unit, error) {
	u, err := scanUnit(q.QueryRowContext(ctx, `SELECT `+unitCols+` FROM units u LEFT JOIN units p ON p.id = u.parent_id WHERE u.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.NotFoundf("单位", "unit")
	}
	return u, err
}

// GetUnit returns one unit in scope; its contact phone is masked.
func (s *Service) GetUnit(ctx context.Context, a *auth.Actor, id int64) (*Unit, error) {
	u, err := s.getUnit(ctx, s.DB.R, id)
	if err != nil {
		return nil, err
	}
	if err := auth.RequireIn(a, auth.ViewOrg, u.Path); err != nil {
		return nil, errs.NotFoundf("单位", "unit")
	}
	u.ContactPhone = MaskPhone(u.ContactPhone)
	return u, nil
}

// UnitInput creates a unit or, with pointers left nil, patches one.
type UnitInput struct {
	ParentID     *int64  `json:"parent_id"`
	Name         *string `json:"name"`
	ShortName    *string `json:"short_name"`
	Code         *string `json:"code"`
	Kind         *string `json:"kind"`
	SortOrder    *int    `json:"sort_order"`
	ContactName  *string `json:"contact_name"`
	ContactPhone *string `json:"contact_phone"`
	Active       *bool   `json:"active"`
}

var (
	codePattern  = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.\-]{0,39}$`)
	phonePattern = regexp.MustCompile(`^[0-9+\-() ]{5,20}$`)
)

// apply copies the set fields onto u and checks the result.
func (in *UnitInput) apply(u *Unit) errs.Fields {
	f := errs.Fields{}
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = strings.TrimSpace(*src)
		}
	}
	set(&u.Name, in.Name)
	set(&u.ShortName, in.ShortName)
	set(&u.Code, in.Code)
	set(&u.Kind, in.Kind)
	set(&u.ContactName, in.ContactName)
	if in.ContactPhone != nil {
		u.ContactPhone = keepIfMasked(strings.TrimSpace(*in.ContactPhone), u.ContactPhone)
	}
	if in.SortOrder != nil {
		u.SortOrder = *in.SortOrder
	}
	if in.Active != nil {
		u.Active = *in.Active
	}
	switch n := utf8.RuneCountInString(u.Name); {
	case n == 0:
		f.Add("name", "单位名称不能为空", "name is required")
	case n > 100:
		f.Add("name", "单位名称不能超过100个字", "name may not exceed 100 characters")
	}
	if utf8.RuneCountInString(u.ShortName) > 30 {
		f.Add("short_name", "简称不能超过30个字", "short name may not exceed 30 characters")
	}
	if u.Code == "" {
		f.Add("code", "单位编码不能为空", "code is required")
	} else if !codePattern.MatchString(u.Code) {
		f.Add("code", "单位编码只能包含字母、数字、点、横线和下划线，最长40位", "code: letters, digits, . - _ only, at most 40")
	}
	if _, ok := kindByName(u.Kind); !ok {
		f.Add("kind", "单位类型应为：区、区直部门、乡镇/街道、村/社区、专班 之一", "kind must be one of district, department, town, village, taskforce")
	} else {
		u.Kind, _ = kindByName(u.Kind)
	}
	if utf8.RuneCountInString(u.ContactName) > 30 {
		f.Add("contact_name", "联系人不能超过30个字", "contact name may not exceed 30 characters")
	}
	if u.ContactPhone != "" && !phonePattern.MatchString(u.ContactPhone) {
		f.Add("contact_phone", "联系电话格式不正确", "contact phone is not a phone number")
	}
	if u.SortOrder < 0 || u.SortOrder > 1_000_000 {
		f.Add("sort_order", "排序号应为0到1000000", "sort order must be 0 to 1000000")
	}
	return f
}

// checkParent validates the parent for a unit of kind at path (empty for a
// new unit): in scope, active, not itself or a descendant.
func (s *Service) checkParent(ctx context.Context, tx *audit.W, a *auth.Actor, parentID *int64, kind, selfPath string, f errs.Fields) *Unit {
	if parentID == nil {
		if kind != KindDistrict {
			f.Add("parent_id", "请选择上级单位", "choose a parent unit")
		} else if !a.Has(auth.Admin) {
			f.Add("parent_id", "只有系统管理员可以创建顶级单位", "only an administrator may create a top-level unit")
		}
		return nil
	}
	p, err := s.getUnit(ctx, tx, *parentID)
	if err != nil || !a.InScope(p.Path) {
		f.Add("parent_id", "上级单位不存在或不在您的管理范围内", "the parent unit does not exist or is outside your scope")
		return nil
	}
	if selfPath != "" && strings.HasPrefix(p.Path, selfPath) {
		f.Add("parent_id", "不能把单位移动到它自己或它的下级单位之下", "a unit cannot move under itself or its descendants")
	}
	if !p.Active {
		f.Add("parent_id", "上级单位已停用", "the parent unit is deactivated")
	}
	return p
}

// mayManage tells whether a may change unit u: in scope and, for a unit
// administrator, not the unit that defines their own scope.
func mayManage(a *auth.Actor, path string) error {
	if err := auth.RequireIn(a, auth.ManageOrg, path); err != nil {
		return err
	}
	if !a.DistrictWide() && path == a.UnitPath {
		return errs.New(errs.Forbidden, "不能修改本单位自身，请联系上级管理员", "you cannot change your own unit; ask a higher administrator")
	}
	return nil
}

func (s *Service) codeTaken(ctx context.Context, tx *audit.W, code string, self int64) bool {
	var n int
	_ = tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM units WHERE code = $1 AND id <> $2`, code, self).Scan(&n)
	return n > 0
}

// CreateUnit adds a unit under its parent.
func (s *Service) CreateUnit(ctx context.Context, a *auth.Actor, in UnitInput) (*Unit, error) {
	if err := auth.Require(a, auth.ManageOrg); err != nil {
		return nil, err
	}
	var created *Unit
	err := s.Audit.Write(ctx, a, func(w *audit.W) error {
		u := &Unit{Active: true}
		in.Active = nil // a new unit is active
		f := in.apply(u)
		parent := s.checkParent(ctx, w, a, in.ParentID, u.Kind, "", f)
		if u.Code != "" && s.codeTaken(ctx, w, u.Code, 0) {
			f.Add("code", "单位编码“"+u.Code+"”已存在", "code "+u.Code+" is already used")
		}
		if err := f.Err(); err != nil {
			return err
		}
		basePath, depth := "/", 0
		if parent != nil {
			basePath, depth = parent.Path, parent.Depth+1
		}
		ids, err := w.NextIDs(ctx, "units", 1)
		if err != nil {
			return err
		}
		u.ID, u.Path, u.Depth, u.ParentID = ids[0], basePath+strconv.FormatInt(ids[0], 10)+"/", depth, in.ParentID
		if _, err := w.ExecContext(ctx, `INSERT INTO units (id, parent_id, path, depth, name, short_name, code, kind,
			sort_order, contact_name, contact_phone, active, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)`,
			u.ID, u.ParentID, u.Path, u.Depth, u.Name, u.ShortName, u.Code, u.Kind, u.SortOrder,
			u.ContactName, u.ContactPhone, u.Active, w.Now()); err != nil {
			if db.IsUniqueViolation(err) {
				return errs.Conflictf("单位编码已存在", "unit code already exists")
			}
			return err
		}
		created, err = s.getUnit(ctx, w, u.ID)
		if err != nil {
			return err
		}
		return w.Record(audit.Entry{Action: "unit.create", ObjectType: "unit", ObjectID: idStr(u.ID), UnitID: u.ID,
			Summary: "新建单位“" + u.Name + "”", After: auditUnit(created)})
	})
	if err != nil {
		return nil, err
	}
	created.ContactPhone = MaskPhone(created.ContactPhone)
	return created, nil
}

// auditUnit is the part of a unit the trail keeps.
func auditUnit(u *Unit) map[string]any {
	return map[string]any{"parent_id": u.ParentID, "name": u.Name, "short_name": u.ShortName, "code": u.Code,
		"kind": u.Kind, "sort_order": u.SortOrder, "contact_name": u.ContactName, "contact_phone": MaskPhone(u.ContactPhone),
		"active": u.Active, "path": u.Path}
}

func idStr(id int64) string { return strconv.FormatInt(id, 10) }

// UpdateUnit edits, moves (parent_id), deactivates or reactivates a unit.
func (s *Service) UpdateUnit(ctx context.Context, a *auth.Actor, id int64, in UnitInput) (*Unit, error) {
	if err := auth.Require(a, auth.ViewOrg); err != nil {
		return nil, err
	}
	var updated *Unit
	err := s.Audit.Write(ctx, a, func(w *audit.W) error {
		old, err := s.getUnit(ctx, w, id)
		if err != nil {
			return err
		}
		if !a.InScope(old.Path) {
			return errs.NotFoundf("单位", "unit")
		}
		if err := mayManage(a, old.Path); err != nil {
			return err
		}
		u := *old
		f := in.apply(&u)
		moving := in.ParentID != nil && (old.ParentID == nil || *in.ParentID != *old.ParentID)
		var parent *Unit
		if moving {
			parent = s.checkParent(ctx, w, a, in.ParentID, u.Kind, old.Path, f)
		}
		if u.Code != old.Code && s.codeTaken(ctx, w, u.Code, id) {
			f.Add("code", "单位编码“"+u.Code+"”已存在", "code "+u.Code+" is already used")
		}
		if err := f.Err(); err != nil {
			return err
		}
		if _, err := w.ExecContext(ctx, `UPDATE units SET name = $1, short_name = $2, code = $3, kind = $4, sort_order = $5,
			contact_name = $6, contact_phone = $7, active = $8, updated_at = $9 WHERE id = $10`,
			u.Name, u.ShortName, u.Code, u.Kind, u.SortOrder, u.ContactName, u.ContactPhone, u.Active, w.Now(), id); err != nil {
			if db.IsUniqueViolation(err) {
				return errs.Conflictf("单位编码已存在", "unit code already exists")
			}
			return err
		}
		action, summary := "unit.update", "修改单位“"+u.Name+"”"
		if old.Active != u.Active {
			action, summary = "unit.deactivate", "停用单位“"+u.Name+"”"
			if u.Active {
				action, summary = "unit.activate", "启用单位“"+u.Name+"”"
			}
		}
		if moving && parent != nil {
			if err := s.move(ctx, w, old, parent); err != nil {
				return err
			}
			action, summary = "unit.move", "将单位“"+u.Name+"”移至“"+parent.Name+"”之下"
		}
		updated, err = s.getUnit(ctx, w, id)
		if err != nil {
			return err
		}
		return w.Record(audit.Entry{Action: action, ObjectType: "unit", ObjectID: idStr(id), UnitID: id,
			Summary: summary, Before: auditUnit(old), After: auditUnit(updated)})
	})
	if err != nil {
		return nil, err
	}
	updated.ContactPhone = MaskPhone(updated.ContactPhone)
	return updated, nil
}

// move re-parents u with its whole subtree: one UPDATE rewrites the paths.
func (s *Service) move(ctx context.Context, w *audit.W, u, parent *Unit) error {
	newPath := parent.Path + idStr(u.ID) + "/"
	cond, args := auth.SubtreeFilter("path", u.Path, 4)
	_, err := w.ExecContext(ctx, `UPDATE units SET path = $1 || substr(path, $2), depth = depth + $3 WHERE `+cond,
		append([]any{newPath, len(u.Path) + 1, parent.Depth + 1 - u.Depth}, args...)...)
	if err != nil {
		return err
	}
	_, err = w.ExecContext(ctx, `UPDATE units SET parent_id = $1 WHERE id = $2`, parent.ID, u.ID)
	return err
}

// DeleteUnit removes a unit that has never held anything; otherwise it
// must be deactivated, so history keeps its owner.
func (s *Service) DeleteUnit(ctx context.Context, a *auth.Actor, id int64) error {
	if err := auth.Require(a, auth.ViewOrg); err != nil {
		return err
	}
	return s.Audit.Write(ctx, a, func(w *audit.W) error {
		u, err := s.getUnit(ctx, w, id)
		if err != nil {
			return err
		}
		if !a.InScope(u.Path) {
			return errs.NotFoundf("单位", "unit")
		}
		if err := mayManage(a, u.Path); err != nil {
			return err
		}
		var refs int
		if err := w.QueryRowContext(ctx, `SELECT
			(SELECT COUNT(*) FROM units WHERE parent_id = $1) + (SELECT COUNT(*) FROM users WHERE unit_id = $1) +
			(SELECT COUNT(*) FROM unit_members WHERE unit_id = $1) + (SELECT COUNT(*) FROM files WHERE unit_id = $1) +
			(SELECT COUNT(*) FROM api_tokens WHERE unit_id = $1) + (SELECT COUNT(*) FROM import_jobs WHERE unit_id = $1) +
			(SELECT COUNT(*) FROM audit_log WHERE unit_id = $1 AND action NOT LIKE 'unit.%')`, id).Scan(&refs); err != nil {
			return err
		}
		if refs > 0 {
			return errs.Conflictf("该单位已有下级单位、用户或业务数据，不能删除，请改为停用",
				"the unit has sub-units, users or data; deactivate it instead")
		}
		if _, err := w.ExecContext(ctx, `DELETE FROM unit_group_members WHERE unit_id = $1`, id); err != nil {
			return err
		}
		if _, err := w.ExecContext(ctx, `DELETE FROM units WHERE id = $1`, id); err != nil {
			if db.IsForeignKeyViolation(err) { // data of a module this check does not know yet
				return errs.Conflictf("该单位已有业务数据，不能删除，请改为停用", "the unit has data; deactivate it instead")
			}
			return err
		}
		return w.Record(audit.Entry{Action: "unit.delete", ObjectType: "unit", ObjectID: idStr(id),
			Summary: "删除单位“" + u.Name + "”", Before: auditUnit(u)})
	})
}
