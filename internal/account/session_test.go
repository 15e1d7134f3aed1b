package account_test

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"diaodu/internal/account"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/db"
	"diaodu/internal/testutil"
)

func TestSignInContract(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		c, r := e.signIn(t, "qs_staff", testutil.Password)
		if r.Status != http.StatusOK {
			t.Fatalf("sign in: %d %s", r.Status, r.Body)
		}
		body := r.JSON()
		u := body["user"].(map[string]any)
		if u["username"] != "qs_staff" || u["unit_name"] != "青石镇" || fmt.Sprint(u["roles"]) != "[staff]" ||
			u["must_change_password"] != false || u["last_login_at"] == nil {
			t.Fatalf("user: %v", u)
		}
		csrf, _ := body["csrf_token"].(string)
		if len(csrf) < 20 {
			t.Fatalf("csrf_token %q", csrf)
		}
		if bytes.Contains(r.Body, []byte("argon2")) || bytes.Contains(r.Body, []byte("password_hash")) {
			t.Fatalf("the answer carries the password hash: %s", r.Body)
		}

		// The cookie: HttpOnly, SameSite=Lax, whole site, 12 hours.
		var ck *http.Cookie
		for _, line := range r.Header.Values("Set-Cookie") {
			if c, err := http.ParseSetCookie(line); err == nil && c.Name == account.CookieName {
				ck = c
			}
		}
		if ck == nil || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Path != "/" || ck.MaxAge != 12*3600 || len(ck.Value) < 40 {
			t.Fatalf("session cookie: %+v (headers %v)", ck, r.Header.Values("Set-Cookie"))
		}
		// Only the hash of the cookie is stored.
		if n := e.f.Count(t, `SELECT COUNT(*) FROM sessions WHERE id_hash = $1`, ck.Value); n != 0 {
			t.Fatal("the raw session token is stored")
		}
		if n := e.f.Count(t, `SELECT COUNT(*) FROM sessions WHERE id_hash = $1 AND user_id = $2 AND ip = '127.0.0.1'`,
			sha(ck.Value), e.f.Users["qs_staff"].UserID); n != 1 {
			t.Fatalf("sessions for the cookie: %d", n)
		}

		// GET /session returns the same user and CSRF token.
		r = c.Do("GET", "/api/v1/session", nil)
		if r.Status != 200 || r.JSON()["csrf_token"] != csrf || r.JSON()["user"].(map[string]any)["username"] != "qs_staff" {
			t.Fatalf("GET session: %d %s", r.Status, r.Body)
		}
		ins := e.entries(t, "session.sign_in")
		if len(ins) != 1 || ins[0].Username != "qs_staff" || ins[0].IP != "127.0.0.1" || !strings.Contains(ins[0].Summary, "127.0.0.1") {
			t.Fatalf("sign-in entries: %+v", ins)
		}
	})
}

func TestSignInRejects(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		cases := []struct {
			name, username, password string
			status                   int
			code, field              string
		}{
			{"wrong password", "qs_staff", "Wrong@2026pw", 401, "invalid_credentials", ""},
			{"unknown user", "nobody", "Wrong@2026pw", 401, "invalid_credentials", ""},
			{"right password, other user", "lx_admin", "Other@2026pw", 401, "invalid_credentials", ""},
			{"name with another case", "QS_STAFF", testutil.Password, 401, "invalid_credentials", ""},
			{"empty password", "qs_staff", "", 422, "validation", "password"},
			{"empty name", "  ", testutil.Password, 422, "validation", "username"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				_, r := e.signIn(t, tc.username, tc.password)
				wantErr(t, r, tc.status, tc.code)
				if tc.field != "" && r.Field(tc.field) == "" {
					t.Fatalf("field %s not named: %s", tc.field, r.Body)
				}
				if len(r.Header.Values("Set-Cookie")) != 0 {
					t.Fatalf("a failed sign-in sets a cookie: %v", r.Header.Values("Set-Cookie"))
				}
			})
		}
		// A wrong password and an unknown name answer the very same bytes.
		for _, lang := range []string{"", "en"} {
			answer := func(username string) string {
				c := e.s.Client(t)
				c.Header.Set("Accept-Language", lang)
				return string(c.Do("POST", "/api/v1/session", map[string]string{"username": username, "password": "Nope@2026pw"}).Body)
			}
			if a, b := answer("fgj_staff"), answer("ghost"); a != b {
				t.Fatalf("lang %q: wrong password says %s, unknown user says %s", lang, a, b)
			}
		}
	})
}

