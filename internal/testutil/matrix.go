package testutil

import (
	"encoding/json"
	"net/http"
	"testing"

	"diaodu/internal/platform/httpx"
)

// The pieces of a module's HTTP permission table (every route × every
// fixture user × an object in scope and one out of it), so that each
// module's table is only its rows.

// Upload is a multipart body of one file field "file", for Send.
type Upload struct {
	Name string
	Data []byte
}

// Send sends an Upload as a multipart form and any other body as Do does,
// so a table's rows name their body whatever its kind.
func (c *Client) Send(method, path string, body any) *Resp {
	c.T.Helper()
	if up, ok := body.(Upload); ok {
		return c.Upload(path, nil, up.Name, up.Data)
	}
	return c.Do(method, path, body)
}

// LoginAll signs every user in, each with a client of their own.
func (s *Server) LoginAll(t testing.TB, users ...string) map[string]*Client {
	t.Helper()
	out := make(map[string]*Client, len(users))
	for _, u := range users {
		out[u] = s.Login(t, u)
	}
	return out
}

// Listed tells whether a list answer (an array, or a page's items) holds
// an item with this id.
func Listed(t testing.TB, body []byte, id int64) bool {
	t.Helper()
	var page struct {
		Items []struct{ ID int64 } `json:"items"`
	}
	var arr []struct{ ID int64 }
	if err := json.Unmarshal(body, &arr); err != nil {
		if err := json.Unmarshal(body, &page); err != nil {
			t.Fatalf("not a list: %.200s", body)
		}
		arr = page.Items
	}
	for _, x := range arr {
		if x.ID == id {
			return true
		}
	}
	return false
}

// Cell is one call of a permission table and the answer it wants.
type Cell struct {
	Name         string // route, side and user, for the messages
	Method, Path string
	Body         any // JSON, or an Upload
	Status       int
	// Holds, when set, tells whether a 200 answer holds the side's object;
	// Listed is what it must say.
	Holds  func(body []byte) bool
	Listed bool
	// Refused: the call must change nothing. Every write records an audit
	// entry in its own transaction, so the chain's length (head) not moving
	// means no write committed.
	Refused bool
}

// Check sends the cell's call as c and reports where the answer differs.
func (cell Cell) Check(t testing.TB, c *Client, head func(testing.TB) int) {
	t.Helper()
	before := head(t)
	res := c.Send(cell.Method, cell.Path, cell.Body)
	switch {
	case res.Status != cell.Status:
		t.Errorf("%s: HTTP %d, want %d (%.200s)", cell.Name, res.Status, cell.Status, res.Body)
	case cell.Holds != nil && res.Status == http.StatusOK && cell.Holds(res.Body) != cell.Listed:
		t.Errorf("%s: the object listed is %v, want %v", cell.Name, !cell.Listed, cell.Listed)
	case cell.Refused && head(t) != before:
		t.Errorf("%s: a refused call changed something", cell.Name)
	}
}

// CoverRoutes fails the test for every route register adds that no row
// names, and for every row ("METHOD pattern") that names no route: a new
// endpoint cannot be left out of the table.
func CoverRoutes(t testing.TB, register func(*httpx.Router), rows []string) {
	t.Helper()
	rt := httpx.NewRouter(nil)
	register(rt)
	covered := map[string]bool{}
	for _, r := range rows {
		covered[r] = true
	}
	for _, r := range rt.Routes() {
		if !covered[r.Method+" "+r.Path] {
			t.Errorf("%s %s has no row in the table", r.Method, r.Path)
		}
		delete(covered, r.Method+" "+r.Path)
	}
	for r := range covered {
		t.Errorf("row %s names no route", r)
	}
}
