package notify_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"diaodu/internal/platform/db"
	"diaodu/internal/platform/notify"
	"diaodu/internal/testutil"
)

// who is every fixture user.
var who = []string{"admin", "supervisor", "leader", "qs_admin", "qs_staff", "zj_field", "judge", "lx_admin", "fgj_staff"}

func loginAll(t *testing.T, s *testutil.Server) map[string]*testutil.Client {
	out := map[string]*testutil.Client{}
	for _, name := range who {
		out[name] = s.Login(t, name)
	}
	return out
}

// Channels, the delivery log and the settings are the administrator's:
// everyone else is refused, and a refused write changes nothing.
func TestChannelPermissions(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		clients := loginAll(t, e.f.NewServer(t))
		rc := newReceiver(t, answerJSON(500, "down"))
		ch := e.channel(t, notify.ChannelInput{Name: ptr("全区"), Kind: ptr("webhook"), URL: ptr(rc.URL), Secret: ptr("s3cret")})
		e.send(t, notify.Message{Kind: "task.remind", Title: "催办"})
		e.n.Backoff = nil // one attempt, then dead: retryable
		e.deliver(t, 1)
		dl := e.onlyDelivery(t, ch.ID)
		chPath, dlPath := fmt.Sprintf("/api/v1/notify-channels/%d", ch.ID), fmt.Sprintf("/api/v1/notify-deliveries/%d", dl)

		n := 0
		var victim int64 // a fresh channel for each delete
		actions := []struct {
			name  string
			do    func(c *testutil.Client) *testutil.Resp
			audit string // the entry a success records
			after func(t *testing.T, done bool)
		}{
			{"list channels", func(c *testutil.Client) *testutil.Resp { return c.Do("GET", "/api/v1/notify-channels", nil) }, "", nil},
			{"get channel", func(c *testutil.Client) *testutil.Resp { return c.Do("GET", chPath, nil) }, "", nil},
			{"kinds", func(c *testutil.Client) *testutil.Resp { return c.Do("GET", "/api/v1/notify-kinds", nil) }, "", nil},
			{"settings", func(c *testutil.Client) *testutil.Resp { return c.Do("GET", "/api/v1/notify-settings", nil) }, "", nil},
			{"deliveries", func(c *testutil.Client) *testutil.Resp { return c.Do("GET", "/api/v1/notify-deliveries", nil) }, "", nil},
			{"create channel", func(c *testutil.Client) *testutil.Resp {
				n++
				return c.Do("POST", "/api/v1/notify-channels", map[string]any{"name": fmt.Sprintf("新%d", n), "kind": "webhook", "url": rc.URL})
			}, "notify_channel.create", func(t *testing.T, done bool) {
				if k := e.f.Count(t, `SELECT COUNT(*) FROM notify_channels WHERE name = $1`, fmt.Sprintf("新%d", n)); k != b2i(done) {
					t.Fatalf("%d channels created (done=%v)", k, done)
				}
			}},
			{"update channel", func(c *testutil.Client) *testutil.Resp {
				n++
				return c.Do("PATCH", chPath, map[string]any{"name": fmt.Sprintf("改%d", n)})
			}, "notify_channel.update", func(t *testing.T, done bool) {
				if k := e.f.Count(t, `SELECT COUNT(*) FROM notify_channels WHERE name = $1`, fmt.Sprintf("改%d", n)); k != b2i(done) {
					t.Fatalf("renamed %d (done=%v)", k, done)
				}
			}},
			{"test channel", func(c *testutil.Client) *testutil.Resp { return c.Do("POST", chPath+"/test", nil) }, "notify_channel.test", nil},
			{"retry delivery", func(c *testutil.Client) *testutil.Resp {
				if _, err := d.W.ExecContext(ctx, `UPDATE notify_deliveries SET status = 'dead' WHERE id = $1`, dl); err != nil {
					t.Fatal(err)
				}
				return c.Do("POST", dlPath+"/retry", nil)
			}, "notify_delivery.retry", func(t *testing.T, done bool) {
				if got := e.delivery(t, dl).status; (got == notify.StatusPending) != done {
					t.Fatalf("status %s after retry (done=%v)", got, done)
				}
			}},
			{"put settings", func(c *testutil.Client) *testutil.Resp {
				return c.Do("PUT", "/api/v1/notify-settings", map[string]any{"sms_kinds": []string{"task."}})
			}, "notify.settings", nil},
			{"delete channel", func(c *testutil.Client) *testutil.Resp {
				return c.Do("DELETE", fmt.Sprintf("/api/v1/notify-channels/%d", victim), nil)
			}, "notify_channel.delete", func(t *testing.T, done bool) {
				if k := e.f.Count(t, `SELECT COUNT(*) FROM notify_channels WHERE id = $1`, victim); k != 1-b2i(done) {
					t.Fatalf("%d left (done=%v)", k, done)
				}
			}},
		}
		for _, ac := range actions {
			t.Run(ac.name, func(t *testing.T) {
				for _, name := range who {
					t.Run(name, func(t *testing.T) {
						c := clients[name]
						c.T = t
						n++
						victim = e.channel(t, notify.ChannelInput{Name: ptr(fmt.Sprintf("删%d", n)), Kind: ptr("webhook"), URL: ptr(rc.URL)}).ID
						before := e.f.Count(t, `SELECT COUNT(*) FROM audit_log`)
						r := ac.do(c)
						ok := name == "admin"
						if ok && (r.Status < 200 || r.Status > 299) {
							t.Fatalf("admin: %d %s", r.Status, r.Body)
						}
						if !ok && (r.Status != http.StatusForbidden || r.ErrCode() != "forbidden") {
							t.Fatalf("%s: %d %s, want 403", name, r.Status, r.Body)
						}
						var entries int
						if ok && ac.audit != "" {
							entries = 1
						}
						if k := e.f.Count(t, `SELECT COUNT(*) FROM audit_log WHERE seq > $1 AND action <> 'test.write'`, before); k != entries {
							t.Fatalf("%d audit entries, want %d", k, entries)
						}
						if entries == 1 {
							if k := e.f.Count(t, `SELECT COUNT(*) FROM audit_log WHERE seq > $1 AND action = $2 AND username = $3`,
								before, ac.audit, name); k != 1 {
								t.Fatalf("no %s entry by %s", ac.audit, name)
							}
						}
						if ac.after != nil {
							ac.after(t, ok)
						}
					})
				}
			})
		}
	})
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// The secret is write-only: never in an answer or the trail, kept when a
// patch leaves it out, cleared by "".
func TestChannelSecretWriteOnly(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		c := e.f.NewServer(t).Login(t, "admin")
		r := c.Do("POST", "/api/v1/notify-channels", map[string]any{"name": "区政府办钉钉群", "kind": "dingtalk",
			"url": "https://oapi.dingtalk.com/robot/send?access_token=TOKEN123", "secret": "SECtopsecret", "kinds": []string{"task.", "report.due"}})
		if r.Status != 201 || strings.Contains(string(r.Body), "SECtopsecret") || r.JSON()["secret_set"] != true {
			t.Fatalf("create: %d %s", r.Status, r.Body)
		}
		id := int64(r.JSON()["id"].(float64))
		path := fmt.Sprintf("/api/v1/notify-channels/%d", id)
		for _, p := range []string{path, "/api/v1/notify-channels"} {
			if r := c.Do("GET", p, nil); r.Status != 200 || strings.Contains(string(r.Body), "SECtopsecret") ||
				!strings.Contains(string(r.Body), `"secret_set":true`) {
				t.Fatalf("GET %s: %s", p, r.Body)
			}
		}
		if r := c.Do("PATCH", path, map[string]any{"name": "区政府办"}); r.Status != 200 || r.JSON()["secret_set"] != true {
			t.Fatalf("patch without secret: %s", r.Body)
		}
		var secret string
		_ = d.R.QueryRowContext(ctx, `SELECT secret FROM notify_channels WHERE id = $1`, id).Scan(&secret)
		if secret != "SECtopsecret" {
			t.Fatalf("secret %q after a patch that left it out", secret)
		}
		if n := e.f.Count(t, `SELECT COUNT(*) FROM audit_log WHERE object_type = 'notify_channel' AND
			(after_json LIKE '%SECtopsecret%' OR after_json LIKE '%TOKEN123%' OR before_json LIKE '%TOKEN123%')`); n != 0 {
			t.Fatalf("%d audit entries carry the secret or the access token", n)
		}
		if r := c.Do("PATCH", path, map[string]any{"secret": ""}); r.Status != 200 || r.JSON()["secret_set"] != false {
			t.Fatalf("clear: %s", r.Body)
		}
	})
}

