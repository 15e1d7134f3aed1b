package registry_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"diaodu/internal/platform/db"
	"diaodu/internal/platform/errs"
	"diaodu/internal/registry"
	"diaodu/internal/testutil"
)

// who is the order of the matrix columns: every fixture user.
var who = [9]string{"admin", "supervisor", "leader", "qs_admin", "qs_staff", "zj_field", "judge", "lx_admin", "fgj_staff"}

type want = errs.Code

const (
	OK want = ""
	NF      = errs.NotFound
	FB      = errs.Forbidden
	VE      = errs.Validation
)

// TestPermissionMatrix runs every endpoint as every role, on an enterprise
// of 青石镇 supervised by 区发改局 (in scope for 青石镇 and 发改局, out of
// scope for 柳溪镇 and the 张家村 field user) and one of 柳溪镇 alone.
func TestPermissionMatrix(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		srv := e.f.NewServer(t)
		qs := e.enterprise(t)
		lx := e.enterprise(t, func(in *registry.EnterpriseInput) { in.TownID, in.SupervisingUnitID = ip(e.unit("LX")), ip(0) })
		chain, err := e.s.CreateChain(e.ctx, e.as("admin"), registry.ChainInput{Name: sp("绿色食品")})
		if err != nil {
			t.Fatal(err)
		}
		type call struct {
			name string
			do   func(c *testutil.Client, i int) *testutil.Resp
			want [9]want
		}
		calls := []call{
			{"get in scope", func(c *testutil.Client, _ int) *testutil.Resp {
				return c.Do("GET", fmt.Sprintf("/api/v1/enterprises/%d", qs.ID), nil)
			},
				[9]want{OK, OK, OK, OK, OK, NF, FB, NF, OK}},
			{"get 柳溪镇", func(c *testutil.Client, _ int) *testutil.Resp {
				return c.Do("GET", fmt.Sprintf("/api/v1/enterprises/%d", lx.ID), nil)
			},
				[9]want{OK, OK, OK, NF, NF, NF, FB, OK, NF}},
			{"list", func(c *testutil.Client, _ int) *testutil.Resp { return c.Do("GET", "/api/v1/enterprises", nil) },
				[9]want{OK, OK, OK, OK, OK, OK, FB, OK, OK}},
			{"export", func(c *testutil.Client, _ int) *testutil.Resp {
				return c.Do("GET", "/api/v1/enterprises/export?q=企业", nil)
			},
				[9]want{OK, OK, OK, OK, OK, OK, FB, OK, OK}},
			{"create in 青石镇", func(c *testutil.Client, i int) *testutil.Resp {
				return c.Do("POST", "/api/v1/enterprises", e.input(func(in *registry.EnterpriseInput) { in.Name = sp(fmt.Sprintf("矩阵企业%d", i)) }))
			}, [9]want{OK, OK, FB, OK, FB, FB, FB, VE, FB}},
			{"update in scope", func(c *testutil.Client, i int) *testutil.Resp {
				return c.Do("PATCH", fmt.Sprintf("/api/v1/enterprises/%d", qs.ID), map[string]any{"address": fmt.Sprintf("新地址%d号", i)})
			}, [9]want{OK, OK, FB, OK, FB, NF, FB, NF, FB}},
			{"update 柳溪镇", func(c *testutil.Client, i int) *testutil.Resp {
				return c.Do("PATCH", fmt.Sprintf("/api/v1/enterprises/%d", lx.ID), map[string]any{"risk_level": "low"})
			}, [9]want{OK, OK, FB, NF, NF, NF, FB, OK, NF}},
			{"industries", func(c *testutil.Client, _ int) *testutil.Resp {
				return c.Do("GET", "/api/v1/enterprise-industries", nil)
			},
				[9]want{OK, OK, OK, OK, OK, OK, OK, OK, OK}},
			{"chains", func(c *testutil.Client, _ int) *testutil.Resp { return c.Do("GET", "/api/v1/industrial-chains", nil) },
				[9]want{OK, OK, OK, OK, OK, OK, OK, OK, OK}},
			{"chains with inactive", func(c *testutil.Client, _ int) *testutil.Resp {
				return c.Do("GET", "/api/v1/industrial-chains?all=true", nil)
			},
				[9]want{OK, OK, FB, FB, FB, FB, FB, FB, FB}},
			{"create chain", func(c *testutil.Client, i int) *testutil.Resp {
				return c.Do("POST", "/api/v1/industrial-chains", map[string]any{"name": fmt.Sprintf("产业链%d", i)})
			}, [9]want{OK, OK, FB, FB, FB, FB, FB, FB, FB}},
			{"rename chain", func(c *testutil.Client, i int) *testutil.Resp {
				return c.Do("PATCH", fmt.Sprintf("/api/v1/industrial-chains/%d", chain.ID), map[string]any{"name": fmt.Sprintf("绿色食品%d", i)})
			}, [9]want{OK, OK, FB, FB, FB, FB, FB, FB, FB}},
			{"industry list edit", func(c *testutil.Client, _ int) *testutil.Resp {
				return c.Do("PUT", "/api/v1/enterprise-industries", map[string]any{"items": registry.DefaultIndustries})
			}, [9]want{OK, OK, FB, FB, FB, FB, FB, FB, FB}},
		}
		clients := map[string]*testutil.Client{}
		for _, u := range who {
			clients[u] = srv.Login(t, u)
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
		// The list shows each user their scope.
		for i, n := range [9]int{2 + 3, 5, 5, 1 + 3, 1 + 3, 0, -1, 1, 1 + 3} {
			if n < 0 {
				continue
			}
			r := clients[who[i]].Do("GET", "/api/v1/enterprises?page_size=100", nil)
			if got := int(r.JSON()["total"].(float64)); got != n {
				t.Errorf("%s sees %d enterprises, want %d", who[i], got, n)
			}
		}
	})
}

func TestHTTPBadInput(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		c := e.f.NewServer(t).Login(t, "admin")
		x := e.enterprise(t)
		for _, tc := range []struct {
			body   map[string]any
			status int
			field  string
			msg    string
		}{
			{map[string]any{"name": "坏校验位", "credit_code": "91350100M000100Y44"}, 422, "credit_code", "统一社会信用代码校验位不正确"},
			{map[string]any{"name": "重复", "credit_code": x.CreditCode}, 422, "credit_code", "已登记"},
			{map[string]any{"name": "未知镇", "town_id": 424242}, 422, "town_id", "所在镇（街道）不存在"},
			{map[string]any{"name": "多余字段", "colour": "red"}, 400, "", ""},
		} {
			r := c.Do("POST", "/api/v1/enterprises", tc.body)
			if r.Status != tc.status || (tc.field != "" && !strings.Contains(r.Field(tc.field), tc.msg)) {
				t.Errorf("%v: %d %s", tc.body, r.Status, r.Body)
			}
		}
		if r := c.Do("POST", "/api/v1/industrial-chains", map[string]any{"name": ""}); r.Status != 422 || r.Field("name") == "" {
			t.Errorf("empty chain: %d %s", r.Status, r.Body)
		}
		if r := c.Do("PATCH", "/api/v1/industrial-chains/4242", map[string]any{"name": "x"}); r.Status != http.StatusNotFound {
			t.Errorf("missing chain: %d", r.Status)
		}
		r := c.Do("GET", "/api/v1/enterprises/export", nil)
		if r.Status != 200 || !strings.Contains(r.Header.Get("Content-Type"), "spreadsheet") || len(r.Body) < 1000 {
			t.Errorf("export: %d %s", r.Status, r.Header)
		}
	})
}
