package reports_test

import (
	"bytes"
	"slices"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/calendar"
	"diaodu/internal/platform/db"
	"diaodu/internal/reports"
	"diaodu/internal/testutil"
)

// TestHTTPFlow drives the endpoints the pages use: the zero-report
// template, 我的报送, one-tap submission, the who-has table and its export,
// cycles, the matrix and the dashboard summary.
func TestHTTPFlow(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		srv := e.f.NewServer(t)
		sup, qs, lx := srv.Login(t, "supervisor"), srv.Login(t, "qs_admin"), srv.Login(t, "lx_admin")

		r := sup.Do("POST", "/api/v1/report-obligations/zero-report", nil)
		if r.Status != 201 {
			t.Fatalf("zero report %d %s", r.Status, r.Body)
		}
		zid := idStr(int64(r.JSON()["id"].(float64)))
		if r := sup.Do("POST", "/api/v1/report-obligations/zero-report", nil); r.Status != 409 {
			t.Fatalf("second zero report %d", r.Status)
		}
		// A weekly report with a number field, created through the API.
		r = sup.Do("POST", "/api/v1/report-obligations", map[string]any{"name": "项目周报", "frequency": "weekly", "weekday": 5,
			"cutoff": "12:00", "unit_ids": e.unitIDs("QS", "LX"), "form": []map[string]any{
				{"key": "invest", "label": "本周完成投资", "type": "number", "required": true, "unit": "万元", "min": 0},
				{"key": "note", "label": "说明", "type": "text"}}})
		if r.Status != 201 || r.JSON()["schedule_text"] != "每周五 12:00 前" {
			t.Fatalf("weekly %d %s", r.Status, r.Body)
		}
		wid := idStr(int64(r.JSON()["id"].(float64)))
		if r := sup.Do("POST", "/api/v1/report-obligations", map[string]any{"name": "坏", "cutoff": "5pm", "unit_ids": []int64{e.unit("QS")},
			"form": []map[string]any{{"key": "a", "label": "甲", "type": "text"}}}); r.Status != 422 || r.Field("cutoff") == "" {
			t.Fatalf("bad cut-off over HTTP %d %s", r.Status, r.Body)
		}
		if r := sup.Do("POST", "/api/v1/report-obligations", map[string]any{"name": "坏", "source": "zero"}); r.Status != 400 {
			t.Fatalf("source is not settable over HTTP: %d", r.Status)
		}

		// 我的报送 for 青石镇: both obligations, the zero report open today.
		mine := qs.Do("GET", "/api/v1/reports/mine", nil)
		items := mine.JSON()["items"].([]any)
		if mine.Status != 200 || len(items) != 2 {
			t.Fatalf("mine %d %s", mine.Status, mine.Body)
		}
		first := items[0].(map[string]any)
		if first["status"] != "pending" || first["cycle"].(map[string]any)["due_on"] != "2026-11-26" ||
			first["attach_to"] != reports.SlotKey(int64(mustF(t, first["obligation"].(map[string]any)["id"])), e.unit("QS"), calendar.MustDate("2026-11-26")) {
			t.Fatalf("mine item %v", first)
		}
		if r := qs.Do("POST", "/api/v1/report-obligations/"+zid+"/submissions", map[string]any{"due_on": "2026-11-26", "nothing": true}); r.Status != 201 ||
			r.JSON()["status"] != "on_time" {
			t.Fatalf("one-tap zero report %d %s", r.Status, r.Body)
		}
		if r := qs.Do("POST", "/api/v1/report-obligations/"+wid+"/submissions", map[string]any{"due_on": "2026-11-27",
			"values": map[string]any{"invest": 350, "note": "主体施工"}}); r.Status != 201 {
			t.Fatalf("weekly %d %s", r.Status, r.Body)
		}
		if r := qs.Do("POST", "/api/v1/report-obligations/"+wid+"/submissions", map[string]any{"due_on": "2026-11-27",
			"values": map[string]any{"invest": -1}}); r.Status != 422 || r.Field("values.invest") == "" {
			t.Fatalf("negative investment %d %s", r.Status, r.Body)
		}
		mine = qs.Do("GET", "/api/v1/reports/mine", nil)
		for _, it := range mine.JSON()["items"].([]any) {
			m := it.(map[string]any)
			if m["status"] != "on_time" || m["submission"] == nil {
				t.Fatalf("mine after submitting %v", m)
			}
		}

		// After the cut-off: the who-has table, exported with the same layout.
		e.setClock(at("2026-11-26", 17, 30))
		sup, lx = srv.Login(t, "supervisor"), srv.Login(t, "lx_admin") // sessions idled out
		tab := sup.Do("GET", "/api/v1/report-obligations/"+zid+"/table?due_on=2026-11-26", nil)
		if tab.Status != 200 {
			t.Fatalf("table %d %s", tab.Status, tab.Body)
		}
		rows := tab.JSON()["rows"].([]any)
		if len(rows) != 3 || rows[1].(map[string]any)["status"] != "on_time" || rows[2].(map[string]any)["status"] != "missing" {
			t.Fatalf("table rows %v", rows)
		}
		if r := sup.Do("GET", "/api/v1/report-obligations/"+zid+"/table?due_on=2026-11-28", nil); r.Status != 422 || r.Field("due_on") == "" {
			t.Fatalf("table for a Saturday %d %s", r.Status, r.Body)
		}
		x := sup.Do("GET", "/api/v1/report-obligations/"+zid+"/table/export?due_on=2026-11-26", nil)
		if x.Status != 200 {
			t.Fatalf("export %d %s", x.Status, x.Body)
		}
		book, err := excelize.OpenReader(bytes.NewReader(x.Body))
		if err != nil {
			t.Fatal(err)
		}
		sheet := book.GetSheetName(0)
		got, err := book.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 5 || !slices.Equal(got[1], []string{"序号", "单位", "状态", "提交时间", "报送人", "无需报告事项", "有无需报告事项", "事项内容", "附件"}) {
			t.Fatalf("export header %v (%d rows)", got, len(got))
		}
		if !slices.Equal(got[2][:3], []string{"1", "区发展和改革局", "缺报"}) || !slices.Equal(got[3], []string{"2", "青石镇", "按时报送",
			"2026-11-26 09:00", "测试qs_admin", "是"}) || got[4][2] != "缺报" {
			t.Fatalf("export rows %q", got[2:])
		}

		// Cycles, matrix and the dashboard.
		cy := sup.Do("GET", "/api/v1/report-obligations/"+zid+"/cycles", nil)
		if items := cy.JSON()["items"].([]any); cy.Status != 200 || len(items) != 1 || items[0].(map[string]any)["missing"] != 2.0 {
			t.Fatalf("cycles %d %s", cy.Status, cy.Body)
		}
		if r := sup.Do("GET", "/api/v1/report-obligations/"+zid+"/matrix?cycles=0", nil); r.Status != 422 || r.Field("cycles") == "" {
			t.Fatalf("matrix with 0 cycles %d", r.Status)
		}
		mx := sup.Do("GET", "/api/v1/report-obligations/"+zid+"/matrix?cycles=10", nil)
		if mx.Status != 200 || len(mx.JSON()["cells"].([]any)) != 3 {
			t.Fatalf("matrix %d %s", mx.Status, mx.Body)
		}
		td := sup.Do("GET", "/api/v1/reports/today", nil)
		z := td.JSON()["zero_report"].(map[string]any)
		if td.Status != 200 || z["missing"] != 2.0 || z["submitted"] != 1.0 || len(z["red_units"].([]any)) != 2 || td.JSON()["date"] != "2026-11-26" {
			t.Fatalf("today %s", td.Body)
		}
		if r := sup.Do("GET", "/api/v1/reports/today?date=26/11", nil); r.Status != 422 {
			t.Fatalf("bad date %d", r.Status)
		}

		// 柳溪镇 reports late; its history lists it.
		if r := lx.Do("POST", "/api/v1/report-obligations/"+zid+"/submissions", map[string]any{"due_on": "2026-11-26", "nothing": true}); r.Status != 201 ||
			r.JSON()["status"] != "late" {
			t.Fatalf("late %d %s", r.Status, r.Body)
		}
		hist := lx.Do("GET", "/api/v1/report-submissions?obligation_id="+zid, nil)
		if hist.Status != 200 || hist.JSON()["total"] != 1.0 {
			t.Fatalf("柳溪镇's history %s", hist.Body)
		}
		all := sup.Do("GET", "/api/v1/report-submissions?obligation_id="+zid+"&status=on_time", nil)
		if all.JSON()["total"] != 1.0 {
			t.Fatalf("on-time history %s", all.Body)
		}

		// List and detail; an obligation with submissions cannot be deleted.
		list := lx.Do("GET", "/api/v1/report-obligations", nil)
		if list.Status != 200 || list.JSON()["total"] != 2.0 {
			t.Fatalf("list for 柳溪镇 %s", list.Body)
		}
		det := sup.Do("GET", "/api/v1/report-obligations/"+zid, nil)
		cur := det.JSON()["current"].(map[string]any)
		if det.Status != 200 || cur["late"] != 1.0 || cur["total"] != 3.0 || det.JSON()["unit_count"] != 3.0 {
			t.Fatalf("detail %s", det.Body)
		}
		if r := sup.Do("DELETE", "/api/v1/report-obligations/"+zid, nil); r.Status != 409 {
			t.Fatalf("delete with submissions %d", r.Status)
		}
		if r := sup.Do("PATCH", "/api/v1/report-obligations/"+zid, map[string]any{"active": false}); r.Status != 200 || r.JSON()["active"] != false {
			t.Fatalf("deactivate %d %s", r.Status, r.Body)
		}
		if r := sup.Do("POST", "/api/v1/report-obligations/zero-report", map[string]any{"cutoff": "16:30"}); r.Status != 201 ||
			r.JSON()["cutoff"] != "16:30" {
			t.Fatalf("a new zero report once the old one is off: %d %s", r.Status, r.Body)
		}
	})
}

