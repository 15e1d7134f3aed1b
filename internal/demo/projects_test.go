package demo_test

import (
	"testing"

	"diaodu/internal/demo"
	"diaodu/internal/platform/db"
	"diaodu/internal/testutil"
)

// The key projects demo: about 60 projects, the park dominating the total,
// a year of reports with photos, every light, lagging projects, and the
// 青石镇 project the browser test turns green.
func TestProjectsDemo(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		a, _ := seeded(t, d, "projects", demo.Registry, demo.Projects)
		f := &testutil.Fixture{App: a}
		if n := f.Count(t, `SELECT COUNT(*) FROM projects`); n < 55 || n > 65 {
			t.Errorf("%d projects", n)
		}
		park := f.Count(t, `SELECT total_investment / 100000000 FROM projects WHERE name = $1`, demo.DemoPark)
		all := f.Count(t, `SELECT CAST(SUM(total_investment) / 100000000 AS BIGINT) FROM projects`)
		if park*2 < all {
			t.Errorf("the park (%d亿) does not dominate the total (%d亿)", park, all)
		}
		for _, light := range []string{"green", "yellow", "red"} {
			if n := f.Count(t, `SELECT COUNT(*) FROM projects WHERE light = $1`, light); n < 2 {
				t.Errorf("%d projects %s", n, light)
			}
		}
		checks := []struct{ what, q string }{
			{"lagging projects", `SELECT COUNT(*) FROM projects WHERE pace = 'behind'`},
			{"a missing report", `SELECT COUNT(*) FROM projects WHERE report_missing`},
			{"a red node", `SELECT COUNT(*) FROM projects WHERE light_reason LIKE '%节点%逾期%'`},
			{"a year of reports", `SELECT COUNT(*) FROM project_reports WHERE month LIKE '%-01' OR month LIKE '%-02'`},
			{"photos with EXIF", `SELECT COUNT(*) FROM project_photos WHERE taken_at IS NOT NULL AND lat IS NOT NULL AND report_id IS NOT NULL`},
			{"photos outside their month", `SELECT COUNT(*) FROM project_photos WHERE outside_month`},
			{"coordination answered", `SELECT COUNT(*) FROM project_coordination WHERE status = 'answered'`},
			{"started projects", `SELECT COUNT(*) FROM projects WHERE started`},
		}
		for _, c := range checks {
			if n := f.Count(t, c.q); n == 0 {
				t.Errorf("no %s", c.what)
			}
		}
		if n := f.Count(t, `SELECT COUNT(*) FROM projects p JOIN units u ON u.id = p.town_id WHERE p.name = $1 AND u.name = '青石镇'
			AND p.pace = 'behind' AND p.report_missing AND p.light_reason NOT LIKE '%节点%'`, demo.DemoLaggingProject); n != 1 {
			var reason string
			_ = d.R.QueryRow(`SELECT light_reason FROM projects WHERE name = $1`, demo.DemoLaggingProject).Scan(&reason)
			t.Errorf("the lagging 青石镇 project is not as the browser test expects: %q", reason)
		}
	})
}
