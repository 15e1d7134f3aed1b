package xlsx

import (
	"archive/zip"
	"bytes"
	"io"
	"strconv"
	"unicode"
	"unicode/utf8"
)

// Cell text as Read takes it from the XML: the streaming tokenizer hands
// over raw bytes, and the functions here decode them the way excelize's
// encoding/xml-based reader did, so that switching readers changed no
// value: entity and character references, \r\n read as \n, CDATA taken
// literally, and in string items the _xHHHH_ escapes Excel writes for
// characters XML cannot hold.

// maxTextBytes bounds one element's text. Excel caps a cell at 32,767
// characters; a megabyte is only ever a hostile file.
const maxTextBytes = 1 << 20

// textBuf collects the text of one element, which may arrive in pieces.
type textBuf struct {
	raw []byte // text not yet decoded; entities never span a tag, so it is decoded at each one
}

// element appends to dst the text of the element whose start tag was just
// read, reading up to its end tag: its own text and CDATA, decoded. As with
// encoding/xml's chardata, text of nested elements is not included.
func (tb *textBuf) element(tk *tokenizer, dst []byte) ([]byte, error) {
	tb.raw = tb.raw[:0]
	depth := 0 // nested elements open
	start := len(dst)
	for {
		b, err := tk.next()
		if err != nil {
			return dst, err
		}
		if b[0] != '<' { // text: the tokenizer splits it at every '<'
			if depth == 0 {
				if tb.raw = append(tb.raw, b...); len(tb.raw) > maxTextBytes {
					return dst, errCorrupt
				}
			}
			continue
		}
		if len(tb.raw) > 0 {
			if dst, err = appendUnescaped(dst, tb.raw); err != nil {
				return dst, err
			}
			tb.raw = tb.raw[:0]
		}
		if len(dst)-start > maxTextBytes {
			return dst, errCorrupt
		}
		if text, ok := cdata(b); ok {
			if depth == 0 {
				dst = appendLines(dst, text)
			}
			continue
		}
		tg, _ := parseTag(b)
		switch {
		case tg.local == "!": // comment or processing instruction
		case tg.end && depth == 0:
			return dst, nil
		case tg.end:
			depth--
		case !tg.self:
			depth++
		}
	}
}

// cdata returns the content of a CDATA section tag.
func cdata(tag []byte) ([]byte, bool) {
	const open, end = "<![CDATA[", "]]>"
	if !bytes.HasPrefix(tag, []byte(open)) || len(tag) < len(open)+len(end) {
		return nil, false
	}
	return tag[len(open) : len(tag)-len(end)], true
}

// appendUnescaped appends XML text decoded: the five predefined entities,
// character references, and line ends normalized to \n as XML requires.
// Other entities make a file corrupt: encoding/xml refuses them too.
func appendUnescaped(dst, raw []byte) ([]byte, error) {
	if bytes.IndexByte(raw, '&') < 0 && bytes.IndexByte(raw, '\r') < 0 {
		return append(dst, raw...), nil // nearly every cell
	}
	for len(raw) > 0 {
		i := 0
		for i < len(raw) && raw[i] != '&' && raw[i] != '\r' {
			i++
		}
		dst = append(dst, raw[:i]...)
		raw = raw[i:]
		switch {
		case len(raw) == 0:
		case raw[0] == '\r':
			dst = append(dst, '\n')
			raw = raw[1:]
			if len(raw) > 0 && raw[0] == '\n' {
				raw = raw[1:]
			}
		default:
			semi := bytes.IndexByte(raw, ';')
			if semi < 0 {
				return dst, errCorrupt
			}
			r, ok := entity(raw[1:semi])
			if !ok {
				return dst, errCorrupt
			}
			dst = utf8.AppendRune(dst, r)
			raw = raw[semi+1:]
		}
	}
	return dst, nil
}

// entity decodes the name of a reference, between '&' and ';'.
func entity(name []byte) (rune, bool) {
	switch string(name) {
	case "lt":
		return '<', true
	case "gt":
		return '>', true
	case "amp":
		return '&', true
	case "apos":
		return '\'', true
	case "quot":
		return '"', true
	}
	if len(name) < 2 || name[0] != '#' {
		return 0, false
	}
	digits, base := name[1:], 10
	if digits[0] == 'x' { // lower case only, as in encoding/xml
		digits, base = digits[1:], 16
	}
	n, err := strconv.ParseUint(string(digits), base, 32)
	if err != nil || n > unicode.MaxRune {
		return 0, false
	}
	return rune(n), true // a surrogate half becomes U+FFFD, as string(rune) makes it
}