func mustF(t *testing.T, v any) float64 {
	t.Helper()
	f, ok := v.(float64)
	if !ok {
		t.Fatalf("not a number: %v", v)
	}
	return f
}

// TestSeedSubmissions loads history in bulk and reads it back as the
// pages do: statuses from the times, gaps computed as missing.
func TestSeedSubmissions(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		o := e.obligation(t, reports.ObligationInput{Name: ptr("历史零报告"), ActiveFrom: ptr(calendar.MustDate("2026-11-02"))})
		var seeds []reports.SubmissionSeed
		for _, due := range o.DueDates(e.f.App.Calendar, calendar.MustDate("2026-11-02"), calendar.MustDate("2026-11-25")) {
			for i, code := range []string{"QS", "LX", "FGJ"} {
				if code == "FGJ" && due.Day()%5 == 0 {
					continue // a gap
				}
				when := due.At(9+i, 0)
				if code == "LX" && due.Day() == 10 {
					when = due.At(18, 0) // late
				}
				seeds = append(seeds, reports.SubmissionSeed{ObligationID: o.ID, UnitID: e.unit(code), DueOn: due, Nothing: true,
					SubmittedAt: when, SubmittedBy: e.user("qs_admin").UserID})
			}
		}
		err := e.f.App.Audit.Write(ctx, auth.System("demo"), func(w *audit.W) error { return e.s.SeedSubmissions(ctx, w, seeds) })
		if err != nil {
			t.Fatal(err)
		}
		if n := e.count(t, `SELECT COUNT(*) FROM report_submissions WHERE obligation_id = $1`, o.ID); n != len(seeds) {
			t.Fatalf("%d rows, seeded %d", n, len(seeds))
		}
		if n := e.count(t, `SELECT COUNT(*) FROM report_submissions WHERE status = 'late'`); n != 1 {
			t.Fatalf("%d late", n)
		}
		m, err := e.s.Matrix(ctx, e.user("supervisor"), o.ID, 30, calendar.MustDate("2026-11-25"))
		if err != nil {
			t.Fatal(err)
		}
		// 2026-11-02 .. 11-25: 18 working days; 区发改局 missed the 5th, 10th, 20th and 25th.
		if len(m.Cycles) != 18 || m.Counts[len(m.Counts)-1].Missing != 1 {
			t.Fatalf("matrix cycles %d, last %+v", len(m.Cycles), m.Counts[len(m.Counts)-1])
		}
		missing := 0
		for _, c := range m.Cells[0] {
			if c == reports.Missing {
				missing++
			}
		}
		if m.Units[0].Name != "区发展和改革局" || missing != 4 {
			t.Fatalf("区发改局 missing %d in %v", missing, m.Cells[0])
		}
		bad := []reports.SubmissionSeed{{ObligationID: o.ID, UnitID: e.unit("QS"), DueOn: calendar.MustDate("2026-11-28"), SubmittedAt: time.Now()}}
		if err := e.f.App.Audit.Write(ctx, auth.System("demo"), func(w *audit.W) error { return e.s.SeedSubmissions(ctx, w, bad) }); err == nil {
			t.Fatal("a seed on a Saturday was accepted")
		}
	})
}
