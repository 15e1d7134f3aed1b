package xlsx

import (
	"bytes"
	"testing"

	"github.com/xuri/excelize/v2"
)

func TestWithErrors(t *testing.T) {
	upload := build(t, func(x fx) {
		x.set("A1", "示范区单位名册（2026年）")
		x.merge("A1", "F1")
		x.row(3, unitHeader...)
		x.row(4, "DW001", "区委办", "区直部门", 46295, 12, "是")
		x.row(5, "", "城关镇", "乡镇", 46296, "十二", "是")
		x.row(6, "DW003", "东关村", "村/社区", "2026年13月1日", 3, "否")
		x.row(7, "DW004", "西关村", "村/社区", "", "", "")
		date, err := x.f.NewStyle(&excelize.Style{NumFmt: 14, Font: &excelize.Font{Bold: true}})
		x.must(err)
		x.must(x.f.SetCellStyle(sh, "D4", "D7", date))
		_, err = x.f.NewSheet("附表")
		x.must(err)
		x.must(x.f.SetCellValue("附表", "A1", "保留"))
	})
	tb, errs := mustRead(t, upload, unitSpec)
	out, err := WithErrors(bytes.NewReader(upload), int64(len(upload)), tb.HeaderRow, errs)
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	eq(t, "sheets", f.GetSheetList(), []string{"Sheet1", "附表"})
	got, _ := f.GetRows(sh, excelize.Options{RawCellValue: true})
	eq(t, "header", got[2], append(toStrings(unitHeader), errorHeader))
	eq(t, "good row untouched", got[3], []string{"DW001", "区委办", "区直部门", "46295", "12", "是"})
	eq(t, "bad row", got[4], []string{"", "城关镇", "乡镇", "46296", "十二", "是",
		"“单位编码”不能为空；“类型”应为：区直部门、乡镇/街道、村/社区 之一，实际为“乡镇”；“人数”：应为整数，实际为“十二”"})
	eq(t, "second bad row", got[5][6], "“成立日期”：无法识别的日期“2026年13月1日”")
	eq(t, "trailing good row", len(got[6]), 3)

	for _, c := range []struct {
		cell string
		fill []string
	}{{"B4", nil}, {"D4", nil}, {"B5", []string{errorFill}}, {"D5", []string{errorFill}}, {"G5", []string{errorFill}}, {"A7", nil}} {
		eq(t, c.cell+" fill", cellStyle(t, f, sh, c.cell).Fill.Color, c.fill)
	}
	// A highlighted date cell still shows as a date, bold as before.
	ds := cellStyle(t, f, sh, "D5")
	eq(t, "date format kept", [2]any{ds.NumFmt, ds.Font.Bold}, [2]any{14, true})
	shown, _ := f.GetCellValue(sh, "D5")
	if shown == "46296" {
		t.Error("date cell lost its number format")
	}

	// The report can be fixed and uploaded again: the extra column is ignored.
	_, again := mustRead(t, out, unitSpec)
	eq(t, "errors on re-read", messages(again), messages(errs))
}

func TestWithErrorsRefusesHostileFile(t *testing.T) {
	if _, err := WithErrors(bytes.NewReader([]byte("%PDF-1.4")), 8, 1, nil); err == nil {
		t.Error("want an error for a PDF")
	}
}

func toStrings(v []any) []string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = x.(string)
	}
	return s
}
