package xlsx

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

const nsMain = `xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"`

// minimalParts are the parts of a one-sheet xlsx, but the sheet itself.
var minimalParts = []struct{ name, body string }{
	{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`},
	{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`},
	{"xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8"?><workbook ` + nsMain + ` xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`},
	{"xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`},
}

const (
	sheetHead = `<?xml version="1.0" encoding="UTF-8"?><worksheet ` + nsMain + `><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>单位编码</t></is></c></row>`
	sheetTail = `</sheetData></worksheet>`
)

// handXLSX writes a one-sheet xlsx whose sheet XML is sheetHead, padding
// bytes of whitespace, sheetTail. It streams, so padding can be huge.
// lie, when non-zero, is the uncompressed size claimed for the sheet.
func handXLSX(t testing.TB, padding int64, lie uint64) []byte {
	t.Helper()
	var sheet bytes.Buffer
	crc := crc32.NewIEEE()
	fw, _ := flate.NewWriter(&sheet, flate.BestSpeed)
	w := io.MultiWriter(fw, crc)
	chunk := bytes.Repeat([]byte(" "), 1<<20)
	io.WriteString(w, sheetHead)
	for left := padding; left > 0; left -= int64(len(chunk)) {
		w.Write(chunk[:min(left, int64(len(chunk)))])
	}
	io.WriteString(w, sheetTail)
	fw.Close()
	size := uint64(len(sheetHead)+len(sheetTail)) + uint64(padding)
	if lie != 0 {
		size = lie
	}
	return zipParts(t, func(zw *zip.Writer) error {
		raw, err := zw.CreateRaw(&zip.FileHeader{
			Name: "xl/worksheets/sheet1.xml", Method: zip.Deflate, CRC32: crc.Sum32(),
			CompressedSize64: uint64(sheet.Len()), UncompressedSize64: size,
		})
		if err == nil {
			_, err = raw.Write(sheet.Bytes())
		}
		return err
	})
}

// sheetXLSX is a one-sheet xlsx with the given sheet XML and no styles
// part, as some tools write them.
func sheetXLSX(t testing.TB, xml string) []byte {
	return zipParts(t, func(zw *zip.Writer) error {
		w, err := zw.Create("xl/worksheets/sheet1.xml")
		if err == nil {
			_, err = io.WriteString(w, xml)
		}
		return err
	})
}

func zipParts(t testing.TB, sheet func(zw *zip.Writer) error) []byte {
	t.Helper()
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, p := range minimalParts {
		w, err := zw.Create(p.name)
		if err == nil {
			_, err = io.WriteString(w, p.body)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := sheet(zw); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func zipOf(t testing.TB, name, body string) []byte {
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	w, _ := zw.Create(name)
	io.WriteString(w, body)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func encrypted(t testing.TB) []byte {
	f := excelize.NewFile()
	defer f.Close()
	f.SetCellValue("Sheet1", "A1", "单位编码")
	var buf bytes.Buffer
	if err := f.Write(&buf, excelize.Options{Password: "123456"}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestReadRefusesHostileFiles(t *testing.T) {
	valid := build(t, func(x fx) { x.row(1, unitHeader...) })
	random := make([]byte, 4096)
	rand.NewChaCha8([32]byte{1}).Read(random)
	manyRows := build(t, func(x fx) {
		x.row(1, unitHeader...)
		for r := 2; r <= 61; r++ {
			x.row(r, fmt.Sprintf("DW%03d", r), "单位", "区直部门")
		}
	})
	gbk := []byte("\xb5\xa5\xce\xbb\xb1\xe0\xc2\xeb,\xb5\xa5\xce\xbb\xc3\xfb\xb3\xc6\r\nDW001,\xc7\xf8\xce\xaf\xb0\xec\r\n") // 单位编码,单位名称 in GBK
	small := Limits{MaxUncompressedBytes: 16 << 20}

	cases := []struct {
		name string
		data []byte
		lim  Limits
		want string
	}{
		{"empty", nil, Limits{}, "文件为空"},
		{"random bytes", random, Limits{}, "不是有效的 Excel"},
		{"PDF", []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\n"), Limits{}, "PDF"},
		{"UTF-8 CSV", []byte("\xef\xbb\xbf单位编码,单位名称\nDW001,区委办\n"), Limits{}, "CSV"},
		{"GBK CSV", gbk, Limits{}, "CSV"},
		{"HTML saved as .xls", []byte("<html><body><table><tr><td>单位编码</td></tr></table></body></html>"), Limits{}, "网页或 XML"},
		{"password-protected xlsx", encrypted(t), Limits{}, "文件已加密或为旧版 .xls 格式，请另存为 .xlsx 后再导入"},
		{"legacy .xls", append([]byte(oleMagic), make([]byte, 1024)...), Limits{}, "旧版 .xls"},
		{"truncated xlsx", valid[:len(valid)/2], Limits{}, "已损坏"},
		{"zip but not a workbook", zipOf(t, "word/document.xml", "<w:document/>"), Limits{}, "没有找到工作表"},
		{"file over MaxFileBytes", valid, Limits{MaxFileBytes: 1000}, "超过上限 1 KB"},
		{"rows over MaxRows", manyRows, Limits{MaxRows: 50}, "最多允许 50 行"},
		{"zip bomb 400 MB", handXLSX(t, 400<<20, 0), Limits{}, "解压后超过 300 MB"},
		{"zip bomb, smaller cap", handXLSX(t, 20<<20, 0), small, "解压后超过 16 MB"},
		{"zip bomb lying about its size", handXLSX(t, 64<<20, 4096), Limits{}, "已损坏"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			tb, _, err := read(c.data, unitSpec, c.lim)
			runtime.ReadMemStats(&after)
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("err = %v (table %v), want *FileError", err, tb != nil)
			}
			if !strings.Contains(fe.Message, c.want) {
				t.Errorf("message %q lacks %q", fe.Message, c.want)
			}
			if fe.MessageEN == "" || fe.Error() != fe.Message {
				t.Errorf("FileError = %#v", fe)
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 32<<20 {
				t.Errorf("allocated %d MB refusing it", alloc>>20)
			}
		})
	}
}

func TestReadLimitsAreInclusive(t *testing.T) {
	data := build(t, func(x fx) {
		x.row(1, unitHeader...)
		for r := 2; r <= 51; r++ {
			x.row(r, fmt.Sprintf("DW%03d", r), "单位", "区直部门")
		}
	})
	tb, _, err := read(data, unitSpec, Limits{MaxRows: 50, MaxFileBytes: int64(len(data))})
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "rows", len(tb.Rows), 50)
}

// The hand-built workbook is readable when small, so the bomb cases above
// are refused for their size, not their shape.
func TestHandBuiltWorkbookReads(t *testing.T) {
	spec := Spec{Name: "x", Columns: []Column{{Key: "code", Header: "单位编码"}}}
	tb, errs := mustRead(t, handXLSX(t, 1<<10, 0), spec)
	eq(t, "errors", messages(errs), nil)
	eq(t, "HeaderRow", tb.HeaderRow, 1)
}
