package tours_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"diaodu/internal/platform/db"
	"diaodu/internal/testutil"
)

// who are the matrix columns: the office, district and unit readers, a
// village field user, a judge on the tour and a judge who is not on it.
var who = [9]string{"admin", "supervisor", "leader", "qs_admin", "qs_staff", "zj_field", "judge", "judge9", "fgj_staff"}

type row [9]int

const (
	ok  = http.StatusOK
	cr  = http.StatusCreated
	del = http.StatusNoContent
	fb  = http.StatusForbidden
	nf  = http.StatusNotFound
	cf  = http.StatusConflict
)

// TestPermissions runs every endpoint for every role against a fresh tour
// in the state it needs, on and off the tour for judges.
func TestPermissions(t *testing.T) {
	office := func(code int) row { return row{code, code, fb, fb, fb, fb, fb, fb, fb} }
	judgeOnly := func(code int) row { return row{fb, fb, fb, fb, fb, fb, code, fb, fb} }
	published := row{ok, ok, ok, ok, ok, fb, ok, nf, ok}
	cases := []struct {
		name   string
		state  string // draft | open | closed
		method string
		path   string // %d: tour id, %p: first project id
		body   any
		want   row
	}{
		{"list", "open", "GET", "/api/v1/tours", nil, row{ok, ok, ok, ok, ok, fb, ok, ok, ok}},
		{"get draft", "draft", "GET", "/api/v1/tours/%d", nil, row{ok, ok, nf, nf, nf, fb, nf, nf, nf}},
		{"get open", "open", "GET", "/api/v1/tours/%d", nil, row{ok, ok, nf, nf, nf, fb, ok, nf, nf}},
		{"get closed", "closed", "GET", "/api/v1/tours/%d", nil, published},
		{"create", "draft", "POST", "/api/v1/tours", map[string]any{"name": "观摩", "date": "2026-12-01"}, office(cr)},
		{"edit", "draft", "PATCH", "/api/v1/tours/%d", map[string]any{"name": "改名"}, office(ok)},
		{"delete", "draft", "DELETE", "/api/v1/tours/%d", nil, office(del)},
		{"open", "draft", "POST", "/api/v1/tours/%d/open", nil, office(ok)},
		{"close", "open", "POST", "/api/v1/tours/%d/close", nil, office(ok)},
		{"reopen", "closed", "POST", "/api/v1/tours/%d/reopen", map[string]any{"reason": "补评"}, office(ok)},
		{"findings", "open", "PUT", "/api/v1/tours/%d/stops/%p/findings", map[string]any{"tags": []string{"建设缓慢"}, "findings": "进度慢"}, office(ok)},
		{"candidates", "open", "GET", "/api/v1/tours/candidates/judges", nil, office(ok)},
		{"projects", "open", "GET", "/api/v1/tours/candidates/projects", nil, office(ok)},
		{"results open", "open", "GET", "/api/v1/tours/%d/results", nil, row{ok, ok, nf, nf, nf, fb, cf, nf, nf}},
		{"results closed", "closed", "GET", "/api/v1/tours/%d/results", nil, published},
		{"export closed", "closed", "GET", "/api/v1/tours/%d/results/export", nil, published},
		{"my tour", "open", "GET", "/api/v1/tours/%d/my", nil, judgeOnly(ok)},
		{"my sheet", "open", "GET", "/api/v1/tours/%d/projects/%p/my-score", nil, judgeOnly(ok)},
		{"score open", "open", "PUT", "/api/v1/tours/%d/projects/%p/my-score", map[string]any{"points": []float64{28, 27, 18, 17}, "submit": true}, judgeOnly(ok)},
		{"score closed", "closed", "PUT", "/api/v1/tours/%d/projects/%p/my-score", map[string]any{"points": []float64{28, 27, 18, 17}, "submit": true}, judgeOnly(cf)},
		{"score draft", "draft", "PUT", "/api/v1/tours/%d/projects/%p/my-score", map[string]any{"points": []float64{28, 27, 18, 17}}, judgeOnly(cf)},
	}
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.f.AddUser(t, "judge9", "D", "judge")
		srv := e.f.NewServer(t)
		clients := map[string]*testutil.Client{}
		for _, u := range who {
			clients[u] = srv.Login(t, u)
		}
		for _, c := range cases {
			for i, u := range who {
				tr := e.tour(t, c.state != "draft")
				if c.state == "closed" {
					e.score(t, tr.ID, 1, e.projects[0], 25, 25, 15, 15)
					if _, err := e.s.Close(e.ctx, e.as("supervisor"), tr.ID); err != nil {
						t.Fatal(err)
					}
				}
				path := strings.NewReplacer("%d", fmt.Sprint(tr.ID), "%p", fmt.Sprint(e.projects[0])).Replace(c.path)
				r := clients[u].Do(c.method, path, c.body)
				if r.Status != c.want[i] {
					t.Errorf("%s as %s: got %d, want %d: %s", c.name, u, r.Status, c.want[i], r.Body)
				}
			}
		}
	})
}
