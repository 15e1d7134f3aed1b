package tasks_test

import (
	"errors"
	"strings"
	"testing"

	"diaodu/internal/org"
	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/db"
	"diaodu/internal/platform/errs"
	"diaodu/internal/tasks"
	"diaodu/internal/testutil"
)

// snapshot counts what a bad input must not change.
func (e *env) snapshot(t testing.TB) [7]int {
	t.Helper()
	var out [7]int
	for i, q := range []string{`SELECT seq FROM audit_head WHERE id = 1`, `SELECT COUNT(*) FROM tasks`, `SELECT COUNT(*) FROM task_reports`,
		`SELECT COUNT(*) FROM task_events`, `SELECT COUNT(*) FROM task_extensions`, `SELECT COUNT(*) FROM task_milestones`,
		`SELECT COUNT(*) FROM task_coordination`} {
		out[i] = e.count(t, q)
	}
	return out
}

// refused runs a bad call and checks its error and that nothing changed.
func (e *env) refused(t *testing.T, code errs.Code, field string, call func() error) {
	t.Helper()
	before := e.snapshot(t)
	testutil.WantCode(t, call(), code, field)
	if after := e.snapshot(t); after != before {
		t.Fatalf("a refused call changed the database: %v → %v", before, after)
	}
}

func TestCreateValidation(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		sup := e.as("supervisor")
		// A deactivated town and a user who is not a leader.
		closed := "停用镇"
		code, kind := "TY", "town"
		u, err := e.f.App.Org.CreateUnit(e.ctx, auth.System("t"), orgUnit(e.unit("D"), code, closed, kind))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.f.App.DB.W.ExecContext(e.ctx, `UPDATE units SET active = FALSE WHERE id = $1`, u.ID); err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			name  string
			mod   func(in *tasks.TaskInput)
			field string
			msg   string
		}{
			{"deadline before start", func(in *tasks.TaskInput) { in.Deadline = ptr(e.day(-1)) }, "deadline", "完成时限不能早于开始日期"},
			{"milestone after deadline", func(in *tasks.TaskInput) {
				in.Milestones = &[]tasks.MilestoneInput{{Name: "主体完工", DueOn: e.day(31)}}
			}, "milestones", "晚于完成时限"},
			{"milestone before start", func(in *tasks.TaskInput) {
				in.Milestones = &[]tasks.MilestoneInput{{Name: "开工", DueOn: e.day(-3)}}
			}, "milestones", "早于开始日期"},
			{"milestone without a name", func(in *tasks.TaskInput) {
				in.Milestones = &[]tasks.MilestoneInput{{Name: " ", DueOn: e.day(3)}}
			}, "milestones", "名称不能为空"},
			{"milestone with a negative weight", func(in *tasks.TaskInput) {
				in.Milestones = &[]tasks.MilestoneInput{{Name: "开工", DueOn: e.day(3), Weight: -1}}
			}, "milestones", "权重"},
			{"unknown lead unit", func(in *tasks.TaskInput) { in.LeadUnitID = ptr(int64(9999)) }, "lead_unit_id", "牵头单位不存在"},
			{"deactivated lead unit", func(in *tasks.TaskInput) { in.LeadUnitID = &u.ID }, "lead_unit_id", "已停用"},
			{"no lead unit", func(in *tasks.TaskInput) { in.LeadUnitID = nil }, "lead_unit_id", "请选择牵头单位"},
			{"co-unit is the lead", func(in *tasks.TaskInput) { in.CoUnitIDs = &[]int64{e.unit("QS")} }, "co_unit_ids", "不能与牵头单位相同"},
			{"unknown co-unit", func(in *tasks.TaskInput) { in.CoUnitIDs = &[]int64{8888} }, "co_unit_ids", "配合单位不存在"},
			{"leader without the leader role", func(in *tasks.TaskInput) { in.LeaderIDs = &[]int64{e.as("qs_admin").UserID} }, "leader_ids", "不是区领导"},
			{"no title", func(in *tasks.TaskInput) { in.Title = ptr("  ") }, "title", "任务名称不能为空"},
			{"long title", func(in *tasks.TaskInput) { in.Title = ptr(strings.Repeat("长", 201)) }, "title", "200"},
			{"unknown kind", func(in *tasks.TaskInput) { in.Kind = ptr("sometimes") }, "kind", "任务类型"},
			{"no deadline", func(in *tasks.TaskInput) { in.Deadline = nil }, "deadline", "请填写完成时限"},
			{"long-term with a deadline", func(in *tasks.TaskInput) { in.Kind = ptr(tasks.KindLongTerm) }, "deadline", "长期坚持"},
			{"periodic without a cycle", func(in *tasks.TaskInput) { in.Kind, in.ReportCycle = ptr(tasks.KindPeriodic), ptr("") }, "report_cycle", "反馈周期"},
			{"unknown cycle", func(in *tasks.TaskInput) { in.ReportCycle = ptr("daily") }, "report_cycle", "反馈周期"},
			{"long tag", func(in *tasks.TaskInput) { in.Tags = &[]string{strings.Repeat("标", 21)} }, "tags", "超过20个字"},
			{"no source", func(in *tasks.TaskInput) { in.SourceID = nil }, "source_id", "任务来源"},
			{"unknown source", func(in *tasks.TaskInput) { in.SourceID = ptr(int64(777)) }, "source_id", "任务来源不存在"},
			{"bad phone", func(in *tasks.TaskInput) { in.ResponsiblePhone = ptr("call me") }, "responsible_phone", "电话"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				var err error
				e.refused(t, errs.Validation, tc.field, func() error {
					_, err = e.s.Create(e.ctx, sup, e.input(tc.mod))
					return err
				})
				fe, _ := errs.As(err)
				if !strings.Contains(fe.Fields[tc.field].ZH, tc.msg) {
					t.Fatalf("message %q does not say %q", fe.Fields[tc.field].ZH, tc.msg)
				}
			})
		}
		// CreateMany reports every bad input by index and writes nothing.
		before := e.snapshot(t)
		err = e.f.App.Audit.Write(e.ctx, sup, func(w *audit.W) error {
			_, err := e.s.CreateMany(e.ctx, w, sup, []tasks.TaskInput{e.input(), e.input(func(in *tasks.TaskInput) { in.Title = ptr("") }),
				e.input(), e.input(func(in *tasks.TaskInput) { in.Deadline = ptr(e.day(-2)) })})
			return err
		})
		var many tasks.ManyErrors
		if !errors.As(err, &many) || len(many) != 2 || many[0].Index != 1 || many[1].Index != 3 || many[1].Fields["deadline"].ZH == "" {
			t.Fatalf("CreateMany errors: %v", err)
		}
		if after := e.snapshot(t); after != before {
			t.Fatal("CreateMany with bad rows wrote something")
		}
	})
}

