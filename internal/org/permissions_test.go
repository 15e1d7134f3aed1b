package org_test

import (
	"fmt"
	"strconv"
	"testing"

	"diaodu/internal/account"
	"diaodu/internal/org"
	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/db"
	"diaodu/internal/platform/httpx"
	"diaodu/internal/testutil"
)

// tgt is what an action works on: made fresh by prep so the users of a
// row do not disturb each other.
type tgt struct {
	id, to int64
	name   string
}

type action struct {
	name  string
	prep  func(t *testing.T, e *env) tgt
	svc   func(e *env, a *auth.Actor, x tgt) error       // nil: HTTP only
	web   func(c *testutil.Client, x tgt) *testutil.Resp // nil: service only
	audit string                                         // entry a success records; "" for reads
	after func(t *testing.T, e *env, x tgt, done bool)   // the effect happened (done) or nothing changed
	want  row
}

// Frequent rows.
var (
	// object in 青石镇 but outside 张家村
	manageQS = row{OK, FB, FB, OK, FB, NF, FB, NF, NF}
	// object in 张家村 (zj_field sees it but may not manage it)
	manageZJ = row{OK, FB, FB, OK, FB, FB, FB, NF, NF}
	// object in 柳溪镇
	manageLX  = row{OK, FB, FB, NF, NF, NF, FB, OK, NF}
	adminOnly = row{OK, FB, FB, FB, FB, FB, FB, FB, FB}
	auditView = row{OK, OK, FB, OK, FB, FB, FB, OK, FB}
)

func id(n int64) string { return strconv.FormatInt(n, 10) }

func fixed(code string) func(t *testing.T, e *env) tgt {
	return func(t *testing.T, e *env) tgt { return tgt{id: e.unit(code)} }
}

func fixedUser(name string) func(t *testing.T, e *env) tgt {
	return func(t *testing.T, e *env) tgt { return tgt{id: e.f.Users[name].UserID} }
}

func freshUnit(parent string) func(t *testing.T, e *env) tgt {
	return func(t *testing.T, e *env) tgt { return tgt{id: e.newUnit(t, e.unit(parent), org.KindVillage).ID} }
}

func freshUser(unit, role string) func(t *testing.T, e *env) tgt {
	return func(t *testing.T, e *env) tgt { return tgt{id: e.newUser(t, e.unit(unit), role, "13912345678").ID} }
}

func newName(parent string) func(t *testing.T, e *env) tgt {
	return func(t *testing.T, e *env) tgt { return tgt{id: e.unit(parent), name: e.next("N")} }
}

func getUnit(e *env, a *auth.Actor, x tgt) error {
	_, err := e.f.App.Org.GetUnit(e.ctx, a, x.id)
	return err
}
func webGetUnit(c *testutil.Client, x tgt) *testutil.Resp {
	return c.Do("GET", "/api/v1/units/"+id(x.id), nil)
}
func getUser(e *env, a *auth.Actor, x tgt) error {
	_, err := e.f.App.Org.GetUser(e.ctx, a, x.id)
	return err
}
func webGetUser(c *testutil.Client, x tgt) *testutil.Resp {
	return c.Do("GET", "/api/v1/users/"+id(x.id), nil)
}

