package auth_test

import (
	"context"
	"strings"
	"testing"

	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/errs"
)

func init() {
	auth.HashParams = auth.Argon2Params{Time: 1, Memory: 1024, Threads: 1}
}

// The permission table, role by role: exactly these grants.
func TestPermissionTable(t *testing.T) {
	all := []auth.Permission{auth.ViewOrg, auth.ManageOrg, auth.ManageUsers, auth.ViewPhone, auth.ManageTokens,
		auth.ViewAudit, auth.VerifyAudit, auth.UploadFiles}
	want := map[auth.Role][]auth.Permission{
		auth.Admin:      all,
		auth.Supervisor: {auth.ViewOrg, auth.ViewPhone, auth.ViewAudit, auth.UploadFiles},
		auth.Leader:     {auth.ViewOrg, auth.ViewPhone, auth.UploadFiles},
		auth.UnitAdmin:  {auth.ViewOrg, auth.ManageOrg, auth.ManageUsers, auth.ViewPhone, auth.ViewAudit, auth.UploadFiles},
		auth.Staff:      {auth.ViewOrg, auth.UploadFiles},
		auth.Field:      {auth.ViewOrg, auth.UploadFiles},
		auth.Judge:      {auth.ViewOrg, auth.UploadFiles},
		"":              {},
		"root":          {},
	}
	for role, perms := range want {
		a := &auth.Actor{Roles: []auth.Role{role}}
		for _, p := range all {
			granted := false
			for _, q := range perms {
				granted = granted || q == p
			}
			if a.Can(p) != granted {
				t.Errorf("%q can %s: %v, want %v", role, p, a.Can(p), granted)
			}
			err := auth.Require(a, p)
			if granted != (err == nil) || (!granted && !errs.Is(err, errs.Forbidden)) {
				t.Errorf("Require(%q, %s) = %v", role, p, err)
			}
		}
	}
	// Roles add up.
	both := &auth.Actor{Roles: []auth.Role{auth.Staff, auth.Supervisor}}
	if !both.Can(auth.ViewAudit) || both.Can(auth.ManageOrg) {
		t.Fatal("staff+supervisor")
	}
	if err := auth.Require(nil, auth.ViewOrg); !errs.Is(err, errs.Unauthenticated) {
		t.Fatalf("nil actor: %v", err)
	}
	if len(auth.Roles) != 7 || !auth.ValidRole("judge") || auth.ValidRole("Admin") || auth.ValidRole("") ||
		auth.RoleName(auth.UnitAdmin) != "单位管理员" || auth.RoleName("x") != "x" {
		t.Fatal("role list")
	}
}

func TestScope(t *testing.T) {
	qs := &auth.Actor{UnitPath: "/1/3/", Roles: []auth.Role{auth.UnitAdmin}}
	leader := &auth.Actor{UnitPath: "/1/3/", Roles: []auth.Role{auth.Leader}}
	for _, tc := range []struct {
		path string
		in   bool
	}{
		{"/1/3/", true}, {"/1/3/4/", true}, {"/1/3/4/77/", true},
		{"/1/", false}, {"/1/30/", false}, {"/1/31/4/", false}, {"/1/39/", false}, {"/1/2/", false}, {"/13/", false},
		{"/1/4/3/", false}, {"", false},
	} {
		if qs.InScope(tc.path) != tc.in {
			t.Errorf("InScope(%q) = %v", tc.path, !tc.in)
		}
		// The SQL range means the same as the prefix.
		cond, args := qs.ScopeFilter("u.path", 3)
		lo, hi := args[0].(string), args[1].(string)
		if cond != "u.path >= $3 AND u.path < $4" || (tc.path >= lo && tc.path < hi) != tc.in {
			t.Errorf("range %s [%q, %q) for %q", cond, lo, hi, tc.path)
		}
		if !leader.InScope(tc.path) {
			t.Errorf("district-wide leader out of scope at %q", tc.path)
		}
		err := auth.RequireIn(qs, auth.ManageOrg, tc.path)
		if tc.in != (err == nil) || (!tc.in && !errs.Is(err, errs.NotFound)) {
			t.Errorf("RequireIn %q: %v", tc.path, err)
		}
	}
	if cond, args := leader.ScopeFilter("p", 1); cond != "TRUE" || args != nil {
		t.Fatalf("district-wide filter %q %v", cond, args)
	}
	// Scope hides, the permission forbids: out of scope is 404 before 403.
	staff := &auth.Actor{UnitPath: "/1/3/", Roles: []auth.Role{auth.Staff}}
	if err := auth.RequireIn(staff, auth.ManageOrg, "/1/5/"); !errs.Is(err, errs.Forbidden) {
		t.Fatalf("staff: %v", err)
	}
	if a := auth.From(auth.With(context.Background(), qs)); a != qs || auth.From(context.Background()) != nil {
		t.Fatal("context round trip")
	}
	sys := auth.System("cli")
	if !sys.Has(auth.Admin) || !sys.DistrictWide() || !sys.InScope("/9/9/") {
		t.Fatal("system actor")
	}
}

