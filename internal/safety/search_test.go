package safety_test

import (
	"slices"
	"testing"

	"diaodu/internal/platform/db"
	"diaodu/internal/safety"
	"diaodu/internal/testutil"
)

// The ledger's text search answers "contains the query" through the pair
// index on both databases: whole words and parts of them, ASCII in any
// case, the notice number, the enterprise's name, a one-character query
// (which scans), pairs present but apart (not a match), an edit, and
// hazards written before the index (filled at start).
func TestLedgerSearch(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		desc := func(s string) func(*safety.HazardInput) {
			return func(in *safety.HazardInput) { in.Description = &s }
		}
		wiring := e.hazard(t, e.qs, desc("配电箱未接地，电线私拉乱接"))
		exits := e.hazard(t, e.lx, desc("消防通道堵塞，LED应急灯损坏"))
		apart := e.hazard(t, e.lx, desc("消防器材不足；防通风口堵塞")) // 消防 and 防通, never 消防通
		big := e.hazard(t, e.qs, major, desc("液氨储罐阀门泄漏"))
		if _, err := e.s.Supervise(e.ctx, e.as("supervisor"), big.ID, ""); err != nil {
			t.Fatal(err)
		}
		search := func(q string) []int64 {
			t.Helper()
			got, total, err := e.s.ListHazards(e.ctx, e.as("admin"), safety.HazardFilter{Q: q}, pageOf(20))
			if err != nil {
				t.Fatalf("%q: %v", q, err)
			}
			ids := []int64{}
			for _, h := range got {
				ids = append(ids, h.ID)
			}
			if total != len(ids) {
				t.Fatalf("%q: total %d for %d rows", q, total, len(ids))
			}
			slices.Sort(ids)
			return ids
		}
		want := func(q string, hs ...int64) {
			t.Helper()
			slices.Sort(hs)
			if got := search(q); !slices.Equal(got, append([]int64{}, hs...)) {
				t.Errorf("search %q: got %v, want %v", q, got, hs)
			}
		}
		want("消防通道", exits.ID)
		want("消防", exits.ID, apart.ID)
		want("消防通", exits.ID) // the pairs of "apart" are there, but not together
		want("通道堵塞", exits.ID)
		want("led", exits.ID)
		want("Led应急", exits.ID)
		want("电线 接地", wiring.ID) // two words, both in the text
		want("电线 漏水")            // one of them missing
		want("氨", big.ID)        // one character: scans
		want("安督〔2026〕1号", big.ID)
		want("2026", big.ID)
		want("测试安全企业1", wiring.ID, big.ID) // the enterprise's name
		want("没有这样的隐患")
		want("50%")

		// An edit re-indexes the description.
		if _, err := e.s.UpdateHazard(e.ctx, e.as("admin"), wiring.ID, safety.HazardInput{Description: ptr("配电柜门未上锁")}); err != nil {
			t.Fatal(err)
		}
		want("电线")
		want("配电柜", wiring.ID)

		// Hazards written before migration 0020 have no pairs until the
		// service fills them at start.
		if _, err := d.W.ExecContext(e.ctx, `UPDATE safety_hazards SET grams = NULL`); err != nil {
			t.Fatal(err)
		}
		want("通道堵塞")
		if n, err := e.s.BackfillSearch(e.ctx); err != nil || n != 4 {
			t.Fatalf("backfill: %d %v", n, err)
		}
		want("通道堵塞", exits.ID)
		if n, err := e.s.BackfillSearch(e.ctx); err != nil || n != 0 {
			t.Fatalf("second backfill: %d %v", n, err)
		}
	})
}
