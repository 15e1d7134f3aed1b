package bench

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"testing"
	"time"

	"diaodu/internal/app"
	"diaodu/internal/demo"
	"diaodu/internal/invest"
	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/calendar"
	"diaodu/internal/platform/db"
)

// The investment scale of issue 4: the demo district (5 investment teams,
// 12 towns, 5 chains) with 20,000 leads spread over the stages, two years
// of history, and targets and monthly funds for the teams and towns.
const scaleLeads = 20_000

type investScale struct {
	app    *app.App
	cookie *http.Cookie // the supervision office: the whole district
	team   int64
}

var investScales perDialect[investScale]

func investAtScale(b testing.TB, dialect db.Dialect) *investScale {
	return investScales.get(b, dialect, func() *investScale {
		a := scaleApp(b, dialect, nil, 1, demo.Registry)
		t0 := time.Now()
		s := &investScale{app: a}
		if err := s.load(context.Background(), calendar.DateOf(benchNow)); err != nil {
			b.Fatal(err)
		}
		settle(b, a.DB)
		b.Logf("%s: loaded %d leads in %s", dialect, scaleLeads, time.Since(t0).Round(time.Millisecond))
		s.cookie = sessionCookie(b, a, "ducha")
		return s
	})
}

// load copies the leads in one go and sets the targets through the service.
func (s *investScale) load(ctx context.Context, today calendar.Date) error {
	a := s.app
	ids := func(q string) ([]int64, []string, error) {
		rows, err := a.DB.R.QueryContext(ctx, q)
		if err != nil {
			return nil, nil, err
		}
		defer rows.Close()
		var out []int64
		var paths []string
		for rows.Next() {
			var id int64
			var p string
			if err := rows.Scan(&id, &p); err != nil {
				return nil, nil, err
			}
			out, paths = append(out, id), append(paths, p)
		}
		return out, paths, rows.Err()
	}
	teams, teamPaths, err := ids(`SELECT id, path FROM units WHERE kind = 'taskforce' ORDER BY id`)
	if err != nil {
		return err
	}
	towns, _, err := ids(`SELECT id, path FROM units WHERE kind = 'town' ORDER BY id`)
	if err != nil {
		return err
	}
	chains, _, err := ids(`SELECT id, name FROM industrial_chains ORDER BY id`)
	if err != nil {
		return err
	}
	s.team = teams[0]
	rng := rand.New(rand.NewPCG(4, 20000))
	rows := make([][]any, 0, scaleLeads)
	now := a.Clock.Now()
	for i := range scaleLeads {
		ti := rng.IntN(len(teams))
		rank := min(rng.IntN(10), 7) // more at the top of the funnel
		stageOn := today.AddDays(-rng.IntN(700))
		var signed, started any
		if rank >= 4 {
			signed = stageOn.AddDays(-rng.IntN(30)).String()
		}
		if rank >= 6 {
			started = stageOn.String()
		}
		light := []string{"green", "green", "yellow", "red"}[rng.IntN(4)]
		if rank == 7 {
			light = "none"
		}
		rows = append(rows, []any{fmt.Sprintf("L%05d", i), fmt.Sprintf("压测企业%05d有限公司", i), chains[rng.IntN(len(chains))], "以商招商",
			"联系人", "13800000000", int64(rng.IntN(300_000)) * 10_000, []string{"A", "B", "C"}[rng.IntN(3)], teams[ti], teamPaths[ti],
			towns[rng.IntN(len(towns))], invest.Stages[rank].Code, rank, stageOn.String(), stageOn.String(), signed, started, light, now, now})
	}
	err = a.Audit.Write(ctx, auth.System("bench"), func(w *audit.W) error {
		if _, err := w.CopyFrom(ctx, "invest_leads", []string{"code", "company", "chain_id", "source", "contact_name", "contact_phone",
			"planned_amount", "quality", "team_id", "team_path", "town_id", "stage", "stage_rank", "stage_on", "active_on", "signed_on",
			"started_on", "light", "created_at", "updated_at"}, rows); err != nil {
			return err
		}
		return w.Record(audit.Entry{Action: "bench.invest", ObjectType: "invest_lead", Summary: "压测招商线索"})
	})
	if err != nil {
		return err
	}
	sup := auth.System("bench")
	for _, u := range append(append([]int64{}, teams...), towns...) {
		for _, m := range invest.Metrics {
			annual := int64(400) // projects
			if m.Code == invest.MetricSignedAmount || m.Code == invest.MetricFunds {
				annual = 20_000_000_000 // 200亿
			}
			if _, err := a.Invest.PutTarget(ctx, sup, invest.TargetInput{Year: today.Year(), UnitID: u, Metric: m.Code, Annual: annual}); err != nil {
				return err
			}
		}
		for m := 1; m < int(today.Month()); m++ {
			if _, err := a.Invest.PutFunds(ctx, sup, invest.FundsInput{UnitID: u, Year: today.Year(), Month: m, Amount: 80_000_000}); err != nil {
				return err
			}
		}
	}
	return nil
}

func (s *investScale) bench(b *testing.B, paths ...string) {
	timeGets(b, s.app.Handler(), s.cookie, paths...)
}

// BenchmarkInvestFunnel is the funnel by stage and chain over 20,000
// leads for the whole district, and narrowed to a team.
func BenchmarkInvestFunnel(b *testing.B) {
	eachDriver(b, func(b *testing.B, dialect db.Dialect) {
		s := investAtScale(b, dialect)
		b.Run("district", func(b *testing.B) { s.bench(b, "/api/v1/invest/funnel") })
		b.Run("team", func(b *testing.B) { s.bench(b, fmt.Sprintf("/api/v1/invest/funnel?team_id=%d", s.team)) })
	})
}

// BenchmarkInvestTargets is the target breakdown table (5 teams, 12 towns,
// 5 metrics) with actuals counted from 20,000 leads.
func BenchmarkInvestTargets(b *testing.B) {
	eachDriver(b, func(b *testing.B, dialect db.Dialect) {
		s := investAtScale(b, dialect)
		s.bench(b, "/api/v1/invest/targets?year=2026")
	})
}

// BenchmarkInvestLeads is a page of the leads list with the usual filters.
func BenchmarkInvestLeads(b *testing.B) {
	eachDriver(b, func(b *testing.B, dialect db.Dialect) {
		s := investAtScale(b, dialect)
		s.bench(b, "/api/v1/invest/leads?page_size=20&light=red", "/api/v1/invest/leads?page_size=20&stage=negotiate&sort=-amount",
			fmt.Sprintf("/api/v1/invest/leads?page_size=20&team_id=%d", s.team), "/api/v1/invest/leads?page_size=20&q=企业01")
	})
}
