package docx

import (
	"fmt"
	"math"
	"strings"
	"unicode/utf8"
)

// Official documents (党政机关公文) after GB/T 9704-2012: body 仿宋_GB2312
// 三号 on exact 28 pt lines, 22 lines of 28 characters on A4 with margins
// of 37/35/28/26 mm (the Page defaults); the 版头 with the issuer's mark in
// red 小标宋, the document number and a red rule; the title in 小标宋 二号.

// BodyLine is the height of a line of body text in points.
const BodyLine = 28

// DocNumber renders a document number with 六角括号: 督办〔2026〕3号.
func DocNumber(prefix string, year, seq int) string {
	return fmt.Sprintf("%s〔%d〕%d号", prefix, year, seq)
}

// Header is the 版头: the issuer's mark (发文机关标志) in red 小标宋
// centred, the document number (发文字号) two lines below it, and the red
// separator line 4 mm under the number. A "\n" in mark breaks it over
// lines. markSize is in half-points (zero: MarkSize); number may be empty.
func Header(mark, number string, markSize int) []Block {
	if markSize <= 0 {
		markSize = MarkSize(mark)
	}
	pt := float64(markSize) / 2
	blocks := []Block{&Paragraph{Align: Center, LineExact: math.Ceil(pt * 1.2), KeepNext: true,
		Runs: []Run{{Text: mark, Font: XiaoBiaoSong, Size: markSize, Color: Red}}}}
	rule := &Border{Size: 18, Color: Red, Space: 11} // 2.25 pt, 4 mm below the text
	if number == "" {
		blocks[0].(*Paragraph).BottomBorder = rule
		return blocks
	}
	return append(blocks, &Paragraph{Align: Center, SpaceBefore: 2 * BodyLine, BottomBorder: rule,
		Runs: []Run{{Text: number, Font: FangSong, Size: SizeSan}}})
}

// MarkSize is the largest size in half-points, up to 小初 (36 pt), at
// which each line of mark fits the default text width (156 mm) with a
// character to spare.
func MarkSize(mark string) int {
	widest := 0.0
	for _, line := range strings.Split(mark, "\n") {
		widest = max(widest, Width(line))
	}
	const textWidth = (210 - 28 - 26) / 25.4 * 72 // points
	return min(72, max(SizeSan, int(2*textWidth/(widest+1))))
}

// Title is the document's title: 小标宋 二号, centred, two lines below the
// red rule.
func Title(text string) *Paragraph {
	return &Paragraph{Align: Center, LineExact: 35, SpaceBefore: 2 * BodyLine, SpaceAfter: BodyLine, KeepNext: true,
		Runs: []Run{{Text: text, Font: XiaoBiaoSong, Size: SizeEr}}}
}

// Addressee is the 主送机关 line, flush left: "区发展和改革局：".
func Addressee(text string) *Paragraph {
	return &Paragraph{Align: Left, Runs: []Run{{Text: text, Font: FangSong, Size: SizeSan}}}
}

// Body is a paragraph of body text, its first line indented two characters.
func Body(text string) *Paragraph {
	return &Paragraph{FirstLineChars: 2, Runs: []Run{{Text: text, Font: FangSong, Size: SizeSan}}}
}

// BodyRuns is a body paragraph of several runs (a bold lead-in, then text).
func BodyRuns(runs ...Run) *Paragraph {
	for i := range runs {
		if runs[i].Font == (Font{}) {
			runs[i].Font = FangSong
		}
		if runs[i].Size == 0 {
			runs[i].Size = SizeSan
		}
	}
	return &Paragraph{FirstLineChars: 2, Runs: runs}
}

// Heading1 is a first-level heading ("一、…"): 黑体 三号.
func Heading1(text string) *Paragraph {
	return &Paragraph{FirstLineChars: 2, KeepNext: true, Runs: []Run{{Text: text, Font: HeiTi, Size: SizeSan}}}
}

// Heading2 is a second-level heading ("（一）…"): 楷体 三号.
func Heading2(text string) *Paragraph {
	return &Paragraph{FirstLineChars: 2, KeepNext: true, Runs: []Run{{Text: text, Font: KaiTi, Size: SizeSan}}}
}

// Signature is the issuer's name (发文机关署名) over the date (成文日期,
// "2026年10月8日"): the date four characters in from the right, the name
// centred over it, two blank lines above.
func Signature(name, date string) []Block {
	dw, nw := Width(date), Width(name)
	nameIndent := 4 + (dw-nw)/2
	if nameIndent < 0 {
		nameIndent = 0
	}
	return []Block{
		&Paragraph{Align: Right, RightChars: nameIndent, SpaceBefore: 2 * BodyLine, KeepNext: true,
			Runs: []Run{{Text: name, Font: FangSong, Size: SizeSan}}},
		&Paragraph{Align: Right, RightChars: 4, Runs: []Run{{Text: date, Font: FangSong, Size: SizeSan}}},
	}
}

// Width is text's width in characters of the body font: Chinese characters
// count one, digits and Latin letters a half.
func Width(text string) float64 {
	w := 0.0
	for _, r := range text {
		if r < utf8.RuneSelf {
			w += 0.5
		} else {
			w++
		}
	}
	return w
}

// CellText is a cell of one paragraph in 仿宋_GB2312 of size (half-points;
// zero: 四号), aligned as given (empty: centred), on lines of 1.5 times the
// font size.
func CellText(text string, size int, align Align) Cell {
	if size <= 0 {
		size = SizeSi
	}
	if align == "" {
		align = Center
	}
	var ps []Paragraph
	for _, line := range strings.Split(text, "\n") {
		ps = append(ps, Paragraph{Align: align, LineExact: math.Ceil(float64(size) * 0.75),
			Runs: []Run{{Text: line, Font: FangSong, Size: size}}})
	}
	return Cell{Paragraphs: ps}
}
