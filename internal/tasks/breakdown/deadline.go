package breakdown

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"diaodu/internal/platform/calendar"
	"diaodu/internal/platform/xlsx"
)

// Task kinds and report cycles, spelled as package tasks spells them (this
// package cannot import tasks, which imports it).
const (
	KindOnce     = "once"
	KindPeriodic = "periodic"
	KindLongTerm = "longterm"

	CycleWeek      = "week"
	CycleFortnight = "fortnight"
	CycleMonth     = "month"
)

// Deadline is what a 完成时限 cell says.
type Deadline struct {
	Kind  string        // once | periodic | longterm
	Cycle string        // periodic: week | fortnight | month
	Date  calendar.Date // the deadline; zero for long-term work
	// Milestones are the dated steps of a cell that names several, such as
	// "9月底前开工；12月底前竣工" (the deadline is the last of them).
	Milestones []Milestone
}

// Milestone is a dated step read from a 完成时限 cell.
type Milestone struct {
	Name  string
	DueOn calendar.Date
}

// deadlineExamples is what an unreadable cell's message offers instead.
const deadlineExamples = "可填写如：9月底前、2026年9月30日前、10月15日、2026.10.15、年底前、上半年、三季度末、长期坚持、每月25日前、每周"

// ParseDeadline reads a 完成时限 cell. Dates without a year fall in year;
// 次年/明年 in the year after. Excel date cells arrive as serial numbers,
// read with date1904 as their workbook counts them. It returns the
// Chinese problem (without the column name) when the cell cannot be read
// or could mean two things.
func ParseDeadline(cell string, year int, date1904 bool) (Deadline, string) {
	var terms []term
	for _, piece := range splitPieces(xlsx.Clean(cell)) {
		for _, group := range groupTokens(piece, year, date1904) {
			t, msg := parseTerm(group, year, date1904)
			if msg != "" {
				return Deadline{}, msg
			}
			terms = append(terms, t)
		}
	}
	if len(terms) == 0 {
		return Deadline{}, "未填写完成时限，" + deadlineExamples
	}
	return combine(terms, year)
}

// term is one time expression of a cell.
type term struct {
	kind  string
	cycle string
	date  calendar.Date
	label string // what is due then: "开工" of "9月底前开工"
	text  string // as written
}

// splitPieces cuts a cell at punctuation; spaces (line breaks, after
// xlsx.Clean) are handled by groupTokens.
func splitPieces(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return r == '；' || r == ';' || r == '，' || r == ',' || r == '。'
	})
}

// groupTokens joins the space-separated tokens of a piece back into time
// expressions: a token starts a new expression only when it reads as one
// by itself and what came before is already complete, so "2026年 9月30日"
// stays one date while "9月底前开工 12月底前竣工" (two lines) is two.
func groupTokens(piece string, year int, date1904 bool) []string {
	var groups []string
	cur := ""
	for _, tok := range strings.Fields(piece) {
		if cur == "" {
			cur = tok
			continue
		}
		// A bare year ("2026年") is complete alone but usually goes on.
		_, curBad := parseTerm(cur, year, date1904)
		complete := curBad == "" && !reYearOnly.MatchString(cur)
		if _, tokBad := parseTerm(tok, year, date1904); complete && (tokBad == "" || strings.Contains(tokBad, ambiguous)) {
			groups = append(groups, cur)
			cur = tok
			continue
		}
		cur += tok
	}
	if cur != "" {
		groups = append(groups, cur)
	}
	return groups
}

// ambiguous marks the messages of expressions that read two ways.
const ambiguous = "有歧义"

var (
	// Y is the optional year in front of a month or a period.
	yearPart    = `(?:(\d{4})|(今|本|当|次|明))`
	reFull      = regexp.MustCompile(`^(\d{4})([-/.])(\d{1,2})([-/.])(\d{1,2})日?`)
	reCompact   = regexp.MustCompile(`^(\d{4})(\d{2})(\d{2})$`)
	reSerial    = regexp.MustCompile(`^\d{5}(?:\.\d+)?$`)
	reMonthDay  = regexp.MustCompile(`^(?:` + yearPart + `年)?(\d{1,2})月(\d{1,2})[日号]`)
	reMonth     = regexp.MustCompile(`^(?:` + yearPart + `年)?(\d{1,2})月(份)?(底|末|上旬|中旬|下旬)?`)
	reYearEnd   = regexp.MustCompile(`^(?:` + yearPart + `?年年?(?:底|末|内|终)|(全年|年度内))`)
	reYearOnly  = regexp.MustCompile(`^` + yearPart + `年(?:度)?$`)
	reHalf      = regexp.MustCompile(`^(?:` + yearPart + `年)?(上半年|下半年|年中)(底|末)?`)
	reQuarter   = regexp.MustCompile(`^(?:` + yearPart + `年)?第?([1-4一二三四])季度?(末|底)?`)
	reNumMD     = regexp.MustCompile(`^(\d{1,2})([./-])(\d{1,2})`)
	reLongTerm  = regexp.MustCompile(`^(?:长期坚持|长期推进|长期开展|长期|持续推进|持续开展|持续|常态化推进|常态化开展|常态化|常年|常抓不懈)`)
	rePeriodic  = regexp.MustCompile(`^(?:每|按)(月度|月|周|星期|两周|双周|半月|半个月|季度|季)(?:\d{1,2}[日号]|[一二三四五六日天1-7]|底|末)?`)
	reLeadIn    = regexp.MustCompile(`^(?:力争|确保|计划|预计|最迟|最晚|截至|截止到|截止|完成时限|时限|于|在|到)+[:：]?`)
	reCNNumeral = regexp.MustCompile(`[〇零一二两三四五六七八九十]+[年月日号]`)
	reFiller    = regexp.MustCompile(`^(?:之前|以前|前|为止|止|以内|内)`)
	// A remainder starting like this changes the meaning of what came
	// before it (9月初, 9月中, 9月后, 9月至10月, 9月3…).
	reBadTail = regexp.MustCompile(`^(?:[0-9初中后起至到~～—\-]|以后|之后|左右|开始|或)`)
)

