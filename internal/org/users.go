package org

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/db"
	"diaodu/internal/platform/errs"
	"diaodu/internal/platform/httpx"
)

const userCols = `x.id, x.username, x.real_name, x.phone, x.unit_id, u.name, u.path, x.position, x.roles, x.active,
	x.locked, lf.locked_until, x.must_change_password, x.last_login_at, x.created_at, x.password_hash`

const userFrom = ` FROM users x JOIN units u ON u.id = x.unit_id LEFT JOIN login_failures lf ON lf.username = x.username `

func scanUser(s scanner) (*User, error) {
	var u User
	var roles string
	var lockedUntil, lastLogin sql.NullTime
	if err := s.Scan(&u.ID, &u.Username, &u.RealName, &u.Phone, &u.UnitID, &u.UnitName, &u.UnitPath, &u.Position,
		&roles, &u.Active, &u.Locked, &lockedUntil, &u.MustChangePassword, &lastLogin, &u.CreatedAt, &u.PasswordHash); err != nil {
		return nil, err
	}
	u.Roles = splitRoles(roles)
	if lockedUntil.Valid {
		u.LockedUntil = &lockedUntil.Time
	}
	if lastLogin.Valid {
		u.LastLoginAt = &lastLogin.Time
	}
	return &u, nil
}

func splitRoles(s string) []string {
	if s == "" {
		return []string{}
	}
	return strings.Split(s, ",")
}

// UserFilter selects users for a list.
type UserFilter struct {
	UnitID int64 // with its subtree
	Role   string
	Locked *bool
	Active *bool
	Q      string
}

var userSorts = map[string]string{
	"username": "x.username", "real_name": "x.real_name", "unit": "u.path, x.username",
	"created_at": "x.created_at", "last_login_at": "x.last_login_at", "id": "x.id",
}

// ListUsers lists users in the actor's scope with phones masked; a page
// size of 0 lists all (export).
func (s *Service) ListUsers(ctx context.Context, a *auth.Actor, f UserFilter, p httpx.Page) ([]*User, int, error) {
	if err := auth.Require(a, auth.ViewOrg); err != nil {
		return nil, 0, err
	}
	order, err := db.OrderBy(p.Sort, "unit", userSorts, "")
	if err != nil {
		return nil, 0, err
	}
	where, scopeArgs := a.ScopeFilter("u.path", 1)
	args := db.Args(scopeArgs)
	arg := args.Add
	if f.UnitID != 0 {
		var path string
		if err := s.DB.R.QueryRowContext(ctx, `SELECT path FROM units WHERE id = $1`, f.UnitID).Scan(&path); err != nil {
			return []*User{}, 0, nil
		}
		c, as := auth.SubtreeFilter("u.path", path, len(args)+1)
		where += " AND " + c
		args = append(args, as...)
	}
	if f.Role != "" {
		// roles is a comma list; pad it so ",staff," matches exactly.
		where += " AND (',' || x.roles || ',') LIKE " + arg("%,"+f.Role+",%")
	}
	if f.Locked != nil {
		where += " AND x.locked = " + arg(*f.Locked)
	}
	if f.Active != nil {
		where += " AND x.active = " + arg(*f.Active)
	}
	if f.Q != "" {
		like := arg(db.Like(f.Q))
		where += " AND (LOWER(x.username) LIKE " + like + ` ESCAPE '\' OR LOWER(x.real_name) LIKE ` + like +
			` ESCAPE '\' OR x.phone LIKE ` + like + ` ESCAPE '\')`
	}
	var total int
	if err := s.DB.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM users x JOIN units u ON u.id = x.unit_id WHERE `+where,
		args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	q := `SELECT ` + userCols + userFrom + ` WHERE ` + where + ` ORDER BY ` + order
	if p.Size > 0 {
		q += fmt.Sprintf(" LIMIT %d OFFSET %d", p.Limit(), p.Offset())
	}
	rows, err := s.DB.R.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []*User{}
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, 0, err
		}
		u.Phone = MaskPhone(u.Phone)
		out = append(out, u)
	}
	return out, total, rows.Err()
}

type querier interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}

// UserByID loads a user regardless of scope (for the session layer).
func (s *Service) UserByID(ctx context.Context, q querier, id int64) (*User, error) {
	u, err := scanUser(q.QueryRowContext(ctx, `SELECT `+userCols+userFrom+` WHERE x.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.NotFoundf("用户", "user")
	}
	return u, err
}

