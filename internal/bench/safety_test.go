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
	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/calendar"
	"diaodu/internal/platform/db"
	"diaodu/internal/platform/httpx"
	"diaodu/internal/registry"
	"diaodu/internal/safety"
)

// The work-safety scale of issue 5: 100,000 hazards over the demo's 400
// enterprises and places, in every status, a fifth of the open ones
// overdue, loaded with the module's own bulk loader.
const scaleHazards = 100_000

type safetyScale struct {
	app            *app.App
	office, town   *http.Cookie // the supervision office; 青石镇's admin (scoped)
	townID, deptID int64
	campaign       int64
}

var safetyScales perDialect[safetyScale]

func safetyAtScale(b testing.TB, dialect db.Dialect) *safetyScale {
	return safetyScales.get(b, dialect, func() *safetyScale {
		a := scaleApp(b, dialect, nil, 1, demo.Registry, demo.Safety)
		t0 := time.Now()
		s := &safetyScale{app: a}
		if err := s.load(context.Background(), calendar.DateOf(benchNow)); err != nil {
			b.Fatal(err)
		}
		settle(b, a.DB)
		b.Logf("%s: loaded %d hazards in %s", dialect, scaleHazards, time.Since(t0).Round(time.Millisecond))
		s.office, s.town = sessionCookie(b, a, "ducha"), sessionCookie(b, a, "t01_admin")
		return s
	})
}

// load copies 100,000 hazards spread over three years.
func (s *safetyScale) load(ctx context.Context, today calendar.Date) error {
	a := s.app
	sys := auth.System("bench")
	ents, _, err := a.Registry.ListEnterprises(ctx, sys, registry.EnterpriseFilter{}, httpx.Page{Page: 1})
	if err != nil {
		return err
	}
	if err := a.DB.R.QueryRowContext(ctx, `SELECT id FROM safety_campaigns ORDER BY id LIMIT 1`).Scan(&s.campaign); err != nil {
		return err
	}
	if err := a.DB.R.QueryRowContext(ctx, `SELECT id FROM units WHERE code = 'SFQ-T01'`).Scan(&s.townID); err != nil {
		return err
	}
	if err := a.DB.R.QueryRowContext(ctx, `SELECT id FROM units WHERE name = '区应急管理局'`).Scan(&s.deptID); err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(5, 100_000))
	statuses := []string{safety.StatusClosed, safety.StatusClosed, safety.StatusClosed, safety.StatusVerifying, safety.StatusRectifying,
		safety.StatusPending}
	seeds := make([]safety.Seed, scaleHazards)
	for i := range seeds {
		// Three years of hazards: those older than two months are closed
		// (a few still open and long overdue), as a district's ledger is.
		found := today.AddDays(-rng.IntN(3 * 365))
		st := statuses[rng.IntN(len(statuses))]
		if found.Before(today.AddDays(-60)) && rng.IntN(100) > 0 {
			st = safety.StatusClosed
		}
		var campaign int64
		if rng.IntN(10) == 0 {
			campaign = s.campaign
		}
		level := safety.LevelGeneral
		if rng.IntN(50) == 0 {
			level = safety.LevelMajor
		}
		seed := safety.Seed{Enterprise: ents[rng.IntN(len(ents))], CampaignID: campaign, Level: level, Status: st, FoundOn: found,
			Description: fmt.Sprintf("压测隐患%06d：消防通道堵塞，灭火器过期", i), FoundBy: "压测", Responsible: "压测", Measures: "限期整改",
			Deadline: found.AddDays(7 + rng.IntN(30)), Funds: float64(rng.IntN(100)) / 10}
		if st == safety.StatusClosed {
			seed.ClosedAt = seed.Deadline.AddDays(-3).At(16, 0)
		}
		seeds[i] = seed
	}
	return a.Audit.Write(ctx, sys, func(w *audit.W) error {
		if _, err := safety.CopyHazards(ctx, w, seeds); err != nil {
			return err
		}
		return w.Record(audit.Entry{Action: "bench.safety", ObjectType: "safety_hazard", Summary: "压测隐患"})
	})
}

func (s *safetyScale) bench(b *testing.B, cookie *http.Cookie, paths ...string) {
	timeGets(b, s.app.Handler(), cookie, paths...)
}

// BenchmarkHazardLedger is the hazard ledger (隐患台账: 20 rows and the
// total) over 100,000 hazards, for the district and for a town, with the
// filters the offices use.
func BenchmarkHazardLedger(b *testing.B) {
	eachDriver(b, func(b *testing.B, dialect db.Dialect) {
		s := safetyAtScale(b, dialect)
		filters := []string{
			"/api/v1/safety/hazards?status=pending,rectifying&overdue=true",
			fmt.Sprintf("/api/v1/safety/hazards?town_id=%d&status=pending,rectifying", s.townID),
			"/api/v1/safety/hazards?industry=transport&level=major",
			fmt.Sprintf("/api/v1/safety/hazards?supervising_unit_id=%d&status=pending,rectifying,verifying&sort=deadline", s.deptID),
			fmt.Sprintf("/api/v1/safety/hazards?campaign_id=%d&page=5", s.campaign),
			"/api/v1/safety/hazards?supervised=true",
			"/api/v1/safety/hazards?status=verifying&sort=-updated_at",
		}
		b.Run("all", func(b *testing.B) { s.bench(b, s.office, "/api/v1/safety/hazards?page=3") })
		b.Run("filters", func(b *testing.B) { s.bench(b, s.office, filters...) })
		b.Run("town", func(b *testing.B) { s.bench(b, s.town, filters...) })
		// Text searches through the pair index: a hazard number, an
		// enterprise's kind, two words; and for the record, a word that is
		// in every one of the 100,000 descriptions.
		b.Run("search", func(b *testing.B) {
			s.bench(b, s.office, "/api/v1/safety/hazards?q=压测隐患01234", "/api/v1/safety/hazards?q=加油站",
				"/api/v1/safety/hazards?q=隐患012%20过期")
		})
		b.Run("search-town", func(b *testing.B) { s.bench(b, s.town, "/api/v1/safety/hazards?q=压测隐患0123") })
		b.Run("search-every-row", func(b *testing.B) { s.bench(b, s.office, "/api/v1/safety/hazards?q=灭火器") })
	})
}

// BenchmarkSafetyHome is the safety home over 100,000 hazards (figures by
// industry, town and department, overdue and major lists).
func BenchmarkSafetyHome(b *testing.B) {
	eachDriver(b, func(b *testing.B, dialect db.Dialect) {
		s := safetyAtScale(b, dialect)
		b.Run("district", func(b *testing.B) { s.bench(b, s.office, "/api/v1/safety/home") })
		b.Run("town", func(b *testing.B) { s.bench(b, s.town, "/api/v1/safety/home") })
	})
}