// parseTerm reads one time expression: a date, a period's end, long-term
// or periodic work, optionally followed by what is due ("开工").
func parseTerm(s string, year int, date1904 bool) (term, string) {
	text := s
	s = strings.ReplaceAll(s, " ", "")
	s = reCNNumeral.ReplaceAllStringFunc(s, func(m string) string {
		_, size := lastRune(m)
		if n, ok := chineseNumber(m[:len(m)-size]); ok {
			return strconv.Itoa(n) + m[len(m)-size:]
		}
		return m
	})
	s = reLeadIn.ReplaceAllString(s, "")
	t := term{kind: KindOnce, text: text}
	unknown := "无法识别“" + text + "”，" + deadlineExamples
	var m []string
	var rest string
	bare := false // a period named without 底/末: "9月前" is ambiguous
	var err string
	match := func(re *regexp.Regexp) bool {
		m = re.FindStringSubmatch(s)
		if m != nil {
			rest = s[len(m[0]):]
		}
		return m != nil
	}
	switch {
	case reSerial.MatchString(s):
		d, ok := xlsx.DateValue(s, date1904)
		if !ok {
			return t, unknown
		}
		t.date = calendar.MustDate(d)
	case match(reCompact):
		t.date, err = dayOf(atoi(m[1]), atoi(m[2]), atoi(m[3]), text)
	case match(reFull):
		if m[2] != m[4] {
			return t, unknown
		}
		t.date, err = dayOf(atoi(m[1]), atoi(m[3]), atoi(m[5]), text)
	case match(reMonthDay):
		t.date, err = dayOf(yearOf(m[1], m[2], year), atoi(m[3]), atoi(m[4]), text)
	case match(reMonth):
		mo := atoi(m[3])
		if mo < 1 || mo > 12 {
			return t, "“" + text + "”中没有" + strconv.Itoa(mo) + "月"
		}
		y := yearOf(m[1], m[2], year)
		day := calendar.NewDate(y, time.Month(mo), 1).LastOfMonth().Day()
		switch m[5] {
		case "上旬":
			day = 10
		case "中旬":
			day = 20
		case "":
			bare = true
		}
		t.date = calendar.NewDate(y, time.Month(mo), day)
	case match(reYearOnly):
		if rest == "" && m[1] != "" {
			t.date = calendar.NewDate(atoi(m[1]), 12, 31)
		} else {
			return t, unknown
		}
	case match(reYearEnd):
		t.date = calendar.NewDate(yearOf(m[1], m[2], year), 12, 31)
	case match(reHalf):
		y := yearOf(m[1], m[2], year)
		if m[3] == "下半年" {
			t.date = calendar.NewDate(y, 12, 31)
		} else {
			t.date = calendar.NewDate(y, 6, 30)
		}
		bare = m[3] != "年中" && m[4] == ""
	case match(reQuarter):
		q := strings.Index("1234", m[3]) + 1
		if q == 0 {
			q = strings.Index("一二三四", m[3])/len("一") + 1
		}
		t.date = calendar.NewDate(yearOf(m[1], m[2], year), time.Month(3*q+1), 0)
		bare = m[4] == ""
	case match(reNumMD):
		if m[2] == "." && len(m[3]) == 1 {
			// A number cell keeps 9.30 as 9.3: which was typed is lost.
			one, ten := m[1]+"月"+m[3]+"日", m[1]+"月"+m[3]+"0日"
			return t, fmt.Sprintf("“%s”%s：可能是%s，也可能是%s（数字格式的单元格会把 %s.%s0 显示成 %s），请写成“%s”或“%s”",
				text, ambiguous, one, ten, m[1], m[3], text, one, ten)
		}
		t.date, err = dayOf(year, atoi(m[1]), atoi(m[3]), text)
	case match(reLongTerm):
		t.kind = KindLongTerm
	case match(rePeriodic):
		t.kind = KindPeriodic
		switch m[1] {
		case "周", "星期":
			t.cycle = CycleWeek
		case "两周", "双周", "半月", "半个月":
			t.cycle = CycleFortnight
		default: // 月, 月度; 季度 is asked monthly: there is no quarterly cycle
			t.cycle = CycleMonth
		}
	default:
		return t, unknown
	}
	if err != "" {
		return t, err
	}
	if bare && (strings.HasPrefix(rest, "前") || strings.HasPrefix(rest, "之前") || strings.HasPrefix(rest, "以前")) {
		return t, "“" + text + "”" + ambiguous + "：可能指这段时间开始之前，也可能指结束之前，请写成如“8月底前”或“9月底前”、“三季度末前”"
	}
	if reBadTail.MatchString(rest) {
		return t, unknown
	}
	if y := t.date.Year(); !t.date.IsZero() && (y < year-1 || y > year+10) {
		return t, fmt.Sprintf("“%s”的年份%d不在%d—%d年之间，请检查", text, y, year-1, year+10)
	}
	// "前完成" says nothing more; "前完成主体工程" names a step.
	if t.label = reFiller.ReplaceAllString(rest, ""); t.label == "完成" {
		t.label = ""
	}
	return t, ""
}

