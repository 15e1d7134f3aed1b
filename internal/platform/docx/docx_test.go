package docx

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const tricky = `A<B & "C" 'D'> — 中文：〔2026〕3号，①②`

func sample() *Document {
	blocks := Header("示范区委督查室", DocNumber("督办", 2026, 3), 0)
	blocks = append(blocks,
		Title("关于加快推进重点项目建设的督办通知"),
		Addressee("区发展和改革局："),
		Body("正文第一段，"+tricky),
		Heading1("一、存在问题"),
		Heading2("（一）进度滞后"),
		BodyRuns(Run{Text: "督办事项：", Bold: true}, Run{Text: "第二行\n换行\t制表"}),
		&Table{Widths: []float64{30, 60, 30, 36}, Rows: []TableRow{
			{Header: true, Cells: []Cell{CellText("督办事项", 0, ""), CellText("内容", 0, ""), CellText("牵头单位", 0, ""), CellText("完成时限", 0, "")}},
			{MinHeight: 12, Cells: []Cell{{Paragraphs: []Paragraph{*Body("合并两列")}, Span: 2}, {VMerge: "restart"}, CellText("2026年9月30日", 0, Left)}},
			{Cells: []Cell{CellText("a", 0, ""), CellText("b", 0, ""), {VMerge: "continue"}, {Shade: "EEEEEE"}}},
		}},
		PageBreak{},
		Body("控制字符\x01也不会破坏文件"),
	)
	blocks = append(blocks, Signature("示范区委督查室", "2026年10月8日")...)
	return &Document{Title: "督办通知单", Creator: "示范区委督查室", Created: time.Date(2026, 10, 8, 1, 0, 0, 0, time.UTC),
		Sections: []Section{
			{Blocks: blocks, PageNumbers: true},
			{Page: Page{Landscape: true}, Blocks: []Block{&Table{Widths: []float64{100}, Rows: []TableRow{{Cells: []Cell{CellText("横向附表", 0, "")}}}}}},
		}}
}

func open(t *testing.T, data []byte) map[string][]byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("not a zip: %v", err)
	}
	parts := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		parts[f.Name] = b
	}
	return parts
}

// wellFormed decodes every token of an XML part.
func wellFormed(t *testing.T, name string, b []byte) {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(b))
	for {
		_, err := dec.Token()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatalf("%s is not well-formed XML: %v", name, err)
		}
	}
}

type rels struct {
	Rels []struct {
		ID     string `xml:"Id,attr"`
		Type   string `xml:"Type,attr"`
		Target string `xml:"Target,attr"`
	} `xml:"Relationship"`
}

type types struct {
	Defaults []struct {
		Ext string `xml:"Extension,attr"`
	} `xml:"Default"`
	Overrides []struct {
		Part string `xml:"PartName,attr"`
		Type string `xml:"ContentType,attr"`
	} `xml:"Override"`
}

