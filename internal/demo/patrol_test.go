package demo_test

import (
	"testing"

	"diaodu/internal/demo"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/db"
	"diaodu/internal/testutil"
)

func TestPatrolDemo(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		a, ctx := seeded(t, d, "patrol", demo.Patrol)
		count := func(q string) int {
			var n int
			if err := d.R.QueryRowContext(ctx, q).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		for q, min := range map[string]int{
			`SELECT COUNT(*) FROM fire_squads`: 10, `SELECT COUNT(*) FROM fire_villages`: 20, `SELECT COUNT(*) FROM fire_patrols`: 200,
			`SELECT COUNT(*) FROM fire_patrol_points`: 5000, `SELECT COUNT(*) FROM fire_broadcasts`: 200, `SELECT COUNT(*) FROM fire_report_events`: 5,
			`SELECT COUNT(*) FROM fire_checks`: 6, `SELECT COUNT(*) FROM fire_patrols WHERE ended_at IS NULL`: 1,
			`SELECT COUNT(*) FROM fire_posts WHERE patroller_count < min_patrollers`: 1, `SELECT COUNT(*) FROM fire_villages WHERE light = 'red'`: 1,
		} {
			if n := count(q); n < min {
				t.Errorf("%s = %d, want at least %d", q, n, min)
			}
		}
		h, err := a.Patrol.Home(ctx, auth.System("t"))
		if err != nil || h.PatrolsToday < 3 || len(h.Reports) != 1 || len(h.PostsBelow) == 0 {
			t.Fatalf("home: %+v %v", h, err)
		}
		if r, err := a.Audit.Verify(ctx); err != nil || len(r.Problems) != 0 {
			t.Fatalf("audit chain: %+v %v", r, err)
		}
	})
}