func TestChannelValidation(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		c := e.f.NewServer(t).Login(t, "admin")
		ok := map[string]any{"name": "通道", "kind": "webhook", "url": "https://example.gov.cn/hook"}
		if r := c.Do("POST", "/api/v1/notify-channels", ok); r.Status != 201 {
			t.Fatalf("valid channel: %s", r.Body)
		}
		with := func(k string, v any) map[string]any {
			m := map[string]any{"name": "另一个", "kind": "webhook", "url": "https://example.gov.cn/hook"}
			m[k] = v
			return m
		}
		for _, tc := range []struct {
			body  map[string]any
			field string
		}{
			{with("name", ""), "name"},
			{with("name", "通道"), "name"}, // taken
			{with("name", strings.Repeat("长", 51)), "name"},
			{with("kind", "email"), "kind"},
			{with("url", ""), "url"},
			{with("url", "ftp://example.gov.cn/x"), "url"},
			{with("url", "https:///nohost"), "url"},
			{with("url", "example.gov.cn/hook"), "url"},
			{with("url", "https://user:pw@example.gov.cn/"), "url"},
			{with("url", "https://example.gov.cn/a b"), "url"},
			{with("kinds", []string{"Task Remind"}), "kinds"},
			{with("kinds", []string{"task..x"}), "kinds"},
			{with("unit_id", 99999), "unit_id"},
			{map[string]any{"name": "企微", "kind": "wecom", "url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k", "secret": "x"}, "secret"},
		} {
			r := c.Do("POST", "/api/v1/notify-channels", tc.body)
			if r.Status != 422 || r.Field(tc.field) == "" {
				t.Errorf("%v: %d %s, want 422 on %s", tc.body, r.Status, r.Body, tc.field)
			}
		}
		if n := e.f.Count(t, `SELECT COUNT(*) FROM notify_channels`); n != 1 {
			t.Fatalf("%d channels after bad input", n)
		}
		// Unknown fields and a patch of a missing channel.
		if r := c.Do("POST", "/api/v1/notify-channels", with("colour", "red")); r.Status != 400 {
			t.Fatalf("unknown field: %d", r.Status)
		}
		if r := c.Do("PATCH", "/api/v1/notify-channels/9999", ok); r.Status != 404 {
			t.Fatalf("missing channel: %d", r.Status)
		}
		// Kinds are kept as entered, trimmed and without repeats; a unit
		// channel names its unit.
		r := c.Do("POST", "/api/v1/notify-channels", map[string]any{"name": "青石镇群", "kind": "feishu",
			"url": "https://open.feishu.cn/open-apis/bot/v2/hook/x", "unit_id": e.unit("QS"), "kinds": []string{" task. ", "task.", "report.due"}})
		if r.Status != 201 || fmt.Sprint(r.JSON()["kinds"]) != "[task. report.due]" || r.JSON()["unit_name"] != "青石镇" {
			t.Fatalf("unit channel: %s", r.Body)
		}
	})
}

