package tours_test

import (
	"fmt"
	"strings"
	"testing"

	"diaodu/internal/platform/db"
	"diaodu/internal/platform/xlsx"
	"diaodu/internal/testutil"
)

func TestHTTPScoringAndExport(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		tr := e.tour(t, true)
		srv := e.f.NewServer(t)
		j := srv.Login(t, "judge")
		path := fmt.Sprintf("/api/v1/tours/%d/projects/%d/my-score", tr.ID, e.projects[0])
		r := j.Do("PUT", path, map[string]any{"points": []float64{35, 27, 18, 17}, "submit": true})
		if r.Status != 422 && r.Status != 400 || !strings.Contains(r.Field("points.1"), "不能超过满分30分") {
			t.Fatalf("above max: %d %s", r.Status, r.Body)
		}
		r = j.Do("PUT", path, map[string]any{"points": []any{28, nil, 18, 17}})
		if r.Status != 200 || r.JSON()["status"] != "draft" {
			t.Fatalf("draft: %d %s", r.Status, r.Body)
		}
		r = j.Do("PUT", path, map[string]any{"points": []float64{28, 27.5, 18, 17}, "submit": true})
		if r.Status != 200 || r.JSON()["total"] != 90.5 {
			t.Fatalf("submit: %d %s", r.Status, r.Body)
		}
		sup := srv.Login(t, "supervisor")
		if r := sup.Do("POST", fmt.Sprintf("/api/v1/tours/%d/close", tr.ID), nil); r.Status != 200 {
			t.Fatalf("close: %d %s", r.Status, r.Body)
		}
		r = srv.Login(t, "leader").Do("GET", fmt.Sprintf("/api/v1/tours/%d/results/export", tr.ID), nil)
		if r.Status != 200 || r.Header.Get("Content-Type") != xlsx.ContentType || len(r.Body) < 1000 {
			t.Fatalf("export: %d %s", r.Status, r.Header)
		}
		r = j.Do("GET", fmt.Sprintf("/api/v1/tours/%d/results", tr.ID), nil)
		if r.Status != 200 {
			t.Fatalf("judge reads published results: %d %s", r.Status, r.Body)
		}
	})
}
