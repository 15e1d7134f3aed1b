package xlsx

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"maps"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// The row reader replaced excelize's Rows/Columns; these workbooks hold it
// to what excelize's GetRows(RawCellValue) gives, cell for cell.

const trickySST = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst ` + nsMain + ` count="13" uniqueCount="13">
<si><t>单位编码</t></si>
<si><t xml:space="preserve">  前后空格  </t></si>
<si><r><rPr><b/><sz val="11"/></rPr><t>粗</t></r><r><t xml:space="preserve"> 体</t></r></si>
<si><t>A&amp;B &lt;c&gt; &quot;q&quot; &apos;s&apos; &#x4E2D;&#25991;</t><rPh sb="0" eb="1"><t>ちゅう</t></rPh><phoneticPr fontId="1"/></si>
<si><t>line1&#13;&#10;line2` + "\r\n" + `line3` + "\r" + `line4</t></si>
<si><t>_x000D_ctl _x005F_x0041_ _xD800_ _x4e2d_ _x12_ end</t></si>
<si/>
<si><t></t></si>
<si><t>重复行</t></si>
<si><t>合并</t></si>
<si><t><![CDATA[<cdata> & ]]>tail</t></si>
<si><!-- comment --><t>注释<!-- inside -->之后</t></si>
<si><t>first</t><r><t>r1</t><t>r2</t></r><t>second</t><r><t/></r><r><t>r3<b>nested</b></t></r></si>
</sst>`

const trickySheet = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet ` + nsMain + ` xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<dimension ref="A1:H12"/><sheetViews><sheetView workbookViewId="0"/></sheetViews>
<sheetData>
<row r="1" spans="1:8"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c><c r="E1" t="s"><v>4</v></c><c r="F1" t="s"><v>5</v></c></row>
<!-- a comment between rows -->
<row r="2"><c r="A2" t="s"><v>9</v></c><c r="C2" t="s"><v>10</v></c><c r="F2" t="s"><v> 11 </v></c><c r="G2" t="s"><v> 6 </v></c><c r="H2" t="s"><v>7</v></c></row>
<row><c t="inlineStr"><is><t xml:space="preserve"> 行内 &amp; 文本 </t></is></c><c t="inlineStr"><is><r><rPr><b/></rPr><t>富</t></r><r><t>文本&#x4E2D;</t></r><rPh sb="0" eb="1"><t>ふ</t></rPh></is></c><c/><c t="b"><v>1</v></c><c t="b"><v>0</v></c><c t="e"><v>#N/A</v></c></row>
<row r="5"><c r="A5"><v>46295</v></c><c r="B5"><v>1.2345678901234567E+17</v></c><c r="C5" t="str"><f>A1&amp;B1</f><v>x&lt;y</v></c><c r="D5"><f>1+1</f></c><c r="E5" t="n"><v>-0.5</v></c><c r="F5" t="s"><v>999</v></c><c r="G5" t="s"><v></v></c><c r="H5" t="d"><v>2026-09-30T00:00:00Z</v></c></row>
<row r="7" s="2" customFormat="1"><c r="A7" s="1"/><c r="C7" t="inlineStr"><is><t><![CDATA[<raw> & text]]></t></is></c><c r="E7" t="inlineStr"><v>v only</v></c></row>
<row r="8"><c r="a8"><v>1</v></c><c r="$C$8"><v>3</v></c><c><v>4</v></c><c r="F8" t="s"><v>abc</v></c></row>
<row r="9"><c r="B9" t="s"><v>8</v></c></row>
<row r="9"><c r="D9" t="s"><v>8</v></c></row>
<row r="10"><c r="C10"><v>2</v></c><c r="A10"><v>1</v></c></row>
<row r="4"><c t="s"><v>12</v></c></row>
<row><c t="inlineStr"><is><t>a</t><t>b</t></is></c><c r="B11"><v>x</v><v>y</v></c></row>
<row r="12"><c r="A12" s="1"/></row>
</sheetData>
<mergeCells count="2"><mergeCell ref="A2:B3"/><mergeCell ref="C7:D8"/></mergeCells>
</worksheet>`

