package xlsx

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/xuri/excelize/v2"
)

// ExportColumn is one column of an export. Width 0 sizes the column from
// the header and the first rows.
type ExportColumn struct {
	Header string
	Width  float64
}

// sampleRows are buffered to size auto-width columns: the stream writer
// needs widths before the first row.
const sampleRows = 100

// Export streams a workbook to w, so 100,000+ rows stay cheap: an optional
// title row merged across the columns, the header (bold, filled, frozen,
// with autofilter), then the rows returned by next until it reports false.
// time.Time values get a date format, bools become 是/否.
func Export(w io.Writer, sheetName, title string, cols []ExportColumn, next func() ([]any, bool, error)) error {
	if len(cols) == 0 {
		return errors.New("xlsx: export has no columns")
	}
	var sample [][]any
	more := true
	for more && len(sample) < sampleRows {
		vals, ok, err := next()
		if err != nil {
			return err
		}
		if more = ok; ok {
			sample = append(sample, slices.Clone(vals)) // next may reuse its slice
		}
	}

	f := excelize.NewFile()
	defer f.Close()
	name := safeSheetName(sheetName, "Sheet1")
	if err := f.SetSheetName("Sheet1", name); err != nil {
		return err
	}
	st, err := newStyles(f)
	if err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return err
	}
	last, _ := excelize.ColumnNumberToName(len(cols))
	headerRow := 1
	if title != "" {
		headerRow = 2
	}
	for i, c := range cols {
		if err := sw.SetColWidth(i+1, i+1, columnWidth(c, i, sample)); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: headerRow, TopLeftCell: fmt.Sprintf("A%d", headerRow+1), ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if title != "" {
		if err := sw.SetRow("A1", []any{excelize.Cell{StyleID: st.title, Value: title}}, excelize.RowOpts{Height: 30}); err != nil {
			return err
		}
		if len(cols) > 1 {
			if err := sw.MergeCell("A1", last+"1"); err != nil {
				return err
			}
		}
	}
	header := make([]any, len(cols))
	for i, c := range cols {
		header[i] = excelize.Cell{StyleID: st.header, Value: c.Header}
	}
	if err := sw.SetRow(fmt.Sprintf("A%d", headerRow), header); err != nil {
		return err
	}

	row := headerRow
	var out []any
	write := func(vals []any) error {
		if row++; row > excelize.TotalRows {
			return fileErr("too many rows for one sheet", "导出行数超过 Excel 单表上限 %d 行，请缩小范围后分批导出", excelize.TotalRows-headerRow)
		}
		out = out[:0]
		for _, v := range vals {
			out = append(out, st.cell(v))
		}
		return sw.SetRow(fmt.Sprintf("A%d", row), out)
	}
	for _, vals := range sample {
		if err := write(vals); err != nil {
			return err
		}
	}
	for more {
		vals, ok, err := next()
		if err != nil {
			return err
		}
		if more = ok; ok {
			if err := write(vals); err != nil {
				return err
			}
		}
	}
	// The worksheet is still open in the stream writer, so this is cheap.
	if err := f.AutoFilter(name, fmt.Sprintf("A%d:%s%d", headerRow, last, row), nil); err != nil {
		return err
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.Write(w)
}

// cell converts an exported value into what Excel should show.
func (st styles) cell(v any) any {
	switch v := v.(type) {
	case *time.Time:
		if v == nil {
			return nil
		}
		return st.cell(*v)
	case time.Time:
		if v.IsZero() {
			return nil
		}
		style := st.date
		if h, m, s := v.Clock(); h != 0 || m != 0 || s != 0 {
			style = st.datetime
		}
		return excelize.Cell{StyleID: style, Value: v}
	case bool:
		if v {
			return "是"
		}
		return "否"
	}
	return v
}

func columnWidth(c ExportColumn, i int, sample [][]any) float64 {
	if c.Width > 0 {
		return c.Width
	}
	texts := []string{c.Header}
	for _, vals := range sample {
		if i < len(vals) {
			texts = append(texts, cellText(vals[i]))
		}
	}
	return autoWidth(texts...)
}

func cellText(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case time.Time, *time.Time:
		return time.DateOnly
	case bool:
		return "是"
	}
	return fmt.Sprint(v)
}
