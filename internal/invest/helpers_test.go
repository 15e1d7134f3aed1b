package invest_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"diaodu/internal/invest"
	"diaodu/internal/org"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/calendar"
	"diaodu/internal/platform/db"
	"diaodu/internal/platform/errs"
	"diaodu/internal/platform/httpx"
	"diaodu/internal/testutil"
)

// env is the fixture district with two investment teams (招商专班) — 新能源
// (ZB1, its unit admin zb1_admin) and 食品 (ZB2, zb2_admin) — and two
// industrial chains.
type env struct {
	f      *testutil.Fixture
	ctx    context.Context
	s      *invest.Service
	chains []int64
	n      int
}

func newEnv(t testing.TB, d *db.DB) *env {
	t.Helper()
	e := &env{f: testutil.NewFixture(t, d), ctx: context.Background()}
	e.s = e.f.App.Invest
	root := auth.System("fixture")
	for _, u := range []struct{ code, name string }{{"ZB1", "新能源招商专班"}, {"ZB2", "绿色食品招商专班"}} {
		code, name, kind := u.code, u.name, org.KindTaskforce
		unit, err := e.f.App.Org.CreateUnit(e.ctx, root, org.UnitInput{Code: &code, Name: &name, Kind: &kind, ParentID: &e.f.Units["D"].ID})
		if err != nil {
			t.Fatal(err)
		}
		e.f.Units[code] = unit
	}
	e.f.AddUser(t, "zb1_admin", "ZB1", "unit_admin")
	e.f.AddUser(t, "zb2_admin", "ZB2", "unit_admin")
	e.f.AddUser(t, "zb1_staff", "ZB1", "staff")
	for i, name := range []string{"新能源电池", "绿色食品"} {
		var id int64
		if err := d.W.QueryRowContext(e.ctx, `INSERT INTO industrial_chains (name, sort_order, active, created_at, updated_at)
			VALUES ($1, $2, TRUE, $3, $3) RETURNING id`, name, i, testutil.Start).Scan(&id); err != nil {
			t.Fatal(err)
		}
		e.chains = append(e.chains, id)
	}
	return e
}

func ptr[T any](v T) *T { return &v }

func (e *env) as(name string) *auth.Actor { return e.f.Users[name] }
func (e *env) unit(code string) int64     { return e.f.Units[code].ID }

// day is the fixture's today plus n days.
func (e *env) day(n int) calendar.Date { return calendar.DateOf(e.f.Clock.Now()).AddDays(n) }

// advance moves the clock by n days.
func (e *env) advance(n int) { e.f.Clock.T = e.f.Clock.T.Add(time.Duration(n) * 24 * time.Hour) }

func id(n int64) string { return strconv.FormatInt(n, 10) }

// input is a valid lead of team ZB1 landing in 青石镇, 2亿.
func (e *env) input(mods ...func(in *invest.LeadInput)) invest.LeadInput {
	e.n++
	in := invest.LeadInput{Company: ptr("宁德示范新能源科技有限公司" + strconv.Itoa(e.n)), ChainID: ptr(e.chains[0]),
		Source: ptr("以商招商"), ContactName: ptr("王经理"), ContactPhone: ptr("13812345678"), PlannedAmount: ptr(int64(200_000_000)),
		Quality: ptr("A"), TeamID: ptr(e.unit("ZB1")), TownID: ptr(e.unit("QS")), OwnerID: ptr(e.as("zb1_admin").UserID),
		NextAction: ptr("安排实地考察"), NextActionOn: ptr(e.day(5))}
	for _, m := range mods {
		m(&in)
	}
	return in
}

// lead creates a lead as zb1_admin.
func (e *env) lead(t testing.TB, mods ...func(in *invest.LeadInput)) *invest.Detail {
	t.Helper()
	d, err := e.s.Create(e.ctx, e.as("zb1_admin"), e.input(mods...))
	if err != nil {
		t.Fatalf("create lead: %v", err)
	}
	return d
}

// signed creates a lead and moves it to 签约.
func (e *env) signed(t testing.TB, mods ...func(in *invest.LeadInput)) *invest.Detail {
	t.Helper()
	l := e.lead(t, mods...)
	d, err := e.s.Move(e.ctx, e.as("zb1_admin"), l.ID, invest.MoveInput{Stage: invest.StageSigned, Note: "签订投资协议"})
	if err != nil {
		t.Fatalf("move to signed: %v", err)
	}
	return d
}

// wantCode checks an error's code.
func wantCode(t testing.TB, err error, code errs.Code) {
	t.Helper()
	if err == nil {
		t.Fatalf("want %s, got no error", code)
	}
	if !errs.Is(err, code) {
		t.Fatalf("want %s, got %v", code, err)
	}
}

// wantField checks a validation error names field.
func wantField(t testing.TB, err error, field string) {
	t.Helper()
	e, ok := errs.As(err)
	if !ok || e.Code != errs.Validation {
		t.Fatalf("want a validation error on %s, got %v", field, err)
	}
	if _, ok := e.Fields[field]; !ok {
		t.Fatalf("want a message on %s, got %v", field, e.Fields)
	}
}

// pageAll asks for the first 500.
var pageAll = httpx.Page{Page: 1, Size: 500}
