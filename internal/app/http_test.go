package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"diaodu/internal/org"
	"diaodu/internal/platform/db"
	"diaodu/internal/platform/httpx"
	"diaodu/internal/platform/xlsx"
	"diaodu/internal/testutil"
	"diaodu/web"
)

type env struct {
	f     *testutil.Fixture
	s     *testutil.Server
	admin *testutil.Client
	ctx   context.Context
}

func newEnv(t *testing.T, d *db.DB) *env {
	f := testutil.NewFixture(t, d)
	s := f.NewServer(t)
	return &env{f: f, s: s, admin: s.Login(t, "admin"), ctx: context.Background()}
}

func (e *env) str(t *testing.T, q string, args ...any) string {
	t.Helper()
	var s string
	if err := e.f.App.DB.R.QueryRowContext(e.ctx, q, args...).Scan(&s); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return s
}

// raw sends body as it is with the given content type, plus the client's
// cookies, headers and CSRF token.
func raw(c *testutil.Client, method, path, contentType string, body []byte) *testutil.Resp {
	c.T.Helper()
	req, _ := http.NewRequest(method, c.S.URL+path, bytes.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for k, v := range c.Header {
		req.Header[k] = v
	}
	if c.CSRF != "" {
		req.Header.Set("X-CSRF-Token", c.CSRF)
	}
	res, err := c.HTTP.Do(req)
	if err != nil {
		c.T.Fatal(err)
	}
	defer res.Body.Close()
	var buf bytes.Buffer
	_, _ = buf.ReadFrom(res.Body)
	return &testutil.Resp{T: c.T, Status: res.StatusCode, Body: buf.Bytes(), Header: res.Header}
}

func codes(r *testutil.Resp, key string) []string {
	var out []string
	items, _ := r.JSON()["items"].([]any)
	for _, it := range items {
		out = append(out, fmt.Sprint(it.(map[string]any)[key]))
	}
	return out
}

func total(r *testutil.Resp) int {
	n, _ := r.JSON()["total"].(float64)
	return int(n)
}

// syntaxOffset is where encoding/json reports a syntax error in s.
func syntaxOffset(s string) int64 {
	var v any
	var se *json.SyntaxError
	if errors.As(json.Unmarshal([]byte(s), &v), &se) {
		return se.Offset
	}
	return -1
}

// TestBadInput is the scenario table of refused requests: status, error
// code, the field named and, where it matters, part of the message.
func TestBadInput(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		id := func(code string) int64 { return e.f.Units[code].ID }
		// A town with a village and no users.
		for _, u := range []struct{ parent, code, kind string }{{"D", "T1", "town"}, {"T1", "T1-V", "village"}} {
			r := e.admin.Do("POST", "/api/v1/units", map[string]any{"parent_id": id(u.parent), "code": u.code, "name": "新" + u.code, "kind": u.kind})
			if r.Status != 201 {
				t.Fatalf("create %s: %d %s", u.code, r.Status, r.Body)
			}
			e.f.Units[u.code] = &org.Unit{ID: int64(r.JSON()["id"].(float64))}
		}
		const malformed = `{"name": "新村", "code": "X1",, "kind": "village"}`
		big := `{"name": "` + strings.Repeat("大", 400_000) + `"}` // 1.2 MB of UTF-8
		type scenario struct {
			name        string
			method      string
			path        string
			body        string
			contentType string // default application/json
			lang        string
			status      int
			code        string
			field       string
			message     string // part of error.message
		}
		scenarios := []scenario{
			{name: "malformed JSON", method: "POST", path: "/api/v1/units", body: malformed, lang: "en",
				status: 400, code: "bad_request", message: fmt.Sprintf("malformed JSON at byte %d", syntaxOffset(malformed))},
			{name: "malformed JSON, Chinese", method: "POST", path: "/api/v1/units", body: malformed,
				status: 400, code: "bad_request", message: fmt.Sprintf("第 %d 字节", syntaxOffset(malformed))},
			{name: "unknown field", method: "POST", path: "/api/v1/units", body: `{"name": "新村", "nmae": "x"}`, lang: "en",
				status: 400, code: "bad_request", message: `unknown field "nmae"`},
			{name: "wrong type", method: "PATCH", path: fmt.Sprintf("/api/v1/units/%d", id("QS-ZJ")), body: `{"sort_order": "first"}`,
				lang: "en", status: 400, code: "bad_request", message: "sort_order"},
			{name: "empty body", method: "POST", path: "/api/v1/units", body: ``, status: 400, code: "bad_request"},
			{name: "two JSON values", method: "POST", path: "/api/v1/units", body: `{} {}`, status: 400, code: "bad_request"},
			{name: "body over 1 MiB", method: "POST", path: "/api/v1/units", body: big, lang: "en",
				status: 413, code: "too_large", message: "1048576"},
			{name: "text/plain", method: "POST", path: "/api/v1/units", body: `{"name":"x"}`, contentType: "text/plain",
				status: 415, code: "unsupported_media_type"},
			{name: "form post", method: "POST", path: "/api/v1/users", body: `username=x`, contentType: "application/x-www-form-urlencoded",
				status: 415, code: "unsupported_media_type"},
			{name: "duplicate unit code", method: "POST", path: "/api/v1/units",
				body:   fmt.Sprintf(`{"parent_id": %d, "name": "另一个青石", "code": "QS", "kind": "town"}`, id("D")),
				status: 422, code: "validation", field: "code"},
			{name: "duplicate unit code on update", method: "PATCH", path: fmt.Sprintf("/api/v1/units/%d", id("LX")), body: `{"code": "QS"}`,
				status: 422, code: "validation", field: "code"},
			{name: "bad unit code", method: "POST", path: "/api/v1/units",
				body:   fmt.Sprintf(`{"parent_id": %d, "name": "新村", "code": "a b", "kind": "village"}`, id("QS")),
				status: 422, code: "validation", field: "code"},
			{name: "unknown kind", method: "POST", path: "/api/v1/units",
				body:   fmt.Sprintf(`{"parent_id": %d, "name": "新村", "code": "X2", "kind": "galaxy"}`, id("QS")),
				status: 422, code: "validation", field: "kind"},
			{name: "duplicate login name", method: "POST", path: "/api/v1/users",
				body:   fmt.Sprintf(`{"username": "qs_staff", "real_name": "重名", "unit_id": %d, "roles": ["staff"]}`, id("QS")),
				status: 422, code: "validation", field: "username"},
			{name: "unknown role", method: "POST", path: "/api/v1/users",
				body:   fmt.Sprintf(`{"username": "new1", "real_name": "新人", "unit_id": %d, "roles": ["root"]}`, id("QS")),
				status: 422, code: "validation", field: "roles"},
			{name: "weak password", method: "POST", path: "/api/v1/users",
				body:   fmt.Sprintf(`{"username": "new2", "real_name": "新人", "unit_id": %d, "roles": ["staff"], "password": "123456"}`, id("QS")),
				status: 422, code: "validation", field: "password"},
			{name: "bad phone", method: "POST", path: "/api/v1/users",
				body:   fmt.Sprintf(`{"username": "new3", "real_name": "新人", "unit_id": %d, "roles": ["staff"], "phone": "12345"}`, id("QS")),
				status: 422, code: "validation", field: "phone"},
			{name: "weak reset password", method: "PUT", path: fmt.Sprintf("/api/v1/users/%d/password", e.f.Users["qs_staff"].UserID),
				body: `{"password": "abc"}`, status: 422, code: "validation", field: "password"},
			{name: "login name cannot change", method: "PATCH", path: fmt.Sprintf("/api/v1/users/%d", e.f.Users["qs_staff"].UserID),
				body: `{"username": "renamed"}`, status: 422, code: "validation", field: "username"},
			{name: "move 青石镇 under its own village", method: "PATCH", path: fmt.Sprintf("/api/v1/units/%d", id("QS")),
				body: fmt.Sprintf(`{"parent_id": %d}`, id("QS-ZJ")), status: 422, code: "validation", field: "parent_id"},
			{name: "move a unit under itself", method: "PATCH", path: fmt.Sprintf("/api/v1/units/%d", id("LX")),
				body: fmt.Sprintf(`{"parent_id": %d}`, id("LX")), status: 422, code: "validation", field: "parent_id"},
			{name: "delete a unit with users", method: "DELETE", path: fmt.Sprintf("/api/v1/units/%d", id("QS-ZJ")),
				status: 409, code: "conflict"},
			{name: "delete a unit with sub-units", method: "DELETE", path: fmt.Sprintf("/api/v1/units/%d", id("T1")),
				status: 409, code: "conflict"},
			{name: "non-numeric id", method: "GET", path: "/api/v1/units/abc", status: 404, code: "not_found"},
			{name: "missing unit, English", method: "GET", path: "/api/v1/units/99999", lang: "en",
				status: 404, code: "not_found", message: "unit not found"},
			{name: "missing unit, Chinese", method: "GET", path: "/api/v1/units/99999",
				status: 404, code: "not_found", message: "单位不存在或无权访问"},
			{name: "page 0", method: "GET", path: "/api/v1/units?page=0", status: 422, code: "validation", field: "page"},
			{name: "page size 501", method: "GET", path: "/api/v1/users?page_size=501", status: 422, code: "validation", field: "page_size"},
			{name: "sort by an unknown unit field", method: "GET", path: "/api/v1/units?sort=-path", lang: "en",
				status: 422, code: "validation", field: "sort", message: "cannot sort by path"},
			{name: "sort by password hash", method: "GET", path: "/api/v1/users?sort=password_hash",
				status: 422, code: "validation", field: "sort"},
			{name: "unknown role filter", method: "GET", path: "/api/v1/users?role=root", status: 422, code: "validation", field: "role"},
			{name: "bad boolean", method: "GET", path: "/api/v1/users?active=maybe", status: 422, code: "validation", field: "active"},
			{name: "bad parent filter", method: "GET", path: "/api/v1/units?parent_id=x", status: 422, code: "validation", field: "parent_id"},
			{name: "bad audit date", method: "GET", path: "/api/v1/audit?from=2026-13-01", status: 422, code: "validation", field: "from"},
			{name: "validation in English", method: "POST", path: "/api/v1/units", body: `{"name": ""}`, lang: "en",
				status: 422, code: "validation", field: "name", message: "invalid input"},
		}
		before := e.str(t, `SELECT path FROM units WHERE id = $1`, id("QS"))
		head := e.f.Count(t, `SELECT seq FROM audit_head`)
		for _, sc := range scenarios {
			t.Run(sc.name, func(t *testing.T) {
				c := e.admin
				c.T = t
				c.Header = http.Header{}
				if sc.lang != "" {
					c.Header.Set("Accept-Language", sc.lang)
				}
				ct := sc.contentType
				if ct == "" && sc.body != "" {
					ct = "application/json"
				}
				var body []byte
				if sc.body != "" || sc.method == "POST" {
					body = []byte(sc.body)
				}
				r := raw(c, sc.method, sc.path, ct, body)
				if r.Status != sc.status || r.ErrCode() != sc.code {
					t.Fatalf("want %d %s, got %d %.300s", sc.status, sc.code, r.Status, r.Body)
				}
				if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
					t.Fatalf("error as %s", r.Header.Get("Content-Type"))
				}
				if sc.field != "" && r.Field(sc.field) == "" {
					t.Fatalf("field %s not named: %s", sc.field, r.Body)
				}
				msg := r.JSON()["error"].(map[string]any)["message"].(string)
				if !strings.Contains(msg, sc.message) {
					t.Fatalf("message %q does not contain %q", msg, sc.message)
				}
				if sc.lang == "en" && regexp.MustCompile(`\p{Han}`).MatchString(msg+fmt.Sprint(r.JSON()["error"].(map[string]any)["fields"])) {
					t.Fatalf("English requested, got %s", r.Body)
				}
			})
		}
		e.admin.Header = http.Header{}
		// Nothing changed: no entry, the tree is as it was.
		if h := e.f.Count(t, `SELECT seq FROM audit_head`); h != head {
			t.Fatalf("refused requests wrote %d audit entries", h-head)
		}
		if after := e.str(t, `SELECT path FROM units WHERE id = $1`, id("QS")); after != before {
			t.Fatalf("青石镇 moved: %s → %s", before, after)
		}
		if n := e.f.Count(t, `SELECT COUNT(*) FROM units`); n != 8 {
			t.Fatalf("%d units", n)
		}
		if n := e.f.Count(t, `SELECT COUNT(*) FROM users`); n != 9 {
			t.Fatalf("%d users", n)
		}
	})
}

