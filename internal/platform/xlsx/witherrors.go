package xlsx

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/flate"
	"encoding/xml"
	"errors"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

const (
	errorHeader = "错误原因"
	// Empty cells of a bad row are filled in up to this column; wider
	// sheets still get every existing cell highlighted.
	maxMarkCols = 128
	maxRowBytes = 16 << 20
	maxColDefs  = excelize.MaxColumns
)

// WithErrors returns the uploaded workbook with its first sheet unchanged
// except for a last column "错误原因" holding each bad row's messages
// (joined with "；") and a light red fill on those rows, added to each
// cell's own style so dates still show as dates. Other sheets are kept.
//
// The sheet is rewritten as a stream, so a 100,000-row upload costs about
// as much as reading it; excelize only adds the highlight styles.
func WithErrors(r io.ReaderAt, size int64, headerRow int, errs []CellError) (_ []byte, err error) {
	defer guard(&err)
	if headerRow < 1 {
		return nil, errors.New("xlsx: header row must be 1 or more")
	}
	lim := DefaultLimits()
	loc, err := openZip(r, size, lim)
	if err != nil {
		return nil, err
	}
	targets := markTargets(headerRow, errs)
	marked := make(map[int]bool, len(targets))
	for _, t := range targets {
		marked[t.row] = len(t.msgs) > 0
	}
	lay, err := scanLayout(loc.file, marked)
	if err != nil {
		return nil, err
	}
	f, err := openExcelize(r, size, lim)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rw := &rewriter{lay: lay, col: lay.width + 1, targets: targets}
	if err := rw.addStyles(f); err != nil {
		return nil, err
	}
	// excelize keys parts by their zip name; a stand-in spares it
	// compressing a sheet that is replaced below anyway.
	f.Pkg.Store(strings.ReplaceAll(loc.file.Name, "\\", "/"), []byte("<worksheet/>"))
	styled, err := f.WriteToBuffer()
	if err != nil {
		return nil, err
	}
	return replaceFirstSheet(styled.Bytes(), loc.file, rw.run)
}

// target is a row WithErrors writes into: the header or a bad row.
type target struct {
	row    int
	header bool
	msgs   []string
}

// markTargets collects each row's distinct messages, rows in order, and
// the header row.
func markTargets(headerRow int, errs []CellError) []target {
	idx := map[int]int{headerRow: 0}
	out := []target{{row: headerRow, header: true}}
	for _, e := range errs {
		if e.Row < 1 || e.Row == headerRow {
			continue
		}
		i, ok := idx[e.Row]
		if !ok {
			i = len(out)
			idx[e.Row] = i
			out = append(out, target{row: e.Row})
		}
		if !slices.Contains(out[i].msgs, e.Message) {
			out[i].msgs = append(out[i].msgs, e.Message)
		}
	}
	slices.SortFunc(out, func(a, b target) int { return a.row - b.row })
	return out
}

// layout is what a first pass over the sheet learns.
type layout struct {
	width   int          // last column holding a value (or covered by a merge)
	styles  map[int]bool // styles the bad rows use, to be highlighted
	cols    []colDef     // <col> ranges
	hasCols bool
}

type colDef struct{ min, max, style int }

func (l *layout) colDef(c int) (colDef, bool) {
	for _, d := range l.cols {
		if d.min <= c && c <= d.max {
			return d, true
		}
	}
	return colDef{}, false
}

func scanLayout(zf *zip.File, marked map[int]bool) (*layout, error) {
	rc, err := zf.Open()
	if err != nil {
		return nil, errCorrupt
	}
	defer rc.Close()
	tk := newTokenizer(rc)
	l := &layout{styles: map[int]bool{0: true}}
	row, col := 0, 0
	inCell, inMarked := false, false
	for {
		b, err := tk.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, errCorrupt
		}
		tg, ok := parseTag(b)
		if !ok || (tg.end && tg.local != "c") {
			continue
		}
		switch tg.local {
		case "row":
			row, col = attrInt(b, "r", row+1), 0
			inMarked = marked[row]
			if s, ok := rowStyle(b); ok && inMarked {
				l.styles[s] = true
			}
		case "c":
			if tg.end {
				inCell = false
				continue
			}
			col, inCell = cellCol(b, col+1), !tg.self
			if inMarked {
				l.styles[attrInt(b, "s", 0)] = true
			}
		case "v", "f", "is":
			if inCell {
				l.width = max(l.width, col)
			}
		case "cols":
			l.hasCols = true
		case "col":
			if len(l.cols) == maxColDefs {
				return nil, errCorrupt
			}
			l.cols = append(l.cols, colDef{attrInt(b, "min", 0), attrInt(b, "max", 0), attrInt(b, "style", 0)})
		case "mergeCell":
			if m, ok := parseMergeRef(b); ok {
				l.width = max(l.width, m.right)
			}
		}
	}
	l.width = min(max(l.width, 1), excelize.MaxColumns-1)
	for c := 1; c <= min(l.width, maxMarkCols); c++ {
		d, _ := l.colDef(c)
		l.styles[d.style] = true
	}
	return l, nil
}

