package tasks_test

import (
	"bytes"
	"context"
	"strconv"
	"testing"
	"time"

	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/calendar"
	"diaodu/internal/platform/db"
	"diaodu/internal/tasks"
	"diaodu/internal/testutil"
)

// env is a fixture district with one meeting to take tasks from.
type env struct {
	f   *testutil.Fixture
	ctx context.Context
	s   *tasks.Service
	src int64
	n   int
}

func newEnv(t testing.TB, d *db.DB) *env {
	t.Helper()
	e := &env{f: testutil.NewFixture(t, d), ctx: context.Background()}
	e.s = e.f.App.Tasks
	src, err := e.s.SaveSource(e.ctx, e.as("supervisor"), 0, tasks.SourceInput{Kind: ptr(tasks.SourceMeeting),
		MeetingKind: ptr("dispatch"), Title: ptr("11月高质量发展重点工作调度会"), HeldOn: ptr(e.day(0)), Chair: ptr("区长")})
	if err != nil {
		t.Fatal(err)
	}
	e.src = src.ID
	return e
}

func ptr[T any](v T) *T { return &v }

func (e *env) as(name string) *auth.Actor { return e.f.Users[name] }
func (e *env) unit(code string) int64     { return e.f.Units[code].ID }

// day is the fixture's today plus n days.
func (e *env) day(n int) calendar.Date { return calendar.DateOf(e.f.Clock.Now()).AddDays(n) }

func id(n int64) string { return strconv.FormatInt(n, 10) }

// input is a valid one-off task for 青石镇 led by the leader, due in 30 days.
func (e *env) input(mods ...func(in *tasks.TaskInput)) tasks.TaskInput {
	e.n++
	in := tasks.TaskInput{SourceID: &e.src, Title: ptr("推进重点项目建设" + strconv.Itoa(e.n)), Requirements: ptr("完成主体工程"),
		Kind: ptr(tasks.KindOnce), ReportCycle: ptr("week"), LeaderIDs: &[]int64{e.as("leader").UserID}, LeadUnitID: ptr(e.unit("QS")),
		CoUnitIDs: &[]int64{e.unit("FGJ")}, Tags: &[]string{"项目建设"}, StartOn: ptr(e.day(0)), Deadline: ptr(e.day(30)), Issue: true}
	for _, m := range mods {
		m(&in)
	}
	return in
}

// task creates a task as the supervisor.
func (e *env) task(t testing.TB, mods ...func(in *tasks.TaskInput)) *tasks.Task {
	t.Helper()
	tk, err := e.s.Create(e.ctx, e.as("supervisor"), e.input(mods...))
	if err != nil {
		t.Fatalf("create task: %v", err)
	}
	return tk
}

// signed creates an issued task and signs it for 青石镇.
func (e *env) signed(t testing.TB, mods ...func(in *tasks.TaskInput)) *tasks.Task {
	t.Helper()
	tk := e.task(t, mods...)
	if err := e.s.Sign(e.ctx, e.as("qs_admin"), tk.ID); err != nil {
		t.Fatalf("sign: %v", err)
	}
	return tk
}

var pdf = []byte("%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n")

// upload attaches a PDF to the task as the user.
func (e *env) upload(t testing.TB, taskID int64, who string) int64 {
	t.Helper()
	f, err := e.f.App.Attachments.Upload(e.ctx, e.as(who), "task", id(taskID), "佐证材料.pdf", bytes.NewReader(pdf))
	if err != nil {
		t.Fatalf("upload: %v", err)
	}
	return f.ID
}

func (e *env) get(t testing.TB, taskID int64) *tasks.TaskDetail {
	t.Helper()
	d, err := e.s.Detail(e.ctx, e.as("supervisor"), taskID)
	if err != nil {
		t.Fatalf("detail: %v", err)
	}
	return d
}

// advance moves the fixed clock by whole days.
func (e *env) advance(days int) { e.f.Clock.Advance(time.Duration(days) * 24 * time.Hour) }

func (e *env) count(t testing.TB, q string, args ...any) int { return e.f.Count(t, q, args...) }

// head is the audit chain's length: a bad input must not move it.
func (e *env) head(t testing.TB) int { return e.count(t, `SELECT seq FROM audit_head WHERE id = 1`) }
