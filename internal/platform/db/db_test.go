package db_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

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

// Writers committed together (SQLite's group commit) keep their own
// results: a failing or panicking writer is undone alone, a writer whose
// request is cancelled fails alone, the others commit; on PostgreSQL each
// is its own transaction anyway.
func TestGroupCommitKeepsWritersApart(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		cancelled, cancel := context.WithCancel(ctx)
		cancel()
		const writers = 48
		// Hold the writer so the others queue up and share one commit.
		hold, release := make(chan struct{}), make(chan struct{})
		go func() {
			_ = d.InTx(ctx, func(tx *db.Tx) error {
				close(hold)
				<-release
				_, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value, updated_at) VALUES ('holder', '1', CURRENT_TIMESTAMP)`)
				return err
			})
		}()
		<-hold
		var wg sync.WaitGroup
		results := make([]string, writers)
		for i := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer func() {
					if p := recover(); p != nil {
						results[i] = fmt.Sprint("panic: ", p)
					}
				}()
				c := ctx
				if i%12 == 5 {
					c = cancelled
				}
				err := d.InTx(c, func(tx *db.Tx) error {
					if _, err := tx.ExecContext(c, `INSERT INTO settings (key, value, updated_at) VALUES ($1, '1', CURRENT_TIMESTAMP)`,
						fmt.Sprint("w-", i)); err != nil {
						return err
					}
					switch i % 12 {
					case 3:
						return fmt.Errorf("writer %d refuses", i)
					case 7:
						panic(fmt.Sprintf("writer %d panics", i))
					}
					return nil
				})
				if err != nil {
					results[i] = "error: " + err.Error()
				} else {
					results[i] = "ok"
				}
			}()
		}
		time.Sleep(50 * time.Millisecond) // let them queue behind the holder
		close(release)
		wg.Wait()
		for i, r := range results {
			var n int
			if err := d.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM settings WHERE key = $1`, fmt.Sprint("w-", i)).Scan(&n); err != nil {
				t.Fatal(err)
			}
			wantOK := i%12 != 3 && i%12 != 5 && i%12 != 7
			switch {
			case wantOK && (r != "ok" || n != 1):
				t.Errorf("writer %d: %s, %d rows; want ok and its row", i, r, n)
			case !wantOK && (r == "ok" || n != 0):
				t.Errorf("writer %d: %s, %d rows; want a failure and no row", i, r, n)
			case i%12 == 7 && !strings.HasPrefix(r, "panic: "):
				t.Errorf("writer %d: %s; want its panic raised in its own goroutine", i, r)
			}
		}
	})
}
