package fire_test

import (
	"testing"
	"time"

	"diaodu/internal/fire"
	"diaodu/internal/platform/db"
	"diaodu/internal/platform/errs"
	"diaodu/internal/testutil"
)

func TestWarningsActiveBannerAndEnd(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		now := e.f.Clock.Now()
		to := now.Add(72 * time.Hour)
		w, err := e.s.IssueWarning(e.ctx, e.as("supervisor"), fire.WarningInput{Level: 4, TownIDs: []int64{e.unit("QS")}, ValidTo: &to,
			Text: "禁止一切野外用火"})
		if err != nil {
			t.Fatal(err)
		}
		if w.Colour != "orange" || !w.Active || w.DistrictWide || len(w.Towns) != 1 || w.Towns[0].Name != "青石镇" ||
			w.Requirement != fire.DefaultSettings.Levels[3] {
			t.Fatalf("issued %+v", w)
		}
		if !w.Covers(e.unit("QS")) || w.Covers(e.unit("LX")) {
			t.Fatal("Covers")
		}
		// The covered town's staff are notified, the other town's not.
		if n := e.f.Count(t, `SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND kind = 'fire.warning'`, e.as("qs_staff").UserID); n != 1 {
			t.Fatalf("qs_staff inbox %d", n)
		}
		if n := e.f.Count(t, `SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND kind = 'fire.warning'`, e.as("lx_admin").UserID); n != 0 {
			t.Fatalf("lx_admin inbox %d", n)
		}
		act, err := e.s.ActiveWarnings(e.ctx, now)
		if err != nil || len(act) != 1 || act[0].ID != w.ID {
			t.Fatalf("active %v %v", act, err)
		}
		if act, _ := e.s.ActiveWarnings(e.ctx, to.Add(time.Second)); len(act) != 0 {
			t.Fatal("expired warning still active")
		}
		if r := e.s.Requirement(5); r.PatrolsPerDay != 4 || e.s.Requirement(0) != (fire.Requirement{}) {
			t.Fatalf("requirement %+v", r)
		}
		// Banner: the covered village and town, district users; not 柳溪镇.
		for name, want := range map[string]int{"zj_field": 1, "qs_admin": 1, "leader": 1, "fgj_staff": 1, "lx_admin": 0, "judge": 1} {
			ws, err := e.s.BannerWarnings(e.ctx, e.as(name))
			if err != nil || len(ws) != want {
				t.Errorf("%s banner %d %v, want %d", name, len(ws), err, want)
			}
		}
		// Only fire.warn holders end it; a second end is a conflict.
		if _, err := e.s.EndWarning(e.ctx, e.as("qs_admin"), w.ID); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("qs_admin end: %v", err)
		}
		ended, err := e.s.EndWarning(e.ctx, e.as("admin"), w.ID)
		if err != nil || ended.Active || ended.EndedAt == nil {
			t.Fatalf("end %+v %v", ended, err)
		}
		wantCode(t, func() error { _, err := e.s.EndWarning(e.ctx, e.as("admin"), w.ID); return err }(), errs.Conflict, "")
		if act, _ := e.s.ActiveWarnings(e.ctx, now); len(act) != 0 {
			t.Fatal("ended warning still active")
		}
		// District-wide covers every town.
		dw, err := e.s.IssueWarning(e.ctx, e.as("admin"), fire.WarningInput{Level: 3, ValidTo: &to})
		if err != nil || !dw.DistrictWide || !dw.Covers(e.unit("LX")) || dw.Colour != "yellow" {
			t.Fatalf("district-wide %+v %v", dw, err)
		}
		if ws, _ := e.s.BannerWarnings(e.ctx, e.as("lx_admin")); len(ws) != 1 {
			t.Fatal("district-wide banner")
		}
	})
}

func TestWarningBadInput(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		now := e.f.Clock.Now()
		past, soon, far := now.Add(-time.Hour), now.Add(24*time.Hour), now.Add(200*24*time.Hour)
		long := string(make([]rune, 1001))
		for _, c := range []struct {
			field string
			in    fire.WarningInput
		}{
			{"level", fire.WarningInput{Level: 6, ValidTo: &soon}},
			{"level", fire.WarningInput{Level: 0, ValidTo: &soon}},
			{"valid_to", fire.WarningInput{Level: 4}},
			{"valid_to", fire.WarningInput{Level: 4, ValidTo: &past, ValidFrom: ptr(now.Add(-2 * time.Hour))}},
			{"valid_to", fire.WarningInput{Level: 4, ValidFrom: &soon, ValidTo: &soon}},
			{"valid_to", fire.WarningInput{Level: 4, ValidTo: &far}},
			{"town_ids", fire.WarningInput{Level: 4, ValidTo: &soon, TownIDs: []int64{e.unit("QS-ZJ")}}},
			{"town_ids", fire.WarningInput{Level: 4, ValidTo: &soon, TownIDs: []int64{99999}}},
			{"text", fire.WarningInput{Level: 4, ValidTo: &soon, Text: long}},
		} {
			before := e.head(t)
			_, err := e.s.IssueWarning(e.ctx, e.as("admin"), c.in)
			wantCode(t, err, errs.Validation, c.field)
			if e.head(t) != before || e.f.Count(t, `SELECT COUNT(*) FROM fire_warnings`) != 0 {
				t.Fatalf("%s: something changed", c.field)
			}
		}
		// Settings: bad values refused, good ones change the requirement.
		st := fire.DefaultSettings
		st.CoverageTarget = 0
		wantCode(t, func() error { _, err := e.s.PutSettings(e.ctx, e.as("admin"), st); return err }(), errs.Validation, "coverage_target")
		st = fire.DefaultSettings
		st.Levels[3].PatrolsPerDay = -1
		wantCode(t, func() error { _, err := e.s.PutSettings(e.ctx, e.as("admin"), st); return err }(), errs.Validation, "levels.3.patrols_per_day")
		st.Levels[3].PatrolsPerDay = 6
		if _, err := e.s.PutSettings(e.ctx, e.as("qs_admin"), st); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("qs_admin settings: %v", err)
		}
		if _, err := e.s.PutSettings(e.ctx, e.as("supervisor"), st); err != nil {
			t.Fatal(err)
		}
		if e.s.Requirement(4).PatrolsPerDay != 6 {
			t.Fatal("requirement not changed")
		}
	})
}
