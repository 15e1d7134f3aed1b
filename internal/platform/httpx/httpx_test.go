package httpx_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/errs"
	"diaodu/internal/platform/httpx"
)

type body struct {
	Name string `json:"name"`
	N    int    `json:"n"`
}

// decode runs Decode the way a handler does and answers like the router.
func decode(contentType, payload string) (*body, *httptest.ResponseRecorder) {
	r := httptest.NewRequest("POST", "/x", strings.NewReader(payload))
	if contentType != "" {
		r.Header.Set("Content-Type", contentType)
	}
	r.Header.Set("Accept-Language", "en")
	w := httptest.NewRecorder()
	var b body
	if err := httpx.Decode(w, r, &b); err != nil {
		httpx.Error(w, r, err)
		return nil, w
	}
	return &b, w
}

type errBody struct {
	Error struct {
		Code    string            `json:"code"`
		Message string            `json:"message"`
		Fields  map[string]string `json:"fields"`
	} `json:"error"`
}

func parse(t *testing.T, w *httptest.ResponseRecorder) errBody {
	t.Helper()
	var e errBody
	if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil {
		t.Fatalf("not the error shape: %s", w.Body)
	}
	if ct := w.Header().Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Fatalf("error content type %q", ct)
	}
	return e
}

func TestDecode(t *testing.T) {
	const json = "application/json"
	exact := func(n int64) string { // a valid body of exactly n bytes
		return `{"name":"` + strings.Repeat("a", int(n)-len(`{"name":""}`)) + `"}`
	}
	cases := []struct {
		name, ct, payload string
		status            int
		code, message     string
		want              body
	}{
		{name: "valid", ct: json, payload: `{"name":"青石","n":3}`, want: body{"青石", 3}},
		{name: "charset parameter", ct: "application/json; charset=utf-8", payload: `{"n":1}`, want: body{N: 1}},
		{name: "no content type", payload: `{"name":"x"}`, want: body{Name: "x"}},
		{name: "trailing space", ct: json, payload: "{\"n\":2}  \n", want: body{N: 2}},
		{name: "exactly the limit", ct: json, payload: exact(httpx.MaxBodyBytes), want: body{Name: strings.Repeat("a", int(httpx.MaxBodyBytes)-11)}},
		{name: "one byte over the limit", ct: json, payload: exact(httpx.MaxBodyBytes + 1), status: 413, code: "too_large",
			message: "the request body exceeds 1048576 bytes"},
		{name: "text/plain", ct: "text/plain", payload: `{"n":1}`, status: 415, code: "unsupported_media_type"},
		{name: "json-ish type", ct: "application/jsonp", payload: `{"n":1}`, status: 415, code: "unsupported_media_type"},
		{name: "syntax error", ct: json, payload: `{"name" "x"}`, status: 400, code: "bad_request",
			message: "malformed JSON at byte 9: invalid character '\"' after object key"},
		{name: "syntax error after multibyte", ct: json, payload: `{"name":"青石",}`, status: 400, code: "bad_request",
			message: "malformed JSON at byte 18"},
		{name: "cut short", ct: json, payload: `{"name":`, status: 400, code: "bad_request", message: "empty or cut short"},
		{name: "empty", ct: json, payload: ``, status: 400, code: "bad_request", message: "empty or cut short"},
		{name: "unknown field", ct: json, payload: `{"name":"x","nmae":"y"}`, status: 400, code: "bad_request",
			message: `unknown field "nmae"`},
		{name: "wrong type", ct: json, payload: `{"n":"three"}`, status: 400, code: "bad_request", message: `field "n" should be int`},
		{name: "array instead of object", ct: json, payload: `[1]`, status: 400, code: "bad_request"},
		{name: "two values", ct: json, payload: `{}{}`, status: 400, code: "bad_request", message: "extra data"},
		{name: "garbage after value", ct: json, payload: `{"n":1} x`, status: 400, code: "bad_request"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b, w := decode(tc.ct, tc.payload)
			if tc.status == 0 {
				if b == nil || *b != tc.want {
					t.Fatalf("decoded %+v, want %+v (answer %d %s)", b, tc.want, w.Code, w.Body)
				}
				return
			}
			e := parse(t, w)
			if w.Code != tc.status || e.Error.Code != tc.code || !strings.Contains(e.Error.Message, tc.message) {
				t.Fatalf("got %d %+v, want %d %s %q", w.Code, e.Error, tc.status, tc.code, tc.message)
			}
		})
	}
}

