package reports_test

import (
	"slices"
	"testing"

	"diaodu/internal/platform/calendar"
	"diaodu/internal/platform/db"
	"diaodu/internal/reports"
	"diaodu/internal/testutil"
)

// who is the order of the matrix columns: every fixture user.
var who = [9]string{"admin", "supervisor", "leader", "qs_admin", "qs_staff", "zj_field", "judge", "lx_admin", "fgj_staff"}

type row [9]want

// Frequent rows.
var (
	everyoneButJudge = row{OK, OK, OK, OK, OK, OK, FB, OK, OK}
	managers         = row{OK, OK, FB, FB, FB, FB, FB, FB, FB}
	// an obligation of 青石镇, 柳溪镇 and 区发改局: 张家村's field user sees none of them
	viewTowns = row{OK, OK, OK, OK, OK, NF, FB, OK, OK}
	// 青石镇's own submission
	viewQS = row{OK, OK, OK, OK, OK, NF, FB, NF, NF}
	// reporting for 青石镇: its unit_admin and staff only
	reportQS = row{FB, FB, FB, OK, OK, NF, FB, NF, NF}
)

// tgt is what a row works on, made fresh for each user.
type tgt struct {
	ob  *reports.Obligation
	sub int64
}

type permAction struct {
	name  string
	prep  func(t *testing.T, e *env) tgt
	do    func(c *testutil.Client, x tgt) *testutil.Resp
	audit string // the entry a success records; "" for reads
	want  row
}

var today = calendar.MustDate("2026-11-26")

func towns(t *testing.T, e *env) tgt { return tgt{ob: e.obligation(t, reports.ObligationInput{})} }

func village(t *testing.T, e *env) tgt {
	return tgt{ob: e.obligation(t, reports.ObligationInput{Name: ptr("村级报送"), UnitIDs: e.units("QS-ZJ")})}
}

func submitted(t *testing.T, e *env) tgt {
	x := towns(t, e)
	s, err := e.s.Submit(ctx, e.user("qs_admin"), x.ob.ID, reports.SubmissionInput{DueOn: today, Values: map[string]any{"amount": 1}})
	if err != nil {
		t.Fatal(err)
	}
	x.sub = s.ID
	return x
}

func path(x tgt, rest string) string { return "/api/v1/report-obligations/" + idStr(x.ob.ID) + rest }

func get(rest string) func(c *testutil.Client, x tgt) *testutil.Resp {
	return func(c *testutil.Client, x tgt) *testutil.Resp { return c.Do("GET", path(x, rest), nil) }
}

