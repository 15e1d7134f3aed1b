package invest_test

import (
	"strings"
	"testing"

	"diaodu/internal/platform/db"
	"diaodu/internal/testutil"
)

func num(v any) int64 { f, _ := v.(float64); return int64(f) }

// A lead over HTTP as the pages drive it: create, move, back without and
// with a reason, convert with a preview of the schedule, convert again,
// the roadmap, the lists, funnel, targets and both exports.
func TestHTTPFlow(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		srv := e.f.NewServer(t)
		zb1, sup, staff, field := srv.Login(t, "zb1_admin"), srv.Login(t, "supervisor"), srv.Login(t, "zb1_staff"), srv.Login(t, "zj_field")
		r := zb1.Do("POST", "/api/v1/invest/leads", map[string]any{"company": "示范锂电材料有限公司", "chain_id": e.chains[0],
			"source": "展会", "contact_name": "李总", "contact_phone": "13900001111", "planned_amount": 350_000_000, "quality": "A",
			"team_id": e.unit("ZB1"), "town_id": e.unit("QS"), "next_action": "邀请来区考察", "next_action_on": "2026-12-01"})
		if r.Status != 201 || r.JSON()["stage"] != "clue" {
			t.Fatalf("create: %d %s", r.Status, r.Body)
		}
		lid := num(r.JSON()["id"])
		p := "/api/v1/invest/leads/" + id(lid)
		if r := zb1.Do("POST", "/api/v1/invest/leads", map[string]any{"company": "x", "team_id": e.unit("ZB1"), "planned_amount": -1}); r.Status != 422 || r.Field("planned_amount") == "" {
			t.Fatalf("negative: %d %s", r.Status, r.Body)
		}
		for _, st := range []string{"contact", "visit", "negotiate", "signed"} {
			if r := zb1.Do("POST", p+"/moves", map[string]any{"stage": st, "note": "推进到" + st}); r.Status != 201 || r.JSON()["stage"] != st {
				t.Fatalf("move %s: %d %s", st, r.Status, r.Body)
			}
		}
		if r := zb1.Do("POST", p+"/moves", map[string]any{"stage": "negotiate"}); r.Status != 422 || r.Field("reason") == "" {
			t.Fatalf("back without reason: %d %s", r.Status, r.Body)
		}
		if r := staff.Do("POST", p+"/moves", map[string]any{"stage": "registered"}); r.Status != 403 {
			t.Fatalf("staff moves: %d %s", r.Status, r.Body)
		}
		if r := staff.Do("GET", p, nil); r.Status != 200 || strings.Contains(string(r.Body), "13900001111") {
			t.Fatalf("staff reads: %d %s", r.Status, r.Body)
		}
		if r := field.Do("GET", p, nil); r.Status != 403 {
			t.Fatalf("field reads: %d", r.Status)
		}
		if r := zb1.Do("GET", p+"/phone", nil); r.Status != 200 || r.JSON()["phone"] != "13900001111" {
			t.Fatalf("phone: %d %s", r.Status, r.Body)
		}
		r = zb1.Do("GET", p+"/schedule?target_start_on=2027-03-01", nil)
		if r.Status != 200 || !strings.Contains(string(r.Body), `"开工"`) || !strings.Contains(string(r.Body), `"planned_on":"2027-03-01"`) {
			t.Fatalf("preview: %d %s", r.Status, r.Body)
		}
		r = zb1.Do("POST", p+"/convert", map[string]any{"target_start_on": "2027-03-01", "name": "示范锂电材料项目"})
		if r.Status != 201 || num(r.JSON()["project_id"]) == 0 {
			t.Fatalf("convert: %d %s", r.Status, r.Body)
		}
		if r := zb1.Do("POST", p+"/convert", map[string]any{"target_start_on": "2027-03-01"}); r.Status != 409 {
			t.Fatalf("convert twice: %d %s", r.Status, r.Body)
		}
		if r := zb1.Do("GET", p+"/roadmap", nil); r.Status != 200 || len(r.JSON()["plan"].([]any)) != 9 {
			t.Fatalf("roadmap: %d %s", r.Status, r.Body)
		}
		if r := sup.Do("GET", "/api/v1/invest/leads?stage=signed&light=none&q=锂电", nil); r.Status != 200 || num(r.JSON()["total"]) != 1 {
			t.Fatalf("list: %d %s", r.Status, r.Body)
		}
		if r := sup.Do("GET", "/api/v1/invest/leads?stage=flying", nil); r.Status != 422 {
			t.Fatalf("bad filter: %d", r.Status)
		}
		if r := sup.Do("GET", "/api/v1/invest/funnel", nil); r.Status != 200 || num(r.JSON()["total"]) != 1 {
			t.Fatalf("funnel: %d %s", r.Status, r.Body)
		}
		if r := sup.Do("PUT", "/api/v1/invest/target-items", map[string]any{"year": 2026, "unit_id": e.unit("ZB1"), "metric": "signed_count", "annual": 6}); r.Status != 200 {
			t.Fatalf("target: %d %s", r.Status, r.Body)
		}
		if r := zb1.Do("PUT", "/api/v1/invest/funds", map[string]any{"year": 2026, "unit_id": e.unit("ZB1"), "month": 11, "amount": 80_000_000}); r.Status != 200 {
			t.Fatalf("funds: %d %s", r.Status, r.Body)
		}
		r = sup.Do("GET", "/api/v1/invest/targets?year=2026", nil)
		if r.Status != 200 || !strings.Contains(string(r.Body), `"signed_count":{"target":6`) {
			t.Fatalf("targets: %d %s", r.Status, r.Body)
		}
		for _, path := range []string{"/api/v1/invest/targets/export?year=2026", "/api/v1/invest/leads/export?stage=signed"} {
			if r := sup.Do("GET", path, nil); r.Status != 200 || !strings.HasPrefix(string(r.Body), "PK") {
				t.Fatalf("%s: %d", path, r.Status)
			}
		}
		if r := sup.Do("PUT", "/api/v1/invest/settings", map[string]any{"yellow_points": 15}); r.Status != 200 || num(r.JSON()["yellow_points"]) != 15 ||
			num(r.JSON()["red_points"]) != 30 {
			t.Fatalf("settings: %d %s", r.Status, r.Body)
		}
		if r := zb1.Do("GET", "/api/v1/invest/teams", nil); r.Status != 200 || !strings.Contains(string(r.Body), "新能源招商专班") ||
			strings.Contains(string(r.Body), "绿色食品招商专班") {
			t.Fatalf("teams: %d %s", r.Status, r.Body)
		}
	})
}
