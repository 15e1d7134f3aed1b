package invest_test

import (
	"errors"
	"fmt"
	"testing"

	"diaodu/internal/invest"
	"diaodu/internal/platform/db"
	"diaodu/internal/platform/errs"
	"diaodu/internal/testutil"
)

// outcome of an action for a user: ok, forbidden (403), notfound (out of
// scope reads as not found) or invalid (422: the team or unit is outside
// the user's scope).
const (
	ok        = "ok"
	forbidden = "forbidden"
	notfound  = "notfound"
	invalid   = "invalid"
)

func outcome(err error) string {
	if err == nil {
		return ok
	}
	var e *errs.Error
	if errors.As(err, &e) {
		switch e.Code {
		case errs.Forbidden, errs.Unauthenticated:
			return forbidden
		case errs.NotFound:
			return notfound
		case errs.Validation:
			return invalid
		}
	}
	return err.Error()
}

// TestPermissions runs every action as every role, in and out of scope:
// the lead belongs to 新能源招商专班 (ZB1); zb2_admin (another team) and
// qs_admin (a town) are unit admins out of its scope.
func TestPermissions(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		users := []string{"admin", "supervisor", "leader", "zb1_admin", "zb1_staff", "zb2_admin", "qs_admin", "zj_field", "judge"}
		type action struct {
			name string
			do   func(user string) error
			want map[string]string // by user; missing: ok
		}
		lead := func() int64 { return e.lead(t).ID }
		signedLead := func() int64 { return e.signed(t).ID }
		outOfScope := map[string]string{"zb2_admin": notfound, "qs_admin": notfound, "zj_field": forbidden, "judge": forbidden}
		readOnly := func(extra map[string]string) map[string]string {
			m := map[string]string{"zj_field": forbidden, "judge": forbidden, "zb2_admin": notfound, "qs_admin": notfound}
			for k, v := range extra {
				m[k] = v
			}
			return m
		}
		actions := []action{
			{"view lead", func(u string) error { _, err := e.s.Detail(e.ctx, e.as(u), lead()); return err }, outOfScope},
			{"list", func(u string) error {
				items, _, err := e.s.List(e.ctx, e.as(u), invest.Filter{}, pageAll)
				if err == nil && len(items) == 0 {
					return errs.ErrNotFound
				}
				return err
			}, outOfScope},
			{"funnel", func(u string) error { _, err := e.s.Funnel(e.ctx, e.as(u), invest.FunnelFilter{}); return err },
				map[string]string{"zj_field": forbidden, "judge": forbidden}},
			{"targets table", func(u string) error { _, err := e.s.TargetTable(e.ctx, e.as(u), 2026, 0); return err },
				map[string]string{"zj_field": forbidden, "judge": forbidden}},
			{"create lead for ZB1", func(u string) error { _, err := e.s.Create(e.ctx, e.as(u), e.input()); return err },
				map[string]string{"leader": forbidden, "zb1_staff": forbidden, "zb2_admin": invalid, "qs_admin": invalid, "zj_field": forbidden, "judge": forbidden}},
			{"edit lead", func(u string) error {
				_, err := e.s.Update(e.ctx, e.as(u), lead(), invest.LeadInput{NextAction: ptr("再次拜访")})
				return err
			}, readOnly(map[string]string{"leader": forbidden, "zb1_staff": forbidden})},
			{"move lead", func(u string) error {
				_, err := e.s.Move(e.ctx, e.as(u), lead(), invest.MoveInput{Stage: invest.StageContact})
				return err
			}, readOnly(map[string]string{"leader": forbidden, "zb1_staff": forbidden})},
			{"note", func(u string) error { _, err := e.s.Note(e.ctx, e.as(u), lead(), "跟进"); return err },
				readOnly(map[string]string{"leader": forbidden, "zb1_staff": forbidden})},
			{"convert", func(u string) error {
				_, err := e.s.Convert(e.ctx, e.as(u), signedLead(), invest.ConvertInput{TargetStartOn: e.day(90)})
				return err
			}, readOnly(map[string]string{"leader": forbidden, "zb1_staff": forbidden})},
			{"phone", func(u string) error { _, err := e.s.Phone(e.ctx, e.as(u), lead()); return err },
				readOnly(map[string]string{"zb1_staff": forbidden})},
			{"set target", func(u string) error {
				_, err := e.s.PutTarget(e.ctx, e.as(u), invest.TargetInput{Year: 2026, UnitID: e.unit("ZB1"), Metric: invest.MetricSignedCount, Annual: int64(len(u))})
				return err
			}, map[string]string{"leader": forbidden, "zb1_admin": forbidden, "zb1_staff": forbidden, "zb2_admin": forbidden, "qs_admin": forbidden,
				"zj_field": forbidden, "judge": forbidden}},
			{"report funds for ZB1", func(u string) error {
				_, err := e.s.PutFunds(e.ctx, e.as(u), invest.FundsInput{UnitID: e.unit("ZB1"), Year: 2026, Month: 9, Amount: int64(len(u))})
				return err
			}, map[string]string{"leader": forbidden, "zb1_staff": forbidden, "zb2_admin": invalid, "qs_admin": invalid, "zj_field": forbidden, "judge": forbidden}},
			{"settings", func(u string) error {
				_, err := e.s.PutSettings(e.ctx, e.as(u), invest.DefaultSettings)
				return err
			}, map[string]string{"leader": forbidden, "zb1_admin": forbidden, "zb1_staff": forbidden, "zb2_admin": forbidden, "qs_admin": forbidden,
				"zj_field": forbidden, "judge": forbidden}},
			{"recompute lights", func(u string) error { _, err := e.s.Recompute(e.ctx, e.as(u)); return err },
				map[string]string{"leader": forbidden, "zb1_admin": forbidden, "zb1_staff": forbidden, "zb2_admin": forbidden, "qs_admin": forbidden,
					"zj_field": forbidden, "judge": forbidden}},
		}
		for _, act := range actions {
			for _, u := range users {
				want := act.want[u]
				if want == "" {
					want = ok
				}
				if got := outcome(act.do(u)); got != want {
					t.Errorf("%s as %s: got %s, want %s", act.name, u, got, want)
				}
			}
		}
		// The phone is masked for roles without users.phone and seeing it
		// is audited.
		l := e.lead(t)
		got, err := e.s.Detail(e.ctx, e.as("zb1_staff"), l.ID)
		if err != nil || got.ContactPhone == "13812345678" {
			t.Fatalf("staff sees %q (%v)", got.ContactPhone, err)
		}
		if _, err := e.s.Phone(e.ctx, e.as("leader"), l.ID); err != nil {
			t.Fatal(err)
		}
		if n := e.f.Count(t, `SELECT COUNT(*) FROM audit_log WHERE action = 'invest.lead.phone' AND object_id = $1`, fmt.Sprint(l.ID)); n != 1 {
			t.Fatalf("%d audit entries for the phone", n)
		}
	})
}