func TestChannelTestSend(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		c := e.f.NewServer(t).Login(t, "admin")
		good := newReceiver(t, nil)
		bad := newReceiver(t, answerJSON(200, `{"errcode":310000,"errmsg":"sign not match"}`))
		slow := newReceiver(t, hang)
		e.n.Timeout = 200 * time.Millisecond
		mk := func(name, url string) string {
			id := e.channel(t, notify.ChannelInput{Name: &name, Kind: ptr("dingtalk"), URL: ptr(url + "/robot/send?access_token=t"),
				Secret: ptr("SECx"), Active: ptr(false)}).ID
			return fmt.Sprintf("/api/v1/notify-channels/%d/test", id)
		}
		r := c.Do("POST", mk("好", good.URL), nil)
		if j := r.JSON(); r.Status != 200 || j["ok"] != true || j["status"] != 200.0 || !strings.Contains(j["body"].(string), "errcode") {
			t.Fatalf("good: %s", r.Body)
		}
		got := good.requests()
		if len(got) != 1 || !strings.Contains(string(got[0].body), "测试消息") || got[0].url.Query().Get("sign") == "" {
			t.Fatalf("test message %+v", got)
		}
		r = c.Do("POST", mk("坏", bad.URL), nil)
		if j := r.JSON(); r.Status != 200 || j["ok"] != false || !strings.Contains(j["error"].(string), "310000") {
			t.Fatalf("bad: %s", r.Body)
		}
		r = c.Do("POST", mk("慢", slow.URL), nil)
		if j := r.JSON(); r.Status != 200 || j["ok"] != false || !strings.Contains(j["error"].(string), "超时") || j["status"] != 0.0 {
			t.Fatalf("slow: %s", r.Body)
		}
		// Tests are answered, not queued; the trail has each with its outcome.
		if n := e.f.Count(t, `SELECT COUNT(*) FROM notify_deliveries`); n != 0 {
			t.Fatalf("%d deliveries queued by tests", n)
		}
		if n := e.f.Count(t, `SELECT COUNT(*) FROM audit_log WHERE action = 'notify_channel.test' AND summary LIKE '%失败%'`); n != 2 {
			t.Fatalf("%d failed tests in the trail", n)
		}
		if r := c.Do("POST", "/api/v1/notify-channels/9999/test", nil); r.Status != 404 {
			t.Fatalf("missing channel: %d", r.Status)
		}
	})
}

