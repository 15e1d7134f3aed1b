package docx

import (
	"encoding/xml"
	"math"
	"strconv"
	"strings"
	"time"
)

const (
	nsW      = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
	nsR      = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
	relBase  = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
	xmlHead  = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"
	ctPrefix = "application/vnd.openxmlformats-officedocument.wordprocessingml."
)

// Relationship ids of document.xml's parts.
const (
	ridStyles   = "rId1"
	ridSettings = "rId2"
	ridFooterOd = "rId3" // odd pages (and the default)
	ridFooterEv = "rId4" // even pages
	ridFonts    = "rId5"
)

// xmlBuf builds XML text; every text and attribute value goes through
// escape.
type xmlBuf struct{ strings.Builder }

// escape writes s as XML character data; characters XML cannot hold
// (most control characters) become U+FFFD.
func (b *xmlBuf) escape(s string) {
	_ = xml.EscapeText(b, []byte(s))
}

// tag writes <name a="v" …/> or, with open set, <name …>. attrs are
// name/value pairs.
func (b *xmlBuf) tag(name string, open bool, attrs ...string) {
	b.WriteByte('<')
	b.WriteString(name)
	for i := 0; i+1 < len(attrs); i += 2 {
		b.WriteByte(' ')
		b.WriteString(attrs[i])
		b.WriteString(`="`)
		b.escape(attrs[i+1])
		b.WriteByte('"')
	}
	if !open {
		b.WriteByte('/')
	}
	b.WriteByte('>')
}

func (b *xmlBuf) end(name string) {
	b.WriteString("</")
	b.WriteString(name)
	b.WriteByte('>')
}

// twips converts millimetres to twentieths of a point.
func twips(mm float64) int { return int(math.Round(mm / 25.4 * 1440)) }

func itoa(n int) string { return strconv.Itoa(n) }

func (d *Document) parts() []part {
	sections := d.Sections
	if len(sections) == 0 {
		sections = []Section{{}}
	}
	numbered := false
	for _, s := range sections {
		numbered = numbered || s.PageNumbers
	}
	ps := []part{
		{"[Content_Types].xml", contentTypes(numbered)},
		{"_rels/.rels", []byte(xmlHead + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="` + relBase + `officeDocument" Target="word/document.xml"/>` +
			`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>` +
			`<Relationship Id="rId3" Type="` + relBase + `extended-properties" Target="docProps/app.xml"/>` +
			`</Relationships>`)},
		{"word/_rels/document.xml.rels", documentRels(numbered)},
		{"word/document.xml", document(sections)},
		{"word/styles.xml", []byte(stylesXML)},
		{"word/settings.xml", settings(numbered)},
		{"word/fontTable.xml", []byte(fontTableXML)},
		{"docProps/core.xml", d.core()},
		{"docProps/app.xml", []byte(xmlHead + `<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" ` +
			`xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"><Application>diaodu</Application></Properties>`)},
	}
	if numbered {
		ps = append(ps, part{"word/footer1.xml", footer(Right)}, part{"word/footer2.xml", footer(Left)})
	}
	return ps
}

func contentTypes(numbered bool) []byte {
	var b xmlBuf
	b.WriteString(xmlHead + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
		`<Default Extension="xml" ContentType="application/xml"/>`)
	over := func(name, ct string) {
		b.tag("Override", false, "PartName", name, "ContentType", ct)
	}
	over("/word/document.xml", ctPrefix+"document.main+xml")
	over("/word/styles.xml", ctPrefix+"styles+xml")
	over("/word/settings.xml", ctPrefix+"settings+xml")
	over("/word/fontTable.xml", ctPrefix+"fontTable+xml")
	if numbered {
		over("/word/footer1.xml", ctPrefix+"footer+xml")
		over("/word/footer2.xml", ctPrefix+"footer+xml")
	}
	over("/docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml")
	over("/docProps/app.xml", "application/vnd.openxmlformats-officedocument.extended-properties+xml")
	b.WriteString(`</Types>`)
	return []byte(b.String())
}