func TestErrorShape(t *testing.T) {
	fields := errs.Fields{}
	fields.Add("code", "编码已存在", "code is taken")
	fields.Add("code", "第二个问题", "second problem") // the first one wins
	fields.Add("name", "名称不能为空", "name is required")
	cases := []struct {
		name   string
		err    error
		en     bool
		status int
		code   string
		msg    string
		fields map[string]string
	}{
		{"bad request", errs.New(errs.BadRequest, "坏", "bad"), true, 400, "bad_request", "bad", nil},
		{"unauthenticated", errs.New(errs.Unauthenticated, "请先登录", "please sign in"), false, 401, "unauthenticated", "请先登录", nil},
		{"invalid credentials", errs.New(errs.InvalidCredentials, "x", "x"), true, 401, "invalid_credentials", "x", nil},
		{"locked", errs.New(errs.AccountLocked, "x", "x"), true, 423, "account_locked", "x", nil},
		{"csrf", errs.New(errs.CSRF, "x", "x"), true, 403, "csrf", "x", nil},
		{"password change", errs.New(errs.PasswordChangeRequired, "x", "x"), true, 403, "password_change_required", "x", nil},
		{"forbidden", errs.ErrForbidden, false, 403, "forbidden", "没有执行此操作的权限", nil},
		{"not found", errs.NotFoundf("单位", "unit"), true, 404, "not_found", "unit not found", nil},
		{"conflict", errs.Conflictf("冲突", "conflict"), true, 409, "conflict", "conflict", nil},
		{"too large", errs.New(errs.TooLarge, "x", "x"), true, 413, "too_large", "x", nil},
		{"media type", errs.New(errs.UnsupportedMediaType, "x", "x"), true, 415, "unsupported_media_type", "x", nil},
		{"validation, Chinese", fields.Err(), false, 422, "validation", "输入有误：编码已存在",
			map[string]string{"code": "编码已存在", "name": "名称不能为空"}},
		{"validation, English", fields.Err(), true, 422, "validation", "invalid input: code is taken",
			map[string]string{"code": "code is taken", "name": "name is required"}},
		{"wrapped typed error", fmt.Errorf("loading: %w", errs.ErrNotFound), true, 404, "not_found", "not found", nil},
		{"unknown code", &errs.Error{Code: "weird", Message: errs.T("怪", "weird")}, true, 500, "weird", "weird", nil},
		{"plain error", errors.New("pq: password authentication failed for user secret"), true, 500, "internal",
			"internal server error", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/x", nil)
			if tc.en {
				r.Header.Set("Accept-Language", "en-GB,en;q=0.8")
			}
			w := httptest.NewRecorder()
			httpx.Error(w, r, tc.err)
			e := parse(t, w)
			if w.Code != tc.status || e.Error.Code != tc.code || e.Error.Message != tc.msg || fmt.Sprint(e.Error.Fields) != fmt.Sprint(tc.fields) {
				t.Fatalf("got %d %+v", w.Code, e.Error)
			}
			if strings.Contains(w.Body.String(), "secret") {
				t.Fatal("internal detail leaked")
			}
		})
	}
}

func TestParsePage(t *testing.T) {
	cases := []struct {
		query string
		want  httpx.Page
		field string
	}{
		{"", httpx.Page{Page: 1, Size: 20}, ""},
		{"page=3&page_size=50&sort=-name&q=+青石+", httpx.Page{Page: 3, Size: 50, Sort: "-name", Q: "青石"}, ""},
		{"page_size=500", httpx.Page{Page: 1, Size: 500}, ""},
		{"page=0", httpx.Page{}, "page"},
		{"page=-1", httpx.Page{}, "page"},
		{"page=x", httpx.Page{}, "page"},
		{"page_size=0", httpx.Page{}, "page_size"},
		{"page_size=501", httpx.Page{}, "page_size"},
	}
	for _, tc := range cases {
		t.Run(tc.query, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/x?"+tc.query, nil)
			p, err := httpx.ParsePage(r)
			if tc.field == "" {
				if err != nil || p != tc.want {
					t.Fatalf("got %+v %v, want %+v", p, err, tc.want)
				}
				return
			}
			e, ok := errs.As(err)
			if !ok || e.Code != errs.Validation || e.Fields[tc.field].EN == "" {
				t.Fatalf("want a validation error on %s, got %v", tc.field, err)
			}
		})
	}
	p := httpx.Page{Page: 3, Size: 25}
	if p.Limit() != 25 || p.Offset() != 50 {
		t.Fatalf("limit %d offset %d", p.Limit(), p.Offset())
	}
}

