package audit_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/clock"
	"diaodu/internal/platform/db"
	"diaodu/internal/testutil"
)

var ctx = context.Background()

// chain makes a log with n entries, at a time with nanoseconds (stored
// with microseconds) so the hash must survive the database round trip.
func chain(t *testing.T, d *db.DB, n int) *audit.Log {
	t.Helper()
	clk := &clock.Fixed{T: time.Date(2026, 11, 26, 9, 0, 0, 123456789, clock.Shanghai)}
	l := &audit.Log{DB: d, Clock: clk}
	a := &auth.Actor{UserID: 7, Username: "王五", UnitID: 3, IP: "192.0.2.10"}
	for i := 1; i <= n; i++ {
		e := audit.Entry{Action: "unit.update", ObjectType: "unit", ObjectID: fmt.Sprint(i), UnitID: int64(i%3 + 1),
			Summary: fmt.Sprintf("第%d次修改", i), Before: map[string]any{"name": "旧"}, After: map[string]any{"name": "新", "n": i}}
		if i%4 == 0 {
			e.Before, e.UnitID = nil, 0 // no unit, no before
		}
		if err := l.Append(ctx, a, e); err != nil {
			t.Fatal(err)
		}
		clk.Advance(time.Second + time.Nanosecond)
	}
	return l
}

func exec(t *testing.T, d *db.DB, q string, args ...any) {
	t.Helper()
	if _, err := d.W.ExecContext(ctx, q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func TestVerifyFreshChain(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		empty, err := (&audit.Log{DB: d, Clock: clock.System{}}).Verify(ctx)
		if err != nil || !empty.OK || empty.Checked != 0 || empty.Problems == nil || len(empty.Problems) != 0 {
			t.Fatalf("empty chain: %+v %v", empty, err)
		}
		l := chain(t, d, 15)
		rep, err := l.Verify(ctx)
		if err != nil || !rep.OK || rep.Checked != 15 || len(rep.Problems) != 0 {
			t.Fatalf("fresh chain: %+v %v", rep, err)
		}
		// Entries link: each prev_hash is the hash before it.
		rows, err := d.R.QueryContext(ctx, `SELECT seq, prev_hash, hash FROM audit_log ORDER BY seq`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		prev, want := "", int64(1)
		for rows.Next() {
			var seq int64
			var p, h string
			if err := rows.Scan(&seq, &p, &h); err != nil {
				t.Fatal(err)
			}
			if seq != want || p != prev || len(h) != 64 {
				t.Fatalf("entry %d: prev %q (want %q), hash %q", seq, p, prev, h)
			}
			prev, want = h, want+1
		}
	})
}

// Tampering with the stored trail is named by Verify.
func TestVerifyTamper(t *testing.T) {
	t.Parallel()
	type problem struct {
		seq  int64
		text string
	}
	cases := []struct {
		name   string
		tamper func(t *testing.T, d *db.DB, l *audit.Log)
		want   []problem // exactly these, in order
	}{
		{"summary edited", func(t *testing.T, d *db.DB, l *audit.Log) {
			exec(t, d, `UPDATE audit_log SET summary = '无事发生' WHERE seq = 5`)
		}, []problem{{5, "entry 5 was altered"}}},
		{"after edited", func(t *testing.T, d *db.DB, l *audit.Log) {
			exec(t, d, `UPDATE audit_log SET after_json = '{"name":"新","n":99}' WHERE seq = 9`)
		}, []problem{{9, "entry 9 was altered"}}},
		{"user changed", func(t *testing.T, d *db.DB, l *audit.Log) {
			exec(t, d, `UPDATE audit_log SET user_id = 1, username = 'admin' WHERE seq = 1`)
		}, []problem{{1, "entry 1 was altered"}}},
		{"address changed", func(t *testing.T, d *db.DB, l *audit.Log) {
			exec(t, d, `UPDATE audit_log SET ip = '10.0.0.1' WHERE seq = 15`)
		}, []problem{{15, "entry 15 was altered"}}},
		{"edited and rehashed", func(t *testing.T, d *db.DB, l *audit.Log) {
			exec(t, d, `UPDATE audit_log SET summary = '无事发生' WHERE seq = 5`)
			if err := audit.Rehash(ctx, l, 5); err != nil {
				t.Fatal(err)
			}
		}, []problem{{6, "entry 6 does not follow the previous entry's hash"}}},
		{"middle entry deleted", func(t *testing.T, d *db.DB, l *audit.Log) {
			exec(t, d, `DELETE FROM audit_log WHERE seq = 7`)
		}, []problem{{8, "entries 7 to 7 are missing"}, {8, "entry 8 does not follow"}}},
		{"two entries deleted", func(t *testing.T, d *db.DB, l *audit.Log) {
			exec(t, d, `DELETE FROM audit_log WHERE seq IN (7, 8)`)
		}, []problem{{9, "entries 7 to 8 are missing"}, {9, "entry 9 does not follow"}}},
		{"first entry deleted", func(t *testing.T, d *db.DB, l *audit.Log) {
			exec(t, d, `DELETE FROM audit_log WHERE seq = 1`)
		}, []problem{{2, "entries 1 to 1 are missing"}, {2, "entry 2 does not follow"}}},
		{"last entry deleted", func(t *testing.T, d *db.DB, l *audit.Log) {
			exec(t, d, `DELETE FROM audit_log WHERE seq = 15`)
		}, []problem{{15, "the chain's last entries (up to 15) are missing"}}},
		{"entry forged at the end", func(t *testing.T, d *db.DB, l *audit.Log) {
			var h string
			if err := d.R.QueryRowContext(ctx, `SELECT hash FROM audit_log WHERE seq = 15`).Scan(&h); err != nil {
				t.Fatal(err)
			}
			exec(t, d, `INSERT INTO audit_log (seq, at, username, action, object_type, summary, prev_hash, hash)
				SELECT 16, at, 'admin', 'unit.delete', 'unit', '伪造', hash, 'f00d' FROM audit_log WHERE seq = 15`)
		}, []problem{{16, "entry 16 was altered"}, {15, "the chain's last entries (up to 15)"}}},
		{"entries swapped", func(t *testing.T, d *db.DB, l *audit.Log) {
			exec(t, d, `UPDATE audit_log SET seq = 100 WHERE seq = 3`)
			exec(t, d, `UPDATE audit_log SET seq = 3 WHERE seq = 4`)
			exec(t, d, `UPDATE audit_log SET seq = 4 WHERE seq = 100`)
		}, []problem{{3, "entry 3 does not follow"}, {3, "entry 3 was altered"}, {4, "entry 4 does not follow"},
			{4, "entry 4 was altered"}, {5, "entry 5 does not follow"}}},
	}
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				// A fresh chain for each case, in the same database.
				exec(t, d, `DELETE FROM audit_log`)
				exec(t, d, `UPDATE audit_head SET seq = 0, hash = ''`)
				l := chain(t, d, 15)
				if rep, _ := l.Verify(ctx); !rep.OK {
					t.Fatalf("chain broken before tampering: %+v", rep)
				}
				tc.tamper(t, d, l)
				rep, err := l.Verify(ctx)
				if err != nil {
					t.Fatal(err)
				}
				ok := !rep.OK && len(rep.Problems) == len(tc.want)
				for i := 0; ok && i < len(tc.want); i++ {
					ok = rep.Problems[i].Seq == tc.want[i].seq && strings.Contains(rep.Problems[i].Problem, tc.want[i].text)
				}
				if !ok {
					t.Fatalf("want %v, got ok=%v %+v", tc.want, rep.OK, rep.Problems)
				}
			})
		}
	})
}

