package testutil

import (
	"context"
	"testing"
	"time"

	"diaodu/internal/app"
	"diaodu/internal/org"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/clock"
	"diaodu/internal/platform/db"
)

// Password is the password of every fixture user.
const Password = "Test@2026pw"

// Fixture is a small district: 区 → 区发改局 (dept), 青石镇 (town) → 张家村,
// 柳溪镇 (town) → 河口村, and one user per role (town roles in 青石镇).
type Fixture struct {
	App   *app.App
	Clock *clock.Fixed
	Units map[string]*org.Unit   // by code
	Users map[string]*auth.Actor // by username
}

// Start is the fixture's "now": a Thursday morning in Shanghai.
var Start = time.Date(2026, 11, 26, 1, 0, 0, 0, time.UTC)

// NewFixture wires the application on d and builds the district.
func NewFixture(t testing.TB, d *db.DB) *Fixture {
	t.Helper()
	clk := &clock.Fixed{T: Start}
	a, err := app.Wire(app.Config{DataDir: t.TempDir()}, d, clk)
	if err != nil {
		t.Fatal(err)
	}
	f := &Fixture{App: a, Clock: clk, Units: map[string]*org.Unit{}, Users: map[string]*auth.Actor{}}
	ctx := context.Background()
	root := auth.System("fixture")
	mk := func(parent, code, name, kind string) {
		in := org.UnitInput{Code: &code, Name: &name, Kind: &kind}
		if parent != "" {
			in.ParentID = &f.Units[parent].ID
		}
		u, err := a.Org.CreateUnit(ctx, root, in)
		if err != nil {
			t.Fatalf("fixture unit %s: %v", code, err)
		}
		f.Units[code] = u
	}
	mk("", "D", "示范区", org.KindDistrict)
	mk("D", "FGJ", "区发展和改革局", org.KindDepartment)
	mk("D", "QS", "青石镇", org.KindTown)
	mk("QS", "QS-ZJ", "张家村", org.KindVillage)
	mk("D", "LX", "柳溪镇", org.KindTown)
	mk("LX", "LX-HK", "河口村", org.KindVillage)
	for _, u := range []struct{ name, unit, role string }{
		{"admin", "D", "admin"}, {"supervisor", "D", "supervisor"}, {"leader", "D", "leader"},
		{"qs_admin", "QS", "unit_admin"}, {"qs_staff", "QS", "staff"}, {"zj_field", "QS-ZJ", "field"},
		{"judge", "D", "judge"}, {"lx_admin", "LX", "unit_admin"}, {"fgj_staff", "FGJ", "staff"},
	} {
		f.AddUser(t, u.name, u.unit, u.role)
	}
	return f
}

// AddUser creates a user who has already changed the password.
func (f *Fixture) AddUser(t testing.TB, username, unitCode string, roles ...string) *auth.Actor {
	t.Helper()
	ctx := context.Background()
	name, pw := "测试"+username, Password
	unit := f.Units[unitCode].ID
	u, _, err := f.App.Org.CreateUser(ctx, auth.System("fixture"), org.UserInput{Username: &username, RealName: &name,
		UnitID: &unit, Roles: &roles, Password: &pw})
	if err != nil {
		t.Fatalf("fixture user %s: %v", username, err)
	}
	if _, err := f.App.DB.W.ExecContext(ctx, `UPDATE users SET must_change_password = FALSE WHERE id = $1`, u.ID); err != nil {
		t.Fatal(err)
	}
	rs := make([]auth.Role, len(roles))
	for i, r := range roles {
		rs[i] = auth.Role(r)
	}
	a := &auth.Actor{UserID: u.ID, Username: username, RealName: name, UnitID: unit, UnitPath: f.Units[unitCode].Path, Roles: rs}
	f.Users[username] = a
	return a
}

// WireOnly wires the application on d without building the fixture district.
func WireOnly(t testing.TB, d *db.DB) *app.App {
	t.Helper()
	a, err := app.Wire(app.Config{DataDir: t.TempDir()}, d, &clock.Fixed{T: Start})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// Count runs a COUNT-like query that returns one integer.
func (f *Fixture) Count(t testing.TB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := f.App.DB.R.QueryRowContext(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}
