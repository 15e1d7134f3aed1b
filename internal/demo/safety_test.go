package demo_test

import (
	"testing"
	"time"

	"diaodu/internal/demo"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/db"
	"diaodu/internal/platform/httpx"
	"diaodu/internal/safety"
	"diaodu/internal/testutil"
)

func TestSafetyDemo(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		a, ctx := seeded(t, d, "safety", demo.Registry, demo.Safety)
		count := func(q string) int {
			var n int
			if err := a.DB.R.QueryRowContext(ctx, q).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		if n := count(`SELECT COUNT(*) FROM enterprises`); n < 380 || n > 420 {
			t.Fatalf("%d enterprises and places", n)
		}
		if n := count(`SELECT COUNT(*) FROM safety_hazards`); n < 250 || n > 350 {
			t.Fatalf("%d hazards", n)
		}
		if n := count(`SELECT COUNT(DISTINCT status) FROM safety_hazards`); n != 4 {
			t.Fatalf("%d statuses", n)
		}
		if n := count(`SELECT COUNT(*) FROM safety_hazards WHERE level = 'major'`); n < 2 || n > 15 {
			t.Fatalf("%d major hazards", n)
		}
		if count(`SELECT COUNT(*) FROM safety_hazards WHERE supervised = TRUE`) != 1 || count(`SELECT COUNT(*) FROM safety_suspensions WHERE status = 'active'`) != 1 {
			t.Fatal("one listed hazard and one suspension expected")
		}
		if count(`SELECT COUNT(*) FROM safety_hazards WHERE open = TRUE AND deadline < '`+time.Now().Format("2006-01-02")+`'`) == 0 {
			t.Fatal("no overdue hazards")
		}
		// The pages work on it: the home for a town, the ledger, the audit chain.
		var qs auth.Actor
		if err := a.DB.R.QueryRowContext(ctx, `SELECT u.id, u.unit_id, t.path FROM users u JOIN units t ON t.id = u.unit_id WHERE u.username = 't01v01'`).
			Scan(&qs.UserID, &qs.UnitID, &qs.UnitPath); err != nil {
			t.Fatal(err)
		}
		qs.Roles = []auth.Role{auth.Field}
		home, err := a.Safety.Home(ctx, &qs, 0)
		if err != nil || home.Campaign == nil || home.Totals.Found == 0 || home.KeyPeriod == nil || !home.ByIndustry[0].Key1st {
			t.Fatalf("home: %v %+v", err, home)
		}
		items, total, err := a.Safety.ListHazards(ctx, auth.System("t"), safety.HazardFilter{Overdue: ptrTo(true)}, httpx.Page{Page: 1, Size: 20})
		if err != nil || total == 0 || !items[0].Overdue {
			t.Fatalf("overdue ledger: %v %d", err, total)
		}
		if rep, err := a.Audit.Verify(ctx); err != nil || len(rep.Problems) > 0 {
			t.Fatalf("audit chain: %v %+v", err, rep)
		}
		if _, err := a.Safety.Remind(ctx, a.Clock.Now()); err != nil {
			t.Fatal(err)
		}
	})
}

func ptrTo[T any](v T) *T { return &v }
