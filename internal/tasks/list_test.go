package tasks_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"diaodu/internal/platform/db"
	"diaodu/internal/platform/httpx"
	"diaodu/internal/tasks"
	"diaodu/internal/testutil"
)

func titles(items []tasks.Task) []string {
	out := make([]string, len(items))
	for i, t := range items {
		out[i] = t.Title
	}
	return out
}

// The ledger's filters and scopes; relations come with the page.
func TestLedger(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, checkLedger)
}

// The same answers when SQLite walks the sort's index for every filter
// (what it does when a filter matches thousands of tasks).
func TestLedgerWalkingTheSortIndex(t *testing.T) {
	defer tasks.WalkAbove(-1)()
	testutil.EachDB(t, checkLedger)
}

func checkLedger(t *testing.T, d *db.DB) {
	e := newEnv(t, d)
	named := func(title string, mods ...func(in *tasks.TaskInput)) *tasks.Task {
		return e.task(t, append([]func(in *tasks.TaskInput){func(in *tasks.TaskInput) { in.Title = ptr(title) }}, mods...)...)
	}
	a := named("青石镇道路改造", func(in *tasks.TaskInput) { in.Tags = &[]string{"项目建设", "交通"} })
	b := named("柳溪镇森林防火", func(in *tasks.TaskInput) {
		in.LeadUnitID, in.CoUnitIDs, in.Tags, in.LeaderIDs = ptr(e.unit("LX")), &[]int64{e.unit("QS-ZJ")}, &[]string{"森林防火"}, &[]int64{}
		in.Deadline = ptr(e.day(2))
	})
	c := named("发改局招商引资", func(in *tasks.TaskInput) {
		in.LeadUnitID, in.CoUnitIDs, in.Kind, in.Deadline = ptr(e.unit("FGJ")), &[]int64{}, ptr(tasks.KindLongTerm), nil
	})
	draft := named("草稿任务", func(in *tasks.TaskInput) { in.Issue = false })
	sub, err := e.s.Split(e.ctx, e.as("qs_admin"), e.signedID(t, a.ID), tasks.TaskInput{Title: ptr("张家村拆迁"),
		LeadUnitID: ptr(e.unit("QS-ZJ")), Deadline: ptr(e.day(20))})
	if err != nil {
		t.Fatal(err)
	}
	list := func(who string, f tasks.Filter) []string {
		t.Helper()
		items, total, err := e.s.List(e.ctx, e.as(who), f, httpx.Page{Page: 1, Size: 50, Sort: "number"})
		if err != nil || total != len(items) {
			t.Fatalf("list: %v (total %d, %d items)", err, total, len(items))
		}
		return titles(items)
	}
	same := func(got []string, want ...string) {
		t.Helper()
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
	same(list("supervisor", tasks.Filter{}), draft.Title, a.Title, b.Title, c.Title) // drafts (no number) first
	same(list("leader", tasks.Filter{}), a.Title, b.Title, c.Title)
	same(list("qs_admin", tasks.Filter{}), a.Title, b.Title) // 张家村 co-operates on 柳溪镇's
	same(list("qs_admin", tasks.Filter{All: true}), a.Title, sub.Title, b.Title)
	same(list("zj_field", tasks.Filter{All: true}), sub.Title, b.Title) // co-unit of 柳溪镇's task, lead of the village part
	same(list("lx_admin", tasks.Filter{}), b.Title)
	same(list("fgj_staff", tasks.Filter{}), a.Title, c.Title)
	same(list("supervisor", tasks.Filter{Tag: "森林防火"}), b.Title)
	same(list("supervisor", tasks.Filter{UnitID: e.unit("QS")}), draft.Title, a.Title, b.Title) // led by 青石镇, or 张家村 co-operating
	same(list("supervisor", tasks.Filter{UnitID: e.unit("FGJ")}), draft.Title, a.Title, c.Title)
	same(list("supervisor", tasks.Filter{LeaderID: e.as("leader").UserID, Status: []string{"signed", "returned"}}), a.Title)
	same(list("supervisor", tasks.Filter{Kind: tasks.KindLongTerm}), c.Title)
	same(list("supervisor", tasks.Filter{Light: []string{"yellow"}}), b.Title)
	same(list("supervisor", tasks.Filter{DeadlineFrom: e.day(1), DeadlineTo: e.day(3)}), b.Title)
	same(list("supervisor", tasks.Filter{Q: "森林"}), b.Title)
	same(list("supervisor", tasks.Filter{Q: a.Number}), a.Title)
	same(list("supervisor", tasks.Filter{SourceID: e.src, Status: []string{"draft"}}), draft.Title)
	same(list("supervisor", tasks.Filter{ParentID: a.ID}), sub.Title)
	same(list("lx_admin", tasks.Filter{Mine: true}), b.Title)
	same(list("leader", tasks.Filter{Mine: true}), a.Title, c.Title)
	if _, _, err := e.s.List(e.ctx, e.as("supervisor"), tasks.Filter{Status: []string{"nonsense"}}, httpx.Page{Page: 1, Size: 20}); err == nil {
		t.Fatal("unknown status accepted")
	}
	if _, _, err := e.s.List(e.ctx, e.as("supervisor"), tasks.Filter{}, httpx.Page{Page: 1, Size: 20, Sort: "secret"}); err == nil {
		t.Fatal("unknown sort accepted")
	}
	items, _, _ := e.s.List(e.ctx, e.as("supervisor"), tasks.Filter{Q: "柳溪镇"}, httpx.Page{Page: 1, Size: 20})
	got := items[0]
	if got.LeadUnit.Name != "柳溪镇" || len(got.CoUnits) != 1 || got.CoUnits[0].Name != "张家村" || got.Source == nil ||
		got.DaysLeft == nil || *got.DaysLeft != 1 || len(got.Tags) != 1 {
		t.Fatalf("row: %+v", got)
	}
	// Sorting by light puts the yellow one first.
	byLight, _, _ := e.s.List(e.ctx, e.as("leader"), tasks.Filter{}, httpx.Page{Page: 1, Size: 20, Sort: "light"})
	if byLight[0].Title != b.Title {
		t.Fatalf("by light: %v", titles(byLight))
	}
}

// signedID signs a task for its lead unit (青石镇) and returns its id.
func (e *env) signedID(t *testing.T, id int64) int64 {
	t.Helper()
	if err := e.s.Sign(e.ctx, e.as("qs_admin"), id); err != nil {
		t.Fatal(err)
	}
	return id
}

// The ledger as xlsx in the usual layout, with the latest report.
func TestExport(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		tk := e.signed(t)
		if _, err := e.s.Report(e.ctx, e.as("qs_staff"), tk.ID, tasks.ReportInput{Content: "已完成招标", Percent: 35}); err != nil {
			t.Fatal(err)
		}
		e.task(t, func(in *tasks.TaskInput) { in.LeadUnitID, in.CoUnitIDs = ptr(e.unit("LX")), &[]int64{} })
		c := e.f.NewServer(t).Login(t, "qs_admin")
		r := c.Do("GET", "/api/v1/tasks/export?status=signed,in_progress", nil)
		if r.Status != 200 || !strings.Contains(r.Header.Get("Content-Disposition"), ".xlsx") {
			t.Fatalf("export: %d %s", r.Status, r.Header)
		}
		x, err := excelize.OpenReader(bytes.NewReader(r.Body))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := x.GetRows(x.GetSheetList()[0])
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 3 { // title, header, the one task of 青石镇 in progress
			t.Fatalf("%d rows: %v", len(rows), rows)
		}
		if strings.Join(rows[1], "|") != "序号|督办编号|工作任务|具体目标/措施|牵头领导|牵头单位|配合单位|完成时限|进展情况|完成进度|状态|亮灯|亮灯原因" {
			t.Fatalf("header: %v", rows[1])
		}
		want := []string{"1", tk.Number, tk.Title, "完成主体工程", "测试leader", "青石镇", "区发展和改革局", e.day(30).String(), "已完成招标", "35%", "推进中", "绿灯"}
		if strings.Join(rows[2][:len(want)], "|") != strings.Join(want, "|") {
			t.Fatalf("row: %v", rows[2])
		}
	})
}

