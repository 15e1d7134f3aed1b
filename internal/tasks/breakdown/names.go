package breakdown

import (
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode"

	"diaodu/internal/platform/xlsx"
)

// Unit is an active unit as the directory knows it.
type Unit struct {
	ID         int64
	Name       string // 区发展和改革局
	ShortName  string // 发改局
	Kind       string // district | department | town | village | taskforce
	ParentName string // for villages: 青石镇, so 青石镇张家村 names one
}

// Person is an active user who may be named as a lead leader.
type Person struct {
	ID       int64
	Name     string // real name
	Position string // 常务副区长: tables often name leaders by office
	Leader   bool   // has the role leader; only leaders may lead tasks
}

// Directory resolves the names written in a breakdown table to units and
// leaders. Build it once per import from one query each.
type Directory struct {
	units       []Unit
	unitKeys    map[string][]int // nameKey → indices into units
	towns       []int64
	depts       []int64
	persons     []Person
	personKeys  map[string][]int          // name and position keys → indices into people
	seen        map[string]seenUnit       // unit name → resolution
	cells       map[string]readCell       // unit cell → resolution
	leaderCells map[string]readLeaderCell // leader cell → resolution
}

// NewDirectory indexes units and people; the caller passes active ones.
func NewDirectory(units []Unit, people []Person) *Directory {
	d := &Directory{unitKeys: map[string][]int{}, personKeys: map[string][]int{}, seen: map[string]seenUnit{}, cells: map[string]readCell{},
		leaderCells: map[string]readLeaderCell{}}
	for _, u := range units {
		i := len(d.units)
		d.units = append(d.units, u)
		keys := []string{nameKey(u.Name), nameKey(u.ShortName)}
		if u.ParentName != "" {
			keys = append(keys, nameKey(u.ParentName)+nameKey(u.Name))
		}
		for _, k := range keys {
			for _, v := range []string{k, trimDistrict(k)} {
				if v != "" && !slices.Contains(d.unitKeys[v], i) {
					d.unitKeys[v] = append(d.unitKeys[v], i)
				}
			}
		}
		switch u.Kind {
		case "town":
			d.towns = append(d.towns, u.ID)
		case "department":
			d.depts = append(d.depts, u.ID)
		}
	}
	for i, p := range people {
		d.persons = append(d.persons, p)
		keys := []string{nameKey(p.Name)}
		if p.Leader { // others' offices (主任, 科长) are no way to name a leader
			keys = append(keys, nameKey(p.Position))
		}
		for _, k := range keys {
			if k != "" && !slices.Contains(d.personKeys[k], i) {
				d.personKeys[k] = append(d.personKeys[k], i)
			}
		}
	}
	return d
}

// UnitMatch is one name of a cell, resolved.
type UnitMatch struct {
	Text string  // as written
	IDs  []int64 // one unit, or every unit of a collective (各乡镇)
	// Collective is set for 各乡镇-style names, which stand for many units.
	Collective bool
}

var (
	// Collectives: every town (各乡镇, 各镇（街道）, 各镇街) or every
	// department (区直各部门, 区直各单位).
	reTowns = regexp.MustCompile(`(?:全区)?各(?:乡镇|镇|乡)(?:\(?(?:街道|街|乡镇)\)?)?|(?:全区)?各街道`)
	reDepts = regexp.MustCompile(`(?:区直|区级)各(?:部门|单位)|各区直(?:部门|单位)`)
	// Vague collectives name no one in particular.
	reVague = regexp.MustCompile(`^(?:各)?(?:有关|相关)(?:部门|单位)$|^各(?:部门|单位)$`)
	// A note in brackets after a name: 区发改局（牵头）, 王明（常务副区长）.
	reNote = regexp.MustCompile(`\([^()]*\)|\[[^\[\]]*\]|【[^【】]*】`)
)

