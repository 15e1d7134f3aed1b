package tasks_test

import (
	"strings"
	"testing"
	"time"

	"diaodu/internal/platform/db"
	"diaodu/internal/tasks"
	"diaodu/internal/testutil"
)

func num(v any) int64 { f, _ := v.(float64); return int64(f) }

// A task's life over HTTP as the browser drives it: create and issue,
// sign, report with a photo, turn red as the clock moves, remind, notice,
// request completion with evidence, return, report again, close.
func TestHTTPFlow(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		srv := e.f.NewServer(t)
		sup, qs, staff, leader := srv.Login(t, "supervisor"), srv.Login(t, "qs_admin"), srv.Login(t, "qs_staff"), srv.Login(t, "leader")

		r := sup.Do("POST", "/api/v1/tasks", map[string]any{"source_id": e.src, "title": "完成青石大道改造", "requirements": "12月底前通车",
			"kind": "periodic", "report_cycle": "week", "leader_ids": []int64{e.as("leader").UserID}, "lead_unit_id": e.unit("QS"),
			"co_unit_ids": []int64{e.unit("FGJ")}, "tags": []string{"项目建设"}, "start_on": "2026-11-26", "deadline": "2026-12-10",
			"milestones": []map[string]any{{"name": "路基完工", "due_on": "2026-12-04", "weight": 2}}})
		if r.Status != 201 || r.JSON()["status"] != "draft" || r.JSON()["number"] != "" {
			t.Fatalf("create: %d %s", r.Status, r.Body)
		}
		tid := num(r.JSON()["id"])
		p := "/api/v1/tasks/" + id(tid)
		if r := sup.Do("POST", p+"/issue", nil); r.Status != 200 || r.JSON()["number"] != "示督〔2026〕1号" {
			t.Fatalf("issue: %d %s", r.Status, r.Body)
		}
		if r := qs.Do("GET", p, nil); r.Status != 200 || !strings.Contains(string(r.Body), `"sign"`) {
			t.Fatalf("detail for the unit: %d %s", r.Status, r.Body)
		}
		if r := qs.Do("POST", p+"/sign", nil); r.Status != 200 || r.JSON()["status"] != "signed" {
			t.Fatalf("sign: %d %s", r.Status, r.Body)
		}
		photo := staff.Upload("/api/v1/files", map[string]string{"object_type": "task", "object_id": id(tid)}, "现场.pdf", pdf)
		if photo.Status != 201 {
			t.Fatalf("upload: %d %s", photo.Status, photo.Body)
		}
		r = staff.Do("POST", p+"/reports", map[string]any{"content": "路基施工过半", "percent": 40, "file_ids": []int64{num(photo.JSON()["id"])},
			"problems": "需协调电力线路迁改"})
		if r.Status != 201 || num(r.JSON()["percent"]) != 40 {
			t.Fatalf("report: %d %s", r.Status, r.Body)
		}

		// Ten days on (a Sunday) the milestone is past: red.
		e.advance(10)
		// Sessions lapsed meanwhile: sign in again.
		sup, qs, staff, leader = srv.Login(t, "supervisor"), srv.Login(t, "qs_admin"), srv.Login(t, "qs_staff"), srv.Login(t, "leader")
		if r := sup.Do("POST", "/api/v1/supervision/lights", nil); r.Status != 200 || num(r.JSON()["changed"]) == 0 {
			t.Fatalf("lights: %d %s", r.Status, r.Body)
		}
		r = sup.Do("GET", "/api/v1/tasks?light=red", nil)
		if r.Status != 200 || num(r.JSON()["total"]) != 1 {
			t.Fatalf("red list: %d %s", r.Status, r.Body)
		}
		if r := leader.Do("POST", p+"/reminders", map[string]any{"content": "请本周内完成"}); r.Status != 201 || r.JSON()["kind"] != "remind" {
			t.Fatalf("remind: %d %s", r.Status, r.Body)
		}
		r = sup.Do("POST", p+"/notices", map[string]any{"content": "请于3个工作日内书面说明原因并提出整改措施"})
		if r.Status != 201 || r.JSON()["number"] != "督办〔2026〕1号" {
			t.Fatalf("notice: %d %s", r.Status, r.Body)
		}
		doc, err := e.s.NoticeOf(e.ctx, e.as("qs_staff"), num(r.JSON()["id"]))
		if err != nil || doc.UnitName != "青石镇" || doc.TaskNumber != "示督〔2026〕1号" || !strings.HasPrefix(doc.Problem, "节点'路基完工'已超过计划日期") ||
			doc.OfficeName != "示范区委督查室" || doc.ReplyBy.IsZero() {
			t.Fatalf("notice document: %+v %v", doc, err)
		}
		if _, err := e.s.NoticeOf(e.ctx, e.as("lx_admin"), num(r.JSON()["id"])); err == nil {
			t.Fatal("another town reads the notice")
		}
		word := qs.Do("GET", "/api/v1/task-actions/"+id(num(r.JSON()["id"]))+"/document", nil)
		if word.Status != 200 || !strings.HasPrefix(string(word.Body), "PK") ||
			!strings.Contains(word.Header.Get("Content-Disposition"), "%E7%9D%A3%E5%8A%9E%E3%80%942026%E3%80%951%E5%8F%B7.docx") {
			t.Fatalf("notice as Word: %d %q %.80s", word.Status, word.Header.Get("Content-Disposition"), word.Body)
		}
		if r := srv.Login(t, "lx_admin").Do("GET", "/api/v1/task-actions/"+id(num(r.JSON()["id"]))+"/document", nil); r.Status != 404 {
			t.Fatalf("another town downloads the notice: %d", r.Status)
		}
		if r := sup.Do("POST", p+"/interviews", map[string]any{"interviewee": "青石镇镇长", "held_on": "2026-12-06", "content": "约谈要求加快进度"}); r.Status != 201 {
			t.Fatalf("interview: %d %s", r.Status, r.Body)
		}

		// Completion with evidence; returned once, then closed.
		ev := qs.Upload("/api/v1/files", map[string]string{"object_type": "task", "object_id": id(tid)}, "竣工验收.pdf", pdf)
		if r := qs.Do("POST", p+"/completion", map[string]any{"summary": "已通车", "file_ids": []int64{}}); r.Status != 422 || r.Field("file_ids") == "" {
			t.Fatalf("completion without evidence: %d %s", r.Status, r.Body)
		}
		if r := qs.Do("POST", p+"/completion", map[string]any{"summary": "已通车", "file_ids": []int64{num(ev.JSON()["id"])}}); r.Status != 200 ||
			r.JSON()["status"] != "requested" {
			t.Fatalf("completion: %d %s", r.Status, r.Body)
		}
		if r := sup.Do("POST", p+"/return", map[string]any{}); r.Status != 422 || r.Field("reason") == "" {
			t.Fatalf("return without reason: %d %s", r.Status, r.Body)
		}
		if r := sup.Do("POST", p+"/return", map[string]any{"reason": "缺少验收报告"}); r.Status != 200 || r.JSON()["status"] != "returned" {
			t.Fatalf("return: %d %s", r.Status, r.Body)
		}
		if r := staff.Do("POST", p+"/reports", map[string]any{"content": "补充验收报告", "percent": 100}); r.Status != 201 {
			t.Fatalf("report after return: %d %s", r.Status, r.Body)
		}
		if r := qs.Do("POST", p+"/completion", map[string]any{"summary": "已补充", "file_ids": []int64{num(ev.JSON()["id"])}}); r.Status != 200 {
			t.Fatalf("second completion: %d %s", r.Status, r.Body)
		}
		r = sup.Do("POST", p+"/close", map[string]any{"note": "同意销号"})
		if r.Status != 200 || r.JSON()["status"] != "closed" || r.JSON()["closed_on_time"] != true {
			t.Fatalf("close: %d %s", r.Status, r.Body)
		}
		r = sup.Do("GET", p, nil)
		body := r.JSON()
		if len(body["completions"].([]any)) != 2 || len(body["actions"].([]any)) != 3 || len(body["files"].([]any)) != 2 ||
			len(body["reports"].([]any)) != 2 || len(body["can"].([]any)) != 0 {
			t.Fatalf("closed task: %s", r.Body)
		}
		if r := staff.Do("POST", p+"/reports", map[string]any{"content": "x", "percent": 100}); r.Status != 409 {
			t.Fatalf("report on closed: %d %s", r.Status, r.Body)
		}
		// Home, my work and the Gantt view answer for every role.
		for _, c := range []*testutil.Client{sup, qs, staff, leader} {
			for _, path := range []string{"/api/v1/supervision/home", "/api/v1/supervision/my-work", "/api/v1/supervision/gantt",
				"/api/v1/task-coordination?status=open", "/api/v1/task-sources"} {
				if r := c.Do("GET", path, nil); r.Status != 200 {
					t.Fatalf("%s: %d %s", path, r.Status, r.Body)
				}
			}
		}
	})
}