func TestPasswordPolicy(t *testing.T) {
	for _, tc := range []struct {
		pw string
		ok bool
	}{
		{"Abcdefg1", true},
		{"abcdefg1!", true},
		{"ABCDEFG1!", true},
		{"Abcdefg!", true},
		{"Ab1!Ab1!", true},
		{"Ab1!Ab1", false}, // 7 characters
		{"abcdefgh", false},
		{"abcdefg1", false},
		{"12345678", false},
		{"ABCDEFGH!", false},
		{"密码密码Ab1!", true}, // counted in characters
		{"", false},
		{strings.Repeat("Ab1!", 32), true},
		{strings.Repeat("Ab1!", 32) + "x", false}, // over 128
	} {
		err := auth.CheckPolicy(tc.pw)
		if (err == nil) != tc.ok || (err != nil && !errs.Is(err, errs.Validation)) {
			t.Errorf("CheckPolicy(%q) = %v", tc.pw, err)
		}
	}
}

func TestHashAndCheck(t *testing.T) {
	h, err := auth.HashPassword("Test@2026pw")
	if err != nil || !strings.HasPrefix(h, "$argon2id$v=19$m=1024,t=1,p=1$") {
		t.Fatalf("hash %q %v", h, err)
	}
	h2, _ := auth.HashPassword("Test@2026pw")
	if h == h2 {
		t.Fatal("no salt")
	}
	if !auth.CheckPassword(h, "Test@2026pw") || auth.CheckPassword(h, "test@2026pw") || auth.CheckPassword(h, "") {
		t.Fatal("check")
	}
	// A hash keeps its own costs when the defaults change.
	old := auth.HashParams
	auth.HashParams = auth.Argon2Params{Time: 2, Memory: 2048, Threads: 1}
	h3, _ := auth.HashPassword("Other#2026")
	auth.HashParams = old
	if !strings.Contains(h3, "m=2048,t=2,p=1") || !auth.CheckPassword(h3, "Other#2026") || !auth.CheckPassword(h, "Test@2026pw") {
		t.Fatal("costs not carried by the hash")
	}
	parts := strings.Split(h, "$")
	for _, bad := range []string{"", "plain", "$argon2i$v=19$m=1024,t=1,p=1$" + parts[4] + "$" + parts[5],
		"$argon2id$v=19$m=x$" + parts[4] + "$" + parts[5], "$argon2id$v=19$m=1024,t=1,p=1$!!!$" + parts[5],
		strings.Join(parts[:5], "$")} {
		if auth.CheckPassword(bad, "Test@2026pw") {
			t.Errorf("malformed hash %q accepted", bad)
		}
	}
	auth.BurnPasswordCheck("whatever") // must not panic
}

func TestGeneratedSecrets(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 300; i++ {
		pw := auth.GeneratePassword()
		if err := auth.CheckPolicy(pw); err != nil || strings.ContainsAny(pw, "0O1lI") || len(pw) != 10 {
			t.Fatalf("generated %q: %v", pw, err)
		}
		if seen[pw] {
			t.Fatalf("generated %q twice", pw)
		}
		seen[pw] = true
	}
	tok := auth.RandomToken(32)
	if len(tok) != 43 || strings.ContainsAny(tok, "+/=") || tok == auth.RandomToken(32) {
		t.Fatalf("token %q", tok)
	}
}
