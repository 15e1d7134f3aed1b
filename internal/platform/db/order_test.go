package db_test

import (
	"testing"

	"diaodu/internal/platform/db"
	"diaodu/internal/platform/errs"
)

func TestOrderBy(t *testing.T) {
	cols := map[string]string{"name": "e.name", "town": "t.name, e.name"}
	for _, tc := range []struct{ sort, tie, want string }{
		{"", "", "e.name"},
		{"-name", "", "e.name DESC"},
		{"town", "e.id", "t.name, e.name, e.id"},
		{"-town", "e.id", "t.name DESC, e.name DESC, e.id DESC"},
	} {
		if got, err := db.OrderBy(tc.sort, "name", cols, tc.tie); err != nil || got != tc.want {
			t.Errorf("%q: %q %v, want %q", tc.sort, got, err, tc.want)
		}
	}
	_, err := db.OrderBy("-secret", "name", cols, "")
	if e, ok := errs.As(err); !ok || e.Fields["sort"].ZH != "不支持按“secret”排序" {
		t.Fatalf("unknown field: %v", err)
	}
}
