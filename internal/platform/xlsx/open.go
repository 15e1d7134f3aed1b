package xlsx

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

const (
	headerScanRows = 10      // rows searched for the header
	maxZipEntries  = 10_000  // a real workbook has dozens
	maxMerges      = 200_000 // merged ranges kept in memory
	maxFillCols    = 512     // merged values are not spread beyond this column
	maxPartBytes   = 64 << 20
	oleMagic       = "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
)

var (
	errCorrupt = fileErr("not a valid xlsx file", "文件已损坏或不是有效的 Excel（.xlsx）文件，请用 Excel 打开后另存为 .xlsx 再导入")
	errNoSheet = fileErr("workbook has no worksheet", "文件中没有找到工作表，请确认是 Excel（.xlsx）文件")
)

// book is an opened upload: the excelize file plus what a quick pass over
// the first sheet's XML learned that excelize's row iterator does not give.
type book struct {
	f        *excelize.File
	sheet    string // first sheet's name
	date1904 bool
	merges   []mergeRange // sorted by top row
	rowCount int          // <row> elements, for progress
}

func (b *book) close() { _ = b.f.Close() }

// openBook refuses hostile uploads before excelize sees them: excelize
// would read a whole OLE file or a bomb's entries into memory.
// scan also pre-reads the sheet for merged ranges and the row count.
func openBook(r io.ReaderAt, size int64, lim Limits, scan bool) (*book, error) {
	lim = lim.orDefaults()
	if size <= 0 {
		return nil, fileErr("empty file", "文件为空（0 字节），请重新选择文件")
	}
	if size > lim.MaxFileBytes {
		return nil, fileErr("file too large", "文件大小 %s 超过上限 %s，请拆分后分批导入", sizeText(size), sizeText(lim.MaxFileBytes))
	}
	head := make([]byte, 512)
	n, _ := r.ReadAt(head, 0)
	if err := sniff(head[:n]); err != nil {
		return nil, err
	}
	zr, err := zip.NewReader(io.NewSectionReader(r, 0, size), size)
	if err != nil {
		return nil, errCorrupt
	}
	if err := checkUnzipped(zr, lim.MaxUncompressedBytes); err != nil {
		return nil, err
	}
	loc, err := locateFirstSheet(zr)
	if err != nil {
		return nil, err
	}
	b := &book{sheet: loc.name, date1904: loc.date1904}
	if scan {
		if b.merges, b.rowCount, err = scanSheet(loc.file); err != nil {
			return nil, err
		}
	}
	b.f, err = excelize.OpenReader(io.NewSectionReader(r, 0, size), excelize.Options{
		RawCellValue:      true,
		UnzipSizeLimit:    lim.MaxUncompressedBytes,
		UnzipXMLSizeLimit: min(lim.MaxUncompressedBytes, excelize.StreamChunkSize),
	})
	if err != nil {
		return nil, errCorrupt
	}
	return b, nil
}

// sniff names the common wrong uploads so the message can say what to do.
func sniff(head []byte) error {
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return nil
	case bytes.HasPrefix(head, []byte(oleMagic)):
		return fileErr("encrypted workbook or legacy .xls", "文件已加密或为旧版 .xls 格式，请另存为 .xlsx 后再导入")
	case bytes.HasPrefix(head, []byte("%PDF")):
		return fileErr("PDF, not xlsx", "文件是 PDF，不是 Excel 表格，请上传 .xlsx 文件")
	}
	text := bytes.ToLower(bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\xef\xbb\xbf")), " \t\r\n"))
	switch {
	case bytes.HasPrefix(text, []byte("<")):
		// Many systems export HTML or XML 2003 tables named .xls.
		return fileErr("HTML/XML disguised as a spreadsheet", "文件是网页或 XML 格式（常见于系统导出的 .xls），请用 Excel 打开后另存为 .xlsx 再导入")
	case len(text) > 0 && isTextLike(head):
		return fileErr("text/CSV, not xlsx", "文件是文本或 CSV 格式，请用 Excel 打开后另存为 .xlsx 再导入")
	}
	return errCorrupt
}