func TestPackage(t *testing.T) {
	data, err := sample().Write()
	if err != nil {
		t.Fatal(err)
	}
	parts := open(t, data)
	for _, name := range []string{"[Content_Types].xml", "_rels/.rels", "word/document.xml", "word/styles.xml", "word/settings.xml",
		"word/_rels/document.xml.rels", "word/footer1.xml", "word/footer2.xml", "docProps/core.xml", "docProps/app.xml", "word/fontTable.xml"} {
		if parts[name] == nil {
			t.Errorf("missing part %s", name)
		}
	}
	for name, b := range parts {
		wellFormed(t, name, b)
	}
	// Every relationship points at a part; the package's point at the
	// document and its properties; the document's at styles, settings and
	// both footers.
	var root, doc rels
	if err := xml.Unmarshal(parts["_rels/.rels"], &root); err != nil {
		t.Fatal(err)
	}
	if err := xml.Unmarshal(parts["word/_rels/document.xml.rels"], &doc); err != nil {
		t.Fatal(err)
	}
	kinds := map[string]bool{}
	for _, r := range root.Rels {
		if parts[r.Target] == nil {
			t.Errorf("package relationship %s → missing %s", r.ID, r.Target)
		}
		kinds[path.Base(r.Type)] = true
	}
	ids := map[string]bool{}
	for _, r := range doc.Rels {
		if parts["word/"+r.Target] == nil {
			t.Errorf("document relationship %s → missing %s", r.ID, r.Target)
		}
		if ids[r.ID] {
			t.Errorf("relationship id %s repeated", r.ID)
		}
		ids[r.ID] = true
		kinds[path.Base(r.Type)] = true
	}
	for _, k := range []string{"officeDocument", "core-properties", "extended-properties", "styles", "settings", "footer"} {
		if !kinds[k] {
			t.Errorf("no %s relationship", k)
		}
	}
	// Every r:id the document uses is declared.
	for _, m := range strings.Split(string(parts["word/document.xml"]), `r:id="`)[1:] {
		if id := m[:strings.IndexByte(m, '"')]; !ids[id] {
			t.Errorf("document uses undeclared %s", id)
		}
	}
	// Every part has a content type.
	var ct types
	if err := xml.Unmarshal(parts["[Content_Types].xml"], &ct); err != nil {
		t.Fatal(err)
	}
	typed := map[string]bool{}
	for _, o := range ct.Overrides {
		typed[strings.TrimPrefix(o.Part, "/")] = true
		if parts[strings.TrimPrefix(o.Part, "/")] == nil {
			t.Errorf("content type for missing part %s", o.Part)
		}
	}
	for name := range parts {
		if !typed[name] && !strings.HasSuffix(name, ".rels") && name != "[Content_Types].xml" {
			t.Errorf("part %s has no Override content type", name)
		}
	}
}

// text is the document's text as Word shows it, paragraphs on lines.
func text(t *testing.T, docXML []byte) string {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(docXML))
	var b strings.Builder
	inText := false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return b.String()
		}
		if err != nil {
			t.Fatal(err)
		}
		switch el := tok.(type) {
		case xml.StartElement:
			switch el.Name.Local {
			case "t":
				inText = true
			case "br":
				b.WriteString("\n")
			case "tab":
				b.WriteString("\t")
			}
		case xml.EndElement:
			switch el.Name.Local {
			case "t":
				inText = false
			case "p":
				b.WriteString("¶")
			}
		case xml.CharData:
			if inText {
				b.Write(el)
			}
		}
	}
}

func TestTextRoundTrips(t *testing.T) {
	data, err := sample().Write()
	if err != nil {
		t.Fatal(err)
	}
	parts := open(t, data)
	got := text(t, parts["word/document.xml"])
	for _, want := range []string{"示范区委督查室¶", "督办〔2026〕3号¶", "区发展和改革局：¶", "正文第一段，" + tricky + "¶",
		"督办事项：第二行\n换行\t制表¶", "合并两列", "2026年10月8日¶", "横向附表", "控制字符\uFFFD也不会破坏文件"} {
		if !strings.Contains(got, want) {
			t.Errorf("text lacks %q:\n%s", want, got)
		}
	}
	core := string(parts["docProps/core.xml"])
	if !strings.Contains(core, "<dc:title>督办通知单</dc:title>") || !strings.Contains(core, "2026-10-08T01:00:00Z") {
		t.Errorf("core properties: %s", core)
	}
	// The same document gives the same bytes.
	again, _ := sample().Write()
	if !bytes.Equal(data, again) {
		t.Error("output is not deterministic")
	}
}