// Five failures lock the typed name for 15 minutes, whether or not the
// user exists, and the answers never tell which.
func TestLockout(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		real, ghost := "qs_staff", "ghost_user"
		try := func(name, pw string) *testutil.Resp {
			_, r := e.signIn(t, name, pw)
			return r
		}
		for i := 1; i <= 6; i++ {
			a, b := try(real, "Wrong@2026pw"), try(ghost, "Wrong@2026pw")
			want, code := 401, "invalid_credentials"
			if i >= 5 {
				want, code = 423, "account_locked"
			}
			wantErr(t, a, want, code)
			if !bytes.Equal(a.Body, b.Body) || a.Status != b.Status {
				t.Fatalf("attempt %d: real user %d %s, unknown %d %s", i, a.Status, a.Body, b.Status, b.Body)
			}
		}
		// Locked: even the right password is refused.
		wantErr(t, try(real, testutil.Password), 423, "account_locked")
		if !strings.Contains(string(try(real, testutil.Password).Body), "请15分钟后再试") {
			t.Fatalf("the lock message does not say 15 minutes: %s", try(real, testutil.Password).Body)
		}

		fails, locks := e.entries(t, "session.fail"), e.entries(t, "session.lockout")
		if len(fails) != 10 || len(locks) != 2 {
			t.Fatalf("%d session.fail and %d session.lockout entries, want 10 and 2", len(fails), len(locks))
		}
		for _, x := range append(fails, locks...) {
			if x.IP != "127.0.0.1" {
				t.Fatalf("entry without the client address: %+v", x)
			}
		}
		for _, x := range fails {
			if !strings.Contains(x.Summary, "127.0.0.1") {
				t.Fatalf("failure summary without the address: %q", x.Summary)
			}
		}
		if locks[0].ObjectID != fmt.Sprint(e.f.Users[real].UserID) || locks[1].ObjectID != "" {
			t.Fatalf("lockout entries name %q and %q", locks[0].ObjectID, locks[1].ObjectID)
		}
		if n := len(e.entries(t, "session.locked_attempt")); n < 4 {
			t.Fatalf("attempts during the lock not recorded: %d", n)
		}

		// 14 minutes later: still locked.
		e.f.Clock.Advance(14 * time.Minute)
		wantErr(t, try(real, testutil.Password), 423, "account_locked")
		// 15 minutes after the lock: the right password works, a wrong one
		// starts a fresh count instead of locking again.
		e.f.Clock.Advance(time.Minute)
		wantErr(t, try(ghost, "Wrong@2026pw"), 401, "invalid_credentials")
		if _, r := e.signIn(t, real, testutil.Password); r.Status != 200 {
			t.Fatalf("sign in after the lock: %d %s", r.Status, r.Body)
		}
		if n := e.f.Count(t, `SELECT COUNT(*) FROM login_failures WHERE username = $1`, real); n != 0 {
			t.Fatal("a successful sign-in leaves the failures behind")
		}
		// Failures spread over more than 15 minutes do not add up.
		for i := 0; i < 8; i++ {
			wantErr(t, try("fgj_staff", "Wrong@2026pw"), 401, "invalid_credentials")
			e.f.Clock.Advance(16 * time.Minute)
		}
	})
}

func TestLockedOrDeactivatedAccount(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		admin := e.s.Login(t, "admin")
		staff := e.s.Login(t, "qs_staff")
		id := e.f.Users["qs_staff"].UserID
		if r := admin.Do("PUT", fmt.Sprintf("/api/v1/users/%d/lock", id), nil); r.Status != 204 {
			t.Fatalf("lock: %d %s", r.Status, r.Body)
		}
		wantErr(t, staff.Do("GET", "/api/v1/session", nil), 401, "unauthenticated")
		_, r := e.signIn(t, "qs_staff", testutil.Password)
		wantErr(t, r, 423, "account_locked")
		if r := admin.Do("DELETE", fmt.Sprintf("/api/v1/users/%d/lock", id), nil); r.Status != 204 {
			t.Fatalf("unlock: %d %s", r.Status, r.Body)
		}
		if _, r := e.signIn(t, "qs_staff", testutil.Password); r.Status != 200 {
			t.Fatalf("after unlock: %d %s", r.Status, r.Body)
		}

		fid := e.f.Users["fgj_staff"].UserID
		field := e.s.Login(t, "fgj_staff")
		if r := admin.Do("PATCH", fmt.Sprintf("/api/v1/users/%d", fid), map[string]any{"active": false}); r.Status != 200 {
			t.Fatalf("deactivate: %d %s", r.Status, r.Body)
		}
		wantErr(t, field.Do("GET", "/api/v1/session", nil), 401, "unauthenticated")
		_, r = e.signIn(t, "fgj_staff", testutil.Password)
		wantErr(t, r, 423, "account_locked")
		// An administrator cannot lock or deactivate themselves.
		r = admin.Do("PUT", fmt.Sprintf("/api/v1/users/%d/lock", e.f.Users["admin"].UserID), nil)
		wantErr(t, r, 422, "validation")
		r = admin.Do("PATCH", fmt.Sprintf("/api/v1/users/%d", e.f.Users["admin"].UserID), map[string]any{"active": false})
		wantErr(t, r, 422, "validation")
	})
}