// isTextLike reports whether b has no control bytes besides line breaks and
// tabs; that admits GBK as well as UTF-8 CSV, which Chinese offices use both.
func isTextLike(b []byte) bool {
	for _, c := range b {
		if (c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7f {
			return false
		}
	}
	return true
}

// checkUnzipped caps the declared sizes in the central directory;
// archive/zip refuses to inflate an entry past its declared size, so a
// lying header is caught when the entry is read.
func checkUnzipped(zr *zip.Reader, limit int64) error {
	if len(zr.File) > maxZipEntries {
		return errCorrupt
	}
	var total uint64
	for _, f := range zr.File {
		total += f.UncompressedSize64
		if f.UncompressedSize64 > uint64(limit) || total > uint64(limit) {
			return fileErr("uncompressed size over limit (zip bomb?)",
				"文件解压后超过 %s 上限（内容过大或疑似压缩炸弹），已拒绝导入", sizeText(limit))
		}
	}
	return nil
}

type sheetLoc struct {
	name     string
	file     *zip.File
	date1904 bool
}

type xmlRels struct {
	Rels []struct {
		ID     string `xml:"Id,attr"`
		Type   string `xml:"Type,attr"`
		Target string `xml:"Target,attr"`
	} `xml:"Relationship"`
}

type xmlWorkbook struct {
	Pr struct {
		Date1904 string `xml:"date1904,attr"`
	} `xml:"workbookPr"`
	Sheets []struct {
		Name string `xml:"name,attr"`
		RID  string `xml:"id,attr"` // r:id; any namespace, strict files use another
	} `xml:"sheets>sheet"`
}

// locateFirstSheet follows _rels/.rels → workbook → its rels to the first
// sheet's part, as excelize does.
func locateFirstSheet(zr *zip.Reader) (sheetLoc, error) {
	files := make(map[string]*zip.File, len(zr.File))
	for _, f := range zr.File {
		files[strings.ToLower(strings.TrimPrefix(strings.ReplaceAll(f.Name, "\\", "/"), "/"))] = f
	}
	part := func(name string) *zip.File { return files[strings.ToLower(strings.TrimPrefix(name, "/"))] }

	wbPath := "xl/workbook.xml"
	var root xmlRels
	if err := decodePart(part("_rels/.rels"), &root); err == nil {
		for _, rel := range root.Rels {
			if strings.HasSuffix(rel.Type, "/officeDocument") {
				wbPath = strings.TrimPrefix(rel.Target, "/")
			}
		}
	}
	var wb xmlWorkbook
	if err := decodePart(part(wbPath), &wb); err != nil || len(wb.Sheets) == 0 {
		return sheetLoc{}, errNoSheet
	}
	var rels xmlRels
	dir := path.Dir(wbPath)
	if err := decodePart(part(path.Join(dir, "_rels", path.Base(wbPath)+".rels")), &rels); err != nil {
		return sheetLoc{}, errNoSheet
	}
	first := wb.Sheets[0]
	for _, rel := range rels.Rels {
		if rel.ID != first.RID {
			continue
		}
		target := rel.Target
		if !strings.HasPrefix(target, "/") {
			target = path.Join(dir, target)
		}
		if f := part(target); f != nil {
			d := wb.Pr.Date1904
			return sheetLoc{name: first.Name, file: f, date1904: d == "1" || d == "true"}, nil
		}
	}
	return sheetLoc{}, errNoSheet
}

func decodePart(f *zip.File, v any) error {
	if f == nil {
		return errNoSheet
	}
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	return xml.NewDecoder(io.LimitReader(rc, maxPartBytes)).Decode(v)
}

// mergeRange is a merged area, 1-based and inclusive.
type mergeRange struct{ top, left, bottom, right int }

// scanSheet finds <mergeCell ref> and counts <row> with a byte scan: no XML
// decoding, so it costs a fraction of excelize's row pass. Merged ranges come
// after sheetData, yet are needed while rows stream, and excelize only offers
// them by loading the whole sheet into memory.
func scanSheet(zf *zip.File) ([]mergeRange, int, error) {
	rc, err := zf.Open()
	if err != nil {
		return nil, 0, errCorrupt
	}
	defer rc.Close()
	br := bufio.NewReaderSize(rc, 64<<10)
	var merges []mergeRange
	rows := 0
	for {
		if _, err := br.ReadSlice('<'); err != nil {
			if err == bufio.ErrBufferFull {
				continue
			}
			if err == io.EOF {
				break
			}
			return nil, 0, errCorrupt // includes entries inflating past their declared size
		}
		switch tagName(br) {
		case "row":
			rows++
		case "mergeCell":
			tag, err := br.ReadSlice('>')
			if err != nil && !errors.Is(err, bufio.ErrBufferFull) {
				return nil, 0, errCorrupt
			}
			if m, ok := parseMergeRef(tag); ok {
				if len(merges) == maxMerges {
					return nil, 0, fileErr("too many merged cells", "合并单元格超过 %d 处，请取消合并后再导入", maxMerges)
				}
				merges = append(merges, m)
			}
		}
	}
	sort.SliceStable(merges, func(i, j int) bool { return merges[i].top < merges[j].top })
	return merges, rows, nil
}

// tagName peeks at the element name after '<', without a namespace prefix.
// Only the two names of interest are returned, to avoid allocating.
func tagName(br *bufio.Reader) string {
	b, _ := br.Peek(24)
	if i := bytes.IndexAny(b, " \t\r\n/>"); i >= 0 {
		b = b[:i]
	}
	if i := bytes.IndexByte(b, ':'); i >= 0 {
		b = b[i+1:]
	}
	switch string(b) {
	case "row":
		return "row"
	case "mergeCell":
		return "mergeCell"
	}
	return ""
}

func parseMergeRef(tag []byte) (mergeRange, bool) {
	i := bytes.Index(tag, []byte(`ref="`))
	if i < 0 {
		return mergeRange{}, false
	}
	ref := tag[i+5:]
	j := bytes.IndexByte(ref, '"')
	if j < 0 {
		return mergeRange{}, false
	}
	from, to, ok := strings.Cut(string(ref[:j]), ":")
	if !ok {
		return mergeRange{}, false
	}
	l, t, err1 := excelize.CellNameToCoordinates(from)
	r, b, err2 := excelize.CellNameToCoordinates(to)
	if err1 != nil || err2 != nil {
		return mergeRange{}, false
	}
	return mergeRange{top: min(t, b), left: min(l, r), bottom: max(t, b), right: min(max(l, r), maxFillCols)}, true
}

// sheetRow is one row as read: own holds the cells as stored, cells the same
// with merged values spread over their whole range.
type sheetRow struct {
	num        int
	cells, own []string
}

// rowSource streams the first sheet's rows, filling merged ranges.
type rowSource struct {
	rows   *excelize.Rows
	num    int
	merges []mergeRange
	next   int
	active []activeMerge
}

type activeMerge struct {
	mergeRange
	value string
}

func (b *book) rowSource() (*rowSource, error) {
	rows, err := b.f.Rows(b.sheet)
	if err != nil {
		return nil, errCorrupt
	}
	return &rowSource{rows: rows, merges: b.merges}, nil
}

func (s *rowSource) close() { _ = s.rows.Close() }

var rawOpts = excelize.Options{RawCellValue: true}

func (s *rowSource) read() (sheetRow, bool, error) {
	if !s.rows.Next() {
		if s.rows.Error() != nil {
			return sheetRow{}, false, errCorrupt
		}
		return sheetRow{}, false, nil
	}
	s.num++
	own, err := s.rows.Columns(rawOpts)
	if err != nil {
		return sheetRow{}, false, errCorrupt
	}
	return sheetRow{num: s.num, own: own, cells: s.fill(own)}, true, nil
}

// fill returns own with merged values spread; own itself is not modified.
func (s *rowSource) fill(own []string) []string {
	live := s.active[:0]
	for _, m := range s.active {
		if m.bottom >= s.num {
			live = append(live, m)
		}
	}
	s.active = live
	for ; s.next < len(s.merges) && s.merges[s.next].top <= s.num; s.next++ {
		m := s.merges[s.next]
		if m.bottom < s.num {
			continue
		}
		am := activeMerge{mergeRange: m}
		if m.left <= len(own) {
			am.value = own[m.left-1]
		}
		s.active = append(s.active, am)
	}
	if len(s.active) == 0 {
		return own
	}
	cells := own
	copied := false
	for _, m := range s.active {
		if m.value == "" {
			continue
		}
		if !copied {
			width := len(own)
			for _, m := range s.active {
				width = max(width, m.right)
			}
			cells = make([]string, width)
			copy(cells, own)
			copied = true
		}
		for c := m.left; c <= m.right; c++ {
			cells[c-1] = m.value
		}
	}
	return cells
}

// sizeText renders a byte count for messages: "50 MB", "6.2 KB".
func sizeText(n int64) string {
	unit, div := " MB", float64(1<<20)
	if n < 1<<20 {
		unit, div = " KB", 1<<10
	}
	return strings.TrimSuffix(strconv.FormatFloat(float64(n)/div, 'f', 1, 64), ".0") + unit
}
