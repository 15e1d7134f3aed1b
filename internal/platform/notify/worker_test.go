package notify_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"diaodu/internal/platform/db"
	"diaodu/internal/platform/notify"
	"diaodu/internal/testutil"
)

// remind is the message the format tests send.
func (e *env) remind() notify.Message {
	return notify.Message{Kind: "task.remind", Title: "催办：示督〔2026〕12号", Body: "请于11月30日前反馈进展。\n逾期将通报。",
		Link: "/tasks/12", ObjectType: "task", ObjectID: "12", UnitIDs: []int64{e.unit("QS")}}
}

// sameJSON compares two JSON documents by value.
func sameJSON(t *testing.T, got []byte, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("body is not JSON: %s", got)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("bad expectation: %v\n%s", err, want)
	}
	if !reflect.DeepEqual(g, w) {
		t.Fatalf("body\n%s\nwant\n%s", got, want)
	}
}

func hmacB64(key, data string) string {
	h := hmac.New(sha256.New, []byte(key))
	h.Write([]byte(data))
	return base64.StdEncoding.EncodeToString(h.Sum(nil))
}

// Each robot gets its documented message, signed as its platform checks it.
func TestFormats(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ms := strconv.FormatInt(e.wall.T.UnixMilli(), 10)
		secs := strconv.FormatInt(e.wall.T.Unix(), 10)
		const title = "催办：示督〔2026〕12号"
		cases := []struct {
			name, kind, secret, path string
			check                    func(t *testing.T, r captured, id int64)
		}{
			{"dingtalk signed", "dingtalk", "SECabc123", "/robot/send?access_token=tok1", func(t *testing.T, r captured, _ int64) {
				q := r.url.Query()
				if q.Get("access_token") != "tok1" || q.Get("timestamp") != ms {
					t.Fatalf("query %s, want the token and timestamp %s", r.url.RawQuery, ms)
				}
				// The sign is URL-encoded on the wire: base64 has + / =.
				if want := hmacB64("SECabc123", ms+"\nSECabc123"); q.Get("sign") != want ||
					!strings.Contains(r.url.RawQuery, "sign="+strings.NewReplacer("+", "%2B", "/", "%2F", "=", "%3D").Replace(want)) {
					t.Fatalf("sign in %s, want %s", r.url.RawQuery, want)
				}
				sameJSON(t, r.body, `{"msgtype":"markdown","markdown":{"title":"`+title+`","text":"#### `+title+
					`\n\n请于11月30日前反馈进展。\n\n逾期将通报。\n\n[查看详情](`+base+`/tasks/12)\n\n> 调度平台"}}`)
			}},
			{"dingtalk unsigned", "dingtalk", "", "/robot/send?access_token=tok2", func(t *testing.T, r captured, _ int64) {
				if r.url.RawQuery != "access_token=tok2" {
					t.Fatalf("query %s", r.url.RawQuery)
				}
			}},
			{"wecom", "wecom", "", "/cgi-bin/webhook/send?key=k-1", func(t *testing.T, r captured, _ int64) {
				if r.url.RawQuery != "key=k-1" || r.header.Get("Content-Type") != "application/json; charset=utf-8" {
					t.Fatalf("query %s, content type %s", r.url.RawQuery, r.header.Get("Content-Type"))
				}
				sameJSON(t, r.body, `{"msgtype":"markdown","markdown":{"content":"**`+title+
					`**\n请于11月30日前反馈进展。\n逾期将通报。\n[查看详情](`+base+`/tasks/12)\n<font color=\"comment\">调度平台</font>"}}`)
			}},
			{"feishu signed", "feishu", "fs-secret", "/open-apis/bot/v2/hook/h1", func(t *testing.T, r captured, _ int64) {
				sameJSON(t, r.body, `{"timestamp":"`+secs+`","sign":"`+hmacB64(secs+"\nfs-secret", "")+`","msg_type":"post",
					"content":{"post":{"zh_cn":{"title":"`+title+`","content":[
					[{"tag":"text","text":"请于11月30日前反馈进展。"}],[{"tag":"text","text":"逾期将通报。"}],
					[{"tag":"a","text":"查看详情","href":"`+base+`/tasks/12"}],[{"tag":"text","text":"—— 调度平台"}]]}}}}`)
			}},
			{"feishu unsigned", "feishu", "", "/open-apis/bot/v2/hook/h2", func(t *testing.T, r captured, _ int64) {
				var m map[string]any
				_ = json.Unmarshal(r.body, &m)
				if _, ok := m["sign"]; ok || m["msg_type"] != "post" {
					t.Fatalf("unsigned body %s", r.body)
				}
			}},
			{"webhook signed", "webhook", "wh-secret", "/hooks/diaodu", func(t *testing.T, r captured, id int64) {
				h := hmac.New(sha256.New, []byte("wh-secret"))
				h.Write(r.body)
				if got, want := r.header.Get("X-Diaodu-Signature"), "sha256="+hex.EncodeToString(h.Sum(nil)); got != want {
					t.Fatalf("signature %s, want %s", got, want)
				}
				sameJSON(t, r.body, fmt.Sprintf(`{"id":%d,"kind":"task.remind","title":"`+title+`","body":"请于11月30日前反馈进展。\n逾期将通报。",
					"link":"/tasks/12","url":"`+base+`/tasks/12","object_type":"task","object_id":"12","created_at":"2026-11-26T01:00:00Z"}`, id))
			}},
			{"webhook unsigned", "webhook", "", "/hooks/plain", func(t *testing.T, r captured, _ int64) {
				if _, ok := r.header["X-Diaodu-Signature"]; ok {
					t.Fatal("a signature without a secret")
				}
			}},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				rc := newReceiver(t, nil)
				ch := e.channel(t, notify.ChannelInput{Name: &c.name, Kind: &c.kind, URL: ptr(rc.URL + c.path), Secret: &c.secret})
				e.send(t, e.remind())
				e.deliver(t, 1)
				// Deactivated at once, so the next case's message is its own.
				if _, err := e.n.SaveChannel(ctx, e.f.Users["admin"], ch.ID, notify.ChannelInput{Active: ptr(false)}); err != nil {
					t.Fatal(err)
				}
				reqs := rc.requests()
				if len(reqs) != 1 {
					t.Fatalf("%d requests", len(reqs))
				}
				id := e.onlyDelivery(t, ch.ID)
				c.check(t, reqs[0], id)
				if dl := e.delivery(t, id); dl.status != notify.StatusSent || !dl.sent || dl.attempts != 1 || dl.code != 200 ||
					!strings.Contains(dl.body, "errcode") || dl.lastError != "" {
					t.Fatalf("logged %+v", dl)
				}
			})
		}
	})
}

