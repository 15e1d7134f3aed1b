package account

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/errs"
)

// Token is an API token for an integration, acting with one role for one unit.
type Token struct {
	ID         int64      `json:"id"`
	Name       string     `json:"name"`
	Role       string     `json:"role"`
	UnitID     int64      `json:"unit_id"`
	UnitName   string     `json:"unit_name"`
	CreatedBy  string     `json:"created_by"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  *time.Time `json:"expires_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
}

// tokenPrefix marks diaodu secrets so scanners can spot a leaked one.
const tokenPrefix = "dd_"

func (s *Service) tokenActor(ctx context.Context, secret string) (*auth.Actor, error) {
	bad := errs.New(errs.Unauthenticated, "API 令牌无效、已过期或已撤销", "the API token is invalid, expired or revoked")
	if !strings.HasPrefix(secret, tokenPrefix) {
		return nil, bad
	}
	var a auth.Actor
	var role string
	var expires, lastUsed sql.NullTime
	var revoked sql.NullTime
	err := s.DB.R.QueryRowContext(ctx, `SELECT t.id, t.name, t.role, t.unit_id, u.path, t.expires_at, t.revoked_at, t.last_used_at
		FROM api_tokens t JOIN units u ON u.id = t.unit_id WHERE t.token_hash = $1`, hashSecret(secret)).
		Scan(&a.TokenID, &a.Username, &role, &a.UnitID, &a.UnitPath, &expires, &revoked, &lastUsed)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, bad
	}
	if err != nil {
		return nil, err
	}
	now := s.Audit.Clock.Now()
	if revoked.Valid || (expires.Valid && !now.Before(expires.Time)) {
		return nil, bad
	}
	if !lastUsed.Valid || now.Sub(lastUsed.Time) > touchEvery {
		_, _ = s.DB.W.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = $1 WHERE id = $2`, now, a.TokenID)
	}
	a.Username = "token:" + a.Username
	a.Roles = []auth.Role{auth.Role(role)}
	return &a, nil
}

// ListTokens lists every token (administrators only).
func (s *Service) ListTokens(ctx context.Context, a *auth.Actor) ([]*Token, error) {
	if err := auth.Require(a, auth.ManageTokens); err != nil {
		return nil, err
	}
	rows, err := s.DB.R.QueryContext(ctx, `SELECT t.id, t.name, t.role, t.unit_id, u.name, c.real_name, t.created_at,
		t.expires_at, t.last_used_at, t.revoked_at
		FROM api_tokens t JOIN units u ON u.id = t.unit_id JOIN users c ON c.id = t.created_by ORDER BY t.id DESC`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*Token{}
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

func scanToken(s interface{ Scan(...any) error }) (*Token, error) {
	var t Token
	var exp, used, rev sql.NullTime
	if err := s.Scan(&t.ID, &t.Name, &t.Role, &t.UnitID, &t.UnitName, &t.CreatedBy, &t.CreatedAt, &exp, &used, &rev); err != nil {
		return nil, err
	}
	for _, p := range []struct {
		src sql.NullTime
		dst **time.Time
	}{{exp, &t.ExpiresAt}, {used, &t.LastUsedAt}, {rev, &t.RevokedAt}} {
		if p.src.Valid {
			v := p.src.Time
			*p.dst = &v
		}
	}
	return &t, nil
}

// TokenInput creates a token.
type TokenInput struct {
	Name      string     `json:"name"`
	Role      string     `json:"role"`
	UnitID    int64      `json:"unit_id"`
	ExpiresAt *time.Time `json:"expires_at"`
}

// CreateToken makes a token and returns its secret, shown this once.
func (s *Service) CreateToken(ctx context.Context, a *auth.Actor, in TokenInput) (*Token, string, error) {
	if err := auth.Require(a, auth.ManageTokens); err != nil {
		return nil, "", err
	}
	if a.TokenID != 0 || a.UserID == 0 { // a token records the person who made it (created_by)
		return nil, "", errs.ErrForbidden
	}
	secret := tokenPrefix + auth.RandomToken(32)
	var tok *Token
	err := s.Audit.Write(ctx, a, func(w *audit.W) error {
		f := errs.Fields{}
		in.Name = strings.TrimSpace(in.Name)
		if in.Name == "" || utf8.RuneCountInString(in.Name) > 50 {
			f.Add("name", "令牌名称不能为空且不超过50个字", "name is required, at most 50 characters")
		}
		if !auth.ValidRole(in.Role) {
			f.Add("role", "请选择有效的角色", "choose a valid role")
		}
		var n int
		_ = w.QueryRowContext(ctx, `SELECT COUNT(*) FROM units WHERE id = $1 AND active = TRUE`, in.UnitID).Scan(&n)
		if n == 0 {
			f.Add("unit_id", "请选择有效的单位", "choose a valid unit")
		}
		if in.ExpiresAt != nil && !in.ExpiresAt.After(w.Now()) {
			f.Add("expires_at", "过期时间应晚于现在", "expiry must be in the future")
		}
		if err := f.Err(); err != nil {
			return err
		}
		var id int64
		if err := w.QueryRowContext(ctx, `INSERT INTO api_tokens (name, token_hash, role, unit_id, created_by, created_at, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, in.Name, hashSecret(secret), in.Role, in.UnitID, a.UserID,
			w.Now(), in.ExpiresAt).Scan(&id); err != nil {
			return err
		}
		var err error
		if tok, err = s.getToken(ctx, w, id); err != nil {
			return err
		}
		return w.Record(audit.Entry{Action: "token.create", ObjectType: "api_token", ObjectID: idStr(id), UnitID: in.UnitID,
			Summary: "创建 API 令牌“" + in.Name + "”（角色 " + auth.RoleName(auth.Role(in.Role)) + "）", After: tok})
	})
	if err != nil {
		return nil, "", err
	}
	return tok, secret, nil
}

func (s *Service) getToken(ctx context.Context, w *audit.W, id int64) (*Token, error) {
	t, err := scanToken(w.QueryRowContext(ctx, `SELECT t.id, t.name, t.role, t.unit_id, u.name, c.real_name, t.created_at,
		t.expires_at, t.last_used_at, t.revoked_at
		FROM api_tokens t JOIN units u ON u.id = t.unit_id JOIN users c ON c.id = t.created_by WHERE t.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.NotFoundf("API 令牌", "API token")
	}
	return t, err
}

// RevokeToken stops a token from working.
func (s *Service) RevokeToken(ctx context.Context, a *auth.Actor, id int64) error {
	if err := auth.Require(a, auth.ManageTokens); err != nil {
		return err
	}
	return s.Audit.Write(ctx, a, func(w *audit.W) error {
		t, err := s.getToken(ctx, w, id)
		if err != nil {
			return err
		}
		if t.RevokedAt != nil {
			return errs.Conflictf("该令牌已撤销", "the token is already revoked")
		}
		if _, err := w.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = $1 WHERE id = $2`, w.Now(), id); err != nil {
			return err
		}
		return w.Record(audit.Entry{Action: "token.revoke", ObjectType: "api_token", ObjectID: idStr(id), UnitID: t.UnitID,
			Summary: "撤销 API 令牌“" + t.Name + "”"})
	})
}
