package fire_test

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"diaodu/internal/fire"
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
	VA      = want(errs.Validation) // a household or village out of scope reads as missing, named by its field
)

type row [9]want

// action is a service call on a letter, with its row for each side.
type action struct {
	name string
	do   func(e *env, a *auth.Actor, l *fire.Letter, village string, file int64) error
	qs   row
	lx   row
}

var actions = []action{
	{"view letter", func(e *env, a *auth.Actor, l *fire.Letter, _ string, _ int64) error {
		_, err := e.s.Letter(e.ctx, a, l.ID)
		return err
	},
		row{OK, OK, OK, OK, OK, OK, FB, NF, NF}, row{OK, OK, OK, NF, NF, NF, FB, OK, NF}},
	{"coverage", func(e *env, a *auth.Actor, l *fire.Letter, _ string, _ int64) error {
		_, err := e.s.Coverage(e.ctx, a, l.ID)
		return err
	},
		row{OK, OK, OK, OK, OK, OK, FB, NF, NF}, row{OK, OK, OK, NF, NF, NF, FB, OK, NF}},
	{"edit letter", func(e *env, a *auth.Actor, l *fire.Letter, _ string, _ int64) error {
		_, err := e.s.UpdateLetter(e.ctx, a, l.ID, fire.LetterInput{Body: ptr("新正文")})
		return err
	}, row{OK, OK, FB, FB, FB, FB, FB, NF, NF}, row{OK, OK, FB, NF, NF, FB, FB, FB, NF}},
	{"pending", func(e *env, a *auth.Actor, l *fire.Letter, v string, file int64) error {
		_, _, err := e.s.Pending(e.ctx, a, l.ID, e.unit(v), "", 10, 0)
		return err
	}, row{OK, OK, OK, OK, OK, OK, FB, NF, NF}, row{OK, OK, OK, NF, NF, NF, FB, OK, NF}},
	{"deliver", func(e *env, a *auth.Actor, l *fire.Letter, v string, file int64) error {
		_, _, err := e.s.Deliver(e.ctx, a, l.ID, fire.DeliveryInput{HouseholdID: e.hh[v][0], Method: fire.MethodSignature,
			FileIDs: []int64{file}})
		return err
	}, row{OK, OK, FB, OK, OK, OK, FB, NF, NF}, row{OK, OK, FB, NF, NF, NF, FB, OK, NF}},
	{"batch", func(e *env, a *auth.Actor, l *fire.Letter, v string, file int64) error {
		_, err := e.s.MarkBatch(e.ctx, a, l.ID, fire.BatchInput{VillageID: e.unit(v), FileID: file,
			HouseholdIDs: e.hh[v]})
		return err
	}, row{OK, OK, FB, OK, OK, OK, FB, NF, NF}, row{OK, OK, FB, NF, NF, NF, FB, OK, NF}},
}

// svc is a service action's two rows, for the HTTP table.
func svc(name string) [2]row {
	a := actions[slices.IndexFunc(actions, func(a action) bool { return a.name == name })]
	return [2]row{a.qs, a.lx}
}

// Role × action × in/out of scope, on the service. "qs" acts on 青石镇's
// 张家村 under a 青石镇 letter; "lx" on 柳溪镇's 河口村 under a 柳溪镇 letter.
func TestPermissionMatrix(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		for _, ac := range actions {
			for _, where := range []string{"qs", "lx"} {
				exp, village, town := ac.qs, "QS-ZJ", "QS"
				if where == "lx" {
					exp, village, town = ac.lx, "LX-HK", "LX"
				}
				for i, name := range who {
					t.Run(ac.name+"/"+where+"/"+name, func(t *testing.T) {
						l := e.letter(t, e.unit(town))
						file := e.receipt(t, name, l.ID)
						before := e.head(t)
						err := ac.do(e, e.as(name), l, village, file)
						got := OK
						if x, ok := errs.As(err); ok {
							got = want(x.Code)
						} else if err != nil {
							t.Fatal(err)
						}
						if got != exp[i] {
							t.Fatalf("%s %s on %s: got %q (%v), want %q", name, ac.name, where, got, err, exp[i])
						}
						if err != nil && e.head(t) != before {
							t.Fatal("a refused call changed something")
						}
					})
				}
			}
		}
		// Warnings: only fire.warn holders issue; everyone signed in reads the banner.
		to := e.f.Clock.Now().Add(time.Hour)
		for _, name := range who {
			_, err := e.s.IssueWarning(e.ctx, e.as(name), fire.WarningInput{Level: 3, ValidTo: &to})
			if (name == "admin" || name == "supervisor") != (err == nil) {
				t.Errorf("%s issue: %v", name, err)
			}
			if _, err := e.s.BannerWarnings(e.ctx, e.as(name)); err != nil {
				t.Errorf("%s banner: %v", name, err)
			}
		}
		if _, err := e.s.BannerWarnings(e.ctx, nil); !errs.Is(err, errs.Unauthenticated) {
			t.Fatal("anonymous banner")
		}
	})
}

