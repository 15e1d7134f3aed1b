package safety_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/calendar"
	"diaodu/internal/platform/db"
	"diaodu/internal/platform/errs"
	"diaodu/internal/platform/httpx"
	"diaodu/internal/registry"
	"diaodu/internal/safety"
	"diaodu/internal/testutil"
)

// env is the fixture district with the safety service: an enterprise of
// 青石镇 supervised by 区发改局 (qs) and one of 柳溪镇 without a
// supervising unit (lx).
type env struct {
	f      *testutil.Fixture
	s      *safety.Service
	ctx    context.Context
	n      int
	qs, lx *registry.Enterprise
}

func newEnv(t testing.TB, d *db.DB) *env {
	t.Helper()
	f := testutil.NewFixture(t, d)
	e := &env{f: f, s: f.App.Safety, ctx: context.Background()}
	e.qs = e.enterprise(t, "QS", "FGJ", "hazchem")
	e.lx = e.enterprise(t, "LX", "", "transport")
	return e
}

func ptr[T any](v T) *T { return &v }

func (e *env) as(u string) *auth.Actor                       { return e.f.Users[u] }
func (e *env) unit(code string) int64                        { return e.f.Units[code].ID }
func (e *env) day(n int) calendar.Date                       { return calendar.DateOf(e.f.Clock.Now()).AddDays(n) }
func (e *env) advance(days int)                              { e.f.Clock.Advance(time.Duration(days) * 24 * time.Hour) }
func (e *env) head(t testing.TB) int                         { return e.count(t, `SELECT seq FROM audit_head WHERE id = 1`) }
func (e *env) count(t testing.TB, q string, args ...any) int { return e.f.Count(t, q, args...) }

func (e *env) enterprise(t testing.TB, town, sup, industry string) *registry.Enterprise {
	t.Helper()
	e.n++
	in := registry.EnterpriseInput{Name: ptr(fmt.Sprintf("测试安全企业%d有限公司", e.n)),
		CreditCode: ptr(registry.MakeCreditCode(fmt.Sprintf("91530102MA%07d", 100+e.n))), Industry: ptr(industry),
		TownID: ptr(e.unit(town)), ContactPhone: ptr("13812345678")}
	if sup != "" {
		in.SupervisingUnitID = ptr(e.unit(sup))
	}
	x, err := e.f.App.Registry.CreateEnterprise(e.ctx, e.as("admin"), in)
	if err != nil {
		t.Fatalf("enterprise: %v", err)
	}
	return x
}

// hazard files a general hazard on ent as the admin, due in 10 days.
func (e *env) hazard(t testing.TB, ent *registry.Enterprise, mods ...func(*safety.HazardInput)) *safety.HazardDetail {
	t.Helper()
	in := safety.HazardInput{EnterpriseID: ent.ID, Description: ptr("配电箱未接地，电线私拉乱接"), Deadline: ptr(e.day(10)),
		Measures: ptr("重新敷设线路并接地"), ResponsiblePerson: ptr("王安全"), Funds: ptr(0.5)}
	for _, m := range mods {
		m(&in)
	}
	h, created, err := e.s.CreateHazard(e.ctx, e.as("admin"), in)
	if err != nil || !created {
		t.Fatalf("hazard: %v %v", created, err)
	}
	return h
}

func major(in *safety.HazardInput) { in.Level = ptr(safety.LevelMajor) }

// photo uploads a small JPEG as user.
func (e *env) photo(t testing.TB, user string) int64 {
	t.Helper()
	p, err := e.s.UploadPhoto(e.ctx, e.as(user), "现场.jpg", bytes.NewReader(testutil.JPEG(t)))
	if err != nil {
		t.Fatalf("photo: %v", err)
	}
	return p.ID
}

var plan = safety.PlanInput{Goals: "消除隐患", Measures: "更换储罐阀门", Resources: "企业自筹20万元", People: "企业安全科",
	TimeLimits: "30日内完成", SafetySteps: "停用储罐、设置警戒", Emergency: "泄漏应急预案"}

// rectify takes a hazard to 待验收 as user.
func (e *env) rectify(t testing.TB, id int64, user string) {
	t.Helper()
	h, err := e.s.GetHazard(e.ctx, e.as(user), id)
	if err != nil {
		t.Fatal(err)
	}
	if h.Level == safety.LevelMajor && !h.HasPlan {
		if _, err := e.s.SavePlan(e.ctx, e.as(user), id, plan); err != nil {
			t.Fatalf("plan: %v", err)
		}
	}
	if h.Status == safety.StatusPending {
		if _, err := e.s.Start(e.ctx, e.as(user), id, ""); err != nil {
			t.Fatalf("start: %v", err)
		}
	}
	if _, err := e.s.Submit(e.ctx, e.as(user), id, safety.SubmitInput{Note: "已整改完毕", AfterPhotoIDs: []int64{e.photo(t, user)}}); err != nil {
		t.Fatalf("submit: %v", err)
	}
}

var statusOf = map[errs.Code]int{"": http.StatusOK, errs.NotFound: http.StatusNotFound, errs.Forbidden: http.StatusForbidden,
	errs.Validation: http.StatusUnprocessableEntity, errs.Conflict: http.StatusConflict}

func pageOf(n int) httpx.Page { return httpx.Page{Page: 1, Size: n} }