func TestListContract(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		a := e.admin
		qs := e.f.Units["QS"].ID
		if r := a.Do("POST", "/api/v1/users", map[string]any{"username": "phone_user", "real_name": "有电话", "unit_id": qs,
			"roles": []string{"staff"}, "phone": "13812341234"}); r.Status != 201 {
			t.Fatalf("create: %d %s", r.Status, r.Body)
		}
		if r := a.Do("PATCH", fmt.Sprintf("/api/v1/units/%d", qs), map[string]any{"contact_name": "李四", "contact_phone": "13912345678"}); r.Status != 200 {
			t.Fatalf("patch: %d %s", r.Status, r.Body)
		}
		if r := a.Do("PUT", fmt.Sprintf("/api/v1/users/%d/lock", e.f.Users["zj_field"].UserID), nil); r.Status != 204 {
			t.Fatalf("lock: %d", r.Status)
		}
		cases := []struct {
			path  string
			key   string
			want  []string
			total int
		}{
			{"/api/v1/units", "code", []string{"D", "FGJ", "QS", "LX", "QS-ZJ", "LX-HK"}, 6},
			{"/api/v1/units?sort=code&page=2&page_size=2", "code", []string{"LX", "LX-HK"}, 6},
			{"/api/v1/units?sort=-code&page_size=3", "code", []string{"QS-ZJ", "QS", "LX-HK"}, 6},
			{"/api/v1/units?page=9", "code", nil, 6},
			{"/api/v1/units?q=青石", "code", []string{"QS"}, 1},
			{"/api/v1/units?q=zj", "code", []string{"QS-ZJ"}, 1},
			{"/api/v1/units?q=%25", "code", nil, 0},
			{"/api/v1/units?kind=village&sort=name", "code", []string{"QS-ZJ", "LX-HK"}, 2},
			{fmt.Sprintf("/api/v1/units?parent_id=%d", qs), "code", []string{"QS-ZJ"}, 1},
			{"/api/v1/units?active=false", "code", nil, 0},
			{"/api/v1/users?sort=username&page_size=3", "username", []string{"admin", "fgj_staff", "judge"}, 10},
			{"/api/v1/users?sort=-username&page_size=2&page=1", "username", []string{"zj_field", "supervisor"}, 10},
			{"/api/v1/users?q=s_a&sort=username", "username", []string{"qs_admin"}, 1},
			{"/api/v1/users?q=QS_&sort=username", "username", []string{"qs_admin", "qs_staff"}, 2},
			{"/api/v1/users?q=1234", "username", []string{"phone_user"}, 1},
			{fmt.Sprintf("/api/v1/users?unit_id=%d&sort=username", qs), "username", []string{"phone_user", "qs_admin", "qs_staff", "zj_field"}, 4},
			{"/api/v1/users?role=admin", "username", []string{"admin"}, 1},
			{"/api/v1/users?role=unit_admin&sort=-username", "username", []string{"qs_admin", "lx_admin"}, 2},
			{"/api/v1/users?locked=true", "username", []string{"zj_field"}, 1},
			{"/api/v1/users?q=phone_user", "phone", []string{"138****1234"}, 1},
			{"/api/v1/units?q=QS&sort=code", "contact_phone", []string{"139****5678", ""}, 2},
		}
		for _, tc := range cases {
			t.Run(tc.path, func(t *testing.T) {
				a.T = t
				r := a.Do("GET", tc.path, nil)
				if r.Status != 200 {
					t.Fatalf("%d %s", r.Status, r.Body)
				}
				m := r.JSON()
				if _, ok := m["items"].([]any); !ok || len(m) != 2 {
					t.Fatalf("not {items, total}: %s", r.Body)
				}
				if got := codes(r, tc.key); !slices.Equal(got, tc.want) || total(r) != tc.total {
					t.Fatalf("got %v total %d, want %v total %d", got, total(r), tc.want, tc.total)
				}
				if bytes.Contains(r.Body, []byte("13812341234")) || bytes.Contains(r.Body, []byte("13912345678")) {
					t.Fatal("a full phone number in a list")
				}
			})
		}
		a.T = t
		// User items carry the documented fields, and no secrets.
		u := a.Do("GET", "/api/v1/users?q=phone_user", nil).JSON()["items"].([]any)[0].(map[string]any)
		for _, k := range []string{"id", "username", "real_name", "phone", "unit_id", "unit_name", "position", "roles", "active",
			"locked", "locked_until", "must_change_password", "last_login_at", "created_at"} {
			if _, ok := u[k]; !ok {
				t.Fatalf("user item lacks %s: %v", k, u)
			}
		}
		if _, ok := u["password_hash"]; ok {
			t.Fatal("password hash listed")
		}
		// Sending the masked phone back keeps the number.
		if r := a.Do("PATCH", fmt.Sprintf("/api/v1/units/%d", qs), map[string]any{"contact_phone": "139****5678", "short_name": "青石"}); r.Status != 200 {
			t.Fatalf("patch: %d %s", r.Status, r.Body)
		}
		if p := e.str(t, `SELECT contact_phone FROM units WHERE id = $1`, qs); p != "13912345678" {
			t.Fatalf("contact phone became %q", p)
		}
	})
}

