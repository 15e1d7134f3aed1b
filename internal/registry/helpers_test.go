package registry_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/db"
	"diaodu/internal/platform/errs"
	"diaodu/internal/registry"
	"diaodu/internal/testutil"
)

type env struct {
	f   *testutil.Fixture
	s   *registry.Service
	ctx context.Context
	n   int
}

func newEnv(t *testing.T, d *db.DB) *env {
	f := testutil.NewFixture(t, d)
	return &env{f: f, s: f.App.Registry, ctx: context.Background()}
}

func (e *env) as(u string) *auth.Actor { return e.f.Users[u] }
func (e *env) unit(code string) int64  { return e.f.Units[code].ID }

// code returns a fresh valid credit code.
func (e *env) code() string {
	e.n++
	return registry.MakeCreditCode(fmt.Sprintf("91530102MA%07d", e.n))
}

func sp(s string) *string { return &s }
func ip(n int64) *int64   { return &n }

// input is an enterprise in 青石镇 supervised by 区发改局.
func (e *env) input(mut ...func(*registry.EnterpriseInput)) registry.EnterpriseInput {
	in := registry.EnterpriseInput{Name: sp(fmt.Sprintf("示范测试企业%d有限公司", e.n+1)), CreditCode: sp(e.code()),
		Industry: sp("manufacturing"), TownID: ip(e.unit("QS")), SupervisingUnitID: ip(e.unit("FGJ")),
		Address: sp("青石镇工业园区8号"), LegalPerson: sp("王建国"), ContactName: sp("李娜"), ContactPhone: sp("13812345678")}
	for _, m := range mut {
		m(&in)
	}
	return in
}

func (e *env) enterprise(t *testing.T, mut ...func(*registry.EnterpriseInput)) *registry.Enterprise {
	t.Helper()
	x, err := e.s.CreateEnterprise(e.ctx, e.as("admin"), e.input(mut...))
	if err != nil {
		t.Fatalf("create enterprise: %v", err)
	}
	return x
}

// wantField checks a validation error naming field with a message
// containing msg.
func wantField(t *testing.T, err error, field, msg string) {
	t.Helper()
	ee, ok := errs.As(err)
	if !ok || ee.Code != errs.Validation {
		t.Fatalf("want a validation error on %s, got %v", field, err)
	}
	m, ok := ee.Fields[field]
	if !ok {
		t.Fatalf("want a field error on %s, got %v", field, ee.Fields)
	}
	if msg != "" && !contains(m.ZH, msg) {
		t.Fatalf("%s: message %q lacks %q", field, m.ZH, msg)
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

var statusOf = map[errs.Code]int{"": http.StatusOK, errs.NotFound: http.StatusNotFound, errs.Forbidden: http.StatusForbidden,
	errs.Validation: http.StatusUnprocessableEntity, errs.Conflict: http.StatusConflict}
