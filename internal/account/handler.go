package account

import (
	"net/http"
	"time"

	"diaodu/internal/org"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/clock"
	"diaodu/internal/platform/httpx"
	"diaodu/internal/platform/xlsx"
)

// Routes registers sign-in, session, password and token endpoints.
func (s *Service) Routes(rt *httpx.Router) {
	const ts, tt = "session", "tokens"
	rt.Handle("POST", "/api/v1/session", ts, "登录", s.handleSignIn, httpx.Public)
	rt.Handle("GET", "/api/v1/session", ts, "当前会话", s.handleSession, httpx.DuringPasswordChange)
	rt.Handle("DELETE", "/api/v1/session", ts, "退出登录", s.handleSignOut, httpx.DuringPasswordChange)
	rt.Handle("PUT", "/api/v1/session/password", ts, "修改本人密码", s.handleChangePassword, httpx.DuringPasswordChange)
	rt.Handle("GET", "/api/v1/tokens", tt, "API 令牌列表", s.handleListTokens)
	rt.Handle("GET", "/api/v1/tokens/export", tt, "导出 API 令牌", s.handleExportTokens, httpx.Produces(xlsx.ContentType))
	rt.Handle("POST", "/api/v1/tokens", tt, "创建 API 令牌", s.handleCreateToken)
	rt.Handle("DELETE", "/api/v1/tokens/{id}", tt, "撤销 API 令牌", httpx.DoByID(s.RevokeToken))
}

type sessionBody struct {
	User      *org.User `json:"user"`
	CSRFToken string    `json:"csrf_token"`
}

func (s *Service) handleSignIn(w http.ResponseWriter, r *http.Request, _ *auth.Actor) error {
	var in struct {
		Username string `json:"username"`
		Password string `json:"password"`
	}
	if err := httpx.Decode(w, r, &in); err != nil {
		return err
	}
	sess, err := s.SignIn(r.Context(), in.Username, in.Password, s.ClientIP(r), r.UserAgent())
	if err != nil {
		return err
	}
	s.SetCookie(w, sess.Token)
	sess.User.Phone = org.MaskPhone(sess.User.Phone)
	httpx.JSON(w, http.StatusOK, sessionBody{sess.User, sess.CSRF})
	return nil
}

func (s *Service) currentUser(r *http.Request, a *auth.Actor) (*org.User, error) {
	u, err := s.Org.UserByID(r.Context(), s.DB.R, a.UserID)
	if err != nil {
		return nil, err
	}
	u.Phone = org.MaskPhone(u.Phone)
	return u, nil
}

func (s *Service) handleSession(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	if a.TokenID != 0 {
		httpx.JSON(w, http.StatusOK, map[string]any{"token": map[string]any{"id": a.TokenID, "name": a.Username, "roles": a.Roles}})
		return nil
	}
	u, err := s.currentUser(r, a)
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, sessionBody{u, s.CSRFOf(r)})
	return nil
}

func (s *Service) handleSignOut(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	c, err := r.Cookie(CookieName)
	if err == nil {
		if err := s.SignOut(r.Context(), a, c.Value); err != nil {
			return err
		}
	}
	s.ClearCookie(w)
	httpx.NoContent(w)
	return nil
}

func (s *Service) handleChangePassword(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	var in struct {
		OldPassword string `json:"old_password"`
		NewPassword string `json:"new_password"`
	}
	if err := httpx.Decode(w, r, &in); err != nil {
		return err
	}
	if err := s.ChangePassword(r.Context(), a, in.OldPassword, in.NewPassword); err != nil {
		return err
	}
	u, err := s.currentUser(r, a)
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, sessionBody{u, s.CSRFOf(r)})
	return nil
}

func (s *Service) handleListTokens(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	items, err := s.ListTokens(r.Context(), a)
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, httpx.List[*Token]{Items: items, Total: len(items)})
	return nil
}

func (s *Service) handleCreateToken(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	var in TokenInput
	if err := httpx.Decode(w, r, &in); err != nil {
		return err
	}
	t, secret, err := s.CreateToken(r.Context(), a, in)
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusCreated, map[string]any{"token": t, "secret": secret})
	return nil
}

func (s *Service) handleExportTokens(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	items, err := s.ListTokens(r.Context(), a)
	if err != nil {
		return err
	}
	when := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.In(clock.Shanghai).Format(time.DateTime)
	}
	rows := make([][]any, len(items))
	for i, t := range items {
		status := "有效"
		if t.RevokedAt != nil {
			status = "已撤销"
		}
		rows[i] = []any{t.Name, auth.RoleName(auth.Role(t.Role)), t.UnitName, t.CreatedBy, when(&t.CreatedAt), when(t.ExpiresAt),
			when(t.LastUsedAt), status}
	}
	return xlsx.Serve(w, "API令牌", "API 令牌", []xlsx.ExportColumn{{Header: "名称", Width: 20}, {Header: "角色", Width: 12},
		{Header: "单位", Width: 20}, {Header: "创建人", Width: 10}, {Header: "创建时间", Width: 20}, {Header: "到期", Width: 20},
		{Header: "最近使用", Width: 20}, {Header: "状态", Width: 8}}, rows)
}
