package safety_test

import (
	"bytes"
	"strings"
	"testing"

	"diaodu/internal/platform/db"
	"diaodu/internal/platform/errs"
	"diaodu/internal/registry"
	"diaodu/internal/safety"
	"diaodu/internal/testutil"
)

// TestBadInput: every bad input is a clear error on the field it names,
// and nothing is written (the audit chain does not move).
func TestBadInput(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		c := e.campaign(t)
		items, _ := e.s.Checklist(e.ctx, e.as("qs_staff"), c.ID, e.qs.ID)
		pending := e.hazard(t, e.qs)
		fixing := e.hazard(t, e.qs)
		if _, err := e.s.Start(e.ctx, e.as("qs_staff"), fixing.ID, ""); err != nil {
			t.Fatal(err)
		}
		mine := e.photo(t, "qs_staff")
		others := e.photo(t, "zj_field")
		good := registry.MakeCreditCode("91530112MA6K8L9P0")
		bad := good[:17] + string("0123456789ABCDEFGHJKLMNPQRTUWXY"[(strings.IndexByte("0123456789ABCDEFGHJKLMNPQRTUWXY", good[17])+1)%31])
		cases := []struct {
			name, field string
			code        errs.Code
			do          func() error
		}{
			{"credit code with a wrong check character", "credit_code", errs.Validation, func() error {
				_, _, err := e.s.CreateEnterprise(e.ctx, e.as("qs_staff"), registry.EnterpriseInput{Name: ptr("现场新企业"), CreditCode: ptr(bad),
					Industry: ptr("hazchem")})
				return err
			}},
			{"hazard with a deadline in the past", "deadline", errs.Validation, func() error {
				_, _, err := e.s.CreateHazard(e.ctx, e.as("qs_staff"), safety.HazardInput{EnterpriseID: e.qs.ID, Description: ptr("消防通道堵塞"),
					Deadline: ptr(e.day(-1))})
				return err
			}},
			{"hazard without a deadline", "deadline", errs.Validation, func() error {
				_, _, err := e.s.CreateHazard(e.ctx, e.as("qs_staff"), safety.HazardInput{EnterpriseID: e.qs.ID, Description: ptr("消防通道堵塞")})
				return err
			}},
			{"hazard without a description", "description", errs.Validation, func() error {
				_, _, err := e.s.CreateHazard(e.ctx, e.as("qs_staff"), safety.HazardInput{EnterpriseID: e.qs.ID, Deadline: ptr(e.day(3))})
				return err
			}},
			{"hazard of an unknown level", "level", errs.Validation, func() error {
				_, _, err := e.s.CreateHazard(e.ctx, e.as("qs_staff"), safety.HazardInput{EnterpriseID: e.qs.ID, Description: ptr("x"),
					Deadline: ptr(e.day(3)), Level: ptr("严重")})
				return err
			}},
			{"hazard found tomorrow", "found_on", errs.Validation, func() error {
				_, _, err := e.s.CreateHazard(e.ctx, e.as("qs_staff"), safety.HazardInput{EnterpriseID: e.qs.ID, Description: ptr("x"),
					Deadline: ptr(e.day(3)), FoundOn: ptr(e.day(1))})
				return err
			}},
			{"negative funds", "funds", errs.Validation, func() error {
				_, _, err := e.s.CreateHazard(e.ctx, e.as("qs_staff"), safety.HazardInput{EnterpriseID: e.qs.ID, Description: ptr("x"),
					Deadline: ptr(e.day(3)), Funds: ptr(-1.0)})
				return err
			}},
			{"someone else's photo", "photo_ids", errs.Validation, func() error {
				_, _, err := e.s.CreateHazard(e.ctx, e.as("qs_staff"), safety.HazardInput{EnterpriseID: e.qs.ID, Description: ptr("x"),
					Deadline: ptr(e.day(3)), PhotoIDs: []int64{others}})
				return err
			}},
			{"no enterprise", "enterprise_id", errs.Validation, func() error {
				_, _, err := e.s.CreateHazard(e.ctx, e.as("qs_staff"), safety.HazardInput{Description: ptr("x"), Deadline: ptr(e.day(3))})
				return err
			}},
			{"a client key too long", "client_key", errs.Validation, func() error {
				_, _, err := e.s.CreateHazard(e.ctx, e.as("qs_staff"), safety.HazardInput{ClientKey: strings.Repeat("k", 65), EnterpriseID: e.qs.ID,
					Description: ptr("x"), Deadline: ptr(e.day(3))})
				return err
			}},
			{"moving the deadline after rectification started", "deadline", errs.Validation, func() error {
				_, err := e.s.UpdateHazard(e.ctx, e.as("qs_staff"), fixing.ID, safety.HazardInput{Deadline: ptr(e.day(20))})
				return err
			}},
			{"a pending hazard's deadline into the past", "deadline", errs.Validation, func() error {
				_, err := e.s.UpdateHazard(e.ctx, e.as("qs_staff"), pending.ID, safety.HazardInput{Deadline: ptr(e.day(-2))})
				return err
			}},
			{"closing without photos after the fix", "after_photo_ids", errs.Validation, func() error {
				_, err := e.s.Submit(e.ctx, e.as("qs_staff"), fixing.ID, safety.SubmitInput{Note: "已整改"})
				return err
			}},
			{"closing without a note on the fix", "note", errs.Validation, func() error {
				_, err := e.s.Submit(e.ctx, e.as("qs_staff"), fixing.ID, safety.SubmitInput{AfterPhotoIDs: []int64{mine}})
				return err
			}},
			{"reporting fixed before starting", "", errs.Conflict, func() error {
				_, err := e.s.Submit(e.ctx, e.as("qs_staff"), pending.ID, safety.SubmitInput{Note: "已整改", AfterPhotoIDs: []int64{mine}})
				return err
			}},
			{"verifying what is not reported fixed", "", errs.Conflict, func() error {
				_, err := e.s.Verify(e.ctx, e.as("qs_admin"), fixing.ID, safety.VerifyInput{Pass: true})
				return err
			}},
			{"a plan for a general hazard", "", errs.Conflict, func() error {
				_, err := e.s.SavePlan(e.ctx, e.as("qs_staff"), pending.ID, plan)
				return err
			}},
			{"an answer to an item of another checklist", "answers[0]", errs.Validation, func() error {
				_, _, err := e.s.CreateInspection(e.ctx, e.as("qs_staff"), safety.InspectionInput{CampaignID: c.ID, EnterpriseID: e.lx.ID,
					Answers: []safety.Answer{{ItemID: items[1].ID, Result: safety.AnswerPass}}})
				if errs.Is(err, errs.NotFound) { // qs_staff does not see 柳溪镇; the admin does
					_, _, err = e.s.CreateInspection(e.ctx, e.as("admin"), safety.InspectionInput{CampaignID: c.ID, EnterpriseID: e.lx.ID,
						Answers: []safety.Answer{{ItemID: items[1].ID, Result: safety.AnswerPass}}})
				}
				return err
			}},
			{"a failed item without saying what failed", "answers[0]", errs.Validation, func() error {
				_, _, err := e.s.CreateInspection(e.ctx, e.as("qs_staff"), safety.InspectionInput{CampaignID: c.ID, EnterpriseID: e.qs.ID,
					Answers: []safety.Answer{{ItemID: items[1].ID, Result: safety.AnswerFail}}})
				return err
			}},
			{"an unknown answer", "answers[0]", errs.Validation, func() error {
				_, _, err := e.s.CreateInspection(e.ctx, e.as("qs_staff"), safety.InspectionInput{CampaignID: c.ID, EnterpriseID: e.qs.ID,
					Answers: []safety.Answer{{ItemID: items[1].ID, Result: "ok"}}})
				return err
			}},
			{"a failed item's hazard due yesterday", "answers[0].hazard.deadline", errs.Validation, func() error {
				_, _, err := e.s.CreateInspection(e.ctx, e.as("qs_staff"), safety.InspectionInput{CampaignID: c.ID, EnterpriseID: e.qs.ID,
					Answers: []safety.Answer{{ItemID: items[1].ID, Result: safety.AnswerFail, Note: "裂缝",
						Hazard: &safety.AnswerHazard{Deadline: ptr(e.day(-1))}}}})
				return err
			}},
			{"an inspection dated tomorrow", "inspected_on", errs.Validation, func() error {
				_, _, err := e.s.CreateInspection(e.ctx, e.as("qs_staff"), safety.InspectionInput{EnterpriseID: e.qs.ID, InspectedOn: e.day(1)})
				return err
			}},
			{"photos and items of different lengths", "photo_item_ids", errs.Validation, func() error {
				_, _, err := e.s.CreateInspection(e.ctx, e.as("qs_staff"), safety.InspectionInput{EnterpriseID: e.qs.ID, PhotoIDs: []int64{mine},
					PhotoItemIDs: []int64{0, 0}})
				return err
			}},
			{"a campaign ending before it starts", "ends_on", errs.Validation, func() error {
				_, err := e.s.CreateCampaign(e.ctx, e.as("supervisor"), safety.CampaignInput{Name: ptr("春节前检查"), StartsOn: ptr(e.day(5)), EndsOn: ptr(e.day(1))})
				return err
			}},
			{"a campaign of an unknown industry", "industries", errs.Validation, func() error {
				_, err := e.s.CreateCampaign(e.ctx, e.as("supervisor"), safety.CampaignInput{Name: ptr("春节前检查"), StartsOn: ptr(e.day(1)),
					EndsOn: ptr(e.day(5)), Industries: &[]string{"宇宙航行"}})
				return err
			}},
			{"a village taking part in a campaign", "unit_ids", errs.Validation, func() error {
				_, err := e.s.CreateCampaign(e.ctx, e.as("supervisor"), safety.CampaignInput{Name: ptr("春节前检查"), StartsOn: ptr(e.day(1)),
					EndsOn: ptr(e.day(5)), UnitIDs: &[]int64{e.unit("QS-ZJ")}})
				return err
			}},
			{"a checklist item without text", "checklists", errs.Validation, func() error {
				_, err := e.s.CreateCampaign(e.ctx, e.as("supervisor"), safety.CampaignInput{Name: ptr("春节前检查"), StartsOn: ptr(e.day(1)),
					EndsOn: ptr(e.day(5)), Checklists: &[]safety.Checklist{{Items: []safety.ChecklistItemText{{Text: " "}}}}})
				return err
			}},
			{"escalation after 0 days", "escalate_after_days", errs.Validation, func() error {
				_, err := e.s.PutSettings(e.ctx, e.as("supervisor"), safety.Settings{DefaultDeadline: 10})
				return err
			}},
			{"a key period ending before it starts", "key_period.to", errs.Validation, func() error {
				_, err := e.s.PutSettings(e.ctx, e.as("supervisor"), safety.Settings{EscalateAfterDays: 5, DefaultDeadline: 10,
					KeyPeriod: safety.KeyPeriod{Name: "元旦", From: e.day(30), To: e.day(20)}})
				return err
			}},
			{"a negative number of buses", "passenger_buses", errs.Validation, func() error {
				_, err := e.s.PutProfile(e.ctx, e.as("qs_staff"), e.qs.ID, safety.Profile{PassengerBuses: -1})
				return err
			}},
			{"a file that is not an image", "file", errs.Validation, func() error {
				_, err := e.s.UploadPhoto(e.ctx, e.as("qs_staff"), "照片.jpg", bytes.NewReader([]byte("%PDF-1.4\n1 0 obj\n<<>>\nendobj\n")))
				return err
			}},
		}
		for _, tc := range cases {
			before := e.head(t)
			hazards := e.count(t, `SELECT COUNT(*) FROM safety_hazards`)
			err := tc.do()
			x, ok := errs.As(err)
			if !ok || x.Code != tc.code {
				t.Errorf("%s: want %s, got %v", tc.name, tc.code, err)
				continue
			}
			if tc.field != "" {
				m, ok := x.Fields[tc.field]
				if !ok || m.ZH == "" {
					t.Errorf("%s: want field %q named in Chinese, got %v", tc.name, tc.field, x.Fields)
				}
			}
			if e.head(t) != before || e.count(t, `SELECT COUNT(*) FROM safety_hazards`) != hazards {
				t.Errorf("%s: something was written", tc.name)
			}
		}
		// A photo refused by a failed call stays usable.
		if _, err := e.s.Submit(e.ctx, e.as("qs_staff"), fixing.ID, safety.SubmitInput{Note: "已整改", AfterPhotoIDs: []int64{mine}}); err != nil {
			t.Fatalf("photo reused after a failed call: %v", err)
		}
		// ... but not twice.
		_, _, err := e.s.CreateHazard(e.ctx, e.as("qs_staff"), safety.HazardInput{EnterpriseID: e.qs.ID, Description: ptr("x"),
			Deadline: ptr(e.day(3)), PhotoIDs: []int64{mine}})
		testutil.WantCode(t, err, errs.Validation, "photo_ids")
		// The check character message names the expected one.
		_, _, err = e.s.CreateEnterprise(e.ctx, e.as("qs_staff"), registry.EnterpriseInput{Name: ptr("现场新企业"), CreditCode: ptr(bad)})
		if x, _ := errs.As(err); x == nil || !strings.Contains(x.Fields["credit_code"].ZH, "校验") {
			t.Fatalf("credit code message: %v", err)
		}
	})
}

