package notify_test

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"

	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/db"
	"diaodu/internal/platform/notify"
	"diaodu/internal/platform/settings"
	"diaodu/internal/testutil"
)

// inboxOf lists the users who got the message with object id oid.
func (e *env) inboxOf(t *testing.T, oid string) []string {
	t.Helper()
	rows, err := e.f.App.DB.R.QueryContext(ctx, `SELECT x.username FROM notifications n JOIN users x ON x.id = n.user_id
		WHERE n.object_id = $1 ORDER BY x.username`, oid)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

func TestRecipients(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.f.AddUser(t, "qs_field", "QS", "field")             // field staff of the unit: not reached through it
		e.f.AddUser(t, "qs_both", "QS", "field", "staff")     // staff among other roles: reached
		gone := e.f.AddUser(t, "qs_gone", "QS", "unit_admin") // inactive: never reached
		e.f.AddUser(t, "qs_leader", "QS", "leader")
		if _, err := d.W.ExecContext(ctx, `UPDATE users SET active = FALSE WHERE id = $1`, gone.UserID); err != nil {
			t.Fatal(err)
		}

		// Units reach their unit_admin and staff; users are reached directly
		// whatever their role; each user gets one entry.
		if !e.send(t, notify.Message{Kind: "task.remind", Title: "催办", Link: "/tasks/1", ObjectType: "task", ObjectID: "1",
			UnitIDs: []int64{e.unit("QS"), e.unit("QS")}, UserIDs: []int64{e.user("leader"), e.user("qs_admin"), e.user("zj_field")}}) {
			t.Fatal("a new message reported as seen")
		}
		want := []string{"leader", "qs_admin", "qs_both", "qs_staff", "zj_field"}
		if got := e.inboxOf(t, "1"); !slices.Equal(got, want) {
			t.Fatalf("recipients %v, want %v", got, want)
		}
		// A village's unit reaches only its unit_admin and staff (张家村 has
		// field staff only); an inactive user named directly is not reached.
		e.send(t, notify.Message{Kind: "task.remind", Title: "催办", ObjectID: "2", UnitIDs: []int64{e.unit("QS-ZJ")},
			UserIDs: []int64{gone.UserID}})
		if got := e.inboxOf(t, "2"); len(got) != 0 {
			t.Fatalf("a village with only field staff and an inactive user reached %v", got)
		}
		e.send(t, notify.Message{Kind: "task.remind", Title: "催办", ObjectID: "3", UnitIDs: []int64{e.unit("D")}})
		if got := e.inboxOf(t, "3"); len(got) != 0 {
			t.Fatalf("the district unit (admin, supervisor, leader, judge) reached %v", got)
		}
		// The rows carry the message.
		var kind, title, link, otype string
		if err := d.R.QueryRowContext(ctx, `SELECT kind, title, link, object_type FROM notifications WHERE object_id = '1'
			AND user_id = $1`, e.user("qs_staff")).Scan(&kind, &title, &link, &otype); err != nil {
			t.Fatal(err)
		}
		if kind != "task.remind" || title != "催办" || link != "/tasks/1" || otype != "task" {
			t.Fatalf("stored %q %q %q %q", kind, title, link, otype)
		}
	})
}

func TestSendNeedsKindAndTitle(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		for _, m := range []notify.Message{{Title: "无类型"}, {Kind: "task.remind", Title: " "}} {
			err := e.f.App.Audit.Write(ctx, system, func(w *audit.W) error {
				_, err := e.n.Send(ctx, w, m)
				return err
			})
			if err == nil {
				t.Fatalf("%+v sent", m)
			}
		}
	})
}

func TestDedup(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		rc := newReceiver(t, nil)
		e.channel(t, notify.ChannelInput{Name: ptr("全区"), Kind: ptr("webhook"), URL: ptr(rc.URL)})
		m := notify.Message{Kind: "task.remind", Title: "催办", UnitIDs: []int64{e.unit("QS")}, DedupKey: "remind:12:2026-11-26"}
		if !e.send(t, m) {
			t.Fatal("the first send was reported as a repeat")
		}
		if e.send(t, m) {
			t.Fatal("the second send with the same key was reported as new")
		}
		if n := e.f.Count(t, `SELECT COUNT(*) FROM notifications`); n != 2 {
			t.Fatalf("%d inbox rows, want 2 (qs_admin, qs_staff once)", n)
		}
		if n := e.f.Count(t, `SELECT COUNT(*) FROM notify_deliveries`); n != 1 {
			t.Fatalf("%d deliveries, want 1", n)
		}
		// Another key is another message.
		m.DedupKey = "remind:12:2026-11-27"
		if !e.send(t, m) || e.f.Count(t, `SELECT COUNT(*) FROM notifications`) != 4 {
			t.Fatal("a new key did not send")
		}
	})
}

