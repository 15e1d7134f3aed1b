package xlsx

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

var unitSpec = Spec{Name: "单位", Columns: []Column{
	{Key: "code", Header: "单位编码", Aliases: []string{"编码", "单位代码"}, Required: true, Example: "DW001", Help: "区里统一分配的编码"},
	{Key: "name", Header: "单位名称", Required: true, Example: "示范区办公室"},
	{Key: "type", Header: "类型", Required: true, Kind: Enum, Enum: []string{"区直部门", "乡镇/街道", "村/社区"}, Example: "区直部门"},
	{Key: "founded", Header: "成立日期", Kind: Date, Example: "2026-09-30"},
	{Key: "staff", Header: "人数", Kind: Int, Example: "12"},
	{Key: "active", Header: "是否启用", Kind: Bool, Example: "是"},
}}

var unitHeader = []any{"单位编码", "单位名称", "类型", "成立日期", "人数", "是否启用"}

const sh = "Sheet1"

// fx builds a fixture workbook on its first sheet.
type fx struct {
	t testing.TB
	f *excelize.File
}

func (x fx) must(err error) {
	x.t.Helper()
	if err != nil {
		x.t.Fatal(err)
	}
}

func (x fx) row(n int, vals ...any) {
	x.t.Helper()
	x.must(x.f.SetSheetRow(sh, fmt.Sprintf("A%d", n), &vals))
}

func (x fx) set(cell string, v any) {
	x.t.Helper()
	x.must(x.f.SetCellValue(sh, cell, v))
}

func (x fx) merge(a, b string) {
	x.t.Helper()
	x.must(x.f.MergeCell(sh, a, b))
}

func build(t testing.TB, fill func(x fx)) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	fill(fx{t, f})
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func read(data []byte, spec Spec, lim Limits) (*Table, []CellError, error) {
	return Read(bytes.NewReader(data), int64(len(data)), spec, lim, nil)
}

func mustRead(t *testing.T, data []byte, spec Spec) (*Table, []CellError) {
	t.Helper()
	tb, errs, err := read(data, spec, Limits{})
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	return tb, errs
}

func nums(rows []Row) []int {
	var n []int
	for _, r := range rows {
		n = append(n, r.Num)
	}
	return n
}

func values(rows []Row, key string) []string {
	var v []string
	for _, r := range rows {
		v = append(v, r.Values[key])
	}
	return v
}

func eq[T any](t *testing.T, what string, got, want T) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s = %#v, want %#v", what, got, want)
	}
}

func messages(errs []CellError) []string {
	var m []string
	for _, e := range errs {
		m = append(m, e.Error())
	}
	return m
}

func TestReadFindsHeaderBelowTitleRows(t *testing.T) {
	cases := []struct {
		name   string
		titles func(x fx) // rows above the header
		header int
	}{
		{"no title", func(fx) {}, 1},
		{"title merged across", func(x fx) {
			x.set("A1", "示范区单位名册（2026年）")
			x.merge("A1", "F1")
		}, 2},
		{"title, blank row", func(x fx) {
			x.set("A1", "示范区单位名册（2026年）")
			x.merge("A1", "F1")
		}, 3},
		{"two titles and a note", func(x fx) {
			x.set("A1", "示范区单位名册")
			x.merge("A1", "F1")
			x.set("A2", "填报单位：区委办　　填报日期：2026年9月30日")
			x.merge("A2", "F2")
		}, 4},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := c.header
			tb, errs := mustRead(t, build(t, func(x fx) {
				c.titles(x)
				x.row(h, unitHeader...)
				x.row(h+1, "DW001", "区委办", "区直部门", "2026-01-02", 12, "是")
				x.row(h+2, "DW002", "城关镇", "乡镇/街道", "", "", "否")
			}), unitSpec)
			eq(t, "errors", messages(errs), nil)
			eq(t, "HeaderRow", tb.HeaderRow, h)
			eq(t, "row numbers", nums(tb.Rows), []int{h + 1, h + 2})
			eq(t, "first row", tb.Rows[0].Values, map[string]string{
				"code": "DW001", "name": "区委办", "type": "区直部门", "founded": "2026-01-02", "staff": "12", "active": "true",
			})
			eq(t, "second row", tb.Rows[1].Values, map[string]string{"code": "DW002", "name": "城关镇", "type": "乡镇/街道", "active": "false"})
		})
	}
}