// Editing: drafts freely, issued tasks in the trail with before and after;
// milestones keep their ids and done dates.
func TestUpdate(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		tk := e.signed(t, func(in *tasks.TaskInput) {
			in.Milestones = &[]tasks.MilestoneInput{{Name: "开工", DueOn: e.day(5)}, {Name: "完工", DueOn: e.day(20)}}
		})
		ms := e.get(t, tk.ID).Milestones
		if err := e.s.MarkMilestone(e.ctx, e.as("qs_admin"), tk.ID, ms[0].ID, e.day(0)); err != nil {
			t.Fatal(err)
		}
		got, err := e.s.Update(e.ctx, e.as("supervisor"), tk.ID, tasks.TaskInput{Title: ptr("改名"), Tags: &[]string{"新标签"},
			CoUnitIDs: &[]int64{e.unit("LX")}, Milestones: &[]tasks.MilestoneInput{{ID: ms[0].ID, Name: "开工仪式", DueOn: e.day(5)},
				{Name: "验收", DueOn: e.day(25)}}})
		if err != nil {
			t.Fatal(err)
		}
		d2 := e.get(t, tk.ID)
		if got.Title != "改名" || len(d2.Milestones) != 2 || d2.Milestones[0].ID != ms[0].ID || d2.Milestones[0].DoneOn.IsZero() ||
			d2.Milestones[1].Name != "验收" || d2.CoUnits[0].Name != "柳溪镇" || d2.Tags[0] != "新标签" || d2.Number != tk.Number {
			t.Fatalf("after update: %+v %+v", d2.Task, d2.Milestones)
		}
		if n := e.count(t, `SELECT COUNT(*) FROM audit_log WHERE action = 'task.update' AND before_json LIKE '%推进重点项目建设%'
			AND after_json LIKE '%改名%'`); n != 1 {
			t.Fatal("update not in the trail with before and after")
		}
		// The co-unit now sees it; the former one no longer does.
		if _, err := e.s.Get(e.ctx, e.as("lx_admin"), tk.ID); err != nil {
			t.Fatalf("new co-unit: %v", err)
		}
		if _, err := e.s.Get(e.ctx, e.as("fgj_staff"), tk.ID); err == nil {
			t.Fatal("former co-unit still sees the task")
		}
		e.refused(t, "validation", "milestones", func() error {
			_, err := e.s.Update(e.ctx, e.as("supervisor"), tk.ID, tasks.TaskInput{Milestones: &[]tasks.MilestoneInput{{ID: 9999, Name: "x", DueOn: e.day(3)}}})
			return err
		})
		e.refused(t, "validation", "deadline", func() error {
			_, err := e.s.Update(e.ctx, e.as("supervisor"), tk.ID, tasks.TaskInput{Deadline: ptr(e.day(-5))})
			return err
		})
	})
}

