// Package account signs people in and out: password sign-in with lockout,
// database-stored sessions (so several replicas can serve), CSRF tokens,
// the password change, and API tokens for integrations.
package account

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"encoding/hex"
	"errors"
	"net"
	"net/http"
	"strings"
	"time"

	"diaodu/internal/org"
	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/db"
	"diaodu/internal/platform/errs"
)

// Config holds the session rules.
type Config struct {
	IdleTimeout     time.Duration // default 30 min
	AbsoluteTimeout time.Duration // default 12 h
	MaxFailures     int           // default 5
	LockFor         time.Duration // default 15 min
	SecureCookie    bool          // behind TLS
	TrustProxy      bool          // take the client address from X-Forwarded-For
}

// Defaults fills zero values.
func (c Config) Defaults() Config {
	if c.IdleTimeout == 0 {
		c.IdleTimeout = 30 * time.Minute
	}
	if c.AbsoluteTimeout == 0 {
		c.AbsoluteTimeout = 12 * time.Hour
	}
	if c.MaxFailures == 0 {
		c.MaxFailures = 5
	}
	if c.LockFor == 0 {
		c.LockFor = 15 * time.Minute
	}
	return c
}

// CookieName is the session cookie.
const CookieName = "diaodu_session"

// Service signs people in.
type Service struct {
	DB    *db.DB
	Audit *audit.Log
	Org   *org.Service
	Cfg   Config
}

// New wires the service.
func New(d *db.DB, l *audit.Log, o *org.Service, cfg Config) *Service {
	return &Service{DB: d, Audit: l, Org: o, Cfg: cfg.Defaults()}
}