func TestReadHeaderProblems(t *testing.T) {
	cases := []struct {
		name string
		fill func(x fx)
		want []string
	}{
		{"no header at all", func(x fx) {
			x.row(1, "姓名", "年龄")
			x.row(2, "张三", 30)
		}, []string{"未找到表头", "“单位编码”、“单位名称”、“类型”"}},
		{"header below row 10", func(x fx) {
			x.row(11, unitHeader...)
			x.row(12, "DW001", "区委办", "区直部门")
		}, []string{"未找到表头", "前 10 行"}},
		{"required column missing", func(x fx) {
			x.set("A1", "单位名册")
			x.row(2, "编码", "单位名称", "成立日期")
			x.row(3, "DW001", "区委办", "2026-01-02")
		}, []string{"缺少必填列：“类型”", "第 2 行"}},
		{"two required columns missing", func(x fx) {
			x.row(1, "单位名称", "人数")
		}, []string{"缺少必填列：“单位编码”、“类型”"}},
		{"empty sheet", func(fx) {}, []string{"未找到表头"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := read(build(t, c.fill), unitSpec, Limits{})
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("err = %v, want *FileError", err)
			}
			for _, w := range c.want {
				if !strings.Contains(fe.Message, w) {
					t.Errorf("message %q lacks %q", fe.Message, w)
				}
			}
			if fe.MessageEN == "" {
				t.Error("MessageEN empty")
			}
		})
	}
}

func TestReadHeaderAliasesAndMarks(t *testing.T) {
	tb, errs := mustRead(t, build(t, func(x fx) {
		// Alias, our template's * mark, full-width brackets and a line break.
		x.row(1, "单位代码", "*单位名称", "类型（必填）", "成立\n日期")
		x.row(2, "DW001", "区委办", "区直部门", "2026/9/30")
	}), unitSpec)
	eq(t, "errors", messages(errs), nil)
	eq(t, "values", tb.Rows[0].Values, map[string]string{"code": "DW001", "name": "区委办", "type": "区直部门", "founded": "2026-09-30"})
	eq(t, "missing", tb.Missing, []string{"staff", "active"})
}

var contactSpec = Spec{Name: "联系人", Columns: []Column{
	{Key: "name", Header: "单位名称", Required: true},
	{Key: "contact", Header: "联系人姓名", Aliases: []string{"姓名"}, Required: true},
	{Key: "phone", Header: "联系人电话", Aliases: []string{"电话"}},
}}

func TestReadTwoRowMergedHeader(t *testing.T) {
	plain := Spec{Name: "联系人", Columns: []Column{
		{Key: "name", Header: "单位名称", Required: true},
		{Key: "contact", Header: "姓名", Required: true},
		{Key: "phone", Header: "电话"},
	}}
	// Title on row 1; 单位名称 spans rows 2-3; 联系人 spans the two columns
	// below it. (Writing A3 would clear A2: excelize writes merged cells to
	// their top-left, hence the lower rows start at B3.)
	merged := func(x fx) {
		x.set("A1", "联系人名单")
		x.merge("A1", "C1")
		x.set("A2", "单位名称")
		x.merge("A2", "A3")
		x.set("B2", "联系人")
		x.merge("B2", "C2")
		x.must(x.f.SetSheetRow(sh, "B3", &[]any{"姓名", "电话"}))
	}
	cases := []struct {
		name   string
		spec   Spec
		header func(x fx)
		cols   string // the columns holding name, contact, phone
	}{
		{"combined label", contactSpec, merged, "ABC"},
		{"lower label", plain, merged, "ABC"},
		{"top cell not merged down", contactSpec, func(x fx) {
			x.set("A2", "单位名称")
			x.set("B2", "联系人")
			x.merge("B2", "C2")
			x.must(x.f.SetSheetRow(sh, "B3", &[]any{"姓名", "电话"}))
		}, "ABC"},
		{"combined label picks its group", contactSpec, func(x fx) {
			x.set("A2", "单位名称")
			x.merge("A2", "A3")
			x.set("B2", "负责人")
			x.merge("B2", "C2")
			x.set("D2", "联系人")
			x.merge("D2", "E2")
			x.must(x.f.SetSheetRow(sh, "B3", &[]any{"姓名", "电话", "姓名", "电话"}))
		}, "ADE"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tb, errs := mustRead(t, build(t, func(x fx) {
				c.header(x)
				for i, v := range []string{"区委办", "王五", "13800000000"} {
					x.set(c.cols[i:i+1]+"4", v)
				}
			}), c.spec)
			eq(t, "errors", messages(errs), nil)
			eq(t, "HeaderRow", tb.HeaderRow, 3)
			eq(t, "values", tb.Rows[0].Values, map[string]string{"name": "区委办", "contact": "王五", "phone": "13800000000"})
		})
	}
}

