package breakdown

import (
	"regexp"
	"slices"
	"strconv"
	"strings"

	"diaodu/internal/platform/calendar"
	"diaodu/internal/platform/xlsx"
)

// Options are what the import form says about the whole table.
type Options struct {
	Year    int           // the year of deadlines written without one (9月底前)
	StartOn calendar.Date // the import date: tasks start on it, deadlines may not precede it
}

// Task is one task read from the table, ready to become a tasks.TaskInput.
type Task struct {
	Row              int // the sheet row it comes from
	Title            string
	Requirements     string
	Kind             string // once | periodic | longterm
	ReportCycle      string // week | fortnight | month | ""
	LeaderIDs        []int64
	LeadUnitID       int64
	CoUnitIDs        []int64
	ResponsibleName  string
	ResponsiblePhone string
	Tags             []string // the section rows above it: 项目建设, 重大项目
	StartOn          calendar.Date
	Deadline         calendar.Date // zero for long-term work
	Milestones       []Milestone
}

var (
	// Section numbering: 一、 一. 第一部分 (level 1); （一） (level 2).
	reSection1 = regexp.MustCompile(`^(?:[一二三四五六七八九十]+\s*[、.]|第[一二三四五六七八九十]+(?:部分|章|类|篇|项)[、.:：]?)\s*`)
	reSection2 = regexp.MustCompile(`^\(\s*[一二三四五六七八九十]+\s*\)[、.]?\s*`)
	reCNIndex  = regexp.MustCompile(`^[一二三四五六七八九十]+[、.]?$`)
	reNumber   = regexp.MustCompile(`^[0-9.\-()、]+$`)
	reFootnote = regexp.MustCompile(`^(?:注|备注|说明|附|填报|制表|审核|联系人)`)
)

// Parse turns the table into tasks. Each data row is one task: where a
// task name is merged over several rows, each row is one of its measures
// with its own units and deadline, so each becomes a task of that name
// with the measure as its requirements — the supervision office follows
// each measure on its own. A lead-unit cell naming every town (各乡镇)
// gives each town a task of its own. Section rows become tags of the
// tasks below them. It returns every problem, by cell.
func Parse(t *xlsx.Table, dir *Directory, opt Options) ([]Task, []xlsx.CellError) {
	p := &parser{dir: dir, opt: opt, date1904: t.Date1904, seen: map[string]int{}, deadlines: map[string]readDeadline{}}
	for _, row := range t.Rows {
		if row.Heading {
			p.heading(row)
			continue
		}
		p.task(row)
	}
	p.endGroup()
	return p.tasks, p.errs
}

type parser struct {
	dir       *Directory
	opt       Options
	date1904  bool
	tasks     []Task
	errs      []xlsx.CellError
	tags      [2]string // current section and subsection
	group     *group
	seen      map[string]int // title, requirements and lead unit → first row
	deadlines map[string]readDeadline
}

// group is a task name on a row of its own, over rows of measures that
// leave the name blank.
type group struct {
	title string
	row   int
	used  bool
}

func (p *parser) fail(row int, key, msg string) {
	p.errs = append(p.errs, xlsx.CellError{Row: row, Column: Header(key), Message: "“" + Header(key) + "”：" + msg})
}

func (p *parser) heading(row xlsx.Row) {
	v := row.Values
	var text string
	var keys []string
	for _, c := range Spec.Columns {
		if x := v[c.Key]; x != "" {
			keys = append(keys, c.Key)
			if text == "" {
				text = x
			}
		}
	}
	no, title := v[ColNo], v[ColTitle]
	switch {
	case no != "" && title != "" && no != title: // a number and a name
		if reCNIndex.MatchString(no) {
			p.section(1, title)
		} else if strings.HasPrefix(no, "(") {
			p.section(2, title)
		} else {
			p.startGroup(row.Num, title)
		}
	case reNumber.MatchString(text) || reFootnote.MatchString(text):
		// A pre-numbered empty row, or a note under the table.
	case reSection1.MatchString(text):
		p.section(1, reSection1.ReplaceAllString(text, ""))
	case reSection2.MatchString(text):
		p.section(2, reSection2.ReplaceAllString(text, ""))
	case len(keys) == 1 && keys[0] == ColTitle:
		p.startGroup(row.Num, text)
	case len(keys) > 1 || keys[0] == ColNo: // merged across the row, or in the first cell
		p.section(1, text)
	default:
		p.fail(row.Num, keys[0], "本行只有这一格有内容，请补全工作任务、牵头单位和完成时限，或删除本行")
	}
}

// section starts a section (level 1) or subsection (level 2); its name,
// without counts in brackets, tags the tasks below.
func (p *parser) section(level int, name string) {
	p.endGroup()
	name = truncate(strings.TrimRight(strings.TrimSpace(reNote.ReplaceAllString(name, "")), "：:"), maxTag)
	if level == 1 {
		p.tags = [2]string{name, ""}
	} else {
		p.tags[1] = name
	}
}

func (p *parser) startGroup(row int, title string) {
	p.endGroup()
	p.group = &group{title: title, row: row}
}

