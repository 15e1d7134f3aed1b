// Package settings keeps small configuration values that administrators
// change at run time (thresholds, prefixes, reminder times) as JSON in the
// settings table, keyed "module.name". Defaults live in code: a key absent
// from the table reads as the default given by the caller.
package settings

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"
)

// Querier is what Get needs: *sql.DB, *db.Tx and *audit.W all fit.
type Querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Execer is what Put needs.
type Execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// Get decodes the value of key into v, leaving v as it is (the default)
// when the key has never been set.
func Get(ctx context.Context, q Querier, key string, v any) error {
	var raw string
	err := q.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = $1`, key).Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	return json.Unmarshal([]byte(raw), v)
}

// Put stores v under key; callers write it inside their audited transaction.
func Put(ctx context.Context, e Execer, key string, v any, now time.Time) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	res, err := e.ExecContext(ctx, `UPDATE settings SET value = $1, updated_at = $2 WHERE key = $3`, string(b), now, key)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n > 0 {
		return nil
	}
	_, err = e.ExecContext(ctx, `INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3)`, key, string(b), now)
	return err
}
