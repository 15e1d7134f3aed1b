package migrate_test

import (
	"context"
	"testing"
	"testing/fstest"

	"diaodu/internal/app/migrations"
	"diaodu/internal/platform/db"
	"diaodu/internal/platform/migrate"
	"diaodu/internal/testutil"
)

func TestUpIsIdempotentAndRecorded(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) { // testutil.Open already migrated once
		ctx := context.Background()
		n, err := migrate.Up(ctx, d, migrations.FS)
		if err != nil || n != 0 {
			t.Fatalf("second run applied %d, err %v", n, err)
		}
		ms, _ := migrate.Load(migrations.FS)
		var recorded int
		if err := d.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations`).Scan(&recorded); err != nil {
			t.Fatal(err)
		}
		if recorded != len(ms) {
			t.Fatalf("recorded %d migrations, have %d", recorded, len(ms))
		}
	})
}

// A failing migration leaves nothing behind: each runs in a transaction.
func TestFailingMigrationRollsBack(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		bad := fstest.MapFS{
			"9001_half.sql": {Data: []byte("CREATE TABLE half_done (id {{id}});\nINSERT INTO no_such_table VALUES (1);\n")},
		}
		if _, err := migrate.Up(ctx, d, bad); err == nil {
			t.Fatal("want an error")
		}
		var n int
		_ = d.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE version = 9001`).Scan(&n)
		if n != 0 {
			t.Fatal("failed migration was recorded")
		}
		if _, err := d.R.ExecContext(ctx, `SELECT * FROM half_done`); err == nil {
			t.Fatal("half_done exists: the migration was not rolled back")
		}
	})
}

func TestLoadRejectsBadNames(t *testing.T) {
	for name, fs := range map[string]fstest.MapFS{
		"no number": {"create.sql": {Data: []byte("SELECT 1;")}},
		"duplicate": {"0001_a.sql": {Data: []byte("SELECT 1;")}, "0001_b.sql": {Data: []byte("SELECT 1;")}},
	} {
		if _, err := migrate.Load(fs); err == nil {
			t.Errorf("%s: want an error", name)
		}
	}
}

// A migration marked "-- only: sqlite" runs on SQLite and is only recorded
// on PostgreSQL (and the other way round); the trail's seq is the rowid on
// SQLite after 0013, so audit entries need no separate unique index there.
func TestOnlyForOneDatabase(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		fs := fstest.MapFS{
			"9002_lite.sql": {Data: []byte("-- only: sqlite\nCREATE TABLE only_lite (id {{id}});\n")},
			"9003_pg.sql":   {Data: []byte("-- only: postgres\nCREATE TABLE only_pg (id {{id}});\n")},
		}
		if n, err := migrate.Up(ctx, d, fs); err != nil || n != 2 {
			t.Fatalf("applied %d, err %v", n, err)
		}
		_, liteErr := d.R.ExecContext(ctx, `SELECT * FROM only_lite`)
		_, pgErr := d.R.ExecContext(ctx, `SELECT * FROM only_pg`)
		if (liteErr == nil) != (d.Dialect == db.SQLite) || (pgErr == nil) != (d.Dialect == db.Postgres) {
			t.Fatalf("%s: only_lite %v, only_pg %v", d.Dialect, liteErr, pgErr)
		}
		if d.Dialect == db.SQLite {
			var autoindexes int
			_ = d.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_master WHERE tbl_name = 'audit_log' AND name LIKE 'sqlite_autoindex%'`).Scan(&autoindexes)
			if autoindexes != 0 {
				t.Fatalf("audit_log still has %d automatic indexes", autoindexes)
			}
		}
	})
}
