package demo_test

import (
	"context"
	"testing"

	"diaodu/internal/demo"
	"diaodu/internal/org"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/db"
	"diaodu/internal/testutil"
)

func TestBuildDemoDistrict(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.NewFixture(t, d).App // a database with units already
		ctx := context.Background()
		if _, err := demo.Build(ctx, a.Audit, 1); err == nil {
			t.Fatal("built into a database that already has units")
		}
		e := testutil.Open(t, d.Dialect)
		app := testutil.WireOnly(t, e)
		res, err := demo.Build(ctx, app.Audit, 1)
		if err != nil {
			t.Fatal(err)
		}
		kinds := map[string]int{}
		rows, err := e.R.QueryContext(ctx, `SELECT kind, COUNT(*) FROM units GROUP BY kind`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var k string
			var n int
			_ = rows.Scan(&k, &n)
			kinds[k] = n
		}
		rows.Close()
		if kinds["department"] != 30 || kinds["town"] != 12 || kinds["village"] < 140 || kinds["taskforce"] != 5 || kinds["district"] != 1 {
			t.Fatalf("units by kind %v", kinds)
		}
		// Every role has a user, and the printed logins sign in with the demo password.
		for _, l := range res.Logins {
			if _, err := app.Account.SignIn(ctx, l.Username, demo.Password, "127.0.0.1", "test"); err != nil {
				t.Errorf("%s cannot sign in: %v", l.Username, err)
			}
		}
		var roles int
		_ = e.R.QueryRow(`SELECT COUNT(DISTINCT roles) FROM users`).Scan(&roles)
		if roles < 7 {
			t.Errorf("%d role sets, want every role", roles)
		}
		// New units after the demo get fresh ids (the id sequence moved past the copied rows).
		var district int64
		_ = e.R.QueryRow(`SELECT id FROM units WHERE code = 'SFQ'`).Scan(&district)
		name, code, kind := "新部门", "SFQ-NEW", org.KindDepartment
		if _, err := app.Org.CreateUnit(ctx, auth.System("test"), org.UnitInput{ParentID: &district, Name: &name, Code: &code, Kind: &kind}); err != nil {
			t.Fatalf("a unit after the demo: %v", err)
		}
		rep, err := app.Audit.Verify(ctx)
		if err != nil || !rep.OK {
			t.Fatalf("audit after demo: %v %+v", err, rep)
		}
	})
}
