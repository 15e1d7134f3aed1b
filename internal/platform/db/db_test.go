package db_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"diaodu/internal/platform/db"
	"diaodu/internal/testutil"
)

// 32 clients writing at once must all succeed: SQLite's single writer
// connection queues them instead of answering "database is locked".
func TestConcurrentWritersNeverLocked(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		const clients, writes = 32, 20
		var wg sync.WaitGroup
		errc := make(chan error, clients*writes)
		for c := 0; c < clients; c++ {
			wg.Add(1)
			go func(c int) {
				defer wg.Done()
				for i := 0; i < writes; i++ {
					err := d.InTx(ctx, func(tx *db.Tx) error {
						var n int
						// read-then-write: the pattern that deadlocks deferred SQLite transactions
						if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM settings`).Scan(&n); err != nil {
							return err
						}
						_, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, CURRENT_TIMESTAMP)`,
							fmt.Sprintf("k-%d-%d", c, i), fmt.Sprint(n))
						return err
					})
					if err != nil {
						errc <- err
					}
				}
			}(c)
		}
		// Readers keep reading meanwhile.
		for r := 0; r < 4; r++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < 50; i++ {
					var n int
					if err := d.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM settings`).Scan(&n); err != nil {
						errc <- err
					}
				}
			}()
		}
		wg.Wait()
		close(errc)
		failed := 0
		for err := range errc {
			failed++
			if failed < 3 {
				t.Error(err)
			}
		}
		var n int
		if err := d.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM settings`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if failed > 0 || n != clients*writes {
			t.Fatalf("%d failed writes, %d rows, want 0 and %d", failed, n, clients*writes)
		}
	})
}

func TestCopyFromAndNextIDs(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		err := d.InTx(ctx, func(tx *db.Tx) error {
			ids, err := tx.NextIDs(ctx, "unit_groups", 3)
			if err != nil {
				return err
			}
			rows := [][]any{}
			for _, id := range ids {
				rows = append(rows, []any{id, fmt.Sprint("组", id), fmt.Sprint("G", id), 0, testutil.Start, testutil.Start})
			}
			n, err := tx.CopyFrom(ctx, "unit_groups", []string{"id", "name", "code", "sort_order", "created_at", "updated_at"}, rows)
			if n != 3 {
				t.Errorf("copied %d", n)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		var n int
		_ = d.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM unit_groups`).Scan(&n)
		if n != 3 {
			t.Fatalf("rows %d", n)
		}
	})
}