// Home counts, lists, ranking and trend; my work per role; Gantt rows.
func TestHomeAndMyWork(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		late := e.signed(t, func(in *tasks.TaskInput) {
			in.StartOn, in.Deadline = ptr(e.day(-10)), ptr(e.day(1))
			in.Milestones = &[]tasks.MilestoneInput{{Name: "方案", DueOn: e.day(-5)}}
		})
		e.task(t, func(in *tasks.TaskInput) { in.LeadUnitID, in.CoUnitIDs = ptr(e.unit("LX")), &[]int64{} })
		e.task(t, func(in *tasks.TaskInput) { in.Issue = false })
		if _, err := e.s.Report(e.ctx, e.as("qs_staff"), late.ID, tasks.ReportInput{Content: "推进", Percent: 50, Problems: "缺资金"}); err != nil {
			t.Fatal(err)
		}
		if err := e.s.RecordDailyStats(e.ctx, e.as("supervisor"), e.day(-1)); err != nil {
			t.Fatal(err)
		}
		e.advance(5) // Tuesday: overdue by two working days
		if _, err := e.s.RecomputeLights(e.ctx, e.as("supervisor")); err != nil {
			t.Fatal(err)
		}
		h, err := e.s.Home(e.ctx, e.as("supervisor"))
		if err != nil {
			t.Fatal(err)
		}
		counts := map[string]int{}
		for _, c := range append(h.ByStatus, h.ByLight...) {
			counts[c.Key] = c.Count
		}
		if counts["draft"] != 1 || counts["issued"] != 1 || counts["in_progress"] != 1 || counts["red"] != 2 {
			t.Fatalf("counts: %v", counts)
		}
		if len(h.Overdue) != 1 || h.Overdue[0].ID != late.ID || len(h.Trend) != 2 || h.Trend[1].Red != 2 || h.Trend[0].Open != 2 {
			t.Fatalf("overdue %v, trend %+v", titles(h.Overdue), h.Trend)
		}
		if len(h.UnitRanking) == 0 || h.UnitRanking[len(h.UnitRanking)-1].Unit.Name != "青石镇" || h.UnitRanking[len(h.UnitRanking)-1].Overdue != 1 {
			t.Fatalf("ranking: %+v", h.UnitRanking)
		}
		// A town sees its own.
		hq, err := e.s.Home(e.ctx, e.as("qs_admin"))
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range hq.ByStatus {
			if c.Key == "draft" || (c.Key == "issued" && c.Count != 0) {
				t.Fatalf("town home counts: %+v", hq.ByStatus)
			}
		}
		// My work.
		lx, err := e.s.MyWork(e.ctx, e.as("lx_admin"))
		if err != nil || len(lx.ToSign) != 1 {
			t.Fatalf("lx to sign: %+v %v", lx, err)
		}
		qs, err := e.s.MyWork(e.ctx, e.as("qs_staff"))
		if err != nil || len(qs.ToSign) != 0 || len(qs.ToFinish) != 1 || len(qs.ToReport) != 1 {
			t.Fatalf("qs staff: to sign %d, finish %d, report %d, %v", len(qs.ToSign), len(qs.ToFinish), len(qs.ToReport), err)
		}
		ld, err := e.s.MyWork(e.ctx, e.as("leader"))
		if err != nil || len(ld.Portfolio) != 2 || len(ld.Coordination) != 1 {
			t.Fatalf("leader: portfolio %d, coordination %d, %v", len(ld.Portfolio), len(ld.Coordination), err)
		}
		ext, err := e.s.RequestExtension(e.ctx, e.as("lx_admin"), lx.ToSign[0].ID, tasks.ExtensionInput{NewDeadline: e.day(40), Reason: "雨季"})
		if err != nil {
			t.Fatal(err)
		}
		sup, err := e.s.MyWork(e.ctx, e.as("supervisor"))
		if err != nil || len(sup.Extensions) != 1 || sup.Extensions[0].ID != ext.ID {
			t.Fatalf("supervisor: %+v %v", sup.Extensions, err)
		}
		// Gantt rows carry the milestones, late ones marked.
		rows, total, err := e.s.Gantt(e.ctx, e.as("supervisor"), tasks.Filter{UnitID: e.unit("QS"), Status: []string{"in_progress"}}, httpx.Page{Page: 1, Size: 20})
		if err != nil || total != 1 || len(rows[0].Milestones) != 1 || !rows[0].Milestones[0].Late {
			t.Fatalf("gantt: %+v %v", rows, err)
		}
	})
}
