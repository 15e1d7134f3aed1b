package safety_test

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"diaodu/internal/platform/db"
	"diaodu/internal/safety"
	"diaodu/internal/testutil"

	"github.com/xuri/excelize/v2"
)

// TestHTTPPermissions runs every endpoint as every role over HTTP.
func TestHTTPPermissions(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.f.AddUser(t, "qs_fixer", "QS", "staff")
		srv := e.f.NewServer(t)
		c := e.campaign(t)
		shared := e.hazard(t, e.qs)
		x, _, err := e.s.CreateInspection(e.ctx, e.as("admin"), safety.InspectionInput{EnterpriseID: e.qs.ID})
		if err != nil {
			t.Fatal(err)
		}
		id := func(n int64) string { return fmt.Sprint(n) }
		fresh := func(mods ...func(*safety.HazardInput)) string { return id(e.hazard(t, e.qs, mods...).ID) }
		started := func() string {
			h := fresh()
			var n int64
			fmt.Sscan(h, &n)
			if _, err := e.s.Start(e.ctx, e.as("admin"), n, ""); err != nil {
				t.Fatal(err)
			}
			return h
		}
		hz := "/api/v1/safety/hazards/"
		rows := []struct {
			name string
			req  func() (string, string)
			body func(u string) any
			want [9]int
		}{
			{"home", get("/api/v1/safety/home"), nil, [9]int{200, 200, 200, 200, 200, 200, 403, 200, 200}},
			{"ledger", get("/api/v1/safety/hazards?status=pending,rectifying&overdue=false&sort=-deadline"), nil,
				[9]int{200, 200, 200, 200, 200, 200, 403, 200, 200}},
			{"export", get("/api/v1/safety/hazards/export?campaign_id=" + id(c.ID)), nil, [9]int{200, 200, 200, 200, 200, 200, 403, 200, 200}},
			{"hazard", get(hz + id(shared.ID)), nil, [9]int{200, 200, 200, 200, 200, 200, 403, 404, 200}},
			{"inspection", get("/api/v1/safety/inspections/" + id(x.ID)), nil, [9]int{200, 200, 200, 200, 200, 200, 403, 404, 200}},
			{"inspections", get("/api/v1/safety/inspections?campaign_id=" + id(c.ID)), nil, [9]int{200, 200, 200, 200, 200, 200, 403, 200, 200}},
			{"enterprises", get("/api/v1/safety/enterprises?q=测试"), nil, [9]int{200, 200, 200, 200, 200, 200, 403, 200, 200}},
			{"enterprise", get("/api/v1/safety/enterprises/" + id(e.qs.ID)), nil, [9]int{200, 200, 200, 200, 200, 200, 403, 404, 200}},
			{"campaigns", get("/api/v1/safety/campaigns?status=running"), nil, [9]int{200, 200, 200, 200, 200, 200, 403, 200, 200}},
			{"campaign", get("/api/v1/safety/campaigns/" + id(c.ID)), nil, [9]int{200, 200, 200, 200, 200, 200, 403, 200, 200}},
			{"checklist", get("/api/v1/safety/campaigns/" + id(c.ID) + "/checklist?enterprise_id=" + id(e.qs.ID)), nil,
				[9]int{200, 200, 200, 200, 200, 200, 403, 404, 200}},
			{"suspensions", get("/api/v1/safety/suspensions?status=active"), nil, [9]int{200, 200, 200, 200, 200, 200, 403, 200, 200}},
			{"settings", get("/api/v1/safety/settings"), nil, [9]int{200, 200, 200, 200, 200, 200, 403, 200, 200}},
			{"put settings", fixed("PUT", "/api/v1/safety/settings"), func(string) any {
				return map[string]any{"escalate_after_days": 5, "default_deadline_days": 10}
			}, [9]int{200, 200, 403, 403, 403, 403, 403, 403, 403}},
			{"create campaign", fixed("POST", "/api/v1/safety/campaigns"), func(u string) any {
				return map[string]any{"name": "春节前检查" + u, "starts_on": e.day(1), "ends_on": e.day(9)}
			}, [9]int{201, 201, 403, 403, 403, 403, 403, 403, 403}},
			{"patch campaign", fixed("PATCH", "/api/v1/safety/campaigns/"+id(c.ID)), func(u string) any {
				return map[string]any{"description": "要求" + u}
			}, [9]int{200, 200, 403, 403, 403, 403, 403, 403, 403}},
			{"profile", fixed("PUT", "/api/v1/safety/enterprises/"+id(e.qs.ID)+"/profile"), func(string) any {
				return map[string]any{"rides": 2, "max_visitors": 3000}
			}, [9]int{200, 200, 403, 200, 200, 200, 403, 404, 200}},
			{"inspect", fixed("POST", "/api/v1/safety/inspections"), func(string) any {
				return map[string]any{"enterprise_id": e.qs.ID}
			}, [9]int{201, 201, 403, 201, 201, 201, 403, 404, 201}},
			{"file hazard", fixed("POST", "/api/v1/safety/hazards"), func(string) any {
				return map[string]any{"enterprise_id": e.qs.ID, "description": "灭火器过期", "deadline": e.day(5)}
			}, [9]int{201, 201, 403, 201, 201, 201, 403, 404, 201}},
			{"edit hazard", func() (string, string) { return "PATCH", hz + fresh() }, func(string) any { return map[string]any{"measures": "更换"} },
				[9]int{200, 200, 403, 200, 200, 403, 403, 404, 200}},
			{"plan", func() (string, string) { return "PUT", hz + fresh(major) + "/plan" }, func(string) any { return plan },
				[9]int{200, 200, 403, 200, 200, 403, 403, 404, 200}},
			{"start", func() (string, string) { return "POST", hz + fresh() + "/start" }, func(string) any { return map[string]any{} },
				[9]int{200, 200, 403, 200, 200, 403, 403, 404, 200}},
			{"submit", func() (string, string) { return "POST", hz + started() + "/submit" }, func(u string) any {
				return map[string]any{"note": "已整改", "after_photo_ids": []int64{1 << 40}} // checked after the permission
			}, [9]int{422, 422, 403, 422, 422, 403, 403, 404, 422}},
			{"verify", func() (string, string) {
				h := started()
				var n int64
				fmt.Sscan(h, &n)
				e.rectify(t, n, "qs_fixer")
				return "POST", hz + h + "/verify"
			}, func(string) any { return map[string]any{"pass": true} }, [9]int{200, 200, 403, 200, 200, 403, 403, 404, 200}},
			{"supervise", func() (string, string) { return "POST", hz + fresh(major) + "/supervise" }, func(string) any { return map[string]any{} },
				[9]int{200, 200, 403, 403, 403, 403, 403, 404, 403}},
			{"extension", func() (string, string) { return "POST", hz + fresh() + "/extensions" }, func(string) any {
				return map[string]any{"new_deadline": e.day(30), "reason": "材料未到"}
			}, [9]int{201, 201, 403, 201, 201, 403, 403, 404, 201}},
			{"decide", func() (string, string) {
				var n int64
				fmt.Sscan(fresh(), &n)
				xt, err := e.s.RequestExtension(e.ctx, e.as("admin"), n, safety.ExtensionInput{NewDeadline: e.day(30), Reason: "材料未到"})
				if err != nil {
					t.Fatal(err)
				}
				return "POST", "/api/v1/safety/hazard-extensions/" + id(xt.ID) + "/decision"
			}, func(string) any { return map[string]any{"approve": true} }, [9]int{200, 200, 403, 403, 403, 403, 403, 404, 403}},
			{"suspend", fixedF(func() (string, string) { return "POST", "/api/v1/safety/suspensions" }), func(string) any {
				return map[string]any{"enterprise_id": e.enterprise(t, "QS", "FGJ", "gas").ID, "reasons": "重大隐患", "starts_on": e.day(0), "ends_on": e.day(9)}
			}, [9]int{201, 201, 403, 201, 403, 403, 403, 404, 403}},
			{"lift", func() (string, string) {
				o, err := e.s.CreateSuspension(e.ctx, e.as("admin"), safety.SuspensionInput{EnterpriseID: e.enterprise(t, "QS", "FGJ", "gas").ID,
					Reasons: "重大隐患", StartsOn: e.day(0), EndsOn: e.day(10)})
				if err != nil {
					t.Fatal(err)
				}
				return "POST", "/api/v1/safety/suspensions/" + id(o.ID) + "/lift"
			}, func(string) any { return map[string]any{"verified_on": e.day(0), "verification": "复查合格"} },
				[9]int{200, 200, 403, 200, 200, 403, 403, 404, 200}},
		}
		clients := map[string]*testutil.Client{}
		for _, u := range who {
			clients[u] = srv.Login(t, u)
		}
		for _, r := range rows {
			for i, u := range who {
				method, path := r.req()
				var body any
				if r.body != nil {
					body = r.body(u)
				}
				res := clients[u].Do(method, path, body)
				if res.Status != r.want[i] {
					t.Errorf("%s as %s: want %d, got %d %s", r.name, u, r.want[i], res.Status, res.Body)
				}
			}
		}
	})
}