func hashSecret(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// Session is a signed-in browser.
type Session struct {
	Token string // the cookie value; only its hash is stored
	CSRF  string
	User  *org.User
}

var errBadCredentials = errs.New(errs.InvalidCredentials, "用户名或密码错误", "wrong user name or password")

// SignIn checks a password and opens a session. Failures count per typed
// name, whether or not the user exists, so lockout and messages reveal
// nothing about which names exist.
func (s *Service) SignIn(ctx context.Context, username, password, ip, userAgent string) (*Session, error) {
	username = strings.TrimSpace(username)
	now := s.Audit.Clock.Now()
	actor := &auth.Actor{Username: username, IP: ip}
	if username == "" || password == "" {
		f := errs.Fields{}
		if username == "" {
			f.Add("username", "请输入用户名", "enter the user name")
		}
		if password == "" {
			f.Add("password", "请输入密码", "enter the password")
		}
		return nil, f.Err()
	}
	var lockedUntil sql.NullTime
	_ = s.DB.R.QueryRowContext(ctx, `SELECT locked_until FROM login_failures WHERE username = $1`, username).Scan(&lockedUntil)
	if lockedUntil.Valid && lockedUntil.Time.After(now) {
		_ = s.Audit.Append(ctx, actor, audit.Entry{Action: "session.locked_attempt", ObjectType: "session",
			Summary: "账号锁定期间尝试登录：" + username + "，来源 " + ip})
		return nil, lockedError(lockedUntil.Time, now)
	}
	u, err := s.Org.UserByName(ctx, s.DB.R, username)
	if err != nil {
		return nil, err
	}
	ok := false
	if u == nil {
		auth.BurnPasswordCheck(password)
	} else {
		ok = auth.CheckPassword(u.PasswordHash, password)
	}
	if !ok {
		return nil, s.recordFailure(ctx, actor, u, now)
	}
	if u.Locked || !u.Active {
		_ = s.Audit.Append(ctx, actor, audit.Entry{Action: "session.locked_attempt", ObjectType: "user", ObjectID: idStr(u.ID),
			UnitID: u.UnitID, Summary: "已锁定或停用的账号尝试登录，来源 " + ip})
		return nil, errs.New(errs.AccountLocked, "账号已被锁定或停用，请联系管理员", "the account is locked or deactivated; contact an administrator")
	}
	sess := &Session{Token: auth.RandomToken(32), CSRF: auth.RandomToken(24)}
	actor.UserID, actor.UnitID = u.ID, u.UnitID
	err = s.Audit.Write(ctx, actor, func(w *audit.W) error {
		if _, err := w.ExecContext(ctx, `DELETE FROM login_failures WHERE username = $1`, username); err != nil {
			return err
		}
		// Sweep this user's expired sessions while we are here.
		if _, err := w.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1 AND (expires_at <= $2 OR last_seen_at <= $3)`,
			u.ID, w.Now(), w.Now().Add(-s.Cfg.IdleTimeout)); err != nil {
			return err
		}
		if _, err := w.ExecContext(ctx, `INSERT INTO sessions (id_hash, user_id, csrf_token, ip, user_agent, created_at,
			last_seen_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $6, $7)`,
			hashSecret(sess.Token), u.ID, sess.CSRF, ip, truncate(userAgent, 300), w.Now(), w.Now().Add(s.Cfg.AbsoluteTimeout)); err != nil {
			return err
		}
		if err := org.Touch(ctx, w, u.ID, w.Now()); err != nil {
			return err
		}
		return w.Record(audit.Entry{Action: "session.sign_in", ObjectType: "user", ObjectID: idStr(u.ID), UnitID: u.UnitID,
			Summary: u.RealName + " 登录，来源 " + ip})
	})
	if err != nil {
		return nil, err
	}
	u.LastLoginAt = &now
	sess.User = u
	return sess, nil
}

func lockedError(until, now time.Time) error {
	mins := int((until.Sub(now) + time.Minute - 1) / time.Minute) // rounded up: 15, not 16, right after the lock
	return errs.New(errs.AccountLocked,
		"登录失败次数过多，账号已锁定，请"+itoa(mins)+"分钟后再试",
		"too many failed sign-ins; try again in "+itoa(mins)+" minutes")
}

// recordFailure counts a failed sign-in and locks after MaxFailures.
func (s *Service) recordFailure(ctx context.Context, actor *auth.Actor, u *org.User, now time.Time) error {
	var locked bool
	var unitID int64
	objectID := ""
	if u != nil {
		unitID, objectID = u.UnitID, idStr(u.ID)
	}
	err := s.Audit.Write(ctx, actor, func(w *audit.W) error {
		var failures int
		var lastAt time.Time
		err := w.QueryRowContext(ctx, `SELECT failures, last_failure_at FROM login_failures WHERE username = $1`+w.Dialect.ForUpdate(),
			actor.Username).Scan(&failures, &lastAt)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			failures = 0
		case err != nil:
			return err
		case now.Sub(lastAt) >= s.Cfg.LockFor: // same boundary as the lock itself
			failures = 0 // old failures expire
		}
		failures++
		var until any
		if failures >= s.Cfg.MaxFailures {
			until, locked = now.Add(s.Cfg.LockFor), true
		}
		if _, err := w.ExecContext(ctx, `DELETE FROM login_failures WHERE username = $1`, actor.Username); err != nil {
			return err
		}
		if _, err := w.ExecContext(ctx, `INSERT INTO login_failures (username, failures, locked_until, last_failure_at)
			VALUES ($1, $2, $3, $4)`, actor.Username, failures, until, now); err != nil {
			return err
		}
		summary := "登录失败（第" + itoa(failures) + "次）：" + actor.Username + "，来源 " + actor.IP
		if err := w.Record(audit.Entry{Action: "session.fail", ObjectType: "user", ObjectID: objectID, UnitID: unitID, Summary: summary}); err != nil {
			return err
		}
		if locked {
			return w.Record(audit.Entry{Action: "session.lockout", ObjectType: "user", ObjectID: objectID, UnitID: unitID,
				Summary: "连续" + itoa(failures) + "次登录失败，锁定" + itoa(int(s.Cfg.LockFor.Minutes())) + "分钟：" + actor.Username})
		}
		return nil
	})
	if err != nil {
		return err
	}
	if locked {
		return lockedError(now.Add(s.Cfg.LockFor), now)
	}
	return errBadCredentials
}

// SignOut ends the session of this cookie.
func (s *Service) SignOut(ctx context.Context, a *auth.Actor, token string) error {
	return s.Audit.Write(ctx, a, func(w *audit.W) error {
		if _, err := w.ExecContext(ctx, `DELETE FROM sessions WHERE id_hash = $1`, hashSecret(token)); err != nil {
			return err
		}
		return w.Record(audit.Entry{Action: "session.sign_out", ObjectType: "user", ObjectID: idStr(a.UserID), UnitID: a.UnitID,
			Summary: a.RealName + " 退出登录"})
	})
}

// ChangePassword changes the actor's own password.
func (s *Service) ChangePassword(ctx context.Context, a *auth.Actor, oldPw, newPw string) error {
	if a.TokenID != 0 || a.UserID == 0 {
		return errs.ErrForbidden
	}
	u, err := s.Org.UserByID(ctx, s.DB.R, a.UserID)
	if err != nil {
		return err
	}
	f := errs.Fields{}
	if !auth.CheckPassword(u.PasswordHash, oldPw) {
		f.Add("old_password", "原密码不正确", "the current password is wrong")
	}
	if err := auth.CheckPolicy(newPw); err != nil {
		e, _ := errs.As(err)
		f.Add("new_password", e.Message.ZH, e.Message.EN)
	} else if newPw == oldPw {
		f.Add("new_password", "新密码不能与原密码相同", "the new password must differ from the current one")
	}
	if err := f.Err(); err != nil {
		return err
	}
	hash, err := auth.HashPassword(newPw)
	if err != nil {
		return err
	}
	return s.Audit.Write(ctx, a, func(w *audit.W) error {
		if _, err := w.ExecContext(ctx, `UPDATE users SET password_hash = $1, must_change_password = FALSE,
			password_changed_at = $2, updated_at = $2 WHERE id = $3`, hash, w.Now(), a.UserID); err != nil {
			return err
		}
		return w.Record(audit.Entry{Action: "user.change_password", ObjectType: "user", ObjectID: idStr(a.UserID),
			UnitID: a.UnitID, Summary: u.RealName + " 修改了自己的密码"})
	})
}

// ClientIP is the request's client address.
func (s *Service) ClientIP(r *http.Request) string {
	if s.Cfg.TrustProxy {
		if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
			return strings.TrimSpace(strings.Split(xff, ",")[0])
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// Authenticate finds the actor of a request from its bearer token or
// session cookie. Cookie-authenticated writes must carry the session's
// CSRF token in X-CSRF-Token.
func (s *Service) Authenticate(w http.ResponseWriter, r *http.Request) (*auth.Actor, error) {
	ctx := r.Context()
	ip := s.ClientIP(r)
	if h := r.Header.Get("Authorization"); h != "" {
		token, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			return nil, errs.New(errs.Unauthenticated, "不支持的认证方式", "unsupported authorization scheme")
		}
		a, err := s.tokenActor(ctx, strings.TrimSpace(token))
		if err != nil {
			return nil, err
		}
		a.IP = ip
		return a, nil
	}
	c, err := r.Cookie(CookieName)
	if err != nil || c.Value == "" {
		return nil, nil
	}
	a, csrf, err := s.sessionActor(ctx, c.Value)
	if err != nil {
		return nil, err
	}
	if a == nil {
		s.ClearCookie(w)
		return nil, nil
	}
	a.IP = ip
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
	default:
		got := r.Header.Get("X-CSRF-Token")
		if subtle.ConstantTimeCompare([]byte(got), []byte(csrf)) != 1 {
			return nil, errs.New(errs.CSRF, "页面已过期或请求来源不可信，请刷新页面后重试", "missing or wrong CSRF token; reload the page")
		}
	}
	return a, nil
}

// CSRFOf returns the CSRF token of the request's session.
func (s *Service) CSRFOf(r *http.Request) string {
	c, err := r.Cookie(CookieName)
	if err != nil {
		return ""
	}
	var csrf string
	_ = s.DB.R.QueryRowContext(r.Context(), `SELECT csrf_token FROM sessions WHERE id_hash = $1`, hashSecret(c.Value)).Scan(&csrf)
	return csrf
}

// touchEvery limits how often a session's last-seen time is written, so
// reads stay reads.
const touchEvery = time.Minute

func (s *Service) sessionActor(ctx context.Context, token string) (*auth.Actor, string, error) {
	now := s.Audit.Clock.Now()
	var userID int64
	var csrf string
	var lastSeen, expires time.Time
	err := s.DB.Read.QueryRowContext(ctx, `SELECT user_id, csrf_token, last_seen_at, expires_at FROM sessions WHERE id_hash = $1`,
		hashSecret(token)).Scan(&userID, &csrf, &lastSeen, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", nil
	}
	if err != nil {
		return nil, "", err
	}
	if !now.Before(expires) || now.Sub(lastSeen) >= s.Cfg.IdleTimeout {
		_, _ = s.DB.W.ExecContext(ctx, `DELETE FROM sessions WHERE id_hash = $1`, hashSecret(token))
		return nil, "", nil
	}
	if now.Sub(lastSeen) > touchEvery {
		_, _ = s.DB.W.ExecContext(ctx, `UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2`, now, hashSecret(token))
	}
	u, err := s.Org.UserByID(ctx, s.DB.Read, userID)
	if err != nil {
		return nil, "", err
	}
	if !u.Active || u.Locked {
		return nil, "", nil
	}
	return actorOf(u), csrf, nil
}

func actorOf(u *org.User) *auth.Actor {
	roles := make([]auth.Role, len(u.Roles))
	for i, r := range u.Roles {
		roles[i] = auth.Role(r)
	}
	return &auth.Actor{UserID: u.ID, Username: u.Username, RealName: u.RealName, UnitID: u.UnitID, UnitPath: u.UnitPath,
		Roles: roles, MustChangePassword: u.MustChangePassword}
}

// SetCookie writes the session cookie.
func (s *Service) SetCookie(w http.ResponseWriter, token string) {
	http.SetCookie(w, &http.Cookie{Name: CookieName, Value: token, Path: "/", HttpOnly: true, Secure: s.Cfg.SecureCookie,
		SameSite: http.SameSiteLaxMode, MaxAge: int(s.Cfg.AbsoluteTimeout.Seconds())})
}

// ClearCookie removes the session cookie.
func (s *Service) ClearCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: CookieName, Value: "", Path: "/", HttpOnly: true, Secure: s.Cfg.SecureCookie,
		SameSite: http.SameSiteLaxMode, MaxAge: -1})
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

func idStr(id int64) string { return itoa64(id) }

// ActorFor returns the actor of an active user by username, for work done
// on a user's behalf outside a request (the demo generator replaying a
// district's history).
func (s *Service) ActorFor(ctx context.Context, username string) (*auth.Actor, error) {
	u, err := s.Org.UserByName(ctx, s.DB.R, username)
	if err != nil {
		return nil, err
	}
	if !u.Active || u.Locked {
		return nil, errs.Conflictf("用户“"+username+"”已停用或锁定", "user "+username+" is inactive or locked")
	}
	return actorOf(u), nil
}