// A write that records no entry does not commit; an error after an
// entry rolls the entry back too.
func TestWriteNeedsAnEntry(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		l := chain(t, d, 3)
		a := auth.System("test")
		err := l.Write(ctx, a, func(w *audit.W) error {
			_, err := w.ExecContext(ctx, `INSERT INTO settings (key, value, updated_at) VALUES ('k1', 'v', $1)`, w.Now())
			return err
		})
		if !errors.Is(err, audit.ErrNoEntry) {
			t.Fatalf("want ErrNoEntry, got %v", err)
		}
		boom := errors.New("boom")
		err = l.Write(ctx, a, func(w *audit.W) error {
			if err := w.Record(audit.Entry{Action: "x.y", ObjectType: "x", Summary: "会回滚"}); err != nil {
				return err
			}
			if _, err := w.ExecContext(ctx, `INSERT INTO settings (key, value, updated_at) VALUES ('k2', 'v', $1)`, w.Now()); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("want boom, got %v", err)
		}
		var settings, entries, head int
		_ = d.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM settings`).Scan(&settings)
		_ = d.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log`).Scan(&entries)
		_ = d.R.QueryRowContext(ctx, `SELECT seq FROM audit_head`).Scan(&head)
		if settings != 0 || entries != 3 || head != 3 {
			t.Fatalf("after rolled-back writes: %d settings, %d entries, head %d", settings, entries, head)
		}
		if rep, _ := l.Verify(ctx); !rep.OK {
			t.Fatalf("chain broken by a rollback: %+v", rep)
		}
		// The next write continues the chain.
		if err := l.Append(ctx, a, audit.Entry{Action: "x.z", ObjectType: "x"}); err != nil {
			t.Fatal(err)
		}
		if rep, _ := l.Verify(ctx); !rep.OK || rep.Checked != 4 {
			t.Fatalf("after a rollback and a write: %+v", rep)
		}
	})
}