func TestSourcesAndSettings(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		c := e.f.NewServer(t).Login(t, "supervisor")
		if r := c.Do("POST", "/api/v1/task-sources", map[string]any{"kind": "instruction", "title": "关于森林防火的批示", "held_on": "2026-11-20"}); r.Status != 422 ||
			r.Field("leader_id") == "" {
			t.Fatalf("instruction without leader: %d %s", r.Status, r.Body)
		}
		if r := c.Do("POST", "/api/v1/task-sources", map[string]any{"kind": "meeting", "meeting_kind": "party", "title": "会", "held_on": "2026-11-20"}); r.Status != 422 ||
			r.Field("meeting_kind") == "" {
			t.Fatalf("bad meeting kind: %d %s", r.Status, r.Body)
		}
		r := c.Do("POST", "/api/v1/task-sources", map[string]any{"kind": "instruction", "title": "关于森林防火的批示", "held_on": "2026-11-20",
			"leader_id": e.as("leader").UserID, "body": "务必高度重视"})
		if r.Status != 201 || r.JSON()["leader_name"] != "测试leader" || num(r.JSON()["year"]) != 2026 {
			t.Fatalf("instruction: %d %s", r.Status, r.Body)
		}
		sid := num(r.JSON()["id"])
		if r := c.Do("PATCH", "/api/v1/task-sources/"+id(sid), map[string]any{"title": "关于秋冬季森林防火的批示"}); r.Status != 200 {
			t.Fatalf("patch: %d %s", r.Status, r.Body)
		}
		// A source with tasks stays.
		e.task(t)
		if r := c.Do("DELETE", "/api/v1/task-sources/"+id(e.src), nil); r.Status != 409 {
			t.Fatalf("delete a used source: %d %s", r.Status, r.Body)
		}
		if r := c.Do("DELETE", "/api/v1/task-sources/"+id(sid), nil); r.Status != 204 {
			t.Fatalf("delete: %d %s", r.Status, r.Body)
		}
		r = c.Do("GET", "/api/v1/task-sources?kind=meeting", nil)
		if r.Status != 200 || num(r.JSON()["total"]) != 1 || num(r.JSON()["items"].([]any)[0].(map[string]any)["task_count"]) != 1 {
			t.Fatalf("sources: %d %s", r.Status, r.Body)
		}

		// Settings: partial PUT keeps the rest; bad values name the field.
		if r := c.Do("PUT", "/api/v1/supervision/settings", map[string]any{"remind_at": "25:00", "lag_percent": 0}); r.Status != 422 ||
			r.Field("remind_at") == "" || r.Field("lag_percent") == "" {
			t.Fatalf("bad settings: %d %s", r.Status, r.Body)
		}
		r = c.Do("PUT", "/api/v1/supervision/settings", map[string]any{"number_prefix": "区督", "warn_days": 5})
		if r.Status != 200 || r.JSON()["number_prefix"] != "区督" || num(r.JSON()["sign_days"]) != 1 || r.JSON()["remind_at"] != "09:00" {
			t.Fatalf("settings: %d %s", r.Status, r.Body)
		}
		if tk := e.task(t); tk.Number != "区督〔2026〕2号" {
			t.Fatalf("number with the new prefix: %s", tk.Number)
		}
		if n := e.count(t, `SELECT COUNT(*) FROM audit_log WHERE action = 'tasks.settings'`); n != 1 {
			t.Fatalf("%d settings entries", n)
		}
	})
}

