package safety_test

import (
	"bytes"
	"testing"

	"diaodu/internal/platform/db"
	"diaodu/internal/platform/errs"
	"diaodu/internal/safety"
	"diaodu/internal/testutil"
)

// who is the order of the matrix columns: every fixture user. 青石镇's
// enterprise is supervised by 区发改局 (fgj_staff); zj_field works in 张家村
// of 青石镇; lx_admin is in 柳溪镇, out of scope.
var who = [9]string{"admin", "supervisor", "leader", "qs_admin", "qs_staff", "zj_field", "judge", "lx_admin", "fgj_staff"}

type want = errs.Code

const (
	OK want = ""
	NF      = errs.NotFound
	FB      = errs.Forbidden
)

// TestPermissionMatrix runs every service call as every role on objects
// of 青石镇 (and 柳溪镇 where the scope differs); each call gets a fresh
// object so state does not leak between roles.
func TestPermissionMatrix(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.f.AddUser(t, "qs_fixer", "QS", "staff")
		c := e.campaign(t)
		shared := e.hazard(t, e.qs)
		lxHazard := e.hazard(t, e.lx)
		x, _, err := e.s.CreateInspection(e.ctx, e.as("admin"), safety.InspectionInput{EnterpriseID: e.qs.ID, CampaignID: c.ID})
		if err != nil {
			t.Fatal(err)
		}
		photo := func(user string) int64 {
			if p, err := e.s.UploadPhoto(e.ctx, e.as(user), "a.jpg", bytes.NewReader(testutil.JPEG(t))); err == nil {
				return p.ID
			}
			return 1 << 40 // cannot upload: the call must refuse before looking at it
		}
		rectifying := func() int64 {
			h := e.hazard(t, e.qs)
			if _, err := e.s.Start(e.ctx, e.as("admin"), h.ID, ""); err != nil {
				t.Fatal(err)
			}
			return h.ID
		}
		rows := []struct {
			name string
			do   func(u string) error
			want [9]want
		}{
			{"view hazard of 青石镇", func(u string) error { _, err := e.s.GetHazard(e.ctx, e.as(u), shared.ID); return err },
				[9]want{OK, OK, OK, OK, OK, OK, FB, NF, OK}},
			{"view hazard of 柳溪镇", func(u string) error { _, err := e.s.GetHazard(e.ctx, e.as(u), lxHazard.ID); return err },
				[9]want{OK, OK, OK, NF, NF, NF, FB, OK, NF}},
			{"view inspection", func(u string) error { _, err := e.s.GetInspection(e.ctx, e.as(u), x.ID); return err },
				[9]want{OK, OK, OK, OK, OK, OK, FB, NF, OK}},
			{"enterprise history", func(u string) error { _, err := e.s.EnterpriseHistory(e.ctx, e.as(u), e.qs.ID); return err },
				[9]want{OK, OK, OK, OK, OK, OK, FB, NF, OK}},
			{"ledger", func(u string) error {
				_, _, err := e.s.ListHazards(e.ctx, e.as(u), safety.HazardFilter{}, pageOf(20))
				return err
			},
				[9]want{OK, OK, OK, OK, OK, OK, FB, OK, OK}},
			{"home", func(u string) error { _, err := e.s.Home(e.ctx, e.as(u), 0); return err },
				[9]want{OK, OK, OK, OK, OK, OK, FB, OK, OK}},
			{"campaign", func(u string) error { _, err := e.s.GetCampaign(e.ctx, e.as(u), c.ID); return err },
				[9]want{OK, OK, OK, OK, OK, OK, FB, OK, OK}},
			{"settings", func(u string) error { _, err := e.s.GetSettings(e.ctx, e.as(u)); return err },
				[9]want{OK, OK, OK, OK, OK, OK, FB, OK, OK}},
			{"enterprise profile", func(u string) error {
				_, err := e.s.PutProfile(e.ctx, e.as(u), e.qs.ID, safety.Profile{HazmatTrucks: 3, Note: u})
				return err
			}, [9]want{OK, OK, FB, OK, OK, OK, FB, NF, OK}},
			{"upload a photo", func(u string) error {
				_, err := e.s.UploadPhoto(e.ctx, e.as(u), "a.jpg", bytes.NewReader(testutil.JPEG(t)))
				return err
			}, [9]want{OK, OK, FB, OK, OK, OK, FB, OK, OK}},
			{"inspect in 青石镇", func(u string) error {
				_, _, err := e.s.CreateInspection(e.ctx, e.as(u), safety.InspectionInput{EnterpriseID: e.qs.ID})
				return err
			}, [9]want{OK, OK, FB, OK, OK, OK, FB, NF, OK}},
			{"file a hazard in 青石镇", func(u string) error {
				_, _, err := e.s.CreateHazard(e.ctx, e.as(u), safety.HazardInput{EnterpriseID: e.qs.ID, Description: ptr("x"), Deadline: ptr(e.day(5))})
				return err
			}, [9]want{OK, OK, FB, OK, OK, OK, FB, NF, OK}},
			{"edit a hazard", func(u string) error {
				_, err := e.s.UpdateHazard(e.ctx, e.as(u), e.hazard(t, e.qs).ID, safety.HazardInput{Measures: ptr("加装护栏")})
				return err
			}, [9]want{OK, OK, FB, OK, OK, FB, FB, NF, OK}},
			{"plan a major hazard", func(u string) error {
				_, err := e.s.SavePlan(e.ctx, e.as(u), e.hazard(t, e.qs, major).ID, plan)
				return err
			}, [9]want{OK, OK, FB, OK, OK, FB, FB, NF, OK}},
			{"start rectification", func(u string) error { _, err := e.s.Start(e.ctx, e.as(u), e.hazard(t, e.qs).ID, ""); return err },
				[9]want{OK, OK, FB, OK, OK, FB, FB, NF, OK}},
			{"report fixed", func(u string) error {
				_, err := e.s.Submit(e.ctx, e.as(u), rectifying(), safety.SubmitInput{Note: "已整改", AfterPhotoIDs: []int64{photo(u)}})
				return err
			}, [9]want{OK, OK, FB, OK, OK, FB, FB, NF, OK}},
			{"verify", func(u string) error {
				id := rectifying()
				e.rectify(t, id, "qs_fixer")
				_, err := e.s.Verify(e.ctx, e.as(u), id, safety.VerifyInput{Pass: true})
				return err
			}, [9]want{OK, OK, FB, OK, OK, FB, FB, NF, OK}},
			{"ask for an extension", func(u string) error {
				_, err := e.s.RequestExtension(e.ctx, e.as(u), e.hazard(t, e.qs).ID, safety.ExtensionInput{NewDeadline: e.day(20), Reason: "材料未到"})
				return err
			}, [9]want{OK, OK, FB, OK, OK, FB, FB, NF, OK}},
			{"decide an extension", func(u string) error {
				xt, err := e.s.RequestExtension(e.ctx, e.as("admin"), e.hazard(t, e.qs).ID, safety.ExtensionInput{NewDeadline: e.day(20), Reason: "材料未到"})
				if err != nil {
					t.Fatal(err)
				}
				_, err = e.s.DecideExtension(e.ctx, e.as(u), xt.ID, true, "")
				return err
			}, [9]want{OK, OK, FB, FB, FB, FB, FB, NF, FB}},
			{"listed supervision", func(u string) error {
				_, err := e.s.Supervise(e.ctx, e.as(u), e.hazard(t, e.qs, major).ID, "")
				return err
			},
				[9]want{OK, OK, FB, FB, FB, FB, FB, NF, FB}},
			{"suspension order", func(u string) error {
				_, err := e.s.CreateSuspension(e.ctx, e.as(u), safety.SuspensionInput{EnterpriseID: e.enterprise(t, "QS", "FGJ", "gas").ID,
					Reasons: "重大隐患", StartsOn: e.day(0), EndsOn: e.day(10)})
				return err
			}, [9]want{OK, OK, FB, OK, FB, FB, FB, NF, FB}},
			{"lift a suspension", func(u string) error {
				o, err := e.s.CreateSuspension(e.ctx, e.as("admin"), safety.SuspensionInput{EnterpriseID: e.enterprise(t, "QS", "FGJ", "gas").ID,
					Reasons: "重大隐患", StartsOn: e.day(0), EndsOn: e.day(10)})
				if err != nil {
					t.Fatal(err)
				}
				_, err = e.s.LiftSuspension(e.ctx, e.as(u), o.ID, safety.LiftInput{VerifiedOn: e.day(0), Verification: "复查合格"})
				return err
			}, [9]want{OK, OK, FB, OK, OK, FB, FB, NF, OK}},
			{"start a campaign", func(u string) error {
				_, err := e.s.CreateCampaign(e.ctx, e.as(u), safety.CampaignInput{Name: ptr("春节前检查" + u), StartsOn: ptr(e.day(1)), EndsOn: ptr(e.day(9))})
				return err
			}, [9]want{OK, OK, FB, FB, FB, FB, FB, FB, FB}},
			{"edit a campaign", func(u string) error {
				_, err := e.s.UpdateCampaign(e.ctx, e.as(u), c.ID, safety.CampaignInput{Description: ptr("要求" + u)})
				return err
			}, [9]want{OK, OK, FB, FB, FB, FB, FB, FB, FB}},
			{"change settings", func(u string) error {
				_, err := e.s.PutSettings(e.ctx, e.as(u), safety.Settings{EscalateAfterDays: 5, DefaultDeadline: 10})
				return err
			}, [9]want{OK, OK, FB, FB, FB, FB, FB, FB, FB}},
		}
		for _, r := range rows {
			for i, u := range who {
				err := r.do(u)
				got := OK
				if err != nil {
					x, ok := errs.As(err)
					if !ok {
						t.Fatalf("%s as %s: %v", r.name, u, err)
					}
					got = x.Code
				}
				if got != r.want[i] {
					t.Errorf("%s as %s: want %q, got %q (%v)", r.name, u, r.want[i], got, err)
				}
			}
		}
		// Lists are scoped, not just allowed: 柳溪镇 sees its own hazard only.
		items, total, err := e.s.ListHazards(e.ctx, e.as("lx_admin"), safety.HazardFilter{}, pageOf(100))
		if err != nil || total != 1 || items[0].ID != lxHazard.ID {
			t.Fatalf("lx_admin's ledger: %v %d", err, total)
		}
		if _, total, _ := e.s.ListHazards(e.ctx, e.as("zj_field"), safety.HazardFilter{EnterpriseID: e.lx.ID}, pageOf(100)); total != 0 {
			t.Fatalf("village worker sees 柳溪镇's hazards: %d", total)
		}
	})
}
