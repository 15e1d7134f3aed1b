package safety_test

import (
	"slices"
	"strings"
	"testing"

	"diaodu/internal/platform/db"
	"diaodu/internal/platform/errs"
	"diaodu/internal/platform/httpx"
	"diaodu/internal/platform/notify"
	"diaodu/internal/safety"
	"diaodu/internal/testutil"
)

// campaign starts a running campaign with a common item and two items for
// 危险化学品.
func (e *env) campaign(t testing.TB) *safety.Campaign {
	t.Helper()
	c, err := e.s.CreateCampaign(e.ctx, e.as("supervisor"), safety.CampaignInput{Name: ptr("元旦前安全生产大排查大整治"),
		StartsOn: ptr(e.day(-5)), EndsOn: ptr(e.day(30)), Industries: &[]string{"hazchem", "transport"},
		Checklists: &[]safety.Checklist{
			{Industry: "", Items: []safety.ChecklistItemText{{Text: "安全生产责任制是否落实"}}},
			{Industry: "危险化学品", Items: []safety.ChecklistItemText{{Text: "储罐区防火堤是否完好"}, {Text: "可燃气体报警器是否有效", Basis: "GB 50493"}}},
		}})
	if err != nil {
		t.Fatalf("campaign: %v", err)
	}
	return c
}

// TestInspectionToClosure walks the path: an inspection whose
// failed item files a hazard, fixed, rejected once, fixed again, verified
// by someone else and closed; the campaign's progress follows.
func TestInspectionToClosure(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		c := e.campaign(t)
		if c.Progress.ToCheck != 2 || c.Progress.Checked != 0 {
			t.Fatalf("progress before: %+v", c.Progress)
		}
		items, err := e.s.Checklist(e.ctx, e.as("zj_field"), c.ID, e.qs.ID)
		if err != nil || len(items) != 3 || items[0].Industry != "" {
			t.Fatalf("checklist: %v %+v", err, items)
		}
		photo := e.photo(t, "zj_field")
		in := safety.InspectionInput{ClientKey: "6f1c2a8e-0000-4000-8000-000000000001", CampaignID: c.ID, EnterpriseID: e.qs.ID,
			Inspectors: "张三、李四", Answers: []safety.Answer{
				{ItemID: items[0].ID, Result: safety.AnswerPass},
				{ItemID: items[1].ID, Result: safety.AnswerFail, Note: "防火堤有裂缝"},
				{ItemID: items[2].ID, Result: safety.AnswerNA},
			}, PhotoIDs: []int64{photo}, PhotoItemIDs: []int64{items[1].ID}}
		x, created, err := e.s.CreateInspection(e.ctx, e.as("zj_field"), in)
		if err != nil || !created {
			t.Fatalf("inspection: %v", err)
		}
		if x.Passed != 1 || x.Failed != 1 || x.NA != 1 || len(x.Hazards) != 1 {
			t.Fatalf("inspection answers: %+v", x)
		}
		h := x.Hazards[0]
		if h.Status != safety.StatusPending || h.CampaignID != c.ID || !strings.Contains(h.Description, "防火堤有裂缝") ||
			h.Deadline.IsZero() || h.FoundBy != "张三、李四" {
			t.Fatalf("hazard from the failed item: %+v", h)
		}
		// Sent again (the phone lost the answer): the same inspection, 200, nothing new.
		before := e.head(t)
		again, created, err := e.s.CreateInspection(e.ctx, e.as("zj_field"), in)
		if err != nil || created || again.ID != x.ID || e.head(t) != before || e.count(t, `SELECT COUNT(*) FROM safety_hazards`) != 1 {
			t.Fatalf("resend: created=%v err=%v id %d/%d", created, err, again.ID, x.ID)
		}
		// The same key from someone else is a conflict.
		_, _, err = e.s.CreateInspection(e.ctx, e.as("qs_staff"), in)
		testutil.WantCode(t, err, errs.Conflict, "")
		hd, err := e.s.GetHazard(e.ctx, e.as("qs_staff"), h.ID)
		if err != nil || len(hd.Photos) != 1 || hd.Photos[0].Kind != "before" {
			t.Fatalf("before photo: %v %+v", err, hd)
		}
		if _, err := e.s.Start(e.ctx, e.as("qs_staff"), h.ID, "企业已组织施工"); err != nil {
			t.Fatal(err)
		}
		e.rectify(t, h.ID, "qs_staff")
		// The one who reported the fix may not verify it.
		_, err = e.s.Verify(e.ctx, e.as("qs_staff"), h.ID, safety.VerifyInput{Pass: true})
		testutil.WantCode(t, err, errs.Forbidden, "")
		// 验收不通过 needs a reason, and goes back to 整改中.
		_, err = e.s.Verify(e.ctx, e.as("qs_admin"), h.ID, safety.VerifyInput{Pass: false})
		testutil.WantCode(t, err, errs.Validation, "note")
		back, err := e.s.Verify(e.ctx, e.as("qs_admin"), h.ID, safety.VerifyInput{Pass: false, Note: "裂缝未修补完全"})
		if err != nil || back.Status != safety.StatusRectifying || back.Rejections != 1 {
			t.Fatalf("rejected: %v %+v", err, back)
		}
		e.rectify(t, h.ID, "qs_staff")
		done, err := e.s.Verify(e.ctx, e.as("qs_admin"), h.ID, safety.VerifyInput{Pass: true, Note: "验收合格"})
		if err != nil || done.Status != safety.StatusClosed || done.ClosedAt == nil || done.VerifiedBy == "" {
			t.Fatalf("closed: %v %+v", err, done)
		}
		kinds := []string{}
		for _, ev := range done.Events {
			kinds = append(kinds, ev.Kind)
		}
		if got := strings.Join(kinds, ","); got != "create,start,submit,fail,submit,pass" {
			t.Fatalf("events: %s", got)
		}
		c, err = e.s.GetCampaign(e.ctx, e.as("supervisor"), c.ID)
		if err != nil || c.Progress.Checked != 1 || c.Progress.Hazards != 1 || c.Progress.Fixed != 1 || c.Progress.FixedRate != 1 {
			t.Fatalf("progress after: %v %+v", err, c.Progress)
		}
		home, err := e.s.Home(e.ctx, e.as("leader"), 0)
		if err != nil || home.Campaign == nil || home.Totals.Found != 1 || home.Totals.Fixed != 1 {
			t.Fatalf("home: %v %+v", err, home)
		}
	})
}

