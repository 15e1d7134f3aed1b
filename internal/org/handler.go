package org

import (
	"context"
	"net/http"
	"strings"
	"time"

	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/clock"
	"diaodu/internal/platform/errs"
	"diaodu/internal/platform/httpx"
	"diaodu/internal/platform/xlsx"
)

// Routes registers the organisation's endpoints.
func (s *Service) Routes(rt *httpx.Router) {
	const tu, tg, tus = "units", "unit-groups", "users"
	rt.Handle("GET", "/api/v1/units", tu, "单位列表", httpx.ListOf(unitFilter, s.ListUnits), httpx.Query(unitQuery...))
	rt.Handle("GET", "/api/v1/units/export", tu, "导出单位", s.handleExportUnits, httpx.Query(unitQuery...), httpx.Produces(xlsx.ContentType))
	rt.Handle("GET", "/api/v1/units/tree", tu, "单位树", s.handleTree)
	rt.Handle("GET", "/api/v1/units/{id}", tu, "单位详情", httpx.GetByID(s.GetUnit))
	rt.Handle("POST", "/api/v1/units", tu, "新建单位", httpx.Create(s.CreateUnit))
	rt.Handle("PATCH", "/api/v1/units/{id}", tu, "修改、移动、停用单位", httpx.UpdateByID(s.UpdateUnit))
	rt.Handle("DELETE", "/api/v1/units/{id}", tu, "删除无数据的单位", httpx.DoByID(s.DeleteUnit))
	rt.Handle("GET", "/api/v1/units/{id}/members", tu, "专班成员", s.handleMembers)
	rt.Handle("PUT", "/api/v1/units/{id}/members", tu, "设置专班成员", s.handleSetMembers)

	rt.Handle("GET", "/api/v1/unit-groups", tg, "考核组列表", s.handleListGroups)
	rt.Handle("GET", "/api/v1/unit-groups/export", tg, "导出考核组", s.handleExportGroups, httpx.Produces(xlsx.ContentType))
	rt.Handle("POST", "/api/v1/unit-groups", tg, "新建考核组", s.handleSaveGroup)
	rt.Handle("PATCH", "/api/v1/unit-groups/{id}", tg, "修改考核组", s.handleSaveGroup)
	rt.Handle("DELETE", "/api/v1/unit-groups/{id}", tg, "删除考核组", httpx.DoByID(s.DeleteGroup))

	rt.Handle("GET", "/api/v1/users", tus, "用户列表", httpx.ListOf(userFilter, s.ListUsers), httpx.Query(userQuery...))
	rt.Handle("GET", "/api/v1/users/export", tus, "导出用户", s.handleExportUsers, httpx.Query(userQuery...), httpx.Produces(xlsx.ContentType))
	rt.Handle("GET", "/api/v1/users/{id}", tus, "用户详情", httpx.GetByID(s.GetUser))
	rt.Handle("GET", "/api/v1/users/{id}/phone", tus, "查看完整手机号（留痕）", s.handleUserPhone)
	rt.Handle("POST", "/api/v1/users", tus, "新建用户", s.handleCreateUser)
	rt.Handle("PATCH", "/api/v1/users/{id}", tus, "修改用户", httpx.UpdateByID(s.UpdateUser))
	rt.Handle("PUT", "/api/v1/users/{id}/password", tus, "重置密码", s.handleResetPassword)
	rt.Handle("PUT", "/api/v1/users/{id}/lock", tus, "锁定用户", httpx.DoByID(s.lockUser(true)))
	rt.Handle("DELETE", "/api/v1/users/{id}/lock", tus, "解锁用户", httpx.DoByID(s.lockUser(false)))
	rt.Handle("DELETE", "/api/v1/users/{id}/sessions", tus, "结束用户全部会话", httpx.DoByID(s.EndSessions))
}

var (
	unitQuery = []string{"page", "page_size", "q", "sort", "kind", "parent_id", "active"}
	userQuery = []string{"page", "page_size", "q", "sort", "unit_id", "role", "locked", "active"}
)

func unitFilter(r *http.Request) (UnitFilter, httpx.Page, error) {
	p, err := httpx.ParsePage(r)
	if err != nil {
		return UnitFilter{}, p, err
	}
	f := errs.Fields{}
	uf := UnitFilter{Kind: r.URL.Query().Get("kind"), ParentID: httpx.Int64Param(r, "parent_id", f),
		Active: httpx.BoolParam(r, "active", f), Q: p.Q}
	return uf, p, f.Err()
}

func (s *Service) handleExportUnits(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	f, p, err := unitFilter(r)
	if err != nil {
		return err
	}
	p.Size = 0
	items, _, err := s.ListUnits(r.Context(), a, f, p)
	if err != nil {
		return err
	}
	rows := make([][]any, len(items))
	for i, u := range items {
		rows[i] = []any{u.Code, u.Name, u.ShortName, KindName(u.Kind), u.ParentCode, u.ParentName, u.SortOrder, u.ContactName, u.ContactPhone,
			activeText(u.Active), u.UserCount}
	}
	return xlsx.Serve(w, "单位名册", "单位名册", []xlsx.ExportColumn{
		{Header: "单位编码", Width: 16}, {Header: "单位名称", Width: 28}, {Header: "简称", Width: 14}, {Header: "类型", Width: 12},
		{Header: "上级单位编码", Width: 16}, {Header: "上级单位", Width: 24}, {Header: "排序", Width: 8}, {Header: "联系人", Width: 12}, {Header: "联系电话", Width: 16},
		{Header: "状态", Width: 8}, {Header: "用户数", Width: 8}}, rows)
}