// rowStyle is a row's own style, which applies to its cells without a <c>.
func rowStyle(rowTag []byte) (int, bool) {
	if cf, _ := attr(rowTag, "customFormat"); cf != "1" && cf != "true" {
		return 0, false
	}
	s, ok := attr(rowTag, "s")
	n, err := strconv.Atoi(s)
	return n, ok && err == nil
}

// rewriter copies the sheet XML, rewriting only the target rows and <cols>.
type rewriter struct {
	lay       *layout
	col       int // the 错误原因 column
	targets   []target
	next      int // first target not yet written
	twin      map[int]int
	head, msg int
	plain     bool // no styles could be added
	out       *bufio.Writer
	prefix    string // namespace prefix of sheetData's elements
	colDone   bool
	row       int
}

// addStyles creates a highlighted twin of every style the bad rows use.
func (rw *rewriter) addStyles(f *excelize.File) (err error) {
	defer func() {
		// excelize panics on a styles part without fonts, fills or borders
		// (or none at all, as some tools write): report without colours.
		if recover() != nil {
			f.Styles = nil // write the original styles part back untouched
			rw.plain, err = true, nil
		}
	}()
	rw.twin = map[int]int{}
	for s := range rw.lay.styles {
		st, err := f.GetStyle(s)
		if err != nil || st == nil {
			st = &excelize.Style{}
		}
		st.Fill = solid(errorFill)
		id, err := f.NewStyle(st)
		if err != nil {
			if id, err = f.NewStyle(&excelize.Style{Fill: solid(errorFill)}); err != nil {
				return err
			}
		}
		rw.twin[s] = id
	}
	if rw.head, err = f.NewStyle(&excelize.Style{
		Font: &excelize.Font{Bold: true, Color: "9C0006"}, Fill: solid(errorFill), Border: thin,
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"},
	}); err != nil {
		return err
	}
	rw.msg, err = f.NewStyle(&excelize.Style{
		Font: &excelize.Font{Color: "9C0006"}, Fill: solid(errorFill),
		Alignment: &excelize.Alignment{Vertical: "center", WrapText: true},
	})
	return err
}

// replaceFirstSheet copies the zip, but for its first sheet, which is src
// passed through edit.
func replaceFirstSheet(data []byte, src *zip.File, edit func(w io.Writer, r io.Reader) error) ([]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, err
	}
	loc, err := locateFirstSheet(zr)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(w, flate.BestSpeed) // a large sheet: speed over size
	})
	for _, zf := range zr.File {
		if zf != loc.file {
			if err := zw.Copy(zf); err != nil {
				return nil, err
			}
			continue
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: zf.Name, Method: zip.Deflate, Modified: zf.Modified})
		if err != nil {
			return nil, err
		}
		rc, err := src.Open()
		if err != nil {
			return nil, err
		}
		err = edit(w, rc)
		rc.Close()
		if err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

func (rw *rewriter) run(w io.Writer, r io.Reader) error {
	rw.out = bufio.NewWriterSize(w, 64<<10)
	tk := newTokenizer(r)
	for {
		b, err := tk.next()
		if err == io.EOF {
			return rw.out.Flush()
		}
		if err != nil {
			return errCorrupt
		}
		tg, ok := parseTag(b)
		switch {
		case !ok:
		case tg.local == "col" && !tg.end && attrInt(b, "min", 0) > rw.col:
			rw.writeCol(string(tg.prefix)) // keep <col> sorted
		case tg.local == "cols" && tg.end:
			rw.writeCol(string(tg.prefix))
		case tg.local == "sheetData" && !tg.end:
			rw.prefix = string(tg.prefix)
			if !rw.lay.hasCols {
				rw.put("<", rw.prefix, "cols>")
				rw.writeCol(rw.prefix)
				rw.put("</", rw.prefix, "cols>")
			}
			if tg.self { // an empty sheet
				rw.put("<", rw.prefix, "sheetData>")
				rw.flushTargets(math.MaxInt)
				rw.put("</", rw.prefix, "sheetData>")
				continue
			}
		case tg.local == "sheetData" && tg.end:
			rw.flushTargets(math.MaxInt)
		case tg.local == "row" && !tg.end:
			rw.row = attrInt(b, "r", rw.row+1)
			rw.flushTargets(rw.row)
			if rw.next < len(rw.targets) && rw.targets[rw.next].row == rw.row {
				if err := rw.rewriteRow(tk, tg); err != nil {
					return err
				}
				continue
			}
		}
		rw.out.Write(b)
	}
}

func (rw *rewriter) put(s ...string) {
	for _, x := range s {
		rw.out.WriteString(x)
	}
}