// TestMajorHazard: a plan before 整改中, listed supervision with the
// year's numbers, extension requests decided by the office.
func TestMajorHazard(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		h := e.hazard(t, e.qs, major)
		_, err := e.s.Start(e.ctx, e.as("qs_staff"), h.ID, "")
		testutil.WantCode(t, err, errs.Validation, "plan")
		_, err = e.s.SavePlan(e.ctx, e.as("qs_staff"), h.ID, safety.PlanInput{Goals: "消除隐患"})
		testutil.WantCode(t, err, errs.Validation, "emergency")
		if _, err := e.s.SavePlan(e.ctx, e.as("qs_staff"), h.ID, plan); err != nil {
			t.Fatal(err)
		}
		got, err := e.s.Start(e.ctx, e.as("qs_staff"), h.ID, "")
		if err != nil || got.Status != safety.StatusRectifying || got.Plan == nil || got.Plan.Emergency != plan.Emergency {
			t.Fatalf("start: %v %+v", err, got)
		}
		_, err = e.s.Supervise(e.ctx, e.as("qs_admin"), h.ID, "")
		testutil.WantCode(t, err, errs.Forbidden, "")
		sup, err := e.s.Supervise(e.ctx, e.as("supervisor"), h.ID, "30日内整改到位")
		if err != nil || !sup.Supervised || sup.NoticeNumber != "安督〔2026〕1号" {
			t.Fatalf("supervise: %v %+v", err, sup)
		}
		second := e.hazard(t, e.lx, major)
		sup2, err := e.s.Supervise(e.ctx, e.as("supervisor"), second.ID, "")
		if err != nil || sup2.NoticeNumber != "安督〔2026〕2号" {
			t.Fatalf("second number: %v %+v", err, sup2)
		}
		_, err = e.s.Supervise(e.ctx, e.as("supervisor"), h.ID, "")
		testutil.WantCode(t, err, errs.Conflict, "")
		general := e.hazard(t, e.qs)
		_, err = e.s.Supervise(e.ctx, e.as("supervisor"), general.ID, "")
		testutil.WantCode(t, err, errs.Conflict, "")
		// Listed hazards show in the ledger filter.
		items, total, err := e.s.ListHazards(e.ctx, e.as("leader"), safety.HazardFilter{Supervised: ptr(true)}, httpx.Page{Page: 1, Size: 20})
		if err != nil || total != 2 || len(items) != 2 {
			t.Fatalf("supervised filter: %v %d", err, total)
		}

		// A text search counts what it finds, on any page, ignoring ASCII case.
		e.hazard(t, e.lx, func(in *safety.HazardInput) { in.Description = ptr("LED应急照明灯损坏") })
		for _, c := range []struct {
			q          string
			page, want int
		}{{"安全企业1有", 1, 2}, {"配电箱", 2, 3}, {"配电箱", 9, 3}, {"安督〔2026〕2", 1, 1}, {"led应急", 1, 1}, {"Led", 1, 1}} {
			items, total, err := e.s.ListHazards(e.ctx, e.as("supervisor"), safety.HazardFilter{Q: c.q}, httpx.Page{Page: c.page, Size: 1})
			if err != nil || total != c.want || (c.page <= c.want && len(items) != 1) {
				t.Fatalf("q=%s page %d: %v %d %d", c.q, c.page, err, total, len(items))
			}
		}

		// Extensions: a later date and a reason, one pending at a time.
		_, err = e.s.RequestExtension(e.ctx, e.as("qs_staff"), h.ID, safety.ExtensionInput{NewDeadline: h.Deadline, Reason: "设备到货延迟"})
		testutil.WantCode(t, err, errs.Validation, "new_deadline")
		x, err := e.s.RequestExtension(e.ctx, e.as("qs_staff"), h.ID, safety.ExtensionInput{NewDeadline: h.Deadline.AddDays(15), Reason: "设备到货延迟"})
		if err != nil || x.Status != "pending" {
			t.Fatalf("extension: %v", err)
		}
		_, err = e.s.RequestExtension(e.ctx, e.as("qs_staff"), h.ID, safety.ExtensionInput{NewDeadline: h.Deadline.AddDays(20), Reason: "再延"})
		testutil.WantCode(t, err, errs.Conflict, "")
		_, err = e.s.DecideExtension(e.ctx, e.as("qs_admin"), x.ID, true, "")
		testutil.WantCode(t, err, errs.Forbidden, "")
		_, err = e.s.DecideExtension(e.ctx, e.as("supervisor"), x.ID, false, "")
		testutil.WantCode(t, err, errs.Validation, "note")
		ok, err := e.s.DecideExtension(e.ctx, e.as("supervisor"), x.ID, true, "同意")
		if err != nil || ok.Status != "approved" {
			t.Fatalf("decide: %v", err)
		}
		after, _ := e.s.GetHazard(e.ctx, e.as("supervisor"), h.ID)
		if !after.Deadline.Equal(h.Deadline.AddDays(15)) || len(after.Extensions) != 1 {
			t.Fatalf("deadline after approval: %v", after.Deadline)
		}
		// Past the deadline, no more extensions.
		e.advance(40)
		_, err = e.s.RequestExtension(e.ctx, e.as("qs_staff"), h.ID, safety.ExtensionInput{NewDeadline: e.day(10), Reason: "再延"})
		testutil.WantCode(t, err, errs.Conflict, "")
	})
}

