package xlsx

import (
	"bytes"
	"errors"
	"testing"
)

// readAndReport runs Read and, when it succeeds, WithErrors: both must
// refuse with a *FileError or succeed, never panic or hang.
func readAndReport(t *testing.T, data []byte) {
	lim := Limits{MaxUncompressedBytes: 8 << 20, MaxRows: 1000}
	tb, errs, err := Read(bytes.NewReader(data), int64(len(data)), unitSpec, lim, nil)
	var fe *FileError
	if err != nil {
		if !errors.As(err, &fe) {
			t.Fatalf("Read error %T %v", err, err)
		}
		return
	}
	if _, err := WithErrors(bytes.NewReader(data), int64(len(data)), tb.HeaderRow, errs); err != nil && !errors.As(err, &fe) {
		t.Fatalf("WithErrors error %T %v", err, err)
	}
}

// FuzzRead mangles whole workbooks, mostly exercising the zip checks.
func FuzzRead(f *testing.F) {
	f.Add(build(f, func(x fx) {
		x.set("A1", "单位名册")
		x.merge("A1", "C1")
		x.row(2, unitHeader...)
		x.row(3, "DW001", "区委办", "区直部门", 46295, 12, "是")
		x.row(4, "", "城关镇", "乡镇", "2026年13月1日")
	}))
	f.Fuzz(readAndReport)
}

// FuzzSheetXML mangles the sheet XML inside a valid package, exercising the
// merge scan and the streaming rewrite of WithErrors.
func FuzzSheetXML(f *testing.F) {
	is := func(s string) string { return `<c t="inlineStr"><is><t>` + s + `</t></is></c>` }
	f.Add(`<worksheet><sheetData><row r="1">` + is("单位编码") + is("单位名称") + is("类型") + `</row>` +
		`<row r="2" spans="1:3"><c r="A2" t="inlineStr"><is><t>DW001</t></is></c><c r="B2" s="0"/><c r="C2"><v>3</v></c></row>` +
		`<row r="4" s="0" customFormat="1"><c r="D4" t="inlineStr"><is><t>x</t></is></c></row>` +
		`</sheetData><mergeCells count="1"><mergeCell ref="A2:A3"/></mergeCells></worksheet>`)
	f.Add(`<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:cols><x:col min="2" max="9" width="3"/></x:cols>` +
		`<x:sheetData><x:row><x:c t="inlineStr"><x:is><x:t>编码</x:t></x:is></x:c><x:c t="inlineStr"><x:is><x:t>单位名称</x:t></x:is></x:c>` +
		`<x:c t="inlineStr"><x:is><x:t>类型</x:t></x:is></x:c></x:row><x:row><x:c/><x:c><x:v>1</x:v></x:c></x:row></x:sheetData></x:worksheet>`)
	f.Fuzz(func(t *testing.T, sheet string) {
		readAndReport(t, sheetXLSX(t, sheet))
	})
}
