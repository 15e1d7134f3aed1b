package demo_test

import (
	"testing"

	"diaodu/internal/demo"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/db"
	"diaodu/internal/platform/httpx"
	"diaodu/internal/registry"
	"diaodu/internal/testutil"
)

func TestRegistryDemo(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		a, ctx := seeded(t, d, "registry", demo.Registry)
		chains, _ := a.Registry.Chains(ctx)
		if len(chains) != 5 || chains[0].Name != "新能源电池" {
			t.Fatalf("chains: %+v", chains)
		}
		sys := auth.System("t")
		items, total, err := a.Registry.ListEnterprises(ctx, sys, registry.EnterpriseFilter{}, httpx.Page{Page: 1, Size: 0})
		if err != nil || total != 80 {
			t.Fatalf("enterprises: %d %v", total, err)
		}
		towns, places := map[string]bool{}, 0
		for _, e := range items {
			towns[e.TownName] = true
			if e.Kind == registry.KindPlace {
				places++
				continue
			}
			if !registry.ValidCreditCode(e.CreditCode) || e.Industry == "" || e.SupervisingName == "" {
				t.Fatalf("enterprise: %+v", e)
			}
		}
		if len(towns) != 12 || places != 10 {
			t.Fatalf("towns %d places %d", len(towns), places)
		}
	})
}
