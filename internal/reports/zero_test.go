package reports_test

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"diaodu/internal/platform/calendar"
	"diaodu/internal/platform/db"
	"diaodu/internal/platform/errs"
	"diaodu/internal/reports"
	"diaodu/internal/testutil"
)

// inbox lists "username:kind" of the notifications about obligation id.
func (e *env) inbox(t *testing.T, id int64) []string {
	t.Helper()
	rows, err := e.f.App.DB.R.QueryContext(ctx, `SELECT x.username, n.kind FROM notifications n JOIN users x ON x.id = n.user_id
		WHERE n.object_type = 'report_obligation' AND n.object_id = $1 ORDER BY n.kind, x.username`, idStr(id))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var u, k string
		if err := rows.Scan(&u, &k); err != nil {
			t.Fatal(err)
		}
		out = append(out, u+":"+k)
	}
	return out
}

func (e *env) today(t *testing.T, a string) *reports.Today {
	t.Helper()
	td, err := e.s.Today(ctx, e.user(a), calendar.Date{})
	if err != nil {
		t.Fatal(err)
	}
	return td
}

func names(us []reports.UnitRef) []string {
	out := make([]string, len(us))
	for i, u := range us {
		out[i] = u.Name
	}
	return out
}

// TestZeroReportDay follows one working day of the zero report: submit,
// replace, the reminder, the cut-off with its missing rows and notices,
// a late submission, and a refused replacement after the cut-off.
func TestZeroReportDay(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		o := e.zero(t) // Thursday 2026-11-26 09:00
		if o.Name != "每日零报告" || o.Frequency != reports.Daily || !o.WorkdaysOnly || o.Cutoff != "17:00" || !o.AllowNothing ||
			o.Source != reports.SourceZero {
			t.Fatalf("zero report %+v", o)
		}
		if got := names(o.Units); !slices.Equal(got, []string{"区发展和改革局", "青石镇", "柳溪镇"}) {
			t.Fatalf("zero report units %v (towns and departments, not villages)", got)
		}
		if len(o.Form) != 3 || o.Form[1].RequiredIf == nil || o.Form[1].RequiredIf.Field != "has_matters" {
			t.Fatalf("zero report form %+v", o.Form)
		}
		if _, err := e.s.CreateZeroReport(ctx, e.user("supervisor"), reports.ObligationInput{}); !errs.Is(err, errs.Conflict) {
			t.Fatalf("a second zero report: %v", err)
		}
		due := calendar.MustDate("2026-11-26")

		td := e.today(t, "supervisor")
		if td.ZeroReport == nil || td.ZeroReport.Total != 3 || td.ZeroReport.Pending != 3 || len(td.ZeroReport.RedUnits) != 0 {
			t.Fatalf("morning summary %+v", td.ZeroReport)
		}

		// 青石镇: nothing to report, one tap; then the staff member replaces it with a matter.
		sub, err := e.s.Submit(ctx, e.user("qs_admin"), o.ID, reports.SubmissionInput{DueOn: due, Nothing: true})
		if err != nil || sub.Status != reports.OnTime || !sub.Nothing {
			t.Fatalf("zero report: %+v %v", sub, err)
		}
		e.setClock(at("2026-11-26", 10, 0))
		head := e.head(t)
		sub2, err := e.s.Submit(ctx, e.user("qs_staff"), o.ID, reports.SubmissionInput{DueOn: due,
			Values: map[string]any{"has_matters": true, "content": "  张家村山塘渗水，已安排巡查  "}})
		if err != nil || sub2.ID != sub.ID || sub2.Nothing || sub2.Values["content"] != "张家村山塘渗水，已安排巡查" || sub2.SubmittedByName != "测试qs_staff" {
			t.Fatalf("replacement: %+v %v", sub2, err)
		}
		if got := e.actionsAfter(t, head); !slices.Equal(got, []string{"report.replace"}) {
			t.Fatalf("replacement audited as %v", got)
		}
		var before, after string
		if err := d.R.QueryRowContext(ctx, `SELECT before_json, after_json FROM audit_log WHERE seq > $1`, head).Scan(&before, &after); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(before, `"nothing":true`) || !strings.Contains(after, "山塘渗水") {
			t.Fatalf("replacement before %s after %s", before, after)
		}
		if n := e.count(t, `SELECT COUNT(*) FROM report_submissions WHERE obligation_id = $1`, o.ID); n != 1 {
			t.Fatalf("%d rows after a replacement", n)
		}

		// 14:59: not yet time to remind; 15:00: 柳溪镇 and 区发改局 are reminded, once.
		if err := e.s.RunReminders(ctx, at("2026-11-26", 14, 59)); err != nil {
			t.Fatal(err)
		}
		if got := e.inbox(t, o.ID); len(got) != 0 {
			t.Fatalf("reminded early: %v", got)
		}
		for range 2 {
			if err := e.s.RunReminders(ctx, at("2026-11-26", 15, 0)); err != nil {
				t.Fatal(err)
			}
		}
		if got := e.inbox(t, o.ID); !slices.Equal(got, []string{"fgj_staff:report.due", "lx_admin:report.due"}) {
			t.Fatalf("reminders %v", got)
		}

		// Cut-off not yet passed at 16:59: nothing closes.
		if err := e.s.RunCutoffs(ctx, at("2026-11-26", 16, 59)); err != nil {
			t.Fatal(err)
		}
		if n := e.count(t, `SELECT COUNT(*) FROM report_submissions WHERE status = 'missing'`); n != 0 {
			t.Fatalf("%d missing rows before the cut-off", n)
		}
		e.setClock(at("2026-11-26", 17, 1))
		td = e.today(t, "supervisor")
		if z := td.ZeroReport; z == nil || !z.Closed || z.Submitted != 1 || z.Missing != 2 ||
			!slices.Equal(names(z.RedUnits), []string{"区发展和改革局", "柳溪镇"}) {
			t.Fatalf("computed missing before the job ran: %+v", td.ZeroReport)
		}
		for range 2 { // a rerun changes nothing
			if err := e.s.RunCutoffs(ctx, at("2026-11-26", 17, 5)); err != nil {
				t.Fatal(err)
			}
		}
		if n := e.count(t, `SELECT COUNT(*) FROM report_submissions WHERE status = 'missing' AND submitted_at IS NULL`); n != 2 {
			t.Fatalf("%d missing rows after the cut-off", n)
		}
		if got := e.inbox(t, o.ID); !slices.Equal(got, []string{"fgj_staff:report.due", "lx_admin:report.due",
			"fgj_staff:report.missing", "lx_admin:report.missing", "supervisor:report.missing"}) {
			t.Fatalf("after the cut-off %v", got)
		}
		if n := e.count(t, `SELECT COUNT(*) FROM audit_log WHERE action IN ('report.remind', 'report.close')`); n != 2 {
			t.Fatalf("%d job entries", n)
		}

		// 18:00: 柳溪镇 reports late; 青石镇 may not change its report any more.
		e.setClock(at("2026-11-26", 18, 0))
		late, err := e.s.Submit(ctx, e.user("lx_admin"), o.ID, reports.SubmissionInput{DueOn: due, Nothing: true})
		if err != nil || late.Status != reports.Late {
			t.Fatalf("late: %+v %v", late, err)
		}
		head = e.head(t)
		for _, who := range []string{"qs_admin", "lx_admin"} {
			_, err = e.s.Submit(ctx, e.user(who), o.ID, reports.SubmissionInput{DueOn: due, Nothing: true})
			if !errs.Is(err, errs.Conflict) || !strings.Contains(err.(*errs.Error).Message.ZH, "已于 17:00 截止") {
				t.Fatalf("%s replacing after the cut-off: %v", who, err)
			}
		}
		if e.head(t) != head {
			t.Fatal("a refused replacement wrote to the trail")
		}
		tab, err := e.s.CycleTable(ctx, e.user("supervisor"), o.ID, due)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, r := range tab.Rows {
			got[r.Unit.Name] = r.Status
		}
		if got["青石镇"] != reports.OnTime || got["柳溪镇"] != reports.Late || got["区发展和改革局"] != reports.Missing ||
			tab.Counts != (reports.Counts{Total: 3, Submitted: 1, Late: 1, Missing: 1}) {
			t.Fatalf("table %v %+v", got, tab.Counts)
		}
		if z := e.today(t, "supervisor").ZeroReport; !slices.Equal(names(z.RedUnits), []string{"区发展和改革局"}) {
			t.Fatalf("red after the late report %v", names(z.RedUnits))
		}

		// A unit sees its own units only; Saturday has no zero report.
		if z := e.today(t, "lx_admin").ZeroReport; z.Total != 1 || z.Late != 1 {
			t.Fatalf("柳溪镇's summary %+v", z)
		}
		if td, err := e.s.Today(ctx, e.user("supervisor"), calendar.MustDate("2026-11-28")); err != nil || td.ZeroReport != nil ||
			len(td.Obligations) != 0 {
			t.Fatalf("Saturday %+v %v", td, err)
		}

		// Friday without the job: still computed missing after the cut-off.
		e.setClock(at("2026-11-27", 18, 0))
		if z := e.today(t, "supervisor").ZeroReport; z.Missing != 3 || len(z.RedUnits) != 3 {
			t.Fatalf("Friday %+v", z)
		}
		m, err := e.s.Matrix(ctx, e.user("supervisor"), o.ID, 30, calendar.Date{})
		if err != nil {
			t.Fatal(err)
		}
		if len(m.Cycles) != 2 || len(m.Units) != 3 || m.Cells[1][0] != reports.OnTime || m.Cells[2][0] != reports.Late ||
			m.Cells[0][1] != reports.Missing {
			t.Fatalf("matrix %+v", m)
		}
	})
}