func TestConcurrentWritersKeepOneChain(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		l := &audit.Log{DB: d, Clock: clock.System{}}
		const writers, each = 8, 10
		var wg sync.WaitGroup
		errc := make(chan error, writers*each)
		for w := 0; w < writers; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				a := &auth.Actor{UserID: int64(w + 1), Username: fmt.Sprint("w", w)}
				for i := 0; i < each; i++ {
					if err := l.Append(ctx, a, audit.Entry{Action: "test.write", ObjectType: "t", ObjectID: fmt.Sprint(i)}); err != nil {
						errc <- err
					}
				}
			}(w)
		}
		wg.Wait()
		close(errc)
		for err := range errc {
			t.Fatal(err)
		}
		rep, err := l.Verify(ctx)
		if err != nil || !rep.OK || rep.Checked != writers*each {
			t.Fatalf("%+v %v", rep, err)
		}
	})
}

func TestRecordMany(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		l := chain(t, d, 2)
		a := &auth.Actor{UserID: 1, Username: "导入", IP: "198.51.100.1"}
		es := make([]audit.Entry, 50)
		for i := range es {
			es[i] = audit.Entry{Action: "user.import", ObjectType: "user", ObjectID: fmt.Sprint(i), UnitID: 2,
				Summary: fmt.Sprintf("导入第%d行", i+1), After: map[string]any{"row": i + 1}}
		}
		err := l.Write(ctx, a, func(w *audit.W) error {
			if err := w.RecordMany(es); err != nil {
				return err
			}
			return w.Record(audit.Entry{Action: "import.done", ObjectType: "import", Summary: "导入完成"})
		})
		if err != nil {
			t.Fatal(err)
		}
		rep, err := l.Verify(ctx)
		if err != nil || !rep.OK || rep.Checked != 53 {
			t.Fatalf("%+v %v", rep, err)
		}
		items, total, err := l.List(ctx, auth.System("t"), audit.Filter{Action: "user.import"}, 1, 0)
		if err != nil || total != 50 || items[0].Summary != "导入第50行" || items[0].IP != "198.51.100.1" || string(items[0].After) != `{"row":50}` {
			t.Fatalf("list: %d %+v %v", total, items, err)
		}
	})
}

// List: filters, Shanghai days, scope, newest first, paging.
func TestList(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		f := testutil.NewFixture(t, d) // 15 entries on 2026-11-26 (Shanghai)
		l := f.App.Audit
		qsAdmin := f.Users["qs_admin"]
		// 2026-11-27 00:30 in Shanghai is still the 26th in UTC.
		f.Clock.T = time.Date(2026, 11, 26, 16, 30, 0, 0, time.UTC)
		if err := l.Append(ctx, qsAdmin, audit.Entry{Action: "unit.update", ObjectType: "unit", ObjectID: fmt.Sprint(f.Units["QS-ZJ"].ID),
			UnitID: f.Units["QS-ZJ"].ID, Summary: "修改张家村 100%_done"}); err != nil {
			t.Fatal(err)
		}
		s := f.NewServer(t)
		admin, qa := s.Login(t, "admin"), s.Login(t, "qs_admin") // two more entries, on the 27th
		for _, tc := range []struct {
			c     *testutil.Client
			query string
			total int
			first string // action of the newest entry
		}{
			{admin, "", 18, "session.sign_in"},
			{admin, "from=2026-11-26&to=2026-11-26", 15, "user.create"},
			{admin, "from=2026-11-27", 3, "session.sign_in"},
			{admin, "to=2026-11-25", 0, ""},
			{admin, "action=unit.create", 6, "unit.create"},
			{admin, "object_type=unit&object_id=" + fmt.Sprint(f.Units["QS-ZJ"].ID), 2, "unit.update"},
			{admin, "user_id=" + fmt.Sprint(qsAdmin.UserID), 2, "session.sign_in"},
			{admin, "unit_id=" + fmt.Sprint(f.Units["LX"].ID), 2, "user.create"},
			{admin, "q=100%25_", 1, "unit.update"},
			{admin, "q=100%25x", 0, ""},
			{admin, "page=2&page_size=10", 18, "user.create"},
			{qa, "", 7, "session.sign_in"}, // 5 fixture entries of 青石镇, the edit, qs_admin's sign-in
			{qa, "unit_id=" + fmt.Sprint(f.Units["LX"].ID), 0, ""},
		} {
			r := tc.c.Do("GET", "/api/v1/audit?"+tc.query, nil)
			if r.Status != 200 {
				t.Fatalf("%s: %d %s", tc.query, r.Status, r.Body)
			}
			items := r.JSON()["items"].([]any)
			first := ""
			if len(items) > 0 {
				first = items[0].(map[string]any)["action"].(string)
			}
			if n, _ := r.JSON()["total"].(float64); int(n) != tc.total || first != tc.first {
				t.Fatalf("%q: total %v first %q, want %d %q", tc.query, r.JSON()["total"], first, tc.total, tc.first)
			}
		}
	})
}
