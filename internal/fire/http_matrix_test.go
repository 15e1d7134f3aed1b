package fire_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"diaodu/internal/fire"
	"diaodu/internal/platform/db"
	"diaodu/internal/testutil"
)

// EM is a list answered 200 without the side's object among its items.
const EM = want("not listed")

// side is where the object lies: 张家村 in 青石镇, or 河口村 in 柳溪镇, with
// the town's admin (who issues the town's own letters).
type side struct{ village, town, admin string }

var sides = [2]side{{"QS-ZJ", "QS", "qs_admin"}, {"LX-HK", "LX", "lx_admin"}}

// hrow is one row of the HTTP table.
type hrow struct {
	route string // "METHOD pattern" as handler.go registers it
	ok    int    // the status of an allowed call
	once  bool   // nothing on a side: one row, run on the 青石镇 side only
	// has, when set, tells whether a 200 answer holds the object: OK means
	// it must, EM that it must not.
	has  func(t testing.TB, body []byte, id int64) bool
	req  reqFunc
	rows [2]row
}

// reqFunc makes the side's object fresh for the call user u makes, and
// names the call; id is the object the answer should hold.
type reqFunc func(e *env, t testing.TB, s side, u string) (path string, body any, id int64)

// letterOn makes a fresh letter for a side.
type letterOn func(e *env, t testing.TB, s side) *fire.Letter

// coverageOf tells whether a coverage answer is of this letter.
func coverageOf(t testing.TB, body []byte, id int64) bool {
	var c fire.Coverage
	if err := json.Unmarshal(body, &c); err != nil {
		t.Fatalf("not a coverage: %.200s", body)
	}
	return c.LetterID == id
}

