package account_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"diaodu/internal/platform/db"
	"diaodu/internal/testutil"
)

// newToken creates a token through the API as admin and returns its id and secret.
func newToken(t *testing.T, admin *testutil.Client, body map[string]any) (int64, string) {
	t.Helper()
	r := admin.Do("POST", "/api/v1/tokens", body)
	if r.Status != 201 {
		t.Fatalf("create token: %d %s", r.Status, r.Body)
	}
	secret, _ := r.JSON()["secret"].(string)
	tok := r.JSON()["token"].(map[string]any)
	return int64(tok["id"].(float64)), secret
}

func TestBearerToken(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		admin := e.s.Login(t, "admin")
		qs := e.f.Units["QS"].ID
		id, secret := newToken(t, admin, map[string]any{"name": "网格系统对接", "role": "staff", "unit_id": qs})
		if !strings.HasPrefix(secret, "dd_") || len(secret) < 40 {
			t.Fatalf("secret %q", secret)
		}

		// Stored hashed: the secret appears nowhere in the database or in later answers.
		var name, hash, role string
		if err := d.R.QueryRowContext(e.ctx, `SELECT name, token_hash, role FROM api_tokens WHERE id = $1`, id).Scan(&name, &hash, &role); err != nil {
			t.Fatal(err)
		}
		if hash != sha(secret) || strings.Contains(name+hash+role, secret) || strings.Contains(hash, secret[3:]) {
			t.Fatalf("token row holds the secret: %s %s %s", name, hash, role)
		}
		if n := e.f.Count(t, `SELECT COUNT(*) FROM audit_log WHERE after_json LIKE $1 OR summary LIKE $1 OR before_json LIKE $1`,
			"%"+secret[3:]+"%"); n != 0 {
			t.Fatal("the audit trail holds the secret")
		}
		list := admin.Do("GET", "/api/v1/tokens", nil)
		if list.Status != 200 || total(list) != 1 || strings.Contains(string(list.Body), secret[3:]) {
			t.Fatalf("token list: %d %s", list.Status, list.Body)
		}
		if x := e.entries(t, "token.create"); len(x) != 1 || x[0].ObjectID != fmt.Sprint(id) || x[0].Username != "admin" {
			t.Fatalf("token.create entries: %+v", x)
		}

		// The token acts as a staff member of 青石镇: that scope, that role, no CSRF.
		tc := bearer(t, e.s, secret)
		if r := tc.Do("GET", "/api/v1/units", nil); r.Status != 200 || total(r) != 2 {
			t.Fatalf("units by token: %d %s", r.Status, r.Body)
		}
		if r := tc.Do("GET", "/api/v1/users", nil); r.Status != 200 || total(r) != 3 {
			t.Fatalf("users by token: %d %s", r.Status, r.Body)
		}
		wantErr(t, tc.Do("GET", fmt.Sprintf("/api/v1/units/%d", e.f.Units["LX"].ID), nil), 404, "not_found")
		wantErr(t, tc.Do("POST", "/api/v1/units", map[string]any{"parent_id": qs, "code": "TK1", "name": "令牌村", "kind": "village"}),
			403, "forbidden")
		wantErr(t, tc.Do("PUT", "/api/v1/session/password", map[string]any{"old_password": "x", "new_password": "Abcdef1!"}),
			403, "forbidden")
		if r := tc.Do("GET", "/api/v1/session", nil); r.Status != 200 || r.JSON()["token"] == nil {
			t.Fatalf("session of a token: %d %s", r.Status, r.Body)
		}
		if n := e.f.Count(t, `SELECT COUNT(*) FROM api_tokens WHERE id = $1 AND last_used_at IS NOT NULL`, id); n != 1 {
			t.Fatal("last_used_at not set")
		}

		// A unit_admin token writes without CSRF, within its unit.
		_, adminSecret := newToken(t, admin, map[string]any{"name": "镇级对接", "role": "unit_admin", "unit_id": qs})
		ta := bearer(t, e.s, adminSecret)
		r := ta.Do("POST", "/api/v1/units", map[string]any{"parent_id": qs, "code": "TK2", "name": "令牌村", "kind": "village"})
		if r.Status != 201 {
			t.Fatalf("write by token: %d %s", r.Status, r.Body)
		}
		x := e.entries(t, "unit.create")
		if last := x[len(x)-1]; last.Username != "token:镇级对接" || last.IP != "127.0.0.1" {
			t.Fatalf("entry of the token's write: %+v", last)
		}
		wantErr(t, ta.Do("POST", "/api/v1/units", map[string]any{"parent_id": e.f.Units["LX"].ID, "code": "TK3", "name": "越权村",
			"kind": "village"}), 422, "validation")

		// Revoked: refused at once, and revoking twice is a conflict.
		if r := admin.Do("DELETE", fmt.Sprintf("/api/v1/tokens/%d", id), nil); r.Status != 204 {
			t.Fatalf("revoke: %d %s", r.Status, r.Body)
		}
		wantErr(t, tc.Do("GET", "/api/v1/units", nil), 401, "unauthenticated")
		wantErr(t, admin.Do("DELETE", fmt.Sprintf("/api/v1/tokens/%d", id), nil), 409, "conflict")
		if x := e.entries(t, "token.revoke"); len(x) != 1 || x[0].ObjectID != fmt.Sprint(id) || x[0].IP != "127.0.0.1" {
			t.Fatalf("token.revoke entries: %+v", x)
		}
		// A near miss of the secret does not work.
		wantErr(t, bearer(t, e.s, adminSecret+"x").Do("GET", "/api/v1/units", nil), 401, "unauthenticated")
		wantErr(t, bearer(t, e.s, strings.TrimPrefix(adminSecret, "dd_")).Do("GET", "/api/v1/units", nil), 401, "unauthenticated")
	})
}