// UserByName loads a user by login name regardless of scope, or nil.
func (s *Service) UserByName(ctx context.Context, q querier, username string) (*User, error) {
	u, err := scanUser(q.QueryRowContext(ctx, `SELECT `+userCols+userFrom+` WHERE x.username = $1`, username))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return u, err
}

// userInScope loads a user the actor may see (not found otherwise).
func (s *Service) userInScope(ctx context.Context, q querier, a *auth.Actor, p auth.Permission, id int64) (*User, error) {
	u, err := s.UserByID(ctx, q, id)
	if err != nil {
		return nil, err
	}
	if err := auth.RequireIn(a, auth.ViewOrg, u.UnitPath); err != nil {
		return nil, errs.NotFoundf("用户", "user")
	}
	if err := auth.Require(a, p); err != nil {
		return nil, err
	}
	return u, nil
}

// GetUser returns a user in scope, phone masked.
func (s *Service) GetUser(ctx context.Context, a *auth.Actor, id int64) (*User, error) {
	u, err := s.userInScope(ctx, s.DB.R, a, auth.ViewOrg, id)
	if err != nil {
		return nil, err
	}
	u.Phone = MaskPhone(u.Phone)
	return u, nil
}

// UserPhone returns a user's full phone number; every such view is audited.
func (s *Service) UserPhone(ctx context.Context, a *auth.Actor, id int64) (string, error) {
	var phone string
	err := s.Audit.Write(ctx, a, func(w *audit.W) error {
		u, err := s.userInScope(ctx, w, a, auth.ViewPhone, id)
		if err != nil {
			return err
		}
		phone = u.Phone
		return w.Record(audit.Entry{Action: "user.view_phone", ObjectType: "user", ObjectID: idStr(id), UnitID: u.UnitID,
			Summary: "查看用户“" + u.RealName + "”的完整手机号"})
	})
	return phone, err
}

// UserInput creates a user or, with nil fields, patches one.
type UserInput struct {
	Username *string   `json:"username"`
	RealName *string   `json:"real_name"`
	Phone    *string   `json:"phone"`
	UnitID   *int64    `json:"unit_id"`
	Position *string   `json:"position"`
	Roles    *[]string `json:"roles"`
	Active   *bool     `json:"active"`
	Password *string   `json:"password"`
}