// Concurrent creates never collide on numbers, on either database.
func TestConcurrentNumbers(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		// Another actor's creates run beside the supervisor's batches.
		admin := e.as("admin")
		const n = 40
		errc := make(chan error, n)
		for i := range n {
			go func() {
				who := e.as("supervisor")
				if i%3 == 0 {
					who = admin
				}
				_, err := e.s.Create(e.ctx, who, e.inputN(i))
				errc <- err
			}()
		}
		deadline := time.After(60 * time.Second)
		for range n {
			select {
			case err := <-errc:
				if err != nil {
					t.Fatal(err)
				}
			case <-deadline:
				t.Fatal("creates hang")
			}
		}
		if got := e.count(t, `SELECT COUNT(DISTINCT number) FROM tasks`); got != n {
			t.Fatalf("%d distinct numbers for %d tasks", got, n)
		}
		if got := e.count(t, `SELECT MAX(seq) FROM tasks`); got != n {
			t.Fatalf("numbers run to %d for %d tasks", got, n)
		}
		if got := e.count(t, `SELECT COUNT(*) FROM audit_log WHERE action = 'task.create'`); got != n {
			t.Fatalf("%d create entries", got)
		}
		if got := e.count(t, `SELECT COUNT(*) FROM audit_log WHERE action = 'task.create' AND username = 'admin'`); got != (n+2)/3 {
			t.Fatalf("admin's creates attributed to someone else: %d", got)
		}
	})
}

// inputN is input() with a title that does not depend on shared counters
// (for goroutines).
func (e *env) inputN(i int) tasks.TaskInput {
	title := "并发任务" + id(int64(i))
	return tasks.TaskInput{SourceID: &e.src, Title: &title, Kind: ptr(tasks.KindOnce), LeadUnitID: ptr(e.unit("QS")),
		StartOn: ptr(e.day(0)), Deadline: ptr(e.day(30)), Issue: true}
}
