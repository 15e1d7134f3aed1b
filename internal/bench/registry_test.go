package bench

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"diaodu/internal/app"
	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/db"
	"diaodu/internal/registry"
)

// The registry at scale: the demo district at scale 3 and 20,000
// enterprises and places over its towns, industries and departments.
const scaleEnterprises = 20_000

type registryScale struct {
	app              *app.App
	ducha, townAdmin *http.Cookie
	town             int64
}

var (
	registryMu sync.Mutex
	registryBy = map[db.Dialect]*registryScale{}
)

func registryAtScale(b testing.TB, dialect db.Dialect) *registryScale {
	registryMu.Lock()
	defer registryMu.Unlock()
	if s, ok := registryBy[dialect]; ok {
		return s
	}
	a := scaleApp(b, dialect, nil, 3)
	d, ctx := a.DB, context.Background()
	s := &registryScale{app: a}
	type unit struct {
		id         int64
		path, kind string
	}
	var towns, depts []unit
	rows, err := d.R.QueryContext(ctx, `SELECT id, path, kind FROM units WHERE kind IN ('town', 'department') ORDER BY id`)
	if err != nil {
		b.Fatal(err)
	}
	for rows.Next() {
		var u unit
		_ = rows.Scan(&u.id, &u.path, &u.kind)
		if u.kind == "town" {
			towns = append(towns, u)
		} else {
			depts = append(depts, u)
		}
	}
	rows.Close()
	s.town = towns[0].id
	t0 := time.Now()
	err = a.Audit.Write(ctx, auth.System("bench"), func(w *audit.W) error {
		out := make([][]any, 0, scaleEnterprises)
		for i := 0; i < scaleEnterprises; i++ {
			t, dp := towns[i%len(towns)], depts[(i/7)%len(depts)]
			ind := registry.DefaultIndustries[i%len(registry.DefaultIndustries)].Code
			code, has, kind := registry.MakeCreditCode(fmt.Sprintf("91530112MA%07d", i)), true, registry.KindEnterprise
			if i%10 == 9 {
				code, has, kind = fmt.Sprintf("NB%08d", i), false, registry.KindPlace
			}
			out = append(out, []any{fmt.Sprintf("企业%05d有限公司", i), code, has, kind, ind, t.id, t.path, "地址", "法人", "联系人",
				"13800000000", dp.id, dp.path, []string{"", "low", "medium", "high"}[i%4], w.Now(), w.Now()})
		}
		if _, err := w.CopyFrom(ctx, "enterprises", []string{"name", "credit_code", "has_credit_code", "kind", "industry", "town_id",
			"town_path", "address", "legal_person", "contact_name", "contact_phone", "supervising_unit_id", "supervising_path",
			"risk_level", "created_at", "updated_at"}, out); err != nil {
			return err
		}
		return w.Record(audit.Entry{Action: "bench.registry", ObjectType: "enterprise", Summary: "bench"})
	})
	if err != nil {
		b.Fatal(err)
	}
	settle(b, d)
	b.Logf("%s: loaded %d enterprises in %s", dialect, scaleEnterprises, time.Since(t0).Round(time.Millisecond))
	s.ducha, s.townAdmin = sessionCookie(b, a, "ducha"), sessionCookie(b, a, "t01_admin")
	registryBy[dialect] = s
	b.Cleanup(func() {
		registryMu.Lock()
		delete(registryBy, dialect)
		registryMu.Unlock()
	})
	return s
}

// BenchmarkEnterpriseList is the registry page: a page of 20 through GET
// /api/v1/enterprises with the filters people use, for the office and for
// a town administrator (town or supervised scope).
func BenchmarkEnterpriseList(b *testing.B) {
	eachDriver(b, func(b *testing.B, dialect db.Dialect) {
		s := registryAtScale(b, dialect)
		h := s.app.Handler()
		sc := &supervisionScale{app: s.app}
		queries := []string{"", "industry=hazchem", fmt.Sprintf("town_id=%d", s.town), "q=企业0123", "q=ma000123", fmt.Sprintf("q=%s", registry.MakeCreditCode("91530112MA0004567")),
			"kind=place&risk_level=high", "sort=-updated_at&page=50", "industry=food&sort=town"}
		for _, who := range []struct {
			name   string
			cookie *http.Cookie
		}{{"office", s.ducha}, {"town", s.townAdmin}} {
			b.Run(who.name, func(b *testing.B) {
				durs := make([]time.Duration, 0, 1024)
				i := 0
				for b.Loop() {
					durs = append(durs, sc.get(b, h, who.cookie, "/api/v1/enterprises?page_size=20&"+queries[i%len(queries)]))
					i++
				}
				reportPercentiles(b, durs)
			})
		}
		for _, q := range queries[1:] {
			b.Run(strings.NewReplacer("=", ":", "&", "+").Replace(q), func(b *testing.B) {
				durs := make([]time.Duration, 0, 1024)
				for b.Loop() {
					durs = append(durs, sc.get(b, h, s.ducha, "/api/v1/enterprises?page_size=20&"+q))
				}
				reportPercentiles(b, durs)
			})
		}
	})
}