// appendLines appends CDATA text with line ends normalized.
func appendLines(dst, text []byte) []byte {
	for {
		i := bytes.IndexByte(text, '\r')
		if i < 0 {
			return append(dst, text...)
		}
		dst = append(append(dst, text[:i]...), '\n')
		text = text[i+1:]
		if len(text) > 0 && text[0] == '\n' {
			text = text[1:]
		}
	}
}

// appendXstring appends s with the escapes _xHHHH_ decoded, as excelize's
// bstrUnmarshal does for string items: Excel writes control characters so,
// and a literal "_x0041_" as "_x005F_x0041_". Surrogate halves vanish.
func appendXstring(dst, s []byte) []byte {
	for {
		i := bytes.Index(s, []byte("_x"))
		if i < 0 || len(s) < i+7 {
			return append(dst, s...)
		}
		n, err := strconv.ParseUint(string(s[i+2:i+6]), 16, 32)
		if err != nil || s[i+6] != '_' {
			dst = append(dst, s[:i+1]...)
			s = s[i+1:]
			continue
		}
		dst = append(dst, s[:i]...)
		if r := rune(n); utf8.ValidRune(r) {
			dst = utf8.AppendRune(dst, r)
		}
		s = s[i+7:]
	}
}

// richText reads string items: <si> in the shared strings table, <is> in a
// cell. The text is what excelize's xlsxSI.String gives: the item's own
// <t>, then each run's <r><t>. Phonetic runs (<rPh>, furigana) are not
// text. Should an item hold several <t> where one belongs, the last
// counts, as it did for encoding/xml.
type richText struct {
	tb         textBuf
	own, runs  []byte
	out, xtext []byte
}

// read reads an item after its start tag, up to its end tag.
func (rt *richText) read(tk *tokenizer) ([]byte, error) {
	rt.own, rt.runs = rt.own[:0], rt.runs[:0]
	depth, run := 0, -1 // run: where the open <r>'s text starts in runs; -1 outside one
	for {
		b, err := tk.next()
		if err != nil {
			return nil, err
		}
		tg, ok := parseTag(b)
		switch {
		case !ok || tg.local == "!": // text outside <t>, comments
		case tg.end && depth == 0:
			return rt.text()
		case tg.end:
			if depth--; depth == 0 {
				run = -1
			}
		case tg.local == "t" && depth == 0:
			rt.own = rt.own[:0]
			if !tg.self {
				rt.own, err = rt.tb.element(tk, rt.own)
			}
		case tg.local == "t" && depth == 1 && run >= 0:
			rt.runs = rt.runs[:run]
			if !tg.self {
				rt.runs, err = rt.tb.element(tk, rt.runs)
			}
		case tg.self:
		default:
			if tg.local == "r" && depth == 0 {
				run = len(rt.runs)
			}
			depth++
		}
		if err != nil {
			return nil, err
		}
	}
}

// text joins the parts read; the result is valid until the next read.
func (rt *richText) text() ([]byte, error) {
	text := rt.own // most items have no runs
	if len(rt.runs) > 0 {
		rt.out = append(append(rt.out[:0], rt.own...), rt.runs...)
		text = rt.out
	}
	if bytes.Contains(text, []byte("_x")) {
		rt.xtext = appendXstring(rt.xtext[:0], text)
		text = rt.xtext
	}
	if !utf8.Valid(text) {
		return nil, errCorrupt // encoding/xml refuses it too; Excel never writes it
	}
	return text, nil
}

// loadSharedStrings reads the shared strings table whole: cells refer to it
// by index, in any order. A workbook without one has none.
func loadSharedStrings(zf *zip.File, limit int64) ([]string, error) {
	if zf == nil {
		return nil, nil
	}
	rc, err := openPart(zf, limit)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	tk := newTokenizer(rc)
	var (
		sst []string
		rt  richText
	)
	for {
		b, err := tk.next()
		if err == io.EOF {
			return sst, nil
		}
		if err != nil {
			return nil, partErr(err)
		}
		tg, ok := parseTag(b)
		if !ok || tg.local != "si" || tg.end {
			continue
		}
		if tg.self {
			sst = append(sst, "")
			continue
		}
		text, err := rt.read(tk)
		if err != nil {
			return nil, partErr(err) // EOF inside an item included
		}
		sst = append(sst, string(text))
	}
}
