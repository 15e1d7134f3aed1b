package demo_test

import (
	"testing"

	"diaodu/internal/demo"
	"diaodu/internal/invest"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/db"
	"diaodu/internal/testutil"
)

func TestInvestDemo(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		a, ctx := seeded(t, d, "invest", demo.Registry, demo.Invest)
		sys := auth.System("t")
		f, err := a.Invest.Funnel(ctx, sys, invest.FunnelFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if f.Total != 120 || len(f.Chains) < 5 {
			t.Fatalf("funnel: %d leads, %d chains", f.Total, len(f.Chains))
		}
		for _, s := range f.Stages {
			if s.Count == 0 {
				t.Fatalf("no lead at %s", s.Stage)
			}
		}
		t.Logf("lights: %v", f.Lights)
		if f.Lights[invest.LightYellow]+f.Lights[invest.LightRed] == 0 || f.Lights[invest.LightGreen] < f.Lights[invest.LightRed] {
			t.Fatalf("lights: %v", f.Lights)
		}
		var converted, projects, backs int
		_ = d.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM invest_leads WHERE project_id IS NOT NULL`).Scan(&converted)
		_ = d.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM projects WHERE lead_id IS NOT NULL`).Scan(&projects)
		_ = d.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM invest_lead_events WHERE reason <> ''`).Scan(&backs)
		if converted < 3 || converted != projects || backs == 0 {
			t.Fatalf("converted %d, projects %d, moved back %d", converted, projects, backs)
		}
		tab, err := a.Invest.TargetTable(ctx, sys, a.Clock.Now().Year(), 0)
		if err != nil {
			t.Fatal(err)
		}
		teams, towns, behind := 0, 0, 0
		for _, r := range tab.Rows {
			switch r.Kind {
			case "taskforce":
				teams++
			case "town":
				towns++
			}
			if r.Light == invest.LightYellow || r.Light == invest.LightRed {
				behind++
			}
		}
		if teams != 5 || towns != 12 || behind == 0 || behind == len(tab.Rows) {
			t.Fatalf("targets: %d teams, %d towns, %d behind", teams, towns, behind)
		}
	})
}