// HTTP: the endpoints answer with the service's codes, the phone's retry
// is 200, the sheet is an xlsx.
func TestHTTP(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		srv := e.f.NewServer(t)
		sup, zj, lx, judge := srv.Login(t, "supervisor"), srv.Login(t, "zj_field"), srv.Login(t, "lx_admin"), srv.Login(t, "judge")
		to := e.f.Clock.Now().Add(48 * time.Hour)
		r := sup.Do("POST", "/api/v1/fire/warnings", map[string]any{"level": 4, "town_ids": []int64{e.unit("QS")}, "valid_to": to})
		if r.Status != http.StatusCreated || r.JSON()["colour"] != "orange" {
			t.Fatalf("issue %d %s", r.Status, r.Body)
		}
		if r := zj.Do("POST", "/api/v1/fire/warnings", map[string]any{"level": 4, "valid_to": to}); r.Status != http.StatusForbidden {
			t.Fatalf("field issue %d", r.Status)
		}
		if r := sup.Do("POST", "/api/v1/fire/warnings", map[string]any{"level": 9, "valid_to": to}); r.Status != http.StatusUnprocessableEntity && r.Field("level") == "" {
			t.Fatalf("bad level %d %s", r.Status, r.Body)
		}
		banner := func(c *testutil.Client) int {
			r := c.Do("GET", "/api/v1/fire/warnings/active", nil)
			if r.Status != http.StatusOK {
				t.Fatalf("banner %d %s", r.Status, r.Body)
			}
			return len(mustList(t, r.Body))
		}
		if banner(zj) != 1 || banner(lx) != 0 || banner(judge) != 1 {
			t.Fatal("banner by area")
		}
		if r := srv.Client(t).Do("GET", "/api/v1/fire/warnings/active", nil); r.Status != http.StatusUnauthorized {
			t.Fatalf("anonymous banner %d", r.Status)
		}
		r = sup.Do("POST", "/api/v1/fire/letters", map[string]any{"title": "致全区人民群众的一封信", "body": "防火", "starts_on": "2026-11-01",
			"ends_on": "2027-04-30"})
		if r.Status != http.StatusCreated {
			t.Fatalf("letter %d %s", r.Status, r.Body)
		}
		lid := int64(r.JSON()["id"].(float64))
		base := "/api/v1/fire/letters/" + itoa(lid)
		up := zj.Upload(base+"/files", nil, "signature.png", pngBytes(t))
		if up.Status != http.StatusCreated {
			t.Fatalf("upload %d %s", up.Status, up.Body)
		}
		fid := int64(up.JSON()["id"].(float64))
		body := map[string]any{"household_id": e.hh["QS-ZJ"][0], "method": "signature", "file_ids": []int64{fid}, "client_key": "0b7c-uuid"}
		if r := zj.Do("POST", base+"/deliveries", body); r.Status != http.StatusCreated {
			t.Fatalf("deliver %d %s", r.Status, r.Body)
		}
		if r := zj.Do("POST", base+"/deliveries", body); r.Status != http.StatusOK {
			t.Fatalf("retry %d %s", r.Status, r.Body)
		}
		body["household_id"], body["client_key"] = e.hh["LX-HK"][0], "other"
		if r := zj.Do("POST", base+"/deliveries", body); r.Status != http.StatusUnprocessableEntity || r.Field("household_id") == "" {
			t.Fatalf("other village %d %s", r.Status, r.Body)
		}
		if n := e.f.Count(t, `SELECT COUNT(*) FROM fire_deliveries`); n != 1 {
			t.Fatalf("%d deliveries", n)
		}
		r = sup.Do("GET", "/api/v1/fire/coverage?letter_id="+itoa(lid), nil)
		if r.Status != http.StatusOK || r.JSON()["total"].(map[string]any)["reached"].(float64) != 1 {
			t.Fatalf("coverage %d %s", r.Status, r.Body)
		}
		if r := sup.Do("GET", "/api/v1/fire/coverage", nil); r.Status != http.StatusOK || int64(r.JSON()["letter_id"].(float64)) != lid {
			t.Fatalf("latest coverage %d %s", r.Status, r.Body)
		}
		if r := judge.Do("GET", "/api/v1/fire/coverage", nil); r.Status != http.StatusForbidden {
			t.Fatalf("judge coverage %d", r.Status)
		}
		r = zj.Do("GET", base+"/pending?page_size=2", nil)
		if r.Status != http.StatusOK || r.JSON()["total"].(float64) != 4 {
			t.Fatalf("pending %d %s", r.Status, r.Body)
		}
		r = zj.Do("GET", base+"/sheet", nil)
		if r.Status != http.StatusOK || r.Header.Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
			t.Fatalf("sheet %d %s", r.Status, r.Header)
		}
		if r := lx.Do("GET", base+"/sheet?village_id="+itoa(e.unit("QS-ZJ")), nil); r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("lx sheet of 张家村 %d", r.Status)
		}
		if r := zj.Do("PATCH", base, map[string]any{"title": "改"}); r.Status != http.StatusForbidden {
			t.Fatalf("field edit %d", r.Status)
		}
		if r := sup.Do("GET", "/api/v1/fire/letters?active=true", nil); r.Status != http.StatusOK || len(mustList(t, r.Body)) != 1 {
			t.Fatalf("letters %d %s", r.Status, r.Body)
		}
	})
}
