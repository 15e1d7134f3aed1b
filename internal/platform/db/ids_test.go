package db_test

import (
	"context"
	"testing"

	"diaodu/internal/platform/db"
	"diaodu/internal/testutil"
)

// IDs reads one column of ids in the query's order, nil for none.
func TestIDs(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := testutil.NewFixture(t, d)
		ids, err := db.IDs(ctx, d.R, `SELECT id FROM units WHERE kind = $1 ORDER BY id DESC`, "town")
		if err != nil || len(ids) < 2 || ids[0] <= ids[1] || len(ids) != f.Count(t, `SELECT COUNT(*) FROM units WHERE kind = 'town'`) {
			t.Fatalf("towns: %v %v", ids, err)
		}
		if ids, err := db.IDs(ctx, d.R, `SELECT id FROM units WHERE id < 0`); ids != nil || err != nil {
			t.Fatalf("none: %v %v", ids, err)
		}
		if _, err := db.IDs(ctx, d.R, `SELECT name FROM units`); err == nil {
			t.Fatal("a column that is not an id scanned")
		}
	})
}

// Args.In numbers its placeholders after the arguments already added; an
// empty list is NULL.
func TestArgsIn(t *testing.T) {
	var args db.Args
	args.Add("x")
	if got := args.In([]int64{7, 9}); got != "$2, $3" || len(args) != 3 || args[2] != int64(9) {
		t.Fatalf("%q %v", got, args)
	}
	if got := args.In(nil); got != "NULL" || len(args) != 3 {
		t.Fatalf("empty: %q %v", got, args)
	}
}
