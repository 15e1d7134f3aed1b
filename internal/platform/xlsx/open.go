package xlsx

import (
	"archive/zip"
	"bytes"
	"cmp"
	"encoding/xml"
	"errors"
	"io"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"

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

// book is an opened upload: where its first sheet is, plus what Read needs
// before streaming that sheet's rows.
type book struct {
	loc   sheetLoc
	limit int64    // Limits.MaxUncompressedBytes, for each part read
	sst   []string // the shared strings table
	scan  *mergeScan
}

// openBook opens an upload for reading: it loads the shared strings and
// starts the scan for merged ranges. excelize is not involved: reading
// every part into memory and decoding the styles would cost more than
// Read itself now does.
func openBook(r io.ReaderAt, size int64, lim Limits) (*book, error) {
	lim = lim.orDefaults()
	loc, err := openZip(r, size, lim)
	if err != nil {
		return nil, err
	}
	b := &book{loc: loc, limit: lim.MaxUncompressedBytes}
	b.scan = startMergeScan(loc.file, b.limit) // both inflate a part: overlap them
	if b.sst, err = loadSharedStrings(loc.sst, b.limit); err != nil {
		return nil, cmp.Or(b.scan.wait(), err)
	}
	return b, nil
}

// openPart opens a part for reading no more than limit bytes. The central
// directory's sizes are checked and archive/zip holds an entry to its
// declared size; this guards the guard.
func openPart(zf *zip.File, limit int64) (io.ReadCloser, error) {
	rc, err := zf.Open()
	if err != nil {
		return nil, errCorrupt
	}
	return &limitedPart{rc: rc, limit: limit}, nil
}

type limitedPart struct {
	rc          io.ReadCloser
	limit, read int64
}

func (p *limitedPart) Read(b []byte) (int, error) {
	n, err := p.rc.Read(b)
	if p.read += int64(n); p.read > p.limit {
		return 0, errTooBig(p.limit)
	}
	return n, err
}

func (p *limitedPart) Close() error { return p.rc.Close() }

// partErr is the error Read reports for a failed part read: the zip bomb
// refusal as it is, anything else (bad XML, a lying size) as corruption.
func partErr(err error) error {
	var fe *FileError
	if errors.As(err, &fe) {
		return fe
	}
	return errCorrupt
}

// openZip refuses hostile uploads before excelize sees them: excelize
// would read a whole OLE file or a bomb's entries into memory.
func openZip(r io.ReaderAt, size int64, lim Limits) (sheetLoc, error) {
	if size <= 0 {
		return sheetLoc{}, fileErr("empty file", "文件为空（0 字节），请重新选择文件")
	}
	if size > lim.MaxFileBytes {
		return sheetLoc{}, fileErr("file too large", "文件大小 %s 超过上限 %s，请拆分后分批导入", sizeText(size), sizeText(lim.MaxFileBytes))
	}
	head := make([]byte, 512)
	n, _ := r.ReadAt(head, 0)
	if err := sniff(head[:n]); err != nil {
		return sheetLoc{}, err
	}
	zr, err := zip.NewReader(io.NewSectionReader(r, 0, size), size)
	if err != nil {
		return sheetLoc{}, errCorrupt
	}
	if err := checkUnzipped(zr, lim.MaxUncompressedBytes); err != nil {
		return sheetLoc{}, err
	}
	return locateFirstSheet(zr)
}

func openExcelize(r io.ReaderAt, size int64, lim Limits) (*excelize.File, error) {
	f, err := excelize.OpenReader(io.NewSectionReader(r, 0, size), excelize.Options{
		RawCellValue:      true,
		UnzipSizeLimit:    lim.MaxUncompressedBytes,
		UnzipXMLSizeLimit: min(lim.MaxUncompressedBytes, excelize.StreamChunkSize),
	})
	if err != nil {
		return nil, errCorrupt
	}
	return f, nil
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
			return errTooBig(limit)
		}
	}
	return nil
}

