package patrol_test

import (
	"net/http"
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

// The same table over HTTP for one action of each kind: the status codes
// follow the service's errors.
func TestPermissionMatrixHTTP(t *testing.T) {
	status := map[want]int{OK: 0, NF: http.StatusNotFound, FB: http.StatusForbidden, VL: http.StatusUnprocessableEntity}
	type hAction struct {
		name   string
		req    func(e *env, t testing.TB, s side) (method, path string, body any)
		ok     int
		qs, lx row
	}
	hActions := []hAction{
		{"view patrol", func(e *env, t testing.TB, s side) (string, string, any) {
			return "GET", "/api/v1/fire/patrols/" + idStr(e.patrolOn(t, s).ID), nil
		}, 200, actions[0].qs, actions[0].lx},
		{"broadcast", func(e *env, t testing.TB, s side) (string, string, any) {
			return "POST", "/api/v1/fire/broadcasts", map[string]any{"village_id": e.unit(s.village), "times": []string{"08:00"}, "content": "防火"}
		}, 201, actions[4].qs, actions[4].lx},
		{"edit post", func(e *env, t testing.TB, s side) (string, string, any) {
			p, err := e.s.SavePost(e.ctx, e.as("admin"), 0, patrol.PostInput{VillageID: e.unit(s.village), Name: "岗"})
			if err != nil {
				t.Fatal(err)
			}
			return "PUT", "/api/v1/fire/posts/" + idStr(p.ID), map[string]any{"name": "岗位二", "patrollers": []map[string]any{{"name": "丙"}}}
		}, 200, actions[6].qs, actions[6].lx},
		{"fix check", func(e *env, t testing.TB, s side) (string, string, any) {
			return "POST", "/api/v1/fire/checks/" + idStr(e.checkOn(t, s).ID) + "/fixed", map[string]any{"fixed_on": "2026-11-26", "note": "已整改"}
		}, 200, actions[9].qs, actions[9].lx},
	}
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.f.AddUser(t, "hk_field", "LX-HK", "field")
		srv := e.f.NewServer(t)
		clients := map[string]*testutil.Client{}
		for _, u := range who {
			clients[u] = srv.Login(t, u)
		}
		for _, ac := range hActions {
			for si, s := range []side{qsSide, lxSide} {
				exp := [2]row{ac.qs, ac.lx}[si]
				for i, u := range who {
					method, path, body := ac.req(e, t, s)
					wantStatus := status[exp[i]]
					if wantStatus == 0 {
						wantStatus = ac.ok
					}
					if r := clients[u].Do(method, path, body); r.Status != wantStatus {
						t.Errorf("%s on %s by %s: HTTP %d, want %d (%s)", ac.name, s.village, u, r.Status, wantStatus, r.Body)
					}
				}
			}
		}
	})
}
