package reports_test

import (
	"strings"
	"testing"

	"diaodu/internal/platform/calendar"
	"diaodu/internal/platform/db"
	"diaodu/internal/reports"
	"diaodu/internal/testutil"
)

// TestObligationBadInput: every bad obligation is refused with a Chinese
// message naming the field, and nothing is written.
func TestObligationBadInput(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		num := func(key string) reports.Field {
			return reports.Field{Key: key, Label: "数量" + key, Type: reports.TypeNumber}
		}
		form := func(fs ...reports.Field) *[]reports.Field { return &fs }
		cases := []struct {
			name  string
			in    reports.ObligationInput
			field string
			zh    string // part of the Chinese message
		}{
			{"unknown unit", reports.ObligationInput{UnitIDs: &[]int64{e.unit("QS"), 999999}}, "unit_ids", "编号999999"},
			{"no unit", reports.ObligationInput{UnitIDs: &[]int64{}}, "unit_ids", "请选择报送单位"},
			{"unknown kind in the selector", reports.ObligationInput{Selector: &reports.UnitSelector{RootUnitID: e.unit("D"), Kinds: []string{"town", "村"}}},
				"selector.kinds", "单位类型"},
			{"unknown root in the selector", reports.ObligationInput{Selector: &reports.UnitSelector{RootUnitID: 999999, Kinds: []string{"town"}}},
				"selector.root_unit_id", "不存在"},
			{"empty name", reports.ObligationInput{Name: ptr("  ")}, "name", "名称"},
			{"cut-off in words", reports.ObligationInput{Cutoff: ptr("下午5点")}, "cutoff", "HH:MM"},
			{"cut-off 25:00", reports.ObligationInput{Cutoff: ptr("25:00")}, "cutoff", "截止时间"},
			{"cut-off without a leading zero", reports.ObligationInput{Cutoff: ptr("9:00")}, "cutoff", "截止时间"},
			{"unknown frequency", reports.ObligationInput{Frequency: ptr("hourly")}, "frequency", "报送频次"},
			{"weekday 8", reports.ObligationInput{Frequency: ptr(reports.Weekly), Weekday: ptr(8)}, "weekday", "周一"},
			{"month day 0", reports.ObligationInput{Frequency: ptr(reports.Monthly), MonthDay: ptr(0)}, "month_day", "1到31"},
			{"month day 32", reports.ObligationInput{Frequency: ptr(reports.Monthly), MonthDay: ptr(32)}, "month_day", "1到31"},
			{"custom dates out of order", reports.ObligationInput{Frequency: ptr(reports.Custom),
				CustomDates: ptr(dates("2026-12-10", "2026-12-01"))}, "custom_dates", "从早到晚"},
			{"custom dates repeated", reports.ObligationInput{Frequency: ptr(reports.Custom),
				CustomDates: ptr(dates("2026-12-01", "2026-12-01"))}, "custom_dates", "不重复"},
			{"no custom dates", reports.ObligationInput{Frequency: ptr(reports.Custom), CustomDates: &[]calendar.Date{}}, "custom_dates", "至少"},
			{"end before start", reports.ObligationInput{ActiveFrom: ptr(calendar.MustDate("2026-12-01")),
				ActiveTo: ptr(calendar.MustDate("2026-11-30"))}, "active_to", "结束日期"},
			{"negative reminder", reports.ObligationInput{RemindBeforeMinutes: ptr(-5)}, "remind_before_minutes", "提醒"},
			{"empty form", reports.ObligationInput{Form: form()}, "form", "至少需要一个字段"},
			{"duplicate keys", reports.ObligationInput{Form: form(num("a"), num("a"))}, "form[1].key", "重复"},
			{"bad key", reports.ObligationInput{Form: form(num("1a"))}, "form[0].key", "字母开头"},
			{"unknown type", reports.ObligationInput{Form: form(reports.Field{Key: "a", Label: "甲", Type: "photo"})}, "form[0].type", "类型“photo”无效"},
			{"choice without options", reports.ObligationInput{Form: form(reports.Field{Key: "a", Label: "甲", Type: reports.TypeChoice,
				Options: []string{" "}})}, "form[0].options", "至少需要一个选项"},
			{"min above max", reports.ObligationInput{Form: form(reports.Field{Key: "a", Label: "甲", Type: reports.TypeNumber,
				Min: ptr(10.0), Max: ptr(1.0)})}, "form[0].min", "最小值"},
			{"required_if on an unknown field", reports.ObligationInput{Form: form(num("a"), reports.Field{Key: "b", Label: "乙",
				Type: reports.TypeText, RequiredIf: &reports.Condition{Field: "x", Equals: true}})}, "form[1].required_if", "“x”"},
			{"empty label", reports.ObligationInput{Form: form(reports.Field{Key: "a", Type: reports.TypeText})}, "form[0].label", "名称"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				before, head := e.count(t, `SELECT COUNT(*) FROM report_obligations`), e.head(t)
				in := c.in
				if in.Name == nil {
					in.Name = ptr("坏任务")
				}
				if in.UnitIDs == nil && in.Selector == nil {
					in.UnitIDs = e.units("QS")
				}
				if in.Form == nil {
					in.Form = form(num("a"))
				}
				_, err := e.s.CreateObligation(ctx, e.user("supervisor"), in)
				checkErr(t, err, V(c.field))
				if msg := fieldMsg(err, c.field); !strings.Contains(msg, c.zh) {
					t.Fatalf("message %q does not say %q", msg, c.zh)
				}
				if e.count(t, `SELECT COUNT(*) FROM report_obligations`) != before || e.head(t) != head {
					t.Fatal("a refused obligation changed something")
				}
			})
		}

		t.Run("a bad patch leaves the obligation as it was", func(t *testing.T) {
			o := e.obligation(t, reports.ObligationInput{})
			_, err := e.s.UpdateObligation(ctx, e.user("supervisor"), o.ID, reports.ObligationInput{Name: ptr("新名字"), Cutoff: ptr("17:60")})
			checkErr(t, err, V("cutoff"))
			got, _ := e.s.GetObligation(ctx, e.user("supervisor"), o.ID)
			if got.Name != o.Name || got.Cutoff != "17:00" {
				t.Fatalf("after a refused patch: %q %q", got.Name, got.Cutoff)
			}
		})
	})
}

