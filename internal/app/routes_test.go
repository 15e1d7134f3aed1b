package app_test

import (
	"testing"

	"diaodu/internal/platform/db"
	"diaodu/internal/testutil"
)

// Unknown endpoints and wrong methods answer in the error shape too.
func TestUnknownEndpointsAndMethods(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		c := testutil.NewFixture(t, d).NewServer(t).Client(t)
		for _, tc := range []struct {
			method, path string
			status       int
			code         string
		}{
			{"GET", "/api/v1/no-such-thing", 404, "no_route"},
			{"PUT", "/api/v1/units", 405, "method_not_allowed"},
			{"POST", "/api/v1/units/7", 405, "method_not_allowed"},
			{"GET", "/api/v1/units", 401, "unauthenticated"},
		} {
			r := c.Do(tc.method, tc.path, nil)
			if r.Status != tc.status || r.ErrCode() != tc.code {
				t.Errorf("%s %s: %d %s, want %d %s", tc.method, tc.path, r.Status, r.ErrCode(), tc.status, tc.code)
			}
		}
	})
}