// Units resolves a 牵头单位 or 配合单位 cell. Names are separated by 、，,；;
// / or line breaks (or spaces, unless the spaced text is itself one name);
// each is a unit's full or short name, optionally with 区 dropped or added,
// or a collective. It returns the matches in order, or the problems.
func (d *Directory) Units(cell string) ([]UnitMatch, []string) {
	if r, ok := d.cells[cell]; ok { // tables repeat unit cells row after row
		return r.ms, r.problems
	}
	ms, problems := d.readUnits(cell)
	d.cells[cell] = readCell{ms, problems}
	return ms, problems
}

type readCell struct {
	ms       []UnitMatch
	problems []string
}

func (d *Directory) readUnits(cell string) ([]UnitMatch, []string) {
	// Collectives first: their brackets (各镇（街道）) are part of the
	// name. Each becomes a mark among the names: a private-use character
	// numbering it.
	var collectives []UnitMatch
	cell = xlsx.Clean(cell)
	if strings.Contains(cell, "各") { // most cells name units one by one
		cell = replaceCollective(cell, reTowns, &collectives, d.towns)
		cell = replaceCollective(cell, reDepts, &collectives, d.depts)
	}
	cell = dropNotes(cell)
	var out []UnitMatch
	var problems []string
	for _, name := range splitNames(cell, func(s string) bool { return len(d.unitKeys[nameKey(s)]) > 0 }) {
		switch {
		case isMark(name, len(collectives)):
			m := collectives[[]rune(name)[0]-markBase]
			if len(m.IDs) == 0 {
				problems = append(problems, "“"+m.Text+"”：系统中没有这类单位，请逐一列出单位名称")
				continue
			}
			out = append(out, m)
		case reVague.MatchString(name):
			problems = append(problems, "“"+name+"”没有指明具体单位，请逐一列出单位名称，或写“各乡镇（街道）”“区直各部门”")
		default:
			m, problem := d.unit(name)
			if problem != "" {
				problems = append(problems, problem)
				continue
			}
			out = append(out, m)
		}
	}
	return out, problems
}

// dropNotes removes bracketed notes.
func dropNotes(s string) string {
	if !strings.ContainsAny(s, "([【") {
		return s
	}
	return reNote.ReplaceAllString(s, "")
}

func replaceCollective(cell string, re *regexp.Regexp, out *[]UnitMatch, ids []int64) string {
	return re.ReplaceAllStringFunc(cell, func(m string) string {
		*out = append(*out, UnitMatch{Text: m, IDs: ids, Collective: true})
		return "、" + string(markBase+rune(len(*out)-1)) + "、"
	})
}

const markBase = '\uE000'

func isMark(name string, n int) bool {
	r := []rune(name)
	return len(r) == 1 && r[0] >= markBase && r[0] < markBase+rune(n)
}

// unit resolves one name; results are kept, as tables repeat names.
func (d *Directory) unit(name string) (UnitMatch, string) {
	if r, ok := d.seen[name]; ok {
		return r.m, r.problem
	}
	m, problem := d.resolveUnit(name)
	d.seen[name] = seenUnit{m, problem}
	return m, problem
}

type seenUnit struct {
	m       UnitMatch
	problem string
}

func (d *Directory) resolveUnit(name string) (UnitMatch, string) {
	k := nameKey(name)
	hits := d.unitKeys[k]
	if len(hits) == 0 {
		hits = d.unitKeys[trimDistrict(k)]
	}
	switch len(hits) {
	case 1:
		return UnitMatch{Text: name, IDs: []int64{d.units[hits[0]].ID}}, ""
	case 0:
		msg := "未找到单位“" + name + "”"
		if s := suggest(k, d.unitCandidates()); len(s) > 0 {
			msg += "，是否为" + quoteOr(s) + "？"
		} else {
			msg += "，请填写单位全称或简称"
		}
		return UnitMatch{}, msg
	}
	names := make([]string, len(hits))
	for i, h := range hits {
		names[i] = d.units[h].fullName()
	}
	return UnitMatch{}, "“" + name + "”对应多个单位：" + quoteOr(names) + "，请写明是哪一个（如“" + names[0] + "”）"
}

