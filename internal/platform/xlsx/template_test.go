package xlsx

import (
	"bytes"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func TestTemplate(t *testing.T) {
	data, err := Template(unitSpec)
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	eq(t, "sheets", f.GetSheetList(), []string{"单位", guideSheet})
	rows, _ := f.GetRows("单位")
	eq(t, "header", rows[0], []string{"*单位编码", "*单位名称", "*类型", "成立日期", "人数", "是否启用"})
	eq(t, "example", rows[1], []string{"DW001", "示范区办公室", "区直部门", "2026-09-30", "12", "是"})
	eq(t, "required header", cellStyle(t, f, "单位", "A1").Font, &excelize.Font{Bold: true, Color: "C00000"})
	hs := cellStyle(t, f, "单位", "D1")
	eq(t, "optional header", [2]any{hs.Font.Bold, hs.Fill.Color}, [2]any{true, []string{headerFill}})
	es := cellStyle(t, f, "单位", "A2")
	eq(t, "example style", [2]any{es.Font.Italic, es.Font.Color}, [2]any{true, "808080"})
	panes, _ := f.GetPanes("单位")
	eq(t, "frozen", [2]any{panes.Freeze, panes.YSplit}, [2]any{true, 1})

	dvs, _ := f.GetDataValidations("单位")
	lists := map[string]string{}
	for _, dv := range dvs {
		lists[dv.Sqref] = dv.Formula1
	}
	eq(t, "enum drop-down", lists["C2:C1048576"], `"区直部门,乡镇/街道,村/社区"`)
	eq(t, "bool drop-down", lists["F2:F1048576"], `"是,否"`)

	guide, _ := f.GetRows(guideSheet)
	text := ""
	for _, r := range guide {
		text += strings.Join(r, "|") + "\n"
	}
	for _, want := range []string{
		"列名|是否必填|类型|可选值/格式|填写说明|示例",
		"单位编码|必填|文本||区里统一分配的编码|DW001",
		"类型|必填|选项|区直部门、乡镇/街道、村/社区||区直部门",
		"成立日期|选填|日期|如 2026-09-30",
		"是否启用|选填|是/否|是、否",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("填写说明 lacks %q:\n%s", want, text)
		}
	}
}

func TestTemplateReadsBack(t *testing.T) {
	data, err := Template(unitSpec)
	if err != nil {
		t.Fatal(err)
	}
	tb, errs := mustRead(t, data, unitSpec)
	eq(t, "untouched template", [3]any{tb.HeaderRow, len(tb.Rows), len(errs)}, [3]any{1, 0, 0})

	f, _ := excelize.OpenReader(bytes.NewReader(data))
	defer f.Close()
	f.SetSheetRow("单位", "A3", &[]any{"DW009", "城关镇", "乡镇/街道", "2026/1/5", 30, "否"})
	buf, _ := f.WriteToBuffer()
	tb, errs = mustRead(t, buf.Bytes(), unitSpec)
	eq(t, "errors", messages(errs), nil)
	eq(t, "filled row", nums(tb.Rows), []int{3})
	eq(t, "founded", tb.Rows[0].Values["founded"], "2026-01-05")
}

func TestTemplateOddNames(t *testing.T) {
	spec := Spec{Name: "单位/部门[2026]:名册*？很长很长很长很长很长很长很长很长很长很长", Columns: []Column{
		{Key: "x", Header: "选项", Kind: Enum, Enum: []string{"甲,乙", "丙"}, Help: strings.Repeat("说明", 200)},
	}}
	data, err := Template(spec)
	if err != nil {
		t.Fatal(err)
	}
	f, _ := excelize.OpenReader(bytes.NewReader(data))
	defer f.Close()
	name := f.GetSheetName(0)
	if strings.ContainsAny(name, `/[]:*?`) || len([]rune(name)) > 31 {
		t.Errorf("sheet name %q", name)
	}
	if _, err := Template(Spec{Name: "空"}); err == nil {
		t.Error("spec without columns: want an error")
	}
}
