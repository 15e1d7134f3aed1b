package xlsx

import (
	"archive/zip"
	"bytes"
	"io"
	"strconv"

	"github.com/xuri/excelize/v2"
)

// sheetReader streams a worksheet's rows with the tokenizer of sheetxml.go.
// excelize's row iterator decodes every cell through encoding/xml's
// reflection and allocates for each token; this one allocates only the
// values it returns, which made Read several times faster.
//
// Rows and cells come out as excelize's Rows/Columns with RawCellValue gave
// them, quirks included (the differential test holds both to it): rows are
// numbered by their r, or follow the previous row; rows the sheet skips
// come out empty; a row numbered at or before the current one adds its
// cells to it; cells without r follow the previous cell; a cell is kept if
// it has a value or a formula, and is appended where excelize appended it.
type sheetReader struct {
	rc    io.Closer
	tk    *tokenizer
	sst   []string
	num   int  // the row last returned
	last  int  // the number the last <row> tag gave, which excelize follows on from
	next  int  // the number of a row whose tag was read ahead; 0 if none
	done  bool // sheetData or the part ended
	cells []string
	text  textBuf
	rich  richText
	value []byte
}

func newSheetReader(zf *zip.File, sst []string, limit int64) (*sheetReader, error) {
	rc, err := openPart(zf, limit)
	if err != nil {
		return nil, err
	}
	return &sheetReader{rc: rc, tk: newTokenizer(rc), sst: sst}, nil
}

func (s *sheetReader) close() { _ = s.rc.Close() }

// read returns the next row: its number and cells as stored; ok is false
// after the last one.
func (s *sheetReader) read() (num int, own []string, ok bool, err error) {
	if s.num == 0 && s.next == 0 && !s.done {
		if err := s.firstRow(); err != nil {
			return 0, nil, false, err
		}
	}
	switch {
	case s.next == 0:
		return 0, nil, false, nil
	case s.num+1 < s.next: // a row the sheet leaves out
		s.num++
		return s.num, nil, true, nil
	}
	s.num, s.next = s.next, 0
	s.cells = s.cells[:0]
	if err := s.cellsUntilRow(); err != nil {
		return 0, nil, false, err
	}
	if len(s.cells) > 0 {
		own = make([]string, len(s.cells)) // the scratch slice is reused
		copy(own, s.cells)
	}
	return s.num, own, true, nil
}

// firstRow finds the first row's tag; what comes before it is no row's.
func (s *sheetReader) firstRow() error {
	for {
		b, err := s.tk.next()
		if err == io.EOF {
			s.done = true
			return nil
		}
		if err != nil {
			return partErr(err)
		}
		tg, ok := parseTag(b)
		switch {
		case ok && tg.local == "row" && !tg.end:
			n, err := rowNumber(b, 0)
			s.last, s.next = n, max(n, 1)
			return err
		case ok && tg.local == "sheetData" && tg.end:
			s.done = true
			return nil
		}
	}
}

// cellsUntilRow reads cells into the current row up to the tag of a row
// numbered after it, which it leaves in s.next, or to the end of the rows.
func (s *sheetReader) cellsUntilRow() error {
	col := 0 // the last cell's column; rows merged into this one continue it
	for {
		b, err := s.tk.next()
		if err == io.EOF {
			s.done = true // a truncated sheet ends there, as it did with excelize
			return nil
		}
		if err != nil {
			return partErr(err)
		}
		tg, ok := parseTag(b)
		switch {
		case !ok:
		case tg.local == "c" && !tg.end:
			if col, err = s.cell(b, tg.self, col); err != nil {
				return err
			}
		case tg.local == "row" && !tg.end:
			n, err := rowNumber(b, s.last)
			if err != nil {
				return err
			}
			if s.last = n; n > s.num {
				s.next = n
				return nil
			}
		case tg.local == "sheetData" && tg.end:
			s.done = true
			return nil
		}
	}
}

// rowNumber is a <row> tag's r, or the row after last if it has none.
func rowNumber(tag []byte, last int) (int, error) {
	a, ok := findAttr(tag, "r")
	if !ok {
		return last + 1, nil
	}
	n, err := strconv.Atoi(string(tag[a.start:a.end]))
	switch {
	case err != nil || n > excelize.TotalRows:
		return 0, errCorrupt
	case n == 0:
		return last + 1, nil
	}
	return n, nil
}