func createVillage(e *env, a *auth.Actor, x tgt) error {
	_, err := e.f.App.Org.CreateUnit(e.ctx, a, org.UnitInput{ParentID: &x.id, Code: &x.name, Name: ptr("新村" + x.name),
		Kind: ptr(org.KindVillage)})
	return err
}
func webCreateVillage(c *testutil.Client, x tgt) *testutil.Resp {
	return c.Do("POST", "/api/v1/units", map[string]any{"parent_id": x.id, "code": x.name, "name": "新村" + x.name, "kind": "village"})
}
func unitCreated(t *testing.T, e *env, x tgt, done bool) {
	t.Helper()
	if n := e.count(t, `SELECT COUNT(*) FROM units WHERE code = $1`, x.name); n != b2i(done) {
		t.Fatalf("units with code %s: %d, want %d", x.name, n, b2i(done))
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func setShortName(e *env, a *auth.Actor, x tgt) error {
	_, err := e.f.App.Org.UpdateUnit(e.ctx, a, x.id, org.UnitInput{ShortName: &x.name})
	return err
}
func webSetShortName(c *testutil.Client, x tgt) *testutil.Resp {
	return c.Do("PATCH", "/api/v1/units/"+id(x.id), map[string]any{"short_name": x.name})
}
func shortNameSet(t *testing.T, e *env, x tgt, done bool) {
	t.Helper()
	var s string
	e.query(t, &s, `SELECT short_name FROM units WHERE id = $1`, x.id)
	if (s == x.name) != done {
		t.Fatalf("short name %q after the update (done=%v, sent %q)", s, done, x.name)
	}
}

func deactivate(e *env, a *auth.Actor, x tgt) error {
	_, err := e.f.App.Org.UpdateUnit(e.ctx, a, x.id, org.UnitInput{Active: ptr(false)})
	return err
}
func webDeactivate(c *testutil.Client, x tgt) *testutil.Resp {
	return c.Do("PATCH", "/api/v1/units/"+id(x.id), map[string]any{"active": false})
}
func deactivated(t *testing.T, e *env, x tgt, done bool) {
	t.Helper()
	var active bool
	e.query(t, &active, `SELECT active FROM units WHERE id = $1`, x.id)
	if active == done {
		t.Fatalf("active = %v after deactivation (done=%v)", active, done)
	}
}

func move(e *env, a *auth.Actor, x tgt) error {
	_, err := e.f.App.Org.UpdateUnit(e.ctx, a, x.id, org.UnitInput{ParentID: &x.to})
	return err
}
func webMove(c *testutil.Client, x tgt) *testutil.Resp {
	return c.Do("PATCH", "/api/v1/units/"+id(x.id), map[string]any{"parent_id": x.to})
}
func moved(t *testing.T, e *env, x tgt, done bool) {
	t.Helper()
	var parent int64
	var path, parentPath string
	e.query(t, &parent, `SELECT parent_id FROM units WHERE id = $1`, x.id)
	e.query(t, &path, `SELECT path FROM units WHERE id = $1`, x.id)
	e.query(t, &parentPath, `SELECT path FROM units WHERE id = $1`, parent)
	if (parent == x.to) != done {
		t.Fatalf("parent %d after moving under %d (done=%v)", parent, x.to, done)
	}
	if path != parentPath+id(x.id)+"/" {
		t.Fatalf("path %q does not follow the parent's %q", path, parentPath)
	}
	// Children follow their parent.
	rows, err := e.f.App.DB.R.QueryContext(e.ctx, `SELECT id, path FROM units WHERE parent_id = $1`, x.id)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var cid int64
		var cpath string
		if err := rows.Scan(&cid, &cpath); err != nil {
			t.Fatal(err)
		}
		if cpath != path+id(cid)+"/" {
			t.Fatalf("child path %q under %q", cpath, path)
		}
	}
}

func deleteUnit(e *env, a *auth.Actor, x tgt) error { return e.f.App.Org.DeleteUnit(e.ctx, a, x.id) }
func webDeleteUnit(c *testutil.Client, x tgt) *testutil.Resp {
	return c.Do("DELETE", "/api/v1/units/"+id(x.id), nil)
}
func unitGone(t *testing.T, e *env, x tgt, done bool) {
	t.Helper()
	if n := e.count(t, `SELECT COUNT(*) FROM units WHERE id = $1`, x.id); n != 1-b2i(done) {
		t.Fatalf("unit %d: %d rows after delete (done=%v)", x.id, n, done)
	}
}

func createUser(unit, role string) action {
	return action{
		prep: func(t *testing.T, e *env) tgt { return tgt{id: e.unit(unit), name: e.next("new")} },
		svc: func(e *env, a *auth.Actor, x tgt) error {
			_, pw, err := e.f.App.Org.CreateUser(e.ctx, a, org.UserInput{Username: &x.name, RealName: ptr("新人"),
				UnitID: &x.id, Roles: &[]string{role}})
			if err == nil && auth.CheckPolicy(pw) != nil {
				return fmt.Errorf("generated password %q breaks the policy", pw)
			}
			return err
		},
		web: func(c *testutil.Client, x tgt) *testutil.Resp {
			return c.Do("POST", "/api/v1/users", map[string]any{"username": x.name, "real_name": "新人", "unit_id": x.id,
				"roles": []string{role}})
		},
		audit: "user.create",
		after: func(t *testing.T, e *env, x tgt, done bool) {
			t.Helper()
			if n := e.count(t, `SELECT COUNT(*) FROM users WHERE username = $1 AND must_change_password = TRUE`, x.name); n != b2i(done) {
				t.Fatalf("users named %s: %d (done=%v)", x.name, n, done)
			}
		},
	}
}

func updateUser(in func(x tgt) org.UserInput, body func(x tgt) map[string]any) (func(*env, *auth.Actor, tgt) error, func(*testutil.Client, tgt) *testutil.Resp) {
	return func(e *env, a *auth.Actor, x tgt) error {
			_, err := e.f.App.Org.UpdateUser(e.ctx, a, x.id, in(x))
			return err
		}, func(c *testutil.Client, x tgt) *testutil.Resp {
			return c.Do("PATCH", "/api/v1/users/"+id(x.id), body(x))
		}
}

func resetPassword(e *env, a *auth.Actor, x tgt) error {
	pw, err := e.f.App.Org.ResetPassword(e.ctx, a, x.id, "")
	if err == nil && auth.CheckPolicy(pw) != nil {
		return fmt.Errorf("generated password %q breaks the policy", pw)
	}
	return err
}
func webResetPassword(c *testutil.Client, x tgt) *testutil.Resp {
	return c.Do("PUT", "/api/v1/users/"+id(x.id)+"/password", map[string]any{})
}
func passwordReset(t *testing.T, e *env, x tgt, done bool) {
	t.Helper()
	var hash string
	e.query(t, &hash, `SELECT password_hash FROM users WHERE id = $1`, x.id)
	if auth.CheckPassword(hash, testutil.Password) == done {
		t.Fatalf("old password still works = %v after reset (done=%v)", !done, done)
	}
}

func lock(locked bool) (func(*env, *auth.Actor, tgt) error, func(*testutil.Client, tgt) *testutil.Resp, func(*testing.T, *env, tgt, bool)) {
	method := "DELETE"
	if locked {
		method = "PUT"
	}
	return func(e *env, a *auth.Actor, x tgt) error { return e.f.App.Org.SetLocked(e.ctx, a, x.id, locked) },
		func(c *testutil.Client, x tgt) *testutil.Resp {
			return c.Do(method, "/api/v1/users/"+id(x.id)+"/lock", nil)
		},
		func(t *testing.T, e *env, x tgt, done bool) {
			t.Helper()
			var got bool
			e.query(t, &got, `SELECT locked FROM users WHERE id = $1`, x.id)
			if want := locked == done; got != want {
				t.Fatalf("locked = %v, want %v", got, want)
			}
		}
}

// lockedUser makes a user the system has locked.
func lockedUser(unit string) func(t *testing.T, e *env) tgt {
	return func(t *testing.T, e *env) tgt {
		u := e.newUser(t, e.unit(unit), "staff", "")
		if err := e.f.App.Org.SetLocked(e.ctx, system, u.ID, true); err != nil {
			t.Fatal(err)
		}
		return tgt{id: u.ID}
	}
}

// signedInUser makes a user with one open session.
func signedInUser(unit string) func(t *testing.T, e *env) tgt {
	return func(t *testing.T, e *env) tgt {
		u := e.newUser(t, e.unit(unit), "staff", "")
		if _, err := e.f.App.Account.SignIn(e.ctx, u.Username, testutil.Password, "10.0.0.9", "test"); err != nil {
			t.Fatal(err)
		}
		return tgt{id: u.ID}
	}
}

func endSessions(e *env, a *auth.Actor, x tgt) error { return e.f.App.Org.EndSessions(e.ctx, a, x.id) }
func webEndSessions(c *testutil.Client, x tgt) *testutil.Resp {
	return c.Do("DELETE", "/api/v1/users/"+id(x.id)+"/sessions", nil)
}
func sessionsEnded(t *testing.T, e *env, x tgt, done bool) {
	t.Helper()
	if n := e.count(t, `SELECT COUNT(*) FROM sessions WHERE user_id = $1`, x.id); n != 1-b2i(done) {
		t.Fatalf("%d sessions left (done=%v)", n, done)
	}
}

func viewPhone(e *env, a *auth.Actor, x tgt) error {
	p, err := e.f.App.Org.UserPhone(e.ctx, a, x.id)
	if err == nil && p != "13912345678" {
		return fmt.Errorf("phone %q", p)
	}
	return err
}
func webViewPhone(c *testutil.Client, x tgt) *testutil.Resp {
	r := c.Do("GET", "/api/v1/users/"+id(x.id)+"/phone", nil)
	if r.Status == 200 && r.JSON()["phone"] != "13912345678" {
		c.T.Fatalf("phone answer %s", r.Body)
	}
	return r
}

func newToken(t *testing.T, e *env) tgt {
	tok, _, err := e.f.App.Account.CreateToken(e.ctx, e.f.Users["admin"], account.TokenInput{Name: "对接", Role: "staff",
		UnitID: e.unit("QS")})
	if err != nil {
		t.Fatal(err)
	}
	return tgt{id: tok.ID}
}

// actions is the matrix. Each want row lists the outcome per column:
//
//	admin  supervisor  leader  qs_admin  qs_staff  zj_field  judge  lx_admin  fgj_staff
//
// OK success, NF 404 not_found (out of scope: existence does not leak),
// FB 403 forbidden (in scope, role lacks the right), V(field) 422, CF 409.
func actions() []action {
	grant := func(role string) action {
		a := createUser("QS", role)
		a.name = "create user in 青石镇 with role " + role
		a.want = row{OK, FB, FB, V("roles"), FB, FB, FB, V("unit_id"), FB}
		return a
	}
	withName := func(a action, name string, w row) action { a.name, a.want = name, w; return a }
	lockSvc, lockWeb, lockAfter := lock(true)
	unlockSvc, unlockWeb, unlockAfter := lock(false)
	posSvc, posWeb := updateUser(func(x tgt) org.UserInput { return org.UserInput{Position: ptr("主任")} },
		func(tgt) map[string]any { return map[string]any{"position": "主任"} })
	toLXSvc, toLXWeb := updateUser(func(x tgt) org.UserInput { return org.UserInput{UnitID: &x.to} },
		func(x tgt) map[string]any { return map[string]any{"unit_id": x.to} })
	adminSvc, adminWeb := updateUser(func(x tgt) org.UserInput { return org.UserInput{Roles: &[]string{"admin"}} },
		func(tgt) map[string]any { return map[string]any{"roles": []string{"admin"}} })
	fieldOf := func(x tgt, col string) string { return "SELECT " + col + " FROM users WHERE id = " + id(x.id) }

	return []action{
		// Reading units and users: out of scope is 404, never 403.
		{name: "get unit 张家村", prep: fixed("QS-ZJ"), svc: getUnit, web: webGetUnit,
			want: row{OK, OK, OK, OK, OK, OK, OK, NF, NF}},
		{name: "get unit 河口村", prep: fixed("LX-HK"), svc: getUnit, web: webGetUnit,
			want: row{OK, OK, OK, NF, NF, NF, OK, OK, NF}},
		{name: "get unit 示范区", prep: fixed("D"), svc: getUnit, web: webGetUnit,
			want: row{OK, OK, OK, NF, NF, NF, OK, NF, NF}},
		{name: "get user qs_staff", prep: fixedUser("qs_staff"), svc: getUser, web: webGetUser,
			want: row{OK, OK, OK, OK, OK, NF, OK, NF, NF}},
		{name: "get user lx_admin", prep: fixedUser("lx_admin"), svc: getUser, web: webGetUser,
			want: row{OK, OK, OK, NF, NF, NF, OK, OK, NF}},

		// Creating units: only under a parent in scope.
		{name: "create unit under 青石镇", prep: newName("QS"), svc: createVillage, web: webCreateVillage,
			audit: "unit.create", after: unitCreated, want: row{OK, FB, FB, OK, FB, FB, FB, V("parent_id"), FB}},
		{name: "create unit under 柳溪镇", prep: newName("LX"), svc: createVillage, web: webCreateVillage,
			audit: "unit.create", after: unitCreated, want: row{OK, FB, FB, V("parent_id"), FB, FB, FB, OK, FB}},
		{name: "create top-level unit",
			prep: func(t *testing.T, e *env) tgt { return tgt{name: e.next("R")} },
			svc: func(e *env, a *auth.Actor, x tgt) error {
				_, err := e.f.App.Org.CreateUnit(e.ctx, a, org.UnitInput{Code: &x.name, Name: ptr("新区"), Kind: ptr(org.KindDistrict)})
				return err
			},
			web: func(c *testutil.Client, x tgt) *testutil.Resp {
				return c.Do("POST", "/api/v1/units", map[string]any{"code": x.name, "name": "新区", "kind": "district"})
			},
			audit: "unit.create", after: unitCreated, want: row{OK, FB, FB, V("parent_id"), FB, FB, FB, V("parent_id"), FB}},

		// Editing units: in scope, and never a unit administrator's own unit.
		{name: "update 张家村", prep: newName("QS-ZJ"), svc: setShortName, web: webSetShortName,
			audit: "unit.update", after: shortNameSet, want: manageZJ},
		{name: "update 青石镇 (qs_admin's own unit)", prep: newName("QS"), svc: setShortName, web: webSetShortName,
			audit: "unit.update", after: shortNameSet, want: row{OK, FB, FB, FB, FB, NF, FB, NF, NF}},
		{name: "update 柳溪镇 (lx_admin's own unit)", prep: newName("LX"), svc: setShortName, web: webSetShortName,
			audit: "unit.update", after: shortNameSet, want: row{OK, FB, FB, NF, NF, NF, FB, FB, NF}},
		{name: "deactivate a unit in 青石镇", prep: freshUnit("QS"), svc: deactivate, web: webDeactivate,
			audit: "unit.deactivate", after: deactivated, want: manageQS},
		{name: "deactivate a unit in 柳溪镇", prep: freshUnit("LX"), svc: deactivate, web: webDeactivate,
			audit: "unit.deactivate", after: deactivated, want: manageLX},
		{name: "move within 青石镇",
			prep: func(t *testing.T, e *env) tgt {
				v := e.newUnit(t, e.unit("QS"), org.KindVillage)
				e.newUnit(t, v.ID, org.KindTaskforce) // a child that must follow
				return tgt{id: v.ID, to: e.newUnit(t, e.unit("QS"), org.KindVillage).ID}
			},
			svc: move, web: webMove, audit: "unit.move", after: moved, want: manageQS},
		{name: "move from 青石镇 to 柳溪镇",
			prep: func(t *testing.T, e *env) tgt {
				return tgt{id: e.newUnit(t, e.unit("QS"), org.KindVillage).ID, to: e.unit("LX")}
			},
			svc: move, web: webMove, audit: "unit.move", after: moved,
			want: row{OK, FB, FB, V("parent_id"), FB, NF, FB, NF, NF}},
		{name: "move under its own descendant",
			prep: func(t *testing.T, e *env) tgt {
				v := e.newUnit(t, e.unit("QS"), org.KindVillage)
				return tgt{id: v.ID, to: e.newUnit(t, v.ID, org.KindTaskforce).ID}
			},
			svc: move, web: webMove, audit: "unit.move", after: moved,
			want: row{V("parent_id"), FB, FB, V("parent_id"), FB, NF, FB, NF, NF}},
		{name: "delete an empty unit in 青石镇", prep: freshUnit("QS"), svc: deleteUnit, web: webDeleteUnit,
			audit: "unit.delete", after: unitGone, want: manageQS},
		{name: "delete 张家村 (has users)", prep: fixed("QS-ZJ"), svc: deleteUnit, web: webDeleteUnit,
			audit: "unit.delete", after: unitGone, want: row{CF, FB, FB, CF, FB, FB, FB, NF, NF}},
		{name: "create unit group", prep: func(t *testing.T, e *env) tgt { return tgt{name: e.next("G")} },
			svc: func(e *env, a *auth.Actor, x tgt) error {
				_, err := e.f.App.Org.SaveGroup(e.ctx, a, 0, org.GroupInput{Name: ptr("一组"), Code: &x.name})
				return err
			},
			web: func(c *testutil.Client, x tgt) *testutil.Resp {
				return c.Do("POST", "/api/v1/unit-groups", map[string]any{"name": "一组", "code": x.name})
			},
			audit: "group.create", want: adminOnly},

		// Users: created only in scope, district roles only by an administrator.
		withName(createUser("QS", "staff"), "create user in 青石镇", row{OK, FB, FB, OK, FB, FB, FB, V("unit_id"), FB}),
		withName(createUser("LX-HK", "field"), "create user in 河口村", row{OK, FB, FB, V("unit_id"), FB, FB, FB, OK, FB}),
		withName(createUser("QS-ZJ", "unit_admin"), "create unit_admin of 张家村", row{OK, FB, FB, OK, FB, FB, FB, V("unit_id"), FB}),
		grant("admin"), grant("supervisor"), grant("leader"),
		{name: "update user in 张家村", prep: freshUser("QS-ZJ", "field"), svc: posSvc, web: posWeb, audit: "user.update",
			after: func(t *testing.T, e *env, x tgt, done bool) {
				var p string
				e.query(t, &p, fieldOf(x, "position"))
				if (p == "主任") != done {
					t.Fatalf("position %q (done=%v)", p, done)
				}
			}, want: manageZJ},
		{name: "move user to 柳溪镇",
			prep: func(t *testing.T, e *env) tgt {
				return tgt{id: e.newUser(t, e.unit("QS"), "staff", "").ID, to: e.unit("LX")}
			},
			svc: toLXSvc, web: toLXWeb, audit: "user.update",
			after: func(t *testing.T, e *env, x tgt, done bool) {
				var u int64
				e.query(t, &u, fieldOf(x, "unit_id"))
				if (u == x.to) != done {
					t.Fatalf("unit %d (done=%v)", u, done)
				}
			}, want: row{OK, FB, FB, V("unit_id"), FB, NF, FB, NF, NF}},
		{name: "grant admin role by update", prep: freshUser("QS", "staff"), svc: adminSvc, web: adminWeb, audit: "user.update",
			after: func(t *testing.T, e *env, x tgt, done bool) {
				var r string
				e.query(t, &r, fieldOf(x, "roles"))
				if (r == "admin") != done {
					t.Fatalf("roles %q (done=%v)", r, done)
				}
			}, want: row{OK, FB, FB, V("roles"), FB, NF, FB, NF, NF}},
		{name: "reset password in 张家村", prep: freshUser("QS-ZJ", "field"), svc: resetPassword, web: webResetPassword,
			audit: "user.reset_password", after: passwordReset, want: manageZJ},
		{name: "reset password in 柳溪镇", prep: freshUser("LX", "staff"), svc: resetPassword, web: webResetPassword,
			audit: "user.reset_password", after: passwordReset, want: manageLX},
		{name: "reset password of a leader placed in 青石镇", prep: freshUser("QS", "leader"), svc: resetPassword,
			web: webResetPassword, audit: "user.reset_password", after: passwordReset,
			want: row{OK, FB, FB, FB, FB, NF, FB, NF, NF}},
		{name: "lock user in 张家村", prep: freshUser("QS-ZJ", "field"), svc: lockSvc, web: lockWeb,
			audit: "user.lock", after: lockAfter, want: manageZJ},
		{name: "lock user in 柳溪镇", prep: freshUser("LX", "staff"), svc: lockSvc, web: lockWeb,
			audit: "user.lock", after: lockAfter, want: manageLX},
		{name: "unlock user in 张家村", prep: lockedUser("QS-ZJ"), svc: unlockSvc, web: unlockWeb,
			audit: "user.unlock", after: unlockAfter, want: manageZJ},
		{name: "unlock user in 柳溪镇", prep: lockedUser("LX"), svc: unlockSvc, web: unlockWeb,
			audit: "user.unlock", after: unlockAfter, want: manageLX},
		{name: "end sessions in 张家村", prep: signedInUser("QS-ZJ"), svc: endSessions, web: webEndSessions,
			audit: "user.end_sessions", after: sessionsEnded, want: manageZJ},
		{name: "end sessions in 柳溪镇", prep: signedInUser("LX"), svc: endSessions, web: webEndSessions,
			audit: "user.end_sessions", after: sessionsEnded, want: manageLX},

		// Full phone numbers: some roles, in scope, every view audited.
		{name: "view phone in 青石镇", prep: freshUser("QS", "staff"), svc: viewPhone, web: webViewPhone,
			audit: "user.view_phone", want: row{OK, OK, OK, OK, FB, NF, FB, NF, NF}},
		{name: "view phone in 柳溪镇", prep: freshUser("LX", "staff"), svc: viewPhone, web: webViewPhone,
			audit: "user.view_phone", want: row{OK, OK, OK, NF, NF, NF, FB, OK, NF}},

		// API tokens: administrators only.
		{name: "list tokens", prep: newToken,
			svc:  func(e *env, a *auth.Actor, x tgt) error { _, err := e.f.App.Account.ListTokens(e.ctx, a); return err },
			web:  func(c *testutil.Client, x tgt) *testutil.Resp { return c.Do("GET", "/api/v1/tokens", nil) },
			want: adminOnly},
		{name: "create token", prep: func(t *testing.T, e *env) tgt { return tgt{id: e.unit("QS"), name: e.next("tok")} },
			svc: func(e *env, a *auth.Actor, x tgt) error {
				_, _, err := e.f.App.Account.CreateToken(e.ctx, a, account.TokenInput{Name: x.name, Role: "staff", UnitID: x.id})
				return err
			},
			web: func(c *testutil.Client, x tgt) *testutil.Resp {
				return c.Do("POST", "/api/v1/tokens", map[string]any{"name": x.name, "role": "staff", "unit_id": x.id})
			},
			audit: "token.create",
			after: func(t *testing.T, e *env, x tgt, done bool) {
				if n := e.count(t, `SELECT COUNT(*) FROM api_tokens WHERE name = $1`, x.name); n != b2i(done) {
					t.Fatalf("%d tokens named %s (done=%v)", n, x.name, done)
				}
			}, want: adminOnly},
		{name: "revoke token", prep: newToken,
			svc:   func(e *env, a *auth.Actor, x tgt) error { return e.f.App.Account.RevokeToken(e.ctx, a, x.id) },
			web:   func(c *testutil.Client, x tgt) *testutil.Resp { return c.Do("DELETE", "/api/v1/tokens/"+id(x.id), nil) },
			audit: "token.revoke",
			after: func(t *testing.T, e *env, x tgt, done bool) {
				if n := e.count(t, `SELECT COUNT(*) FROM api_tokens WHERE id = $1 AND revoked_at IS NOT NULL`, x.id); n != b2i(done) {
					t.Fatalf("revoked %d (done=%v)", n, done)
				}
			}, want: adminOnly},

		// Audit trail.
		{name: "list audit",
			svc: func(e *env, a *auth.Actor, x tgt) error {
				_, _, err := e.f.App.Audit.List(e.ctx, a, audit.Filter{}, 20, 0)
				return err
			},
			web:  func(c *testutil.Client, x tgt) *testutil.Resp { return c.Do("GET", "/api/v1/audit", nil) },
			want: auditView},
		{name: "export audit", web: func(c *testutil.Client, x tgt) *testutil.Resp { return c.Do("GET", "/api/v1/audit/export", nil) },
			audit: "audit.export", want: auditView},
		{name: "verify audit", web: func(c *testutil.Client, x tgt) *testutil.Resp { return c.Do("GET", "/api/v1/audit/verify", nil) },
			want: adminOnly},
		{name: "export users", web: func(c *testutil.Client, x tgt) *testutil.Resp { return c.Do("GET", "/api/v1/users/export", nil) },
			audit: "user.export", want: row{OK, OK, OK, OK, OK, OK, OK, OK, OK}},
	}
}

// checkAudit asserts that a success wrote exactly the expected entry, by
// the actor, and that a failure or a read wrote nothing.
func checkAudit(t *testing.T, e *env, ac action, done bool, before int64, username, ip string) {
	t.Helper()
	got := e.entriesAfter(t, before)
	if !done || ac.audit == "" {
		if len(got) != 0 {
			t.Fatalf("no audit entry expected, got %+v", got)
		}
		return
	}
	if len(got) != 1 || got[0].Action != ac.audit || got[0].Username != username || got[0].IP != ip {
		t.Fatalf("want one %s entry by %s from %q, got %+v", ac.audit, username, ip, got)
	}
}

// TestPermissionMatrix runs every action as every fixture user through
// the service layer.
func TestPermissionMatrix(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		for _, ac := range actions() {
			if ac.svc == nil {
				continue
			}
			t.Run(ac.name, func(t *testing.T) {
				for i, name := range who {
					t.Run(name+"→"+ac.want[i].String(), func(t *testing.T) {
						var x tgt
						if ac.prep != nil {
							x = ac.prep(t, e)
						}
						before := e.head(t)
						err := ac.svc(e, e.f.Users[name], x)
						checkErr(t, err, ac.want[i])
						checkAudit(t, e, ac, ac.want[i].ok(), before, name, "")
						if ac.after != nil {
							ac.after(t, e, x, ac.want[i].ok())
						}
					})
				}
			})
		}
	})
}

