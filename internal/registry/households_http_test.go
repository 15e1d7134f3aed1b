package registry_test

import (
	"fmt"
	"strings"
	"testing"

	"diaodu/internal/platform/db"
	"diaodu/internal/registry"
	"diaodu/internal/testutil"
)

// TestHouseholdHTTPMatrix runs every household endpoint as every fixture
// user, on a household of 张家村 (青石镇) and one of 河口村 (柳溪镇).
func TestHouseholdHTTPMatrix(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		srv := e.f.NewServer(t)
		zj := e.household(t)
		hk := e.household(t, func(in *registry.HouseholdInput) { in.VillageID = ip(e.unit("LX-HK")) })
		clients := map[string]*testutil.Client{}
		for _, u := range who {
			clients[u] = srv.Login(t, u)
		}
		// Each user's list holds their scope (before the matrix adds rows).
		for i, n := range [9]int{2, 2, 2, 1, 1, 1, -1, 1, 0} {
			r := clients[who[i]].Do("GET", "/api/v1/households?page_size=100", nil)
			if n < 0 {
				if r.Status != 403 {
					t.Errorf("%s lists: %d", who[i], r.Status)
				}
				continue
			}
			if r.Status != 200 || int(r.JSON()["total"].(float64)) != n {
				t.Errorf("%s sees %s, want %d", who[i], r.Body, n)
			}
		}
		type call struct {
			name string
			do   func(c *testutil.Client, i int) *testutil.Resp
			want [9]want
		}
		get := func(path string) func(c *testutil.Client, _ int) *testutil.Resp {
			return func(c *testutil.Client, _ int) *testutil.Resp { return c.Do("GET", path, nil) }
		}
		create := func(village string) func(c *testutil.Client, i int) *testutil.Resp {
			return func(c *testutil.Client, i int) *testutil.Resp {
				return c.Do("POST", "/api/v1/households", map[string]any{"village_id": e.unit(village),
					"head_name": fmt.Sprintf("矩阵户主%s%d", village, i), "address": "一组", "people": 2})
			}
		}
		patch := func(id int64) func(c *testutil.Client, i int) *testutil.Resp {
			return func(c *testutil.Client, i int) *testutil.Resp {
				return c.Do("PATCH", fmt.Sprintf("/api/v1/households/%d", id), map[string]any{"note": fmt.Sprintf("第%d次核对", i)})
			}
		}
		calls := []call{
			{"get 张家村", get(fmt.Sprintf("/api/v1/households/%d", zj.ID)), [9]want{OK, OK, OK, OK, OK, OK, FB, NF, NF}},
			{"get 河口村", get(fmt.Sprintf("/api/v1/households/%d", hk.ID)), [9]want{OK, OK, OK, NF, NF, NF, FB, OK, NF}},
			{"list", get("/api/v1/households?village_id=" + fmt.Sprint(e.unit("QS-ZJ"))), [9]want{OK, OK, OK, OK, OK, OK, FB, OK, OK}},
			{"export", get("/api/v1/households/export?q=王"), [9]want{OK, OK, OK, OK, OK, OK, FB, OK, OK}},
			{"phone 张家村", get(fmt.Sprintf("/api/v1/households/%d/phone", zj.ID)), [9]want{OK, OK, OK, OK, FB, OK, FB, NF, NF}},
			{"phone 河口村", get(fmt.Sprintf("/api/v1/households/%d/phone", hk.ID)), [9]want{OK, OK, OK, NF, NF, NF, FB, OK, NF}},
			{"template", get("/api/v1/households/import-template"), [9]want{OK, OK, FB, OK, FB, OK, FB, OK, FB}},
			{"create in 张家村", create("QS-ZJ"), [9]want{OK, OK, FB, OK, FB, OK, FB, VE, FB}},
			{"create in 河口村", create("LX-HK"), [9]want{OK, OK, FB, VE, FB, VE, FB, OK, FB}},
			{"edit 张家村", patch(zj.ID), [9]want{OK, OK, FB, OK, FB, OK, FB, NF, NF}},
			{"edit 河口村", patch(hk.ID), [9]want{OK, OK, FB, NF, NF, NF, FB, OK, NF}},
			{"import", func(c *testutil.Client, i int) *testutil.Resp {
				return c.Upload("/api/v1/households/imports", map[string]string{"village_id": fmt.Sprint(e.unit("QS-ZJ"))}, "户名册.xlsx",
					roster(t, false, [][]any{{1, nil, fmt.Sprintf("导入户主%d", i), "", "", "五组", 1, ""}}))
			}, [9]want{OK, OK, FB, OK, FB, OK, FB, VE, FB}},
		}
		for _, c := range calls {
			for i, u := range who {
				r := c.do(clients[u], i)
				ok := r.Status < 300
				if c.want[i] == OK && !ok || c.want[i] != OK && (ok || r.ErrCode() != string(c.want[i])) {
					t.Errorf("%s as %s: %d %s, want %q", c.name, u, r.Status, r.Body, c.want[i])
				}
			}
		}
		e.f.App.Imports.Wait()
	})
}

func TestHouseholdHTTPBadInput(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		c := e.f.NewServer(t).Login(t, "zj_field")
		h := e.household(t)
		zj := e.unit("QS-ZJ")
		before := e.f.Count(t, `SELECT COUNT(*) FROM households`)
		for _, tc := range []struct {
			body   map[string]any
			status int
			field  string
			msg    string
		}{
			{map[string]any{"village_id": zj, "head_name": h.HeadName, "address": h.Address}, 422, "head_name", "请勿重复登记"},
			{map[string]any{"village_id": zj, "head_name": "赵六", "people": 80}, 422, "people", "家庭人口应为1到50人"},
			{map[string]any{"village_id": e.unit("LX-HK"), "head_name": "赵六"}, 422, "village_id", "村（社区）不存在"},
			{map[string]any{"village_id": zj, "head_name": ""}, 422, "head_name", "户主姓名不能为空"},
			{map[string]any{"village_id": zj, "head_name": "赵六", "id_number": "530102198001011234"}, 400, "", ""},
			{map[string]any{"village_id": zj, "head_name": "赵六", "people": "四"}, 400, "", ""},
		} {
			r := c.Do("POST", "/api/v1/households", tc.body)
			if r.Status != tc.status || (tc.field != "" && !strings.Contains(r.Field(tc.field), tc.msg)) {
				t.Errorf("%v: %d %s", tc.body, r.Status, r.Body)
			}
		}
		if n := e.f.Count(t, `SELECT COUNT(*) FROM households`); n != before {
			t.Errorf("bad input wrote %d rows", n-before)
		}
		for _, path := range []string{"/api/v1/households?sort=secret", "/api/v1/households?active=maybe", "/api/v1/households?village_id=x"} {
			if r := c.Do("GET", path, nil); r.Status != 422 {
				t.Errorf("%s: %d", path, r.Status)
			}
		}
		if r := c.Do("PATCH", "/api/v1/households/424242", map[string]any{"note": "x"}); r.Status != 404 {
			t.Errorf("missing household: %d", r.Status)
		}
		// The phone is masked in the list for village staff, the export too.
		r := c.Do("GET", "/api/v1/households", nil)
		if !strings.Contains(string(r.Body), "138****5678") || strings.Contains(string(r.Body), "13812345678") {
			t.Errorf("list phone: %s", r.Body)
		}
		r = c.Do("GET", "/api/v1/households/export", nil)
		if r.Status != 200 || !strings.Contains(r.Header.Get("Content-Type"), "spreadsheet") {
			t.Errorf("export: %d", r.Status)
		}
	})
}
