// Package docx writes Word documents (WordprocessingML, .docx) that Word,
// WPS and LibreOffice open: paragraphs of runs, simple tables, A4 pages
// with page numbers, with nothing but archive/zip and escaped XML. The
// official-document helpers (official.go) follow GB/T 9704-2012, the
// layout of Chinese government documents: the supervision notice (督办单)
// and the evaluation notices (通报) are built from them.
package docx

import (
	"archive/zip"
	"bytes"
	"time"
)

// ContentType is the media type of a .docx file.
const ContentType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

// Document is a whole .docx: one or more sections of blocks.
type Document struct {
	Title    string    // core properties: shown in the file's properties
	Creator  string    // e.g. the office's name
	Created  time.Time // zero: not recorded
	Sections []Section
}

// Section is a run of blocks on pages of one setup.
type Section struct {
	Page   Page
	Blocks []Block
	// PageNumbers puts "— 1 —" in the footer: odd pages on the right and
	// even pages on the left, each a character in from the edge, as GB/T
	// 9704 has it.
	PageNumbers bool
}

// Page is a page setup in millimetres; zero fields take A4 with the GB/T
// 9704 margins (top 37, bottom 35, left 28, right 26).
type Page struct {
	Width, Height            float64
	Top, Bottom, Left, Right float64
	Landscape                bool
	// Lines and Chars set the document grid (GB/T 9704: 22 lines of 28
	// characters of the body font); zero: 22 and 28.
	Lines, Chars int
	// FooterDistance is from the page's bottom edge to the footer; zero: 28
	// mm, which puts the page number about 7 mm below the text.
	FooterDistance float64
}

// Block is a Paragraph, a Table or a PageBreak.
type Block interface{ writeTo(b *xmlBuf) }

// Align is a paragraph's alignment.
type Align string

const (
	Left    Align = "left"
	Center  Align = "center"
	Right   Align = "right"
	Justify Align = "both"
)

// Font names a typeface for Chinese text (EastAsia) and for Latin letters
// and digits (ASCII).
type Font struct{ EastAsia, ASCII string }

// Fonts of Chinese official documents, with Times New Roman for digits.
var (
	FangSong     = Font{EastAsia: "仿宋_GB2312", ASCII: "Times New Roman"} // body text
	XiaoBiaoSong = Font{EastAsia: "方正小标宋简体", ASCII: "Times New Roman"}   // titles, the issuer's mark
	HeiTi        = Font{EastAsia: "黑体", ASCII: "Times New Roman"}        // first-level headings
	KaiTi        = Font{EastAsia: "楷体_GB2312", ASCII: "Times New Roman"} // second-level headings
	SongTi       = Font{EastAsia: "宋体", ASCII: "宋体"}                     // page numbers
)

// Sizes in half-points, by their Chinese names.
const (
	SizeChu    = 84 // 初号 42 pt
	SizeYi     = 52 // 一号 26 pt
	SizeEr     = 44 // 二号 22 pt
	SizeSan    = 32 // 三号 16 pt
	SizeSi     = 28 // 四号 14 pt
	SizeXiaoSi = 24 // 小四 12 pt
	SizeWu     = 21 // 五号 10.5 pt
)

// Red is the colour of the issuer's mark and the separator line.
const Red = "FF0000"

// Run is text in one format. A "\n" in Text breaks the line; a "\t" tabs.
type Run struct {
	Text  string
	Font  Font // zero: the document default (仿宋_GB2312 / Times New Roman)
	Size  int  // half-points; zero: the default, 三号 (32)
	Bold  bool
	Color string // RRGGBB; empty: automatic
	// Spacing widens (or, negative, narrows) each character, in twentieths
	// of a point: titles and marks are sometimes spaced out.
	Spacing int
}

// Paragraph is a line of runs and its layout.
type Paragraph struct {
	Runs  []Run
	Align Align // empty: justified
	// FirstLineChars indents the first line by this many characters (GB/T
	// 9704 body text: 2); LeftChars and RightChars indent every line.
	FirstLineChars, LeftChars, RightChars float64
	// LineExact fixes the line height in points (28 for the body); zero:
	// the default, exactly 28 pt.
	LineExact float64
	// SpaceBefore and SpaceAfter add space in points (a blank line of body
	// text is 28).
	SpaceBefore, SpaceAfter float64
	// BottomBorder rules a line under the paragraph: the red separator
	// under the document number.
	BottomBorder *Border
	KeepNext     bool // keep with the next paragraph (headings, titles)
}

// Border is a rule: Size in eighths of a point, Color RRGGBB.
type Border struct {
	Size  int
	Color string
	Space int // points between the text and the rule
}

// PageBreak starts a new page.
type PageBreak struct{}

// Table is a grid of cells with single-line borders.
type Table struct {
	Widths []float64 // column widths in mm
	Rows   []TableRow
	// NoBorders drops the grid lines (layout tables, such as a signature block).
	NoBorders bool
}

// TableRow is a row; Header rows repeat at the top of every page.
type TableRow struct {
	Cells     []Cell
	Header    bool
	MinHeight float64 // mm; zero: as tall as the text
}

// Cell holds paragraphs (at least one is written). Span merges it with the
// cells to its right; VMerge "restart" starts a vertical merge that cells
// below with VMerge "continue" join.
type Cell struct {
	Paragraphs []Paragraph
	Span       int
	VMerge     string
	Shade      string // background RRGGBB
}

// Write renders the document as a .docx file.
func (d *Document) Write() ([]byte, error) {
	parts := d.parts()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range parts {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: p.name, Method: zip.Deflate, Modified: fixedModTime})
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(p.data); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// fixedModTime keeps the archive the same for the same document.
var fixedModTime = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)

type part struct {
	name string
	data []byte
}
