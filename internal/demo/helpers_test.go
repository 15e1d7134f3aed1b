package demo_test

import (
	"context"
	"testing"
	"time"

	"diaodu/internal/app"
	"diaodu/internal/demo"
	"diaodu/internal/platform/db"
	"diaodu/internal/testutil"
)

// seeded wires an app on d, builds the demo district and runs the demo
// steps in turn (a module's demo needs the ones it builds on, the registry
// first). The last step is the one the test is about: its time is logged,
// as the demo's cost at start-up.
func seeded(t *testing.T, d *db.DB, name string, steps ...func(context.Context, *app.App) error) (*app.App, context.Context) {
	t.Helper()
	a := testutil.WireOnly(t, d)
	ctx := context.Background()
	if _, err := demo.Build(ctx, a.Audit, 1); err != nil {
		t.Fatal(err)
	}
	for i, step := range steps {
		start := time.Now()
		if err := step(ctx, a); err != nil {
			t.Fatal(err)
		}
		if i == len(steps)-1 {
			t.Logf("%s demo: %v", name, time.Since(start))
		}
	}
	return a, ctx
}