func TestReadMergedDataCells(t *testing.T) {
	spec := Spec{Name: "村", Columns: []Column{
		{Key: "town", Header: "乡镇", Required: true},
		{Key: "village", Header: "村（社区）", Required: true},
		{Key: "note", Header: "备注"},
	}}
	tb, errs := mustRead(t, build(t, func(x fx) {
		x.row(1, "乡镇", "村（社区）", "备注")
		x.set("A2", "城关镇")
		x.merge("A2", "A4")
		x.set("B2", "东关村")
		x.set("B3", "西关村")
		x.set("B4", "南关社区")
		// Merged down past the last village: rows 6-7 are otherwise empty.
		x.set("A5", "河口镇")
		x.merge("A5", "A7")
		x.set("B5", "河口村")
		// A note merged across two villages' rows and two columns.
		x.set("B8", "新建村")
		x.set("A8", "河口镇")
		x.set("C8", "2026年新设")
		x.merge("C8", "C9")
		x.set("A9", "河口镇")
		x.set("B9", "新区社区")
	}), spec)
	eq(t, "errors", messages(errs), nil)
	eq(t, "rows", nums(tb.Rows), []int{2, 3, 4, 5, 8, 9})
	eq(t, "towns", values(tb.Rows, "town"), []string{"城关镇", "城关镇", "城关镇", "河口镇", "河口镇", "河口镇"})
	eq(t, "villages", values(tb.Rows, "village"), []string{"东关村", "西关村", "南关社区", "河口村", "新建村", "新区社区"})
	eq(t, "notes", values(tb.Rows, "note"), []string{"", "", "", "", "2026年新设", "2026年新设"})
}

func TestReadDates(t *testing.T) {
	spec := Spec{Name: "日期", Columns: []Column{{Key: "d", Header: "成立日期", Kind: Date}}}
	cases := []struct {
		name string
		set  func(x fx, cell string)
		want string
	}{
		{"serial via SetCellFloat", func(x fx, c string) { x.must(x.f.SetCellFloat(sh, c, 46295, -1, 64)) }, "2026-09-30"},
		{"serial via SetCellValue", func(x fx, c string) { x.set(c, 46295.0) }, "2026-09-30"},
		{"serial with time of day", func(x fx, c string) { x.set(c, 46295.75) }, "2026-09-30"},
		{"time.Time cell", func(x fx, c string) { x.set(c, time.Date(2026, 9, 30, 0, 0, 0, 0, time.UTC)) }, "2026-09-30"},
		{"年月日", func(x fx, c string) { x.set(c, "2026年9月30日") }, "2026-09-30"},
		{"slashes", func(x fx, c string) { x.set(c, "2026/9/30") }, "2026-09-30"},
		{"ISO", func(x fx, c string) { x.set(c, "2026-09-30") }, "2026-09-30"},
		{"dots", func(x fx, c string) { x.set(c, "2026.9.30") }, "2026-09-30"},
		{"compact text", func(x fx, c string) { x.set(c, "20260930") }, "2026-09-30"},
		{"compact number", func(x fx, c string) { x.set(c, 20260930) }, "2026-09-30"},
		{"full-width", func(x fx, c string) { x.set(c, "２０２６年９月３０日") }, "2026-09-30"},
		{"with time", func(x fx, c string) { x.set(c, "2026-09-30 08:30:00") }, "2026-09-30"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tb, errs := mustRead(t, build(t, func(x fx) {
				x.row(1, "成立日期")
				c.set(x, "A2")
			}), spec)
			eq(t, "errors", messages(errs), nil)
			eq(t, "value", values(tb.Rows, "d"), []string{c.want})
		})
	}
}