func TestQueryParams(t *testing.T) {
	r := httptest.NewRequest("GET", "/x?a=12&b=-1&c=x&t=true&f=0&m=maybe", nil)
	f := errs.Fields{}
	if httpx.Int64Param(r, "a", f) != 12 || httpx.Int64Param(r, "none", f) != 0 || len(f) != 0 {
		t.Fatalf("int params: %v", f)
	}
	httpx.Int64Param(r, "b", f)
	httpx.Int64Param(r, "c", f)
	if len(f) != 2 {
		t.Fatalf("bad ints not reported: %v", f)
	}
	g := errs.Fields{}
	if v := httpx.BoolParam(r, "t", g); v == nil || !*v {
		t.Fatal("t")
	}
	if v := httpx.BoolParam(r, "f", g); v == nil || *v {
		t.Fatal("f")
	}
	if httpx.BoolParam(r, "none", g) != nil || len(g) != 0 {
		t.Fatal("absent bool")
	}
	if httpx.BoolParam(r, "m", g) != nil || g["m"].EN == "" {
		t.Fatal("bad bool not reported")
	}
}

func TestPathID(t *testing.T) {
	for _, tc := range []struct {
		id   string
		want int64
	}{{"1", 1}, {"42", 42}, {"0", 0}, {"-3", 0}, {"abc", 0}, {"1e3", 0}, {"99999999999999999999", 0}} {
		mux := http.NewServeMux()
		var got int64
		var err error
		mux.HandleFunc("GET /x/{id}", func(w http.ResponseWriter, r *http.Request) { got, err = httpx.PathID(r) })
		mux.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/x/"+url.PathEscape(tc.id), nil))
		if tc.want != 0 && (got != tc.want || err != nil) {
			t.Fatalf("%s: %d %v", tc.id, got, err)
		}
		if tc.want == 0 && !errs.Is(err, errs.NotFound) {
			t.Fatalf("%s: want not found, got %d %v", tc.id, got, err)
		}
	}
}

