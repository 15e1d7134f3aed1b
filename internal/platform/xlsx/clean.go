package xlsx

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/xuri/excelize/v2"
)

// Clean normalizes text as typed in Chinese offices: full-width letters,
// digits and symbols become half-width (except ，；：！？, which belong to
// prose), any whitespace incl. NBSP and 　 counts as a space, zero-width
// characters go, and spaces are trimmed and collapsed.
func Clean(s string) string {
	if isClean(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	pending := false
	for _, r := range s {
		switch {
		case isZeroWidth(r):
			continue
		case unicode.IsSpace(r):
			pending = b.Len() > 0
			continue
		case isFullWidth(r):
			r -= 0xFEE0
		}
		if pending {
			b.WriteByte(' ')
			pending = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// isClean is Clean's fast path: most cells need no change.
func isClean(s string) bool {
	prevSpace := true // a leading space is not clean
	for _, r := range s {
		switch {
		case r == ' ':
			if prevSpace {
				return false
			}
			prevSpace = true
			continue
		case isZeroWidth(r), unicode.IsSpace(r), isFullWidth(r):
			return false
		}
		prevSpace = false
	}
	return !prevSpace || s == ""
}

func isZeroWidth(r rune) bool {
	return r == '\u200b' || r == '\u200c' || r == '\u200d' || r == '\u2060' || r == '\ufeff'
}

func isFullWidth(r rune) bool {
	return r >= 0xFF01 && r <= 0xFF5E && r != '，' && r != '；' && r != '：' && r != '！' && r != '？'
}

// headerKey is the form header texts are compared in: our template's "*"
// marks and 必填/选填 notes dropped, no spaces, ASCII lower case.
func headerKey(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == ' ' || r == '*' {
			return -1
		}
		return unicode.ToLower(r)
	}, Clean(s))
	for _, note := range []string{"(必填)", "(选填)", "(可选)"} {
		s = strings.TrimSuffix(s, note)
	}
	return s
}

// enumKey compares enum values loosely: "乡镇 / 街道" is "乡镇/街道".
func enumKey(s string) string {
	return strings.ToLower(strings.ReplaceAll(Clean(s), " ", ""))
}

var boolWords = map[string]bool{
	"是": true, "否": false, "y": true, "n": false, "yes": true, "no": false,
	"1": true, "0": false, "true": true, "false": false,
	"√": true, "×": false, "✓": true, "✔": true, "✗": false, "✘": false,
}

// column is a Column prepared for parsing.
type column struct {
	*Column
	idx  int // 0-based sheet column, -1 if absent
	enum map[string]string
}

func prepare(c *Column, idx int) column {
	pc := column{Column: c, idx: idx}
	if c.Kind == Enum {
		pc.enum = make(map[string]string, len(c.Enum))
		for _, v := range c.Enum {
			pc.enum[enumKey(v)] = v
		}
	}
	return pc
}

// convert normalizes a non-empty cleaned value; msg is the Chinese problem
// description, naming the column.
func (c *column) convert(v string, date1904 bool) (out, msg string) {
	switch c.Kind {
	case Int:
		if n, ok := parseInt(v); ok {
			return n, ""
		}
		return v, "“" + c.Header + "”：应为整数，实际为“" + v + "”"
	case Date:
		if d, ok := parseDate(v, date1904); ok {
			return d, ""
		}
		return v, "“" + c.Header + "”：无法识别的日期“" + v + "”"
	case Bool:
		if b, ok := boolWords[strings.ToLower(v)]; ok {
			return strconv.FormatBool(b), ""
		}
		return v, "“" + c.Header + "”应为：是、否 之一，实际为“" + v + "”"
	case Enum:
		if e, ok := c.enum[enumKey(v)]; ok {
			return e, ""
		}
		return v, "“" + c.Header + "”应为：" + strings.Join(c.Enum, "、") + " 之一，实际为“" + v + "”"
	}
	return tidyNumber(v), ""
}

// tidyNumber undoes float artefacts of numeric cells read raw ("3.0",
// "1.2345E+17", "0.30000000000000004") but leaves text that merely looks
// numeric ("1.10", 18-digit ID numbers) as typed.
func tidyNumber(s string) string {
	if !strings.ContainsAny(s, ".Ee") || !isDecimal(s) {
		return s
	}
	mant, _, hasExp := strings.Cut(strings.ToUpper(s), "E")
	intPart, frac, _ := strings.Cut(mant, ".")
	digits := strings.TrimLeft(strings.TrimPrefix(intPart, "-")+frac, "0")
	if !hasExp && strings.Trim(frac, "0") == "" {
		return intPart
	}
	if !hasExp && len(digits) <= 15 {
		return s
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.Abs(f) >= 1e21 || (f != 0 && math.Abs(f) < 1e-6) {
		return s
	}
	f, _ = strconv.ParseFloat(strconv.FormatFloat(f, 'g', 15, 64), 64)
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// isDecimal accepts -?digits[.digits][E[+-]digits], nothing else ParseFloat
// would take (Inf, hex, underscores).
func isDecimal(s string) bool {
	s = strings.TrimPrefix(s, "-")
	mant, exp, hasExp := strings.Cut(strings.ToUpper(s), "E")
	intPart, frac, hasDot := strings.Cut(mant, ".")
	if hasExp {
		exp = strings.TrimLeft(exp, "+-")
		if !allDigits(exp) || exp == "" {
			return false
		}
	}
	return intPart != "" && allDigits(intPart) && allDigits(frac) && (!hasDot || frac != "")
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

var thousands = regexp.MustCompile(`^-?\d{1,3}(,\d{3})+$`)

func parseInt(s string) (string, bool) {
	if thousands.MatchString(s) {
		s = strings.ReplaceAll(s, ",", "")
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return strconv.FormatInt(n, 10), true
	}
	if !isDecimal(s) {
		return "", false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.Abs(f) > 1<<53 {
		return "", false
	}
	r := math.Round(f)
	if math.Abs(f-r) > 1e-9 {
		return "", false
	}
	return strconv.FormatInt(int64(r), 10), true
}

// Excel's last day, 9999-12-31, as a serial.
const maxSerial = 2958465

var textDate = regexp.MustCompile(`^(\d{4})\s*(?:年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?|([-/.])\s*(\d{1,2})\s*([-/.])\s*(\d{1,2}))(?:[ T]\d{1,2}:\d{1,2}(?::\d{1,2}(?:\.\d+)?)?)?$`)

// DateValue reads a date the way a Date column does: s is a cleaned cell
// value such as an Excel serial (the raw value of a date cell), 20260930,
// 2026年9月30日, 2026-9-30, 2026/9/30 or 2026.9.30. It returns YYYY-MM-DD.
// Importers use it for columns that mix dates with words (完成时限).
func DateValue(s string, date1904 bool) (string, bool) { return parseDate(s, date1904) }

// parseDate accepts a serial number (the raw value of a date cell),
// YYYYMMDD, and YYYY年M月D日, YYYY-M-D, YYYY/M/D, YYYY.M.D with an optional
// time; it returns YYYY-MM-DD of a real calendar date.
func parseDate(s string, date1904 bool) (string, bool) {
	if len(s) == 8 && allDigits(s) {
		y, _ := strconv.Atoi(s[:4])
		m, _ := strconv.Atoi(s[4:6])
		d, _ := strconv.Atoi(s[6:])
		return ymd(y, m, d)
	}
	if isDecimal(s) {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || f < 1 || f >= maxSerial+1 {
			return "", false
		}
		t, err := excelize.ExcelDateToTime(math.Floor(f), date1904)
		if err != nil {
			return "", false
		}
		return t.Format(time.DateOnly), true
	}
	m := textDate.FindStringSubmatch(s)
	if m == nil {
		return "", false
	}
	y, _ := strconv.Atoi(m[1])
	if m[2] != "" {
		mo, _ := strconv.Atoi(m[2])
		d, _ := strconv.Atoi(m[3])
		return ymd(y, mo, d)
	}
	if m[4] != m[6] {
		return "", false
	}
	mo, _ := strconv.Atoi(m[5])
	d, _ := strconv.Atoi(m[7])
	return ymd(y, mo, d)
}

func ymd(y, m, d int) (string, bool) {
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if y < 1000 || t.Year() != y || int(t.Month()) != m || t.Day() != d {
		return "", false
	}
	return t.Format(time.DateOnly), true
}