func TestIdleTimeout(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		c := e.s.Login(t, "qs_staff")
		for i := 0; i < 3; i++ { // activity keeps the session alive past 30 minutes
			e.f.Clock.Advance(29 * time.Minute)
			if r := c.Do("GET", "/api/v1/session", nil); r.Status != 200 {
				t.Fatalf("after %d×29 min: %d %s", i+1, r.Status, r.Body)
			}
		}
		e.f.Clock.Advance(30 * time.Minute)
		wantErr(t, c.Do("GET", "/api/v1/session", nil), 401, "unauthenticated")
		if n := e.f.Count(t, `SELECT COUNT(*) FROM sessions WHERE user_id = $1`, e.f.Users["qs_staff"].UserID); n != 0 {
			t.Fatalf("%d idle sessions kept", n)
		}
	})
}

func TestAbsoluteTimeout(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		c := e.s.Login(t, "qs_staff")
		elapsed := time.Duration(0)
		for elapsed < 13*time.Hour {
			e.f.Clock.Advance(25 * time.Minute)
			elapsed += 25 * time.Minute
			r := c.Do("GET", "/api/v1/units", nil)
			if elapsed < 12*time.Hour && r.Status != 200 {
				t.Fatalf("active session refused after %v: %d %s", elapsed, r.Status, r.Body)
			}
			if elapsed >= 12*time.Hour {
				wantErr(t, r, 401, "unauthenticated")
				return
			}
		}
		t.Fatal("the session outlived 12 hours")
	})
}

func TestSignOut(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		c := e.s.Login(t, "qs_staff")
		other := e.s.Login(t, "qs_staff") // a second browser stays signed in
		cookie := sessionCookie(t, c)
		if cookie == "" {
			t.Fatal("no session cookie in the jar")
		}
		r := c.Do("DELETE", "/api/v1/session", nil)
		if r.Status != 204 {
			t.Fatalf("sign out: %d %s", r.Status, r.Body)
		}
		cleared := false
		for _, line := range r.Header.Values("Set-Cookie") {
			if ck, err := http.ParseSetCookie(line); err == nil && ck.Name == account.CookieName && ck.MaxAge < 0 {
				cleared = true
			}
		}
		if !cleared {
			t.Fatalf("sign-out does not clear the cookie: %v", r.Header.Values("Set-Cookie"))
		}
		wantErr(t, c.Do("GET", "/api/v1/session", nil), 401, "unauthenticated")
		// The old cookie replayed by hand no longer works either.
		wantErr(t, withCookie(t, e.s, cookie).Do("GET", "/api/v1/units", nil), 401, "unauthenticated")
		if r := other.Do("GET", "/api/v1/session", nil); r.Status != 200 {
			t.Fatalf("the other session ended too: %d", r.Status)
		}
		if x := e.entries(t, "session.sign_out"); len(x) != 1 || x[0].Username != "qs_staff" || x[0].IP != "127.0.0.1" {
			t.Fatalf("sign-out entries: %+v", x)
		}
	})
}

func TestAdminEndsSessions(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		admin := e.s.Login(t, "admin")
		a, b := e.s.Login(t, "zj_field"), e.s.Login(t, "zj_field")
		bystander := e.s.Login(t, "qs_staff")
		id := e.f.Users["zj_field"].UserID
		if r := admin.Do("DELETE", fmt.Sprintf("/api/v1/users/%d/sessions", id), nil); r.Status != 204 {
			t.Fatalf("end sessions: %d %s", r.Status, r.Body)
		}
		wantErr(t, a.Do("GET", "/api/v1/session", nil), 401, "unauthenticated")
		wantErr(t, b.Do("GET", "/api/v1/units", nil), 401, "unauthenticated")
		for _, c := range []*testutil.Client{admin, bystander} {
			if r := c.Do("GET", "/api/v1/session", nil); r.Status != 200 {
				t.Fatalf("an unrelated session ended: %d", r.Status)
			}
		}
		x := e.entries(t, "user.end_sessions")
		if len(x) != 1 || x[0].ObjectID != fmt.Sprint(id) || !strings.Contains(x[0].Summary, "2") {
			t.Fatalf("entries: %+v", x)
		}
	})
}

