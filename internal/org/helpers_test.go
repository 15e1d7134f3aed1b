package org_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"testing"

	"diaodu/internal/org"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/db"
	"diaodu/internal/platform/errs"
	"diaodu/internal/testutil"
)

// who is the order of the matrix columns: every fixture user.
var who = [9]string{"admin", "supervisor", "leader", "qs_admin", "qs_staff", "zj_field", "judge", "lx_admin", "fgj_staff"}

// want is an expected outcome: success, or an error code (and for
// validation errors a field that must be named).
type want struct {
	code  errs.Code
	field string
}

func (w want) String() string {
	switch {
	case w.code == "":
		return "ok"
	case w.field != "":
		return string(w.code) + "(" + w.field + ")"
	}
	return string(w.code)
}

func (w want) ok() bool { return w.code == "" }

var (
	OK = want{}
	NF = want{code: errs.NotFound}
	FB = want{code: errs.Forbidden}
	CF = want{code: errs.Conflict}
)

// V is a validation error naming field.
func V(field string) want { return want{code: errs.Validation, field: field} }

// row holds the outcome for each user of who, in that order.
type row [9]want

var statusOf = map[errs.Code]int{
	errs.NotFound: http.StatusNotFound, errs.Forbidden: http.StatusForbidden,
	errs.Conflict: http.StatusConflict, errs.Validation: http.StatusUnprocessableEntity,
}

// checkErr compares a service result with the expectation.
func checkErr(t *testing.T, err error, w want) {
	t.Helper()
	if w.ok() {
		if err != nil {
			t.Fatalf("want success, got %v", err)
		}
		return
	}
	e, ok := errs.As(err)
	if !ok || e.Code != w.code {
		t.Fatalf("want %s, got %v", w, err)
	}
	if w.field != "" {
		if _, ok := e.Fields[w.field]; !ok {
			t.Fatalf("want field %q named, got fields %v", w.field, e.Fields)
		}
	}
}

// checkResp compares an HTTP answer with the expectation.
func checkResp(t *testing.T, r *testutil.Resp, w want) {
	t.Helper()
	if w.ok() {
		if r.Status < 200 || r.Status > 299 {
			t.Fatalf("want success, got %d %s", r.Status, r.Body)
		}
		return
	}
	if r.Status != statusOf[w.code] || r.ErrCode() != string(w.code) {
		t.Fatalf("want %d %s, got %d %s", statusOf[w.code], w, r.Status, r.Body)
	}
	if w.field != "" && r.Field(w.field) == "" {
		t.Fatalf("want field %q named, got %s", w.field, r.Body)
	}
}

// env is a fixture plus helpers that make fresh objects as the system.
type env struct {
	f   *testutil.Fixture
	ctx context.Context
	n   int
}

func newEnv(t *testing.T, d *db.DB) *env {
	return &env{f: testutil.NewFixture(t, d), ctx: context.Background()}
}

func (e *env) unit(code string) int64 { return e.f.Units[code].ID }

func (e *env) next(prefix string) string {
	e.n++
	return fmt.Sprintf("%s%03d", prefix, e.n)
}

func ptr[T any](v T) *T { return &v }

var system = auth.System("test")

func (e *env) newUnit(t *testing.T, parent int64, kind string) *org.Unit {
	t.Helper()
	code := e.next("T")
	u, err := e.f.App.Org.CreateUnit(e.ctx, system, org.UnitInput{ParentID: &parent, Code: &code,
		Name: ptr("测试单位" + code), Kind: &kind})
	if err != nil {
		t.Fatalf("new unit: %v", err)
	}
	return u
}

func (e *env) newUser(t *testing.T, unit int64, role, phone string) *org.User {
	t.Helper()
	name := e.next("u")
	in := org.UserInput{Username: &name, RealName: ptr("用户" + name), UnitID: &unit, Roles: &[]string{role},
		Password: ptr(testutil.Password)}
	if phone != "" {
		in.Phone = &phone
	}
	u, _, err := e.f.App.Org.CreateUser(e.ctx, system, in)
	if err != nil {
		t.Fatalf("new user: %v", err)
	}
	return u
}

func (e *env) query(t *testing.T, dst any, q string, args ...any) {
	t.Helper()
	if err := e.f.App.DB.R.QueryRowContext(e.ctx, q, args...).Scan(dst); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func (e *env) count(t *testing.T, q string, args ...any) int {
	t.Helper()
	var n int
	e.query(t, &n, q, args...)
	return n
}

func (e *env) head(t *testing.T) int64 {
	t.Helper()
	var n int64
	e.query(t, &n, `SELECT seq FROM audit_head WHERE id = 1`)
	return n
}

type entry struct {
	Action, Username, IP, ObjectID string
	UnitID                         sql.NullInt64
}

// entriesAfter returns the audit entries written after seq.
func (e *env) entriesAfter(t *testing.T, seq int64) []entry {
	t.Helper()
	rows, err := e.f.App.DB.R.QueryContext(e.ctx, `SELECT action, username, ip, object_id, unit_id FROM audit_log
		WHERE seq > $1 ORDER BY seq`, seq)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []entry
	for rows.Next() {
		var x entry
		if err := rows.Scan(&x.Action, &x.Username, &x.IP, &x.ObjectID, &x.UnitID); err != nil {
			t.Fatal(err)
		}
		out = append(out, x)
	}
	return out
}

// loginAll signs every fixture user in.
func loginAll(t *testing.T, s *testutil.Server) map[string]*testutil.Client {
	cs := map[string]*testutil.Client{}
	for _, name := range who {
		cs[name] = s.Login(t, name)
	}
	return cs
}
