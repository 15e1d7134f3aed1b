package projects_test

import (
	"net/http"
	"testing"

	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/db"
	"diaodu/internal/platform/errs"
	"diaodu/internal/projects"
	"diaodu/internal/testutil"
)

var who = [9]string{"admin", "supervisor", "leader", "qs_admin", "qs_staff", "zj_field", "judge", "lx_admin", "fgj_staff"}

type want errs.Code

const (
	OK want = ""
	NF      = want(errs.NotFound)
	FB      = want(errs.Forbidden)
)

type row [9]want

type action struct {
	name string
	do   func(e *env, a *auth.Actor, pid int64) error
	qs   row // on a 青石镇 project (responsible: 青石镇)
	lx   row // on a 柳溪镇 project (responsible: 区发改局)
}

// Role × action × in/out of scope, on the service.
func TestPermissionMatrix(t *testing.T) {
	actions := []action{
		{"view", func(e *env, a *auth.Actor, pid int64) error { _, err := e.s.Detail(e.ctx, a, pid); return err },
			row{OK, OK, OK, OK, OK, NF, FB, NF, NF}, row{OK, OK, OK, NF, NF, NF, FB, OK, OK}},
		{"update", func(e *env, a *auth.Actor, pid int64) error {
			_, err := e.s.Update(e.ctx, a, pid, projects.Input{Address: ptr("工业园区")})
			return err
		}, row{OK, OK, FB, OK, FB, FB, FB, NF, FB}, row{OK, OK, FB, NF, FB, FB, FB, OK, FB}},
		{"milestones", func(e *env, a *auth.Actor, pid int64) error {
			ms := e.detail(nilT{}, pid).Milestones
			in := make([]projects.MilestoneInput, len(ms))
			for i, m := range ms {
				in[i] = projects.MilestoneInput{ID: m.ID, Name: m.Name}
			}
			in[0].Actual = e.day(-1)
			_, err := e.s.SaveMilestones(e.ctx, a, pid, in)
			return err
		}, row{OK, OK, FB, OK, OK, FB, FB, NF, NF}, row{OK, OK, FB, NF, NF, FB, FB, OK, OK}},
		{"report", func(e *env, a *auth.Actor, pid int64) error {
			_, err := e.s.SubmitReport(e.ctx, a, pid, projects.ReportInput{Month: "2026-11", InvestMonth: ptr(int64(1000)), ProgressText: "进展"})
			return err
		}, row{OK, OK, FB, OK, OK, FB, FB, NF, NF}, row{OK, OK, FB, NF, NF, FB, FB, OK, OK}},
		{"photo", func(e *env, a *auth.Actor, pid int64) error {
			_, err := e.s.UploadPhoto(e.ctx, a, pid, "p.jpg", testutil.JPEG(nilT{}))
			return err
		}, row{OK, OK, FB, OK, OK, FB, FB, NF, NF}, row{OK, OK, FB, NF, NF, FB, FB, OK, OK}},
		{"delete", func(e *env, a *auth.Actor, pid int64) error { return e.s.Delete(e.ctx, a, pid) },
			row{OK, OK, FB, OK, FB, FB, FB, NF, FB}, row{OK, OK, FB, NF, FB, FB, FB, OK, FB}},
	}
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		for _, ac := range actions {
			for _, where := range []string{"qs", "lx"} {
				want := ac.qs
				if where == "lx" {
					want = ac.lx
				}
				for i, name := range who {
					t.Run(ac.name+"/"+where+"/"+name, func(t *testing.T) {
						var p *projects.Project
						if where == "qs" {
							p = e.project(t)
						} else {
							p = e.project(t, func(in *projects.Input) { in.TownID, in.UnitID = ptr(e.unit("LX")), ptr(e.unit("FGJ")) })
						}
						before := e.head(t)
						err := ac.do(e, e.as(name), p.ID)
						if want[i] == OK {
							if err != nil {
								t.Fatalf("want ok, got %v", err)
							}
							return
						}
						testutil.WantCode(t, err, errs.Code(want[i]), "")
						if e.head(t) != before {
							t.Fatal("a refused action wrote")
						}
					})
				}
			}
		}
		// Lists are scoped the same way.
		counts := map[string]int{"admin": -1, "leader": -1, "qs_admin": 0, "lx_admin": 0, "fgj_staff": 0, "zj_field": 0}
		for name := range counts {
			_, n, err := e.s.List(e.ctx, e.as(name), projects.Filter{}, 10, 0)
			if err != nil {
				t.Fatal(err)
			}
			counts[name] = n
		}
		if counts["admin"] != counts["leader"] || counts["qs_admin"] == 0 || counts["zj_field"] != 0 ||
			counts["qs_admin"]+counts["lx_admin"] != counts["admin"] || counts["fgj_staff"] != counts["lx_admin"] {
			t.Fatalf("list scope: %v", counts)
		}
		if _, _, err := e.s.List(e.ctx, e.as("judge"), projects.Filter{}, 10, 0); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("judge lists: %v", err)
		}
		// A task-force member from another unit sees the project.
		p := e.project(t, func(in *projects.Input) {
			in.Members = &[]projects.MemberInput{{UserID: ptr(e.as("fgj_staff").UserID), Duty: "专班成员"}, {Name: "李四", Duty: "联络员"}}
		})
		if _, err := e.s.Get(e.ctx, e.as("fgj_staff"), p.ID); err != nil {
			t.Fatalf("task-force member: %v", err)
		}
		if _, err := e.s.Update(e.ctx, e.as("fgj_staff"), p.ID, projects.Input{Address: ptr("x")}); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("member staff may not edit: %v", err)
		}
	})
}