// combine merges a cell's expressions: several dates become milestones
// with the last as the deadline; a cycle makes the work periodic (due at
// the last date given, else at the year's end); long-term work has no
// date, so a date beside it is a contradiction.
func combine(terms []term, year int) (Deadline, string) {
	var d Deadline
	var dated []term
	long := false
	for _, t := range terms {
		switch t.kind {
		case KindLongTerm:
			long = true
		case KindPeriodic:
			if d.Cycle == "" || cycleRank[t.cycle] < cycleRank[d.Cycle] {
				d.Cycle = t.cycle
			}
		default:
			dated = append(dated, t)
			if t.date.After(d.Date) {
				d.Date = t.date
			}
		}
	}
	switch {
	case long && len(dated) > 0:
		return Deadline{}, "既写了长期坚持，又写了具体时间（“" + dated[0].text + "”），请只保留一种；长期工作如需按期反馈请写“长期坚持，每月报送”"
	case d.Cycle != "":
		d.Kind = KindPeriodic
		if d.Date.IsZero() {
			d.Date = calendar.NewDate(year, 12, 31)
		}
	case long:
		return Deadline{Kind: KindLongTerm}, ""
	default:
		d.Kind = KindOnce
	}
	if len(dated) > 1 {
		for _, t := range dated {
			name := t.label
			if name == "" {
				name = t.text
			}
			d.Milestones = append(d.Milestones, Milestone{Name: truncate(name, maxMilestoneName), DueOn: t.date})
		}
	}
	return d, ""
}

var cycleRank = map[string]int{CycleWeek: 1, CycleFortnight: 2, CycleMonth: 3}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// yearOf resolves the year written before a month: digits, 今/本/当 (this
// year) or 次/明 (next year); none means the import's year.
func yearOf(digits, word string, year int) int {
	switch {
	case digits != "":
		return atoi(digits)
	case word == "次" || word == "明":
		return year + 1
	}
	return year
}

// dayOf checks that y-m-d exists.
func dayOf(y, m, d int, text string) (calendar.Date, string) {
	day := calendar.NewDate(y, time.Month(m), d)
	if m < 1 || m > 12 || d < 1 || day.Month() != time.Month(m) {
		return calendar.Date{}, "“" + text + "”不是有效日期"
	}
	return day, ""
}

var cnDigits = map[rune]int{'〇': 0, '零': 0, '一': 1, '二': 2, '两': 2, '三': 3, '四': 4, '五': 5, '六': 6, '七': 7, '八': 8, '九': 9}

// chineseNumber reads 九, 十, 十五, 二十, 三十一 (below 100) and, digit by
// digit, years such as 二〇二六.
func chineseNumber(s string) (int, bool) {
	if s == "" {
		return 0, false
	}
	if tens, ones, ok := strings.Cut(s, "十"); ok {
		t, o := 1, 0
		if tens != "" {
			v, ok := cnDigits[[]rune(tens)[0]]
			if !ok || len([]rune(tens)) != 1 {
				return 0, false
			}
			t = v
		}
		if ones != "" {
			v, ok := cnDigits[[]rune(ones)[0]]
			if !ok || len([]rune(ones)) != 1 {
				return 0, false
			}
			o = v
		}
		return t*10 + o, true
	}
	n := 0
	for _, r := range s {
		v, ok := cnDigits[r]
		if !ok {
			return 0, false
		}
		n = n*10 + v
	}
	return n, true
}

func lastRune(s string) (rune, int) {
	r := []rune(s)
	last := r[len(r)-1]
	return last, len(string(last))
}