// The router authenticates every route but the public ones, holds back
// users who must change their password, and writes handler errors.
func TestRouter(t *testing.T) {
	calls := 0
	authn := func(w http.ResponseWriter, r *http.Request) (*auth.Actor, error) {
		calls++
		switch r.Header.Get("X-Test") {
		case "user":
			return &auth.Actor{UserID: 5, Username: "u", Roles: []auth.Role{auth.Staff}}, nil
		case "must-change":
			return &auth.Actor{UserID: 6, Username: "m", MustChangePassword: true}, nil
		case "csrf":
			return nil, errs.New(errs.CSRF, "x", "bad csrf")
		}
		return nil, nil
	}
	rt := httpx.NewRouter(authn)
	echo := func(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
		name := "anonymous"
		if a != nil {
			if auth.From(r.Context()) != a {
				return errors.New("actor not in the context")
			}
			name = a.Username
		}
		httpx.JSON(w, 200, map[string]string{"actor": name})
		return nil
	}
	rt.Handle("GET", "/api/things", "things", "列表", echo, httpx.Query("page", "q"))
	rt.Handle("POST", "/api/things", "things", "新建", echo)
	rt.Handle("GET", "/api/things/{id}", "things", "详情", func(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
		return errs.NotFoundf("东西", "thing")
	})
	rt.Handle("POST", "/api/things/{id}/file", "things", "上传", echo, httpx.Multipart)
	rt.Handle("GET", "/api/things/export", "things", "导出", echo, httpx.Produces("text/csv"))
	rt.Handle("POST", "/api/login", "session", "登录", echo, httpx.Public)
	rt.Handle("PUT", "/api/password", "session", "改密码", echo, httpx.DuringPasswordChange)

	cases := []struct {
		method, path, who string
		status            int
		code, actor       string
		authn             bool // whether the authenticator is consulted
	}{
		{"GET", "/api/things", "", 401, "unauthenticated", "", true},
		{"GET", "/api/things", "user", 200, "", "u", true},
		{"POST", "/api/things", "csrf", 403, "csrf", "", true},
		{"GET", "/api/things", "must-change", 403, "password_change_required", "", true},
		{"PUT", "/api/password", "must-change", 200, "", "m", true},
		{"PUT", "/api/password", "", 401, "unauthenticated", "", true},
		{"GET", "/api/things/7", "user", 404, "not_found", "", true},
		{"POST", "/api/login", "", 200, "", "anonymous", false},
		{"POST", "/api/login", "csrf", 200, "", "anonymous", false}, // a stale cookie does not block sign-in
	}
	for _, tc := range cases {
		t.Run(tc.method+" "+tc.path+" as "+tc.who, func(t *testing.T) {
			before := calls
			r := httptest.NewRequest(tc.method, tc.path, nil)
			r.Header.Set("X-Test", tc.who)
			w := httptest.NewRecorder()
			rt.Mux.ServeHTTP(w, r)
			if w.Code != tc.status {
				t.Fatalf("%d %s", w.Code, w.Body)
			}
			if (calls > before) != tc.authn {
				t.Fatalf("authenticator consulted: %v", calls > before)
			}
			if tc.code != "" {
				if e := parse(t, w); e.Error.Code != tc.code {
					t.Fatalf("code %s", e.Error.Code)
				}
				return
			}
			b, _ := io.ReadAll(w.Body)
			var m map[string]string
			if json.Unmarshal(b, &m) != nil || m["actor"] != tc.actor {
				t.Fatalf("answer %s", b)
			}
		})
	}

	routes := rt.Routes()
	var got []string
	for _, r := range routes {
		got = append(got, r.Method+" "+r.Path)
	}
	want := "[POST /api/login PUT /api/password GET /api/things POST /api/things GET /api/things/export GET /api/things/{id} POST /api/things/{id}/file]"
	if fmt.Sprint(got) != want {
		t.Fatalf("routes %v", got)
	}

	doc := rt.OpenAPI("v9")
	b, _ := json.Marshal(doc)
	var d struct {
		Info  struct{ Version string }
		Paths map[string]map[string]struct {
			Summary     string
			OperationID string `json:"operationId"`
			Parameters  []struct{ Name, In string }
			RequestBody map[string]map[string]any `json:"requestBody"`
			Responses   map[string]struct {
				Content map[string]any
			}
			Security *[]any
		}
	}
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatal(err)
	}
	list := d.Paths["/api/things"]["get"]
	if d.Info.Version != "v9" || list.Summary != "列表" || list.OperationID != "get_api_things" || len(list.Parameters) != 2 ||
		list.Parameters[1].Name != "q" || list.Parameters[1].In != "query" || list.Security != nil {
		t.Fatalf("list operation %+v", list)
	}
	if one := d.Paths["/api/things/{id}"]["get"]; len(one.Parameters) != 1 || one.Parameters[0].In != "path" {
		t.Fatalf("id parameter: %+v", one)
	}
	if _, ok := d.Paths["/api/things"]["post"].RequestBody["content"]["application/json"]; !ok {
		t.Fatal("JSON body not documented")
	}
	if _, ok := d.Paths["/api/things/{id}/file"]["post"].RequestBody["content"]["multipart/form-data"]; !ok {
		t.Fatal("multipart body not documented")
	}
	if _, ok := d.Paths["/api/things/export"]["get"].Responses["200"].Content["text/csv"]; !ok {
		t.Fatal("produced type not documented")
	}
	if s := d.Paths["/api/login"]["post"].Security; s == nil || len(*s) != 0 {
		t.Fatal("public operation not marked with empty security")
	}
}