func TestDeliveryLogAndRetry(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		c := e.f.NewServer(t).Login(t, "admin")
		good := newReceiver(t, nil)
		bad := newReceiver(t, answerJSON(503, "maintenance"))
		g := e.channel(t, notify.ChannelInput{Name: ptr("好"), Kind: ptr("webhook"), URL: ptr(good.URL)})
		b := e.channel(t, notify.ChannelInput{Name: ptr("坏"), Kind: ptr("webhook"), URL: ptr(bad.URL)})
		e.send(t, notify.Message{Kind: "task.remind", Title: "催办"})
		e.send(t, notify.Message{Kind: "report.due", Title: "报送"})
		e.deliver(t, 4)
		list := func(q string) []any {
			r := c.Do("GET", "/api/v1/notify-deliveries"+q, nil)
			if r.Status != 200 {
				t.Fatalf("%s: %s", q, r.Body)
			}
			return r.JSON()["items"].([]any)
		}
		if n := len(list("")); n != 4 {
			t.Fatalf("%d entries", n)
		}
		failed := list(fmt.Sprintf("?channel_id=%d&status=failed", b.ID))
		if len(failed) != 2 {
			t.Fatalf("failed of 坏: %v", failed)
		}
		first := failed[0].(map[string]any)
		if first["response_status"] != 503.0 || first["response_body"] != "maintenance" || first["last_error"] != "HTTP 503" ||
			first["channel_name"] != "坏" || first["next_attempt_at"] == nil || first["title"] != "报送" {
			t.Fatalf("entry %v", first)
		}
		if n := len(list(fmt.Sprintf("?channel_id=%d&status=sent", g.ID))); n != 2 {
			t.Fatalf("%d sent by 好", n)
		}
		if n := len(list("?kind=report")); n != 2 {
			t.Fatalf("%d report entries", n)
		}
		if r := c.Do("GET", "/api/v1/notify-deliveries?status=lost", nil); r.Status != 422 || r.Field("status") == "" {
			t.Fatalf("bad status filter: %s", r.Body)
		}
		// Retry: a failed one now; a sent one is refused; a missing one is 404.
		id := int64(first["id"].(float64))
		if r := c.Do("POST", fmt.Sprintf("/api/v1/notify-deliveries/%d/retry", id), nil); r.Status != 204 {
			t.Fatalf("retry: %d %s", r.Status, r.Body)
		}
		e.deliver(t, 1)
		if k := len(bad.requests()); k != 3 {
			t.Fatalf("%d requests to 坏 after the retry", k)
		}
		sent := list(fmt.Sprintf("?channel_id=%d", g.ID))[0].(map[string]any)
		if r := c.Do("POST", fmt.Sprintf("/api/v1/notify-deliveries/%v/retry", sent["id"]), nil); r.Status != 409 {
			t.Fatalf("retry of a sent one: %d", r.Status)
		}
		if r := c.Do("POST", "/api/v1/notify-deliveries/9999/retry", nil); r.Status != 404 {
			t.Fatalf("retry of a missing one: %d", r.Status)
		}
		// Channels show their counts; deleting one takes its log with it.
		r := c.Do("GET", "/api/v1/notify-channels", nil)
		if !strings.Contains(string(r.Body), `"counts":{"failed":2}`) || !strings.Contains(string(r.Body), `"counts":{"sent":2}`) {
			t.Fatalf("counts: %s", r.Body)
		}
		if r := c.Do("DELETE", fmt.Sprintf("/api/v1/notify-channels/%d", b.ID), nil); r.Status != 204 {
			t.Fatalf("delete: %d", r.Status)
		}
		if n := len(list("")); n != 2 {
			t.Fatalf("%d entries after deleting 坏", n)
		}
	})
}