func TestEnglishMessages(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		c := e.s.Login(t, "qs_staff")
		for _, tc := range []struct{ lang, want string }{
			{"", "没有执行此操作的权限"},
			{"zh-CN,zh;q=0.9,en;q=0.8", "没有执行此操作的权限"},
			{"en", "you may not do this"},
			{"en-US,en;q=0.9", "you may not do this"},
		} {
			c.Header.Set("Accept-Language", tc.lang)
			r := c.Do("GET", "/api/v1/tokens", nil)
			if r.Status != 403 || r.JSON()["error"].(map[string]any)["message"] != tc.want {
				t.Fatalf("Accept-Language %q: %s", tc.lang, r.Body)
			}
		}
	})
}

func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		anon := e.s.Client(t)
		asset := ""
		_ = fs.WalkDir(web.Dist(), "assets", func(p string, de fs.DirEntry, err error) error {
			if err == nil && !de.IsDir() && asset == "" {
				asset = "/" + p
			}
			return nil
		})
		paths := []struct {
			c      *testutil.Client
			path   string
			status int
		}{
			{e.admin, "/api/v1/units", 200},
			{anon, "/api/v1/units", 401},
			{e.admin, "/api/v1/units/99999", 404},
			{e.admin, "/api/v1/units/export", 200},
			{anon, "/api/openapi.json", 200},
			{anon, "/healthz", 200},
			{anon, "/metrics", 200},
			{anon, "/", 200},
			{anon, "/units/3", 200},
			{anon, "/api/v1/nothing-here", 404},
		}
		if asset != "" {
			paths = append(paths, struct {
				c      *testutil.Client
				path   string
				status int
			}{anon, asset, 200})
		}
		for _, p := range paths {
			r := p.c.Do("GET", p.path, nil)
			if r.Status != p.status {
				t.Fatalf("%s: %d", p.path, r.Status)
			}
			csp := r.Header.Get("Content-Security-Policy")
			var script string
			for _, d := range strings.Split(csp, ";") {
				if f := strings.Fields(d); len(f) > 0 && f[0] == "script-src" {
					script = d
				}
			}
			if script == "" || strings.Contains(script, "unsafe-inline") || strings.Contains(script, "unsafe-eval") ||
				!strings.Contains(csp, "frame-ancestors 'none'") {
				t.Fatalf("%s: CSP %q", p.path, csp)
			}
			for h, want := range map[string]string{"X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin"} {
				if got := r.Header.Get(h); got != want {
					t.Fatalf("%s: %s = %q", p.path, h, got)
				}
			}
		}
	})
}

