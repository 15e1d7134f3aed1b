package patrol_test

import (
	"context"
	"testing"
	"time"

	"diaodu/internal/fire"
	"diaodu/internal/fire/patrol"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/db"
	"diaodu/internal/testutil"
)

// env is the fixture district (青石镇 → 张家村, 柳溪镇 → 河口村) with the
// patrol service, a squad of 青石镇 and a post in 张家村.
type env struct {
	f     *testutil.Fixture
	ctx   context.Context
	s     *patrol.Service
	squad *patrol.Squad
	post  *patrol.Post
	n     int
}

func newEnv(t testing.TB, d *db.DB) *env {
	t.Helper()
	e := &env{f: testutil.NewFixture(t, d), ctx: context.Background()}
	e.s = e.f.App.Patrol
	var err error
	e.squad, err = e.s.SaveSquad(e.ctx, e.as("qs_admin"), 0, patrol.SquadInput{Name: "青石镇骑巡小分队", Kind: "摩托车+小红旗",
		UnitID: e.unit("QS"), Members: []patrol.Member{{Name: "李四"}, {UserID: e.as("zj_field").UserID}}, AreaIDs: []int64{e.unit("QS-ZJ")}})
	if err != nil {
		t.Fatalf("squad: %v", err)
	}
	e.post, err = e.s.SavePost(e.ctx, e.as("qs_admin"), 0, patrol.PostInput{VillageID: e.unit("QS-ZJ"), Name: "张家村东山岗",
		Patrollers: []patrol.Member{{Name: "王五"}, {Name: "赵六"}}})
	if err != nil {
		t.Fatalf("post: %v", err)
	}
	return e
}

func ptr[T any](v T) *T { return &v }

func (e *env) as(name string) *auth.Actor { return e.f.Users[name] }
func (e *env) unit(code string) int64     { return e.f.Units[code].ID }
func (e *env) now() time.Time             { return e.f.Clock.Now().UTC() }
func (e *env) count(t testing.TB, q string, args ...any) int {
	return e.f.Count(t, q, args...)
}

// head is the audit chain's length: a bad input must not move it.
func (e *env) head(t testing.TB) int { return e.count(t, `SELECT seq FROM audit_head WHERE id = 1`) }

func (e *env) key() string {
	e.n++
	return "0b9e6a1c-key-" + string(rune('a'+e.n%26)) + time.Now().Format("150405.000000000")
}

// start starts a patrol at the post as zj_field, 30 minutes ago.
func (e *env) start(t testing.TB) *patrol.Patrol {
	t.Helper()
	p, created, err := e.s.CreatePatrol(e.ctx, e.as("zj_field"), patrol.PatrolInput{PostID: e.post.ID, StartedAt: ptr(e.now().Add(-30 * time.Minute)),
		ClientKey: e.key()})
	if err != nil || !created {
		t.Fatalf("start patrol: %v %v", created, err)
	}
	return p
}

func (e *env) warn(t testing.TB, level int, towns ...int64) {
	t.Helper()
	if _, err := e.f.App.Fire.IssueWarning(e.ctx, e.as("supervisor"), fire.WarningInput{Level: level, TownIDs: towns,
		ValidTo: ptr(e.now().Add(48 * time.Hour)), Text: "森林火险预警"}); err != nil {
		t.Fatalf("warning: %v", err)
	}
}

// wantCode is the shared check of a refusal's code and field.
var wantCode = testutil.WantCode