func TestParseDate(t *testing.T) {
	cases := []struct {
		in       string
		date1904 bool
		want     string // "" = invalid
	}{
		{"46295", false, "2026-09-30"},
		{"44833", true, "2026-09-30"},
		{"1", false, "1900-01-01"},
		{"2024年2月29日", false, "2024-02-29"},
		{"2026 年 9 月 30 号", false, "2026-09-30"},
		{"2026-9-1", false, "2026-09-01"},
		{"2026-09-30T08:30", false, "2026-09-30"},
		{"2026年13月1日", false, ""},
		{"2026-02-30", false, ""},
		{"2025年2月29日", false, ""},
		{"2026/9-30", false, ""},
		{"20261301", false, ""},
		{"0", false, ""},
		{"-3", false, ""},
		{"99999999999", false, ""},
		{"2026年9月", false, ""},
		{"明年", false, ""},
	}
	for _, c := range cases {
		got, ok := parseDate(c.in, c.date1904)
		if ok != (c.want != "") || got != c.want {
			t.Errorf("parseDate(%q, %v) = %q, %v; want %q", c.in, c.date1904, got, ok, c.want)
		}
	}
}

func TestReadDate1904Workbook(t *testing.T) {
	spec := Spec{Name: "日期", Columns: []Column{{Key: "d", Header: "日期", Kind: Date}}}
	on := true
	tb, _ := mustRead(t, build(t, func(x fx) {
		x.must(x.f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &on}))
		x.row(1, "日期")
		x.must(x.f.SetCellFloat(sh, "A2", 44833, -1, 64))
	}), spec)
	eq(t, "value", values(tb.Rows, "d"), []string{"2026-09-30"})
}

func TestClean(t *testing.T) {
	cases := []struct{ in, want string }{
		{"ＡＢＣ１２３（）　", "ABC123()"},
		{"　示范区\u00a0 办公室 ", "示范区 办公室"},
		{"a \t\n  b", "a b"},
		{"\u200b单位\ufeff", "单位"},
		{"村／社区", "村/社区"},
		{"第一，第二；注意：好！对吗？", "第一，第二；注意：好！对吗？"},
		{"plain text", "plain text"},
		{"   ", ""},
		{"", ""},
	}
	for _, c := range cases {
		eq(t, fmt.Sprintf("Clean(%q)", c.in), Clean(c.in), c.want)
	}
}

func TestReadNormalizesText(t *testing.T) {
	spec := Spec{Name: "文本", Columns: []Column{
		{Key: "t", Header: "名称"},
		{Key: "n", Header: "人数", Kind: Int},
	}}
	cases := []struct {
		name       string
		set        func(x fx)
		text, nval string
	}{
		{"full-width", func(x fx) { x.row(2, "ＡＢＣ１２３（一）", "１２") }, "ABC123(一)", "12"},
		{"spaces and NBSP", func(x fx) { x.row(2, "\u00a0 城关镇  东关村\u3000", " 7 ") }, "城关镇 东关村", "7"},
		{"float written as 3.0", func(x fx) {
			x.must(x.f.SetCellFloat(sh, "A2", 3, 1, 64))
			x.must(x.f.SetCellFloat(sh, "B2", 3, 1, 64))
		}, "3", "3"},
		{"float artefact", func(x fx) {
			x.must(x.f.SetCellFloat(sh, "A2", 0.1+0.2, -1, 64))
			x.set("B2", "1,234")
		}, "0.3", "1234"},
		{"text that looks numeric stays", func(x fx) { x.row(2, "1.10", "5.0") }, "1.10", "5"},
		{"long ID number as text", func(x fx) { x.row(2, "330102199001011234", 0) }, "330102199001011234", "0"},
		{"long number in exponent form", func(x fx) {
			x.must(x.f.SetCellFloat(sh, "A2", 330102199001011234, -1, 64))
			x.set("B2", 1)
		}, "330102199001011000", "1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tb, errs := mustRead(t, build(t, func(x fx) {
				x.row(1, "名称", "人数")
				c.set(x)
			}), spec)
			eq(t, "errors", messages(errs), nil)
			eq(t, "text", values(tb.Rows, "t"), []string{c.text})
			eq(t, "int", values(tb.Rows, "n"), []string{c.nval})
		})
	}
}