// fireRows is every endpoint of handler.go. Letters are made fresh for
// every call, by the supervisor to the side's town unless a row says
// otherwise; a "district-wide" row's letter goes to every town, so the
// refusal comes from the village or household the form names (422).
func fireRows() []hrow {
	var (
		viewList  = [2]row{{OK, OK, OK, OK, OK, OK, FB, EM, EM}, {OK, OK, OK, EM, EM, EM, FB, OK, EM}}
		warnOnly  = [2]row{{OK, OK, FB, FB, FB, FB, FB, FB, FB}, {OK, OK, FB, FB, FB, FB, FB, FB, FB}}
		fieldForm = [2]row{{OK, OK, FB, OK, OK, OK, FB, VA, VA}, {OK, OK, FB, VA, VA, VA, FB, OK, VA}}
		viewForm  = [2]row{{OK, OK, OK, OK, OK, OK, FB, VA, VA}, {OK, OK, OK, VA, VA, VA, FB, OK, VA}}
	)
	path := func(f string, a ...any) string { return fmt.Sprintf("/api/v1/fire/"+f, a...) }
	listed := testutil.Listed
	warning := func(e *env, t testing.TB, s side) int64 {
		w, err := e.s.IssueWarning(e.ctx, e.as("supervisor"), fire.WarningInput{Level: 3, TownIDs: []int64{e.unit(s.town)},
			ValidTo: ptr(e.f.Clock.Now().Add(time.Hour))})
		if err != nil {
			t.Fatal(err)
		}
		return w.ID
	}
	onSide := func(e *env, t testing.TB, s side) *fire.Letter { return e.letter(t, e.unit(s.town)) }
	districtWide := func(e *env, t testing.TB, _ side) *fire.Letter { return e.letter(t) }
	// deliver, batch, pending and sheet on a letter: the same call on the
	// side's letter (404 out of scope) and on a district-wide one (422).
	deliver := func(letter letterOn) reqFunc {
		return func(e *env, t testing.TB, s side, u string) (string, any, int64) {
			l := letter(e, t, s)
			return path("letters/%d/deliveries", l.ID), map[string]any{"household_id": e.hh[s.village][0], "method": fire.MethodSignature,
				"file_ids": []int64{e.receipt(t, u, l.ID)}, "client_key": fmt.Sprintf("key-%d-%s", l.ID, u)}, 0
		}
	}
	batch := func(letter letterOn) reqFunc {
		return func(e *env, t testing.TB, s side, u string) (string, any, int64) {
			l := letter(e, t, s)
			return path("letters/%d/batches", l.ID), map[string]any{"village_id": e.unit(s.village), "file_id": e.receipt(t, u, l.ID),
				"household_ids": e.hh[s.village]}, 0
		}
	}
	village := func(what string, letter letterOn) reqFunc {
		return func(e *env, t testing.TB, s side, u string) (string, any, int64) {
			return path("letters/%d/%s?village_id=%d", letter(e, t, s).ID, what, e.unit(s.village)), nil, e.hh[s.village][0]
		}
	}
	letterBody := func(e *env, s side) map[string]any {
		return map[string]any{"title": "森林防火戒严令", "body": "严禁野外用火。", "starts_on": "2026-11-01", "ends_on": "2027-04-30",
			"town_ids": []int64{e.unit(s.town)}}
	}
	return []hrow{
		// The banner: everyone signed in, the warnings covering their town.
		{"GET /api/v1/fire/warnings/active", 200, false, listed, func(e *env, t testing.TB, s side, _ string) (string, any, int64) {
			return path("warnings/active"), nil, warning(e, t, s)
		}, [2]row{{OK, OK, OK, OK, OK, OK, OK, EM, OK}, {OK, OK, OK, EM, EM, EM, OK, OK, OK}}},
		// Warnings are the district's: fire.view lists them all.
		{"GET /api/v1/fire/warnings", 200, false, listed, func(e *env, t testing.TB, s side, _ string) (string, any, int64) {
			return path("warnings?page_size=500"), nil, warning(e, t, s)
		}, [2]row{{OK, OK, OK, OK, OK, OK, FB, OK, OK}, {OK, OK, OK, OK, OK, OK, FB, OK, OK}}},
		{"POST /api/v1/fire/warnings", 201, false, nil, func(e *env, t testing.TB, s side, _ string) (string, any, int64) {
			return path("warnings"), map[string]any{"level": 4, "town_ids": []int64{e.unit(s.town)}, "valid_to": e.f.Clock.Now().Add(time.Hour)}, 0
		}, warnOnly},
		{"POST /api/v1/fire/warnings/{id}/end", 200, false, nil, func(e *env, t testing.TB, s side, _ string) (string, any, int64) {
			return path("warnings/%d/end", warning(e, t, s)), nil, 0
		}, warnOnly},
		{"GET /api/v1/fire/settings", 200, true, nil, func(e *env, t testing.TB, s side, _ string) (string, any, int64) {
			return path("settings"), nil, 0
		}, [2]row{{OK, OK, OK, OK, OK, OK, FB, OK, OK}}},
		{"PUT /api/v1/fire/settings", 200, true, nil, func(e *env, t testing.TB, s side, _ string) (string, any, int64) {
			return path("settings"), fire.DefaultSettings, 0
		}, [2]row{warnOnly[0]}},
		{"GET /api/v1/fire/letters", 200, false, listed, func(e *env, t testing.TB, s side, _ string) (string, any, int64) {
			return path("letters"), nil, onSide(e, t, s).ID
		}, viewList},
		// fire.letters, to towns in the user's scope (a town out of it is the form's error).
		{"POST /api/v1/fire/letters", 201, false, nil, func(e *env, t testing.TB, s side, _ string) (string, any, int64) {
			return path("letters"), letterBody(e, s), 0
		}, [2]row{{OK, OK, FB, OK, OK, FB, FB, VA, VA}, {OK, OK, FB, VA, VA, FB, FB, OK, VA}}},
		{"GET /api/v1/fire/letters/{id}", 200, false, nil, func(e *env, t testing.TB, s side, _ string) (string, any, int64) {
			return path("letters/%d", onSide(e, t, s).ID), nil, 0
		}, svc("view letter")},
		// The district's letter: only district users change it.
		{"PATCH /api/v1/fire/letters/{id}", 200, false, nil, func(e *env, t testing.TB, s side, _ string) (string, any, int64) {
			return path("letters/%d", onSide(e, t, s).ID), map[string]any{"body": "新正文"}, 0
		}, svc("edit letter")},
		// The town's own letter: its town's letter writers change it too.
		{"PATCH /api/v1/fire/letters/{id}", 200, false, nil, func(e *env, t testing.TB, s side, _ string) (string, any, int64) {
			return path("letters/%d", e.letterBy(t, s.admin, e.unit(s.town)).ID), letterBody(e, s), 0
		}, [2]row{{OK, OK, FB, OK, OK, FB, FB, NF, NF}, {OK, OK, FB, NF, NF, FB, FB, OK, NF}}},
		// Receipts: whoever records deliveries, on a letter they see.
		{"POST /api/v1/fire/letters/{id}/files", 201, false, nil, func(e *env, t testing.TB, s side, _ string) (string, any, int64) {
			return path("letters/%d/files", onSide(e, t, s).ID), testutil.Upload{Name: "signature.png", Data: pngBytes(t)}, 0
		}, svc("deliver")},
		// Letter 0 is a letter being written: its writers only.
		{"POST /api/v1/fire/letters/{id}/files", 201, true, nil, func(e *env, t testing.TB, s side, _ string) (string, any, int64) {
			return path("letters/0/files"), testutil.Upload{Name: "letter.png", Data: pngBytes(t)}, 0
		}, [2]row{{OK, OK, FB, OK, OK, FB, FB, OK, OK}}},
		{"POST /api/v1/fire/letters/{id}/deliveries", 201, false, nil, deliver(onSide), svc("deliver")},
		{"POST /api/v1/fire/letters/{id}/deliveries", 201, false, nil, deliver(districtWide), fieldForm},
		{"POST /api/v1/fire/letters/{id}/batches", 201, false, nil, batch(onSide), svc("batch")},
		{"POST /api/v1/fire/letters/{id}/batches", 201, false, nil, batch(districtWide), fieldForm},
		{"GET /api/v1/fire/letters/{id}/pending", 200, false, listed, village("pending", onSide), svc("pending")},
		{"GET /api/v1/fire/letters/{id}/pending", 200, false, listed, village("pending", districtWide), viewForm},
		{"GET /api/v1/fire/letters/{id}/sheet", 200, false, nil, village("sheet", onSide), svc("pending")},
		{"GET /api/v1/fire/letters/{id}/sheet", 200, false, nil, village("sheet", districtWide), viewForm},
		{"GET /api/v1/fire/coverage", 200, false, nil, func(e *env, t testing.TB, s side, _ string) (string, any, int64) {
			return path("coverage?letter_id=%d", onSide(e, t, s).ID), nil, 0
		}, svc("coverage")},
		// No letter named: the latest the user sees, which is the side's
		// fresh letter for those who see it (others get an older one).
		{"GET /api/v1/fire/coverage", 200, false, coverageOf, func(e *env, t testing.TB, s side, _ string) (string, any, int64) {
			return path("coverage"), nil, onSide(e, t, s).ID
		}, viewList},
	}
}