// TestPermissionMatrixHTTP runs the same table through the HTTP API with
// each user signed in: same outcomes, as statuses and error codes, and the
// trail notes the client address.
func TestPermissionMatrixHTTP(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		clients := loginAll(t, e.f.NewServer(t))
		for _, ac := range actions() {
			if ac.web == nil {
				continue
			}
			t.Run(ac.name, func(t *testing.T) {
				for i, name := range who {
					t.Run(name+"→"+ac.want[i].String(), func(t *testing.T) {
						c := clients[name]
						c.T = t
						var x tgt
						if ac.prep != nil {
							x = ac.prep(t, e)
						}
						before := e.head(t)
						checkResp(t, ac.web(c, x), ac.want[i])
						checkAudit(t, e, ac, ac.want[i].ok(), before, name, "127.0.0.1")
						if ac.after != nil {
							ac.after(t, e, x, ac.want[i].ok())
						}
					})
				}
			})
		}
	})
}

// scope is what one user sees in lists.
type scope struct {
	units, users int
	root         string // the unit at the top of the tree
	audit        int    // entries in the trail; -1: not allowed
}

// The fixture's trail: 6 unit.create and 9 user.create entries.
var scopes = map[string]scope{
	"admin":      {6, 9, "D", 15},
	"supervisor": {6, 9, "D", 15},
	"leader":     {6, 9, "D", -1},
	"qs_admin":   {2, 3, "QS", 5}, // 青石镇, 张家村; qs_admin, qs_staff, zj_field
	"qs_staff":   {2, 3, "QS", -1},
	"zj_field":   {1, 1, "QS-ZJ", -1},
	"judge":      {6, 9, "D", -1}, // placed at the district: its subtree is everything
	"lx_admin":   {2, 1, "LX", 3},
	"fgj_staff":  {1, 1, "FGJ", -1},
}

