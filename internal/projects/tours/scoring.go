package tours

import (
	"cmp"
	"math"
	"slices"
)

// The scoring rule, kept free of the database so it is tested on its own.
//
// Per project, each judge's submitted sheet gives one total. With at least
// DropMin judges, the single highest and the single lowest TOTAL are dropped
// (whole sheets, not per criterion), and the rest are averaged. Dropping
// whole sheets keeps every counted sheet one judge's coherent opinion: the
// criterion averages shown beside the score are taken over the same kept
// sheets, so they add up to the score, and anyone can retrace the number
// from the sheets. Dropping per criterion would build a composite no judge
// gave, whose criteria no longer sum to any judge's total, and could drop a
// different judge on every line. It is also what "去掉一个最高分和一个最低分"
// means in the usual 观摩评比 rules.
//
// Ranking is by the average, compared exactly (sums of tenths over counts),
// and ties share a rank (1, 1, 3). Projects nobody has scored are listed
// last without a rank.

// sheetRow is one submitted sheet: points per criterion in tenths.
type sheetRow struct {
	ProjectID int64
	JudgeID   int64
	JudgeName string
	Points    []int
	Total     int
}

// JudgeTotal is one judge's total for a project; names are shown to the
// supervision office only.
type JudgeTotal struct {
	JudgeID int64   `json:"judge_id,omitempty"`
	Judge   string  `json:"judge,omitempty"`
	Total   float64 `json:"total"`
	Dropped bool    `json:"dropped"`
}

// ProjectResult is a project's line in the ranked table.
type ProjectResult struct {
	Rank        int          `json:"rank"` // 0: not scored
	Seq         int          `json:"seq"`  // stop on the route
	Project     Project      `json:"project"`
	Judges      int          `json:"judges"`  // submitted sheets
	Dropped     bool         `json:"dropped"` // extremes dropped
	Score       float64      `json:"score"`   // two decimals
	Criteria    []float64    `json:"criteria"`
	Highest     *float64     `json:"highest"`
	Lowest      *float64     `json:"lowest"`
	Totals      []JudgeTotal `json:"totals"`
	FindingTags []string     `json:"finding_tags"`
	Findings    string       `json:"findings"`

	sum int64 // kept totals, tenths
	n   int64 // kept sheets
}

// GroupResult is a town's or a responsible unit's average over its scored projects.
type GroupResult struct {
	Rank            int     `json:"rank"`
	Unit            Ref     `json:"unit"`
	Projects        int     `json:"projects"`
	Scored          int     `json:"scored"`
	Score           float64 `json:"score"`
	TotalInvestment int64   `json:"total_investment"`

	exact float64
}

// Results is the ranked outcome of a tour.
type Results struct {
	TourID          int64           `json:"tour_id"`
	TourName        string          `json:"tour_name"`
	Date            string          `json:"date"`
	Status          Status          `json:"status"`
	Published       bool            `json:"published"` // closed: final and public
	DropMin         int             `json:"drop_min_judges"`
	Criteria        []Criterion     `json:"criteria"`
	Judges          int             `json:"judges"`
	TotalInvestment int64           `json:"total_investment"`
	Projects        []ProjectResult `json:"projects"`
	Towns           []GroupResult   `json:"towns"`
	Units           []GroupResult   `json:"units"`
}

func tenths(v int64) float64 { return float64(v) / 10 }

func round2(v float64) float64 { return math.Round(v*100) / 100 }

