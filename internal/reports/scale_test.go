package reports_test

import (
	"fmt"
	"testing"
	"time"

	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/calendar"
	"diaodu/internal/platform/httpx"
	"diaodu/internal/reports"
	"diaodu/internal/testutil"
)

// BenchmarkScale loads the benchmark's size — 500 units × 2 years of
// daily zero reports (~240k rows) — through SeedSubmissions and times the
// views that must stay fast: the who-has table of one cycle, the matrix of
// 30 cycles and the dashboard summary.
//
//	go test ./internal/reports -run '^$' -bench Scale -benchtime 20x
func BenchmarkScale(b *testing.B) {
	for _, dialect := range testutil.Drivers(b) {
		b.Run(string(dialect), func(b *testing.B) {
			d := testutil.Open(b, dialect)
			f := testutil.NewFixture(b, d)
			s := f.App.Reports
			sys := auth.System("bench")
			// 500 towns under the district, copied in.
			var units []int64
			err := f.App.Audit.Write(ctx, sys, func(w *audit.W) error {
				ids, err := w.NextIDs(ctx, "units", 500)
				if err != nil {
					return err
				}
				rows := make([][]any, len(ids))
				for i, id := range ids {
					rows[i] = []any{id, f.Units["D"].ID, fmt.Sprintf("%s%d/", f.Units["D"].Path, id), 1, fmt.Sprintf("测试镇%03d", i),
						fmt.Sprintf("B%03d", i), "town", i, w.Now(), w.Now()}
				}
				units = ids
				if _, err := w.CopyFrom(ctx, "units", []string{"id", "parent_id", "path", "depth", "name", "code", "kind", "sort_order",
					"created_at", "updated_at"}, rows); err != nil {
					return err
				}
				return w.Record(audit.Entry{Action: "bench.units", ObjectType: "unit"})
			})
			if err != nil {
				b.Fatal(err)
			}
			from := calendar.MustDate("2024-11-26")
			o, err := s.CreateObligation(ctx, f.Users["supervisor"], reports.ObligationInput{Name: ptr("零报告"), UnitIDs: &units,
				ActiveFrom: &from, Form: ptr(reports.ZeroReportForm()), AllowNothing: ptr(true)})
			if err != nil {
				b.Fatal(err)
			}
			dues := o.DueDates(f.App.Calendar, from, calendar.MustDate("2026-11-25"))
			start := time.Now()
			var seeds []reports.SubmissionSeed
			for di, due := range dues {
				for ui, u := range units {
					if (di+ui)%23 == 0 {
						continue
					}
					seeds = append(seeds, reports.SubmissionSeed{ObligationID: o.ID, UnitID: u, DueOn: due, Nothing: ui%7 != 0,
						Values: map[string]any{"has_matters": ui%7 == 0, "content": "事项"}, SubmittedAt: due.At(8+ui%10, ui%60)})
				}
			}
			if err := f.App.Audit.Write(ctx, sys, func(w *audit.W) error { return s.SeedSubmissions(ctx, w, seeds) }); err != nil {
				b.Fatal(err)
			}
			b.Logf("%s: seeded %d submissions over %d cycles in %v", dialect, len(seeds), len(dues), time.Since(start))
			sup := f.Users["supervisor"]
			due := dues[len(dues)-1]
			b.Run("table", func(b *testing.B) {
				for b.Loop() {
					t, err := s.CycleTable(ctx, sup, o.ID, due)
					if err != nil || len(t.Rows) != 500 {
						b.Fatal(err)
					}
				}
			})
			b.Run("matrix30", func(b *testing.B) {
				for b.Loop() {
					m, err := s.Matrix(ctx, sup, o.ID, 30, due)
					if err != nil || len(m.Units) != 500 || len(m.Cycles) != 30 {
						b.Fatal(err)
					}
				}
			})
			b.Run("today", func(b *testing.B) {
				for b.Loop() {
					if _, err := s.Today(ctx, sup, due); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("list", func(b *testing.B) {
				for b.Loop() {
					if _, _, err := s.ListObligations(ctx, sup, reports.Filter{}, httpx.Page{Page: 1, Size: 20}); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}
