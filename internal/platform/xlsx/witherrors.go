package xlsx

import (
	"errors"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

const errorHeader = "错误原因"

// WithErrors returns the uploaded workbook with its first sheet unchanged
// except for a last column "错误原因" holding each bad row's messages
// (joined with "；") and a light red fill on those rows. Other sheets are
// kept as they were.
func WithErrors(r io.ReaderAt, size int64, headerRow int, errs []CellError) ([]byte, error) {
	if headerRow < 1 {
		return nil, errors.New("xlsx: header row must be 1 or more")
	}
	b, err := openBook(r, size, DefaultLimits(), false)
	if err != nil {
		return nil, err
	}
	defer b.close()
	f, sheet := b.f, b.sheet
	width, err := usedColumns(b)
	if err != nil {
		return nil, err
	}
	col, _ := excelize.ColumnNumberToName(width + 1)
	headStyle, err := f.NewStyle(&excelize.Style{
		Font: &excelize.Font{Bold: true, Color: "9C0006"}, Fill: solid(errorFill), Border: thin,
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"},
	})
	if err != nil {
		return nil, err
	}
	msgStyle, err := f.NewStyle(&excelize.Style{
		Font: &excelize.Font{Color: "9C0006"}, Fill: solid(errorFill),
		Alignment: &excelize.Alignment{Vertical: "center", WrapText: true},
	})
	if err != nil {
		return nil, err
	}
	if err := setStyled(f, sheet, col+strconv.Itoa(headerRow), errorHeader, headStyle); err != nil {
		return nil, err
	}
	hl := highlighter{f: f, sheet: sheet, cache: map[int]int{}}
	for _, g := range groupErrors(errs) {
		for c := 1; c <= width; c++ {
			cell, _ := excelize.CoordinatesToCellName(c, g.row)
			if err := hl.apply(cell); err != nil {
				return nil, err
			}
		}
		if err := setStyled(f, sheet, col+strconv.Itoa(g.row), strings.Join(g.msgs, "；"), msgStyle); err != nil {
			return nil, err
		}
	}
	if err := f.SetColWidth(sheet, col, col, 50); err != nil {
		return nil, err
	}
	if idx, err := f.GetSheetIndex(sheet); err == nil {
		f.SetActiveSheet(idx)
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func setStyled(f *excelize.File, sheet, cell, value string, style int) error {
	if err := f.SetCellStr(sheet, cell, value); err != nil {
		return err
	}
	return f.SetCellStyle(sheet, cell, cell, style)
}

// usedColumns is the widest row, found by streaming before excelize loads
// the sheet for editing.
func usedColumns(b *book) (int, error) {
	src, err := b.rowSource()
	if err != nil {
		return 0, err
	}
	defer src.close()
	width := 0
	for {
		row, ok, err := src.read()
		if err != nil || !ok {
			return max(width, 1), err
		}
		width = max(width, len(row.own))
	}
}

type rowErrors struct {
	row  int
	msgs []string
}

// groupErrors collects each row's distinct messages, rows in order.
func groupErrors(errs []CellError) []rowErrors {
	idx := map[int]int{}
	var out []rowErrors
	for _, e := range errs {
		if e.Row < 1 {
			continue
		}
		i, ok := idx[e.Row]
		if !ok {
			i = len(out)
			idx[e.Row] = i
			out = append(out, rowErrors{row: e.Row})
		}
		if !slices.Contains(out[i].msgs, e.Message) {
			out[i].msgs = append(out[i].msgs, e.Message)
		}
	}
	slices.SortFunc(out, func(a, b rowErrors) int { return a.row - b.row })
	return out
}

// highlighter adds the error fill to a cell while keeping the rest of its
// style: a date cell must still show as a date.
type highlighter struct {
	f     *excelize.File
	sheet string
	cache map[int]int // original style → highlighted style
}

func (h *highlighter) apply(cell string) error {
	old, err := h.f.GetCellStyle(h.sheet, cell)
	if err != nil {
		return err
	}
	id, ok := h.cache[old]
	if !ok {
		st, err := h.f.GetStyle(old)
		if err != nil || st == nil {
			st = &excelize.Style{}
		}
		st.Fill = solid(errorFill)
		if id, err = h.f.NewStyle(st); err != nil {
			if id, err = h.f.NewStyle(&excelize.Style{Fill: solid(errorFill)}); err != nil {
				return err
			}
		}
		h.cache[old] = id
	}
	return h.f.SetCellStyle(h.sheet, cell, cell, id)
}