func documentRels(numbered bool) []byte {
	var b xmlBuf
	b.WriteString(xmlHead + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`)
	rel := func(id, typ, target string) {
		b.tag("Relationship", false, "Id", id, "Type", relBase+typ, "Target", target)
	}
	rel(ridStyles, "styles", "styles.xml")
	rel(ridSettings, "settings", "settings.xml")
	rel(ridFonts, "fontTable", "fontTable.xml")
	if numbered {
		rel(ridFooterOd, "footer", "footer1.xml")
		rel(ridFooterEv, "footer", "footer2.xml")
	}
	b.WriteString(`</Relationships>`)
	return []byte(b.String())
}

func document(sections []Section) []byte {
	var b xmlBuf
	b.WriteString(xmlHead)
	b.tag("w:document", true, "xmlns:w", nsW, "xmlns:r", nsR)
	b.WriteString("<w:body>")
	for i, s := range sections {
		last := i == len(sections)-1
		for j, bl := range s.Blocks {
			// A section ends in its last paragraph's properties; a section
			// ending in a table (or empty) gets an empty paragraph for it.
			if p, ok := bl.(*Paragraph); ok && j == len(s.Blocks)-1 && !last {
				p.write(&b, &s)
				continue
			}
			bl.writeTo(&b)
		}
		if last {
			s.writeProps(&b)
		} else if n := len(s.Blocks); n == 0 || !isParagraph(s.Blocks[n-1]) {
			(&Paragraph{}).write(&b, &s)
		}
	}
	b.WriteString("</w:body></w:document>")
	return []byte(b.String())
}

func isParagraph(bl Block) bool {
	_, ok := bl.(*Paragraph)
	return ok
}

// page returns p with the defaults filled in.
func (p Page) orDefaults() Page {
	def := func(v *float64, d float64) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&p.Width, 210)
	def(&p.Height, 297)
	def(&p.Top, 37)
	def(&p.Bottom, 35)
	def(&p.Left, 28)
	def(&p.Right, 26)
	def(&p.FooterDistance, 28)
	if p.Landscape && p.Width < p.Height {
		p.Width, p.Height = p.Height, p.Width
	}
	if p.Lines <= 0 {
		p.Lines = 22
	}
	if p.Chars <= 0 {
		p.Chars = 28
	}
	return p
}

// writeProps writes the section's page setup (w:sectPr).
func (s *Section) writeProps(b *xmlBuf) {
	p := s.Page.orDefaults()
	b.WriteString("<w:sectPr>")
	if s.PageNumbers {
		b.tag("w:footerReference", false, "w:type", "default", "r:id", ridFooterOd)
		b.tag("w:footerReference", false, "w:type", "even", "r:id", ridFooterEv)
	}
	size := []string{"w:w", itoa(twips(p.Width)), "w:h", itoa(twips(p.Height))}
	if p.Landscape {
		size = append(size, "w:orient", "landscape")
	}
	b.tag("w:pgSz", false, size...)
	b.tag("w:pgMar", false, "w:top", itoa(twips(p.Top)), "w:right", itoa(twips(p.Right)), "w:bottom", itoa(twips(p.Bottom)),
		"w:left", itoa(twips(p.Left)), "w:header", "851", "w:footer", itoa(twips(p.FooterDistance)), "w:gutter", "0")
	// The grid: lines of the text height over Lines; characters of the
	// body size (三号, 16 pt) squeezed to fit Chars across, given in
	// 4096ths of a point as Word wants.
	textHeight := twips(p.Height - p.Top - p.Bottom)
	textWidth := float64(twips(p.Width - p.Left - p.Right))
	charSpace := int(math.Round((textWidth/float64(p.Chars)/20 - 16) * 4096))
	b.tag("w:docGrid", false, "w:type", "linesAndChars", "w:linePitch", itoa(textHeight/p.Lines), "w:charSpace", itoa(charSpace))
	b.WriteString("</w:sectPr>")
}

func (p *Paragraph) writeTo(b *xmlBuf) { p.write(b, nil) }

// write renders the paragraph; sect, when set, ends a section in it.
func (p *Paragraph) write(b *xmlBuf, sect *Section) {
	b.WriteString("<w:p><w:pPr>")
	if p.KeepNext {
		b.WriteString("<w:keepNext/>")
	}
	if p.BottomBorder != nil {
		bd := p.BottomBorder
		b.WriteString("<w:pBdr>")
		b.tag("w:bottom", false, "w:val", "single", "w:sz", itoa(bd.Size), "w:space", itoa(bd.Space), "w:color", colorOr(bd.Color, "auto"))
		b.WriteString("</w:pBdr>")
	}
	line := p.LineExact
	if line <= 0 {
		line = 28
	}
	lineTw := int(math.Round(line * 20))
	b.tag("w:spacing", false, "w:before", itoa(int(math.Round(p.SpaceBefore*20))), "w:after", itoa(int(math.Round(p.SpaceAfter*20))),
		"w:line", itoa(lineTw), "w:lineRule", "exact")
	if p.FirstLineChars != 0 || p.LeftChars != 0 || p.RightChars != 0 {
		// Hundredths of a character; the twips beside them are for readers
		// that ignore character units (16 pt characters).
		chars := func(c float64) string { return itoa(int(math.Round(c * 100))) }
		tw := func(c float64) string { return itoa(int(math.Round(c * 320))) }
		b.tag("w:ind", false, "w:leftChars", chars(p.LeftChars), "w:left", tw(p.LeftChars), "w:rightChars", chars(p.RightChars),
			"w:right", tw(p.RightChars), "w:firstLineChars", chars(p.FirstLineChars), "w:firstLine", tw(p.FirstLineChars))
	}
	align := p.Align
	if align == "" {
		align = Justify
	}
	b.tag("w:jc", false, "w:val", string(align))
	if sect != nil {
		sect.writeProps(b)
	}
	b.WriteString("</w:pPr>")
	for _, r := range p.Runs {
		r.write(b)
	}
	b.WriteString("</w:p>")
}

func colorOr(c, def string) string {
	if c == "" {
		return def
	}
	return c
}

func (r Run) write(b *xmlBuf) {
	b.WriteString("<w:r>")
	r.writeProps(b)
	for i, line := range strings.Split(r.Text, "\n") {
		if i > 0 {
			b.WriteString("<w:br/>")
		}
		for j, seg := range strings.Split(line, "\t") {
			if j > 0 {
				b.WriteString("<w:tab/>")
			}
			if seg != "" {
				b.WriteString(`<w:t xml:space="preserve">`)
				b.escape(seg)
				b.WriteString("</w:t>")
			}
		}
	}
	b.WriteString("</w:r>")
}

func (r Run) writeProps(b *xmlBuf) {
	b.WriteString("<w:rPr>")
	if r.Font != (Font{}) {
		ascii := colorOr(r.Font.ASCII, r.Font.EastAsia)
		b.tag("w:rFonts", false, "w:ascii", ascii, "w:hAnsi", ascii, "w:eastAsia", colorOr(r.Font.EastAsia, ascii), "w:cs", ascii)
	}
	if r.Bold {
		b.WriteString("<w:b/><w:bCs/>")
	}
	if r.Color != "" {
		b.tag("w:color", false, "w:val", r.Color)
	}
	if r.Spacing != 0 {
		b.tag("w:spacing", false, "w:val", itoa(r.Spacing))
	}
	if r.Size > 0 {
		b.tag("w:sz", false, "w:val", itoa(r.Size))
		b.tag("w:szCs", false, "w:val", itoa(r.Size))
	}
	b.WriteString("</w:rPr>")
}

func (PageBreak) writeTo(b *xmlBuf) {
	b.WriteString(`<w:p><w:r><w:br w:type="page"/></w:r></w:p>`)
}

func (t *Table) writeTo(b *xmlBuf) {
	total := 0
	for _, w := range t.Widths {
		total += twips(w)
	}
	b.WriteString("<w:tbl><w:tblPr>")
	b.tag("w:tblW", false, "w:w", itoa(total), "w:type", "dxa")
	b.tag("w:jc", false, "w:val", "center")
	if !t.NoBorders {
		b.WriteString("<w:tblBorders>")
		for _, side := range []string{"w:top", "w:left", "w:bottom", "w:right", "w:insideH", "w:insideV"} {
			b.tag(side, false, "w:val", "single", "w:sz", "4", "w:space", "0", "w:color", "000000")
		}
		b.WriteString("</w:tblBorders>")
	}
	b.tag("w:tblLayout", false, "w:type", "fixed")
	b.WriteString(`<w:tblCellMar><w:left w:w="108" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar>`)
	b.tag("w:tblLook", false, "w:val", "0000")
	b.WriteString("</w:tblPr><w:tblGrid>")
	for _, w := range t.Widths {
		b.tag("w:gridCol", false, "w:w", itoa(twips(w)))
	}
	b.WriteString("</w:tblGrid>")
	for _, row := range t.Rows {
		b.WriteString("<w:tr>")
		if row.Header || row.MinHeight > 0 {
			b.WriteString("<w:trPr>")
			if row.MinHeight > 0 {
				b.tag("w:trHeight", false, "w:val", itoa(twips(row.MinHeight)), "w:hRule", "atLeast")
			}
			if row.Header {
				b.WriteString("<w:tblHeader/>")
			}
			b.WriteString("</w:trPr>")
		}
		col := 0
		for _, c := range row.Cells {
			span := max(c.Span, 1)
			width := 0
			for i := col; i < col+span && i < len(t.Widths); i++ {
				width += twips(t.Widths[i])
			}
			col += span
			b.WriteString("<w:tc><w:tcPr>")
			b.tag("w:tcW", false, "w:w", itoa(width), "w:type", "dxa")
			if span > 1 {
				b.tag("w:gridSpan", false, "w:val", itoa(span))
			}
			switch c.VMerge {
			case "restart":
				b.tag("w:vMerge", false, "w:val", "restart")
			case "continue":
				b.WriteString("<w:vMerge/>")
			}
			if c.Shade != "" {
				b.tag("w:shd", false, "w:val", "clear", "w:color", "auto", "w:fill", c.Shade)
			}
			b.WriteString(`<w:vAlign w:val="center"/></w:tcPr>`)
			ps := c.Paragraphs
			if len(ps) == 0 {
				ps = []Paragraph{{}} // a cell must hold a paragraph
			}
			for i := range ps {
				ps[i].writeTo(b)
			}
			b.WriteString("</w:tc>")
		}
		b.WriteString("</w:tr>")
	}
	b.WriteString("</w:tbl>")
}

// footer is a footer with the page number as GB/T 9704 writes it: "— 1 —"
// in 宋体 四号, a character in from the outer edge.
func footer(align Align) []byte {
	var b xmlBuf
	b.WriteString(xmlHead)
	b.tag("w:ftr", true, "xmlns:w", nsW, "xmlns:r", nsR)
	p := Paragraph{Align: align, LineExact: 14}
	if align == Right {
		p.RightChars = 1
	} else {
		p.LeftChars = 1
	}
	// Rendered by hand to put the PAGE field between the dashes.
	var inner xmlBuf
	(&p).write(&inner, nil)
	s := inner.String()
	s = strings.TrimSuffix(s, "</w:p>")
	b.WriteString(s)
	run := Run{Font: SongTi, Size: SizeSi}
	field := func(xml string) {
		b.WriteString("<w:r>")
		run.writeProps(&b)
		b.WriteString(xml)
		b.WriteString("</w:r>")
	}
	field(`<w:t xml:space="preserve">— </w:t>`)
	field(`<w:fldChar w:fldCharType="begin"/>`)
	field(`<w:instrText xml:space="preserve"> PAGE </w:instrText>`)
	field(`<w:fldChar w:fldCharType="separate"/>`)
	field(`<w:t>1</w:t>`)
	field(`<w:fldChar w:fldCharType="end"/>`)
	field(`<w:t xml:space="preserve"> —</w:t>`)
	b.WriteString("</w:p></w:ftr>")
	return []byte(b.String())
}

func settings(evenOdd bool) []byte {
	var b xmlBuf
	b.WriteString(xmlHead)
	b.tag("w:settings", true, "xmlns:w", nsW)
	// Word refuses settings out of the schema's order.
	b.WriteString(`<w:zoom w:percent="100"/><w:defaultTabStop w:val="420"/>`)
	if evenOdd {
		b.WriteString("<w:evenAndOddHeaders/>")
	}
	b.WriteString(`<w:characterSpacingControl w:val="doNotCompress"/>` +
		`<w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat>` +
		`</w:settings>`)
	return []byte(b.String())
}

func (d *Document) core() []byte {
	var b xmlBuf
	b.WriteString(xmlHead + `<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" ` +
		`xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" ` +
		`xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">`)
	b.WriteString("<dc:title>")
	b.escape(d.Title)
	b.WriteString("</dc:title><dc:creator>")
	b.escape(d.Creator)
	b.WriteString("</dc:creator>")
	if !d.Created.IsZero() {
		ts := d.Created.UTC().Format(time.RFC3339)
		b.WriteString(`<dcterms:created xsi:type="dcterms:W3CDTF">` + ts + `</dcterms:created>`)
		b.WriteString(`<dcterms:modified xsi:type="dcterms:W3CDTF">` + ts + `</dcterms:modified>`)
	}
	b.WriteString("</cp:coreProperties>")
	return []byte(b.String())
}

