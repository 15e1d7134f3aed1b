package registry_test

import (
	"fmt"
	"strings"
	"testing"

	"diaodu/internal/platform/db"
	"diaodu/internal/platform/errs"
	"diaodu/internal/platform/httpx"
	"diaodu/internal/registry"
	"diaodu/internal/testutil"
)

func np(n int) *int   { return &n }
func bp(b bool) *bool { return &b }

// hh is a household of 张家村 (青石镇) unless mutated.
func (e *env) hh(mut ...func(*registry.HouseholdInput)) registry.HouseholdInput {
	e.n++
	in := registry.HouseholdInput{VillageID: ip(e.unit("QS-ZJ")), HeadName: sp(fmt.Sprintf("王建%d", e.n)),
		Address: sp(fmt.Sprintf("张家村三组%d号", e.n)), Phone: sp("13812345678"), People: np(4)}
	for _, m := range mut {
		m(&in)
	}
	return in
}

func (e *env) household(t *testing.T, mut ...func(*registry.HouseholdInput)) *registry.Household {
	t.Helper()
	h, err := e.s.CreateHousehold(e.ctx, e.as("admin"), e.hh(mut...))
	if err != nil {
		t.Fatalf("create household: %v", err)
	}
	return h
}

func TestHouseholdCreateRules(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		hk := func(in *registry.HouseholdInput) { in.VillageID = ip(e.unit("LX-HK")) }
		h := e.household(t)
		if h.Code != "QS-ZJ-0001" || h.TownID != e.unit("QS") || h.VillageName != "张家村" || !h.Active {
			t.Fatalf("created %+v", h)
		}
		if h2 := e.household(t); h2.Code != "QS-ZJ-0002" {
			t.Errorf("second code %s", h2.Code)
		}
		if h3 := e.household(t, hk); h3.Code != "LX-HK-0001" || h3.TownID != e.unit("LX") {
			t.Errorf("河口村 code %s town %d", h3.Code, h3.TownID)
		}
		e.household(t, func(in *registry.HouseholdInput) { in.Code = sp("ZJ-7") })
		// The generated codes go on above the highest of their shape.
		if h4 := e.household(t); h4.Code != "QS-ZJ-0003" {
			t.Errorf("after an own code: %s", h4.Code)
		}

		before := e.f.Count(t, `SELECT COUNT(*) FROM households`)
		for _, tc := range []struct {
			name, field, msg string
			mut              func(*registry.HouseholdInput)
		}{
			{"no head", "head_name", "户主姓名不能为空", func(in *registry.HouseholdInput) { in.HeadName = sp("  ") }},
			{"no village", "village_id", "请选择村", func(in *registry.HouseholdInput) { in.VillageID = nil }},
			{"a town", "village_id", "村（社区）不存在", func(in *registry.HouseholdInput) { in.VillageID = ip(e.unit("QS")) }},
			{"missing village", "village_id", "不存在", func(in *registry.HouseholdInput) { in.VillageID = ip(424242) }},
			{"no people", "people", "家庭人口应为1到50人", func(in *registry.HouseholdInput) { in.People = np(0) }},
			{"too many people", "people", "家庭人口应为1到50人", func(in *registry.HouseholdInput) { in.People = np(51) }},
			{"bad phone", "phone", "联系电话格式不正确", func(in *registry.HouseholdInput) { in.Phone = sp("打电话") }},
			{"taken code", "code", "户号“ZJ-7”在本村已登记", func(in *registry.HouseholdInput) { in.Code = sp("ZJ-7") }},
			{"code with space", "code", "不能含空格", func(in *registry.HouseholdInput) { in.Code = sp("ZJ 8") }},
			// The duplicate rule: same village, head and address, spaces aside.
			{"duplicate", "head_name", "户号" + h.Code, func(in *registry.HouseholdInput) {
				in.HeadName, in.Address = sp(h.HeadName), sp(" 张家村 三组"+strings.TrimPrefix(h.Address, "张家村三组")+"  ")
			}},
		} {
			_, err := e.s.CreateHousehold(e.ctx, e.as("admin"), e.hh(tc.mut))
			wantField(t, err, tc.field, tc.msg)
		}
		if n := e.f.Count(t, `SELECT COUNT(*) FROM households`); n != before {
			t.Errorf("bad input changed the table: %d → %d", before, n)
		}
		// The same head and address in another village is another household.
		if _, err := e.s.CreateHousehold(e.ctx, e.as("admin"), e.hh(hk, func(in *registry.HouseholdInput) {
			in.HeadName, in.Address = sp(h.HeadName), sp(h.Address)
		})); err != nil {
			t.Errorf("same head in 河口村: %v", err)
		}
		checkCounts(t, e)
	})
}

