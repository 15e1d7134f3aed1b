package xlsx

import (
	"testing"
	"time"
)

// Section rows within the data ("一、项目建设") are kept as headings and
// spared the required-cell checks; ordinary rows are still checked.
func TestReadHeadingRows(t *testing.T) {
	spec := Spec{Name: "任务", Columns: []Column{
		{Key: "no", Header: "序号"},
		{Key: "title", Header: "工作任务", Required: true},
		{Key: "unit", Header: "牵头单位", Required: true},
	}, Heading: func(v map[string]string) bool {
		return v["title"] == "" && v["unit"] == "" && v["no"] != "" && v["no"] != "9"
	}}
	data := build(t, func(x fx) {
		x.row(1, "序号", "工作任务", "牵头单位")
		x.row(2, "一、项目建设")
		x.row(3, 1, "推进项目", "区发改局")
		x.row(4, "二、安全生产", "", "")
		x.row(5, 9) // not a heading: its missing cells are errors
	})
	tb, errs := mustRead(t, data, spec)
	if len(tb.Rows) != 4 {
		t.Fatalf("rows = %+v", tb.Rows)
	}
	for i, want := range []bool{true, false, true, false} {
		if tb.Rows[i].Heading != want {
			t.Errorf("row %d heading = %v, want %v", tb.Rows[i].Num, tb.Rows[i].Heading, want)
		}
	}
	if len(errs) != 2 || errs[0].Row != 5 || errs[1].Row != 5 {
		t.Errorf("errors = %+v, want two on row 5", errs)
	}
	if tb.Date1904 {
		t.Error("Date1904 set for a 1900 workbook")
	}
}

func TestDateValue(t *testing.T) {
	serial := "46295" // 2026-09-30 in the 1900 system
	if d, ok := DateValue(serial, false); !ok || d != "2026-09-30" {
		t.Errorf("DateValue(%s) = %q, %v", serial, d, ok)
	}
	if d, ok := DateValue(serial, true); !ok || d != time.Date(2030, 10, 1, 0, 0, 0, 0, time.UTC).Format(time.DateOnly) {
		t.Errorf("DateValue(%s, 1904) = %q, %v", serial, d, ok)
	}
	if _, ok := DateValue("9月底前", false); ok {
		t.Error("words accepted as a date")
	}
}