// stylesXML sets the defaults every paragraph starts from: 仿宋_GB2312
// (Times New Roman for digits) 三号, exactly 28 pt lines, no space
// between paragraphs.
const stylesXML = xmlHead + `<w:styles xmlns:w="` + nsW + `">` +
	`<w:docDefaults><w:rPrDefault><w:rPr>` +
	`<w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="仿宋_GB2312" w:cs="Times New Roman"/>` +
	`<w:kern w:val="2"/><w:sz w:val="32"/><w:szCs w:val="32"/><w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/>` +
	`</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:widowControl w:val="0"/><w:spacing w:before="0" w:after="0" w:line="560" w:lineRule="exact"/>` +
	`<w:jc w:val="both"/></w:pPr></w:pPrDefault></w:docDefaults>` +
	`<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style>` +
	`<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont"><w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/></w:style>` +
	`<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:semiHidden/>` +
	`<w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>` +
	`<w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>` +
	`<w:style w:type="paragraph" w:styleId="Footer"><w:name w:val="footer"/><w:basedOn w:val="Normal"/></w:style>` +
	`</w:styles>`

// fontTableXML names the fonts with their character sets, so that Word
// and WPS substitute sensibly where 仿宋_GB2312 or 方正小标宋简体 is missing.
const fontTableXML = xmlHead + `<w:fonts xmlns:w="` + nsW + `">` +
	`<w:font w:name="Times New Roman"><w:charset w:val="00"/><w:family w:val="roman"/><w:pitch w:val="variable"/></w:font>` +
	`<w:font w:name="宋体"><w:altName w:val="SimSun"/><w:charset w:val="86"/><w:family w:val="auto"/><w:pitch w:val="variable"/></w:font>` +
	`<w:font w:name="仿宋_GB2312"><w:altName w:val="仿宋"/><w:charset w:val="86"/><w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>` +
	`<w:font w:name="方正小标宋简体"><w:altName w:val="宋体"/><w:charset w:val="86"/><w:family w:val="script"/><w:pitch w:val="variable"/></w:font>` +
	`<w:font w:name="黑体"><w:altName w:val="SimHei"/><w:charset w:val="86"/><w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>` +
	`<w:font w:name="楷体_GB2312"><w:altName w:val="楷体"/><w:charset w:val="86"/><w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>` +
	`</w:fonts>`