// nilT lets the action helpers fail loudly outside a subtest.
type nilT struct{ testing.TB }

func (nilT) Helper()                      {}
func (nilT) Fatal(args ...any)            { panic(args) }
func (nilT) Fatalf(f string, args ...any) { panic(f) }

// HTTP: the endpoints answer with the service's codes.
func TestHTTP(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		srv := e.f.NewServer(t)
		sup, qs, lx := srv.Login(t, "supervisor"), srv.Login(t, "qs_staff"), srv.Login(t, "lx_admin")
		in := e.input()
		r := sup.Do("POST", "/api/v1/projects", in)
		if r.Status != http.StatusCreated {
			t.Fatalf("create: %d %s", r.Status, r.Body)
		}
		pid := int64(r.JSON()["id"].(float64))
		for _, c := range []struct {
			c      *testutil.Client
			method string
			path   string
			body   any
			status int
		}{
			{sup, "GET", "/api/v1/projects?light=green,red&size=large&phase=prep&q=产业园", nil, 200},
			{sup, "GET", "/api/v1/projects?size=giant", nil, 422},
			{sup, "GET", "/api/v1/projects/board", nil, 200},
			{sup, "GET", "/api/v1/projects/gantt", nil, 200},
			{sup, "GET", "/api/v1/projects/summary?by=town", nil, 200},
			{sup, "GET", "/api/v1/projects/summary?by=x", nil, 422},
			{sup, "GET", "/api/v1/projects/report-status?month=2026-11", nil, 200},
			{sup, "GET", "/api/v1/projects/export?light=green", nil, 200},
			{qs, "GET", "/api/v1/projects/" + id(pid), nil, 200},
			{lx, "GET", "/api/v1/projects/" + id(pid), nil, 404},
			{qs, "POST", "/api/v1/projects/" + id(pid) + "/reports", map[string]any{"month": "2026-11", "invest_month": 100, "progress_text": "开工"}, 201},
			{lx, "POST", "/api/v1/projects/" + id(pid) + "/reports", map[string]any{"month": "2026-11", "invest_month": 100, "progress_text": "开工"}, 404},
			{qs, "PATCH", "/api/v1/projects/" + id(pid), map[string]any{"address": "x"}, 403},
			{sup, "PUT", "/api/v1/projects/settings", map[string]any{"report_day": 40}, 422},
			{sup, "PUT", "/api/v1/projects/settings", map[string]any{"report_day": 20}, 200},
			{qs, "PUT", "/api/v1/projects/settings", map[string]any{"report_day": 20}, 403},
			{sup, "GET", "/api/v1/project-coordination?status=open", nil, 200},
		} {
			if r := c.c.Do(c.method, c.path, c.body); r.Status != c.status {
				t.Errorf("%s %s: %d %s", c.method, c.path, r.Status, r.Body)
			}
		}
		up := qs.Upload("/api/v1/projects/"+id(pid)+"/photos", nil, "a.pdf", pdf)
		if up.Status != 422 || up.Field("file") == "" {
			t.Fatalf("pdf photo: %d %s", up.Status, up.Body)
		}
		if up := qs.Upload("/api/v1/projects/"+id(pid)+"/photos", nil, "a.jpg", testutil.JPEG(t)); up.Status != 201 {
			t.Fatalf("jpeg photo: %d %s", up.Status, up.Body)
		}
	})
}
