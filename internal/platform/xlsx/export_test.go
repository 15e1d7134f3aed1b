package xlsx

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// benchSpec is unitSpec plus two free-text columns, as wide as a real roster.
var benchSpec = Spec{Name: "单位", Columns: append(append([]Column(nil), unitSpec.Columns...),
	Column{Key: "phone", Header: "联系电话"},
	Column{Key: "address", Header: "地址"},
)}

// exportUnits exports n unit rows under the title "示范区单位名册（2026年）".
func exportUnits(t testing.TB, n int) []byte {
	t.Helper()
	var cols []ExportColumn
	for _, c := range benchSpec.Columns {
		cols = append(cols, ExportColumn{Header: c.Header})
	}
	types := unitSpec.Columns[2].Enum
	base := time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)
	row := make([]any, len(cols))
	i := 0
	var buf bytes.Buffer
	err := Export(&buf, "单位", "示范区单位名册（2026年）", cols, func() ([]any, bool, error) {
		if i == n {
			return nil, false, nil
		}
		i++
		// Reuses row, as a caller scanning a database would.
		row[0], row[1], row[2] = fmt.Sprintf("DW%06d", i), fmt.Sprintf("示范区第%d单位", i), types[i%3]
		row[3], row[4], row[5] = base.AddDate(0, 0, i%12000), i%500, i%2 == 0
		row[6], row[7] = fmt.Sprintf("0571-%08d", i), fmt.Sprintf("示范区城关镇人民路%d号", i)
		return row, true, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestExportRoundTrip(t *testing.T) {
	data := exportUnits(t, 250) // more than the width sample
	tb, errs := mustRead(t, data, benchSpec)
	eq(t, "errors", messages(errs), nil)
	eq(t, "HeaderRow", tb.HeaderRow, 2)
	eq(t, "rows", len(tb.Rows), 250)
	eq(t, "row 3", tb.Rows[0].Values, map[string]string{
		"code": "DW000001", "name": "示范区第1单位", "type": "乡镇/街道", "founded": "1990-01-02",
		"staff": "1", "active": "false", "phone": "0571-00000001", "address": "示范区城关镇人民路1号",
	})
	eq(t, "last row", tb.Rows[249].Num, 252)
}

func TestExportLayout(t *testing.T) {
	cols := []ExportColumn{{Header: "单位名称", Width: 30}, {Header: "成立日期"}, {Header: "启用"}, {Header: "备注"}}
	noon := time.Date(2026, 9, 30, 12, 30, 0, 0, time.UTC)
	rows := [][]any{
		{"区委办", time.Date(2026, 9, 30, 0, 0, 0, 0, time.UTC), true, nil},
		{"城关镇", &noon, false, strings.Repeat("很长的备注", 4)},
		{"东关村", (*time.Time)(nil), nil, 3.5},
	}
	for _, title := range []string{"示范区单位名册", ""} {
		t.Run(fmt.Sprintf("title %q", title), func(t *testing.T) {
			var buf bytes.Buffer
			i := 0
			err := Export(&buf, "单位/名册", title, cols, func() ([]any, bool, error) {
				i++
				return rows[min(i, len(rows))-1], i <= len(rows), nil
			})
			if err != nil {
				t.Fatal(err)
			}
			data := buf.Bytes()
			f, err := excelize.OpenReader(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			sheet := f.GetSheetName(0)
			eq(t, "sheet name", sheet, "单位名册")
			h := 1
			if title != "" {
				h = 2
				merged, _ := f.GetMergeCells(sheet)
				eq(t, "title merge", len(merged), 1)
				eq(t, "title range", merged[0].GetStartAxis()+":"+merged[0].GetEndAxis(), "A1:D1")
				eq(t, "title", merged[0].GetCellValue(), title)
				eq(t, "title font", cellStyle(t, f, sheet, "A1").Font.Size, 16.0)
			}
			hdr := fmt.Sprintf("A%d", h)
			v, _ := f.GetCellValue(sheet, hdr)
			eq(t, "header", v, "单位名称")
			hs := cellStyle(t, f, sheet, hdr)
			eq(t, "header bold", hs.Font.Bold, true)
			eq(t, "header fill", hs.Fill.Color, []string{headerFill})
			panes, _ := f.GetPanes(sheet)
			eq(t, "frozen", [2]any{panes.Freeze, panes.YSplit}, [2]any{true, h})
			got, _ := f.GetRows(sheet)
			eq(t, "date", got[h][1], "2026-09-30")
			eq(t, "date and time", got[h+1][1], "2026-09-30 12:30")
			eq(t, "bools", []string{got[h][2], got[h+1][2]}, []string{"是", "否"})
			eq(t, "nil cells", len(got[h+2]), 4)
			w, _ := f.GetColWidth(sheet, "A")
			eq(t, "fixed width", w, 30.0)
			if w, _ := f.GetColWidth(sheet, "D"); w < 40 {
				t.Errorf("auto width of D = %v, want room for the long note", w)
			}
			xml := sheetXML(t, data)
			if want := fmt.Sprintf(`<autoFilter ref="$A$%d:$D$%d"`, h, h+3); !strings.Contains(xml, want) {
				t.Errorf("sheet XML lacks %s", want)
			}
		})
	}
}

func TestExportErrors(t *testing.T) {
	boom := errors.New("数据库断开")
	i := 0
	err := Export(io.Discard, "x", "", []ExportColumn{{Header: "a"}}, func() ([]any, bool, error) {
		if i++; i > 150 {
			return nil, false, boom
		}
		return []any{i}, true, nil
	})
	if !errors.Is(err, boom) {
		t.Errorf("err = %v, want the callback's", err)
	}
	if err := Export(io.Discard, "x", "", nil, nil); err == nil {
		t.Error("no columns: want an error")
	}
}

func cellStyle(t *testing.T, f *excelize.File, sheet, cell string) *excelize.Style {
	t.Helper()
	id, err := f.GetCellStyle(sheet, cell)
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	if st.Font == nil {
		st.Font = &excelize.Font{}
	}
	return st
}

// sheetXML returns the first worksheet's XML, for what excelize can't report.
func sheetXML(t *testing.T, data []byte) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	loc, err := locateFirstSheet(zr)
	if err != nil {
		t.Fatal(err)
	}
	rc, _ := loc.file.Open()
	defer rc.Close()
	b, _ := io.ReadAll(rc)
	return string(b)
}

func BenchmarkRead100k(b *testing.B) {
	data := exportUnits(b, 100_000)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		tb, errs, err := Read(bytes.NewReader(data), int64(len(data)), benchSpec, Limits{}, nil)
		if err != nil || len(errs) > 0 || len(tb.Rows) != 100_000 {
			b.Fatalf("err %v, %d errors, %d rows", err, len(errs), len(tb.Rows))
		}
	}
}

func BenchmarkExport100k(b *testing.B) {
	for b.Loop() {
		exportUnits(b, 100_000)
	}
}