func get(path string) func() (string, string) { return func() (string, string) { return "GET", path } }
func fixed(method, path string) func() (string, string) {
	return func() (string, string) { return method, path }
}
func fixedF(f func() (string, string)) func() (string, string) { return f }

// TestHTTPPhoneFlow: photos by upload, an inspection sent twice with the
// same client key (201 then 200, one row), the photo served to those who
// see the hazard, and the ledger exported as xlsx.
func TestHTTPPhoneFlow(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		srv := e.f.NewServer(t)
		c := e.campaign(t)
		field := srv.Login(t, "zj_field")
		up := field.Upload("/api/v1/safety/photos", nil, "现场.jpg", testutil.JPEG(t))
		if up.Status != http.StatusCreated {
			t.Fatalf("upload: %d %s", up.Status, up.Body)
		}
		photo := int64(up.JSON()["id"].(float64))
		if r := field.Upload("/api/v1/safety/photos", nil, "假照片.jpg", []byte("%PDF-1.4 not an image")); r.Status != 422 || r.Field("file") == "" {
			t.Fatalf("a PDF named .jpg: %d %s", r.Status, r.Body)
		}
		items, _ := e.s.Checklist(e.ctx, e.as("zj_field"), c.ID, e.qs.ID)
		body := map[string]any{"client_key": "0b7e4c1a-6a53-4c0e-9d1e-000000000042", "campaign_id": c.ID, "enterprise_id": e.qs.ID,
			"answers":   []map[string]any{{"item_id": items[1].ID, "result": "fail", "note": "防火堤裂缝"}},
			"photo_ids": []int64{photo}, "photo_item_ids": []int64{items[1].ID}}
		first := field.Do("POST", "/api/v1/safety/inspections", body)
		second := field.Do("POST", "/api/v1/safety/inspections", body)
		if first.Status != 201 || second.Status != 200 || first.JSON()["id"] != second.JSON()["id"] {
			t.Fatalf("resend: %d %d", first.Status, second.Status)
		}
		if n := e.count(t, `SELECT COUNT(*) FROM safety_inspections`); n != 1 {
			t.Fatalf("%d inspections after a resend", n)
		}
		if r := srv.Login(t, "qs_staff").Do("POST", "/api/v1/safety/inspections", body); r.Status != 409 {
			t.Fatalf("someone else's key: %d", r.Status)
		}
		hz := first.JSON()["hazards"].([]any)[0].(map[string]any)
		hid := int64(hz["id"].(float64))
		detail := srv.Login(t, "fgj_staff").Do("GET", fmt.Sprintf("/api/v1/safety/hazards/%d", hid), nil).JSON()
		photos := detail["photos"].([]any)
		url := photos[0].(map[string]any)["url"].(string)
		if r := srv.Login(t, "fgj_staff").Do("GET", url, nil); r.Status != 200 || r.Header.Get("Content-Type") != "image/jpeg" {
			t.Fatalf("photo for the supervising department: %d", r.Status)
		}
		if r := srv.Login(t, "lx_admin").Do("GET", url, nil); r.Status != 404 {
			t.Fatalf("photo out of scope: %d", r.Status)
		}
		x := srv.Login(t, "leader").Do("GET", "/api/v1/safety/hazards/export?campaign_id="+fmt.Sprint(c.ID), nil)
		if x.Status != 200 || !strings.Contains(x.Header.Get("Content-Type"), "spreadsheetml") || len(x.Body) < 1000 {
			t.Fatalf("export: %d %s", x.Status, x.Header.Get("Content-Type"))
		}
		// The layout offices print: a title naming the campaign, the header, a row per hazard.
		book, err := excelize.OpenReader(bytes.NewReader(x.Body))
		if err != nil {
			t.Fatal(err)
		}
		sheet := book.GetSheetList()[0]
		rows, _ := book.GetRows(sheet)
		if len(rows) != 3 || !strings.HasPrefix(rows[0][0], "元旦前安全生产大排查大整治隐患排查整治台账（截至") ||
			strings.Join(rows[1][:10], ",") != "序号,企业（场所）名称,所属镇街,行业领域,行业主管部门,隐患描述,隐患等级,发现时间,发现人,整改措施" ||
			rows[2][1] != e.qs.Name || rows[2][6] != "一般" || rows[2][13] != "待整改" {
			t.Fatalf("export rows: %q", rows)
		}
		// An enterprise met on site with a mistyped credit code: 422 naming the field, nothing stored.
		good := e.qs.CreditCode
		bad := good[:17] + map[bool]string{true: "1", false: "0"}[good[17] == '0']
		before := e.count(t, `SELECT COUNT(*) FROM enterprises`)
		if r := field.Do("POST", "/api/v1/safety/enterprises", map[string]any{"name": "新发现企业", "credit_code": bad}); r.Status != 422 ||
			!strings.Contains(r.Field("credit_code"), "校验") || e.count(t, `SELECT COUNT(*) FROM enterprises`) != before {
			t.Fatalf("bad credit code: %d %s", r.Status, r.Body)
		}
		if r := field.Do("POST", "/api/v1/safety/enterprises", map[string]any{"name": "张家村小超市", "kind": "place", "industry": "crowded"}); r.Status != 201 {
			t.Fatalf("on-site place: %d %s", r.Status, r.Body)
		}
		if r := field.Do("POST", "/api/v1/safety/enterprises", map[string]any{"name": "x", "credit_code": good}); r.Status != 200 {
			t.Fatalf("known code: %d %s", r.Status, r.Body)
		}
		if r := field.Do("GET", "/api/v1/safety/hazards?status=done", nil); r.Status != 422 || r.Field("status") == "" {
			t.Fatalf("bad status filter: %d %s", r.Status, r.Body)
		}
		if r := field.Do("GET", "/api/v1/safety/hazards?sort=color", nil); r.Status != 422 {
			t.Fatalf("bad sort: %d", r.Status)
		}
	})
}