// fullName names a unit unambiguously: villages with their town.
func (u Unit) fullName() string {
	if u.ParentName != "" && u.Kind == "village" {
		return u.ParentName + u.Name
	}
	return u.Name
}

func (d *Directory) unitCandidates() []candidate {
	c := make([]candidate, 0, 2*len(d.units))
	for _, u := range d.units {
		c = append(c, candidate{key: nameKey(u.Name), show: u.fullName()})
		if u.ShortName != "" {
			c = append(c, candidate{key: nameKey(u.ShortName), show: u.fullName()})
		}
	}
	return c
}

// Leaders resolves a 牵头领导 cell to leaders' user ids: real names (with
// or without a title in brackets or before them) or the office held, when
// one leader holds it.
func (d *Directory) Leaders(cell string) ([]int64, []string) {
	if r, ok := d.leaderCells[cell]; ok {
		return r.ids, r.problems
	}
	ids, problems := d.readLeaders(cell)
	d.leaderCells[cell] = readLeaderCell{ids, problems}
	return ids, problems
}

type readLeaderCell struct {
	ids      []int64
	problems []string
}

func (d *Directory) readLeaders(cell string) ([]int64, []string) {
	cell = dropNotes(xlsx.Clean(cell))
	var ids []int64
	var problems []string
	for _, name := range splitNames(cell, func(s string) bool { return len(d.people(nameKey(s))) > 0 }) {
		name = strings.TrimSuffix(name, "同志")
		k := nameKey(name)
		hits := d.people(k)
		switch {
		case len(hits) == 0:
			msg := "未找到区领导“" + name + "”"
			if s := suggest(k, d.leaderCandidates()); len(s) > 0 {
				msg += "，是否为" + quoteOr(s) + "？"
			} else {
				msg += "，请填写区领导的姓名"
			}
			problems = append(problems, msg)
		case len(hits) > 1:
			names := make([]string, len(hits))
			for i, h := range hits {
				names[i] = d.persons[h].label()
			}
			problems = append(problems, "“"+name+"”对应多人："+quoteOr(names)+"，请填写姓名")
		case !d.persons[hits[0]].Leader:
			problems = append(problems, "“"+name+"”不是区领导，只有具有“区领导”角色的用户可以作为牵头领导")
		default:
			if id := d.persons[hits[0]].ID; !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
	}
	return ids, problems
}

// people are the indices of those a name or office (key) may mean: the
// leaders among them if any — a staff member sharing a leader's name is
// not whom a table means — else whoever bears it; failing that the one
// leader named after a title ("常务副区长王明").
func (d *Directory) people(k string) []int {
	hits := d.personKeys[k]
	var leaders []int
	for _, i := range hits {
		if d.persons[i].Leader {
			leaders = append(leaders, i)
		}
	}
	switch {
	case len(leaders) > 0:
		return leaders
	case len(hits) > 0:
		return hits
	}
	if i := d.titled(k); i >= 0 {
		return []int{i}
	}
	return nil
}

// titled finds "常务副区长王明": a leader's name after their office or any
// title ending as offices do.
func (d *Directory) titled(k string) int {
	found := -1
	for i, p := range d.persons {
		n := nameKey(p.Name)
		if !p.Leader || n == "" || len(k) <= len(n) || !strings.HasSuffix(k, n) {
			continue
		}
		title := strings.TrimSuffix(k, n)
		if title == nameKey(p.Position) || strings.HasSuffix(title, "长") || strings.HasSuffix(title, "书记") ||
			strings.HasSuffix(title, "主任") || strings.HasSuffix(title, "委员") || strings.HasSuffix(title, "部长") {
			if found >= 0 {
				return -1
			}
			found = i
		}
	}
	return found
}

func (p Person) label() string {
	if p.Position != "" {
		return p.Name + "（" + p.Position + "）"
	}
	return p.Name
}

func (d *Directory) leaderCandidates() []candidate {
	var c []candidate
	for _, p := range d.persons {
		if p.Leader {
			c = append(c, candidate{key: nameKey(p.Name), show: p.Name})
		}
	}
	return c
}

// splitNames cuts a cell into names at punctuation and at spaces, keeping
// spaced text together when known says it is one name ("张  三" padded
// to align, "区发展和 改革局" wrapped).
func splitNames(cell string, known func(string) bool) []string {
	var out []string
	for _, part := range strings.FieldsFunc(cell, func(r rune) bool {
		return strings.ContainsRune("、，,；;/／\n", r)
	}) {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if !strings.Contains(part, " ") || known(part) {
			out = append(out, part)
			continue
		}
		out = append(out, strings.Fields(part)...)
	}
	return out
}

// nameKey is the form names are compared in: no spaces or punctuation,
// ASCII lower case.
func nameKey(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || unicode.IsPunct(r) {
			return -1
		}
		return unicode.ToLower(r)
	}, xlsx.Clean(s))
}