var (
	usernamePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.\-@]{2,39}$`)
	mobilePattern   = regexp.MustCompile(`^1[3-9][0-9]{9}$|^0[0-9]{2,3}-?[0-9]{7,8}$`)
)

// unitLookup finds an active unit's path and name.
type unitLookup func(id int64) (path, name string, ok bool)

// activeUnitIn looks units up in the database.
func activeUnitIn(ctx context.Context, q querier) unitLookup {
	return func(id int64) (string, string, bool) {
		var path, name string
		err := q.QueryRowContext(ctx, `SELECT path, name FROM units WHERE id = $1 AND active = TRUE`, id).Scan(&path, &name)
		return path, name, err == nil
	}
}

// districtRoles may only be granted by a district-wide administrator.
var districtRoles = []string{string(auth.Admin), string(auth.Supervisor), string(auth.Leader)}

// apply copies the set fields onto u and validates them, including that
// the unit and the roles are within what the actor may grant.
func (s *Service) applyUser(a *auth.Actor, in *UserInput, u *User, unitOf unitLookup) errs.Fields {
	f := errs.Fields{}
	if in.Username != nil {
		u.Username = strings.TrimSpace(*in.Username)
	}
	if in.RealName != nil {
		u.RealName = strings.TrimSpace(*in.RealName)
	}
	if in.Phone != nil {
		u.Phone = keepIfMasked(strings.TrimSpace(*in.Phone), u.Phone)
	}
	if in.Position != nil {
		u.Position = strings.TrimSpace(*in.Position)
	}
	if in.Active != nil {
		u.Active = *in.Active
	}
	if !usernamePattern.MatchString(u.Username) {
		f.Add("username", "登录名应为3到40位字母、数字或 _ . - @，以字母或数字开头", "login name: 3-40 letters, digits or _ . - @")
	}
	if n := utf8.RuneCountInString(u.RealName); n == 0 || n > 30 {
		f.Add("real_name", "姓名不能为空且不超过30个字", "real name is required, at most 30 characters")
	}
	if u.Phone != "" && !mobilePattern.MatchString(u.Phone) {
		f.Add("phone", "手机号格式不正确（11位手机号或带区号的固定电话）", "phone must be an 11-digit mobile or a landline with area code")
	}
	if utf8.RuneCountInString(u.Position) > 50 {
		f.Add("position", "职务不能超过50个字", "position may not exceed 50 characters")
	}
	if in.UnitID != nil {
		path, name, ok := unitOf(*in.UnitID)
		if !ok || !a.InScope(path) {
			f.Add("unit_id", "所属单位不存在、已停用或不在您的管理范围内", "the unit does not exist, is deactivated or is outside your scope")
		} else {
			u.UnitID, u.UnitPath, u.UnitName = *in.UnitID, path, name
		}
	} else if u.UnitID == 0 {
		f.Add("unit_id", "请选择所属单位", "choose a unit")
	}
	if in.Roles != nil {
		roles := []string{}
		for _, r := range *in.Roles {
			r = strings.TrimSpace(r)
			switch {
			case !auth.ValidRole(r):
				f.Add("roles", "未知角色“"+r+"”", "unknown role "+r)
			case slices.Contains(districtRoles, r) && !a.Has(auth.Admin):
				f.Add("roles", "只有系统管理员可以授予“"+auth.RoleName(auth.Role(r))+"”角色", "only an administrator may grant "+r)
			case !slices.Contains(roles, r):
				roles = append(roles, r)
			}
		}
		u.Roles = roles
	}
	if len(u.Roles) == 0 {
		f.Add("roles", "请至少选择一个角色", "choose at least one role")
	}
	return f
}

// CreateUser adds a user who must change the initial password at first
// sign-in; the password is returned once.
func (s *Service) CreateUser(ctx context.Context, a *auth.Actor, in UserInput) (*User, string, error) {
	if err := auth.Require(a, auth.ManageUsers); err != nil {
		return nil, "", err
	}
	password := auth.GeneratePassword()
	if in.Password != nil && *in.Password != "" {
		password = *in.Password
	}
	var created *User
	err := s.Audit.Write(ctx, a, func(w *audit.W) error {
		u := &User{Active: true}
		in.Active = nil
		f := s.applyUser(a, &in, u, activeUnitIn(ctx, w))
		if err := auth.CheckPolicy(password); err != nil {
			f.Add("password", "密码至少8位，并包含大写字母、小写字母、数字、符号中的至少3种", "the password does not meet the policy")
		}
		if existing, _ := s.UserByName(ctx, w, u.Username); existing != nil {
			f.Add("username", "登录名“"+u.Username+"”已被使用", "login name "+u.Username+" is taken")
		}
		if err := f.Err(); err != nil {
			return err
		}
		hash, err := auth.HashPassword(password)
		if err != nil {
			return err
		}
		var id int64
		if err := w.QueryRowContext(ctx, `INSERT INTO users (username, real_name, phone, unit_id, position, roles,
			password_hash, must_change_password, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, TRUE, $8, $8) RETURNING id`,
			u.Username, u.RealName, u.Phone, u.UnitID, u.Position, strings.Join(u.Roles, ","), hash, w.Now()).Scan(&id); err != nil {
			if db.IsUniqueViolation(err) {
				return errs.Conflictf("登录名已被使用", "login name is taken")
			}
			return err
		}
		if created, err = s.UserByID(ctx, w, id); err != nil {
			return err
		}
		return w.Record(audit.Entry{Action: "user.create", ObjectType: "user", ObjectID: idStr(id), UnitID: created.UnitID,
			Summary: "新建用户“" + created.RealName + "”（" + created.Username + "）", After: auditUser(created)})
	})
	if err != nil {
		return nil, "", err
	}
	created.Phone = MaskPhone(created.Phone)
	return created, password, nil
}

func auditUser(u *User) map[string]any {
	return map[string]any{"username": u.Username, "real_name": u.RealName, "phone": MaskPhone(u.Phone),
		"unit_id": u.UnitID, "position": u.Position, "roles": u.Roles, "active": u.Active, "locked": u.Locked}
}

// mayManageUser loads a user the actor may manage. Nobody manages their
// own account here (that is the password page), and only administrators
// manage holders of district-wide roles.
func (s *Service) mayManageUser(ctx context.Context, w *audit.W, a *auth.Actor, id int64) (*User, error) {
	u, err := s.userInScope(ctx, w, a, auth.ManageUsers, id)
	if err != nil {
		return nil, err
	}
	if !a.Has(auth.Admin) && slices.ContainsFunc(u.Roles, func(r string) bool { return slices.Contains(districtRoles, r) }) {
		return nil, errs.New(errs.Forbidden, "只有系统管理员可以管理区级角色的用户", "only an administrator may manage district-level users")
	}
	return u, nil
}

// UpdateUser edits a user.
func (s *Service) UpdateUser(ctx context.Context, a *auth.Actor, id int64, in UserInput) (*User, error) {
	var updated *User
	err := s.Audit.Write(ctx, a, func(w *audit.W) error {
		old, err := s.mayManageUser(ctx, w, a, id)
		if err != nil {
			return err
		}
		u := *old
		f := errs.Fields{}
		if in.Username != nil && strings.TrimSpace(*in.Username) != old.Username {
			f.Add("username", "登录名创建后不能修改", "the login name cannot change")
		}
		if in.Password != nil {
			f.Add("password", "请使用“重置密码”修改密码", "use the password reset to change a password")
		}
		if old.ID == a.UserID && in.Active != nil && !*in.Active {
			f.Add("active", "不能停用自己的账号", "you cannot deactivate your own account")
		}
		for k, v := range s.applyUser(a, &in, &u, activeUnitIn(ctx, w)) {
			f[k] = v
		}
		if err := f.Err(); err != nil {
			return err
		}
		if _, err := w.ExecContext(ctx, `UPDATE users SET real_name = $1, phone = $2, unit_id = $3, position = $4, roles = $5,
			active = $6, updated_at = $7 WHERE id = $8`, u.RealName, u.Phone, u.UnitID, u.Position, strings.Join(u.Roles, ","),
			u.Active, w.Now(), id); err != nil {
			return err
		}
		if !u.Active {
			if err := endSessions(ctx, w, id); err != nil {
				return err
			}
		}
		if updated, err = s.UserByID(ctx, w, id); err != nil {
			return err
		}
		return w.Record(audit.Entry{Action: "user.update", ObjectType: "user", ObjectID: idStr(id), UnitID: u.UnitID,
			Summary: "修改用户“" + u.RealName + "”", Before: auditUser(old), After: auditUser(updated)})
	})
	if err != nil {
		return nil, err
	}
	updated.Phone = MaskPhone(updated.Phone)
	return updated, nil
}

func endSessions(ctx context.Context, w *audit.W, userID int64) error {
	_, err := w.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID)
	return err
}

// ResetPassword sets a new password (generated when empty) that must be
// changed at the next sign-in, and ends the user's sessions.
func (s *Service) ResetPassword(ctx context.Context, a *auth.Actor, id int64, password string) (string, error) {
	if password == "" {
		password = auth.GeneratePassword()
	} else if err := auth.CheckPolicy(password); err != nil {
		f := errs.Fields{}
		f.Add("password", "密码至少8位，并包含大写字母、小写字母、数字、符号中的至少3种", "the password does not meet the policy")
		return "", f.Err()
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		return "", err
	}
	err = s.Audit.Write(ctx, a, func(w *audit.W) error {
		u, err := s.mayManageUser(ctx, w, a, id)
		if err != nil {
			return err
		}
		if _, err := w.ExecContext(ctx, `UPDATE users SET password_hash = $1, must_change_password = TRUE, updated_at = $2
			WHERE id = $3`, hash, w.Now(), id); err != nil {
			return err
		}
		if _, err := w.ExecContext(ctx, `DELETE FROM login_failures WHERE username = $1`, u.Username); err != nil {
			return err
		}
		if err := endSessions(ctx, w, id); err != nil {
			return err
		}
		return w.Record(audit.Entry{Action: "user.reset_password", ObjectType: "user", ObjectID: idStr(id), UnitID: u.UnitID,
			Summary: "重置用户“" + u.RealName + "”的密码"})
	})
	return password, err
}

// SetLocked locks (ending the sessions) or unlocks a user; unlocking also
// clears failed sign-ins.
func (s *Service) SetLocked(ctx context.Context, a *auth.Actor, id int64, locked bool) error {
	return s.Audit.Write(ctx, a, func(w *audit.W) error {
		u, err := s.mayManageUser(ctx, w, a, id)
		if err != nil {
			return err
		}
		if locked && u.ID == a.UserID {
			return errs.New(errs.Validation, "不能锁定自己的账号", "you cannot lock your own account")
		}
		if _, err := w.ExecContext(ctx, `UPDATE users SET locked = $1, updated_at = $2 WHERE id = $3`, locked, w.Now(), id); err != nil {
			return err
		}
		action, summary := "user.unlock", "解锁用户“"+u.RealName+"”"
		if locked {
			action, summary = "user.lock", "锁定用户“"+u.RealName+"”"
			if err := endSessions(ctx, w, id); err != nil {
				return err
			}
		} else if _, err := w.ExecContext(ctx, `DELETE FROM login_failures WHERE username = $1`, u.Username); err != nil {
			return err
		}
		return w.Record(audit.Entry{Action: action, ObjectType: "user", ObjectID: idStr(id), UnitID: u.UnitID, Summary: summary})
	})
}

// EndSessions signs a user out everywhere.
func (s *Service) EndSessions(ctx context.Context, a *auth.Actor, id int64) error {
	return s.Audit.Write(ctx, a, func(w *audit.W) error {
		u, err := s.mayManageUser(ctx, w, a, id)
		if err != nil {
			return err
		}
		res, err := w.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, id)
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		return w.Record(audit.Entry{Action: "user.end_sessions", ObjectType: "user", ObjectID: idStr(id), UnitID: u.UnitID,
			Summary: fmt.Sprintf("结束用户“%s”的全部会话（%d个）", u.RealName, n)})
	})
}

// Members lists a task force's members (users from any unit).
func (s *Service) Members(ctx context.Context, a *auth.Actor, unitID int64) ([]*User, error) {
	if _, err := s.GetUnit(ctx, a, unitID); err != nil {
		return nil, err
	}
	rows, err := s.DB.R.QueryContext(ctx, `SELECT `+userCols+userFrom+` JOIN unit_members m ON m.user_id = x.id
		WHERE m.unit_id = $1 ORDER BY u.path, x.username`, unitID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*User{}
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		u.Phone = MaskPhone(u.Phone)
		out = append(out, u)
	}
	return out, rows.Err()
}

// SetMembers replaces a task force's members.
func (s *Service) SetMembers(ctx context.Context, a *auth.Actor, unitID int64, userIDs []int64) error {
	return s.Audit.Write(ctx, a, func(w *audit.W) error {
		u, err := s.getUnit(ctx, w, unitID)
		if err != nil || !a.InScope(u.Path) {
			return errs.NotFoundf("单位", "unit")
		}
		if err := auth.Require(a, auth.ManageOrg); err != nil {
			return err
		}
		if u.Kind != KindTaskforce {
			return errs.New(errs.Validation, "只有专班可以设置跨单位成员", "only a task force has members from other units")
		}
		if _, err := w.ExecContext(ctx, `DELETE FROM unit_members WHERE unit_id = $1`, unitID); err != nil {
			return err
		}
		ids := slices.Compact(slices.Sorted(slices.Values(userIDs)))
		rows := make([][]any, len(ids))
		for i, id := range ids {
			rows[i] = []any{unitID, id}
		}
		if _, err := w.CopyFrom(ctx, "unit_members", []string{"unit_id", "user_id"}, rows); err != nil {
			if db.IsForeignKeyViolation(err) {
				return errs.New(errs.Validation, "所选用户不存在", "a chosen user does not exist")
			}
			return err
		}
		return w.Record(audit.Entry{Action: "unit.members", ObjectType: "unit", ObjectID: idStr(unitID), UnitID: unitID,
			Summary: fmt.Sprintf("设置专班“%s”成员（%d人）", u.Name, len(userIDs)), After: userIDs})
	})
}

// Touch records a successful sign-in time (used by the session layer).
func Touch(ctx context.Context, w *audit.W, userID int64, at time.Time) error {
	_, err := w.ExecContext(ctx, `UPDATE users SET last_login_at = $1 WHERE id = $2`, at, userID)
	return err
}

// recordExport audits an export of personal data.
func (s *Service) recordExport(ctx context.Context, a *auth.Actor, objectType string, n int, query string) error {
	return s.Audit.Append(ctx, a, audit.Entry{Action: objectType + ".export", ObjectType: objectType,
		Summary: fmt.Sprintf("导出%d条记录（含个人信息，已脱敏）", n), After: map[string]any{"query": query, "rows": n}})
}

// RowsQuerier runs queries inside or outside a transaction (*sql.DB, *db.Tx, *audit.W).
type RowsQuerier = db.RowsQuerier

// UserIDsWithRole lists the active users holding role, for messages that go
// to an office rather than a unit (the supervision office hears of
// escalations).
func UserIDsWithRole(ctx context.Context, q RowsQuerier, role string) ([]int64, error) {
	return db.IDs(ctx, q, `SELECT id FROM users WHERE active = TRUE AND (',' || roles || ',') LIKE $1 ORDER BY id`, "%,"+role+",%")
}
