package tasks_test

import (
	"bytes"
	"net/http"
	"testing"

	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/db"
	"diaodu/internal/platform/errs"
	"diaodu/internal/platform/httpx"
	"diaodu/internal/tasks"
	"diaodu/internal/testutil"
)

// who is the order of the matrix columns: every fixture user.
var who = [9]string{"admin", "supervisor", "leader", "qs_admin", "qs_staff", "zj_field", "judge", "lx_admin", "fgj_staff"}

// want is success or an error code.
type want errs.Code

const (
	OK want = ""
	NF      = want(errs.NotFound)
	FB      = want(errs.Forbidden)
)

type row [9]want

// tgt is what an action works on, made fresh for every cell.
type tgt struct{ task, other int64 }

type action struct {
	name  string
	prep  func(t *testing.T, e *env) tgt
	svc   func(e *env, a *auth.Actor, x tgt) error
	web   func(c *testutil.Client, x tgt) *testutil.Resp
	audit string                                       // the entry a success records ("" for reads)
	after func(t *testing.T, e *env, x tgt, done bool) // the effect happened, or nothing changed
	want  row
}

// Frequent rows (columns as in who).
var (
	readQS   = row{OK, OK, OK, OK, OK, NF, FB, NF, OK} // a 青石镇 task with 发改局 as co-unit
	manageQS = row{OK, OK, FB, FB, FB, NF, FB, NF, FB}
	handleQS = row{FB, FB, FB, OK, FB, NF, FB, NF, FB}
	reportQS = row{FB, FB, FB, OK, OK, NF, FB, NF, FB}
	draftRow = row{OK, OK, NF, NF, NF, NF, FB, NF, NF} // drafts are the office's own
	office   = row{OK, OK, FB, FB, FB, FB, FB, FB, FB}
	everyone = row{OK, OK, OK, OK, OK, OK, FB, OK, OK}
)

// States to act on.
func draft(t *testing.T, e *env) tgt {
	return tgt{task: e.task(t, func(in *tasks.TaskInput) { in.Issue = false }).ID}
}
func issued(t *testing.T, e *env) tgt { return tgt{task: e.task(t).ID} }
func signed(t *testing.T, e *env) tgt { return tgt{task: e.signed(t).ID} }
func requested(t *testing.T, e *env) tgt {
	x := signed(t, e)
	f := e.upload(t, x.task, "qs_staff")
	if err := e.s.RequestCompletion(e.ctx, e.as("qs_admin"), x.task, tasks.CompletionInput{Summary: "完成", FileIDs: []int64{f}}); err != nil {
		t.Fatal(err)
	}
	return x
}
func withFile(t *testing.T, e *env) tgt {
	x := signed(t, e)
	x.other = e.upload(t, x.task, "qs_staff")
	return x
}
func withExtension(t *testing.T, e *env) tgt {
	x := signed(t, e)
	ext, err := e.s.RequestExtension(e.ctx, e.as("qs_admin"), x.task, tasks.ExtensionInput{NewDeadline: e.day(40), Reason: "征地"})
	if err != nil {
		t.Fatal(err)
	}
	x.other = ext.ID
	return x
}
func withMilestone(t *testing.T, e *env) tgt {
	tk := e.signed(t, func(in *tasks.TaskInput) { in.Milestones = &[]tasks.MilestoneInput{{Name: "开工", DueOn: e.day(10)}} })
	return tgt{task: tk.ID, other: e.get(t, tk.ID).Milestones[0].ID}
}
func withCoordination(t *testing.T, e *env) tgt {
	x := signed(t, e)
	if _, err := e.s.Report(e.ctx, e.as("qs_staff"), x.task, tasks.ReportInput{Content: "进展", Percent: 10, Problems: "资金缺口"}); err != nil {
		t.Fatal(err)
	}
	x.other = e.get(t, x.task).Coordination[0].ID
	return x
}
func villageSubtask(t *testing.T, e *env) tgt {
	parent := e.signed(t)
	sub, err := e.s.Split(e.ctx, e.as("qs_admin"), parent.ID, tasks.TaskInput{Title: ptr("张家村部分"), LeadUnitID: ptr(e.unit("QS-ZJ")),
		Deadline: ptr(e.day(20))})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.s.Sign(e.ctx, e.as("qs_admin"), sub.ID); err != nil {
		t.Fatal(err)
	}
	return tgt{task: sub.ID}
}
func lxTask(t *testing.T, e *env) tgt {
	return tgt{task: e.task(t, func(in *tasks.TaskInput) { in.LeadUnitID, in.CoUnitIDs = ptr(e.unit("LX")), &[]int64{} }).ID}
}

