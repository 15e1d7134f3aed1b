package registry_test

import (
	"testing"

	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/db"
	"diaodu/internal/platform/errs"
	"diaodu/internal/platform/httpx"
	"diaodu/internal/registry"
	"diaodu/internal/testutil"
)

func TestCreateValidatesEveryField(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		admin := e.as("admin")
		first := e.enterprise(t)
		for _, tc := range []struct {
			name, field, msg string
			mut              func(*registry.EnterpriseInput)
		}{
			{"bad check char", "credit_code", "统一社会信用代码校验位不正确", func(in *registry.EnterpriseInput) {
				in.CreditCode = sp("91350100M000100Y44")
			}},
			{"short code", "credit_code", "应为18位", func(in *registry.EnterpriseInput) { in.CreditCode = sp("9135010") }},
			{"duplicate code", "credit_code", "已登记为“" + first.Name + "”", func(in *registry.EnterpriseInput) {
				in.CreditCode = sp(first.CreditCode)
			}},
			{"duplicate code, full-width and lower case", "credit_code", "已登记", func(in *registry.EnterpriseInput) {
				in.CreditCode = sp(" " + toFullWidth(first.CreditCode) + " ")
			}},
			{"unknown town", "town_id", "所在镇（街道）不存在", func(in *registry.EnterpriseInput) { in.TownID = ip(99999) }},
			{"a village is no town", "town_id", "不存在", func(in *registry.EnterpriseInput) { in.TownID = ip(e.unit("QS-ZJ")) }},
			{"unknown supervising unit", "supervising_unit_id", "行业主管部门不存在", func(in *registry.EnterpriseInput) {
				in.SupervisingUnitID = ip(99999)
			}},
			{"no name", "name", "名称不能为空", func(in *registry.EnterpriseInput) { in.Name = sp("  ") }},
			{"unknown industry", "industry", "不在行业分类中", func(in *registry.EnterpriseInput) { in.Industry = sp("spaceflight") }},
			{"bad phone", "contact_phone", "联系电话格式不正确", func(in *registry.EnterpriseInput) { in.ContactPhone = sp("call me") }},
			{"bad kind", "kind", "企业或场所", func(in *registry.EnterpriseInput) { in.Kind = sp("shop") }},
			{"bad risk", "risk_level", "风险等级", func(in *registry.EnterpriseInput) { in.RiskLevel = sp("red") }},
		} {
			before := testutilCount(t, e)
			_, err := e.s.CreateEnterprise(e.ctx, admin, e.input(tc.mut))
			wantField(t, err, tc.field, tc.msg)
			if after := testutilCount(t, e); after != before {
				t.Fatalf("%s: rows %d → %d", tc.name, before, after)
			}
		}
	})
}

func toFullWidth(s string) string {
	r := []rune(s)
	for i, c := range r {
		if c > ' ' && c < 0x7f {
			r[i] = c + 0xFEE0
		}
	}
	return string(r)
}

func testutilCount(t *testing.T, e *env) int { return e.f.Count(t, `SELECT COUNT(*) FROM enterprises`) }

func TestPlacesGetInternalCodes(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		mk := func(name string) *registry.Enterprise {
			return e.enterprise(t, func(in *registry.EnterpriseInput) {
				in.Name, in.CreditCode, in.Kind, in.Industry = sp(name), nil, sp(registry.KindPlace), sp("餐饮住宿")
			})
		}
		a, b := mk("青石老街农家乐"), mk("柳溪渡口小卖部")
		if a.CreditCode != "NB00000001" || b.CreditCode != "NB00000002" || a.HasCreditCode || a.Industry != "catering" {
			t.Fatalf("internal codes: %+v %+v", a, b)
		}
		// A place may later get a real code, but a real code cannot become internal.
		code := e.code()
		up, err := e.s.UpdateEnterprise(e.ctx, e.as("admin"), a.ID, registry.EnterpriseInput{CreditCode: &code})
		if err != nil || up.CreditCode != code || !up.HasCreditCode {
			t.Fatalf("give a code: %+v %v", up, err)
		}
		_, err = e.s.UpdateEnterprise(e.ctx, e.as("admin"), a.ID, registry.EnterpriseInput{CreditCode: sp("NB00000009")})
		wantField(t, err, "credit_code", "不能改用内部编码")
		// The next place continues after the highest code.
		if c := mk("河口村民宿"); c.CreditCode != "NB00000003" {
			t.Fatalf("next code %s", c.CreditCode)
		}
	})
}