// TestRemindAndEscalate: overdue hazards light red; the job reminds the
// supervising unit once a day and escalates once after N working days.
func TestRemindAndEscalate(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		if !slices.ContainsFunc(e.f.App.Notify.Kinds(), func(k notify.KindInfo) bool { return k.Code == "safety." }) {
			t.Fatal("notification kind safety. not registered")
		}
		h := e.hazard(t, e.qs, func(in *safety.HazardInput) { in.Deadline = ptr(e.day(1)) })
		e.hazard(t, e.lx, func(in *safety.HazardInput) { in.Deadline = ptr(e.day(30)) })
		n, err := e.s.Remind(e.ctx, e.f.Clock.Now())
		if err != nil || n != 0 {
			t.Fatalf("nothing overdue yet: %d %v", n, err)
		}
		e.advance(3)
		got, _ := e.s.GetHazard(e.ctx, e.as("admin"), h.ID)
		if !got.Overdue || got.Light != safety.LightRed || got.OverdueDays != 2 {
			t.Fatalf("overdue light: %+v", got.Hazard)
		}
		items, total, err := e.s.ListHazards(e.ctx, e.as("admin"), safety.HazardFilter{Overdue: ptr(true)}, httpx.Page{Page: 1, Size: 20})
		if err != nil || total != 1 || items[0].ID != h.ID {
			t.Fatalf("overdue filter: %v %d", err, total)
		}
		inbox := `SELECT COUNT(*) FROM notifications n JOIN users u ON u.id = n.user_id WHERE n.kind = $1 AND u.username = $2`
		if n, err = e.s.Remind(e.ctx, e.f.Clock.Now()); err != nil || n != 1 || e.count(t, inbox, "safety.overdue", "fgj_staff") != 1 {
			t.Fatalf("first reminder: %d %v", n, err)
		}
		if n, _ = e.s.Remind(e.ctx, e.f.Clock.Now()); n != 0 {
			t.Fatalf("same day again: %d", n)
		}
		e.advance(10)
		if n, err = e.s.Remind(e.ctx, e.f.Clock.Now()); err != nil || n != 2 || e.count(t, inbox, "safety.escalate", "supervisor") != 1 {
			t.Fatalf("escalation: %d %v", n, err)
		}
		e.advance(1)
		if n, _ = e.s.Remind(e.ctx, e.f.Clock.Now()); n != 1 {
			t.Fatalf("escalated once only: %d", n)
		}
	})
}