func errTooBig(limit int64) *FileError {
	return fileErr("uncompressed size over limit (zip bomb?)",
		"文件解压后超过 %s 上限（内容过大或疑似压缩炸弹），已拒绝导入", sizeText(limit))
}

type sheetLoc struct {
	name     string
	file     *zip.File
	sst      *zip.File // the shared strings table; nil if there is none
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
		Name  string `xml:"name,attr"`
		State string `xml:"state,attr"`
		RID   string `xml:"id,attr"` // r:id; any namespace, strict files use another
	} `xml:"sheets>sheet"`
}

// locateFirstSheet follows _rels/.rels → workbook → its rels to the first
// visible worksheet: chart sheets hold no rows, and a hidden first sheet is
// usually the lists behind a template's drop-downs.
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
	var rels xmlRels
	dir := path.Dir(wbPath)
	if decodePart(part(wbPath), &wb) != nil || decodePart(part(path.Join(dir, "_rels", path.Base(wbPath)+".rels")), &rels) != nil {
		return sheetLoc{}, errNoSheet
	}
	worksheets := map[string]*zip.File{}
	found := sheetLoc{date1904: wb.Pr.Date1904 == "1" || wb.Pr.Date1904 == "true"}
	for _, rel := range rels.Rels {
		target := rel.Target
		if !strings.HasPrefix(target, "/") {
			target = path.Join(dir, target)
		}
		f := part(target)
		switch {
		case f == nil:
		case strings.HasSuffix(rel.Type, "/worksheet"):
			worksheets[rel.ID] = f
		case strings.HasSuffix(rel.Type, "/sharedStrings"):
			found.sst = f
		}
	}
	if found.sst == nil {
		found.sst = part("xl/sharedStrings.xml") // where excelize looks, rels or not
	}
	for _, sh := range wb.Sheets {
		f := worksheets[sh.RID]
		if f == nil || (found.file != nil && sh.State != "" && sh.State != "visible") {
			continue
		}
		found.name, found.file = sh.Name, f
		if sh.State == "" || sh.State == "visible" {
			return found, nil
		}
	}
	if found.file == nil {
		return sheetLoc{}, errNoSheet
	}
	return found, nil // every worksheet hidden: the first one
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

// mergeScan runs scanSheet on another core while Read reads rows.
type mergeScan struct {
	stop     atomic.Bool
	done     chan struct{}
	merges   []mergeRange // valid once done
	rowCount int
	err      error
}

func startMergeScan(zf *zip.File, limit int64) *mergeScan {
	m := &mergeScan{done: make(chan struct{})}
	go func() {
		defer close(m.done)
		defer guard(&m.err) // a panic here would escape Read's own guard
		m.merges, m.rowCount, m.err = scanSheet(zf, limit, &m.stop)
	}()
	return m
}

func (m *mergeScan) finished() bool {
	select {
	case <-m.done:
		return true
	default:
		return false
	}
}

func (m *mergeScan) wait() error {
	<-m.done
	return m.err
}

// cancel stops the scan and waits for it: it reads from the caller's
// ReaderAt, which may not outlive Read.
func (m *mergeScan) cancel() {
	m.stop.Store(true)
	<-m.done
}

// mergeRange is a merged area, 1-based and inclusive.
type mergeRange struct{ top, left, bottom, right int }