func activeText(b bool) string {
	if b {
		return "启用"
	}
	return "停用"
}

func (s *Service) handleTree(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	items, err := s.Tree(r.Context(), a)
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, map[string]any{"items": items})
	return nil
}

func (s *Service) handleMembers(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	id, err := httpx.PathID(r)
	if err != nil {
		return err
	}
	items, err := s.Members(r.Context(), a, id)
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, httpx.List[*User]{Items: items, Total: len(items)})
	return nil
}

func (s *Service) handleSetMembers(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	id, err := httpx.PathID(r)
	if err != nil {
		return err
	}
	var in struct {
		UserIDs []int64 `json:"user_ids"`
	}
	if err := httpx.Decode(w, r, &in); err != nil {
		return err
	}
	if err := s.SetMembers(r.Context(), a, id, in.UserIDs); err != nil {
		return err
	}
	return s.handleMembers(w, r, a)
}

func (s *Service) handleListGroups(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	items, err := s.ListGroups(r.Context(), a)
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, httpx.List[*Group]{Items: items, Total: len(items)})
	return nil
}

func (s *Service) handleSaveGroup(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	var id int64
	if r.PathValue("id") != "" {
		var err error
		if id, err = httpx.PathID(r); err != nil {
			return err
		}
	}
	var in GroupInput
	if err := httpx.Decode(w, r, &in); err != nil {
		return err
	}
	g, err := s.SaveGroup(r.Context(), a, id, in)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if id == 0 {
		status = http.StatusCreated
	}
	httpx.JSON(w, status, g)
	return nil
}

func userFilter(r *http.Request) (UserFilter, httpx.Page, error) {
	p, err := httpx.ParsePage(r)
	if err != nil {
		return UserFilter{}, p, err
	}
	f := errs.Fields{}
	role := r.URL.Query().Get("role")
	if role != "" && !auth.ValidRole(role) {
		f.Add("role", "未知角色", "unknown role")
	}
	uf := UserFilter{UnitID: httpx.Int64Param(r, "unit_id", f), Role: role, Locked: httpx.BoolParam(r, "locked", f),
		Active: httpx.BoolParam(r, "active", f), Q: p.Q}
	return uf, p, f.Err()
}

func (s *Service) handleExportUsers(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	f, p, err := userFilter(r)
	if err != nil {
		return err
	}
	p.Size = 0
	items, _, err := s.ListUsers(r.Context(), a, f, p)
	if err != nil {
		return err
	}
	if err := s.recordExport(r.Context(), a, "user", len(items), r.URL.RawQuery); err != nil {
		return err
	}
	rows := make([][]any, len(items))
	for i, u := range items {
		roles := make([]string, len(u.Roles))
		for j, ro := range u.Roles {
			roles[j] = auth.RoleName(auth.Role(ro))
		}
		last := ""
		if u.LastLoginAt != nil {
			last = u.LastLoginAt.In(clock.Shanghai).Format(time.DateTime)
		}
		rows[i] = []any{u.Username, u.RealName, u.UnitName, u.Position, strings.Join(roles, "、"), u.Phone,
			activeText(u.Active && !u.Locked), last}
	}
	return xlsx.Serve(w, "用户名册", "用户名册", []xlsx.ExportColumn{
		{Header: "登录名", Width: 16}, {Header: "姓名", Width: 10}, {Header: "所属单位", Width: 26}, {Header: "职务", Width: 14},
		{Header: "角色", Width: 22}, {Header: "手机号", Width: 14}, {Header: "状态", Width: 8}, {Header: "最近登录", Width: 20}}, rows)
}

func (s *Service) handleUserPhone(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	id, err := httpx.PathID(r)
	if err != nil {
		return err
	}
	phone, err := s.UserPhone(r.Context(), a, id)
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, map[string]string{"phone": phone})
	return nil
}

func (s *Service) handleCreateUser(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	var in UserInput
	if err := httpx.Decode(w, r, &in); err != nil {
		return err
	}
	u, pw, err := s.CreateUser(r.Context(), a, in)
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusCreated, map[string]any{"user": u, "password": pw})
	return nil
}

func (s *Service) handleResetPassword(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	id, err := httpx.PathID(r)
	if err != nil {
		return err
	}
	var in struct {
		Password string `json:"password"`
	}
	if r.ContentLength != 0 {
		if err := httpx.Decode(w, r, &in); err != nil {
			return err
		}
	}
	pw, err := s.ResetPassword(r.Context(), a, id, in.Password)
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, map[string]string{"password": pw})
	return nil
}

// lockUser binds SetLocked to one direction for the lock endpoints.
func (s *Service) lockUser(locked bool) func(ctx context.Context, a *auth.Actor, id int64) error {
	return func(ctx context.Context, a *auth.Actor, id int64) error { return s.SetLocked(ctx, a, id, locked) }
}

func (s *Service) handleExportGroups(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	items, err := s.ListGroups(r.Context(), a)
	if err != nil {
		return err
	}
	rows := make([][]any, len(items))
	for i, g := range items {
		names := make([]string, len(g.Units))
		for j, u := range g.Units {
			names[j] = u.Name
		}
		rows[i] = []any{g.Name, g.Code, g.SortOrder, len(g.Units), strings.Join(names, "、")}
	}
	return xlsx.Serve(w, "考核组", "考核组", []xlsx.ExportColumn{{Header: "考核组", Width: 16}, {Header: "编码", Width: 12},
		{Header: "排序", Width: 8}, {Header: "单位数", Width: 8}, {Header: "单位", Width: 80}}, rows)
}
