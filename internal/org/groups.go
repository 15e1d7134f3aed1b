package org

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"unicode/utf8"

	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/db"
	"diaodu/internal/platform/errs"
)

// ListGroups lists unit groups with their units.
func (s *Service) ListGroups(ctx context.Context, a *auth.Actor) ([]*Group, error) {
	if err := auth.Require(a, auth.ViewOrg); err != nil {
		return nil, err
	}
	rows, err := s.DB.R.QueryContext(ctx, `SELECT g.id, g.name, g.code, g.sort_order, g.created_at, m.unit_id, u.name
		FROM unit_groups g LEFT JOIN unit_group_members m ON m.group_id = g.id LEFT JOIN units u ON u.id = m.unit_id
		ORDER BY g.sort_order, g.id, u.sort_order, u.id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*Group{}
	var cur *Group
	for rows.Next() {
		var g Group
		var uid sql.NullInt64
		var uname sql.NullString
		if err := rows.Scan(&g.ID, &g.Name, &g.Code, &g.SortOrder, &g.CreatedAt, &uid, &uname); err != nil {
			return nil, err
		}
		if cur == nil || cur.ID != g.ID {
			g.Units = []UnitRef{}
			cur = &g
			out = append(out, cur)
		}
		if uid.Valid {
			cur.Units = append(cur.Units, UnitRef{uid.Int64, uname.String})
		}
	}
	return out, rows.Err()
}

// GroupInput creates or patches a group.
type GroupInput struct {
	Name      *string  `json:"name"`
	Code      *string  `json:"code"`
	SortOrder *int     `json:"sort_order"`
	UnitIDs   *[]int64 `json:"unit_ids"`
}

func (s *Service) getGroup(ctx context.Context, w *audit.W, id int64) (*Group, error) {
	var g Group
	err := w.QueryRowContext(ctx, `SELECT id, name, code, sort_order, created_at FROM unit_groups WHERE id = $1`, id).
		Scan(&g.ID, &g.Name, &g.Code, &g.SortOrder, &g.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.NotFoundf("考核组", "unit group")
	}
	if err != nil {
		return nil, err
	}
	rows, err := w.QueryContext(ctx, `SELECT u.id, u.name FROM unit_group_members m JOIN units u ON u.id = m.unit_id
		WHERE m.group_id = $1 ORDER BY u.sort_order, u.id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	g.Units = []UnitRef{}
	for rows.Next() {
		var r UnitRef
		if err := rows.Scan(&r.ID, &r.Name); err != nil {
			return nil, err
		}
		g.Units = append(g.Units, r)
	}
	return &g, rows.Err()
}

// SaveGroup creates (id 0) or updates a group; only district administrators
// define groups, since ranking spans the district.
func (s *Service) SaveGroup(ctx context.Context, a *auth.Actor, id int64, in GroupInput) (*Group, error) {
	if err := auth.Require(a, auth.ManageOrg); err != nil {
		return nil, err
	}
	if !a.DistrictWide() {
		return nil, errs.ErrForbidden
	}
	var saved *Group
	err := s.Audit.Write(ctx, a, func(w *audit.W) error {
		g := &Group{Units: []UnitRef{}}
		var before *Group
		if id != 0 {
			var err error
			if before, err = s.getGroup(ctx, w, id); err != nil {
				return err
			}
			c := *before
			g = &c
		}
		f := errs.Fields{}
		if in.Name != nil {
			g.Name = strings.TrimSpace(*in.Name)
		}
		if in.Code != nil {
			g.Code = strings.TrimSpace(*in.Code)
		}
		if in.SortOrder != nil {
			g.SortOrder = *in.SortOrder
		}
		if g.Name == "" || utf8.RuneCountInString(g.Name) > 50 {
			f.Add("name", "考核组名称不能为空且不超过50个字", "name is required, at most 50 characters")
		}
		if !codePattern.MatchString(g.Code) {
			f.Add("code", "编码不能为空，只能包含字母、数字、点、横线和下划线", "code is required: letters, digits, . - _")
		} else {
			var n int
			_ = w.QueryRowContext(ctx, `SELECT COUNT(*) FROM unit_groups WHERE code = $1 AND id <> $2`, g.Code, id).Scan(&n)
			if n > 0 {
				f.Add("code", "编码“"+g.Code+"”已存在", "code "+g.Code+" is already used")
			}
		}
		if in.UnitIDs != nil {
			ids := slices.Compact(slices.Sorted(slices.Values(*in.UnitIDs)))
			*in.UnitIDs = ids
			if len(ids) > 0 {
				var args db.Args
				ph := make([]string, len(ids))
				for i, id := range ids {
					ph[i] = args.Add(id)
				}
				var n int
				_ = w.QueryRowContext(ctx, `SELECT COUNT(*) FROM units WHERE id IN (`+strings.Join(ph, ", ")+`)`, args...).Scan(&n)
				if n != len(ids) {
					f.Add("unit_ids", "所选单位不存在", "a chosen unit does not exist")
				}
			}
		}
		if err := f.Err(); err != nil {
			return err
		}
		action, summary := "group.update", "修改考核组“"+g.Name+"”"
		if id == 0 {
			if err := w.QueryRowContext(ctx, `INSERT INTO unit_groups (name, code, sort_order, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $4) RETURNING id`, g.Name, g.Code, g.SortOrder, w.Now()).Scan(&id); err != nil {
				return err
			}
			action, summary = "group.create", "新建考核组“"+g.Name+"”"
		} else if _, err := w.ExecContext(ctx, `UPDATE unit_groups SET name = $1, code = $2, sort_order = $3, updated_at = $4
			WHERE id = $5`, g.Name, g.Code, g.SortOrder, w.Now(), id); err != nil {
			return err
		}
		if in.UnitIDs != nil {
			if _, err := w.ExecContext(ctx, `DELETE FROM unit_group_members WHERE group_id = $1`, id); err != nil {
				return err
			}
			rows := make([][]any, len(*in.UnitIDs))
			for i, uid := range *in.UnitIDs {
				rows[i] = []any{id, uid}
			}
			if _, err := w.CopyFrom(ctx, "unit_group_members", []string{"group_id", "unit_id"}, rows); err != nil {
				return err
			}
		}
		var err error
		if saved, err = s.getGroup(ctx, w, id); err != nil {
			return err
		}
		return w.Record(audit.Entry{Action: action, ObjectType: "unit_group", ObjectID: idStr(id), Summary: summary,
			Before: before, After: saved})
	})
	return saved, err
}

// DeleteGroup removes a group (its units stay).
func (s *Service) DeleteGroup(ctx context.Context, a *auth.Actor, id int64) error {
	if err := auth.Require(a, auth.ManageOrg); err != nil {
		return err
	}
	if !a.DistrictWide() {
		return errs.ErrForbidden
	}
	return s.Audit.Write(ctx, a, func(w *audit.W) error {
		g, err := s.getGroup(ctx, w, id)
		if err != nil {
			return err
		}
		if _, err := w.ExecContext(ctx, `DELETE FROM unit_groups WHERE id = $1`, id); err != nil {
			return err
		}
		return w.Record(audit.Entry{Action: "group.delete", ObjectType: "unit_group", ObjectID: idStr(id),
			Summary: "删除考核组“" + g.Name + "”", Before: g})
	})
}
