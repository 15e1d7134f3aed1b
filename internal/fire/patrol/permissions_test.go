package patrol_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"diaodu/internal/fire/patrol"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/db"
	"diaodu/internal/platform/errs"
	"diaodu/internal/testutil"
)

var who = [9]string{"admin", "supervisor", "leader", "qs_admin", "qs_staff", "zj_field", "judge", "lx_admin", "fgj_staff"}

type want errs.Code

const (
	OK want = ""
	NF      = want(errs.NotFound)
	FB      = want(errs.Forbidden)
	VL      = want(errs.Validation) // a form field naming a unit out of scope
)

type row [9]want

// side is where the object lies: 张家村 (青石镇) or 河口村 (柳溪镇), with
// the village's field worker, its post and town.
type side struct{ village, town, field string }

var qsSide, lxSide = side{"QS-ZJ", "QS", "zj_field"}, side{"LX-HK", "LX", "hk_field"}

// fixture objects on a side, made fresh for every cell by the district admin or the village worker.
func (e *env) patrolOn(t testing.TB, s side) *patrol.Patrol {
	post, err := e.s.SavePost(e.ctx, e.as("admin"), 0, patrol.PostInput{VillageID: e.unit(s.village), Name: "岗位", Patrollers: []patrol.Member{{Name: "甲"}, {Name: "乙"}}})
	if err != nil {
		t.Fatal(err)
	}
	p, _, err := e.s.CreatePatrol(e.ctx, e.as(s.field), patrol.PatrolInput{PostID: post.ID, StartedAt: ptr(e.now().Add(-time.Hour)), ClientKey: e.key()})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func (e *env) checkOn(t testing.TB, s side) *patrol.Check {
	c, err := e.s.CreateCheck(e.ctx, e.as("admin"), patrol.CheckInput{TownID: e.unit(s.town), CheckedOn: "2026-11-25", Items: "责任制"})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (e *env) reportOn(t testing.TB, s side) *patrol.Report {
	r, err := e.s.CreateReport(e.ctx, e.as("admin"), patrol.ReportInput{OccurredAt: ptr(e.now().Add(-time.Hour)), UnitID: e.unit(s.village), Place: "山上"})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

type action struct {
	name   string
	do     func(e *env, t testing.TB, a *auth.Actor, s side) error
	qs, lx row
}

var actions = []action{
	{"view patrol", func(e *env, t testing.TB, a *auth.Actor, s side) error {
		_, err := e.s.GetPatrol(e.ctx, a, e.patrolOn(t, s).ID)
		return err
	}, row{OK, OK, OK, OK, OK, OK, FB, NF, NF}, row{OK, OK, OK, NF, NF, NF, FB, OK, NF}},
	{"record route", func(e *env, t testing.TB, a *auth.Actor, s side) error {
		_, _, err := e.s.AddPoints(e.ctx, a, idStr(e.patrolOn(t, s).ID), patrol.PointsInput{ClientKey: e.key(), Points: pts(e.now().Add(-time.Minute), 1, 31)})
		return err
	}, row{FB, FB, FB, FB, FB, OK, FB, NF, NF}, row{FB, FB, FB, NF, NF, NF, FB, FB, NF}},
	{"finding", func(e *env, t testing.TB, a *auth.Actor, s side) error {
		_, _, err := e.s.AddFinding(e.ctx, a, idStr(e.patrolOn(t, s).ID), patrol.FindingInput{Kind: "fire_source", Note: "烟头"})
		return err
	}, row{OK, OK, FB, OK, OK, OK, FB, NF, NF}, row{OK, OK, FB, NF, NF, NF, FB, OK, NF}},
	{"end patrol", func(e *env, t testing.TB, a *auth.Actor, s side) error {
		_, err := e.s.EndPatrol(e.ctx, a, idStr(e.patrolOn(t, s).ID), patrol.EndInput{})
		return err
	}, row{OK, OK, FB, OK, OK, OK, FB, NF, NF}, row{OK, OK, FB, NF, NF, NF, FB, OK, NF}},
	{"broadcast", func(e *env, t testing.TB, a *auth.Actor, s side) error {
		_, _, err := e.s.CreateBroadcast(e.ctx, a, patrol.BroadcastInput{VillageID: e.unit(s.village), Times: []string{"08:00"}, Content: "防火"})
		return err
	}, row{OK, OK, FB, OK, OK, OK, FB, VL, VL}, row{OK, OK, FB, VL, VL, VL, FB, OK, VL}},
	{"start patrol", func(e *env, t testing.TB, a *auth.Actor, s side) error {
		_, _, err := e.s.CreatePatrol(e.ctx, a, patrol.PatrolInput{SquadID: e.squad.ID, UnitID: e.unit(s.village)})
		return err
	}, row{OK, OK, FB, OK, OK, OK, FB, VL, VL}, row{OK, OK, FB, VL, VL, VL, FB, VL, VL}}, // the squad is 青石镇's
	{"edit post", func(e *env, t testing.TB, a *auth.Actor, s side) error {
		p, err := e.s.SavePost(e.ctx, e.as("admin"), 0, patrol.PostInput{VillageID: e.unit(s.village), Name: "岗"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.s.SavePost(e.ctx, a, p.ID, patrol.PostInput{Name: "岗位二", Patrollers: []patrol.Member{{Name: "丙"}}})
		return err
	}, row{OK, OK, FB, OK, FB, FB, FB, NF, FB}, row{OK, OK, FB, NF, FB, FB, FB, OK, FB}},
	{"view report", func(e *env, t testing.TB, a *auth.Actor, s side) error {
		_, err := e.s.GetReport(e.ctx, a, e.reportOn(t, s).ID)
		return err
	}, row{OK, OK, OK, OK, OK, OK, FB, NF, NF}, row{OK, OK, OK, NF, NF, NF, FB, OK, NF}},
	{"report event", func(e *env, t testing.TB, a *auth.Actor, s side) error {
		_, err := e.s.AddEvent(e.ctx, a, e.reportOn(t, s).ID, patrol.EventInput{Kind: "dispatched"})
		return err
	}, row{OK, OK, FB, OK, FB, FB, FB, NF, FB}, row{OK, OK, FB, NF, FB, FB, FB, OK, FB}},
	{"fix check", func(e *env, t testing.TB, a *auth.Actor, s side) error {
		_, err := e.s.FixCheck(e.ctx, a, e.checkOn(t, s).ID, patrol.FixInput{FixedOn: "2026-11-26", Note: "已整改"})
		return err
	}, row{OK, OK, FB, OK, OK, NF, FB, NF, NF}, row{OK, OK, FB, NF, NF, NF, FB, OK, NF}},
}

func got(err error) want {
	if err == nil {
		return OK
	}
	if e, ok := errs.As(err); ok {
		return want(e.Code)
	}
	return want("error: " + err.Error())
}

// Role × action × in/out of scope, on the service.
func TestPermissionMatrix(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.f.AddUser(t, "hk_field", "LX-HK", "field")
		for _, ac := range actions {
			for si, s := range []side{qsSide, lxSide} {
				exp := [2]row{ac.qs, ac.lx}[si]
				for i, u := range who {
					if g := got(ac.do(e, t, e.as(u), s)); g != exp[i] {
						t.Errorf("%s on %s by %s: got %q, want %q", ac.name, s.village, u, g, exp[i])
					}
				}
			}
		}
		// Lists: village staff see their village only, towns their subtree, district all.
		qs := e.count(t, `SELECT COUNT(*) FROM fire_reports WHERE town_id = $1`, e.unit("QS"))
		lx := e.count(t, `SELECT COUNT(*) FROM fire_reports WHERE town_id = $1`, e.unit("LX"))
		for _, c := range []struct {
			user string
			n    int
		}{{"supervisor", qs + lx}, {"qs_admin", qs}, {"zj_field", qs}, {"lx_admin", lx}, {"fgj_staff", 0}} {
			_, total, err := e.s.ListReports(e.ctx, e.as(c.user), patrol.ListFilter{}, 10, 0)
			if err != nil || total != c.n || qs == 0 || lx == 0 {
				t.Errorf("%s sees %d reports, want %d (%v)", c.user, total, c.n, err)
			}
		}
	})
}

// The same over HTTP: status codes, 201 then 200 on a resend.
func TestHTTP(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.f.AddUser(t, "hk_field", "LX-HK", "field")
		srv := e.f.NewServer(t)
		zj := srv.Login(t, "zj_field")
		body := map[string]any{"post_id": e.post.ID, "client_key": "phone-key-1"}
		if r := zj.Do("POST", "/api/v1/fire/patrols", body); r.Status != http.StatusCreated {
			t.Fatalf("start: %d %s", r.Status, r.Body)
		}
		if r := zj.Do("POST", "/api/v1/fire/patrols", body); r.Status != http.StatusOK {
			t.Fatalf("resend: %d", r.Status)
		}
		pb := map[string]any{"client_key": "batch-1", "points": []map[string]any{{"at": e.now().Add(-time.Minute), "lat": 31.0, "lng": 117.0}}}
		if r := zj.Do("POST", "/api/v1/fire/patrols/phone-key-1/points", pb); r.Status != http.StatusCreated {
			t.Fatalf("points: %d %s", r.Status, r.Body)
		}
		if r := zj.Do("POST", "/api/v1/fire/patrols/phone-key-1/points", pb); r.Status != http.StatusOK {
			t.Fatalf("points resend: %d", r.Status)
		}
		if r := zj.Do("POST", "/api/v1/fire/patrols/phone-key-1/end", map[string]any{"ended_at": e.now().Add(-2 * time.Hour)}); r.Status != 422 || r.Field("ended_at") == "" {
			t.Fatalf("end before start: %d %s", r.Status, r.Body)
		}
		hk := srv.Login(t, "hk_field")
		for path, status := range map[string]int{
			"/api/v1/fire/patrols/phone-key-1": 404, "/api/v1/fire/home": 200, "/api/v1/fire/patrols": 200, "/api/v1/fire/villages": 200,
			"/api/v1/fire/broadcasts": 200, "/api/v1/fire/reports": 200, "/api/v1/fire/checks": 200, "/api/v1/fire/squads": 200,
		} {
			if r := hk.Do("GET", path, nil); r.Status != status {
				t.Errorf("GET %s as hk_field: %d, want %d", path, r.Status, status)
			}
		}
		if r := hk.Do("GET", "/api/v1/fire/patrols", nil); r.JSON()["total"].(float64) != 0 {
			t.Errorf("hk_field sees 张家村's patrol")
		}
		judge := srv.Login(t, "judge")
		if r := judge.Do("GET", "/api/v1/fire/home", nil); r.Status != 403 {
			t.Errorf("judge home: %d", r.Status)
		}
		if r := hk.Do("POST", "/api/v1/fire/posts", map[string]any{"village_id": e.unit("LX-HK"), "name": "岗"}); r.Status != 403 {
			t.Errorf("field worker makes posts: %d", r.Status)
		}
		up := zj.Upload("/api/v1/fire/patrols/phone-key-1/gpx", nil, "track.gpx", []byte("<kml/>"))
		if up.Status != 422 || up.Field("file") == "" {
			t.Errorf("gpx: %d %s", up.Status, up.Body)
		}
		ph := zj.Upload("/api/v1/fire/photos", nil, "a.png", []byte(pngBytes))
		if ph.Status != 201 {
			t.Fatalf("photo: %d %s", ph.Status, ph.Body)
		}
		fb := map[string]any{"kind": "grave_sweeping", "note": "坟前烧纸", "photo_ids": []any{ph.JSON()["id"]}, "client_key": "f-1"}
		if r := zj.Do("POST", "/api/v1/fire/patrols/phone-key-1/findings", fb); r.Status != 201 {
			t.Fatalf("finding: %d %s", r.Status, r.Body)
		}
		if r := zj.Do("GET", "/api/v1/fire/patrols/phone-key-1", nil); r.Status != 200 || len(r.JSON()["findings"].([]any)) != 1 {
			t.Fatalf("detail: %d %s", r.Status, r.Body)
		}
	})
}

// svc is a service action's two rows, for the HTTP table.
func svc(name string) [2]row {
	for _, a := range actions {
		if a.name == name {
			return [2]row{a.qs, a.lx}
		}
	}
	panic("no action " + name)
}

// EM is a list answered 200 without the side's object among its items.
const EM = want("not listed")

// One GPX track of two untimed points, spread over the patrol.
const gpxTrack = `<gpx><trk><trkseg><trkpt lat="31.000" lon="117.200"/><trkpt lat="31.010" lon="117.210"/></trkseg></trk></gpx>`

// Every endpoint of handler.go over HTTP, for every role, on an object in
// 青石镇 (张家村) and one in 柳溪镇 (河口村): the status code, whether a list
// holds the object, and for every refused call that nothing changed (each
// write records an audit entry in its own transaction, so the chain's head
// not moving means no write committed).
func TestPermissionMatrixHTTP(t *testing.T) {
	status := map[want]int{NF: http.StatusNotFound, FB: http.StatusForbidden, VL: http.StatusUnprocessableEntity, EM: http.StatusOK}
	type hrow struct {
		route string // "METHOD pattern" as handler.go registers it
		ok    int    // the status of an allowed call
		list  bool   // the answer lists items; OK means the object is among them, EM that it is not
		once  bool   // no object: one row, run on the 青石镇 side only
		// req makes the object on side s fresh and names the call; id is the
		// object a list should hold.
		req  func(e *env, t testing.TB, s side) (path string, body any, id int64)
		rows [2]row
	}
	var (
		viewList   = [2]row{{OK, OK, OK, OK, OK, OK, FB, EM, EM}, {OK, OK, OK, EM, EM, EM, FB, OK, EM}}
		fieldWrite = [2]row{{OK, OK, FB, OK, OK, OK, FB, VL, VL}, {OK, OK, FB, VL, VL, VL, FB, OK, VL}} // a form naming a village
		manageNew  = [2]row{{OK, OK, FB, OK, FB, FB, FB, VL, FB}, {OK, OK, FB, VL, FB, FB, FB, OK, FB}}
		manageEdit = [2]row{{OK, OK, FB, OK, FB, FB, FB, NF, FB}, {OK, OK, FB, NF, FB, FB, FB, OK, FB}}
	)
	path := func(f string, a ...any) string { return fmt.Sprintf("/api/v1/fire/"+f, a...) }
	other := func(s side) side {
		if s == qsSide {
			return lxSide
		}
		return qsSide
	}
	squad := func(e *env, t testing.TB, owner side, areas ...side) *patrol.Squad {
		in := patrol.SquadInput{Name: "小分队" + e.key(), UnitID: e.unit(owner.town), Members: []patrol.Member{{Name: "李四"}}}
		for _, a := range areas {
			in.AreaIDs = append(in.AreaIDs, e.unit(a.village))
		}
		sq, err := e.s.SaveSquad(e.ctx, e.as("admin"), 0, in)
		if err != nil {
			t.Fatal(err)
		}
		return sq
	}
	squadBody := func(e *env, s side) map[string]any {
		return map[string]any{"name": "小分队" + e.key(), "kind": "骑巡", "unit_id": e.unit(s.town), "members": []map[string]any{{"name": "李四"}},
			"area_ids": []int64{e.unit(s.village)}}
	}
	postOn := func(e *env, t testing.TB, s side) *patrol.Post {
		p, err := e.s.SavePost(e.ctx, e.as("admin"), 0, patrol.PostInput{VillageID: e.unit(s.village), Name: "岗" + e.key()})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	rows := []hrow{
		{"GET /api/v1/fire/home", 200, false, true, func(e *env, t testing.TB, s side) (string, any, int64) {
			return path("home"), nil, 0
		}, [2]row{{OK, OK, OK, OK, OK, OK, FB, OK, OK}}},
		{"GET /api/v1/fire/broadcasts", 200, true, false, func(e *env, t testing.TB, s side) (string, any, int64) {
			b, _, err := e.s.CreateBroadcast(e.ctx, e.as("admin"), patrol.BroadcastInput{VillageID: e.unit(s.village), Times: []string{"08:00"}, Content: "防火"})
			if err != nil {
				t.Fatal(err)
			}
			return path("broadcasts?page_size=100&village_id=%d", e.unit(s.village)), nil, b.ID
		}, viewList},
		{"POST /api/v1/fire/broadcasts", 201, false, false, func(e *env, t testing.TB, s side) (string, any, int64) {
			return path("broadcasts"), map[string]any{"village_id": e.unit(s.village), "times": []string{"08:00"}, "content": "防火"}, 0
		}, svc("broadcast")},
		{"GET /api/v1/fire/squads", 200, true, false, func(e *env, t testing.TB, s side) (string, any, int64) {
			return path("squads"), nil, squad(e, t, s, s).ID
		}, viewList},
		{"POST /api/v1/fire/squads", 201, false, false, func(e *env, t testing.TB, s side) (string, any, int64) {
			return path("squads"), squadBody(e, s), 0
		}, manageNew},
		{"PUT /api/v1/fire/squads/{id}", 200, false, false, func(e *env, t testing.TB, s side) (string, any, int64) {
			return path("squads/%d", squad(e, t, s, s).ID), squadBody(e, s), 0
		}, manageEdit},
		// The other town's squad whose area reaches into this side's village:
		// listed here, but only its own town (or the district) changes it.
		{"PUT /api/v1/fire/squads/{id}", 200, false, false, func(e *env, t testing.TB, s side) (string, any, int64) {
			return path("squads/%d", squad(e, t, other(s), other(s), s).ID), squadBody(e, s), 0
		}, [2]row{{OK, OK, FB, FB, FB, FB, FB, VL, FB}, {OK, OK, FB, VL, FB, FB, FB, FB, FB}}},
		{"GET /api/v1/fire/patrols", 200, true, false, func(e *env, t testing.TB, s side) (string, any, int64) {
			return path("patrols?page_size=100&village_id=%d", e.unit(s.village)), nil, e.patrolOn(t, s).ID
		}, viewList},
		{"POST /api/v1/fire/patrols", 201, false, false, func(e *env, t testing.TB, s side) (string, any, int64) {
			return path("patrols"), map[string]any{"post_id": postOn(e, t, s).ID, "client_key": e.key()}, 0
		}, fieldWrite},
		{"GET /api/v1/fire/patrols/{id}", 200, false, false, func(e *env, t testing.TB, s side) (string, any, int64) {
			return path("patrols/%d", e.patrolOn(t, s).ID), nil, 0
		}, svc("view patrol")},
		{"POST /api/v1/fire/patrols/{id}/points", 201, false, false, func(e *env, t testing.TB, s side) (string, any, int64) {
			return path("patrols/%d/points", e.patrolOn(t, s).ID), patrol.PointsInput{ClientKey: e.key(), Points: pts(e.now().Add(-time.Minute), 1, 31)}, 0
		}, svc("record route")},
		{"POST /api/v1/fire/patrols/{id}/findings", 201, false, false, func(e *env, t testing.TB, s side) (string, any, int64) {
			return path("patrols/%d/findings", e.patrolOn(t, s).ID), map[string]any{"kind": "fire_source", "note": "烟头"}, 0
		}, svc("finding")},
		{"POST /api/v1/fire/patrols/{id}/end", 200, false, false, func(e *env, t testing.TB, s side) (string, any, int64) {
			return path("patrols/%d/end", e.patrolOn(t, s).ID), map[string]any{}, 0
		}, svc("end patrol")},
		{"POST /api/v1/fire/patrols/{id}/gpx", 200, false, false, func(e *env, t testing.TB, s side) (string, any, int64) {
			return path("patrols/%d/gpx", e.patrolOn(t, s).ID), testutil.Upload{Name: "track.gpx", Data: []byte(gpxTrack)}, 0
		}, svc("end patrol")}, // the same recorders as ending it
		{"POST /api/v1/fire/photos", 201, false, true, func(e *env, t testing.TB, s side) (string, any, int64) {
			return path("photos"), testutil.Upload{Name: "a.png", Data: []byte(pngBytes)}, 0
		}, [2]row{{OK, OK, FB, OK, OK, OK, FB, OK, OK}}}, // fire.field, against the uploader's own unit
		{"GET /api/v1/fire/villages", 200, true, false, func(e *env, t testing.TB, s side) (string, any, int64) {
			v, err := e.s.SaveVillage(e.ctx, e.as("admin"), patrol.VillageInput{VillageID: e.unit(s.village)})
			if err != nil {
				t.Fatal(err)
			}
			return path("villages"), nil, v.ID
		}, viewList},
		{"POST /api/v1/fire/villages", 200, false, false, func(e *env, t testing.TB, s side) (string, any, int64) {
			return path("villages"), map[string]any{"village_id": e.unit(s.village), "note": "林区"}, 0
		}, manageNew},
		{"POST /api/v1/fire/posts", 201, false, false, func(e *env, t testing.TB, s side) (string, any, int64) {
			return path("posts"), map[string]any{"village_id": e.unit(s.village), "name": "东山岗", "patrollers": []map[string]any{{"name": "王五"}}}, 0
		}, manageNew},
		{"PUT /api/v1/fire/posts/{id}", 200, false, false, func(e *env, t testing.TB, s side) (string, any, int64) {
			return path("posts/%d", postOn(e, t, s).ID), map[string]any{"name": "岗位二", "patrollers": []map[string]any{{"name": "丙"}}}, 0
		}, svc("edit post")},
		{"POST /api/v1/fire/lights", 200, false, true, func(e *env, t testing.TB, s side) (string, any, int64) {
			return path("lights"), nil, 0
		}, [2]row{{OK, OK, FB, OK, FB, FB, FB, OK, FB}}},
		{"GET /api/v1/fire/reports", 200, true, false, func(e *env, t testing.TB, s side) (string, any, int64) {
			return path("reports?page_size=100&village_id=%d", e.unit(s.village)), nil, e.reportOn(t, s).ID
		}, viewList},
		{"POST /api/v1/fire/reports", 201, false, false, func(e *env, t testing.TB, s side) (string, any, int64) {
			return path("reports"), map[string]any{"occurred_at": e.now().Add(-time.Hour), "unit_id": e.unit(s.village), "place": "后山"}, 0
		}, manageNew},
		{"GET /api/v1/fire/reports/{id}", 200, false, false, func(e *env, t testing.TB, s side) (string, any, int64) {
			return path("reports/%d", e.reportOn(t, s).ID), nil, 0
		}, svc("view report")},
		{"PUT /api/v1/fire/reports/{id}", 200, false, false, func(e *env, t testing.TB, s side) (string, any, int64) {
			return path("reports/%d", e.reportOn(t, s).ID), map[string]any{"occurred_at": e.now().Add(-time.Hour), "unit_id": e.unit(s.village),
				"place": "山脚", "area_ha": 0.5}, 0
		}, manageEdit},
		{"POST /api/v1/fire/reports/{id}/events", 201, false, false, func(e *env, t testing.TB, s side) (string, any, int64) {
			return path("reports/%d/events", e.reportOn(t, s).ID), map[string]any{"kind": "dispatched"}, 0
		}, svc("report event")},
		{"GET /api/v1/fire/checks", 200, true, false, func(e *env, t testing.TB, s side) (string, any, int64) {
			return path("checks?page_size=100&town_id=%d", e.unit(s.town)), nil, e.checkOn(t, s).ID
		}, [2]row{{OK, OK, OK, OK, OK, EM, FB, EM, EM}, {OK, OK, OK, EM, EM, EM, FB, OK, EM}}}, // checks are on towns
		{"POST /api/v1/fire/checks", 201, false, false, func(e *env, t testing.TB, s side) (string, any, int64) {
			return path("checks"), map[string]any{"town_id": e.unit(s.town), "checked_on": "2026-11-25", "items": "责任制落实"}, 0
		}, manageNew},
		{"POST /api/v1/fire/checks/{id}/fixed", 200, false, false, func(e *env, t testing.TB, s side) (string, any, int64) {
			return path("checks/%d/fixed", e.checkOn(t, s).ID), map[string]any{"fixed_on": "2026-11-26", "note": "已整改"}, 0
		}, svc("fix check")},
	}

	// The table covers every route the module registers.
	names := make([]string, len(rows))
	for i, r := range rows {
		names[i] = r.route
	}
	testutil.CoverRoutes(t, (&patrol.Service{}).Routes, names)

	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.f.AddUser(t, "hk_field", "LX-HK", "field")
		srv := e.f.NewServer(t)
		clients := srv.LoginAll(t, who[:]...)
		for _, r := range rows {
			method, _, _ := strings.Cut(r.route, " ")
			for si, s := range []side{qsSide, lxSide} {
				if r.once && si > 0 {
					break
				}
				for i, u := range who {
					exp := r.rows[si][i]
					p, body, id := r.req(e, t, s)
					wantStatus, ok := status[exp]
					if !ok {
						wantStatus = r.ok
					}
					cell := testutil.Cell{Name: r.route + " on " + s.village + " by " + u, Method: method, Path: p, Body: body,
						Status: wantStatus, Listed: exp == OK, Refused: exp != OK}
					if r.list {
						cell.Holds = func(b []byte) bool { return testutil.Listed(t, b, id) }
					}
					cell.Check(t, clients[u], e.head)
				}
			}
		}
	})
}