// Units work only on their own tasks; the office cannot act as a unit.
func TestReportRules(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		tk := e.signed(t)
		in := tasks.ReportInput{Content: "进展", Percent: 10}
		report := func(who string, in tasks.ReportInput) func() error {
			return func() error { _, err := e.s.Report(e.ctx, e.as(who), tk.ID, in); return err }
		}
		t.Run("a unit that does not see the task", func(t *testing.T) { e.refused(t, errs.NotFound, "", report("lx_admin", in)) })
		t.Run("a co-unit", func(t *testing.T) { e.refused(t, errs.Forbidden, "", report("fgj_staff", in)) })
		t.Run("a village below the lead unit", func(t *testing.T) { e.refused(t, errs.NotFound, "", report("zj_field", in)) })
		t.Run("the supervision office", func(t *testing.T) { e.refused(t, errs.Forbidden, "", report("supervisor", in)) })
		t.Run("percent over 100", func(t *testing.T) {
			e.refused(t, errs.Validation, "percent", report("qs_staff", tasks.ReportInput{Content: "x", Percent: 101}))
		})
		t.Run("empty content", func(t *testing.T) {
			e.refused(t, errs.Validation, "content", report("qs_staff", tasks.ReportInput{Content: " ", Percent: 1}))
		})
		t.Run("a file of another task", func(t *testing.T) {
			other := e.signed(t)
			f := e.upload(t, other.ID, "qs_staff")
			e.refused(t, errs.Validation, "file_ids", report("qs_staff", tasks.ReportInput{Content: "x", Percent: 1, FileIDs: []int64{f}}))
		})
		t.Run("a milestone of another task", func(t *testing.T) {
			other := e.signed(t, func(in *tasks.TaskInput) {
				in.Milestones = &[]tasks.MilestoneInput{{Name: "开工", DueOn: e.day(10)}}
			})
			ms := e.get(t, other.ID).Milestones[0].ID
			e.refused(t, errs.Validation, "milestones_done", report("qs_staff", tasks.ReportInput{Content: "x", Percent: 1, MilestonesDone: []int64{ms}}))
		})
		t.Run("before signing", func(t *testing.T) {
			fresh := e.task(t)
			e.refused(t, errs.Conflict, "", func() error { _, err := e.s.Report(e.ctx, e.as("qs_staff"), fresh.ID, in); return err })
		})
		t.Run("on a closed task", func(t *testing.T) {
			done := e.signed(t)
			f := e.upload(t, done.ID, "qs_admin")
			if err := e.s.RequestCompletion(e.ctx, e.as("qs_admin"), done.ID, tasks.CompletionInput{Summary: "完成", FileIDs: []int64{f}}); err != nil {
				t.Fatal(err)
			}
			if err := e.s.Close(e.ctx, e.as("supervisor"), done.ID, ""); err != nil {
				t.Fatal(err)
			}
			e.refused(t, errs.Conflict, "", func() error { _, err := e.s.Report(e.ctx, e.as("qs_staff"), done.ID, in); return err })
		})
		// A village reports on its own subtask; the town reports for it too.
		t.Run("village subtask", func(t *testing.T) {
			sub, err := e.s.Split(e.ctx, e.as("qs_admin"), tk.ID, tasks.TaskInput{Title: ptr("张家村负责征地"), LeadUnitID: ptr(e.unit("QS-ZJ")),
				Deadline: ptr(e.day(20))})
			if err != nil {
				t.Fatal(err)
			}
			if err := e.s.Sign(e.ctx, e.as("qs_admin"), sub.ID); err != nil {
				t.Fatal(err)
			}
			for _, who := range []string{"zj_field", "qs_staff"} {
				if _, err := e.s.Report(e.ctx, e.as(who), sub.ID, tasks.ReportInput{Content: who + "报送", Percent: 40}); err != nil {
					t.Fatalf("%s: %v", who, err)
				}
			}
		})
	})
}