func TestTidyNumber(t *testing.T) {
	for in, want := range map[string]string{
		"3.0": "3", "-12.000": "-12", "3.5": "3.5", "1.10": "1.10", "0.30000000000000004": "0.3",
		"3.3010219900101101E+17": "330102199001011000", "1.5E-3": "0.0015", "1E+30": "1E+30",
		"12345678901234567890": "12345678901234567890", "v1.0": "v1.0", "1.0.0": "1.0.0", "E5": "E5",
	} {
		eq(t, "tidyNumber("+in+")", tidyNumber(in), want)
	}
}

func TestReadBool(t *testing.T) {
	spec := Spec{Name: "b", Columns: []Column{{Key: "b", Header: "是否启用", Kind: Bool}}}
	in := []any{"是", "否", "Y", "n", "YES", "no", 1, 0, "1", "0", "TRUE", "false", true, false, "√", "×", "✓", "✗", "Ｙ"}
	want := []string{"true", "false", "true", "false", "true", "false", "true", "false", "true", "false",
		"true", "false", "true", "false", "true", "false", "true", "false", "true"}
	tb, errs := mustRead(t, build(t, func(x fx) {
		x.row(1, "是否启用")
		for i, v := range in {
			x.set(fmt.Sprintf("A%d", i+2), v)
		}
		x.set(fmt.Sprintf("A%d", len(in)+2), "可能")
	}), spec)
	eq(t, "values", values(tb.Rows, "b")[:len(in)], want)
	eq(t, "errors", messages(errs), []string{fmt.Sprintf("第%d行“是否启用”应为：是、否 之一，实际为“可能”", len(in)+2)})
}

func TestReadReportsEveryCellError(t *testing.T) {
	tb, errs := mustRead(t, build(t, func(x fx) {
		x.set("A1", "示范区单位名册（2026年）")
		x.merge("A1", "F1")
		x.row(3, unitHeader...)
		x.row(4, "DW001", "区委办", "区直部门", 46295, 12, "是")
		x.row(5, "DW002", "城关镇", "乡镇/街道", "2026年13月1日", "十二", "是")
		x.row(6, "", "", "乡镇", "", 3.5, "")
		x.row(7, "DW004", "东关村", "村 / 社区", "2026.2.30", "", "也许")
	}), unitSpec)
	eq(t, "rows kept", nums(tb.Rows), []int{4, 5, 6, 7})
	eq(t, "enum spelling normalized", tb.Rows[3].Values["type"], "村/社区")
	eq(t, "invalid value kept as cleaned text", tb.Rows[1].Values["founded"], "2026年13月1日")
	eq(t, "messages", messages(errs), []string{
		"第5行“成立日期”：无法识别的日期“2026年13月1日”",
		"第5行“人数”：应为整数，实际为“十二”",
		"第6行“单位编码”不能为空",
		"第6行“单位名称”不能为空",
		"第6行“类型”应为：区直部门、乡镇/街道、村/社区 之一，实际为“乡镇”",
		"第6行“人数”：应为整数，实际为“3.5”",
		"第7行“成立日期”：无法识别的日期“2026.2.30”",
		"第7行“是否启用”应为：是、否 之一，实际为“也许”",
	})
	eq(t, "structured error", errs[2], CellError{Row: 6, Column: "单位编码", Message: "“单位编码”不能为空"})
}