func TestHouseholdDeactivateAndCounts(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		a := e.household(t)
		e.household(t)
		hk := e.household(t, func(in *registry.HouseholdInput) { in.VillageID = ip(e.unit("LX-HK")) })
		counts, err := e.s.HouseholdCounts(e.ctx, d.R)
		if err != nil || counts[e.unit("QS-ZJ")] != 2 || counts[hk.VillageID] != 1 {
			t.Fatalf("counts %v %v", counts, err)
		}
		off, err := e.s.UpdateHousehold(e.ctx, e.as("zj_field"), a.ID, registry.HouseholdInput{Active: bp(false), Note: sp("迁往县城")})
		if err != nil || off.Active {
			t.Fatalf("deactivate: %+v %v", off, err)
		}
		if counts, _ = e.s.HouseholdCounts(e.ctx, d.R); counts[e.unit("QS-ZJ")] != 1 {
			t.Errorf("after deactivating: %v", counts)
		}
		if n := e.f.Count(t, `SELECT COUNT(*) FROM audit_log WHERE action = 'household.deactivate' AND object_id = $1`,
			fmt.Sprint(a.ID)); n != 1 {
			t.Errorf("deactivation audited %d times", n)
		}
		// An inactive household no longer blocks a new one at the same
		// address; bringing it back then is a duplicate.
		again, err := e.s.CreateHousehold(e.ctx, e.as("admin"), e.hh(func(in *registry.HouseholdInput) {
			in.HeadName, in.Address = sp(a.HeadName), sp(a.Address)
		}))
		if err != nil {
			t.Fatalf("re-register after moving away: %v", err)
		}
		_, err = e.s.UpdateHousehold(e.ctx, e.as("admin"), a.ID, registry.HouseholdInput{Active: bp(true)})
		wantField(t, err, "head_name", "户号"+again.Code)
		// The list filters by active.
		list, total, err := e.s.ListHouseholds(e.ctx, e.as("admin"), registry.HouseholdFilter{Active: bp(false)}, httpx.Page{Page: 1, Size: 20})
		if err != nil || total != 1 || list[0].ID != a.ID {
			t.Errorf("inactive list: %d %v", total, err)
		}
		// Totals follow the filters: a town, active, all, a search.
		for _, tc := range []struct {
			f    registry.HouseholdFilter
			want int
		}{
			{registry.HouseholdFilter{TownID: e.unit("LX")}, 1},
			{registry.HouseholdFilter{TownID: e.unit("QS"), Active: bp(true)}, 2},
			{registry.HouseholdFilter{}, 4},
			{registry.HouseholdFilter{TownID: e.unit("QS-ZJ")}, 0}, // a village is not a town
			{registry.HouseholdFilter{Q: a.HeadName}, 2},
			{registry.HouseholdFilter{Q: a.HeadName, Active: bp(true)}, 1},
			// The search index: part of an address, one character (a scan),
			// the household number in any case, and words apart.
			{registry.HouseholdFilter{Q: "三组"}, 4},
			{registry.HouseholdFilter{Q: "王"}, 4},
			{registry.HouseholdFilter{Q: strings.ToLower(again.Code)}, 1},
			{registry.HouseholdFilter{Q: "三组 " + a.HeadName}, 2},
			{registry.HouseholdFilter{Q: "四组"}, 0},
		} {
			items, total, err := e.s.ListHouseholds(e.ctx, e.as("admin"), tc.f, httpx.Page{Page: 1, Size: 20})
			if err != nil || total != tc.want || len(items) != tc.want {
				t.Errorf("%+v: total %d, %d items, want %d (%v)", tc.f, total, len(items), tc.want, err)
			}
		}
		checkCounts(t, e)
	})
}

func TestHouseholdPhoneMasking(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		h := e.household(t)
		for who, masked := range map[string]bool{"admin": false, "qs_admin": false, "qs_staff": true, "zj_field": true} {
			got, err := e.s.Household(e.ctx, e.as(who), h.ID)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(got.Phone, "*") != masked {
				t.Errorf("%s sees %s", who, got.Phone)
			}
		}
		// Village staff may look at the number of their households: audited.
		p, err := e.s.HouseholdPhone(e.ctx, e.as("zj_field"), h.ID)
		if err != nil || p != "13812345678" {
			t.Fatalf("field phone: %q %v", p, err)
		}
		if n := e.f.Count(t, `SELECT COUNT(*) FROM audit_log WHERE action = 'household.phone'`); n != 1 {
			t.Errorf("phone looks audited: %d", n)
		}
		if _, err := e.s.HouseholdPhone(e.ctx, e.as("qs_staff"), h.ID); !errs.Is(err, errs.Forbidden) {
			t.Errorf("staff phone: %v", err)
		}
		// Sending the masked number back keeps the stored one.
		masked, _ := e.s.Household(e.ctx, e.as("zj_field"), h.ID)
		if _, err := e.s.UpdateHousehold(e.ctx, e.as("zj_field"), h.ID, registry.HouseholdInput{Phone: sp(masked.Phone), People: np(5)}); err != nil {
			t.Fatal(err)
		}
		if raw, _ := e.s.HouseholdByID(e.ctx, d.R, h.ID); raw.Phone != "13812345678" || raw.People != 5 {
			t.Errorf("after a masked round trip: %+v", raw)
		}
	})
}