// A second report in a cycle replaces the first; once the cycle is over, the
// next report starts a new cycle and the old one stays as it was.
func TestReportCycles(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		tk := e.signed(t)
		send := func(text string, pct int) {
			t.Helper()
			if _, err := e.s.Report(e.ctx, e.as("qs_staff"), tk.ID, tasks.ReportInput{Content: text, Percent: pct}); err != nil {
				t.Fatal(err)
			}
		}
		send("第一次", 10)
		send("第二次", 5) // lower than before: allowed, said in the trail
		if n := e.count(t, `SELECT COUNT(*) FROM task_reports WHERE task_id = $1`, tk.ID); n != 1 {
			t.Fatalf("%d reports after a replacement", n)
		}
		if n := e.count(t, `SELECT COUNT(*) FROM audit_log WHERE action = 'task.report.replace' AND summary LIKE '%低于上次的10%'`); n != 1 {
			t.Fatalf("lower percent not noted in the trail (%d)", n)
		}
		e.advance(4) // Monday: a new week
		send("第三次", 20)
		got := e.get(t, tk.ID)
		if len(got.Reports) != 2 || got.Reports[0].Content != "第三次" || got.Reports[1].Content != "第二次" || got.Progress != 20 {
			t.Fatalf("reports: %+v", got.Reports)
		}
	})
}

