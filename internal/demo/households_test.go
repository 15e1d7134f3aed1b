package demo_test

import (
	"testing"

	"diaodu/internal/demo"
	"diaodu/internal/platform/db"
	"diaodu/internal/platform/httpx"
	"diaodu/internal/registry"
	"diaodu/internal/testutil"
)

func TestHouseholdsDemo(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		a, ctx := seeded(t, d, "households", demo.Households)
		counts, err := a.Registry.HouseholdCounts(ctx, d.R)
		if err != nil {
			t.Fatal(err)
		}
		var villages, total int
		if err := d.R.QueryRow(`SELECT COUNT(*) FROM units WHERE kind = 'village'`).Scan(&villages); err != nil {
			t.Fatal(err)
		}
		lo, hi := 1<<30, 0
		for _, n := range counts {
			total += n
			lo, hi = min(lo, n), max(hi, n)
		}
		if len(counts) != villages || total < 28_000 || total > 30_000 || lo*3 > hi {
			t.Fatalf("%d villages of %d, %d active households, sizes %d..%d", len(counts), villages, total, lo, hi)
		}
		// Village staff see their own village's households only.
		field, err := a.Account.ActorFor(ctx, "t01v01")
		if err != nil {
			t.Fatal(err)
		}
		items, n, err := a.Registry.ListHouseholds(ctx, field, registry.HouseholdFilter{}, httpx.Page{Page: 1, Size: 500})
		if err != nil || n == 0 || n != len(items) {
			t.Fatalf("field list: %d %v", n, err)
		}
		for _, h := range items {
			if h.VillageID != field.UnitID || h.HeadName == "" || h.Address == "" {
				t.Fatalf("field user sees %+v", h)
			}
		}
	})
}
