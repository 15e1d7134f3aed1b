package demo_test

import (
	"context"
	"fmt"
	"testing"

	"diaodu/internal/demo"
	"diaodu/internal/platform/db"
	"diaodu/internal/platform/httpx"
	"diaodu/internal/projects/tours"
	"diaodu/internal/testutil"
)

// Tours on a district with a dozen key projects: last month's tour of 9
// scored by 7 judges, closed and ranked with the park first in size; an
// open tour for the browser test.
func TestDemoTours(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a := testutil.WireOnly(t, d)
		if _, err := demo.Build(ctx, a.Audit, 1); err != nil {
			t.Fatal(err)
		}
		rows, err := d.R.QueryContext(ctx, `SELECT id, path FROM units WHERE kind = 'town' ORDER BY id`)
		if err != nil {
			t.Fatal(err)
		}
		type town struct {
			id   int64
			path string
		}
		var towns []town
		for rows.Next() {
			var tw town
			_ = rows.Scan(&tw.id, &tw.path)
			towns = append(towns, tw)
		}
		rows.Close()
		for i := range 12 {
			tw := towns[i%len(towns)]
			inv := int64(i+1) * 100_000_000
			if i == 5 {
				inv = 120 * 100_000_000 // the park
			}
			if _, err := d.W.ExecContext(ctx, `INSERT INTO projects (name, code, town_id, town_path, unit_id, unit_path, total_investment,
				created_at, updated_at) VALUES ($1, $2, $3, $4, $3, $4, $5, $6, $6)`, fmt.Sprintf("演示项目%d", i+1), fmt.Sprintf("P%02d", i+1),
				tw.id, tw.path, inv, testutil.Start); err != nil {
				t.Fatal(err)
			}
		}
		if err := demo.Tours(ctx, a); err != nil {
			t.Fatal(err)
		}
		f := &testutil.Fixture{App: a}
		if n := f.Count(t, `SELECT COUNT(*) FROM tour_scores WHERE status = 'submitted'`); n != 63 {
			t.Fatalf("%d sheets, want 9 × 7", n)
		}
		leader, err := a.Account.ActorFor(ctx, "leader1")
		if err != nil {
			t.Fatal(err)
		}
		// The leader sees the closed tour only; pw01 sees both.
		list, total, err := a.Tours.List(ctx, leader, tours.Filter{}, httpx.Page{Page: 1, Size: 20})
		if err != nil || total != 1 || list[0].Status != tours.StatusClosed || list[0].Projects != 9 || list[0].Judges != 7 {
			t.Fatalf("leader's list: %v %+v", err, list)
		}
		res, err := a.Tours.Results(ctx, leader, list[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if res.Projects[0].Rank != 1 || !res.Projects[0].Dropped || res.Projects[0].Judges != 7 {
			t.Fatalf("results: %+v", res.Projects[0])
		}
		park := res.Projects[0].Project
		for _, p := range res.Projects {
			if p.Project.TotalInvestment > park.TotalInvestment {
				park = p.Project
			}
		}
		if park.TotalInvestment*3 < res.TotalInvestment {
			t.Fatalf("the park (%d) should dominate the total (%d)", park.TotalInvestment, res.TotalInvestment)
		}
		judge, err := a.Account.ActorFor(ctx, "pw01")
		if err != nil {
			t.Fatal(err)
		}
		if _, total, err := a.Tours.List(ctx, judge, tours.Filter{Status: tours.StatusOpen}, httpx.Page{Page: 1, Size: 20}); err != nil || total != 1 {
			t.Fatalf("pw01's open tours: %d %v", total, err)
		}
		if _, err := a.Account.SignIn(ctx, "pw07", demo.Password, "127.0.0.1", "test"); err != nil {
			t.Fatalf("judges sign in with the demo password: %v", err)
		}
	})
}
