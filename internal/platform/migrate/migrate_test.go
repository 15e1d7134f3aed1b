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