// trimDistrict drops the leading 区 that tables add or leave out: 区发改局
// and 发改局 are the same unit.
func trimDistrict(k string) string {
	if t := strings.TrimPrefix(k, "区"); len([]rune(t)) >= 2 {
		return t
	}
	return k
}

type candidate struct{ key, show string }

// suggest lists up to three names close to k: sharing most of its
// characters in order (发改委 ~ 区发展和改革局) or a small edit away
// (王名 ~ 王明).
func suggest(k string, cands []candidate) []string {
	q := []rune(trimDistrict(k))
	if len(q) == 0 {
		return nil
	}
	type scored struct {
		show       string
		lcs, edits int
		length     int
	}
	best := map[string]scored{}
	for _, c := range cands {
		r := []rune(trimDistrict(c.key))
		if len(r) == 0 {
			continue
		}
		s := scored{show: c.show, lcs: lcs(q, r), edits: editDistance(q, r), length: len(r)}
		// Most of what was typed appears, in order, in the name; or the
		// name is a typo away.
		close := (s.lcs >= 2 && 5*s.lcs >= 3*len(q)) || (s.edits <= max(1, len(q)/3) && s.edits < len(r))
		if !close {
			continue
		}
		if old, ok := best[c.show]; !ok || s.lcs > old.lcs || (s.lcs == old.lcs && s.edits < old.edits) {
			best[c.show] = s
		}
	}
	list := make([]scored, 0, len(best))
	for _, s := range best {
		list = append(list, s)
	}
	sort.Slice(list, func(i, j int) bool {
		a, b := list[i], list[j]
		if a.lcs != b.lcs {
			return a.lcs > b.lcs
		}
		if a.edits != b.edits {
			return a.edits < b.edits
		}
		if a.length != b.length {
			return a.length < b.length
		}
		return a.show < b.show
	})
	var out []string
	for i := 0; i < len(list) && i < 3; i++ {
		out = append(out, list[i].show)
	}
	return out
}

func lcs(a, b []rune) int {
	prev, cur := make([]int, len(b)+1), make([]int, len(b)+1)
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			switch {
			case a[i-1] == b[j-1]:
				cur[j] = prev[j-1] + 1
			default:
				cur[j] = max(prev[j], cur[j-1])
			}
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

func editDistance(a, b []rune) int {
	prev, cur := make([]int, len(b)+1), make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// quoteOr renders “a”、“b”或“c”.
func quoteOr(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = "“" + n + "”"
	}
	if len(q) == 1 {
		return q[0]
	}
	return strings.Join(q[:len(q)-1], "、") + "或" + q[len(q)-1]
}
