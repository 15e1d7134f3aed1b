package calendar_test

import (
	"net/http/httptest"
	"testing"

	"diaodu/internal/platform/calendar"
	"diaodu/internal/platform/errs"
)

// DateParam: absent is the zero date, a malformed one is named.
func TestDateParam(t *testing.T) {
	r := httptest.NewRequest("GET", "/x?from=2026-05-01&to=2026-5-1", nil)
	f := errs.Fields{}
	if d := calendar.DateParam(r, "from", f); d.String() != "2026-05-01" {
		t.Fatalf("from: %s", d)
	}
	if d := calendar.DateParam(r, "none", f); !d.IsZero() || len(f) != 0 {
		t.Fatalf("absent: %s %v", d, f)
	}
	calendar.DateParam(r, "to", f)
	if _, ok := f["to"]; !ok || len(f) != 1 {
		t.Fatalf("malformed not named: %v", f)
	}
}