func TestSettings(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		c := e.f.NewServer(t).Login(t, "admin")
		r := c.Do("GET", "/api/v1/notify-settings", nil)
		if r.Status != 200 || r.JSON()["sms_available"] != false || r.JSON()["base_url"] != base || len(r.JSON()["sms_kinds"].([]any)) != 0 {
			t.Fatalf("defaults: %s", r.Body)
		}
		if r := c.Do("PUT", "/api/v1/notify-settings", map[string]any{"sms_kinds": []string{"Bad Kind"}}); r.Status != 422 || r.Field("sms_kinds") == "" {
			t.Fatalf("bad kind: %s", r.Body)
		}
		e.n.SMS = &smsSender{}
		r = c.Do("PUT", "/api/v1/notify-settings", map[string]any{"sms_kinds": []string{"task.remind", " task.remind", "report."}})
		if r.Status != 200 || fmt.Sprint(r.JSON()["sms_kinds"]) != "[task.remind report.]" || r.JSON()["sms_available"] != true {
			t.Fatalf("put: %s", r.Body)
		}
		r = c.Do("GET", "/api/v1/notify-kinds", nil)
		if r.Status != 200 || !strings.Contains(string(r.Body), `"code":"notify.test"`) {
			t.Fatalf("kinds: %s", r.Body)
		}
	})
}