func TestExtensions(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		tk := e.signed(t, func(in *tasks.TaskInput) { in.Deadline = ptr(e.day(5)) })
		ask := func(who string, in tasks.ExtensionInput) func() error {
			return func() error { _, err := e.s.RequestExtension(e.ctx, e.as(who), tk.ID, in); return err }
		}
		good := tasks.ExtensionInput{NewDeadline: e.day(15), Reason: "征地手续未完成"}
		t.Run("not later", func(t *testing.T) {
			e.refused(t, errs.Validation, "new_deadline", ask("qs_admin", tasks.ExtensionInput{NewDeadline: e.day(5), Reason: "x"}))
		})
		t.Run("no reason", func(t *testing.T) {
			e.refused(t, errs.Validation, "reason", ask("qs_admin", tasks.ExtensionInput{NewDeadline: e.day(9)}))
		})
		t.Run("staff may not", func(t *testing.T) { e.refused(t, errs.Forbidden, "", ask("qs_staff", good)) })
		ext, err := e.s.RequestExtension(e.ctx, e.as("qs_admin"), tk.ID, good)
		if err != nil || ext.Status != "pending" || ext.OldDeadline != e.day(5) {
			t.Fatalf("request: %+v %v", ext, err)
		}
		t.Run("one pending at a time", func(t *testing.T) { e.refused(t, errs.Conflict, "", ask("qs_admin", good)) })
		t.Run("refusal needs a note", func(t *testing.T) {
			e.refused(t, errs.Validation, "note", func() error { _, err := e.s.DecideExtension(e.ctx, e.as("supervisor"), ext.ID, false, ""); return err })
		})
		t.Run("a unit cannot decide", func(t *testing.T) {
			e.refused(t, errs.Forbidden, "", func() error { _, err := e.s.DecideExtension(e.ctx, e.as("qs_admin"), ext.ID, true, ""); return err })
		})
		if _, err := e.s.DecideExtension(e.ctx, e.as("supervisor"), ext.ID, true, "同意"); err != nil {
			t.Fatal(err)
		}
		got := e.get(t, tk.ID)
		if got.Deadline != e.day(15) || len(got.Extensions) != 1 || got.Extensions[0].Status != "approved" || got.Extensions[0].OldDeadline != e.day(5) {
			t.Fatalf("after approval: deadline %s, %+v", got.Deadline, got.Extensions)
		}
		// After the (new) deadline has passed, no more extensions.
		e.advance(16)
		t.Run("after the deadline", func(t *testing.T) {
			before := e.snapshot(t)
			err := ask("qs_admin", tasks.ExtensionInput{NewDeadline: e.day(30), Reason: "再延"})()
			testutil.WantCode(t, err, errs.Conflict, "")
			if fe, _ := errs.As(err); !strings.Contains(fe.Message.ZH, "已超过完成时限") {
				t.Fatalf("message: %s", fe.Message.ZH)
			}
			if e.snapshot(t) != before {
				t.Fatal("changed")
			}
		})
	})
}

