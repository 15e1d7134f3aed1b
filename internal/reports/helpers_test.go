package reports_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/calendar"
	"diaodu/internal/platform/db"
	"diaodu/internal/platform/errs"
	"diaodu/internal/reports"
	"diaodu/internal/testutil"
)

var ctx = context.Background()

// env is the fixture district with shortcuts to the reports service.
type env struct {
	f *testutil.Fixture
	s *reports.Service
}

func newEnv(t *testing.T, d *db.DB) *env {
	t.Helper()
	f := testutil.NewFixture(t, d)
	return &env{f: f, s: f.App.Reports}
}

func (e *env) unit(code string) int64         { return e.f.Units[code].ID }
func (e *env) user(name string) *auth.Actor   { return e.f.Users[name] }
func (e *env) units(codes ...string) *[]int64 { return ptr(e.unitIDs(codes...)) }
func (e *env) unitIDs(codes ...string) []int64 {
	ids := make([]int64, len(codes))
	for i, c := range codes {
		ids[i] = e.unit(c)
	}
	return ids
}

// at is a Shanghai wall-clock instant.
func at(day string, hour, minute int) time.Time {
	return calendar.MustDate(day).At(hour, minute)
}

// setClock moves the fixture's clock to t.
func (e *env) setClock(t time.Time) { e.f.Clock.Advance(t.Sub(e.f.Clock.Now())) }

func ptr[T any](v T) *T { return &v }

// obligation creates an obligation as the supervisor from in, with the
// fixture's defaults for the parts left nil: daily on working days, 17:00,
// the two towns and the department, a one-number form.
func (e *env) obligation(t *testing.T, in reports.ObligationInput) *reports.Obligation {
	t.Helper()
	if in.Name == nil {
		in.Name = ptr("测试报送")
	}
	if in.UnitIDs == nil && in.Selector == nil {
		in.UnitIDs = e.units("QS", "LX", "FGJ")
	}
	if in.Form == nil {
		in.Form = &[]reports.Field{{Key: "amount", Label: "金额", Type: reports.TypeNumber, Required: true, Unit: "万元",
			Min: ptr(0.0), Max: ptr(1000.0)}}
	}
	o, err := e.s.CreateObligation(ctx, e.user("supervisor"), in)
	if err != nil {
		t.Fatalf("create obligation: %v", err)
	}
	return o
}

// zero creates the zero report as the supervisor.
func (e *env) zero(t *testing.T) *reports.Obligation {
	t.Helper()
	o, err := e.s.CreateZeroReport(ctx, e.user("supervisor"), reports.ObligationInput{})
	if err != nil {
		t.Fatalf("create zero report: %v", err)
	}
	return o
}

func (e *env) count(t *testing.T, q string, args ...any) int { return e.f.Count(t, q, args...) }

// head is the audit chain's last sequence number.
func (e *env) head(t *testing.T) int64 {
	t.Helper()
	return int64(e.count(t, `SELECT seq FROM audit_head WHERE id = 1`))
}

// actionsAfter lists the audit actions written after seq.
func (e *env) actionsAfter(t *testing.T, seq int64) []string {
	t.Helper()
	rows, err := e.f.App.DB.R.QueryContext(ctx, `SELECT action FROM audit_log WHERE seq > $1 ORDER BY seq`, seq)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

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

var statusOf = map[errs.Code]int{
	errs.NotFound: http.StatusNotFound, errs.Forbidden: http.StatusForbidden,
	errs.Conflict: http.StatusConflict, errs.Validation: http.StatusUnprocessableEntity,
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

// fieldMsg returns the Chinese message of a validation error's field.
func fieldMsg(err error, field string) string {
	e, ok := errs.As(err)
	if !ok {
		return ""
	}
	return e.Fields[field].ZH
}

func dates(ss ...string) []calendar.Date {
	out := make([]calendar.Date, len(ss))
	for i, s := range ss {
		out[i] = calendar.MustDate(s)
	}
	return out
}

func dateStrings(ds []calendar.Date) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.String()
	}
	return out
}
