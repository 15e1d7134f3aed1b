package settings_test

import (
	"context"
	"testing"
	"time"

	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/clock"
	"diaodu/internal/platform/db"
	"diaodu/internal/platform/settings"
	"diaodu/internal/testutil"
)

type limits struct {
	Days map[string]int `json:"days"`
	Cap  int            `json:"cap"`
}

var defaultLimits = limits{Days: map[string]int{"a": 1}, Cap: 5}

// A module's cached settings: defaults until stored, the stored value over
// a fresh default (the shared default's map is never decoded into), Fill
// for values saved before a setting existed, and the replaced value back
// for the audit entry.
func TestCached(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := &settings.Cached[limits]{Key: "test.limits", Default: func() limits {
			return limits{Days: map[string]int{"a": defaultLimits.Days["a"]}, Cap: defaultLimits.Cap}
		}, Fill: func(l *limits) {
			if l.Cap == 0 {
				l.Cap = 9
			}
		}}
		got, err := c.Get(ctx, d.R)
		if err != nil || got.Cap != 5 || got.Days["a"] != 1 {
			t.Fatalf("default: %+v %v", got, err)
		}
		stored := limits{Days: map[string]int{"b": 2}}
		var before limits
		if err := d.InTx(ctx, func(tx *db.Tx) error {
			before, err = c.Replace(ctx, tx, stored, time.Now())
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if before.Cap != 5 {
			t.Fatalf("replaced %+v, want the default", before)
		}
		if got, _ := c.Get(ctx, d.R); got.Cap != 5 {
			t.Fatalf("cached %+v: Keep was not called, so the cache stands", got)
		}
		got, err = c.Reload(ctx, d.R)
		if err != nil || got.Cap != 9 || got.Days["a"] != 1 || got.Days["b"] != 2 {
			t.Fatalf("reloaded %+v %v: want b over the default and Cap filled", got, err)
		}
		if len(defaultLimits.Days) != 1 {
			t.Fatalf("the shared default changed: %v", defaultLimits.Days)
		}
	})
}

// Save stores the value with an audit entry holding what it replaced, and
// caches it.
func TestCachedSave(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := &settings.Cached[limits]{Key: "test.limits", Default: func() limits { return limits{Cap: 5} }}
		l := &audit.Log{DB: d, Clock: clock.System{}}
		if err := c.Save(ctx, l, auth.System("t"), limits{Cap: 7}, "test.settings", "修改测试设置"); err != nil {
			t.Fatal(err)
		}
		if got, _ := c.Get(ctx, d.R); got.Cap != 7 {
			t.Fatalf("cached %+v, want the saved value", got)
		}
		var action, objectID, before, after string
		err := d.R.QueryRowContext(ctx, `SELECT action, object_id, before_json, after_json FROM audit_log WHERE object_type = 'settings'`).
			Scan(&action, &objectID, &before, &after)
		if err != nil || action != "test.settings" || objectID != "test.limits" || before != `{"days":null,"cap":5}` || after != `{"days":null,"cap":7}` {
			t.Fatalf("entry %s %s %s → %s (%v)", action, objectID, before, after, err)
		}
	})
}