// TestHouseholdPermissions is the service-level matrix: role × action × in
// or out of scope, on a household of 张家村 (青石镇) and one of 河口村 (柳溪镇).
func TestHouseholdPermissions(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		zj := e.household(t)
		hk := e.household(t, func(in *registry.HouseholdInput) { in.VillageID = ip(e.unit("LX-HK")) })
		// Lists show each their scope: district both, 青石镇 and 张家村 theirs, 发改局 none.
		for i, n := range [9]int{2, 2, 2, 1, 1, 1, -2, 1, 0} {
			_, total, err := e.s.ListHouseholds(e.ctx, e.as(who[i]), registry.HouseholdFilter{}, httpx.Page{Page: 1, Size: 50})
			switch {
			case n == -2:
				if !errs.Is(err, errs.Forbidden) {
					t.Errorf("%s lists: %v", who[i], err)
				}
			case err != nil:
				t.Errorf("%s lists: %v", who[i], err)
			case n >= 0 && total != n:
				t.Errorf("%s sees %d households, want %d", who[i], total, n)
			}
		}
		type op struct {
			name string
			do   func(i int, who string) error
			want [9]want
		}
		ops := []op{
			{"view 张家村", func(_ int, who string) error { _, err := e.s.Household(e.ctx, e.as(who), zj.ID); return err },
				[9]want{OK, OK, OK, OK, OK, OK, FB, NF, NF}},
			{"view 河口村", func(_ int, who string) error { _, err := e.s.Household(e.ctx, e.as(who), hk.ID); return err },
				[9]want{OK, OK, OK, NF, NF, NF, FB, OK, NF}},
			{"create in 张家村", func(i int, who string) error {
				_, err := e.s.CreateHousehold(e.ctx, e.as(who), e.hh())
				return err
			}, [9]want{OK, OK, FB, OK, FB, OK, FB, VE, FB}},
			{"create in 河口村", func(i int, who string) error {
				_, err := e.s.CreateHousehold(e.ctx, e.as(who), e.hh(func(in *registry.HouseholdInput) { in.VillageID = ip(e.unit("LX-HK")) }))
				return err
			}, [9]want{OK, OK, FB, VE, FB, VE, FB, OK, FB}},
			{"edit 张家村", func(i int, who string) error {
				_, err := e.s.UpdateHousehold(e.ctx, e.as(who), zj.ID, registry.HouseholdInput{People: np(1 + i)})
				return err
			}, [9]want{OK, OK, FB, OK, FB, OK, FB, NF, NF}},
			{"edit 河口村", func(i int, who string) error {
				_, err := e.s.UpdateHousehold(e.ctx, e.as(who), hk.ID, registry.HouseholdInput{People: np(1 + i)})
				return err
			}, [9]want{OK, OK, FB, NF, NF, NF, FB, OK, NF}},
			{"move 张家村 → 河口村", func(i int, who string) error {
				_, err := e.s.UpdateHousehold(e.ctx, e.as(who), zj.ID, registry.HouseholdInput{VillageID: ip(e.unit("LX-HK"))})
				if err == nil { // move it back for the next role
					_, err = e.s.UpdateHousehold(e.ctx, e.as("admin"), zj.ID, registry.HouseholdInput{VillageID: ip(e.unit("QS-ZJ"))})
				}
				return err
			}, [9]want{OK, OK, FB, VE, FB, VE, FB, NF, NF}},
			{"phone 张家村", func(_ int, who string) error { _, err := e.s.HouseholdPhone(e.ctx, e.as(who), zj.ID); return err },
				[9]want{OK, OK, OK, OK, FB, OK, FB, NF, NF}},
		}
		defer checkCounts(t, e)
		for _, o := range ops {
			for i, who := range who {
				err := o.do(i, who)
				got := want("")
				if ee, ok := errs.As(err); ok {
					got = ee.Code
				} else if err != nil {
					t.Fatalf("%s as %s: %v", o.name, who, err)
				}
				if got != o.want[i] {
					t.Errorf("%s as %s: got %q (%v), want %q", o.name, who, got, err, o.want[i])
				}
			}
		}
	})
}

// checkCounts compares household_counts with the households themselves.
func checkCounts(t *testing.T, e *env) {
	t.Helper()
	if n := e.f.Count(t, `SELECT COUNT(*) FROM (
		SELECT village_id, SUM(CASE WHEN active THEN 1 ELSE 0 END) AS a, SUM(CASE WHEN active THEN 0 ELSE 1 END) AS i
		FROM households GROUP BY village_id) h FULL OUTER JOIN household_counts c ON c.village_id = h.village_id
		WHERE COALESCE(h.a, 0) <> COALESCE(c.active, 0) OR COALESCE(h.i, 0) <> COALESCE(c.inactive, 0)`); n != 0 {
		t.Errorf("household_counts is off for %d villages", n)
	}
}