// endGroup checks that a task name on its own row had measures below it.
func (p *parser) endGroup() {
	if g := p.group; g != nil && !g.used {
		p.fail(g.row, ColLeadUnit, "本行只有工作任务“"+g.title+"”，下面没有具体措施行；请补全牵头单位和完成时限")
	}
	p.group = nil
}

func (p *parser) task(row xlsx.Row) {
	v := row.Values
	n := row.Num
	errsBefore := len(p.errs)
	t := Task{Row: n, StartOn: p.opt.StartOn, ResponsibleName: v[ColResponsible], ResponsiblePhone: v[ColPhone]}
	if t.Title = v[ColTitle]; t.Title != "" {
		p.endGroup()
	} else if p.group != nil {
		t.Title, p.group.used = p.group.title, true
	} else {
		p.fail(n, ColTitle, "不能为空")
	}
	t.Requirements = requirements(v)
	for _, tag := range p.tags {
		if tag != "" {
			t.Tags = append(t.Tags, tag)
		}
	}

	if cell := v[ColLeaders]; cell != "" {
		ids, problems := p.dir.Leaders(cell)
		for _, msg := range problems {
			p.fail(n, ColLeaders, msg)
		}
		t.LeaderIDs = ids
	}
	leads := p.units(n, ColLeadUnit, v[ColLeadUnit])
	co := p.units(n, ColCoUnits, v[ColCoUnits])
	var leadIDs, coIDs []int64
	if len(leads) > 0 {
		// The first unit named leads; a collective first means each of
		// its units leads its own task. The others work with it.
		if leads[0].Collective {
			leadIDs = leads[0].IDs
		} else {
			leadIDs = leads[0].IDs[:1]
		}
		for _, m := range leads[1:] {
			coIDs = append(coIDs, m.IDs...)
		}
	}
	for _, m := range co {
		coIDs = append(coIDs, m.IDs...)
	}

	if cell := v[ColDeadline]; cell != "" {
		d, msg := p.deadline(cell)
		if msg != "" {
			p.fail(n, ColDeadline, msg)
		} else {
			t.Kind, t.ReportCycle, t.Deadline, t.Milestones = d.Kind, d.Cycle, d.Date, d.Milestones
			p.checkDates(n, cell, d)
		}
	}
	if len(p.errs) > errsBefore {
		return
	}
	for _, lead := range leadIDs {
		task := t
		task.LeadUnitID = lead
		task.CoUnitIDs = withoutDup(coIDs, lead)
		key := task.Title + "\x1f" + task.Requirements + "\x1f" + strconv.FormatInt(lead, 10)
		if first, dup := p.seen[key]; dup {
			p.fail(n, ColTitle, "与第"+strconv.Itoa(first)+"行的任务重复（工作任务、具体目标和牵头单位都相同）")
			return
		}
		p.seen[key] = n
		p.tasks = append(p.tasks, task)
	}
}

// deadline reads a 完成时限 cell; tables repeat a few forms, so each is
// read once.
func (p *parser) deadline(cell string) (Deadline, string) {
	r, ok := p.deadlines[cell]
	if !ok {
		r.d, r.msg = ParseDeadline(cell, p.opt.Year, p.date1904)
		p.deadlines[cell] = r
	}
	return r.d, r.msg
}

type readDeadline struct {
	d   Deadline
	msg string
}

// units resolves a unit cell, reporting its problems.
func (p *parser) units(row int, key, cell string) []UnitMatch {
	if cell == "" {
		return nil
	}
	ms, problems := p.dir.Units(cell)
	for _, msg := range problems {
		p.fail(row, key, msg)
	}
	return ms
}

// checkDates refuses deadlines and milestones before the import date: the
// year of "9月底前" is the import's, and a past date usually means the
// table is for the next year.
func (p *parser) checkDates(row int, cell string, d Deadline) {
	start := p.opt.StartOn
	if start.IsZero() || d.Kind == KindLongTerm {
		return
	}
	due := d.Date
	for _, m := range d.Milestones {
		if m.DueOn.Before(due) {
			due = m.DueOn
		}
	}
	if due.Before(start) {
		p.fail(row, ColDeadline, "“"+cell+"”即"+due.Chinese()+"，早于开始日期"+start.Chinese()+
			"；如是下一年度的任务，请写明年份（如“"+strconv.Itoa(start.Year()+1)+"年"+strconv.Itoa(int(due.Month()))+"月底前”）或在导入时选择年度")
	}
}

// requirements joins the goal, the measures and the note.
func requirements(v map[string]string) string {
	var parts []string
	goal, measures := v[ColRequirements], v[ColMeasures]
	if goal != "" {
		parts = append(parts, goal)
	}
	if measures != "" && measures != goal {
		if goal != "" {
			measures = "具体措施：" + measures
		}
		parts = append(parts, measures)
	}
	if note := v[ColNote]; note != "" {
		parts = append(parts, "备注："+note)
	}
	return strings.Join(parts, "\n")
}

// Tasks allow tags of 20 characters and milestone names of 50. A long
// section title is cut rather than refused: tags only group tasks.
const (
	maxTag           = 20
	maxMilestoneName = 50
)

func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}

// withoutDup returns ids without lead and repeats, in order.
func withoutDup(ids []int64, lead int64) []int64 {
	out := make([]int64, 0, len(ids))
	for _, id := range ids {
		if id != lead && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}
