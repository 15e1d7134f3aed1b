package db

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
)

// Backup writes a consistent copy of a SQLite database to file while the
// server keeps running (VACUUM INTO reads one snapshot under WAL).
func (d *DB) Backup(ctx context.Context, file string) error {
	if d.Dialect != SQLite {
		return errors.New("backup: use pg_dump for PostgreSQL")
	}
	abs, err := filepath.Abs(file)
	if err != nil {
		return err
	}
	if _, err := os.Stat(abs); err == nil {
		return errors.New("backup: " + abs + " already exists")
	}
	// A connection of its own: the reader pool is query-only and the writer
	// should stay free for the running server.
	c, err := sql.Open("sqlite", "file:"+d.Path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return err
	}
	defer c.Close()
	_, err = c.ExecContext(ctx, `VACUUM INTO $1`, abs)
	return err
}
