package httpx_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/errs"
	"diaodu/internal/platform/httpx"
)

// The shared handler shapes: each answers its status with what the service
// returned, passes the actor, id and body through, and turns a service
// error into the router's error answer.
func TestHandlerShapes(t *testing.T) {
	me := &auth.Actor{UserID: 5, Username: "u", Roles: []auth.Role{auth.Staff}}
	rt := httpx.NewRouter(func(w http.ResponseWriter, r *http.Request) (*auth.Actor, error) { return me, nil })
	check := func(a *auth.Actor) error {
		if a != me {
			return errs.New(errs.Internal, "actor", "not the actor")
		}
		return nil
	}
	stored := body{Name: "stored", N: 1}
	rt.Handle("GET", "/t/home", "t", "首页", httpx.Get(func(ctx context.Context, a *auth.Actor) (body, error) {
		return body{Name: "home"}, check(a)
	}))
	rt.Handle("POST", "/t", "t", "新建", httpx.Create(func(ctx context.Context, a *auth.Actor, in body) (body, error) {
		in.N++
		return in, check(a)
	}))
	rt.Handle("PUT", "/t", "t", "整表", httpx.Put(func(ctx context.Context, a *auth.Actor, in body) (body, error) {
		return in, check(a)
	}))
	rt.Handle("PATCH", "/t/{id}", "t", "修改", httpx.UpdateByID(func(ctx context.Context, a *auth.Actor, id int64, in body) (body, error) {
		if id == 9 {
			return body{}, errs.Conflictf("冲突", "conflict")
		}
		in.N = int(id)
		return in, check(a)
	}))
	rt.Handle("PUT", "/t/settings", "t", "设置", httpx.UpdateOnto(func(ctx context.Context, a *auth.Actor) (body, error) {
		return stored, check(a)
	}, func(ctx context.Context, a *auth.Actor, v body) (body, error) {
		stored = v
		return v, check(a)
	}))
	rt.Handle("GET", "/t", "t", "列表", httpx.ListOf(func(r *http.Request) (string, httpx.Page, error) {
		p, err := httpx.ParsePage(r)
		return r.URL.Query().Get("q"), p, err
	}, func(ctx context.Context, a *auth.Actor, q string, p httpx.Page) ([]body, int, error) {
		return []body{{Name: q, N: p.Size}}, 7, check(a)
	}))
	rt.Handle("POST", "/t/lights", "t", "重算", httpx.Changed(func(ctx context.Context, a *auth.Actor) (int, error) {
		return 3, check(a)
	}))

	for _, tc := range []struct {
		method, path, payload string
		status                int
		want                  string
	}{
		{"GET", "/t/home", "", 200, `{"name":"home","n":0}`},
		{"POST", "/t", `{"name":"a","n":1}`, 201, `{"name":"a","n":2}`},
		{"POST", "/t", `{"nope":1}`, 400, `"code":"bad_request"`},
		{"PUT", "/t", `{"name":"b"}`, 200, `{"name":"b","n":0}`},
		{"PATCH", "/t/4", `{"name":"c"}`, 200, `{"name":"c","n":4}`},
		{"PATCH", "/t/0", `{"name":"c"}`, 404, `"code":"not_found"`},
		{"PATCH", "/t/9", `{"name":"c"}`, 409, `"code":"conflict"`},
		{"PUT", "/t/settings", `{"n":5}`, 200, `{"name":"stored","n":5}`}, // a field left out keeps its value
		{"GET", "/t?q=x&page_size=3", "", 200, `{"items":[{"name":"x","n":3}],"total":7}`},
		{"POST", "/t/lights", "", 200, `{"changed":3}`},
	} {
		r := httptest.NewRequest(tc.method, tc.path, strings.NewReader(tc.payload))
		w := httptest.NewRecorder()
		rt.Mux.ServeHTTP(w, r)
		if w.Code != tc.status || !strings.Contains(w.Body.String(), tc.want) {
			t.Errorf("%s %s: %d %s, want %d %s", tc.method, tc.path, w.Code, w.Body, tc.status, tc.want)
		}
	}
}

func TestListParam(t *testing.T) {
	r := httptest.NewRequest("GET", "/x?light=red,%20yellow,,&empty=", nil)
	if got := httpx.ListParam(r, "light"); strings.Join(got, "|") != "red|yellow" {
		t.Fatalf("light: %q", got)
	}
	if httpx.ListParam(r, "empty") != nil || httpx.ListParam(r, "none") != nil {
		t.Fatal("an empty or absent list is nil")
	}
}

// A refused settings change leaves the cached value as it was, though the
// body was decoded onto a value sharing the cache's slice.
func TestUpdateOntoLeavesTheCache(t *testing.T) {
	type settings struct {
		Categories []string `json:"categories"`
	}
	cache := settings{Categories: make([]string, 2, 8)}
	cache.Categories[0], cache.Categories[1] = "产业", "民生"
	rt := httpx.NewRouter(func(w http.ResponseWriter, r *http.Request) (*auth.Actor, error) { return &auth.Actor{UserID: 1}, nil })
	rt.Handle("PUT", "/s", "t", "设置", httpx.UpdateOnto(func(ctx context.Context, a *auth.Actor) (settings, error) {
		return cache, nil // shares the backing array, as a settings cache's value does
	}, func(ctx context.Context, a *auth.Actor, v settings) (settings, error) {
		return settings{}, errs.New(errs.Validation, "分类重复", "duplicate category")
	}))
	w := httptest.NewRecorder()
	rt.Mux.ServeHTTP(w, httptest.NewRequest("PUT", "/s", strings.NewReader(`{"categories":["坏","坏"]}`)))
	if w.Code != 422 || cache.Categories[0] != "产业" || cache.Categories[:cap(cache.Categories)][0] != "产业" {
		t.Fatalf("%d %s; cache now %q", w.Code, w.Body, cache.Categories)
	}
}
