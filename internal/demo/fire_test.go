package demo_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"diaodu/internal/demo"
	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/db"
	"diaodu/internal/registry"
	"diaodu/internal/testutil"
)

func TestFireDemo(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.WireOnly(t, d)
		ctx := context.Background()
		if _, err := demo.Build(ctx, a.Audit, 1); err != nil {
			t.Fatal(err)
		}
		if err := demo.Households(ctx, a); err != nil {
			t.Fatal(err)
		}
		var n int
		_ = d.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM households`).Scan(&n)
		if n == 0 { // the households demo not written yet: 25 a village
			err := a.Audit.Write(ctx, auth.System("t"), func(w *audit.W) error {
				rows, err := w.QueryContext(ctx, `SELECT id, path, parent_id FROM units WHERE kind = 'village'`)
				if err != nil {
					return err
				}
				var hs [][]any
				for rows.Next() {
					var id, town int64
					var path string
					if err := rows.Scan(&id, &path, &town); err != nil {
						return err
					}
					for i := 0; i < 25; i++ {
						hs = append(hs, []any{id, path, town, fmt.Sprintf("%d-%04d", id, i), fmt.Sprint("户主", i), fmt.Sprint(id, i), a.Clock.Now(), a.Clock.Now()})
					}
				}
				rows.Close()
				if _, err := w.CopyFrom(ctx, "households", []string{"village_id", "village_path", "town_id", "code", "head_name", "dup_key",
					"created_at", "updated_at"}, hs); err != nil {
					return err
				}
				if err := registry.RecountHouseholds(ctx, w); err != nil {
					return err
				}
				return w.Record(audit.Entry{Action: "t", ObjectType: "t", Summary: "t"})
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		start := time.Now()
		if err := demo.Fire(ctx, a); err != nil {
			t.Fatal(err)
		}
		t.Logf("fire demo: %v", time.Since(start))
		ws, err := a.Fire.ActiveWarnings(ctx, a.Clock.Now())
		if err != nil || len(ws) != 1 || ws[0].Level != 4 || len(ws[0].TownIDs) != 4 {
			t.Fatalf("warnings %+v %v", ws, err)
		}
		c, err := a.Fire.Coverage(ctx, auth.System("t"), 0)
		if err != nil {
			t.Fatal(err)
		}
		lo, hi := 100.0, 0.0
		for _, v := range c.Villages {
			lo, hi = min(lo, v.Rate), max(hi, v.Rate)
		}
		t.Logf("%s: %d of %d households (%.1f%%), villages %.0f–%.0f%%, %d below target", c.Title, c.Total.Reached, c.Total.Households,
			c.Total.Rate, lo, hi, len(c.Uncovered))
		if c.Title != demo.DemoLetter || c.Total.Rate < 70 || c.Total.Rate > 90 || lo > 65 || hi < 95 || len(c.Uncovered) == 0 {
			t.Fatal("coverage not about 80% and uneven")
		}
	})
}