// Every signed-in user has an inbox and sees only their own.
func TestInbox(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		clients := loginAll(t, e.f.NewServer(t))
		for i := 1; i <= 3; i++ {
			e.send(t, notify.Message{Kind: "task.remind", Title: fmt.Sprintf("催办%d", i), Link: fmt.Sprintf("/tasks/%d", i),
				UserIDs: []int64{e.user("qs_staff")}})
			e.f.Clock.Advance(time.Minute)
		}
		e.send(t, notify.Message{Kind: "task.issued", Title: "给青石镇", UnitIDs: []int64{e.unit("QS")}}) // qs_admin and qs_staff
		staff, admin := clients["qs_staff"], clients["qs_admin"]

		// Everyone may look; each sees their own.
		want := map[string]int{"qs_staff": 4, "qs_admin": 1}
		for _, name := range who {
			c := clients[name]
			r := c.Do("GET", "/api/v1/inbox", nil)
			if r.Status != 200 || int(r.JSON()["total"].(float64)) != want[name] || int(r.JSON()["unread"].(float64)) != want[name] {
				t.Fatalf("%s inbox: %s", name, r.Body)
			}
			r = c.Do("GET", "/api/v1/inbox/unread-count", nil)
			if r.Status != 200 || int(r.JSON()["count"].(float64)) != want[name] {
				t.Fatalf("%s count: %s", name, r.Body)
			}
		}
		r := staff.Do("GET", "/api/v1/inbox?page_size=2", nil)
		items := r.JSON()["items"].([]any)
		if len(items) != 2 || items[0].(map[string]any)["title"] != "给青石镇" || items[1].(map[string]any)["title"] != "催办3" {
			t.Fatalf("newest first: %s", r.Body)
		}
		// Marking: one's own works (again is harmless); someone else's is
		// not found and stays unread.
		adminsID := int64(admin.Do("GET", "/api/v1/inbox", nil).JSON()["items"].([]any)[0].(map[string]any)["id"].(float64))
		staffID := int64(items[1].(map[string]any)["id"].(float64))
		for range 2 {
			if r := staff.Do("PUT", fmt.Sprintf("/api/v1/inbox/%d/read", staffID), nil); r.Status != 204 {
				t.Fatalf("mark own: %d %s", r.Status, r.Body)
			}
		}
		for _, name := range who {
			if name == "qs_admin" {
				continue
			}
			if r := clients[name].Do("PUT", fmt.Sprintf("/api/v1/inbox/%d/read", adminsID), nil); r.Status != 404 || r.ErrCode() != "not_found" {
				t.Fatalf("%s marked qs_admin's: %d %s", name, r.Status, r.Body)
			}
		}
		if n := e.f.Count(t, `SELECT COUNT(*) FROM notifications WHERE id = $1 AND read_at IS NULL`, adminsID); n != 1 {
			t.Fatal("another user's notification was marked read")
		}
		r = staff.Do("GET", "/api/v1/inbox?unread=true", nil)
		if int(r.JSON()["total"].(float64)) != 3 || len(r.JSON()["items"].([]any)) != 3 {
			t.Fatalf("unread filter: %s", r.Body)
		}
		for _, it := range r.JSON()["items"].([]any) {
			if it.(map[string]any)["read_at"] != nil {
				t.Fatalf("a read one in the unread list: %v", it)
			}
		}
		if r := staff.Do("GET", "/api/v1/inbox?unread=maybe", nil); r.Status != 422 {
			t.Fatalf("bad unread filter: %d", r.Status)
		}
		// Read-all touches only the caller's.
		r = staff.Do("PUT", "/api/v1/inbox/read-all", nil)
		if r.Status != 200 || r.JSON()["updated"] != 3.0 {
			t.Fatalf("read-all: %s", r.Body)
		}
		if r := staff.Do("GET", "/api/v1/inbox/unread-count", nil); r.JSON()["count"] != 0.0 {
			t.Fatalf("after read-all: %s", r.Body)
		}
		if r := admin.Do("GET", "/api/v1/inbox/unread-count", nil); r.JSON()["count"] != 1.0 {
			t.Fatalf("qs_admin after qs_staff's read-all: %s", r.Body)
		}
		if r := staff.Do("PUT", "/api/v1/inbox/99999/read", nil); r.Status != 404 {
			t.Fatalf("missing: %d", r.Status)
		}
		if r := e.f.NewServer(t).Client(t).Do("GET", "/api/v1/inbox", nil); r.Status != 401 {
			t.Fatalf("anonymous: %d", r.Status)
		}
	})
}