// score computes every project's line and the ranks. stops are in route
// order; sheets are the submitted ones of any order.
func score(criteria []Criterion, stops []Stop, sheets []sheetRow, dropMin int, names bool) []ProjectResult {
	byProject := map[int64][]sheetRow{}
	for _, s := range sheets {
		byProject[s.ProjectID] = append(byProject[s.ProjectID], s)
	}
	out := make([]ProjectResult, len(stops))
	for i, st := range stops {
		r := ProjectResult{Seq: st.Seq, Project: st.Project, FindingTags: st.FindingTags, Findings: st.Findings,
			Criteria: make([]float64, len(criteria)), Totals: []JudgeTotal{}}
		rows := byProject[st.Project.ID]
		slices.SortFunc(rows, func(a, b sheetRow) int {
			return cmp.Or(cmp.Compare(a.Total, b.Total), cmp.Compare(a.JudgeID, b.JudgeID))
		})
		r.Judges = len(rows)
		r.Dropped = len(rows) >= dropMin && len(rows) >= 3
		crit := make([]int64, len(criteria))
		for j, s := range rows {
			drop := r.Dropped && (j == 0 || j == len(rows)-1)
			jt := JudgeTotal{Total: tenths(int64(s.Total)), Dropped: drop}
			if names {
				jt.JudgeID, jt.Judge = s.JudgeID, s.JudgeName
			}
			r.Totals = append(r.Totals, jt)
			if drop {
				continue
			}
			r.sum += int64(s.Total)
			r.n++
			for k := range crit {
				if k < len(s.Points) {
					crit[k] += int64(s.Points[k])
				}
			}
		}
		if len(rows) > 0 {
			hi, lo := tenths(int64(rows[len(rows)-1].Total)), tenths(int64(rows[0].Total))
			r.Highest, r.Lowest = &hi, &lo
		}
		if r.n > 0 {
			r.Score = round2(float64(r.sum) / float64(r.n) / 10)
			for k, c := range crit {
				r.Criteria[k] = round2(float64(c) / float64(r.n) / 10)
			}
		}
		out[i] = r
	}
	rankProjects(out)
	return out
}

// compareScore orders by average, higher first, exactly: a.sum/a.n against
// b.sum/b.n by cross-multiplying. Unscored projects come last.
func compareScore(a, b *ProjectResult) int {
	switch {
	case a.n == 0 && b.n == 0:
		return 0
	case a.n == 0:
		return 1
	case b.n == 0:
		return -1
	}
	return cmp.Compare(b.sum*a.n, a.sum*b.n)
}

// rankProjects sorts by score (route order among equals) and gives ties
// the same rank: 1, 1, 3.
func rankProjects(rs []ProjectResult) {
	slices.SortStableFunc(rs, func(a, b ProjectResult) int {
		return cmp.Or(compareScore(&a, &b), cmp.Compare(a.Seq, b.Seq))
	})
	for i := range rs {
		switch {
		case rs[i].n == 0:
			rs[i].Rank = 0
		case i > 0 && compareScore(&rs[i-1], &rs[i]) == 0:
			rs[i].Rank = rs[i-1].Rank
		default:
			rs[i].Rank = i + 1
		}
	}
}

// groups averages the scored projects' scores per town or per responsible
// unit and ranks the groups the same way (groups without a scored project
// last, unranked).
func groups(rs []ProjectResult, key func(p Project) Ref) []GroupResult {
	idx := map[int64]int{}
	var out []GroupResult
	sums := []float64{}
	for _, r := range rs {
		ref := key(r.Project)
		i, ok := idx[ref.ID]
		if !ok {
			i = len(out)
			idx[ref.ID] = i
			out = append(out, GroupResult{Unit: ref})
			sums = append(sums, 0)
		}
		g := &out[i]
		g.Projects++
		g.TotalInvestment += r.Project.TotalInvestment
		if r.n > 0 {
			g.Scored++
			sums[i] += float64(r.sum) / float64(r.n) / 10
		}
	}
	for i := range out {
		if out[i].Scored > 0 {
			// Rounded to 1e-9 so equal averages reached in different orders tie.
			out[i].exact = math.Round(sums[i]/float64(out[i].Scored)*1e9) / 1e9
			out[i].Score = round2(out[i].exact)
		}
	}
	less := func(a, b GroupResult) int {
		switch {
		case a.Scored == 0 && b.Scored == 0:
			return 0
		case a.Scored == 0:
			return 1
		case b.Scored == 0:
			return -1
		}
		return cmp.Compare(b.exact, a.exact)
	}
	slices.SortStableFunc(out, func(a, b GroupResult) int { return cmp.Or(less(a, b), cmp.Compare(a.Unit.Name, b.Unit.Name)) })
	for i := range out {
		switch {
		case out[i].Scored == 0:
		case i > 0 && less(out[i-1], out[i]) == 0:
			out[i].Rank = out[i-1].Rank
		default:
			out[i].Rank = i + 1
		}
	}
	if out == nil {
		out = []GroupResult{}
	}
	return out
}