// TestSubmissionBadInput: bad values, units and cycles are refused with a
// Chinese message naming the field, and nothing is written.
func TestSubmissionBadInput(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d) // Thursday 2026-11-26 09:00
		o := e.obligation(t, reports.ObligationInput{Form: &[]reports.Field{
			{Key: "amount", Label: "完成投资", Type: reports.TypeNumber, Required: true, Unit: "万元", Min: ptr(0.0), Max: ptr(1000.0)},
			{Key: "level", Label: "等级", Type: reports.TypeChoice, Options: []string{"一般", "较大"}},
			{Key: "day", Label: "发现日期", Type: reports.TypeDate},
			{Key: "flag", Label: "是否需协调", Type: reports.TypeBool},
			{Key: "content", Label: "协调事项", Type: reports.TypeText, RequiredIf: &reports.Condition{Field: "flag", Equals: true}},
			{Key: "files", Label: "附件", Type: reports.TypeFiles},
		}})
		// Visible to 青石镇 through its village, but 青石镇 itself does not report.
		villages := e.obligation(t, reports.ObligationInput{Name: ptr("村级专报"), UnitIDs: e.units("QS-ZJ", "LX")})
		lxOnly := e.obligation(t, reports.ObligationInput{Name: ptr("柳溪专报"), UnitIDs: e.units("LX")})
		inactive := e.obligation(t, reports.ObligationInput{Name: ptr("已停用")})
		if _, err := e.s.UpdateObligation(ctx, e.user("supervisor"), inactive.ID, reports.ObligationInput{Active: ptr(false)}); err != nil {
			t.Fatal(err)
		}
		later := e.obligation(t, reports.ObligationInput{Name: ptr("下月开始"), ActiveFrom: ptr(calendar.MustDate("2026-12-01"))})
		zero := e.zero(t)
		// A file uploaded for another slot (柳溪镇's) cannot be claimed by 青石镇.
		srv := e.f.NewServer(t)
		lx := srv.Login(t, "lx_admin")
		up := lx.Upload("/api/v1/files", map[string]string{"object_type": "report_submission",
			"object_id": reports.SlotKey(o.ID, e.unit("LX"), calendar.MustDate("2026-11-26"))}, "现场.pdf", []byte("%PDF-1.4 test"))
		if up.Status != 201 {
			t.Fatalf("upload %d %s", up.Status, up.Body)
		}
		otherFile := up.JSON()["id"].(float64)

		today := calendar.MustDate("2026-11-26")
		good := func() map[string]any { return map[string]any{"amount": 12.5} }
		with := func(k string, v any) map[string]any { m := good(); m[k] = v; return m }
		without := func(k string) map[string]any { m := good(); delete(m, k); return m }
		cases := []struct {
			name  string
			ob    *reports.Obligation
			who   string
			in    reports.SubmissionInput
			field string
			zh    string
		}{
			{"required field missing", o, "qs_admin", reports.SubmissionInput{DueOn: today, Values: without("amount")}, "values.amount", "“完成投资”不能为空"},
			{"number above max", o, "qs_admin", reports.SubmissionInput{DueOn: today, Values: with("amount", 1000.5)}, "values.amount", "不能大于1000万元"},
			{"number below min", o, "qs_admin", reports.SubmissionInput{DueOn: today, Values: with("amount", -1)}, "values.amount", "不能小于0万元"},
			{"number as text", o, "qs_admin", reports.SubmissionInput{DueOn: today, Values: with("amount", "十二")}, "values.amount", "应为数字"},
			{"choice not offered", o, "qs_admin", reports.SubmissionInput{DueOn: today, Values: with("level", "重大")}, "values.level", "一般、较大"},
			{"bad date", o, "qs_admin", reports.SubmissionInput{DueOn: today, Values: with("day", "2026/11/26")}, "values.day", "YYYY-MM-DD"},
			{"yes/no as text", o, "qs_admin", reports.SubmissionInput{DueOn: today, Values: with("flag", "是")}, "values.flag", "“是”或“否”"},
			{"required_if", o, "qs_admin", reports.SubmissionInput{DueOn: today, Values: with("flag", true)}, "values.content", "“协调事项”不能为空"},
			{"unknown field", o, "qs_admin", reports.SubmissionInput{DueOn: today, Values: with("bogus", 1)}, "values.bogus", "没有字段"},
			{"another slot's file", o, "qs_admin", reports.SubmissionInput{DueOn: today, Values: with("files", []any{otherFile})}, "values.files",
				"不是为本次报送上传的"},
			{"files not a list", o, "qs_admin", reports.SubmissionInput{DueOn: today, Values: with("files", "a.pdf")}, "values.files", "附件编号"},
			{"unit not obligated", villages, "qs_admin", reports.SubmissionInput{DueOn: today, Values: good()}, "unit_id", "“青石镇”不在报送任务“村级专报”的报送单位中"},
			{"future cycle", o, "qs_admin", reports.SubmissionInput{DueOn: calendar.MustDate("2026-11-27"), Values: good()}, "due_on", "尚未开始"},
			{"not a due date (Saturday)", o, "qs_admin", reports.SubmissionInput{DueOn: calendar.MustDate("2026-11-28"), Values: good()}, "due_on",
				"不是报送任务"},
			{"no cycle given", o, "qs_admin", reports.SubmissionInput{Values: good()}, "due_on", "请选择报送周期"},
			{"before the obligation starts", later, "qs_admin", reports.SubmissionInput{DueOn: today, Values: good()}, "due_on", "有效期"},
			{"inactive obligation", inactive, "qs_admin", reports.SubmissionInput{DueOn: today, Values: good()}, "due_on", "已停用"},
			{"nothing where the form is needed", o, "qs_admin", reports.SubmissionInput{DueOn: today, Nothing: true}, "nothing", "请填写表单"},
			{"nothing with values", zero, "qs_admin", reports.SubmissionInput{DueOn: today, Nothing: true,
				Values: map[string]any{"has_matters": false}}, "values", "不应再填写"},
			{"zero report: a matter without its content", zero, "qs_admin", reports.SubmissionInput{DueOn: today,
				Values: map[string]any{"has_matters": true, "content": " "}}, "values.content", "“事项内容”不能为空"},
		}
		t.Run("out of scope: an obligation of 柳溪镇 only, or 柳溪镇's unit named by 青石镇", func(t *testing.T) {
			_, err := e.s.Submit(ctx, e.user("qs_admin"), lxOnly.ID, reports.SubmissionInput{DueOn: today, Values: good()})
			checkErr(t, err, NF)
			_, err = e.s.Submit(ctx, e.user("qs_admin"), o.ID, reports.SubmissionInput{UnitID: e.unit("LX"), DueOn: today, Values: good()})
			checkErr(t, err, NF)
			_, err = e.s.Submit(ctx, e.user("qs_admin"), o.ID, reports.SubmissionInput{UnitID: 999999, DueOn: today, Values: good()})
			checkErr(t, err, NF)
			if n := e.count(t, `SELECT COUNT(*) FROM report_submissions`); n != 0 {
				t.Fatalf("%d rows", n)
			}
		})
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				head := e.head(t)
				in := c.in
				_, err := e.s.Submit(ctx, e.user(c.who), c.ob.ID, in)
				checkErr(t, err, V(c.field))
				if msg := fieldMsg(err, c.field); !strings.Contains(msg, c.zh) {
					t.Fatalf("message %q does not say %q", msg, c.zh)
				}
				if n := e.count(t, `SELECT COUNT(*) FROM report_submissions`); n != 0 || e.head(t) != head {
					t.Fatalf("a refused submission changed something (%d rows)", n)
				}
			})
		}

		t.Run("a unit that joined later is not obligated for earlier cycles", func(t *testing.T) {
			ob := e.obligation(t, reports.ObligationInput{Name: ptr("补充单位"), ActiveFrom: ptr(calendar.MustDate("2026-11-20")), UnitIDs: e.units("LX")})
			if _, err := e.s.UpdateObligation(ctx, e.user("supervisor"), ob.ID, reports.ObligationInput{UnitIDs: e.units("LX", "QS")}); err != nil {
				t.Fatal(err)
			}
			_, err := e.s.Submit(ctx, e.user("qs_admin"), ob.ID, reports.SubmissionInput{DueOn: calendar.MustDate("2026-11-25"), Values: good()})
			checkErr(t, err, V("due_on"))
			tab, err := e.s.CycleTable(ctx, e.user("supervisor"), ob.ID, calendar.MustDate("2026-11-25"))
			if err != nil || len(tab.Rows) != 1 || tab.Rows[0].Unit.Name != "柳溪镇" {
				t.Fatalf("earlier cycle lists %+v %v", tab, err)
			}
			if _, err := e.s.Submit(ctx, e.user("qs_admin"), ob.ID, reports.SubmissionInput{DueOn: today, Values: good()}); err != nil {
				t.Fatalf("today's cycle: %v", err)
			}
			if _, err := d.W.ExecContext(ctx, `DELETE FROM report_submissions`); err != nil {
				t.Fatal(err)
			}
		})

		t.Run("a good submission with its own file", func(t *testing.T) {
			qs := srv.Login(t, "qs_staff")
			up := qs.Upload("/api/v1/files", map[string]string{"object_type": "report_submission",
				"object_id": reports.SlotKey(o.ID, e.unit("QS"), today)}, "照片.pdf", []byte("%PDF-1.4 qs"))
			if up.Status != 201 {
				t.Fatalf("upload %d %s", up.Status, up.Body)
			}
			r := qs.Do("POST", "/api/v1/report-obligations/"+idStr(o.ID)+"/submissions", map[string]any{"due_on": "2026-11-26",
				"values": map[string]any{"amount": 12, "level": "较大", "day": "2026-11-25", "flag": true, "content": "需协调用地",
					"files": []any{up.JSON()["id"]}}})
			if r.Status != 201 {
				t.Fatalf("submit %d %s", r.Status, r.Body)
			}
			sub, err := e.s.GetSubmission(ctx, e.user("supervisor"), int64(r.JSON()["id"].(float64)))
			if err != nil || len(sub.Files) != 1 || sub.Files[0].Name != "照片.pdf" || sub.Values["amount"] != 12.0 {
				t.Fatalf("submission %+v %v", sub, err)
			}
			// Another slot's upload is refused by the attachments owner: 青石镇 cannot upload to 柳溪镇's slot.
			bad := qs.Upload("/api/v1/files", map[string]string{"object_type": "report_submission",
				"object_id": reports.SlotKey(o.ID, e.unit("LX"), today)}, "x.pdf", []byte("%PDF-1.4 x"))
			if bad.Status != 404 {
				t.Fatalf("upload to another unit's slot: %d %s", bad.Status, bad.Body)
			}
		})
	})
}