// A user created through the API must change the initial password before
// anything else.
func TestMustChangePassword(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		admin := e.s.Login(t, "admin")
		const initial, chosen = "Init@2026pw", "Mine#2026ok"
		r := admin.Do("POST", "/api/v1/users", map[string]any{"username": "newbie", "real_name": "新同事",
			"unit_id": e.f.Units["QS"].ID, "roles": []string{"staff"}, "password": initial})
		if r.Status != 201 || r.JSON()["password"] != initial || r.JSON()["user"].(map[string]any)["must_change_password"] != true {
			t.Fatalf("create: %d %s", r.Status, r.Body)
		}
		// Without a password one is generated, meeting the policy.
		r = admin.Do("POST", "/api/v1/users", map[string]any{"username": "newbie2", "real_name": "新同事二",
			"unit_id": e.f.Units["QS"].ID, "roles": []string{"staff"}})
		if gen, _ := r.JSON()["password"].(string); r.Status != 201 || auth.CheckPolicy(gen) != nil {
			t.Fatalf("generated: %d %s", r.Status, r.Body)
		}

		c, r := e.signIn(t, "newbie", initial)
		if r.Status != 200 || r.JSON()["user"].(map[string]any)["must_change_password"] != true {
			t.Fatalf("sign in: %d %s", r.Status, r.Body)
		}
		csrf := c.CSRF
		wantErr(t, c.Do("GET", "/api/v1/units", nil), 403, "password_change_required")
		wantErr(t, c.Do("GET", "/api/v1/users/1", nil), 403, "password_change_required")
		wantErr(t, c.Do("POST", "/api/v1/files", nil), 403, "password_change_required")
		if r := c.Do("GET", "/api/v1/session", nil); r.Status != 200 {
			t.Fatalf("GET session during the change: %d", r.Status)
		}
		for _, tc := range []struct {
			name, old, new, field string
		}{
			{"too short", initial, "Ab1!", "new_password"},
			{"two kinds only", initial, "abcdefgh123", "new_password"},
			{"same as the old one", initial, initial, "new_password"},
			{"wrong old password", "Wrong@2026pw", chosen, "old_password"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				c.T = t
				r := c.Do("PUT", "/api/v1/session/password", map[string]string{"old_password": tc.old, "new_password": tc.new})
				wantErr(t, r, 422, "validation")
				if r.Field(tc.field) == "" {
					t.Fatalf("field %s not named: %s", tc.field, r.Body)
				}
			})
		}
		c.T = t
		wantErr(t, c.Do("GET", "/api/v1/units", nil), 403, "password_change_required")
		r = c.Do("PUT", "/api/v1/session/password", map[string]string{"old_password": initial, "new_password": chosen})
		if r.Status != 200 || r.JSON()["user"].(map[string]any)["must_change_password"] != false || r.JSON()["csrf_token"] != csrf {
			t.Fatalf("change: %d %s", r.Status, r.Body)
		}
		if r := c.Do("GET", "/api/v1/units", nil); r.Status != 200 || total(r) != 2 {
			t.Fatalf("after the change: %d %s", r.Status, r.Body)
		}
		if _, r := e.signIn(t, "newbie", initial); r.Status != 401 {
			t.Fatalf("old password still works: %d", r.Status)
		}
		if _, r := e.signIn(t, "newbie", chosen); r.Status != 200 {
			t.Fatalf("new password refused: %d", r.Status)
		}
		if x := e.entries(t, "user.change_password"); len(x) != 1 || x[0].Username != "newbie" {
			t.Fatalf("entries: %+v", x)
		}

		// An administrator's reset forces the change again and ends the sessions.
		id := int64(r.JSON()["user"].(map[string]any)["id"].(float64))
		r = admin.Do("PUT", fmt.Sprintf("/api/v1/users/%d/password", id), nil)
		reset, _ := r.JSON()["password"].(string)
		if r.Status != 200 || auth.CheckPolicy(reset) != nil {
			t.Fatalf("reset: %d %s", r.Status, r.Body)
		}
		wantErr(t, c.Do("GET", "/api/v1/session", nil), 401, "unauthenticated")
		c, r = e.signIn(t, "newbie", reset)
		if r.Status != 200 {
			t.Fatalf("sign in with the reset password: %d", r.Status)
		}
		wantErr(t, c.Do("GET", "/api/v1/units", nil), 403, "password_change_required")
	})
}