// TestSuspension: an order with dates and reasons, lifted after
// verification only.
func TestSuspension(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		h := e.hazard(t, e.qs, major)
		_, err := e.s.CreateSuspension(e.ctx, e.as("qs_admin"), safety.SuspensionInput{EnterpriseID: e.qs.ID, Reasons: "",
			StartsOn: e.day(0), EndsOn: e.day(-1)})
		testutil.WantCode(t, err, errs.Validation, "reasons")
		testutil.WantCode(t, err, errs.Validation, "ends_on")
		_, err = e.s.CreateSuspension(e.ctx, e.as("qs_admin"), safety.SuspensionInput{EnterpriseID: e.qs.ID, HazardID: e.hazard(t, e.lx).ID,
			Reasons: "重大隐患", StartsOn: e.day(0), EndsOn: e.day(30)})
		testutil.WantCode(t, err, errs.Validation, "hazard_id")
		o, err := e.s.CreateSuspension(e.ctx, e.as("qs_admin"), safety.SuspensionInput{EnterpriseID: e.qs.ID, HazardID: h.ID,
			DocNumber: "（示）应急责停〔2026〕1号", Reasons: "储罐区存在重大事故隐患", StartsOn: e.day(0), EndsOn: e.day(30)})
		if err != nil || o.Status != "active" {
			t.Fatalf("order: %v", err)
		}
		_, err = e.s.CreateSuspension(e.ctx, e.as("qs_admin"), safety.SuspensionInput{EnterpriseID: e.qs.ID, Reasons: "再次",
			StartsOn: e.day(0), EndsOn: e.day(30)})
		testutil.WantCode(t, err, errs.Conflict, "")
		if p, err := e.s.PutProfile(e.ctx, e.as("zj_field"), e.qs.ID, safety.Profile{HazmatTrucks: 12, PassengerBuses: 3}); err != nil || p.HazmatTrucks != 12 {
			t.Fatalf("profile: %v", err)
		}
		if p, err := e.s.PutProfile(e.ctx, e.as("qs_staff"), e.qs.ID, safety.Profile{HazmatTrucks: 10, Note: "2辆报废"}); err != nil ||
			p.HazmatTrucks != 10 || p.PassengerBuses != 0 || p.UpdatedBy == "" {
			t.Fatalf("profile again: %v %+v", err, p)
		}
		hist, err := e.s.EnterpriseHistory(e.ctx, e.as("qs_staff"), e.qs.ID)
		if err != nil || !hist.Enterprise.Suspended || len(hist.Suspensions) != 1 || len(hist.Hazards) != 1 || hist.Profile.HazmatTrucks != 10 {
			t.Fatalf("history: %v %+v", err, hist)
		}
		_, err = e.s.LiftSuspension(e.ctx, e.as("qs_admin"), o.ID, safety.LiftInput{VerifiedOn: e.day(0)})
		testutil.WantCode(t, err, errs.Validation, "verification")
		_, err = e.s.LiftSuspension(e.ctx, e.as("zj_field"), o.ID, safety.LiftInput{VerifiedOn: e.day(0), Verification: "合格"})
		testutil.WantCode(t, err, errs.Forbidden, "")
		l, err := e.s.LiftSuspension(e.ctx, e.as("qs_admin"), o.ID, safety.LiftInput{VerifiedOn: e.day(0), Verification: "复查合格，隐患已消除"})
		if err != nil || l.Status != "lifted" || l.LiftedBy == "" {
			t.Fatalf("lift: %v %+v", err, l)
		}
		_, err = e.s.LiftSuspension(e.ctx, e.as("qs_admin"), o.ID, safety.LiftInput{VerifiedOn: e.day(0), Verification: "再次"})
		testutil.WantCode(t, err, errs.Conflict, "")
	})
}