func TestSubtasks(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		parent := e.signed(t)
		split := func(who string, in tasks.TaskInput) (*tasks.Task, error) {
			return e.s.Split(e.ctx, e.as(who), parent.ID, in)
		}
		t.Run("out of reach", func(t *testing.T) {
			e.refused(t, errs.Validation, "lead_unit_id", func() error {
				_, err := split("qs_admin", tasks.TaskInput{Title: ptr("柳溪镇做"), LeadUnitID: ptr(e.unit("LX")), Deadline: ptr(e.day(10))})
				return err
			})
		})
		t.Run("after the parent's deadline", func(t *testing.T) {
			e.refused(t, errs.Validation, "deadline", func() error {
				_, err := split("qs_admin", tasks.TaskInput{Title: ptr("晚了"), LeadUnitID: ptr(e.unit("QS-ZJ")), Deadline: ptr(e.day(31))})
				return err
			})
		})
		t.Run("not by staff", func(t *testing.T) {
			e.refused(t, errs.Forbidden, "", func() error {
				_, err := split("qs_staff", tasks.TaskInput{Title: ptr("x"), LeadUnitID: ptr(e.unit("QS-ZJ")), Deadline: ptr(e.day(10))})
				return err
			})
		})
		village, err := split("qs_admin", tasks.TaskInput{Title: ptr("张家村征地"), LeadUnitID: ptr(e.unit("QS-ZJ")), Deadline: ptr(e.day(10))})
		if err != nil {
			t.Fatal(err)
		}
		dept, err := split("qs_admin", tasks.TaskInput{Title: ptr("发改局立项"), LeadUnitID: ptr(e.unit("FGJ")), Deadline: ptr(e.day(10))})
		if err != nil {
			t.Fatal(err)
		}
		if village.Number != parent.Number+"-1" || dept.Number != parent.Number+"-2" || village.Status != tasks.StatusIssued ||
			village.Source == nil || village.Source.ID != e.src {
			t.Fatalf("subtasks: %s %s %s", village.Number, dept.Number, village.Status)
		}
		// The town keeps sight of the part it gave the department.
		if len(dept.CoUnits) != 1 || dept.CoUnits[0].ID != e.unit("QS") {
			t.Fatalf("co-units of the department's part: %+v", dept.CoUnits)
		}
		if _, err := e.s.Get(e.ctx, e.as("qs_staff"), dept.ID); err != nil {
			t.Fatalf("the town cannot see its part: %v", err)
		}
		// Roll-up: the mean of the subtasks.
		if err := e.s.Sign(e.ctx, e.as("qs_admin"), village.ID); err != nil {
			t.Fatal(err)
		}
		fgjAdmin := e.f.AddUser(t, "fgj_admin", "FGJ", "unit_admin")
		if err := e.s.Sign(e.ctx, fgjAdmin, dept.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.Report(e.ctx, e.as("zj_field"), village.ID, tasks.ReportInput{Content: "征地60%", Percent: 60}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.Report(e.ctx, e.as("fgj_staff"), dept.ID, tasks.ReportInput{Content: "立项20%", Percent: 20}); err != nil {
			t.Fatal(err)
		}
		if got := e.get(t, parent.ID); got.Progress != 40 || got.SubtaskCount != 2 || len(got.Subtasks) != 2 {
			t.Fatalf("parent progress %d with %d subtasks", got.Progress, got.SubtaskCount)
		}
		// The parent cannot be closed (nor asked to close) with open subtasks.
		f := e.upload(t, parent.ID, "qs_admin")
		t.Run("request with open subtasks", func(t *testing.T) {
			e.refused(t, errs.Conflict, "", func() error {
				return e.s.RequestCompletion(e.ctx, e.as("qs_admin"), parent.ID, tasks.CompletionInput{Summary: "完成", FileIDs: []int64{f}})
			})
		})
		t.Run("close with open subtasks", func(t *testing.T) {
			before := e.snapshot(t)
			err := e.s.Close(e.ctx, e.as("supervisor"), parent.ID, "")
			testutil.WantCode(t, err, errs.Conflict, "")
			if fe, _ := errs.As(err); !strings.Contains(fe.Message.ZH, "子任务未销号") {
				t.Fatalf("message: %s", fe.Message.ZH)
			}
			if e.snapshot(t) != before {
				t.Fatal("changed")
			}
		})
		// The town closes the village's part itself.
		vf := e.upload(t, village.ID, "zj_field")
		if err := e.s.RequestCompletion(e.ctx, e.as("qs_admin"), village.ID, tasks.CompletionInput{Summary: "征地完成", FileIDs: []int64{vf}}); err != nil {
			t.Fatal(err)
		}
		if err := e.s.Close(e.ctx, e.as("qs_admin"), village.ID, "同意"); err != nil {
			t.Fatalf("the town closes its village's part: %v", err)
		}
		if got := e.get(t, parent.ID); got.Progress != 60 { // (100 + 20) / 2
			t.Fatalf("parent progress %d after closing a part", got.Progress)
		}
	})
}

func orgUnit(parent int64, code, name, kind string) org.UnitInput {
	return org.UnitInput{ParentID: &parent, Code: &code, Name: &name, Kind: &kind}
}
