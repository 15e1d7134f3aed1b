package account_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"testing"

	"diaodu/internal/account"
	"diaodu/internal/platform/db"
	"diaodu/internal/testutil"
)

type env struct {
	f   *testutil.Fixture
	s   *testutil.Server
	ctx context.Context
}

func newEnv(t *testing.T, d *db.DB) *env {
	f := testutil.NewFixture(t, d)
	return &env{f: f, s: f.NewServer(t), ctx: context.Background()}
}

func (e *env) head(t *testing.T) int {
	return e.f.Count(t, `SELECT seq FROM audit_head WHERE id = 1`)
}

type entry struct{ Action, Username, IP, Summary, ObjectID, After string }

func (e *env) entries(t *testing.T, action string) []entry {
	t.Helper()
	rows, err := e.f.App.DB.R.QueryContext(e.ctx, `SELECT action, username, ip, summary, object_id, after_json FROM audit_log
		WHERE action = $1 ORDER BY seq`, action)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []entry
	for rows.Next() {
		var x entry
		if err := rows.Scan(&x.Action, &x.Username, &x.IP, &x.Summary, &x.ObjectID, &x.After); err != nil {
			t.Fatal(err)
		}
		out = append(out, x)
	}
	return out
}

// signIn posts credentials with a fresh client and returns it with the answer.
func (e *env) signIn(t *testing.T, username, password string) (*testutil.Client, *testutil.Resp) {
	t.Helper()
	c := e.s.Client(t)
	r := c.Do("POST", "/api/v1/session", map[string]string{"username": username, "password": password})
	if r.Status == http.StatusOK {
		c.CSRF = r.JSON()["csrf_token"].(string)
	}
	return c, r
}

// sessionCookie is the client's session cookie value from its jar.
func sessionCookie(t *testing.T, c *testutil.Client) string {
	t.Helper()
	u, _ := url.Parse(c.S.URL)
	for _, ck := range c.HTTP.Jar.Cookies(u) {
		if ck.Name == account.CookieName {
			return ck.Value
		}
	}
	return ""
}

// withCookie is a client without a jar that sends the given session cookie.
func withCookie(t *testing.T, s *testutil.Server, value string) *testutil.Client {
	c := s.Client(t)
	c.HTTP = &http.Client{}
	c.Header.Set("Cookie", account.CookieName+"="+value)
	return c
}

// noCSRF is c without its CSRF token (same cookies).
func noCSRF(c *testutil.Client) *testutil.Client {
	n := *c
	n.CSRF = ""
	n.Header = http.Header{}
	return &n
}

// wrongCSRF is c sending a CSRF token that is not its own.
func wrongCSRF(c *testutil.Client, token string) *testutil.Client {
	n := noCSRF(c)
	n.Header.Set("X-CSRF-Token", token)
	return n
}

// bearer is an anonymous client (no jar) sending an API token.
func bearer(t *testing.T, s *testutil.Server, secret string) *testutil.Client {
	c := s.Client(t)
	c.HTTP = &http.Client{}
	c.Header.Set("Authorization", "Bearer "+secret)
	return c
}

func sha(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

func wantErr(t *testing.T, r *testutil.Resp, status int, code string) {
	t.Helper()
	if r.Status != status || r.ErrCode() != code {
		t.Fatalf("want %d %s, got %d %s", status, code, r.Status, r.Body)
	}
}

func total(r *testutil.Resp) int {
	n, _ := r.JSON()["total"].(float64)
	return int(n)
}