// Concurrent writers with the same key: exactly one sends.
func TestDedupConcurrent(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		var wg sync.WaitGroup
		var mu sync.Mutex
		fresh := 0
		for range 6 {
			wg.Go(func() {
				err := e.f.App.Audit.Write(ctx, system, func(w *audit.W) error {
					ok, err := e.n.Send(ctx, w, notify.Message{Kind: "task.remind", Title: "催办", UserIDs: []int64{e.user("qs_staff")},
						DedupKey: "same"})
					if ok {
						mu.Lock()
						fresh++
						mu.Unlock()
					}
					if err != nil {
						return err
					}
					return w.Record(audit.Entry{Action: "test.write", ObjectType: "test"})
				})
				if err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		if n := e.f.Count(t, `SELECT COUNT(*) FROM notifications`); fresh != 1 || n != 1 {
			t.Fatalf("%d sends reported new, %d inbox rows; want 1 and 1", fresh, n)
		}
	})
}

func TestRollbackLeavesNothing(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		rc := newReceiver(t, nil)
		e.channel(t, notify.ChannelInput{Name: ptr("全区"), Kind: ptr("webhook"), URL: ptr(rc.URL)})
		m := notify.Message{Kind: "task.remind", Title: "催办", UnitIDs: []int64{e.unit("QS")}, DedupKey: "k1"}
		err := e.f.App.Audit.Write(ctx, system, func(w *audit.W) error {
			if ok, err := e.n.Send(ctx, w, m); !ok || err != nil {
				t.Fatalf("send: %v %v", ok, err)
			}
			if err := w.Record(audit.Entry{Action: "test.write", ObjectType: "test"}); err != nil {
				return err
			}
			return errRollback
		})
		if err != errRollback {
			t.Fatalf("write: %v", err)
		}
		for _, table := range []string{"notifications", "notify_deliveries", "notify_dedup"} {
			if n := e.f.Count(t, `SELECT COUNT(*) FROM `+table); n != 0 {
				t.Fatalf("%d rows in %s after the rollback", n, table)
			}
		}
		e.deliver(t, 0)
		if len(rc.requests()) != 0 {
			t.Fatal("a rolled-back message reached the receiver")
		}
		// The key was not used up: the write done again notifies.
		if !e.send(t, m) {
			t.Fatal("the key of a rolled-back write blocks the retry")
		}
	})
}

// Many recipients go in with the bulk copy.
func TestManyRecipients(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ids := []int64{}
		rows := [][]any{}
		for i := range 120 {
			rows = append(rows, []any{"bulk" + itoa(int64(i)), "批量", e.unit("LX"), "staff", e.f.Clock.Now(), e.f.Clock.Now()})
		}
		if err := d.InTx(ctx, func(tx *db.Tx) error {
			_, err := tx.CopyFrom(ctx, "users", []string{"username", "real_name", "unit_id", "roles", "created_at", "updated_at"}, rows)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		r, err := d.R.QueryContext(ctx, `SELECT id FROM users WHERE username LIKE 'bulk%'`)
		if err != nil {
			t.Fatal(err)
		}
		for r.Next() {
			var id int64
			_ = r.Scan(&id)
			ids = append(ids, id)
		}
		r.Close()
		e.send(t, notify.Message{Kind: "report.due", Title: "报送提醒", ObjectID: "bulk", UserIDs: ids, UnitIDs: []int64{e.unit("LX")}})
		if n := e.f.Count(t, `SELECT COUNT(*) FROM notifications WHERE object_id = 'bulk'`); n != 121 {
			t.Fatalf("%d inbox rows, want 121 (120 staff and lx_admin)", n)
		}
	})
}