// Layout after GB/T 9704: A4, margins 37/35/28/26 mm, a 22-line grid,
// body 仿宋_GB2312 三号 on exact 28 pt lines, red mark and rule, page numbers
// on both sides.
func TestOfficialLayout(t *testing.T) {
	data, _ := sample().Write()
	parts := open(t, data)
	doc := string(parts["word/document.xml"])
	for _, want := range []string{
		`<w:pgSz w:w="11906" w:h="16838"/>`,
		`<w:pgMar w:top="2098" w:right="1474" w:bottom="1984" w:left="1587" w:header="851" w:footer="1587" w:gutter="0"/>`,
		`<w:docGrid w:type="linesAndChars" w:linePitch="579"`,
		`<w:pgSz w:w="16838" w:h="11906" w:orient="landscape"/>`,
		`<w:footerReference w:type="default" r:id="rId3"/><w:footerReference w:type="even" r:id="rId4"/>`,
		`<w:color w:val="FF0000"/><w:sz w:val="72"/>`,
		`<w:bottom w:val="single" w:sz="18" w:space="11" w:color="FF0000"/>`,
		`w:eastAsia="方正小标宋简体"`, `<w:sz w:val="44"/>`,
		`<w:spacing w:before="0" w:after="0" w:line="560" w:lineRule="exact"/><w:ind w:leftChars="0" w:left="0" w:rightChars="0" w:right="0" w:firstLineChars="200" w:firstLine="640"/>`,
		`<w:gridSpan w:val="2"/>`, `<w:vMerge w:val="restart"/>`, `<w:vMerge/>`, `<w:tblHeader/>`,
	} {
		if !strings.Contains(doc, want) {
			t.Errorf("document.xml lacks %s", want)
		}
	}
	styles := string(parts["word/styles.xml"])
	if !strings.Contains(styles, `w:eastAsia="仿宋_GB2312"`) || !strings.Contains(styles, `<w:sz w:val="32"/>`) {
		t.Error("styles lack the body default")
	}
	if !strings.Contains(string(parts["word/settings.xml"]), "<w:evenAndOddHeaders/>") {
		t.Error("settings lack even and odd footers")
	}
	for name, align := range map[string]string{"word/footer1.xml": "right", "word/footer2.xml": "left"} {
		f := string(parts[name])
		if !strings.Contains(f, `<w:jc w:val="`+align+`"/>`) || !strings.Contains(f, "PAGE") || !strings.Contains(f, "— ") {
			t.Errorf("%s: %s", name, f)
		}
	}
}

// Word refuses a document whose property elements are out of the schema's
// order; these are the orders of ECMA-376 for what this package writes.
var schemaOrder = map[string][]string{
	"pPr": {"pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr", "suppressLineNumbers", "pBdr",
		"shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap", "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN",
		"bidi", "adjustRightInd", "snapToGrid", "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc",
		"textDirection", "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange"},
	"rPr": {"rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike", "outline", "shadow", "emboss",
		"imprint", "noProof", "snapToGrid", "vanish", "webHidden", "color", "spacing", "w", "kern", "position", "sz", "szCs",
		"highlight", "u", "effect", "bdr", "shd", "fitText", "vertAlign", "rtl", "cs", "em", "lang", "eastAsianLayout"},
	"sectPr": {"headerReference|footerReference", "footnotePr", "endnotePr", "type", "pgSz", "pgMar", "paperSrc", "pgBorders",
		"lnNumType", "pgNumType", "cols", "formProt", "vAlign", "noEndnote", "titlePg", "textDirection", "bidi", "rtlGutter", "docGrid"},
	"tblPr": {"tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize", "tblStyleColBandSize", "tblW", "jc",
		"tblCellSpacing", "tblInd", "tblBorders", "shd", "tblLayout", "tblCellMar", "tblLook"},
	"tblBorders": {"top", "left", "bottom", "right", "insideH", "insideV"},
	"tcPr": {"cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap", "tcMar", "textDirection",
		"tcFitText", "vAlign", "hideMark"},
	"tbl":      {"tblPr", "tblGrid", "tr"},
	"tc":       {"tcPr", "p|tbl"},
	"p":        {"pPr", "r"},
	"r":        {"rPr", "t|br|tab|fldChar|instrText"},
	"settings": {"zoom", "defaultTabStop", "evenAndOddHeaders", "characterSpacingControl", "compat"},
	"font":     {"altName", "panose1", "charset", "family", "notTrueType", "pitch"},
	"style":    {"name", "aliases", "basedOn", "next", "link", "autoRedefine", "hidden", "uiPriority", "semiHidden", "unhideWhenUsed", "qFormat", "locked", "pPr", "rPr", "tblPr"},
	"styles":   {"docDefaults", "latentStyles", "style"},
}

