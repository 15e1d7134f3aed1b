package xlsx

import (
	"bytes"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// A minimal streaming tokenizer for worksheet XML. WithErrors edits a few
// rows of a sheet that may hold 100,000; passing the rest through as bytes
// keeps it cheap and leaves them exactly as uploaded, which a round trip
// through encoding/xml or excelize's in-memory sheet would not. Read takes
// its rows from it too, for speed: it yields about ten tokens per cell of a
// 100,000-row sheet, so each one must cost little.

const (
	maxTagBytes   = 1 << 20
	tokenBufBytes = 64 << 10
	maxEmptyReads = 100 // as bufio: a reader that keeps returning nothing is broken
	commentOpen   = "<!--"
	commentClose  = "-->"
	cdataOpen     = "<![CDATA["
	cdataClose    = "]]>"
)

var errTagTooLong = fileErr("XML tag too long", "文件内容异常，无法处理")

// tokenizer splits XML into tags and text over a window of the stream it
// manages itself: a tag is found in one pass (quotes, comments and CDATA
// considered) and handed out in place, without copying.
type tokenizer struct {
	r        io.Reader
	buf      []byte // buf[pos:end] is read from r but not yet handed out
	pos, end int
	err      error // r's error once it gave one; io.EOF at the end
}

func newTokenizer(r io.Reader) *tokenizer {
	return &tokenizer{r: r, buf: make([]byte, tokenBufBytes)}
}

// next returns a tag ("<...>") or a run of text, which may come in several
// pieces. The slice is valid until the next call; io.EOF ends the stream.
func (t *tokenizer) next() ([]byte, error) {
	if t.pos == t.end && !t.fill() {
		return nil, t.err
	}
	if t.buf[t.pos] == '<' {
		return t.tag()
	}
	text := t.buf[t.pos:t.end]
	if i := bytes.IndexByte(text, '<'); i >= 0 {
		text = text[:i]
	}
	t.pos += len(text)
	return text, nil
}

// peekTag moves to the next '<' and returns what is buffered from there,
// at least n bytes unless the stream ends first; nothing is consumed. The
// slice is valid until the next call.
func (t *tokenizer) peekTag(n int) ([]byte, error) {
	for {
		if i := bytes.IndexByte(t.buf[t.pos:t.end], '<'); i < 0 {
			t.pos = t.end
		} else if t.pos += i; t.end-t.pos >= n || t.err != nil {
			return t.buf[t.pos:t.end], nil
		}
		if !t.fill() && t.pos == t.end {
			return nil, t.err
		}
	}
}

// skip consumes n bytes that a peek returned.
func (t *tokenizer) skip(n int) { t.pos += n }

// tag returns the tag starting at t.pos, reading more as it needs.
func (t *tokenizer) tag() ([]byte, error) {
	for {
		if n := tagEnd(t.buf[t.pos:t.end]); n > 0 {
			b := t.buf[t.pos : t.pos+n]
			t.pos += n
			return b, nil
		}
		if t.pos == 0 && t.end == len(t.buf) { // the tag fills the window: widen it
			if len(t.buf) >= maxTagBytes {
				return nil, errTagTooLong
			}
			t.buf = append(t.buf, make([]byte, len(t.buf))...)
		}
		if !t.fill() {
			if t.err == io.EOF {
				return nil, io.ErrUnexpectedEOF
			}
			return nil, t.err
		}
	}
}

// fill moves what is unread to the front of the window and reads more
// after it; false if nothing more comes.
func (t *tokenizer) fill() bool {
	if t.err != nil {
		return false
	}
	if t.pos > 0 {
		t.end = copy(t.buf, t.buf[t.pos:t.end])
		t.pos = 0
	}
	if t.end == len(t.buf) {
		return true // full already; tag widens the window for a longer tag
	}
	for range maxEmptyReads {
		n, err := t.r.Read(t.buf[t.end:])
		t.end += n
		if err != nil {
			t.err = err
		}
		if n > 0 || err != nil {
			return n > 0
		}
	}
	t.err = io.ErrNoProgress
	return false
}

// tagEnd is the length of the tag b starts with, or 0 if b ends first: the
// first '>' outside quotes, or the end of a comment or CDATA section.
func tagEnd(b []byte) int {
	if len(b) > 1 && b[1] == '!' {
		for _, s := range [...][2]string{{commentOpen, commentClose}, {cdataOpen, cdataClose}} {
			open, end := s[0], s[1]
			switch {
			case bytes.HasPrefix(b, []byte(open)):
				if i := bytes.Index(b[len(open):], []byte(end)); i >= 0 {
					return len(open) + i + len(end)
				}
				return 0
			case len(b) < len(open) && strings.HasPrefix(open, string(b)):
				return 0 // which it is shows further on
			}
		}
	}
	var quote byte
	for i := 1; i < len(b); i++ {
		switch c := b[i]; {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '>':
			return i + 1
		case c == '"' || c == '\'':
			quote = c
		}
	}
	return 0
}

type tag struct {
	raw       []byte
	prefix    []byte // namespace prefix with its colon, e.g. "x:"
	local     string // one of the names below, else "?"
	end, self bool   // </x>, <x/>
}

// parseTag reads a tag's name; text gives ok == false. Only names this
// package looks at are told apart, so that no tag allocates. Comments,
// CDATA and processing instructions, which are not elements, are "!".
func parseTag(b []byte) (tg tag, ok bool) {
	if len(b) < 2 || b[0] != '<' {
		return tg, false
	}
	tg.raw = b
	name := b[1:]
	if name[0] == '!' || name[0] == '?' {
		tg.local = "!"
		return tg, true
	}
	if name[0] == '/' {
		tg.end, name = true, name[1:]
	}
	i := 0
	for i < len(name) && name[i] > ' ' && name[i] != '/' && name[i] != '>' {
		i++
	}
	name = name[:i]
	if j := bytes.IndexByte(name, ':'); j >= 0 {
		tg.prefix, name = name[:j+1], name[j+1:]
	}
	switch string(name) {
	case "c":
		tg.local = "c"
	case "v":
		tg.local = "v"
	case "f":
		tg.local = "f"
	case "is":
		tg.local = "is"
	case "row":
		tg.local = "row"
	case "col":
		tg.local = "col"
	case "cols":
		tg.local = "cols"
	case "sheetData":
		tg.local = "sheetData"
	case "mergeCell":
		tg.local = "mergeCell"
	case "t":
		tg.local = "t"
	case "r":
		tg.local = "r"
	case "si":
		tg.local = "si"
	default:
		tg.local = "?"
	}
	tg.self = bytes.HasSuffix(b, []byte("/>"))
	return tg, true
}

// attrSpan locates one attribute inside a tag.
type attrSpan struct {
	from, nameEnd int // the name
	start, end    int // the value, without quotes
}

// nextAttr finds the attribute after position i of tg.
func nextAttr(tg []byte, i int) (attrSpan, bool) {
	for i < len(tg) && tg[i] != ' ' && tg[i] != '\t' && tg[i] != '\r' && tg[i] != '\n' {
		i++ // the rest of the element name or of the previous value
	}
	for i < len(tg) && (tg[i] == ' ' || tg[i] == '\t' || tg[i] == '\r' || tg[i] == '\n') {
		i++
	}
	eq := bytes.IndexByte(tg[i:], '=')
	if eq < 0 {
		return attrSpan{}, false
	}
	a := attrSpan{from: i, nameEnd: i + eq}
	for a.nameEnd > a.from && tg[a.nameEnd-1] == ' ' {
		a.nameEnd--
	}
	j := i + eq + 1
	for j < len(tg) && tg[j] != '"' && tg[j] != '\'' {
		j++
	}
	if j >= len(tg) {
		return attrSpan{}, false
	}
	k := bytes.IndexByte(tg[j+1:], tg[j])
	if k < 0 {
		return attrSpan{}, false
	}
	a.start, a.end = j+1, j+1+k
	return a, true
}

func findAttr(tg []byte, name string) (attrSpan, bool) {
	for a, ok := nextAttr(tg, 0); ok; a, ok = nextAttr(tg, a.end+1) {
		if string(tg[a.from:a.nameEnd]) == name {
			return a, true
		}
	}
	return attrSpan{}, false
}

// attr returns the value of the named attribute.
func attr(tg []byte, name string) (string, bool) {
	if a, ok := findAttr(tg, name); ok {
		return string(tg[a.start:a.end]), true
	}
	return "", false
}

func attrInt(tg []byte, name string, def int) int {
	if a, ok := findAttr(tg, name); ok {
		if n, err := strconv.Atoi(string(tg[a.start:a.end])); err == nil {
			return n
		}
	}
	return def
}

// setAttr returns tg with the attribute set, added before the closing
// bracket if absent; value must not need escaping.
func setAttr(tg []byte, name, value string) []byte {
	if a, ok := findAttr(tg, name); ok {
		return concat(tg[:a.start], []byte(value), tg[a.end:])
	}
	end := len(tg) - 1
	if bytes.HasSuffix(tg, []byte("/>")) {
		end--
	}
	return concat(tg[:end], []byte(" "+name+`="`+value+`"`), tg[end:])
}

// dropAttr returns tg without the attribute.
func dropAttr(tg []byte, name string) []byte {
	if a, ok := findAttr(tg, name); ok {
		return concat(tg[:a.from-1], tg[a.end+1:]) // with the space before it
	}
	return tg
}

func concat(parts ...[]byte) []byte {
	return bytes.Join(parts, nil)
}

// cellCol is the column of a <c> tag; cells may omit r and follow on.
func cellCol(tg []byte, next int) int {
	a, ok := findAttr(tg, "r")
	if !ok {
		return next
	}
	c := 0
	for _, ch := range tg[a.start:a.end] {
		switch {
		case c > excelize.MaxColumns:
			return next
		case ch >= 'A' && ch <= 'Z':
			c = c*26 + int(ch-'A'+1)
		case ch >= 'a' && ch <= 'z':
			c = c*26 + int(ch-'a'+1)
		case ch == '$':
		default:
			if c < 1 || c > excelize.MaxColumns {
				return next
			}
			return c
		}
	}
	return next
}