// partsXLSX is minimalParts with some replaced or added.
func partsXLSX(t testing.TB, parts map[string]string) []byte {
	t.Helper()
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	write := func(name, body string) {
		w, err := zw.Create(name)
		if err == nil {
			_, err = io.WriteString(w, body)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	done := map[string]bool{}
	for _, p := range minimalParts {
		body, ok := parts[p.name]
		if !ok {
			body = p.body
		}
		write(p.name, body)
		done[p.name] = true
	}
	for _, name := range slices.Sorted(maps.Keys(parts)) {
		if !done[name] {
			write(name, parts[name])
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

var elementStart = regexp.MustCompile(`<(/?)([A-Za-z])`)

// prefixed puts every element of xml in the namespace prefix x:, as some
// tools write sheets.
func prefixed(xml string) string {
	xml = elementStart.ReplaceAllString(xml, "<${1}x:$2")
	return strings.ReplaceAll(xml, "xmlns=", "xmlns:x=")
}

func trickyBook(t testing.TB, date1904, sheet, sst string) []byte {
	wb := `<?xml version="1.0" encoding="UTF-8"?><workbook ` + nsMain + ` xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">` +
		`<workbookPr date1904="` + date1904 + `"/><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`
	rels := `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
		`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>` +
		`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`
	return partsXLSX(t, map[string]string{
		"xl/workbook.xml":            wb,
		"xl/_rels/workbook.xml.rels": rels,
		"xl/worksheets/sheet1.xml":   sheet,
		"xl/sharedStrings.xml":       sst,
	})
}

func TestReaderMatchesExcelize(t *testing.T) {
	cases := map[string][]byte{
		"hand-written":              trickyBook(t, "1", trickySheet, trickySST),
		"hand-written, 1904 = true": trickyBook(t, "true", trickySheet, trickySST),
		"namespace prefix":          trickyBook(t, "0", prefixed(trickySheet), prefixed(trickySST)),
		"CRLF between tags":         trickyBook(t, "false", strings.ReplaceAll(trickySheet, "><", ">\r\n  <"), trickySST),
		"no shared strings":         sheetXLSX(t, strings.ReplaceAll(trickySheet, `t="s"`, `t="n"`)),
		"excelize API": build(t, func(x fx) {
			on := true
			x.must(x.f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &on}))
			x.set("A1", "示范区单位名册")
			x.merge("A1", "F1")
			x.row(2, unitHeader...)
			x.row(3, "DW001", "  spaces  ", "a & <b> \"c\"", 46295, 12, true)
			x.must(x.f.SetCellRichText(sh, "B4", []excelize.RichTextRun{
				{Text: "粗", Font: &excelize.Font{Bold: true}}, {Text: "体 & <更>"},
			}))
			x.set("C4", false)
			x.must(x.f.SetCellFormula(sh, "E4", "1+1"))
			x.set("F4", 3.25)
			x.set("G4", "a\r\nb\tc")
			x.set("H4", "_x0041_ literal")
			x.set("A6", "合并")
			x.merge("A6", "B8")
			x.set("D7", time.Date(2026, 9, 30, 8, 0, 0, 0, time.UTC))
			x.set("Z10", "far")
			x.must(x.f.SetCellFloat(sh, "A11", 0.1+0.2, -1, 64))
			x.must(x.f.SetCellInt(sh, "B11", -7))
		}),
		"streamed export": exportUnits(t, 300),
	}
	for name, data := range cases {
		t.Run(name, func(t *testing.T) { sameAsExcelize(t, data) })
	}
}

// sameAsExcelize reads data's first sheet with both readers and compares
// the cells as stored, the cells with merged values spread, and the 1904
// flag.
func sameAsExcelize(t *testing.T, data []byte) {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b, err := openBook(bytes.NewReader(data), int64(len(data)), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	want, err := f.GetRows(b.loc.name, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	merges, err := f.GetMergeCells(b.loc.name)
	if err != nil {
		t.Fatal(err)
	}
	props, err := f.GetWorkbookProps()
	if err != nil {
		t.Fatal(err)
	}
	if on := props.Date1904 != nil && *props.Date1904; on != b.loc.date1904 {
		t.Errorf("date1904 = %v, excelize %v", b.loc.date1904, on)
	}

	src, err := b.rowSource()
	if err != nil {
		t.Fatal(err)
	}
	defer src.close()
	var got [][]string
	for n := 1; ; n++ {
		row, ok, err := src.read()
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			break
		}
		if row.num != n {
			t.Fatalf("row %d numbered %d", n, row.num)
		}
		if len(row.own) > 0 {
			got = append(got, make([][]string, n-1-len(got))...)
			got = append(got, row.own)
		}
		if filled := spread(want, merges, n); !reflect.DeepEqual(trimEmpty(row.cells), filled) {
			t.Errorf("row %d with merges = %q, want %q", n, row.cells, filled)
		}
	}
	if !reflect.DeepEqual(got, want) {
		for i := range max(len(got), len(want)) {
			if g, w := at2(got, i), at2(want, i); !reflect.DeepEqual(g, w) {
				t.Errorf("row %d = %q, excelize %q", i+1, g, w)
			}
		}
	}
}

// spread is excelize's row n with the values of merged ranges spread over
// them, trailing empty cells dropped.
func spread(rows [][]string, merges []excelize.MergeCell, n int) []string {
	cells := append([]string(nil), at2(rows, n-1)...)
	for _, m := range merges {
		left, top, _ := excelize.CellNameToCoordinates(m.GetStartAxis())
		right, bottom, _ := excelize.CellNameToCoordinates(m.GetEndAxis())
		v := at(at2(rows, top-1), left-1)
		if n < top || n > bottom || v == "" {
			continue
		}
		for c := left; c <= min(right, maxFillCols); c++ {
			for len(cells) < c {
				cells = append(cells, "")
			}
			cells[c-1] = v
		}
	}
	return trimEmpty(cells)
}

func trimEmpty(cells []string) []string {
	for len(cells) > 0 && cells[len(cells)-1] == "" {
		cells = cells[:len(cells)-1]
	}
	if len(cells) == 0 {
		return nil
	}
	return cells
}

func at2(rows [][]string, i int) []string {
	if i < len(rows) {
		return rows[i]
	}
	return nil
}

// Where the two readers part: sheet XML that encoding/xml would stop at
// with a syntax error, which excelize took for the end of the sheet and
// so imported the rows before it. Read refuses such a file instead.
func TestReadRefusesMalformedSheetXML(t *testing.T) {
	head := `<worksheet><sheetData><row r="1"><c t="inlineStr"><is><t>单位编码</t></is></c></row><row r="2">`
	cases := map[string]string{
		"unknown entity":   `<c t="inlineStr"><is><t>a &nbsp; b</t></is></c>`,
		"bare ampersand":   `<c><v>R&D</v></c>`,
		"invalid UTF-8":    "<c t=\"inlineStr\"><is><t>\xb5\xa5\xce\xbb</t></is></c>",
		"huge cell":        `<c><v>` + strings.Repeat("9", maxTextBytes+1) + `</v></c>`,
		"bad cell ref":     `<c r="1A"><v>1</v></c>`,
		"bad row number":   `</row><row r="x">`,
		"row number > max": `</row><row r="1048577">`,
		"too many cells":   strings.Repeat(`<c><v>1</v></c>`, excelize.MaxColumns+1),
	}
	for name, cells := range cases {
		t.Run(name, func(t *testing.T) {
			data := sheetXLSX(t, head+cells+`</row></sheetData></worksheet>`)
			_, _, err := read(data, Spec{Name: "x", Columns: []Column{{Key: "code", Header: "单位编码"}}}, Limits{})
			if err != errCorrupt {
				t.Errorf("err = %v, want errCorrupt", err)
			}
		})
	}
}

func TestPartReadsAreCapped(t *testing.T) {
	data := trickyBook(t, "0", trickySheet, trickySST)
	loc, err := openZip(bytes.NewReader(data), int64(len(data)), DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	_, err = loadSharedStrings(loc.sst, 100)
	var fe *FileError
	if !errors.As(err, &fe) || !strings.Contains(fe.Message, "解压后超过") {
		t.Errorf("err = %v, want the zip bomb refusal", err)
	}
}