// cell reads a cell after its start tag and appends its value to the row.
// prev is the previous cell's column; it returns this cell's.
func (s *sheetReader) cell(start []byte, self bool, prev int) (int, error) {
	ref, typ := cellAttrs(start) // both point into the tokenizer's buffer: use before reading on
	col := prev + 1
	if len(ref) > 0 {
		var err error
		if col, err = refColumn(ref); err != nil {
			return 0, errCorrupt
		}
	}
	if col > excelize.MaxColumns {
		return 0, errCorrupt // only cells without r can get here
	}
	if self {
		return col, nil // no value, no formula: nothing to keep
	}
	kind := kindOf(typ)
	var (
		v, is       []byte
		hasF, hasIS bool
		err         error
	)
	for done := false; !done && err == nil; {
		var b []byte
		if b, err = s.tk.next(); err != nil {
			break
		}
		tg, ok := parseTag(b)
		switch {
		case !ok:
		case tg.local == "c" && tg.end:
			done = true
		case tg.end:
		case tg.local == "v": // several: the last counts, as in encoding/xml
			s.value = s.value[:0]
			if !tg.self {
				s.value, err = s.text.element(s.tk, s.value)
			}
			if err == nil {
				v = s.value
			}
		case tg.local == "f":
			hasF = true
		case tg.local == "is":
			hasIS, is = true, nil
			if !tg.self {
				is, err = s.rich.read(s.tk)
			}
		}
	}
	if err != nil && err != io.EOF { // at EOF the cell counts as read so far
		return 0, partErr(err)
	}
	if val := s.cellValue(kind, v, is, hasIS); val != "" || hasF {
		for len(s.cells) < col-1 {
			s.cells = append(s.cells, "")
		}
		s.cells = append(s.cells, val) // after the last one if out of order, as excelize
	}
	return col, nil
}

// cellKind is the part of a cell's type (its t attribute) that matters
// for its raw value.
type cellKind uint8

const (
	plainCell  cellKind = iota // the value as is: numbers, booleans, errors, formula strings, dates
	sharedCell                 // t="s": an index into the shared strings
	inlineCell                 // t="inlineStr": the text in <is>
)

func kindOf(typ []byte) cellKind {
	switch string(typ) {
	case "s":
		return sharedCell
	case "inlineStr":
		return inlineCell
	}
	return plainCell
}

// cellValue is a cell's raw value.
func (s *sheetReader) cellValue(kind cellKind, v, is []byte, hasIS bool) string {
	switch kind {
	case sharedCell:
		if len(v) == 0 {
			return ""
		}
		// excelize reads an index it cannot parse as 0.
		i, _ := strconv.Atoi(string(bytes.TrimSpace(v)))
		if i < 0 || i >= len(s.sst) {
			return ""
		}
		return s.sst[i]
	case inlineCell:
		if hasIS {
			return string(is)
		}
	}
	return string(v)
}

// cellAttrs returns a <c> tag's r and t attributes in one pass.
func cellAttrs(tag []byte) (ref, typ []byte) {
	for a, ok := nextAttr(tag, 0); ok; a, ok = nextAttr(tag, a.end+1) {
		switch string(tag[a.from:a.nameEnd]) {
		case "r":
			ref = tag[a.start:a.end]
		case "t":
			typ = tag[a.start:a.end]
		}
	}
	return ref, typ
}

// refColumn is the column of a cell reference such as "B5". References
// other than plain letters and digits ("$B$5", "B+5") are left to
// excelize.CellNameToCoordinates, whose verdict the old reader followed.
func refColumn(ref []byte) (int, error) {
	col, row, i := 0, 0, 0
	for ; i < len(ref) && col <= excelize.MaxColumns; i++ {
		c := ref[i] | 0x20 // lower case, for letters
		if c < 'a' || c > 'z' {
			break
		}
		col = col*26 + int(c-'a') + 1
	}
	letters := i
	for ; i < len(ref) && ref[i] >= '0' && ref[i] <= '9' && row <= excelize.TotalRows; i++ {
		row = row*10 + int(ref[i]-'0')
	}
	if letters > 0 && i > letters && i == len(ref) && col <= excelize.MaxColumns && row >= 1 && row <= excelize.TotalRows {
		return col, nil
	}
	col, _, err := excelize.CellNameToCoordinates(string(ref))
	return col, err
}