func TestReadSkipsEmptyRows(t *testing.T) {
	tb, errs := mustRead(t, build(t, func(x fx) {
		x.row(1, append([]any{"序号"}, unitHeader...)...)
		x.row(2, 1, "DW001", "区委办", "区直部门")
		x.row(4, 3, "DW003", "城关镇", "乡镇/街道") // row 3 fully empty
		x.row(5, 4, " ", "\u3000", "")       // blank-looking cells
		for r := 6; r <= 30; r++ {
			x.set(fmt.Sprintf("A%d", r), r-1) // pre-numbered 序号, nothing else
		}
		style, err := x.f.NewStyle(&excelize.Style{Fill: solid("FFFF00")})
		x.must(err)
		x.must(x.f.SetCellStyle(sh, "B40", "G60", style)) // styled but empty tail
	}), unitSpec)
	eq(t, "errors", messages(errs), nil)
	eq(t, "rows", nums(tb.Rows), []int{2, 4})
}

func TestReadSkipsExampleRow(t *testing.T) {
	example := []any{"DW001", "示范区办公室", "区直部门", "2026-09-30", "12", "是"}
	tb, errs := mustRead(t, build(t, func(x fx) {
		x.row(1, unitHeader...)
		x.row(2, example...)
		x.row(3, "DW001", "示范区办公室", "区直部门", 46295, 12, "Y") // same values, other spellings
		x.row(4, "DW001", "示范区办公室", "区直部门", "2026-09-30", "12", "否")
	}), unitSpec)
	eq(t, "errors", messages(errs), nil)
	eq(t, "rows", nums(tb.Rows), []int{4})
}

func TestReadUsesFirstVisibleSheet(t *testing.T) {
	cases := []struct {
		name        string
		hideFirst   bool
		wantRows    []int
		wantSheetOf string // where WithErrors writes
	}{
		{"first sheet", false, []int{2}, sh},
		{"first sheet hidden (drop-down lists)", true, []int{2, 3}, "数据"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			data := build(t, func(x fx) {
				x.row(1, unitHeader...)
				x.row(2, "DW001", "区委办", "区直部门")
				_, err := x.f.NewSheet("数据")
				x.must(err)
				x.must(x.f.SetSheetRow("数据", "A1", &unitHeader))
				x.must(x.f.SetSheetRow("数据", "A2", &[]any{"DW002", "城关镇", "乡镇/街道"}))
				x.must(x.f.SetSheetRow("数据", "A3", &[]any{"DW003", "东关村", "村"}))
				if c.hideFirst {
					x.f.SetActiveSheet(1)
					x.must(x.f.SetSheetVisible(sh, false))
				}
			})
			tb, errs := mustRead(t, data, unitSpec)
			eq(t, "rows", nums(tb.Rows), c.wantRows)
			out, err := WithErrors(bytes.NewReader(data), int64(len(data)), tb.HeaderRow, errs)
			if err != nil {
				t.Fatal(err)
			}
			f, _ := excelize.OpenReader(bytes.NewReader(out))
			defer f.Close()
			v, _ := f.GetCellValue(c.wantSheetOf, "G1")
			eq(t, "report column", v, errorHeader)
		})
	}
}

func TestReadProgress(t *testing.T) {
	data := exportUnits(t, 10_000)
	var calls [][2]int
	_, _, err := Read(bytes.NewReader(data), int64(len(data)), unitSpec, Limits{}, func(done, total int) {
		calls = append(calls, [2]int{done, total})
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(calls) < 3 {
		t.Fatalf("progress called %d times", len(calls))
	}
	for i, c := range calls {
		if c[0] > c[1] || (i > 0 && c[0] < calls[i-1][0]) {
			t.Errorf("call %d = %v", i, c)
		}
	}
	eq(t, "last call", calls[len(calls)-1], [2]int{10_002, 10_002}) // title + header + rows
}
