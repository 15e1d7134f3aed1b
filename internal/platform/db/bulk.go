package db

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// CopyFrom inserts rows into table inside the transaction: pgx CopyFrom on
// PostgreSQL (about 20x faster than row-by-row inserts), a prepared
// statement on SQLite (inserts in one transaction are already cheap there).
func (tx *Tx) CopyFrom(ctx context.Context, table string, cols []string, rows [][]any) (int64, error) {
	if len(rows) == 0 {
		return 0, nil
	}
	if tx.Dialect == Postgres {
		var n int64
		err := tx.conn.Raw(func(dc any) error {
			c, ok := dc.(*stdlib.Conn)
			if !ok {
				return fmt.Errorf("copy: unexpected driver connection %T", dc)
			}
			var err error
			n, err = c.Conn().CopyFrom(ctx, pgx.Identifier{table}, cols, pgx.CopyFromRows(rows))
			return err
		})
		return n, err
	}
	ph := make([]string, len(cols))
	for i := range ph {
		ph[i] = fmt.Sprintf("$%d", i+1)
	}
	query := fmt.Sprintf("INSERT INTO %s (%s) VALUES (%s)", table, strings.Join(cols, ", "), strings.Join(ph, ", "))
	stmt := tx.stmt(ctx, query)
	if stmt == nil {
		var err error
		if stmt, err = tx.PrepareContext(ctx, query); err != nil {
			return 0, err
		}
	}
	defer stmt.Close()
	for _, r := range rows {
		if _, err := stmt.ExecContext(ctx, r...); err != nil {
			return 0, err
		}
	}
	return int64(len(rows)), nil
}