func TestHealthAndMetrics(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		anon := e.s.Client(t)
		r := anon.Do("GET", "/healthz", nil)
		if r.Status != 200 || r.JSON()["status"] != "ok" {
			t.Fatalf("healthz: %d %s", r.Status, r.Body)
		}
		e.admin.Do("GET", fmt.Sprintf("/api/v1/units/%d", e.f.Units["QS"].ID), nil)
		r = anon.Do("GET", "/metrics", nil)
		body := string(r.Body)
		if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/plain") ||
			!strings.Contains(body, "# TYPE diaodu_http_request_duration_seconds histogram") {
			t.Fatalf("metrics: %d %s\n%.500s", r.Status, r.Header.Get("Content-Type"), body)
		}
		// Labelled by the route pattern, not the raw path.
		if !strings.Contains(body, `route="GET /api/v1/units/{id}"`) || strings.Contains(body, fmt.Sprintf(`route="/api/v1/units/%d"`, e.f.Units["QS"].ID)) {
			t.Fatal("metrics not labelled by route pattern")
		}
		r = anon.Do("GET", "/api/v1/meta", nil)
		m := r.JSON()
		if r.Status != 200 || m["district"] != "示范区" || len(m["roles"].([]any)) != 7 || len(m["unit_kinds"].([]any)) != 5 {
			t.Fatalf("meta: %s", r.Body)
		}
	})
}