func TestListScope(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		all := httpx.Page{Page: 1, Size: 100}
		for _, name := range who {
			t.Run(name, func(t *testing.T) {
				a, want := e.f.Users[name], scopes[name]
				units, total, err := e.f.App.Org.ListUnits(e.ctx, a, org.UnitFilter{}, all)
				if err != nil || total != want.units || len(units) != want.units {
					t.Fatalf("units: %d items, total %d, %v; want %d", len(units), total, err, want.units)
				}
				for _, u := range units {
					if !a.InScope(u.Path) {
						t.Fatalf("unit %s out of scope listed", u.Code)
					}
				}
				users, total, err := e.f.App.Org.ListUsers(e.ctx, a, org.UserFilter{}, all)
				if err != nil || total != want.users || len(users) != want.users {
					t.Fatalf("users: %d items, total %d, %v; want %d", len(users), total, err, want.users)
				}
				tree, err := e.f.App.Org.Tree(e.ctx, a)
				if err != nil || len(tree) != 1 || tree[0].Code != want.root || countNodes(tree) != want.units {
					t.Fatalf("tree: %d roots, %d nodes, %v; want root %s", len(tree), countNodes(tree), err, want.root)
				}
				entries, total, err := e.f.App.Audit.List(e.ctx, a, audit.Filter{}, 100, 0)
				if want.audit < 0 {
					checkErr(t, err, FB)
					return
				}
				if err != nil || total != want.audit || len(entries) != want.audit {
					t.Fatalf("audit: %d items, total %d, %v; want %d", len(entries), total, err, want.audit)
				}
				for i := 1; i < len(entries); i++ {
					if entries[i].Seq >= entries[i-1].Seq {
						t.Fatalf("audit not newest first: %d then %d", entries[i-1].Seq, entries[i].Seq)
					}
				}
			})
		}
	})
}