// scanSheet finds <mergeCell ref> and counts <row> with a byte scan: no XML
// decoding, so it costs a fraction of reading the rows, alongside which it
// runs. Merged ranges come after sheetData, yet are needed while rows
// stream. It gives up, with an error, once stop is set.
func scanSheet(zf *zip.File, limit int64, stop *atomic.Bool) ([]mergeRange, int, error) {
	rc, err := openPart(zf, limit)
	if err != nil {
		return nil, 0, err
	}
	defer rc.Close()
	tk := newTokenizer(rc)
	var merges []mergeRange
	rows := 0
	for !stop.Load() {
		b, err := tk.peekTag(tagNamePeek)
		if err == io.EOF {
			sort.SliceStable(merges, func(i, j int) bool { return merges[i].top < merges[j].top })
			return merges, rows, nil
		}
		if err != nil {
			return nil, 0, partErr(err) // includes entries inflating past their declared size
		}
		switch tagName(b[1:]) {
		case "row":
			rows++
		case "mergeCell":
			tag, err := tk.tag()
			if err != nil {
				return nil, 0, partErr(err)
			}
			if m, ok := parseMergeRef(tag); ok {
				if len(merges) == maxMerges {
					return nil, 0, fileErr("too many merged cells", "合并单元格超过 %d 处，请取消合并后再导入", maxMerges)
				}
				merges = append(merges, m)
			}
			continue
		}
		tk.skip(1) // past the '<'
	}
	return nil, 0, errCorrupt // stopped; no one reads this
}

// tagNamePeek is how much of a tag scanSheet looks at: enough for a name.
const tagNamePeek = 25

// tagName is the element name at the start of b, which follows a '<',
// without a namespace prefix. Only the two names of interest are returned,
// to avoid allocating.
func tagName(b []byte) string {
	end, colon := 0, -1
	for ; end < len(b) && end < tagNamePeek-1; end++ {
		c := b[end]
		if c == ':' {
			colon = end
		} else if c <= ' ' || c == '/' || c == '>' {
			break
		}
	}
	switch string(b[colon+1 : end]) {
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
	rows     *sheetReader
	scan     *mergeScan // nil once its result is taken
	ahead    []sheetRow // rows read while the scan ran, not yet filled
	aheadErr error      // what ended reading ahead, due after those rows
	num      int
	total    int // <row> elements, for progress
	merges   []mergeRange
	next     int
	active   []activeMerge
}

// maxReadAhead bounds the rows held while the merge scan finishes. The scan
// does less than reading rows, so it rarely comes to that.
const maxReadAhead = 50_000

type activeMerge struct {
	mergeRange
	value string
}

func (b *book) rowSource() (*rowSource, error) {
	rows, err := newSheetReader(b.loc.file, b.sst, b.limit)
	if err != nil {
		b.scan.cancel()
		return nil, err
	}
	return &rowSource{rows: rows, scan: b.scan}, nil
}

func (s *rowSource) close() {
	if s.scan != nil {
		s.scan.cancel()
	}
	s.rows.close()
}

func (s *rowSource) read() (sheetRow, bool, error) {
	if s.scan != nil {
		if err := s.awaitScan(); err != nil {
			return sheetRow{}, false, err
		}
	}
	row, ok, err := s.pop()
	if err != nil || !ok {
		return sheetRow{}, false, err
	}
	s.num = row.num
	row.cells = s.fill(row.own)
	return row, true, nil
}

// awaitScan takes the merge scan's result. Merged ranges are listed after
// all rows, yet the first row needs them; rather than wait idle, this
// reads rows ahead, unfilled, until the scan is done.
func (s *rowSource) awaitScan() error {
	scan := s.scan
	s.scan = nil
	for len(s.ahead) < maxReadAhead && !scan.finished() {
		row, ok, err := s.readRow()
		if err != nil || !ok {
			s.aheadErr = err
			break
		}
		s.ahead = append(s.ahead, row)
	}
	if err := scan.wait(); err != nil {
		return err // as when the scan came first: its error before any row's
	}
	s.merges, s.total = scan.merges, scan.rowCount
	return nil
}

// pop returns the next row as stored: read ahead, or read now.
func (s *rowSource) pop() (sheetRow, bool, error) {
	if len(s.ahead) > 0 {
		row := s.ahead[0]
		s.ahead[0] = sheetRow{}
		s.ahead = s.ahead[1:]
		return row, true, nil
	}
	if s.aheadErr != nil {
		return sheetRow{}, false, s.aheadErr
	}
	return s.readRow()
}

func (s *rowSource) readRow() (sheetRow, bool, error) {
	num, own, ok, err := s.rows.read()
	return sheetRow{num: num, own: own}, ok, err
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
