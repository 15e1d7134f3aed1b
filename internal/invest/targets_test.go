package invest_test

import (
	"testing"

	"diaodu/internal/invest"
	"diaodu/internal/platform/db"
	"diaodu/internal/testutil"
)

func TestTargetsAgainstTimeSequence(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		sup := e.as("supervisor")
		// 2026-11-26: 10 months in full plus 26/30 of November are due.
		put := func(unit, metric string, annual int64, months []int64) {
			t.Helper()
			if _, err := e.s.PutTarget(e.ctx, sup, invest.TargetInput{Year: 2026, UnitID: e.unit(unit), Metric: metric, Annual: annual, Months: months}); err != nil {
				t.Fatalf("target %s %s: %v", unit, metric, err)
			}
		}
		put("ZB1", invest.MetricSignedCount, 12, nil)                                                      // even: 10 months due in full, November's one by 26/30 → 10
		put("ZB1", invest.MetricSignedAmount, 1_200_000_000, nil)                                          // 12亿
		put("ZB2", invest.MetricSignedCount, 12, nil)                                                      // nothing signed: red
		put("QS", invest.MetricStartedCount, 2, nil)                                                       // the town
		put("ZB1", invest.MetricFunds, 600_000_000, []int64{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 600_000_000}) // all in December
		// Again, the same: unchanged, no second row.
		put("ZB1", invest.MetricSignedCount, 12, nil)
		if n := e.f.Count(t, `SELECT COUNT(*) FROM invest_targets`); n != 5 {
			t.Fatalf("%d targets", n)
		}
		// ZB1 signs 11 leads this year, 2亿 each (all ≥ 1亿), one started in 青石镇.
		for range 11 {
			e.signed(t)
		}
		l := e.signed(t)
		if _, err := e.s.Move(e.ctx, e.as("zb1_admin"), l.ID, invest.MoveInput{Stage: invest.StageStarted}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.PutFunds(e.ctx, e.as("zb1_admin"), invest.FundsInput{UnitID: e.unit("ZB1"), Year: 2026, Month: 10, Amount: 50_000_000}); err != nil {
			t.Fatal(err)
		}
		tab, err := e.s.TargetTable(e.ctx, sup, 2026, 0)
		if err != nil {
			t.Fatal(err)
		}
		if tab.Month != 11 || tab.AsOf != "2026-11-26" {
			t.Fatalf("as of %d %s", tab.Month, tab.AsOf)
		}
		rows := map[string]invest.TargetRow{}
		for _, r := range tab.Rows {
			rows[r.Unit.Name] = r
		}
		zb1, zb2, qs := rows["新能源招商专班"], rows["绿色食品招商专班"], rows["青石镇"]
		c := zb1.Metrics[invest.MetricSignedCount]
		if c.Target != 12 || c.Due != 10 || c.Actual != 12 || c.Rate != 100 || c.Light != invest.LightGreen {
			t.Fatalf("ZB1 signed: %+v", c)
		}
		if c := zb1.Metrics[invest.MetricSignedAmount]; c.Actual != 2_400_000_000 || c.Light != invest.LightGreen {
			t.Fatalf("ZB1 amount: %+v", c)
		}
		if c := zb1.Metrics[invest.MetricBigCount]; c.Actual != 12 || c.Light != invest.LightNone {
			t.Fatalf("ZB1 big: %+v", c)
		}
		if c := zb1.Metrics[invest.MetricFunds]; c.Due != 0 || c.Actual != 50_000_000 || c.Light != invest.LightGreen {
			t.Fatalf("ZB1 funds (due in December): %+v", c)
		}
		if c := zb2.Metrics[invest.MetricSignedCount]; c.Actual != 0 || c.Light != invest.LightRed || zb2.Light != invest.LightRed {
			t.Fatalf("ZB2: %+v", c)
		}
		// Leads landing in 青石镇 count for the town too.
		if c := qs.Metrics[invest.MetricStartedCount]; c.Actual != 1 || c.Target != 2 || c.Due != 1 || c.Light != invest.LightGreen {
			t.Fatalf("青石镇 started: %+v", c)
		}
		if c := qs.Metrics[invest.MetricSignedCount]; c.Actual != 12 {
			t.Fatalf("青石镇 signed: %+v", c)
		}
		// The district adds up the teams' targets.
		if c := tab.District.Metrics[invest.MetricSignedCount]; c.Target != 24 || c.Actual != 12 {
			t.Fatalf("district: %+v", c)
		}
		// A past month counts to its end: in June nothing was signed.
		june, err := e.s.TargetTable(e.ctx, sup, 2026, 6)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range june.Rows {
			if r.Unit.ID == e.unit("ZB1") && (r.Metrics[invest.MetricSignedCount].Actual != 0 || r.Metrics[invest.MetricSignedCount].Due != 6) {
				t.Fatalf("June: %+v", r.Metrics[invest.MetricSignedCount])
			}
		}
		// A team's admin sees its own row (and the district's), not the other team's.
		own, err := e.s.TargetTable(e.ctx, e.as("zb2_admin"), 2026, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(own.Rows) != 1 || own.Rows[0].Unit.ID != e.unit("ZB2") {
			t.Fatalf("zb2_admin sees %+v", own.Rows)
		}
		// Funnel: 12 leads, one at 开工, eleven at 签约, all in the first chain.
		fn, err := e.s.Funnel(e.ctx, sup, invest.FunnelFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if fn.Total != 12 || fn.Stages[4].Count != 11 || fn.Stages[6].Count != 1 || fn.Stages[0].Reached != 12 || fn.Stages[5].Reached != 1 {
			t.Fatalf("funnel: %+v", fn.Stages)
		}
		if len(fn.Chains) != 1 || fn.Chains[0].Chain.Name != "新能源电池" || fn.Chains[0].Signed != 12 {
			t.Fatalf("by chain: %+v", fn.Chains)
		}
		other, err := e.s.Funnel(e.ctx, e.as("zb2_admin"), invest.FunnelFilter{})
		if err != nil || other.Total != 0 {
			t.Fatalf("zb2_admin's funnel: %+v %v", other, err)
		}
	})
}