func countNodes(ns []*org.TreeNode) int {
	n := len(ns)
	for _, c := range ns {
		n += countNodes(c.Children)
	}
	return n
}

// The same counts over HTTP, after everyone signed in (each sign-in adds
// one session.sign_in entry for the user's unit).
func TestListScopeHTTP(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		clients := loginAll(t, e.f.NewServer(t))
		signIns := map[string]int{"admin": 9, "supervisor": 9, "qs_admin": 3, "lx_admin": 1}
		for _, name := range who {
			t.Run(name, func(t *testing.T) {
				c, want := clients[name], scopes[name]
				c.T = t
				if r := c.Do("GET", "/api/v1/units?page_size=100", nil); r.Status != 200 || total(r) != want.units {
					t.Fatalf("units: %d %s", r.Status, r.Body)
				}
				r := c.Do("GET", "/api/v1/users?page_size=100", nil)
				if r.Status != 200 || total(r) != want.users || len(r.JSON()["items"].([]any)) != want.users {
					t.Fatalf("users: %d %s", r.Status, r.Body)
				}
				r = c.Do("GET", "/api/v1/units/tree", nil)
				roots := r.JSON()["items"].([]any)
				if r.Status != 200 || len(roots) != 1 || roots[0].(map[string]any)["code"] != want.root {
					t.Fatalf("tree: %s", r.Body)
				}
				r = c.Do("GET", "/api/v1/audit?page_size=100", nil)
				if want.audit < 0 {
					checkResp(t, r, FB)
					return
				}
				if r.Status != 200 || total(r) != want.audit+signIns[name] {
					t.Fatalf("audit: want %d, got %d %s", want.audit+signIns[name], r.Status, r.Body)
				}
			})
		}
	})
}