// statusIs checks a task's status after the action.
func statusIs(status, otherwise string) func(t *testing.T, e *env, x tgt, done bool) {
	return func(t *testing.T, e *env, x tgt, done bool) {
		t.Helper()
		want := otherwise
		if done {
			want = status
		}
		var got string
		if err := e.f.App.DB.R.QueryRowContext(e.ctx, `SELECT status FROM tasks WHERE id = $1`, x.task).Scan(&got); err != nil {
			got = "(gone)"
		}
		if got != want {
			t.Fatalf("status %s, want %s (done=%v)", got, want, done)
		}
	}
}

// counted checks that a row count grew by one exactly when the action succeeded.
func counted(q string) func(t *testing.T, e *env, x tgt, done bool) {
	return func(t *testing.T, e *env, x tgt, done bool) {
		t.Helper()
		n := e.count(t, q, x.task)
		if (n == 1) != done {
			t.Fatalf("%s: %d (done=%v)", q, n, done)
		}
	}
}

func path(x tgt, tail string) string { return "/api/v1/tasks/" + id(x.task) + tail }

func actions() []action {
	get := func(e *env, a *auth.Actor, x tgt) error { _, err := e.s.Detail(e.ctx, a, x.task); return err }
	webGet := func(c *testutil.Client, x tgt) *testutil.Resp { return c.Do("GET", path(x, ""), nil) }
	report := func(e *env, a *auth.Actor, x tgt) error {
		_, err := e.s.Report(e.ctx, a, x.task, tasks.ReportInput{Content: "本周进展", Percent: 20})
		return err
	}
	webReport := func(c *testutil.Client, x tgt) *testutil.Resp {
		return c.Do("POST", path(x, "/reports"), map[string]any{"content": "本周进展", "percent": 20})
	}
	sign := func(e *env, a *auth.Actor, x tgt) error { return e.s.Sign(e.ctx, a, x.task) }
	webSign := func(c *testutil.Client, x tgt) *testutil.Resp { return c.Do("POST", path(x, "/sign"), nil) }
	reported := counted(`SELECT COUNT(*) FROM task_reports WHERE task_id = $1`)
	remindCount := counted(`SELECT COUNT(*) FROM task_actions WHERE task_id = $1 AND kind = 'remind'`)
	return []action{
		{name: "read a task", prep: issued, svc: get, web: webGet, want: readQS},
		{name: "read a draft", prep: draft, svc: get, web: webGet, want: draftRow},
		{name: "read a 柳溪镇 task", prep: lxTask, svc: get, web: webGet, want: row{OK, OK, OK, NF, NF, NF, FB, OK, NF}},
		{name: "read a village subtask", prep: villageSubtask, svc: get, web: webGet, want: row{OK, OK, OK, OK, OK, OK, FB, NF, NF}},
		{name: "list tasks",
			svc: func(e *env, a *auth.Actor, x tgt) error {
				_, _, err := e.s.List(e.ctx, a, tasks.Filter{}, page())
				return err
			},
			web: func(c *testutil.Client, x tgt) *testutil.Resp { return c.Do("GET", "/api/v1/tasks", nil) }, want: everyone},
		{name: "create a task",
			svc: func(e *env, a *auth.Actor, x tgt) error { _, err := e.s.Create(e.ctx, a, e.input()); return err },
			web: func(c *testutil.Client, x tgt) *testutil.Resp {
				return c.Do("POST", "/api/v1/tasks", map[string]any{"source_id": 1, "title": "新任务", "kind": "once",
					"lead_unit_id": 3, "deadline": "2026-12-31", "issue": true})
			},
			audit: "task.create", want: office},
		{name: "issue a draft", prep: draft, svc: func(e *env, a *auth.Actor, x tgt) error { return e.s.Issue(e.ctx, a, x.task) },
			web:   func(c *testutil.Client, x tgt) *testutil.Resp { return c.Do("POST", path(x, "/issue"), nil) },
			audit: "task.issue", after: statusIs(tasks.StatusIssued, tasks.StatusDraft), want: draftRow},
		{name: "delete a draft", prep: draft, svc: func(e *env, a *auth.Actor, x tgt) error { return e.s.Delete(e.ctx, a, x.task) },
			web:   func(c *testutil.Client, x tgt) *testutil.Resp { return c.Do("DELETE", path(x, ""), nil) },
			audit: "task.delete", after: statusIs("(gone)", tasks.StatusDraft), want: draftRow},
		{name: "edit an issued task", prep: issued,
			svc: func(e *env, a *auth.Actor, x tgt) error {
				_, err := e.s.Update(e.ctx, a, x.task, tasks.TaskInput{Title: ptr("改过的标题")})
				return err
			},
			web: func(c *testutil.Client, x tgt) *testutil.Resp {
				return c.Do("PATCH", path(x, ""), map[string]any{"title": "改过的标题"})
			},
			audit: "task.update", after: counted(`SELECT COUNT(*) FROM tasks WHERE id = $1 AND title = '改过的标题'`), want: manageQS},
		{name: "sign", prep: issued, svc: sign, web: webSign, audit: "task.sign",
			after: statusIs(tasks.StatusSigned, tasks.StatusIssued), want: handleQS},
		{name: "sign a 柳溪镇 task", prep: lxTask, svc: sign, web: webSign, audit: "task.sign",
			after: statusIs(tasks.StatusSigned, tasks.StatusIssued), want: row{FB, FB, FB, NF, NF, NF, FB, OK, NF}},
		{name: "report", prep: signed, svc: report, web: webReport, audit: "task.report", after: reported, want: reportQS},
		{name: "report on a village subtask", prep: villageSubtask, svc: report, web: webReport, audit: "task.report", after: reported,
			want: row{FB, FB, FB, OK, OK, OK, FB, NF, NF}},
		{name: "request completion", prep: withFile,
			svc: func(e *env, a *auth.Actor, x tgt) error {
				return e.s.RequestCompletion(e.ctx, a, x.task, tasks.CompletionInput{Summary: "完成", FileIDs: []int64{x.other}})
			},
			web: func(c *testutil.Client, x tgt) *testutil.Resp {
				return c.Do("POST", path(x, "/completion"), map[string]any{"summary": "完成", "file_ids": []int64{x.other}})
			},
			audit: "task.request", after: statusIs(tasks.StatusRequested, tasks.StatusSigned), want: handleQS},
		{name: "close", prep: requested, svc: func(e *env, a *auth.Actor, x tgt) error { return e.s.Close(e.ctx, a, x.task, "") },
			web:   func(c *testutil.Client, x tgt) *testutil.Resp { return c.Do("POST", path(x, "/close"), nil) },
			audit: "task.close", after: statusIs(tasks.StatusClosed, tasks.StatusRequested), want: manageQS},
		{name: "return", prep: requested, svc: func(e *env, a *auth.Actor, x tgt) error { return e.s.Return(e.ctx, a, x.task, "证据不足") },
			web: func(c *testutil.Client, x tgt) *testutil.Resp {
				return c.Do("POST", path(x, "/return"), map[string]any{"reason": "证据不足"})
			},
			audit: "task.return", after: statusIs(tasks.StatusReturned, tasks.StatusRequested), want: manageQS},
		{name: "ask for an extension", prep: signed,
			svc: func(e *env, a *auth.Actor, x tgt) error {
				_, err := e.s.RequestExtension(e.ctx, a, x.task, tasks.ExtensionInput{NewDeadline: e.day(45), Reason: "征地"})
				return err
			},
			web: func(c *testutil.Client, x tgt) *testutil.Resp {
				return c.Do("POST", path(x, "/extensions"), map[string]any{"new_deadline": "2027-01-10", "reason": "征地"})
			},
			audit: "task.extension.request", after: counted(`SELECT COUNT(*) FROM task_extensions WHERE task_id = $1`), want: handleQS},
		{name: "decide an extension", prep: withExtension,
			svc: func(e *env, a *auth.Actor, x tgt) error {
				_, err := e.s.DecideExtension(e.ctx, a, x.other, true, "")
				return err
			},
			web: func(c *testutil.Client, x tgt) *testutil.Resp {
				return c.Do("POST", "/api/v1/task-extensions/"+id(x.other)+"/decision", map[string]any{"approve": true})
			},
			audit: "task.extension.approved", after: counted(`SELECT COUNT(*) FROM task_extensions WHERE task_id = $1 AND status = 'approved'`),
			want: manageQS},
		{name: "split", prep: signed,
			svc: func(e *env, a *auth.Actor, x tgt) error {
				_, err := e.s.Split(e.ctx, a, x.task, tasks.TaskInput{Title: ptr("村里做"), LeadUnitID: ptr(e.unit("QS-ZJ")), Deadline: ptr(e.day(20))})
				return err
			},
			web: func(c *testutil.Client, x tgt) *testutil.Resp {
				return c.Do("POST", path(x, "/subtasks"), map[string]any{"title": "村里做", "lead_unit_id": 4, "deadline": "2026-12-16"})
			},
			audit: "task.create", after: counted(`SELECT COUNT(*) FROM tasks WHERE parent_id = $1`), want: handleQS},
		{name: "mark a milestone", prep: withMilestone,
			svc: func(e *env, a *auth.Actor, x tgt) error {
				return e.s.MarkMilestone(e.ctx, a, x.task, x.other, e.day(0))
			},
			web: func(c *testutil.Client, x tgt) *testutil.Resp {
				return c.Do("PUT", path(x, "/milestones/"+id(x.other)+"/done"), map[string]any{"done_on": "2026-11-26"})
			},
			audit: "task.milestone", after: counted(`SELECT COUNT(*) FROM task_milestones WHERE task_id = $1 AND done_on IS NOT NULL`), want: handleQS},
		{name: "remind", prep: issued,
			svc: func(e *env, a *auth.Actor, x tgt) error {
				_, err := e.s.Remind(e.ctx, a, x.task, "请加快")
				return err
			},
			web: func(c *testutil.Client, x tgt) *testutil.Resp {
				return c.Do("POST", path(x, "/reminders"), map[string]any{"content": "请加快"})
			},
			audit: "task.remind", after: remindCount, want: row{OK, OK, OK, FB, FB, NF, FB, NF, FB}},
		{name: "supervision notice", prep: issued,
			svc: func(e *env, a *auth.Actor, x tgt) error {
				_, err := e.s.Notice(e.ctx, a, x.task, noticeIn("请于三日内整改"))
				return err
			},
			web: func(c *testutil.Client, x tgt) *testutil.Resp {
				return c.Do("POST", path(x, "/notices"), map[string]any{"content": "请于三日内整改"})
			},
			audit: "task.notice", after: counted(`SELECT COUNT(*) FROM task_actions WHERE task_id = $1 AND kind = 'notice'`), want: manageQS},
		{name: "interview", prep: issued,
			svc: func(e *env, a *auth.Actor, x tgt) error {
				_, err := e.s.Interview(e.ctx, a, x.task, interviewIn(e))
				return err
			},
			web: func(c *testutil.Client, x tgt) *testutil.Resp {
				return c.Do("POST", path(x, "/interviews"), map[string]any{"interviewee": "青石镇镇长", "held_on": "2026-11-26", "content": "约谈"})
			},
			audit: "task.interview", after: counted(`SELECT COUNT(*) FROM task_actions WHERE task_id = $1 AND kind = 'interview'`), want: manageQS},
		{name: "answer coordination (owner: the leader)", prep: withCoordination,
			svc: func(e *env, a *auth.Actor, x tgt) error {
				_, err := e.s.AnswerCoordination(e.ctx, a, x.other, "已协调")
				return err
			},
			web: func(c *testutil.Client, x tgt) *testutil.Resp {
				return c.Do("POST", "/api/v1/task-coordination/"+id(x.other)+"/answer", map[string]any{"answer": "已协调"})
			},
			audit: "task.coordination.answer", after: counted(`SELECT COUNT(*) FROM task_coordination WHERE task_id = $1 AND status = 'answered'`),
			want: row{OK, OK, OK, FB, FB, NF, FB, NF, FB}},
		{name: "attach a file", prep: signed,
			svc: func(e *env, a *auth.Actor, x tgt) error {
				_, err := e.f.App.Attachments.Upload(e.ctx, a, "task", id(x.task), "a.pdf", bytes.NewReader(pdf))
				return err
			},
			web: func(c *testutil.Client, x tgt) *testutil.Resp {
				return c.Upload("/api/v1/files", map[string]string{"object_type": "task", "object_id": id(x.task)}, "a.pdf", pdf)
			},
			audit: "file.upload", after: func(t *testing.T, e *env, x tgt, done bool) {
				t.Helper()
				if n := e.count(t, `SELECT COUNT(*) FROM files WHERE object_type = 'task' AND object_id = $1`, id(x.task)); (n == 1) != done {
					t.Fatalf("%d files (done=%v)", n, done)
				}
			},
			want: row{OK, OK, FB, OK, OK, NF, FB, NF, FB}},
		{name: "create a source",
			svc: func(e *env, a *auth.Actor, x tgt) error {
				_, err := e.s.SaveSource(e.ctx, a, 0, tasks.SourceInput{Kind: ptr("plan"), Title: ptr("2026年重点工作")})
				return err
			},
			web: func(c *testutil.Client, x tgt) *testutil.Resp {
				return c.Do("POST", "/api/v1/task-sources", map[string]any{"kind": "plan", "title": "2026年重点工作"})
			},
			audit: "task_source.create", want: office},
		{name: "list sources",
			svc: func(e *env, a *auth.Actor, x tgt) error {
				_, _, err := e.s.ListSources(e.ctx, a, tasks.SourceFilter{}, page())
				return err
			},
			web: func(c *testutil.Client, x tgt) *testutil.Resp { return c.Do("GET", "/api/v1/task-sources", nil) }, want: everyone},
		{name: "home", svc: func(e *env, a *auth.Actor, x tgt) error { _, err := e.s.Home(e.ctx, a); return err },
			web: func(c *testutil.Client, x tgt) *testutil.Resp { return c.Do("GET", "/api/v1/supervision/home", nil) }, want: everyone},
		{name: "my work", svc: func(e *env, a *auth.Actor, x tgt) error { _, err := e.s.MyWork(e.ctx, a); return err },
			web: func(c *testutil.Client, x tgt) *testutil.Resp { return c.Do("GET", "/api/v1/supervision/my-work", nil) }, want: everyone},
		{name: "gantt", svc: func(e *env, a *auth.Actor, x tgt) error {
			_, _, err := e.s.Gantt(e.ctx, a, tasks.Filter{}, page())
			return err
		},
			web: func(c *testutil.Client, x tgt) *testutil.Resp { return c.Do("GET", "/api/v1/supervision/gantt", nil) }, want: everyone},
		{name: "read settings", svc: func(e *env, a *auth.Actor, x tgt) error { _, err := e.s.GetSettings(e.ctx, a); return err },
			web: func(c *testutil.Client, x tgt) *testutil.Resp {
				return c.Do("GET", "/api/v1/supervision/settings", nil)
			}, want: office},
		{name: "change settings",
			svc: func(e *env, a *auth.Actor, x tgt) error {
				st := tasks.DefaultSettings
				st.WarnDays = 5
				_, err := e.s.PutSettings(e.ctx, a, st)
				return err
			},
			web: func(c *testutil.Client, x tgt) *testutil.Resp {
				return c.Do("PUT", "/api/v1/supervision/settings", map[string]any{"warn_days": 5})
			},
			audit: "tasks.settings", want: office},
		{name: "recompute lights", svc: func(e *env, a *auth.Actor, x tgt) error { _, err := e.s.RecomputeLights(e.ctx, a); return err },
			web: func(c *testutil.Client, x tgt) *testutil.Resp { return c.Do("POST", "/api/v1/supervision/lights", nil) }, want: office},
	}
}