// Every route but the public ones needs a session or a token.
func TestUnauthenticated(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		anon := e.s.Client(t)
		garbage := withCookie(t, e.s, "not-a-session")
		badBearer := bearer(t, e.s, "dd_not-a-token")
		basic := e.s.Client(t)
		basic.Header.Set("Authorization", "Basic YWRtaW46cGFzcw==")
		n := 0
		for _, rt := range e.f.App.Router.Routes() {
			if rt.Public {
				continue
			}
			n++
			path := strings.ReplaceAll(rt.Path, "{id}", "1")
			var body any
			if rt.Body == "json" {
				body = map[string]any{}
			}
			for name, c := range map[string]*testutil.Client{"anonymous": anon, "stale cookie": garbage, "bad token": badBearer, "basic auth": basic} {
				c.T = t
				wantErr(t, c.Do(rt.Method, path, body), 401, "unauthenticated")
				_ = name
			}
		}
		if n < 30 {
			t.Fatalf("only %d protected routes", n)
		}
		if h := e.head(t); h != 15 {
			t.Fatalf("anonymous requests changed the trail: head %d", h)
		}
	})
}

// Cookie-authenticated writes need the session's own CSRF token.
func TestCSRF(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		admin := e.s.Login(t, "admin")
		other := e.s.Login(t, "qs_admin")
		zj, staff := e.f.Units["QS-ZJ"].ID, e.f.Users["qs_staff"].UserID
		cases := []struct {
			name   string
			c      *testutil.Client
			method string
			path   string
			body   any
		}{
			{"create unit without token", noCSRF(admin), "POST", "/api/v1/units",
				map[string]any{"parent_id": zj, "code": "X1", "name": "新村", "kind": "village"}},
			{"create unit with a wrong token", wrongCSRF(admin, "forged"), "POST", "/api/v1/units",
				map[string]any{"parent_id": zj, "code": "X1", "name": "新村", "kind": "village"}},
			{"rename with another session's token", wrongCSRF(admin, other.CSRF), "PATCH", fmt.Sprintf("/api/v1/units/%d", zj),
				map[string]any{"name": "改名村"}},
			{"lock without token", noCSRF(admin), "PUT", fmt.Sprintf("/api/v1/users/%d/lock", staff), nil},
			{"sign out without token", noCSRF(admin), "DELETE", "/api/v1/session", nil},
			{"create token with empty token", wrongCSRF(admin, ""), "POST", "/api/v1/tokens",
				map[string]any{"name": "x", "role": "staff", "unit_id": zj}},
		}
		before := e.head(t)
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				tc.c.T = t
				wantErr(t, tc.c.Do(tc.method, tc.path, tc.body), 403, "csrf")
			})
		}
		if h := e.head(t); h != before {
			t.Fatalf("refused writes left %d audit entries", h-before)
		}
		if n := e.f.Count(t, `SELECT COUNT(*) FROM units WHERE code = 'X1' OR name = '改名村'`); n != 0 {
			t.Fatal("a refused write changed units")
		}
		if n := e.f.Count(t, `SELECT COUNT(*) FROM users WHERE locked = TRUE`); n != 0 {
			t.Fatal("a refused write locked a user")
		}
		if n := e.f.Count(t, `SELECT COUNT(*) FROM api_tokens`); n != 0 {
			t.Fatal("a refused write made a token")
		}
		// The session survived the refused sign-out, and reads need no token.
		if r := noCSRF(admin).Do("GET", "/api/v1/units", nil); r.Status != 200 {
			t.Fatalf("read without CSRF: %d", r.Status)
		}
		if r := admin.Do("PATCH", fmt.Sprintf("/api/v1/units/%d", zj), map[string]any{"short_name": "张家"}); r.Status != 200 {
			t.Fatalf("write with the token: %d %s", r.Status, r.Body)
		}
	})
}

// The audited address is the connection's unless the proxy is trusted:
// a client cannot pick its address with X-Forwarded-For.
func TestClientAddress(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		signIn := func() string {
			c := e.s.Client(t)
			c.Header.Set("X-Forwarded-For", "203.0.113.7, 10.0.0.1")
			if r := c.Do("POST", "/api/v1/session", map[string]string{"username": "nobody", "password": "x"}); r.Status != 401 {
				t.Fatalf("%d %s", r.Status, r.Body)
			}
			x := e.entries(t, "session.fail")
			return x[len(x)-1].IP
		}
		if ip := signIn(); ip != "127.0.0.1" {
			t.Fatalf("untrusted X-Forwarded-For used: %s", ip)
		}
		e.f.App.Account.Cfg.TrustProxy = true
		if ip := signIn(); ip != "203.0.113.7" {
			t.Fatalf("behind a trusted proxy: %s", ip)
		}
	})
}