func permActions() []permAction {
	newOb := func(c *testutil.Client, x tgt) *testutil.Resp {
		return c.Do("POST", "/api/v1/report-obligations", map[string]any{"name": "新任务", "unit_ids": []int64{x.ob.Units[0].ID},
			"form": []map[string]any{{"key": "a", "label": "甲", "type": "text"}}})
	}
	return []permAction{
		{name: "list obligations", do: func(c *testutil.Client, _ tgt) *testutil.Resp { return c.Do("GET", "/api/v1/report-obligations", nil) },
			want: everyoneButJudge},
		{name: "get an obligation of towns", prep: towns, do: get(""), want: viewTowns},
		{name: "get an obligation of 张家村", prep: village, do: get(""), want: row{OK, OK, OK, OK, OK, OK, FB, NF, NF}},
		{name: "create an obligation", prep: towns, do: newOb, audit: "report_obligation.create", want: managers},
		{name: "update an obligation", prep: towns, audit: "report_obligation.update", want: managers,
			do: func(c *testutil.Client, x tgt) *testutil.Resp {
				return c.Do("PATCH", path(x, ""), map[string]any{"cutoff": "16:00"})
			}},
		{name: "delete an obligation", prep: towns, audit: "report_obligation.delete", want: managers,
			do: func(c *testutil.Client, x tgt) *testutil.Resp { return c.Do("DELETE", path(x, ""), nil) }},
		{name: "create the zero report",
			prep: func(t *testing.T, e *env) tgt {
				if _, err := e.f.App.DB.W.ExecContext(ctx, `UPDATE report_obligations SET active = FALSE WHERE source = 'zero'`); err != nil {
					t.Fatal(err)
				}
				return tgt{}
			},
			do: func(c *testutil.Client, _ tgt) *testutil.Resp {
				return c.Do("POST", "/api/v1/report-obligations/zero-report", nil)
			}, audit: "report_obligation.create", want: managers},
		{name: "submit for 青石镇", prep: towns, audit: "report.submit", want: reportQS,
			do: func(c *testutil.Client, x tgt) *testutil.Resp {
				return c.Do("POST", path(x, "/submissions"), map[string]any{"unit_id": x.ob.Units[1].ID, "due_on": "2026-11-26",
					"values": map[string]any{"amount": 3}})
			}},
		{name: "submit for one's own unit to an obligation of 张家村", prep: village, audit: "report.submit",
			want: row{FB, FB, FB, V("unit_id"), V("unit_id"), OK, FB, NF, NF},
			do: func(c *testutil.Client, x tgt) *testutil.Resp {
				return c.Do("POST", path(x, "/submissions"), map[string]any{"due_on": "2026-11-26", "values": map[string]any{"amount": 3}})
			}},
		{name: "who-has table", prep: towns, do: get("/table?due_on=2026-11-26"), want: viewTowns},
		{name: "who-has export", prep: towns, do: get("/table/export?due_on=2026-11-26"), want: viewTowns},
		{name: "matrix", prep: towns, do: get("/matrix?cycles=5"), want: viewTowns},
		{name: "cycles", prep: towns, do: get("/cycles"), want: viewTowns},
		{name: "get 青石镇's submission", prep: submitted, want: viewQS,
			do: func(c *testutil.Client, x tgt) *testutil.Resp {
				return c.Do("GET", "/api/v1/report-submissions/"+idStr(x.sub), nil)
			}},
		{name: "list submissions", want: everyoneButJudge,
			do: func(c *testutil.Client, _ tgt) *testutil.Resp { return c.Do("GET", "/api/v1/report-submissions", nil) }},
		{name: "today", want: everyoneButJudge,
			do: func(c *testutil.Client, _ tgt) *testutil.Resp { return c.Do("GET", "/api/v1/reports/today", nil) }},
		{name: "mine", want: everyoneButJudge,
			do: func(c *testutil.Client, _ tgt) *testutil.Resp { return c.Do("GET", "/api/v1/reports/mine", nil) }},
		{name: "upload to 青石镇's slot", prep: towns, audit: "file.upload", want: reportQS,
			do: func(c *testutil.Client, x tgt) *testutil.Resp {
				return c.Upload("/api/v1/files", map[string]string{"object_type": "report_submission",
					"object_id": reports.SlotKey(x.ob.ID, x.ob.Units[1].ID, today)}, "a.pdf", []byte("%PDF-1.4 perm"))
			}},
	}
}

// TestPermissionMatrix runs every endpoint as every fixture user, in and
// out of scope: the outcome, and that only successful writes reach the
// trail (and with the right action).
func TestPermissionMatrix(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		srv := e.f.NewServer(t)
		clients := map[string]*testutil.Client{}
		for _, name := range who {
			clients[name] = srv.Login(t, name)
		}
		for _, ac := range permActions() {
			t.Run(ac.name, func(t *testing.T) {
				for i, name := range who {
					t.Run(name+"→"+ac.want[i].String(), func(t *testing.T) {
						c := clients[name]
						c.T = t
						var x tgt
						if ac.prep != nil {
							x = ac.prep(t, e)
						}
						head := e.head(t)
						checkResp(t, ac.do(c, x), ac.want[i])
						got := e.actionsAfter(t, head)
						if wantEntry := ac.want[i].ok() && ac.audit != ""; wantEntry != slices.Equal(got, []string{ac.audit}) || (!wantEntry && len(got) > 0) {
							t.Fatalf("audit entries %v (want %q: %v)", got, ac.audit, wantEntry)
						}
					})
				}
			})
		}
	})
}
