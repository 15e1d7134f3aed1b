// Package testutil gives every test a fresh database on each driver:
// SQLite always, PostgreSQL when DIAODU_TEST_POSTGRES holds a URL (each
// test in a schema of its own). With DIAODU_REQUIRE_ALL=1 a missing
// PostgreSQL fails the run instead of skipping.
package testutil

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"diaodu/internal/app/migrations"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/db"
	"diaodu/internal/platform/migrate"
)

func init() {
	// Request logs would bury test output; warnings and errors still show.
	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	// Production argon2id costs ~160 ms a hash; tests need many.
	auth.HashParams = auth.Argon2Params{Time: 1, Memory: 1024, Threads: 1}
}

// PostgresURL is the test server, or "".
func PostgresURL() string { return os.Getenv("DIAODU_TEST_POSTGRES") }

// RequireAll tells whether skipping for a missing service is a failure.
func RequireAll() bool { return os.Getenv("DIAODU_REQUIRE_ALL") == "1" }

// Drivers are the dialects a test runs on.
func Drivers(t testing.TB) []db.Dialect {
	ds := []db.Dialect{db.SQLite}
	if PostgresURL() != "" {
		ds = append(ds, db.Postgres)
	} else if RequireAll() {
		t.Fatal("DIAODU_REQUIRE_ALL=1 but DIAODU_TEST_POSTGRES is not set")
	}
	return ds
}

// EachDB runs fn as a subtest on every driver with a fresh, migrated database.
func EachDB(t *testing.T, fn func(t *testing.T, d *db.DB)) {
	for _, dialect := range Drivers(t) {
		t.Run(string(dialect), func(t *testing.T) { fn(t, Open(t, dialect)) })
	}
}

var schemaSeq atomic.Int64

// Open makes a fresh migrated database of the dialect, removed after the test.
func Open(t testing.TB, dialect db.Dialect) *db.DB {
	t.Helper()
	ctx := context.Background()
	var d *db.DB
	var err error
	switch dialect {
	case db.SQLite:
		d, err = db.Open(ctx, filepath.Join(t.TempDir(), "test.db"))
	case db.Postgres:
		d, err = openSchema(t, ctx)
	}
	if err != nil {
		t.Fatalf("open %s: %v", dialect, err)
	}
	t.Cleanup(func() { d.Close() })
	if _, err := migrate.Up(ctx, d, migrations.FS); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	return d
}

// openSchema creates a schema for this test and points the pool at it.
func openSchema(t testing.TB, ctx context.Context) (*db.DB, error) {
	base := PostgresURL()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		return nil, err
	}
	schema := fmt.Sprintf("t_%d_%d_%d", os.Getpid(), time.Now().UnixNano()%1e9, schemaSeq.Add(1))
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		admin.Close()
		return nil, fmt.Errorf("create schema (is PostgreSQL running at %s?): %w", base, err)
	}
	t.Cleanup(func() {
		_, _ = admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		admin.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		return nil, err
	}
	q := u.Query()
	q.Set("search_path", schema)
	q.Set("synchronous_commit", "off") // tests need no durability; fsyncs dominate their time
	u.RawQuery = q.Encode()
	return db.Open(ctx, u.String())
}

// Name shortens a test name for use in identifiers.
func Name(t testing.TB) string {
	return strings.NewReplacer("/", "_", " ", "_").Replace(t.Name())
}

// Reopen opens a second handle on the same database (after the first was closed).
func Reopen(t testing.TB, d *db.DB) *db.DB {
	t.Helper()
	nd, err := db.Open(context.Background(), d.URL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nd.Close() })
	return nd
}