// Every registered route is in the OpenAPI document with its method, and
// every documented operation is really served: the router's own handler
// answers (JSON error shape or success), never the mux's 404/405.
func TestOpenAPI(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		anon := e.s.Client(t)
		r := anon.Do("GET", "/api/openapi.json", nil)
		var doc struct {
			OpenAPI string                               `json:"openapi"`
			Paths   map[string]map[string]map[string]any `json:"paths"`
		}
		if r.Status != 200 || json.Unmarshal(r.Body, &doc) != nil || doc.OpenAPI != "3.0.3" {
			t.Fatalf("openapi: %d %.300s", r.Status, r.Body)
		}
		routes := e.f.App.Router.Routes()
		for _, rt := range routes {
			op, ok := doc.Paths[rt.Path][strings.ToLower(rt.Method)]
			if !ok {
				t.Fatalf("%s %s registered but not documented", rt.Method, rt.Path)
			}
			if op["summary"] != rt.Summary || (strings.Contains(rt.Path, "{id}") && op["parameters"] == nil) {
				t.Fatalf("%s %s documented as %v", rt.Method, rt.Path, op)
			}
		}
		ops := 0
		for path, methods := range doc.Paths {
			for method := range methods {
				ops++
				m := strings.ToUpper(method)
				if !slices.ContainsFunc(routes, func(rt httpx.Route) bool { return rt.Method == m && rt.Path == path }) {
					t.Fatalf("%s %s documented but not registered", m, path)
				}
				p := strings.ReplaceAll(path, "{id}", "1")
				var body any
				if m == "POST" || m == "PUT" || m == "PATCH" {
					body = map[string]any{}
				}
				for _, c := range []*testutil.Client{anon, e.admin} {
					if c == e.admin && m != "GET" {
						continue // writes as admin would change the fixture
					}
					got := c.Do(m, p, body)
					if got.Status >= 500 {
						t.Fatalf("%s %s: %d %s", m, p, got.Status, got.Body)
					}
					if got.Status >= 200 && got.Status < 300 {
						continue
					}
					var eb struct {
						Error struct{ Code, Message string } `json:"error"`
					}
					if !strings.HasPrefix(got.Header.Get("Content-Type"), "application/json") || json.Unmarshal(got.Body, &eb) != nil ||
						eb.Error.Code == "" || eb.Error.Code == "no_route" || eb.Error.Message == "" {
						t.Fatalf("%s %s is not served by the API: %d %s %q", m, p, got.Status, got.Header.Get("Content-Type"), got.Body)
					}
				}
			}
		}
		if ops != len(routes) {
			t.Fatalf("%d documented operations, %d routes", ops, len(routes))
		}
	})
}

