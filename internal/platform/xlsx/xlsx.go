// Package xlsx imports and exports Excel workbooks the way district offices
// actually keep them: title rows above the header, merged header and data
// cells, dates typed a dozen ways, full-width characters, and the occasional
// hostile or broken upload.
//
// Read validates every cell against a Spec and reports all problems at once;
// WithErrors hands the uploaded sheet back with a 错误原因 column; Template
// produces a blank workbook to fill in; Export streams large result sets.
package xlsx

import (
	"fmt"
	"io"
	"strings"
)

// Kind is the type of a column's values. Read normalizes them to strings:
// Int as a decimal integer, Date as YYYY-MM-DD, Bool as "true"/"false" and
// Enum as the spelling given in Column.Enum.
type Kind int

const (
	Text Kind = iota
	Int
	Date
	Bool
	Enum
)

// Column describes one field of an import.
type Column struct {
	Key      string   // field key, e.g. "code"
	Header   string   // Chinese header, e.g. "单位编码"
	Aliases  []string // other header texts accepted, e.g. "编码", "单位代码"
	Required bool
	Kind     Kind
	Enum     []string // allowed values (Enum kind)
	Help     string   // explanation for the template's 填写说明 sheet
	Example  string   // example value for the template's example row
	Width    float64  // column width in the template/export (0 = auto)
}

// Spec is the layout of one kind of import, e.g. the 单位 roster.
type Spec struct {
	Name    string // e.g. "单位"
	Columns []Column
	// Heading, when set, recognises rows within the data that are not
	// records but headings over the rows below them, such as a section
	// row "一、项目建设" in a task breakdown table. Such rows skip the
	// cell checks (a heading has no unit or deadline) and come back with
	// Row.Heading set. It sees the row's values as Read normalized them.
	Heading func(values map[string]string) bool
}

// Limits bound what an upload may cost.
type Limits struct {
	MaxFileBytes         int64 // the upload itself; default 50 MiB
	MaxUncompressedBytes int64 // sum of uncompressed zip entries; default 300 MiB (zip bomb cap)
	MaxRows              int   // data rows; default 500_000
}

// DefaultLimits returns the limits used for zero fields of a Limits.
func DefaultLimits() Limits {
	return Limits{MaxFileBytes: 50 << 20, MaxUncompressedBytes: 300 << 20, MaxRows: 500_000}
}

func (l Limits) orDefaults() Limits {
	d := DefaultLimits()
	if l.MaxFileBytes <= 0 {
		l.MaxFileBytes = d.MaxFileBytes
	}
	if l.MaxUncompressedBytes <= 0 {
		l.MaxUncompressedBytes = d.MaxUncompressedBytes
	}
	if l.MaxRows <= 0 {
		l.MaxRows = d.MaxRows
	}
	return l
}

// Row is one data row. Values holds normalized values by Column.Key; empty
// cells and columns absent from the sheet have no entry.
type Row struct {
	Num     int // 1-based row number in the sheet, as Excel shows it
	Values  map[string]string
	Heading bool // Spec.Heading recognised the row
}

// Table is the result of Read.
type Table struct {
	Spec      Spec
	HeaderRow int      // 1-based, last header row
	Missing   []string // keys of optional columns not found in the sheet
	Rows      []Row
	// Date1904 tells that the workbook counts date serials from 1904, for
	// importers that read dates out of Text columns with DateValue.
	Date1904 bool
}

// CellError is one validation problem. Message names the column but not the
// row; Error adds the row.
type CellError struct {
	Row     int    `json:"row"`
	Column  string `json:"column"`  // the header text
	Message string `json:"message"` // Chinese
}

// Error renders e.g. 第5行“成立日期”：无法识别的日期“2026年13月1日”.
func (e CellError) Error() string { return fmt.Sprintf("第%d行%s", e.Row, e.Message) }

// FileError is returned for files refused as a whole (not an xlsx, empty,
// encrypted, too big, too many rows, no header found, missing required
// column).
type FileError struct {
	Message   string // Chinese, fit to show the uploader
	MessageEN string
}

func (e *FileError) Error() string { return e.Message }

func fileErr(en, zh string, args ...any) *FileError {
	return &FileError{Message: fmt.Sprintf(zh, args...), MessageEN: en}
}

// guard turns a panic on a malformed upload (excelize has a few) into a
// refusal rather than a crashed request; the panic goes to MessageEN.
func guard(err *error) {
	if r := recover(); r != nil {
		*err = &FileError{Message: errCorrupt.Message, MessageEN: fmt.Sprintf("malformed workbook: panic: %v", r)}
	}
}

// progressEvery is how many sheet rows pass between progress calls.
const progressEvery = 4096

// Read parses the first sheet. progress (may be nil) is called now and then
// with (rowsRead, totalRowsEstimate), and once more at the end.
// It returns the table plus every per-cell validation error.
func Read(r io.ReaderAt, size int64, spec Spec, lim Limits, progress func(done, total int)) (_ *Table, _ []CellError, err error) {
	defer guard(&err)
	lim = lim.orDefaults()
	b, err := openBook(r, size, lim)
	if err != nil {
		return nil, nil, err
	}
	src, err := b.rowSource()
	if err != nil {
		return nil, nil, err
	}
	defer src.close()

	var head []sheetRow
	for len(head) < headerScanRows {
		row, ok, err := src.read()
		if err != nil {
			return nil, nil, err
		}
		if !ok {
			break
		}
		head = append(head, row)
	}
	hm, err := findHeader(spec, head)
	if err != nil {
		return nil, nil, err
	}

	p := newParser(spec, hm.cols, b.loc.date1904)
	t := &Table{Spec: spec, HeaderRow: head[hm.row].num, Missing: p.missing(), Date1904: b.loc.date1904}
	var errs []CellError
	report := func() {
		if progress != nil {
			progress(src.num, max(src.num, src.total))
		}
	}
	add := func(row sheetRow) error {
		if row.num%progressEvery == 0 {
			report()
		}
		vals, rowErrs, ok := p.parse(row)
		if !ok {
			return nil
		}
		if len(t.Rows) >= lim.MaxRows {
			return fileErr(fmt.Sprintf("more than %d data rows", lim.MaxRows),
				"数据行数超过上限：最多允许 %d 行，请拆分后分批导入", lim.MaxRows)
		}
		heading := spec.Heading != nil && spec.Heading(vals)
		t.Rows = append(t.Rows, Row{Num: row.num, Values: vals, Heading: heading})
		if !heading {
			errs = append(errs, rowErrs...)
		}
		return nil
	}
	for _, row := range head[hm.row+1:] {
		if err := add(row); err != nil {
			return nil, nil, err
		}
	}
	for {
		row, ok, err := src.read()
		if err != nil {
			return nil, nil, err
		}
		if !ok {
			break
		}
		if err := add(row); err != nil {
			return nil, nil, err
		}
	}
	report()
	return t, errs, nil
}

// quoteList renders names as “a”、“b”.
func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = "“" + n + "”"
	}
	return strings.Join(q, "、")
}