// Without a base URL the link stays an SPA path, written out as text.
func TestRelativeLinks(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.n.BaseURL = ""
		rc := newReceiver(t, nil)
		ding := e.channel(t, notify.ChannelInput{Name: ptr("钉钉"), Kind: ptr("dingtalk"), URL: ptr(rc.URL + "/d")})
		hook := e.channel(t, notify.ChannelInput{Name: ptr("通用"), Kind: ptr("webhook"), URL: ptr(rc.URL + "/w")})
		m := e.remind()
		m.Body = ""
		e.send(t, m)
		e.deliver(t, 2)
		for _, r := range rc.requests() {
			switch r.url.Path {
			case "/d":
				sameJSON(t, r.body, `{"msgtype":"markdown","markdown":{"title":"催办：示督〔2026〕12号",
					"text":"#### 催办：示督〔2026〕12号\n\n详情：/tasks/12\n\n> 调度平台"}}`)
			case "/w":
				var p map[string]any
				_ = json.Unmarshal(r.body, &p)
				if p["link"] != "/tasks/12" || p["url"] != "" {
					t.Fatalf("generic body %s", r.body)
				}
			}
		}
		if len(rc.requests()) != 2 || e.delivery(t, e.onlyDelivery(t, ding.ID)).status != "sent" ||
			e.delivery(t, e.onlyDelivery(t, hook.ID)).status != "sent" {
			t.Fatalf("requests %d", len(rc.requests()))
		}
	})
}

