package xlsx

import (
	"errors"
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"
)

const guideSheet = "填写说明"

var kindNames = map[Kind]string{Text: "文本", Int: "整数", Date: "日期", Bool: "是/否", Enum: "选项"}

// Template returns a blank workbook for spec: sheet 1 with the header
// (required columns marked *) and one grey example row that Read skips
// while it is left unchanged; sheet 2 "填写说明" explains every column.
func Template(spec Spec) ([]byte, error) {
	if len(spec.Columns) == 0 {
		return nil, errors.New("xlsx: spec has no columns")
	}
	f := excelize.NewFile()
	defer f.Close()
	sheet := safeSheetName(spec.Name, "Sheet1")
	if sheet == guideSheet {
		sheet = "数据"
	}
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, err
	}
	st, err := newStyles(f)
	if err != nil {
		return nil, err
	}
	exampleStyle, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Italic: true, Color: "808080"}})
	if err != nil {
		return nil, err
	}
	// Text columns are formatted as text so 18-digit ID numbers survive.
	textStyle, err := f.NewStyle(&excelize.Style{NumFmt: 49})
	if err != nil {
		return nil, err
	}
	for i, c := range spec.Columns {
		name, _ := excelize.ColumnNumberToName(i + 1)
		header, style := c.Header, st.header
		if c.Required {
			header, style = "*"+c.Header, st.required
		}
		width := c.Width
		if width <= 0 {
			width = autoWidth(header, c.Example) + 2
		}
		var steps []func() error
		if c.Kind == Text { // before the cell styles: SetColStyle restyles existing cells
			steps = append(steps, func() error { return f.SetColStyle(sheet, name, textStyle) })
		}
		steps = append(steps,
			func() error { return f.SetColWidth(sheet, name, name, width) },
			func() error { return f.SetCellStr(sheet, name+"1", header) },
			func() error { return f.SetCellStyle(sheet, name+"1", name+"1", style) },
			func() error { return f.SetCellStr(sheet, name+"2", c.Example) },
			func() error { return f.SetCellStyle(sheet, name+"2", name+"2", exampleStyle) },
			func() error { return addValidation(f, sheet, name, &c) },
		)
		for _, step := range steps {
			if err := step(); err != nil {
				return nil, err
			}
		}
	}
	if err := f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return nil, err
	}
	if err := writeGuide(f, spec, st); err != nil {
		return nil, err
	}
	f.SetActiveSheet(0)
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// addValidation gives Enum and Bool columns a drop-down and shows Help when
// a cell is selected. Excel allows one validation per range, so both go in one.
func addValidation(f *excelize.File, sheet, col string, c *Column) error {
	dv := excelize.NewDataValidation(true)
	dv.Sqref = fmt.Sprintf("%s2:%s%d", col, col, excelize.TotalRows)
	used := false
	var list []string
	switch c.Kind {
	case Enum:
		list = c.Enum
	case Bool:
		list = []string{"是", "否"}
	}
	// Items with commas cannot be written inline; long lists exceed Excel's
	// 255 characters. Both fall back to the guide sheet only.
	if len(list) > 0 && !strings.Contains(strings.Join(list, ""), ",") && dv.SetDropList(list) == nil {
		dv.SetError(excelize.DataValidationErrorStyleStop, "输入有误", "请从下拉列表中选择")
		used = true
	}
	if help := truncate(c.Help, 250); help != "" {
		dv.SetInput(truncate(c.Header, 30), help)
		used = true
	}
	if !used {
		return nil
	}
	return f.AddDataValidation(sheet, dv)
}

func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

func writeGuide(f *excelize.File, spec Spec, st styles) error {
	if _, err := f.NewSheet(guideSheet); err != nil {
		return err
	}
	wrap, err := f.NewStyle(&excelize.Style{Border: thin, Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}})
	if err != nil {
		return err
	}
	notes := []string{
		"1. 请在第一个工作表中填写，表头文字请勿修改；带 * 的列为必填。",
		"2. 第 2 行灰色斜体为示例，保持原样时导入会自动忽略，也可直接删除。",
		"3. 表头上方可以保留标题行；日期可填 2026-09-30、2026/9/30、2026年9月30日 或 Excel 日期。",
		fmt.Sprintf("4. 单个文件不超过 %s、%d 行。", sizeText(DefaultLimits().MaxFileBytes), DefaultLimits().MaxRows),
	}
	heads := []string{"列名", "是否必填", "类型", "可选值/格式", "填写说明", "示例"}
	widths := []float64{18, 10, 8, 30, 40, 20}
	rows := [][]string{heads}
	for _, c := range spec.Columns {
		required := "选填"
		if c.Required {
			required = "必填"
		}
		rows = append(rows, []string{c.Header, required, kindNames[c.Kind], allowed(c), c.Help, c.Example})
	}
	first := len(notes) + 2 // a blank row between notes and table
	for i, n := range notes {
		if err := f.SetCellStr(guideSheet, fmt.Sprintf("A%d", i+1), n); err != nil {
			return err
		}
	}
	for i, row := range rows {
		cell := fmt.Sprintf("A%d", first+i)
		if err := f.SetSheetRow(guideSheet, cell, &row); err != nil {
			return err
		}
		style := wrap
		if i == 0 {
			style = st.header
		}
		end, _ := excelize.CoordinatesToCellName(len(row), first+i)
		if err := f.SetCellStyle(guideSheet, cell, end, style); err != nil {
			return err
		}
	}
	for i, w := range widths {
		name, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetColWidth(guideSheet, name, name, w); err != nil {
			return err
		}
	}
	return nil
}

// allowed describes the values a column accepts, for the guide sheet.
func allowed(c Column) string {
	switch c.Kind {
	case Enum:
		return strings.Join(c.Enum, "、")
	case Bool:
		return "是、否（也可填 Y/N、1/0、√/×）"
	case Date:
		return "如 2026-09-30，也可填 2026/9/30、2026年9月30日"
	case Int:
		return "整数，如 12"
	}
	return ""
}
