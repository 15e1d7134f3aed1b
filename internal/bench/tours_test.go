package bench

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/calendar"
	"diaodu/internal/platform/db"
	"diaodu/internal/projects/tours"
	"diaodu/internal/testutil"
)

// BenchmarkTourResults is a published tour's ranked results (50 projects ×
// 15 judges, every sheet submitted: drop the extremes, average, rank, per
// town and unit) read by a district leader through the whole handler.
// Issue 4: under 20 ms.
func BenchmarkTourResults(b *testing.B) {
	eachDriver(b, func(b *testing.B, dialect db.Dialect) {
		const nProjects, nJudges = 50, 15
		ctx := context.Background()
		f := testutil.NewFixture(b, testutil.Open(b, dialect))
		a := f.App
		towns := []string{"QS", "LX"}
		units := []string{"QS", "LX", "FGJ"}
		var projects []int64
		for i := range nProjects {
			town, unit := f.Units[towns[i%2]], f.Units[units[i%3]]
			var id int64
			if err := a.DB.W.QueryRowContext(ctx, `INSERT INTO projects (name, code, town_id, town_path, unit_id, unit_path, total_investment,
				phase, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 'continued', $8, $8) RETURNING id`,
				fmt.Sprintf("压测项目%02d", i+1), fmt.Sprintf("YC%03d", i+1), town.ID, town.Path, unit.ID, unit.Path, int64(i+1)*50_000_000,
				testutil.Start).Scan(&id); err != nil {
				b.Fatal(err)
			}
			projects = append(projects, id)
		}
		var judges []int64
		for j := range nJudges {
			judges = append(judges, f.AddUser(b, fmt.Sprintf("pw%02d", j+1), "D", "judge").UserID)
		}
		sup := f.Users["supervisor"]
		name, day := "压测观摩", calendar.MustDate("2026-11-26")
		tr, err := a.Tours.Create(ctx, sup, tours.Input{Name: &name, Date: &day, ProjectIDs: &projects, JudgeIDs: &judges})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := a.Tours.Open(ctx, sup, tr.ID); err != nil {
			b.Fatal(err)
		}
		rng := rand.New(rand.NewPCG(4, 20))
		var rows [][]any
		for _, p := range projects {
			for _, j := range judges {
				pts := []int{150 + rng.IntN(151), 150 + rng.IntN(151), 100 + rng.IntN(101), 100 + rng.IntN(101)}
				rows = append(rows, []any{tr.ID, p, j, fmt.Sprintf("%d,%d,%d,%d", pts[0], pts[1], pts[2], pts[3]),
					pts[0] + pts[1] + pts[2] + pts[3], "submitted", testutil.Start, testutil.Start})
			}
		}
		if err := a.DB.InTx(ctx, func(tx *db.Tx) error {
			_, err := tx.CopyFrom(ctx, "tour_scores", []string{"tour_id", "project_id", "judge_id", "points", "total", "status",
				"submitted_at", "updated_at"}, rows)
			return err
		}); err != nil {
			b.Fatal(err)
		}
		if _, err := a.Tours.Close(ctx, sup, tr.ID); err != nil {
			b.Fatal(err)
		}
		sess, err := a.Account.SignIn(ctx, "leader", testutil.Password, "127.0.0.1", "bench")
		if err != nil {
			b.Fatal(err)
		}
		cookie := &http.Cookie{Name: "diaodu_session", Value: sess.Token}
		h := a.Handler()
		// Check the numbers once through the Go API.
		res, err := a.Tours.Results(ctx, &auth.Actor{UserID: f.Users["leader"].UserID, Roles: []auth.Role{auth.Leader}, UnitPath: "/"}, tr.ID)
		if err != nil || len(res.Projects) != nProjects || res.Projects[0].Judges != nJudges || !res.Projects[0].Dropped {
			b.Fatalf("results: %v", err)
		}
		durs := make([]time.Duration, 0, 1024)
		b.ResetTimer()
		for b.Loop() {
			req := httptest.NewRequest("GET", fmt.Sprintf("/api/v1/tours/%d/results", tr.ID), nil)
			req.AddCookie(cookie)
			rec := httptest.NewRecorder()
			start := time.Now()
			h.ServeHTTP(rec, req)
			durs = append(durs, time.Since(start))
			if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"rank":1`) {
				b.Fatalf("%d %s", rec.Code, rec.Body.String())
			}
		}
		b.StopTimer()
		reportPercentiles(b, durs)
	})
}