// A robot that answers HTTP 200 with an error code refused the message.
func TestRobotErrorCodes(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		cases := []struct {
			kind, answer string
			status       int
			want         string // "" success, else a fragment of the logged error
		}{
			{"dingtalk", `{"errcode":310000,"errmsg":"sign not match"}`, 200, "errcode=310000"},
			{"dingtalk", `{"errmsg":"ok"}`, 200, "errcode"},
			{"dingtalk", `<html>bad gateway</html>`, 200, "JSON"},
			{"wecom", `{"errcode":93000,"errmsg":"invalid webhook url"}`, 200, "errcode=93000"},
			{"wecom", `{"errcode":0,"errmsg":"ok"}`, 200, ""},
			{"feishu", `{"code":19021,"msg":"sign match fail or timestamp is not within one hour from current time"}`, 200, "code=19021"},
			{"feishu", `{"StatusCode":0,"StatusMessage":"success"}`, 200, ""},
			{"feishu", `{"StatusCode":9499,"StatusMessage":"Bad Request"}`, 200, "StatusCode=9499"},
			{"webhook", `anything`, 204, ""},
			{"webhook", `{"errcode":1}`, 200, ""}, // generic receivers are judged by status only
			{"webhook", `no`, 302, "HTTP 302"},
		}
		for i, c := range cases {
			t.Run(fmt.Sprintf("%s %d", c.kind, i), func(t *testing.T) {
				rc := newReceiver(t, answerJSON(c.status, c.answer))
				ch := e.channel(t, notify.ChannelInput{Name: ptr("r" + strconv.Itoa(i)), Kind: &c.kind, URL: ptr(rc.URL + "/x")})
				e.send(t, notify.Message{Kind: "task.remind", Title: "催办"})
				e.deliver(t, 1)
				if _, err := e.n.SaveChannel(ctx, e.f.Users["admin"], ch.ID, notify.ChannelInput{Active: ptr(false)}); err != nil {
					t.Fatal(err)
				}
				dl := e.delivery(t, e.onlyDelivery(t, ch.ID))
				if c.want == "" {
					if dl.status != notify.StatusSent || dl.lastError != "" {
						t.Fatalf("want sent, logged %+v", dl)
					}
					return
				}
				if dl.status != notify.StatusFailed || !strings.Contains(dl.lastError, c.want) || dl.code != c.status || dl.sent ||
					!dl.next.Equal(e.f.Clock.Now().Add(30*time.Second)) {
					t.Fatalf("want failed with %q, retried in 30 s; logged %+v", c.want, dl)
				}
				if c.status == 200 && dl.body != c.answer {
					t.Fatalf("logged answer %q", dl.body)
				}
			})
		}
	})
}