// docs/api.md names endpoints in backticks; each must be served.
func TestDocsNameOnlyServedEndpoints(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		md, err := os.ReadFile("../../docs/api.md")
		if err != nil {
			t.Fatal(err)
		}
		found := regexp.MustCompile("`(GET|POST|PUT|PATCH|DELETE) (/[^` ]*)").FindAllStringSubmatch(string(md), -1)
		if len(found) < 40 {
			t.Fatalf("only %d endpoints found in docs/api.md", len(found))
		}
		routes := e.f.App.Router.Routes()
		for _, m := range found {
			if m[2] == "/metrics" {
				if r := e.s.Client(t).Do(m[1], m[2], nil); r.Status != 200 {
					t.Fatalf("/metrics: %d", r.Status)
				}
				continue
			}
			if !slices.ContainsFunc(routes, func(rt httpx.Route) bool { return rt.Method == m[1] && rt.Path == m[2] }) {
				t.Errorf("docs/api.md names %s %s, which is not registered", m[1], m[2])
			}
		}
	})
}

func TestExports(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		r := e.admin.Do("GET", "/api/v1/units/export?kind=town", nil)
		if r.Status != 200 || r.Header.Get("Content-Type") != xlsx.ContentType {
			t.Fatalf("export: %d %s", r.Status, r.Header.Get("Content-Type"))
		}
		_, params, err := mime.ParseMediaType(r.Header.Get("Content-Disposition"))
		if err != nil || params["filename"] != "单位名册.xlsx" {
			t.Fatalf("Content-Disposition %q: %v", r.Header.Get("Content-Disposition"), params)
		}
		rows := sheetRows(t, r.Body, "单位名册")
		if len(rows) != 4 || rows[0][0] != "单位名册" || rows[1][0] != "单位编码" || rows[1][1] != "单位名称" {
			t.Fatalf("rows: %v", rows)
		}
		if got := [][]string{rows[2][:4], rows[3][:4]}; fmt.Sprint(got) != "[[QS 青石镇  乡镇/街道] [LX 柳溪镇  乡镇/街道]]" {
			t.Fatalf("data rows: %v", got)
		}
		// Scope applies: qs_admin's export of towns holds 青石镇 only.
		qa := e.s.Login(t, "qs_admin")
		if rows := sheetRows(t, qa.Do("GET", "/api/v1/units/export?kind=town", nil).Body, "单位名册"); len(rows) != 3 || rows[2][0] != "QS" {
			t.Fatalf("qs_admin export: %v", rows)
		}

		head := e.f.Count(t, `SELECT seq FROM audit_head`)
		r = e.admin.Do("GET", "/api/v1/users/export?role=staff", nil)
		rows = sheetRows(t, r.Body, "用户名册")
		if r.Status != 200 || len(rows) != 4 || rows[1][0] != "登录名" {
			t.Fatalf("users export: %d %v", r.Status, rows)
		}
		var action, after, ip string
		if err := d.R.QueryRowContext(e.ctx, `SELECT action, after_json, ip FROM audit_log WHERE seq = $1`, head+1).Scan(&action, &after, &ip); err != nil {
			t.Fatal(err)
		}
		if action != "user.export" || !strings.Contains(after, `"rows":2`) || !strings.Contains(after, "role=staff") || ip != "127.0.0.1" {
			t.Fatalf("entry %s %s %s", action, after, ip)
		}
	})
}