func (rw *rewriter) writeCol(prefix string) {
	if rw.colDone {
		return
	}
	rw.colDone = true
	if _, taken := rw.lay.colDef(rw.col); taken {
		return // keep the sheet's own width rather than overlap it
	}
	c := strconv.Itoa(rw.col)
	rw.put("<", prefix, `col min="`, c, `" max="`, c, `" width="50" customWidth="1"/>`)
}

// flushTargets writes targets before row n that the sheet has no row for.
func (rw *rewriter) flushTargets(n int) {
	for rw.next < len(rw.targets) && rw.targets[rw.next].row < n {
		t := rw.targets[rw.next]
		rw.writeRow(nil, t, nil, nil)
		rw.next++
	}
}

type cellXML struct {
	col         int
	start, body []byte
}

// rewriteRow reads the rest of a target row and writes it back changed.
func (rw *rewriter) rewriteRow(tk *tokenizer, start tag) error {
	startTag := bytes.Clone(start.raw)
	var cells []cellXML
	var tail []byte
	col, inCell, size := 0, false, 0
	for !start.self {
		b, err := tk.next()
		if err != nil {
			return errCorrupt
		}
		if size += len(b); size > maxRowBytes {
			return errCorrupt
		}
		tg, ok := parseTag(b)
		switch {
		case ok && tg.local == "row" && tg.end:
			rw.writeRow(startTag, rw.targets[rw.next], cells, tail)
			rw.next++
			return nil
		case ok && tg.local == "c" && !tg.end:
			col = cellCol(b, col+1)
			cells = append(cells, cellXML{col: col, start: bytes.Clone(b)})
			inCell = !tg.self
		case inCell:
			last := &cells[len(cells)-1]
			last.body = append(last.body, b...)
			inCell = !(ok && tg.local == "c" && tg.end)
		default:
			tail = append(tail, b...)
		}
	}
	rw.writeRow(startTag, rw.targets[rw.next], nil, nil)
	rw.next++
	return nil
}

// writeRow writes a target row: for a bad row, every cell highlighted (empty
// ones filled in) and the messages in the last column; for the header row,
// the column's title. startTag nil makes a row the sheet lacked.
func (rw *rewriter) writeRow(startTag []byte, t target, cells []cellXML, tail []byte) {
	p := rw.prefix
	if startTag == nil {
		startTag = []byte("<" + p + `row r="` + strconv.Itoa(t.row) + `">`)
	}
	startTag = dropAttr(startTag, "spans") // would leave out the new column
	if bytes.HasSuffix(startTag, []byte("/>")) {
		startTag = append(bytes.TrimSuffix(startTag, []byte("/>")), '>')
	}
	rw.out.Write(startTag)
	bad := len(t.msgs) > 0 && !t.header
	rowBase, hasRowStyle := rowStyle(startTag)
	slices.SortStableFunc(cells, func(a, b cellXML) int { return a.col - b.col })
	i := 0
	emit := func(c cellXML) {
		tg := setAttr(c.start, "r", cellRef(c.col, t.row))
		if bad && c.col <= rw.lay.width && !rw.plain {
			tg = setAttr(tg, "s", strconv.Itoa(rw.twin[attrInt(c.start, "s", 0)]))
		}
		rw.out.Write(tg)
		rw.out.Write(c.body)
	}
	upTo := func(col int) {
		for ; i < len(cells) && cells[i].col < col; i++ {
			emit(cells[i])
		}
	}
	if bad && !rw.plain {
		for c := 1; c <= min(rw.lay.width, maxMarkCols); c++ {
			upTo(c)
			if i < len(cells) && cells[i].col == c {
				continue
			}
			base := rowBase
			if !hasRowStyle {
				d, _ := rw.lay.colDef(c)
				base = d.style
			}
			rw.put("<", p, `c r="`, cellRef(c, t.row), `" s="`, strconv.Itoa(rw.twin[base]), `"/>`)
		}
	}
	upTo(rw.col)
	switch {
	case t.header:
		rw.inlineCell(t.row, rw.head, errorHeader)
	case bad:
		var msg bytes.Buffer
		for k, m := range t.msgs {
			if k > 0 {
				msg.WriteString("；")
			}
			msg.WriteString(m)
		}
		rw.inlineCell(t.row, rw.msg, msg.String())
	}
	for i < len(cells) && cells[i].col == rw.col {
		i++ // an empty cell where the new column goes: nothing has a value there
	}
	upTo(math.MaxInt)
	rw.out.Write(tail)
	rw.put("</", p, "row>")
}

func (rw *rewriter) inlineCell(row, style int, text string) {
	p := rw.prefix
	rw.put("<", p, `c r="`, cellRef(rw.col, row))
	if !rw.plain {
		rw.put(`" s="`, strconv.Itoa(style))
	}
	rw.put(`" t="inlineStr"><`, p, "is><", p, "t>")
	_ = xml.EscapeText(rw.out, []byte(text))
	rw.put("</", p, "t></", p, "is></", p, "c>")
}

func cellRef(col, row int) string {
	name, _ := excelize.CoordinatesToCellName(col, row)
	return name
}
