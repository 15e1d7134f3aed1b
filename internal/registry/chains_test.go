package registry_test

import (
	"testing"

	"diaodu/internal/platform/db"
	"diaodu/internal/platform/errs"
	"diaodu/internal/registry"
	"diaodu/internal/testutil"
)

func TestChains(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		sup := e.as("supervisor")
		var ids []int64
		for _, n := range []string{"新能源电池", "绿色食品", "先进装备制造"} {
			c, err := e.s.CreateChain(e.ctx, sup, registry.ChainInput{Name: sp(" " + n + " ")})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, c.ID)
		}
		_, err := e.s.CreateChain(e.ctx, sup, registry.ChainInput{Name: sp("绿色食品")})
		wantField(t, err, "name", "已存在")
		_, err = e.s.UpdateChain(e.ctx, sup, ids[0], registry.ChainInput{Name: sp("绿色食品")})
		wantField(t, err, "name", "已存在")
		bad := -1
		_, err = e.s.UpdateChain(e.ctx, sup, ids[0], registry.ChainInput{SortOrder: &bad})
		wantField(t, err, "sort_order", "排序")
		// Reorder: the third goes first; deactivate the second.
		zero, off := 0, false
		if _, err := e.s.UpdateChain(e.ctx, sup, ids[2], registry.ChainInput{SortOrder: &zero}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.UpdateChain(e.ctx, sup, ids[1], registry.ChainInput{Active: &off}); err != nil {
			t.Fatal(err)
		}
		cs, err := e.s.Chains(e.ctx)
		if err != nil || len(cs) != 2 || cs[0].Name != "先进装备制造" || cs[1].Name != "新能源电池" {
			t.Fatalf("chains: %+v %v", cs, err)
		}
		all, _ := e.s.ListChains(e.ctx, sup, true)
		if len(all) != 3 {
			t.Fatalf("all: %+v", all)
		}
		if _, err := e.s.ListChains(e.ctx, e.as("qs_staff"), true); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("staff all: %v", err)
		}
		c, err := e.s.ChainByName(e.ctx, "绿色食品 ")
		if err != nil || c == nil || c.Active || c.ID != ids[1] {
			t.Fatalf("by name: %+v %v", c, err)
		}
		if c, err := e.s.ChainByName(e.ctx, "航空航天"); c != nil || err != nil {
			t.Fatalf("missing by name: %+v %v", c, err)
		}
		if c, _ := e.s.ChainByID(e.ctx, ids[0]); c == nil || c.Name != "新能源电池" {
			t.Fatalf("by id: %+v", c)
		}
		if n := e.f.Count(t, `SELECT COUNT(*) FROM audit_log WHERE action LIKE 'chain.%'`); n != 5 {
			t.Errorf("audit entries %d", n)
		}
	})
}

func TestIndustriesInUseStay(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.enterprise(t) // manufacturing
		list := []registry.Industry{{Code: "other", Name: "其他"}}
		if _, err := e.s.PutIndustries(e.ctx, e.as("admin"), list); !errs.Is(err, errs.Conflict) {
			t.Fatalf("removing an industry in use: %v", err)
		}
		list = append(list, registry.Industry{Code: "manufacturing", Name: "装备制造"})
		if _, err := e.s.PutIndustries(e.ctx, e.as("admin"), list); err != nil {
			t.Fatal(err)
		}
		got, _ := e.s.Industries(e.ctx)
		if len(got) != 2 || got[1].Name != "装备制造" {
			t.Fatalf("industries: %+v", got)
		}
		_, err := e.s.PutIndustries(e.ctx, e.as("admin"), []registry.Industry{{Code: "Bad Code", Name: "x"}})
		wantField(t, err, "industries", "行业代码")
	})
}