// channelsOf lists the channel names that got a delivery of object oid.
func (e *env) channelsOf(t *testing.T, oid string) []string {
	t.Helper()
	rows, err := e.f.App.DB.R.QueryContext(ctx, `SELECT c.name FROM notify_deliveries d JOIN notify_channels c ON c.id = d.channel_id
		WHERE d.object_id = $1 ORDER BY c.name`, oid)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

func TestChannelFiltering(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		rc := newReceiver(t, nil)
		mk := func(name string, unit int64, kinds []string, active bool) {
			e.channel(t, notify.ChannelInput{Name: &name, Kind: ptr("webhook"), URL: ptr(rc.URL), UnitID: &unit, Kinds: &kinds, Active: &active})
		}
		mk("A全区全部", 0, nil, true)
		mk("B全区督办", 0, []string{"task."}, true)
		mk("C青石镇", e.unit("QS"), nil, true)
		mk("D柳溪镇", e.unit("LX"), nil, true)
		mk("E停用", 0, nil, false)
		mk("F报送", 0, []string{"report"}, true)
		mk("G青石镇催办", e.unit("QS"), []string{"task.remind"}, true)

		cases := []struct {
			oid  string
			m    notify.Message
			want []string
		}{
			// A village of 青石镇 lies in its subtree.
			{"1", notify.Message{Kind: "task.remind", UnitIDs: []int64{e.unit("QS-ZJ")}}, []string{"A全区全部", "B全区督办", "C青石镇", "G青石镇催办"}},
			{"2", notify.Message{Kind: "task.issued", UnitIDs: []int64{e.unit("QS")}}, []string{"A全区全部", "B全区督办", "C青石镇"}},
			// Recipients named as users bring their units.
			{"3", notify.Message{Kind: "report.due", UserIDs: []int64{e.user("lx_admin")}}, []string{"A全区全部", "D柳溪镇", "F报送"}},
			// "task." does not select "tasks.x"; 区发改局 is under no unit channel.
			{"4", notify.Message{Kind: "tasks.x", UnitIDs: []int64{e.unit("FGJ")}}, []string{"A全区全部"}},
			// The district unit is not inside 青石镇's subtree.
			{"5", notify.Message{Kind: "task.remind", UnitIDs: []int64{e.unit("D")}}, []string{"A全区全部", "B全区督办"}},
			// No recipients: district channels only.
			{"6", notify.Message{Kind: "report.summary"}, []string{"A全区全部", "F报送"}},
		}
		for _, c := range cases {
			c.m.Title, c.m.ObjectID = "消息"+c.oid, c.oid
			e.send(t, c.m)
			if got := e.channelsOf(t, c.oid); !slices.Equal(got, c.want) {
				t.Errorf("%s %v: channels %v, want %v", c.m.Kind, c.m.UnitIDs, got, c.want)
			}
		}
	})
}

// smsSender records texts; it fails for numbers starting with fail.
type smsSender struct {
	mu    sync.Mutex
	sent  []string
	calls int
}

func (s *smsSender) SendSMS(_ context.Context, phone, text string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	s.sent = append(s.sent, phone+" "+text)
	return nil
}

func TestSMS(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		if _, err := d.W.ExecContext(ctx, `UPDATE users SET phone = '13800000001' WHERE id = $1`, e.user("qs_admin")); err != nil {
			t.Fatal(err)
		}
		msg := notify.Message{Kind: "task.remind", Title: "催办", Body: "请反馈", Link: "/tasks/5", UnitIDs: []int64{e.unit("QS")}}
		// No sender: nothing is queued even for a listed kind.
		if err := e.f.App.Audit.Write(ctx, system, func(w *audit.W) error {
			if err := settings.Put(ctx, w, notify.SMSSettingKey, notify.SMSSetting{Kinds: []string{"task.remind"}}, w.Now()); err != nil {
				return err
			}
			return w.Record(audit.Entry{Action: "test.write", ObjectType: "test"})
		}); err != nil {
			t.Fatal(err)
		}
		e.send(t, msg)
		if n := e.f.Count(t, `SELECT COUNT(*) FROM notify_deliveries`); n != 0 {
			t.Fatalf("%d deliveries without an SMS sender", n)
		}
		sms := &smsSender{}
		e.n.SMS = sms
		// A kind not listed: no SMS.
		e.send(t, notify.Message{Kind: "task.issued", Title: "下发", UnitIDs: []int64{e.unit("QS")}})
		if n := e.f.Count(t, `SELECT COUNT(*) FROM notify_deliveries`); n != 0 {
			t.Fatalf("%d deliveries for a kind not listed", n)
		}
		// Listed: one SMS per recipient with a phone (qs_staff has none).
		e.send(t, msg)
		if n := e.f.Count(t, `SELECT COUNT(*) FROM notify_deliveries WHERE channel_id IS NULL AND user_id = $1`, e.user("qs_admin")); n != 1 {
			t.Fatalf("%d SMS deliveries, want 1", n)
		}
		e.deliver(t, 1)
		if len(sms.sent) != 1 || sms.sent[0] != "13800000001 催办：请反馈 "+base+"/tasks/5" {
			t.Fatalf("texts %q", sms.sent)
		}
		// The log names the user, not the number.
		items, _, err := e.n.ListDeliveries(ctx, e.f.Users["admin"], notify.DeliveryFilter{ChannelID: -1}, 10, 0)
		if err != nil || len(items) != 1 || items[0].ChannelKind != "sms" || items[0].UserName != "测试qs_admin" ||
			items[0].Status != notify.StatusSent || strings.Contains(items[0].ResponseBody+items[0].LastError, "1380") {
			t.Fatalf("log %+v %v", items, err)
		}
		// The sender removed later: queued texts die instead of waiting forever.
		e.send(t, msg)
		e.n.SMS = nil
		e.deliver(t, 1)
		var status, lastErr string
		if err := d.R.QueryRowContext(ctx, `SELECT status, last_error FROM notify_deliveries ORDER BY id DESC LIMIT 1`).
			Scan(&status, &lastErr); err != nil || status != notify.StatusDead || !strings.Contains(lastErr, "短信") {
			t.Fatalf("without a sender: %s %q %v", status, lastErr, err)
		}
	})
}
