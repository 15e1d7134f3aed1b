package files

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

const (
	// maxNameRunes counts characters, not bytes: a long Chinese title fits,
	// and the percent-encoded header stays a few KB at most.
	maxNameRunes = 100
	maxExtRunes  = 10
	defaultStem  = "附件"
	asciiDefault = "attachment"
)

// SafeName cleans a user-supplied file name for the database and for
// Content-Disposition: the base name only (after the last / or \), without
// control or invisible formatting characters (a right-to-left override can
// make "exe.pdf" look like "fdp.exe"), with characters Windows refuses
// replaced by "_", no leading or trailing dots or spaces, at most
// maxNameRunes characters keeping the extension, and never empty ("附件" plus
// the extension).
func SafeName(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(cleanRune, name)
	// Windows drops trailing dots and spaces; doing it here keeps "a.pdf."
	// recognisable as a PDF.
	name = strings.TrimRight(name, " .")
	stem, ext := splitExt(name)
	stem = strings.Trim(stem, " .")
	if limit := maxNameRunes - utf8.RuneCountInString(ext); utf8.RuneCountInString(stem) > limit {
		stem = strings.TrimRight(string([]rune(stem)[:limit]), " .")
	}
	if stem == "" {
		stem = defaultStem
	}
	return stem + ext
}

// SafeNameWithExt is SafeName with ext (the sniffed Stored.Ext) added when the
// name does not already end in it, so a download named "x.html" that is
// really a PDF is saved as "x.html.pdf" and opened as what it is.
func SafeNameWithExt(name, ext string) string {
	name = SafeName(name)
	if ext == "" {
		return name
	}
	if _, cur := splitExt(name); sameExt(cur, ext) {
		return name
	}
	return SafeName(name + ext)
}

func cleanRune(r rune) rune {
	switch {
	case r == utf8.RuneError, unicode.IsControl(r), unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp):
		return -1
	case strings.ContainsRune(`<>:"|?*`, r):
		return '_'
	case unicode.IsSpace(r): // e.g. the ideographic space U+3000
		return ' '
	}
	return r
}

// splitExt treats a final ".xxx" as the extension only when it is short and
// ASCII letters/digits, so "第1.2版通知" keeps its whole name as the stem.
func splitExt(name string) (stem, ext string) {
	i := strings.LastIndexByte(name, '.')
	if i < 0 || len(name)-i-1 < 1 || len(name)-i-1 > maxExtRunes {
		return name, ""
	}
	for _, c := range name[i+1:] {
		if c >= utf8.RuneSelf || !(unicode.IsLetter(c) || unicode.IsDigit(c)) {
			return name, ""
		}
	}
	return name[:i], name[i:]
}

func sameExt(have, want string) bool {
	if strings.EqualFold(have, want) {
		return true
	}
	if strings.EqualFold(want, ".jpg") {
		for _, alias := range []string{".jpeg", ".jpe", ".jfif"} {
			if strings.EqualFold(have, alias) {
				return true
			}
		}
	}
	return false
}

// ContentDisposition returns an RFC 6266 Content-Disposition value: the name
// as filename* (UTF-8, percent-encoded per RFC 8187), which all current
// browsers use, and an ASCII filename fallback for the others.
func ContentDisposition(name string, inline bool) string {
	name = SafeName(name)
	disposition := "attachment"
	if inline {
		disposition = "inline"
	}
	return disposition + `; filename="` + asciiFallback(name) + `"; filename*=UTF-8''` + percentEncode(name)
}

// asciiFallback turns every run of characters that cannot appear in a quoted
// ASCII filename into one "_". The quote and backslash would need escaping
// that some clients get wrong, and "%" is decoded by some, so they go too.
func asciiFallback(name string) string {
	stem, ext := splitExt(name) // SafeName's extension is ASCII already
	var b strings.Builder
	for _, r := range stem {
		if r >= 0x20 && r < 0x7F && r != '"' && r != '\\' && r != '%' {
			b.WriteRune(r)
		} else if !strings.HasSuffix(b.String(), "_") {
			b.WriteByte('_')
		}
	}
	stem = strings.Trim(b.String(), "_ .")
	if stem == "" {
		stem = asciiDefault
	}
	return stem + ext
}

// percentEncode keeps RFC 8187 attr-chars and encodes every other byte.
func percentEncode(s string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!#$&+-.^_`|~", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}
