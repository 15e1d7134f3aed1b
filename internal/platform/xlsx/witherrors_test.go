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
		x.must(x.f.SetColWidth(sh, "B", "B", 20))
		x.must(x.f.SetColWidth(sh, "J", "K", 5)) // after the new column: it must slot in before
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

	widths := map[string]float64{}
	for _, c := range []string{"B", "G", "J"} {
		widths[c], _ = f.GetColWidth(sh, c)
	}
	eq(t, "widths", widths, map[string]float64{"B": 20, "G": 50, "J": 5})
	if v, _ := f.GetCellValue("附表", "A1"); v != "保留" {
		t.Error("other sheet lost")
	}

	// The report can be fixed and uploaded again: the extra column is ignored.
	_, again := mustRead(t, out, unitSpec)
	eq(t, "errors on re-read", messages(again), messages(errs))
}

// Some tools write a namespace prefix, leave out r attributes and the
// styles part; a row may also be missing from the sheet altogether.
func TestWithErrorsOddSheetXML(t *testing.T) {
	is := func(s string) string { return `<x:c t="inlineStr"><x:is><x:t>` + s + `</x:t></x:is></x:c>` }
	upload := sheetXLSX(t, `<?xml version="1.0" encoding="UTF-8"?>`+
		`<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>`+
		`<x:row>`+is("单位编码")+is("单位名称")+is("类型")+`</x:row>`+
		`<x:row>`+is("DW001")+`<x:c/>`+is("乡镇")+`</x:row>`+
		`<x:row spans="1:3">`+is("DW002")+is("东关村")+is("村/社区")+`</x:row>`+
		`</x:sheetData></x:worksheet>`)
	tb, errs := mustRead(t, upload, unitSpec)
	eq(t, "rows", nums(tb.Rows), []int{2, 3})
	errs = append(errs, CellError{Row: 5, Column: "类型", Message: "“类型”有误"})
	out, err := WithErrors(bytes.NewReader(upload), int64(len(upload)), tb.HeaderRow, errs)
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := f.GetRows(sh)
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "rows", got, [][]string{
		{"单位编码", "单位名称", "类型", errorHeader},
		{"DW001", "", "乡镇", "“单位名称”不能为空；“类型”应为：区直部门、乡镇/街道、村/社区 之一，实际为“乡镇”"},
		{"DW002", "东关村", "村/社区"},
		nil,
		{"", "", "", "“类型”有误"},
	})
	style, _ := f.GetCellStyle(sh, "B2")
	eq(t, "no styles part, so no style", style, 0)
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

func BenchmarkWithErrors100k(b *testing.B) {
	data := exportUnits(b, 100_000)
	var errs []CellError
	for r := 3; r < 100_002; r += 100 { // 1,000 bad rows
		errs = append(errs, CellError{Row: r, Column: "人数", Message: "“人数”：应为整数，实际为“十二”"})
	}
	for b.Loop() {
		if _, err := WithErrors(bytes.NewReader(data), int64(len(data)), 2, errs); err != nil {
			b.Fatal(err)
		}
	}
}