func total(r *testutil.Resp) int {
	n, _ := r.JSON()["total"].(float64)
	return int(n)
}

// Paths compare as ranges ("/1/3/" ≤ p < "/1/30"): a unit whose id starts
// with the same digits (30…39 next to 3) must stay out of 3's subtree on
// both databases.
func TestScopeBoundaryByID(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		qs := e.f.Units["QS"]
		var last *org.Unit
		for last == nil || last.ID < qs.ID*10+9 {
			last = e.newUnit(t, e.unit("D"), org.KindDepartment)
			if last.ID > 200 {
				t.Fatal("ids do not grow one by one")
			}
		}
		inside := e.newUnit(t, qs.ID, org.KindVillage) // id 40: "/1/3/40/"
		e.newUser(t, last.ID, "staff", "")             // a user in "/1/39/"
		a := e.f.Users["qs_admin"]
		units, total, err := e.f.App.Org.ListUnits(e.ctx, a, org.UnitFilter{}, httpx.Page{Page: 1, Size: 100})
		if err != nil || total != 3 {
			t.Fatalf("qs_admin sees %d units (%v), want 青石镇, 张家村 and %s", total, err, inside.Code)
		}
		for _, u := range units {
			if u.ID != qs.ID && *u.ParentID != qs.ID {
				t.Fatalf("unit %d (%s) leaked into 青石镇's scope", u.ID, u.Path)
			}
		}
		if _, total, _ := e.f.App.Org.ListUsers(e.ctx, a, org.UserFilter{}, httpx.Page{Page: 1, Size: 100}); total != 3 {
			t.Fatalf("qs_admin sees %d users, want 3", total)
		}
		if _, err := e.f.App.Org.GetUnit(e.ctx, a, qs.ID*10); err == nil {
			t.Fatalf("qs_admin reads unit %d", qs.ID*10)
		}
	})
}
