package db

import (
	"context"
	"database/sql"
)

// RowsQuerier is what reads rows: *Reader, *Tx, and *audit.W around a Tx.
type RowsQuerier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// IDs runs a query whose one column is an id and returns the ids in the
// query's order (nil for none): the first step of every "find them, then
// load or notify each" the modules do.
func IDs(ctx context.Context, q RowsQuerier, query string, args ...any) ([]int64, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// Scanner is a row to read: *sql.Rows, or *sql.Row.
type Scanner interface{ Scan(dest ...any) error }

// Collect runs a query and reads every row with scan ([] for none, so a
// list answers [] rather than null).
func Collect[T any](ctx context.Context, q RowsQuerier, query string, args []any, scan func(Scanner) (T, error)) ([]T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