// TestCreateEnterpriseOnSite: an inspector adds an enterprise met on site;
// a village worker's lands in the village's town; a known code answers
// the stored enterprise.
func TestCreateEnterpriseOnSite(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		x, created, err := e.s.CreateEnterprise(e.ctx, e.as("zj_field"), registry.EnterpriseInput{Name: ptr("张家村农家乐"),
			Kind: ptr(registry.KindPlace), Industry: ptr("catering"), ContactPhone: ptr("13900001111")})
		if err != nil || !created || x.TownID != e.unit("QS") || !registry.IsInternalCode(x.CreditCode) || x.ContactPhone == "13900001111" {
			t.Fatalf("on-site place: %v %+v", err, x)
		}
		again, created, err := e.s.CreateEnterprise(e.ctx, e.as("qs_staff"), registry.EnterpriseInput{Name: ptr("x"), CreditCode: ptr(e.qs.CreditCode)})
		if err != nil || created || again.ID != e.qs.ID {
			t.Fatalf("known code: %v %v", err, created)
		}
		// A town admin may not file an enterprise in another town.
		_, _, err = e.s.CreateEnterprise(e.ctx, e.as("qs_admin"), registry.EnterpriseInput{Name: ptr("柳溪某企业"),
			CreditCode: ptr(registry.MakeCreditCode("91530112MA7Q2W3E4")), TownID: ptr(e.unit("LX"))})
		testutil.WantCode(t, err, errs.Validation, "town_id")
		// The inspector's picker finds it by name and by the code on its QR label.
		list, total, err := e.s.ListEnterprises(e.ctx, e.as("zj_field"), safety.EnterpriseFilter{Q: x.CreditCode}, pageOf(1))
		if err != nil || total != 1 || list[0].ID != x.ID {
			t.Fatalf("picker by code: %v %d", err, total)
		}
		_, total, _ = e.s.ListEnterprises(e.ctx, e.as("zj_field"), safety.EnterpriseFilter{}, pageOf(20))
		if total != 2 { // 青石镇's two; not 柳溪镇's
			t.Fatalf("village worker sees %d enterprises", total)
		}
	})
}