func checkErr(t *testing.T, err error, w want) {
	t.Helper()
	if w == OK {
		if err != nil {
			t.Fatalf("want success, got %v", err)
		}
		return
	}
	if e, ok := errs.As(err); !ok || e.Code != errs.Code(w) {
		t.Fatalf("want %s, got %v", w, err)
	}
}

var statusOf = map[want]int{NF: http.StatusNotFound, FB: http.StatusForbidden}

func checkResp(t *testing.T, r *testutil.Resp, w want) {
	t.Helper()
	if w == OK {
		if r.Status < 200 || r.Status > 299 {
			t.Fatalf("want success, got %d %s", r.Status, r.Body)
		}
		return
	}
	if r.Status != statusOf[w] || r.ErrCode() != string(w) {
		t.Fatalf("want %d %s, got %d %s", statusOf[w], w, r.Status, r.Body)
	}
}

// checkAudit: a success records the action's entry, a refusal nothing.
func checkAudit(t *testing.T, e *env, ac action, done bool, before int) {
	t.Helper()
	if !done {
		if after := e.head(t); after != before {
			t.Fatalf("a refused call wrote %d audit entries", after-before)
		}
		return
	}
	if ac.audit == "" {
		return
	}
	if n := e.count(t, `SELECT COUNT(*) FROM audit_log WHERE seq > $1 AND action = $2`, before, ac.audit); n == 0 {
		t.Fatalf("no %s entry", ac.audit)
	}
}

