package invest_test

import (
	"net/http"
	"testing"

	"diaodu/internal/platform/db"
	"diaodu/internal/testutil"
)

// TestHTTPPermissions sends every endpoint as every role, in and out of
// scope (the leads belong to 新能源招商专班 ZB1; zb2_admin and qs_admin are
// unit admins elsewhere), and checks the status: 403 for a role without the
// permission, 404 for an object out of scope, 422 for a unit out of scope
// named in a write.
func TestHTTPPermissions(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		srv := e.f.NewServer(t)
		users := []string{"admin", "supervisor", "leader", "zb1_admin", "zb1_staff", "zb2_admin", "qs_admin", "zj_field", "judge"}
		clients := map[string]*testutil.Client{}
		for _, u := range users {
			clients[u] = srv.Login(t, u)
		}
		const (
			ok, created, forbidden, notfound, invalid = http.StatusOK, http.StatusCreated, http.StatusForbidden, http.StatusNotFound,
				http.StatusUnprocessableEntity
		)
		lead := func() string { return "/api/v1/invest/leads/" + id(e.lead(t).ID) }
		signed := func() string { return "/api/v1/invest/leads/" + id(e.signed(t).ID) }
		noView := map[string]int{"zj_field": forbidden, "judge": forbidden}
		inScope := map[string]int{"zb2_admin": notfound, "qs_admin": notfound, "zj_field": forbidden, "judge": forbidden}
		manage := map[string]int{"leader": forbidden, "zb1_staff": forbidden, "zb2_admin": notfound, "qs_admin": notfound, "zj_field": forbidden,
			"judge": forbidden}
		office := map[string]int{"leader": forbidden, "zb1_admin": forbidden, "zb1_staff": forbidden, "zb2_admin": forbidden, "qs_admin": forbidden,
			"zj_field": forbidden, "judge": forbidden}
		with := func(m map[string]int, extra map[string]int) map[string]int {
			out := map[string]int{}
			for k, v := range m {
				out[k] = v
			}
			for k, v := range extra {
				out[k] = v
			}
			return out
		}
		for _, c := range []struct {
			method string
			path   func() string
			body   any
			ok     int
			want   map[string]int
		}{
			{"GET", func() string { return "/api/v1/invest/leads" }, nil, ok, noView},
			{"GET", func() string { return "/api/v1/invest/leads/export" }, nil, ok, noView},
			{"POST", func() string { return "/api/v1/invest/leads" }, map[string]any{"company": "权限测试有限公司", "team_id": e.unit("ZB1")}, created,
				with(manage, map[string]int{"zb2_admin": invalid, "qs_admin": invalid})},
			{"GET", lead, nil, ok, inScope},
			{"PATCH", lead, map[string]any{"next_action": "再次拜访"}, ok, manage},
			{"GET", func() string { return lead() + "/phone" }, nil, ok, with(inScope, map[string]int{"zb1_staff": forbidden})},
			{"POST", func() string { return lead() + "/moves" }, map[string]any{"stage": "contact"}, created, manage},
			{"POST", func() string { return lead() + "/notes" }, map[string]any{"note": "电话沟通"}, created, manage},
			{"GET", func() string { return lead() + "/schedule?target_start_on=2027-03-01" }, nil, ok, inScope},
			{"POST", func() string { return signed() + "/convert" }, map[string]any{"target_start_on": "2027-03-01"}, created, manage},
			// Field staff read projects, so a lead not converted (or whose
			// project is elsewhere) is not found for them rather than forbidden.
			{"GET", func() string { return lead() + "/roadmap" }, nil, ok, with(inScope, map[string]int{"zj_field": notfound})},
			{"GET", func() string { return "/api/v1/invest/funnel" }, nil, ok, noView},
			{"GET", func() string { return "/api/v1/invest/targets?year=2026" }, nil, ok, noView},
			{"GET", func() string { return "/api/v1/invest/targets/export?year=2026" }, nil, ok, noView},
			{"GET", func() string { return "/api/v1/invest/target-items?year=2026" }, nil, ok, noView},
			{"PUT", func() string { return "/api/v1/invest/target-items" }, map[string]any{"year": 2026, "unit_id": e.unit("ZB1"),
				"metric": "signed_count", "annual": 8}, ok, office},
			{"GET", func() string { return "/api/v1/invest/funds?year=2026" }, nil, ok, noView},
			{"PUT", func() string { return "/api/v1/invest/funds" }, map[string]any{"year": 2026, "unit_id": e.unit("ZB1"), "month": 10,
				"amount": 1_000_000}, ok, map[string]int{"leader": forbidden, "zb1_staff": forbidden, "zb2_admin": invalid, "qs_admin": invalid,
				"zj_field": forbidden, "judge": forbidden}},
			{"GET", func() string { return "/api/v1/invest/chains" }, nil, ok, noView},
			{"GET", func() string { return "/api/v1/invest/teams" }, nil, ok, noView},
			{"GET", func() string { return "/api/v1/invest/towns" }, nil, ok, noView},
			{"GET", func() string { return "/api/v1/invest/settings" }, nil, ok, noView},
			{"PUT", func() string { return "/api/v1/invest/settings" }, map[string]any{"yellow_points": 12}, ok, office},
			{"POST", func() string { return "/api/v1/invest/lights" }, nil, ok, office},
		} {
			for _, u := range users {
				want, has := c.want[u]
				if !has {
					want = c.ok
				}
				path := c.path()
				if r := clients[u].Do(c.method, path, c.body); r.Status != want {
					t.Errorf("%s %s as %s: %d, want %d (%s)", c.method, path, u, r.Status, want, r.Body)
				}
			}
		}
	})
}