// Every endpoint of handler.go over HTTP, for every fixture user, on an
// object in 青石镇 (张家村) and one in 柳溪镇 (河口村): the status code,
// whether a list holds the object, and that every refused call changed
// nothing.
func TestPermissionMatrixHTTP(t *testing.T) {
	status := map[want]int{NF: http.StatusNotFound, FB: http.StatusForbidden, VA: http.StatusUnprocessableEntity, EM: http.StatusOK}
	rows := fireRows()
	routes := make([]string, len(rows))
	for i, r := range rows {
		routes[i] = r.route
	}
	testutil.CoverRoutes(t, (&fire.Service{}).Routes, routes)

	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		clients := e.f.NewServer(t).LoginAll(t, who[:]...)
		for _, r := range rows {
			method, _, _ := strings.Cut(r.route, " ")
			for si, s := range sides {
				if r.once && si > 0 {
					break
				}
				for i, u := range who {
					exp := r.rows[si][i]
					p, body, id := r.req(e, t, s, u)
					cell := testutil.Cell{Name: fmt.Sprintf("%s (%s) on %s by %s", r.route, p, s.village, u), Method: method, Path: p, Body: body,
						Status: r.ok, Listed: exp == OK, Refused: exp != OK}
					if st, ok := status[exp]; ok {
						cell.Status = st
					}
					if r.has != nil {
						cell.Holds = func(b []byte) bool { return r.has(t, b, id) }
					}
					cell.Check(t, clients[u], e.head)
				}
			}
		}
	})
}