func TestPhonesMaskedUnlessAllowed(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		x := e.enterprise(t)
		for user, want := range map[string]string{"admin": "13812345678", "qs_admin": "13812345678", "qs_staff": "138****5678",
			"fgj_staff": "138****5678"} {
			got, err := e.s.GetEnterprise(e.ctx, e.as(user), x.ID)
			if err != nil || got.ContactPhone != want {
				t.Errorf("%s get: %q %v", user, got.ContactPhone, err)
			}
			items, _, err := e.s.ListEnterprises(e.ctx, e.as(user), registry.EnterpriseFilter{}, httpx.Page{Page: 1, Size: 20})
			if err != nil || len(items) != 1 || items[0].ContactPhone != want {
				t.Errorf("%s list: %v %v", user, items, err)
			}
		}
		// The form sends the masked number back: the stored one stays.
		up, err := e.s.UpdateEnterprise(e.ctx, e.as("admin"), x.ID, registry.EnterpriseInput{ContactPhone: sp("138****5678"),
			Address: sp("青石镇新街1号")})
		if err != nil || up.ContactPhone != "13812345678" || up.Address != "青石镇新街1号" {
			t.Fatalf("masked round trip: %+v %v", up, err)
		}
		var stored string
		_ = d.R.QueryRow(`SELECT contact_phone FROM enterprises WHERE id = $1`, x.ID).Scan(&stored)
		if stored != "13812345678" {
			t.Fatalf("stored %q", stored)
		}
	})
}

func TestUnitAdminsKeepEnterprisesInScope(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		qs := e.as("qs_admin")
		// A town admin registers an enterprise of the town, supervised by a district department.
		x, err := e.s.CreateEnterprise(e.ctx, qs, e.input())
		if err != nil {
			t.Fatal(err)
		}
		// … but not one of another town.
		_, err = e.s.CreateEnterprise(e.ctx, qs, e.input(func(in *registry.EnterpriseInput) {
			in.TownID, in.SupervisingUnitID = ip(e.unit("LX")), ip(0)
		}))
		wantField(t, err, "town_id", "管理范围")
		// Moving it away would lose it.
		_, err = e.s.UpdateEnterprise(e.ctx, qs, x.ID, registry.EnterpriseInput{TownID: ip(e.unit("LX")), SupervisingUnitID: ip(0)})
		wantField(t, err, "town_id", "管理范围")
		// The district moves it; the town no longer sees it.
		if _, err := e.s.UpdateEnterprise(e.ctx, e.as("supervisor"), x.ID, registry.EnterpriseInput{TownID: ip(e.unit("LX")),
			SupervisingUnitID: ip(0)}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.GetEnterprise(e.ctx, qs, x.ID); !errs.Is(err, errs.NotFound) {
			t.Fatalf("moved away: %v", err)
		}
		if _, err := e.s.GetEnterprise(e.ctx, e.as("lx_admin"), x.ID); err != nil {
			t.Fatalf("new town: %v", err)
		}
	})
}