func sheetRows(t *testing.T, b []byte, sheet string) [][]string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not an xlsx: %v", err)
	}
	defer f.Close()
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatalf("sheet %s: %v (sheets %v)", sheet, err, f.GetSheetList())
	}
	return rows
}

func TestSPAFallback(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		index, err := fs.ReadFile(web.Dist(), "index.html")
		if err != nil {
			t.Fatal(err)
		}
		anon := e.s.Client(t)
		for _, p := range []string{"/units", "/users/12", "/"} {
			r := anon.Do("GET", p, nil)
			if r.Status != 200 || !bytes.Equal(r.Body, index) || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") {
				t.Fatalf("%s: %d %s %.100s", p, r.Status, r.Header.Get("Content-Type"), r.Body)
			}
			if r.Header.Get("Cache-Control") != "no-cache" {
				t.Fatalf("%s: Cache-Control %q", p, r.Header.Get("Cache-Control"))
			}
		}
	})
}

// The overview counts what the user may see.
func TestOverviewScope(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		qa := e.s.Login(t, "qs_admin")
		r := qa.Do("GET", "/api/v1/overview", nil)
		m := r.JSON()
		if r.Status != 200 || m["units_total"] != 2.0 || m["users_total"] != 3.0 ||
			fmt.Sprint(m["units_by_kind"]) != "map[town:1 village:1]" ||
			fmt.Sprint(m["users_by_role"]) != "map[field:1 staff:1 unit_admin:1]" || m["audit_today"] != 6.0 {
			t.Fatalf("qs_admin overview: %s", r.Body)
		}
		for _, it := range m["recent_audit"].([]any) {
			if uid := it.(map[string]any)["unit_id"]; uid != float64(e.f.Units["QS"].ID) && uid != float64(e.f.Units["QS-ZJ"].ID) {
				t.Fatalf("entry of unit %v in qs_admin's overview", uid)
			}
		}
		r = e.s.Login(t, "fgj_staff").Do("GET", "/api/v1/overview", nil)
		m = r.JSON()
		if r.Status != 200 || m["units_total"] != 1.0 || m["users_total"] != 1.0 || m["audit_today"] != 0.0 || len(m["recent_audit"].([]any)) != 0 {
			t.Fatalf("fgj_staff overview: %s", r.Body)
		}
		r = e.admin.Do("GET", "/api/v1/overview", nil)
		if m := r.JSON(); m["units_total"] != 6.0 || m["users_total"] != 9.0 || len(m["recent_audit"].([]any)) != 8 {
			t.Fatalf("admin overview: %s", r.Body)
		}
	})
}