// A receiver that hangs or fails is retried on the backoff schedule, each
// attempt logged, and given up after the last one.
func TestRetriesThenDead(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.n.Timeout = 150 * time.Millisecond
		for _, c := range []struct {
			name   string
			answer func(w http.ResponseWriter, r *http.Request)
			err    string
			code   int
		}{
			{"hangs", hang, "超时", 0},
			{"500", answerJSON(500, `{"error":"boom"}`), "HTTP 500", 500},
		} {
			t.Run(c.name, func(t *testing.T) {
				rc := newReceiver(t, c.answer)
				ch := e.channel(t, notify.ChannelInput{Name: ptr("坏通道"), Kind: ptr("webhook"), URL: ptr(rc.URL)})
				// The next case starts from an empty outbox.
				defer func() {
					if err := e.n.DeleteChannel(ctx, e.f.Users["admin"], ch.ID); err != nil {
						t.Fatal(err)
					}
				}()
				start := time.Now()
				e.send(t, notify.Message{Kind: "task.remind", Title: "催办", UnitIDs: []int64{e.unit("QS")}})
				if time.Since(start) > time.Second {
					t.Fatal("Send waited for the receiver")
				}
				id := e.onlyDelivery(t, ch.ID)
				for attempt, wait := range append([]time.Duration{0}, notify.DefaultBackoff...) {
					if wait > time.Second {
						e.f.Clock.Advance(wait - time.Second)
						e.deliver(t, 0) // not due yet
						e.f.Clock.Advance(time.Second)
					}
					e.deliver(t, 1)
					dl := e.delivery(t, id)
					if dl.attempts != attempt+1 || !strings.Contains(dl.lastError, c.err) || dl.code != c.code || dl.sent {
						t.Fatalf("attempt %d logged %+v", attempt+1, dl)
					}
					if attempt < len(notify.DefaultBackoff) {
						next := notify.DefaultBackoff[attempt]
						if dl.status != notify.StatusFailed || !dl.next.Equal(e.f.Clock.Now().Add(next)) {
							t.Fatalf("attempt %d: %s, next at %v; want failed, next in %v", attempt+1, dl.status, dl.next, next)
						}
					} else if dl.status != notify.StatusDead {
						t.Fatalf("after %d attempts: %s, want dead", attempt+1, dl.status)
					}
				}
				e.f.Clock.Advance(24 * time.Hour)
				e.deliver(t, 0)
				if n := len(rc.requests()); n != 6 {
					t.Fatalf("%d requests, want 6", n)
				}
				// The log shows it, and a manual retry queues it again.
				items, total, err := e.n.ListDeliveries(ctx, e.f.Users["admin"], notify.DeliveryFilter{Status: "dead"}, 10, 0)
				if err != nil || total != 1 || items[0].ID != id || items[0].Attempts != 6 || items[0].ChannelName != "坏通道" || items[0].NextAttemptAt != nil {
					t.Fatalf("dead log: %+v %d %v", items, total, err)
				}
				if err := e.n.RetryDelivery(ctx, e.f.Users["admin"], id); err != nil {
					t.Fatal(err)
				}
				if dl := e.delivery(t, id); dl.status != notify.StatusPending || dl.attempts != 0 {
					t.Fatalf("after retry %+v", dl)
				}
				e.deliver(t, 1)
				if n := len(rc.requests()); n != 7 {
					t.Fatalf("%d requests after the retry, want 7", n)
				}
			})
		}
	})
}

// Two workers polling the same outbox never send a delivery twice.
func TestTwoWorkersNoDoubleSend(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		var mu sync.Mutex
		got := map[float64]int{}
		rc := newReceiver(t, func(w http.ResponseWriter, r *http.Request) {
			time.Sleep(3 * time.Millisecond)
			w.WriteHeader(200)
		})
		for i := range 3 {
			e.channel(t, notify.ChannelInput{Name: ptr("c" + strconv.Itoa(i)), Kind: ptr("webhook"), URL: ptr(rc.URL)})
		}
		for i := range 20 {
			e.send(t, notify.Message{Kind: "task.remind", Title: "催办" + strconv.Itoa(i)})
		}
		workers := []*notify.Notifier{e.n, notify.New(d, e.f.Clock), notify.New(d, e.f.Clock)}
		var wg sync.WaitGroup
		for _, w := range workers {
			w.Batch, w.Concurrency = 7, 3
			wg.Go(func() {
				if _, err := w.DeliverDue(ctx); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		for _, r := range rc.requests() {
			var p map[string]any
			_ = json.Unmarshal(r.body, &p)
			mu.Lock()
			got[p["id"].(float64)]++
			mu.Unlock()
		}
		if len(got) != 60 {
			t.Fatalf("%d distinct deliveries sent, want 60", len(got))
		}
		for id, k := range got {
			if k != 1 {
				t.Fatalf("delivery %v sent %d times", id, k)
			}
		}
		if n := e.f.Count(t, `SELECT COUNT(*) FROM notify_deliveries WHERE status = 'sent' AND attempts = 1`); n != 60 {
			t.Fatalf("%d sent once, want 60", n)
		}
	})
}

// A replica that crashed mid-send leaves its claim; the delivery is tried
// again once the lease has run out, not before.
func TestCrashedClaimRetried(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		rc := newReceiver(t, nil)
		ch := e.channel(t, notify.ChannelInput{Name: ptr("全区"), Kind: ptr("webhook"), URL: ptr(rc.URL)})
		e.send(t, notify.Message{Kind: "task.remind", Title: "催办"})
		id := e.onlyDelivery(t, ch.ID)
		// What a claim writes, with no outcome after it.
		lease := e.f.Clock.Now().Add(e.n.Timeout + time.Minute)
		if _, err := d.W.ExecContext(ctx, `UPDATE notify_deliveries SET attempts = 1, next_attempt_at = $1 WHERE id = $2`, lease, id); err != nil {
			t.Fatal(err)
		}
		e.deliver(t, 0)
		e.f.Clock.Advance(e.n.Timeout + time.Minute)
		e.deliver(t, 1)
		if dl := e.delivery(t, id); dl.status != notify.StatusSent || dl.attempts != 2 || len(rc.requests()) != 1 {
			t.Fatalf("after the lease %+v, %d requests", dl, len(rc.requests()))
		}
	})
}