func TestSchemaOrder(t *testing.T) {
	data, _ := sample().Write()
	parts := open(t, data)
	for _, name := range []string{"word/document.xml", "word/footer1.xml", "word/styles.xml", "word/settings.xml", "word/fontTable.xml"} {
		dec := xml.NewDecoder(bytes.NewReader(parts[name]))
		type frame struct {
			name string
			pos  int
		}
		var stack []frame
		for {
			tok, err := dec.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			switch el := tok.(type) {
			case xml.StartElement:
				if n := len(stack); n > 0 {
					parent := &stack[n-1]
					if order, ok := schemaOrder[parent.name]; ok {
						idx := -1
						for i, o := range order {
							for _, alt := range strings.Split(o, "|") {
								if alt == el.Name.Local {
									idx = i
								}
							}
						}
						switch {
						case idx < 0:
							t.Errorf("%s: <%s> not expected in <%s>", name, el.Name.Local, parent.name)
						case idx < parent.pos:
							t.Errorf("%s: <%s> out of order in <%s>", name, el.Name.Local, parent.name)
						default:
							parent.pos = idx
						}
					}
				}
				stack = append(stack, frame{name: el.Name.Local})
			case xml.EndElement:
				stack = stack[:len(stack)-1]
			}
		}
	}
}

// When LibreOffice or pandoc is installed, it must read the file.
func TestOpensInLibreOffice(t *testing.T) {
	data, _ := sample().Write()
	dir := t.TempDir()
	in := filepath.Join(dir, "notice.docx")
	if err := os.WriteFile(in, data, 0o644); err != nil {
		t.Fatal(err)
	}
	var out []byte
	var err error
	if bin := firstOf("soffice", "libreoffice"); bin != "" {
		cmd := exec.Command(bin, "--headless", "--convert-to", "txt:Text", "--outdir", dir, in)
		cmd.Env = append(os.Environ(), "HOME="+dir)
		if msg, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", bin, err, msg)
		}
		out, err = os.ReadFile(filepath.Join(dir, "notice.txt"))
	} else if bin := firstOf("pandoc"); bin != "" {
		out, err = exec.Command(bin, "-f", "docx", "-t", "plain", in).Output()
	} else {
		t.Skip("neither LibreOffice nor pandoc is installed; the structure tests stand in")
	}
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"督办〔2026〕3号", "区发展和改革局", `A<B & "C" 'D'>`} {
		if !strings.Contains(string(out), want) {
			t.Errorf("converted text lacks %q:\n%s", want, out)
		}
	}
}

func firstOf(names ...string) string {
	for _, n := range names {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	return ""
}

func TestEmptyDocument(t *testing.T) {
	data, err := (&Document{}).Write()
	if err != nil {
		t.Fatal(err)
	}
	parts := open(t, data)
	if parts["word/footer1.xml"] != nil {
		t.Error("footer written without page numbers")
	}
	for name, b := range parts {
		wellFormed(t, name, b)
	}
	if !strings.Contains(string(parts["word/document.xml"]), "<w:sectPr>") {
		t.Error("no section properties")
	}
}

func TestWidthAndNumber(t *testing.T) {
	if w := Width("2026年10月8日"); w != 6.5 {
		t.Errorf("Width = %v, want 6.5", w)
	}
	for mark, want := range map[string]int{"示范区委督查室": 72, "中共示范区委员会办公室督查室督办通知单": 44, "示范区委督查室\n督办通知单": 72} {
		if got := MarkSize(mark); got != want {
			t.Errorf("MarkSize(%q) = %d, want %d", mark, got, want)
		}
	}
	if n := DocNumber("督办", 2026, 3); n != "督办〔2026〕3号" {
		t.Errorf("DocNumber = %s", n)
	}
}