func TestTokenExpiry(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		admin := e.s.Login(t, "admin")
		qs := e.f.Units["QS"].ID
		past := testutil.Start.Add(-time.Minute)
		r := admin.Do("POST", "/api/v1/tokens", map[string]any{"name": "过去", "role": "staff", "unit_id": qs, "expires_at": past})
		wantErr(t, r, 422, "validation")
		if r.Field("expires_at") == "" {
			t.Fatalf("expires_at not named: %s", r.Body)
		}
		for _, tc := range []struct {
			name  string
			body  map[string]any
			field string
		}{
			{"no name", map[string]any{"name": " ", "role": "staff", "unit_id": qs}, "name"},
			{"unknown role", map[string]any{"name": "x", "role": "root", "unit_id": qs}, "role"},
			{"unknown unit", map[string]any{"name": "x", "role": "staff", "unit_id": 999}, "unit_id"},
		} {
			r := admin.Do("POST", "/api/v1/tokens", tc.body)
			if r.Status != 422 || r.Field(tc.field) == "" {
				t.Fatalf("%s: %d %s", tc.name, r.Status, r.Body)
			}
		}

		_, secret := newToken(t, admin, map[string]any{"name": "一小时", "role": "staff", "unit_id": qs,
			"expires_at": testutil.Start.Add(time.Hour)})
		tc := bearer(t, e.s, secret)
		e.f.Clock.Advance(59 * time.Minute)
		if r := tc.Do("GET", "/api/v1/units", nil); r.Status != 200 {
			t.Fatalf("before expiry: %d %s", r.Status, r.Body)
		}
		e.f.Clock.Advance(time.Minute)
		wantErr(t, tc.Do("GET", "/api/v1/units", nil), 401, "unauthenticated")
	})
}

// A token acting with the admin role has no user behind it; what it may
// not do must be refused, never fail with an internal error.
func TestAdminTokenHasNoUser(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		admin := e.s.Login(t, "admin")
		_, secret := newToken(t, admin, map[string]any{"name": "全区对接", "role": "admin", "unit_id": e.f.Units["D"].ID})
		tc := bearer(t, e.s, secret)
		r := tc.Do("POST", "/api/v1/tokens", map[string]any{"name": "二级令牌", "role": "staff", "unit_id": e.f.Units["QS"].ID})
		wantErr(t, r, 403, "forbidden") // a token may not mint tokens that outlive its revocation
		if n := e.f.Count(t, `SELECT COUNT(*) FROM api_tokens`); n != 1 {
			t.Fatalf("%d tokens", n)
		}
		if r := tc.Do("GET", "/api/v1/tokens", nil); r.Status != 200 {
			t.Fatalf("token list by an admin token: %d %s", r.Status, r.Body)
		}
	})
}