func idStr(id int64) string { return strconv.FormatInt(id, 10) }

// TestVillageReminders: field users report for their villages, so the
// reminders and missing notices reach them too (a unit message reaches only
// unit_admin and staff users).
func TestVillageReminders(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		o := e.obligation(t, reports.ObligationInput{Name: ptr("村级巡查日报"), UnitIDs: e.units("QS-ZJ", "QS")})
		if err := e.s.RunReminders(ctx, at("2026-11-26", 15, 30)); err != nil {
			t.Fatal(err)
		}
		if got := e.inbox(t, o.ID); !slices.Equal(got, []string{"qs_admin:report.due", "qs_staff:report.due", "zj_field:report.due"}) {
			t.Fatalf("reminders %v", got)
		}
		if _, err := e.s.Submit(ctx, e.user("zj_field"), o.ID, reports.SubmissionInput{DueOn: calendar.MustDate("2026-11-26"),
			Values: map[string]any{"amount": 2}}); err != nil {
			t.Fatal(err)
		}
		if err := e.s.RunCutoffs(ctx, at("2026-11-26", 17, 0)); err != nil {
			t.Fatal(err)
		}
		got := e.inbox(t, o.ID)
		if slices.Contains(got, "zj_field:report.missing") || !slices.Contains(got, "qs_admin:report.missing") {
			t.Fatalf("after the cut-off %v", got)
		}
	})
}
