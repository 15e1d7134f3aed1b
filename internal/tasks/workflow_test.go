package tasks_test

import (
	"strings"
	"testing"

	"diaodu/internal/platform/db"
	"diaodu/internal/platform/errs"
	"diaodu/internal/tasks"
	"diaodu/internal/testutil"
)

// The whole life of a task through the service: issue → sign → report →
// red by the clock → automatic reminder once → request completion → close.
func TestWorkflow(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		tk := e.task(t, func(in *tasks.TaskInput) {
			in.Deadline = ptr(e.day(20))
			in.Milestones = &[]tasks.MilestoneInput{{Name: "主体完工", DueOn: e.day(6), Weight: 2}, {Name: "竣工验收", DueOn: e.day(20)}}
		})
		if tk.Number != "示督〔2026〕1号" || tk.Status != tasks.StatusIssued || tk.Light != tasks.LightGreen {
			t.Fatalf("issued: %+v", tk)
		}
		// Issued on a Thursday with one working day to sign: Friday.
		if tk.SignDue.String() != "2026-11-27" || tk.IssuedAt == nil {
			t.Fatalf("sign due %s", tk.SignDue)
		}
		if n := e.count(t, `SELECT COUNT(*) FROM task_events WHERE task_id = $1`, tk.ID); n != 2 {
			t.Fatalf("timeline after issue: %d lines", n)
		}
		if err := e.s.Sign(e.ctx, e.as("qs_admin"), tk.ID); err != nil {
			t.Fatal(err)
		}
		if err := e.s.Sign(e.ctx, e.as("qs_admin"), tk.ID); !errs.Is(err, errs.Conflict) {
			t.Fatalf("second sign: %v", err)
		}

		rep, err := e.s.Report(e.ctx, e.as("qs_staff"), tk.ID, tasks.ReportInput{Content: "完成桩基施工", Percent: 30,
			Problems: "资金缺口500万元\n\n 用地指标待批 "})
		if err != nil {
			t.Fatal(err)
		}
		if rep.CycleStart.String() != "2026-11-23" || rep.CycleEnd.String() != "2026-11-29" || rep.Percent != 30 {
			t.Fatalf("report: %+v", rep)
		}
		got := e.get(t, tk.ID)
		if got.Status != tasks.StatusInProgress || got.Progress != 30 || len(got.Coordination) != 2 {
			t.Fatalf("after report: %s %d%%, %d coordination items", got.Status, got.Progress, len(got.Coordination))
		}
		for _, c := range got.Coordination {
			if c.Owner == nil || c.Owner.ID != e.as("leader").UserID || c.DueOn.String() != "2026-12-03" {
				t.Fatalf("coordination item: %+v", c)
			}
		}

		// A second report in the same week replaces the first, in the trail.
		if _, err := e.s.Report(e.ctx, e.as("qs_admin"), tk.ID, tasks.ReportInput{Content: "桩基完成，开始主体", Percent: 25,
			Problems: "用地指标待批"}); err != nil {
			t.Fatal(err)
		}
		got = e.get(t, tk.ID)
		if len(got.Reports) != 1 || got.Reports[0].Content != "桩基完成，开始主体" || got.Progress != 25 || len(got.Coordination) != 1 {
			t.Fatalf("replaced: %d reports %+v, %d coordination", len(got.Reports), got.Reports, len(got.Coordination))
		}
		if n := e.count(t, `SELECT COUNT(*) FROM audit_log WHERE action = 'task.report.replace' AND object_id = $1
			AND before_json LIKE '%完成桩基施工%'`, id(tk.ID)); n != 1 {
			t.Fatalf("replacement audited %d times with the old text", n)
		}

		// A week on: the milestone is late and last week's report is in; red.
		e.advance(7)
		if _, err := e.s.RecomputeLights(e.ctx, e.as("supervisor")); err != nil {
			t.Fatal(err)
		}
		got = e.get(t, tk.ID)
		if got.Light != tasks.LightRed || !strings.HasPrefix(got.LightReason, "节点'主体完工'已逾期") || got.LightSince == nil {
			t.Fatalf("after a week: %s %q", got.Light, got.LightReason)
		}
		if !strings.Contains(got.Timeline[len(got.Timeline)-1].Summary, "亮灯") {
			t.Fatalf("light change not on the timeline: %+v", got.Timeline[len(got.Timeline)-1])
		}

		// Answer a coordination item as its owner.
		if _, err := e.s.AnswerCoordination(e.ctx, e.as("leader"), got.Coordination[0].ID, "已协调自然资源局加快审批"); err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.AnswerCoordination(e.ctx, e.as("leader"), got.Coordination[0].ID, "再答一次"); !errs.Is(err, errs.Conflict) {
			t.Fatalf("second answer: %v", err)
		}

		// Request completion with evidence, then close.
		file := e.upload(t, tk.ID, "qs_staff")
		if err := e.s.RequestCompletion(e.ctx, e.as("qs_admin"), tk.ID, tasks.CompletionInput{Summary: "已完工", FileIDs: []int64{file}}); err != nil {
			t.Fatal(err)
		}
		if err := e.s.Close(e.ctx, e.as("supervisor"), tk.ID, "同意销号"); err != nil {
			t.Fatal(err)
		}
		got = e.get(t, tk.ID)
		if got.Status != tasks.StatusClosed || got.ClosedOnTime == nil || !*got.ClosedOnTime || got.Light != tasks.LightNone ||
			got.Progress != 100 || len(got.Completions) != 1 || got.Completions[0].Outcome != "closed" || len(got.Files) != 1 {
			t.Fatalf("closed: %+v", got.Task)
		}
		if _, err := e.s.Report(e.ctx, e.as("qs_staff"), tk.ID, tasks.ReportInput{Content: "x", Percent: 100}); !errs.Is(err, errs.Conflict) {
			t.Fatalf("report on a closed task: %v", err)
		}
		kinds := []string{}
		for _, ev := range got.Timeline {
			kinds = append(kinds, ev.Kind)
		}
		if strings.Join(kinds, ",") != "create,issue,sign,report,report,light,coordination,request,light,close" {
			t.Fatalf("timeline: %v", kinds)
		}
	})
}