func TestListFiltersAndSorts(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.enterprise(t, func(in *registry.EnterpriseInput) {
			in.Name = sp("甲新能源电池有限公司")
			in.Industry = sp("energy")
		})
		b := e.enterprise(t, func(in *registry.EnterpriseInput) { in.Name = sp("乙食品有限公司"); in.Industry = sp("food") })
		e.enterprise(t, func(in *registry.EnterpriseInput) {
			in.Name, in.TownID, in.SupervisingUnitID = sp("丙文旅公司"), ip(e.unit("LX")), ip(0)
		})
		e.enterprise(t, func(in *registry.EnterpriseInput) {
			in.Name, in.CreditCode, in.Kind = sp("丁农家乐"), nil, sp("place")
		})
		admin := e.as("admin")
		for _, tc := range []struct {
			f    registry.EnterpriseFilter
			want int
		}{
			{registry.EnterpriseFilter{}, 4},
			{registry.EnterpriseFilter{Q: "食品"}, 1},
			{registry.EnterpriseFilter{Q: toLower(b.CreditCode[14:])}, 1},
			{registry.EnterpriseFilter{Q: "nb0000"}, 1},
			{registry.EnterpriseFilter{Q: "100%"}, 0},
			{registry.EnterpriseFilter{TownID: e.unit("LX")}, 1},
			{registry.EnterpriseFilter{TownID: e.unit("QS")}, 3},
			{registry.EnterpriseFilter{Industry: "food"}, 1},
			{registry.EnterpriseFilter{Kind: "place"}, 1},
			{registry.EnterpriseFilter{SupervisingUnitID: e.unit("FGJ")}, 3},
		} {
			items, total, err := e.s.ListEnterprises(e.ctx, admin, tc.f, httpx.Page{Page: 1, Size: 2, Sort: "-name"})
			if err != nil || total != tc.want || len(items) != min(2, tc.want) {
				t.Errorf("%+v: total %d items %d %v", tc.f, total, len(items), err)
			}
		}
		if _, _, err := e.s.ListEnterprises(e.ctx, admin, registry.EnterpriseFilter{}, httpx.Page{Page: 1, Size: 2, Sort: "phone"}); !errs.Is(err, errs.Validation) {
			t.Errorf("bad sort: %v", err)
		}
		items, _, _ := e.s.ListEnterprises(e.ctx, admin, registry.EnterpriseFilter{}, httpx.Page{Page: 1, Size: 10, Sort: "town"})
		if len(items) != 4 || items[0].TownName != "青石镇" || items[3].TownName != "柳溪镇" {
			t.Errorf("sort by town: %v", items)
		}
	})
}

func TestEnsureByCreditCode(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		x := e.enterprise(t)
		code := e.code()
		var ids [4]int64
		var created [4]bool
		err := e.f.App.Audit.Write(e.ctx, e.as("qs_staff"), func(w *audit.W) error {
			var err error
			// Known code, typed in lower case: found.
			if ids[0], created[0], err = e.s.EnsureByCreditCode(e.ctx, w, w.Actor(), registry.EnterpriseInput{
				Name: sp("别的名字"), CreditCode: sp(toLower(x.CreditCode))}); err != nil {
				return err
			}
			// New code: registered, then found again in the same transaction.
			for i := 1; i <= 2; i++ {
				if ids[i], created[i], err = e.s.EnsureByCreditCode(e.ctx, w, w.Actor(), registry.EnterpriseInput{
					Name: sp("新签约企业有限公司"), CreditCode: &code, TownID: ip(e.unit("LX"))}); err != nil {
					return err
				}
			}
			// No code: a place by name.
			ids[3], created[3], err = e.s.EnsureByCreditCode(e.ctx, w, w.Actor(), registry.EnterpriseInput{Name: sp("河口渡口")})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if ids[0] != x.ID || created[0] || !created[1] || created[2] || ids[1] != ids[2] || !created[3] {
			t.Fatalf("ensure: %v %v", ids, created)
		}
		got, _ := e.s.EnterpriseByCreditCode(e.ctx, d.R, code)
		if got == nil || got.TownName != "柳溪镇" || got.Name != "新签约企业有限公司" {
			t.Fatalf("registered: %+v", got)
		}
		// A bad code is a validation error and nothing is written.
		before := testutilCount(t, e)
		err = e.f.App.Audit.Write(e.ctx, e.as("admin"), func(w *audit.W) error {
			_, _, err := e.s.EnsureByCreditCode(e.ctx, w, w.Actor(), registry.EnterpriseInput{Name: sp("坏代码公司"),
				CreditCode: sp("91350100M000100Y44")})
			return err
		})
		wantField(t, err, "credit_code", "校验位")
		if testutilCount(t, e) != before {
			t.Fatal("a bad code wrote a row")
		}
	})
}

func toLower(s string) string {
	r := []rune(s)
	for i, c := range r {
		if c >= 'A' && c <= 'Z' {
			r[i] = c + 32
		}
	}
	return string(r)
}