func TestPermissionMatrix(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		for _, ac := range actions() {
			t.Run(ac.name, func(t *testing.T) {
				for i, name := range who {
					t.Run(name, func(t *testing.T) {
						var x tgt
						if ac.prep != nil {
							x = ac.prep(t, e)
						}
						before := e.head(t)
						err := ac.svc(e, e.as(name), x)
						checkErr(t, err, ac.want[i])
						checkAudit(t, e, ac, ac.want[i] == OK, before)
						if ac.after != nil {
							ac.after(t, e, x, ac.want[i] == OK)
						}
					})
				}
			})
		}
	})
}

// The same table over HTTP, each user signed in.
func TestPermissionMatrixHTTP(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		srv := e.f.NewServer(t)
		clients := map[string]*testutil.Client{}
		for _, name := range who {
			clients[name] = srv.Login(t, name)
		}
		for _, ac := range actions() {
			t.Run(ac.name, func(t *testing.T) {
				for i, name := range who {
					t.Run(name, func(t *testing.T) {
						c := clients[name]
						c.T = t
						var x tgt
						if ac.prep != nil {
							x = ac.prep(t, e)
						}
						before := e.head(t)
						checkResp(t, ac.web(c, x), ac.want[i])
						checkAudit(t, e, ac, ac.want[i] == OK, before)
						if ac.after != nil {
							ac.after(t, e, x, ac.want[i] == OK)
						}
					})
				}
			})
		}
	})
}

func page() httpx.Page { return httpx.Page{Page: 1, Size: 20} }

func noticeIn(content string) tasks.ActionInput { return tasks.ActionInput{Content: content} }

func interviewIn(e *env) tasks.ActionInput {
	return tasks.ActionInput{Interviewee: "青石镇镇长", HeldOn: e.day(0), Content: "约谈"}
}