// Deliveries of a channel switched off die instead of flooding the group
// when it is switched on again.
func TestInactiveChannelDeliveriesDie(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		rc := newReceiver(t, nil)
		ch := e.channel(t, notify.ChannelInput{Name: ptr("全区"), Kind: ptr("webhook"), URL: ptr(rc.URL)})
		e.send(t, notify.Message{Kind: "task.remind", Title: "催办"})
		if _, err := e.n.SaveChannel(ctx, e.f.Users["admin"], ch.ID, notify.ChannelInput{Active: ptr(false)}); err != nil {
			t.Fatal(err)
		}
		e.deliver(t, 1)
		if dl := e.delivery(t, e.onlyDelivery(t, ch.ID)); dl.status != notify.StatusDead || len(rc.requests()) != 0 {
			t.Fatalf("%+v, %d requests", dl, len(rc.requests()))
		}
	})
}

// The background worker delivers on its own and stops with its context;
// a hanging receiver holds up neither a request nor the shutdown for long.
func TestStartAndWait(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.n.PollInterval, e.n.Timeout = 20*time.Millisecond, 300*time.Millisecond
		good := newReceiver(t, nil)
		bad := newReceiver(t, hang)
		e.channel(t, notify.ChannelInput{Name: ptr("好"), Kind: ptr("webhook"), URL: ptr(good.URL)})
		e.channel(t, notify.ChannelInput{Name: ptr("坏"), Kind: ptr("webhook"), URL: ptr(bad.URL)})
		bg, cancel := context.WithCancel(ctx)
		e.n.Start(bg)
		e.send(t, notify.Message{Kind: "task.remind", Title: "催办"})
		deadline := time.Now().Add(5 * time.Second)
		for len(good.requests()) == 0 || len(bad.requests()) == 0 {
			if time.Now().After(deadline) {
				t.Fatal("the worker did not deliver")
			}
			time.Sleep(10 * time.Millisecond)
		}
		cancel()
		start := time.Now()
		e.n.Wait()
		if time.Since(start) > 2*time.Second {
			t.Fatal("Wait took longer than a send timeout")
		}
		if n := e.f.Count(t, `SELECT COUNT(*) FROM notify_deliveries WHERE status = 'sent'`); n != 1 {
			t.Fatalf("%d sent", n)
		}
		if n := e.f.Count(t, `SELECT COUNT(*) FROM notify_deliveries WHERE status = 'failed' AND attempts = 1`); n != 1 {
			t.Fatalf("%d failed after the hanging receiver", n)
		}
	})
}
