package tours

import (
	"slices"
	"testing"

	"diaodu/internal/platform/errs"
)

func stop(seq int, id int64, town, unit int64, inv int64) Stop {
	return Stop{Seq: seq, Project: Project{ID: id, Name: "项目" + string(rune('A'+id-1)), Town: Ref{ID: town, Name: "镇" + string(rune('0'+town))},
		Unit: Ref{ID: unit, Name: "单位" + string(rune('0'+unit))}, TotalInvestment: inv}}
}

// sheet is a judge's sheet whose total is the sum of points (tenths).
func sheet(project, judge int64, points ...int) sheetRow {
	t := 0
	for _, p := range points {
		t += p
	}
	return sheetRow{ProjectID: project, JudgeID: judge, JudgeName: "评委", Points: points, Total: t}
}

var crit2 = []Criterion{{1, "体量", 50}, {2, "进度", 50}}

func TestDropExtremesFromThreshold(t *testing.T) {
	stops := []Stop{stop(1, 1, 1, 1, 100)}
	// Five judges: totals 60, 70, 80, 90, 100 → drop 60 and 100 → (70+80+90)/3 = 80.
	var sheets []sheetRow
	for j, tot := range []int{600, 700, 800, 900, 1000} {
		sheets = append(sheets, sheet(1, int64(j+1), tot/2, tot/2))
	}
	r := score(crit2, stops, sheets, 5, true)[0]
	if !r.Dropped || r.Judges != 5 || r.Score != 80 || r.Rank != 1 {
		t.Fatalf("five judges: %+v", r)
	}
	if *r.Highest != 100 || *r.Lowest != 60 {
		t.Fatalf("extremes: %v %v", *r.Highest, *r.Lowest)
	}
	if r.Criteria[0]+r.Criteria[1] != r.Score {
		t.Fatalf("criteria %v do not add up to %v", r.Criteria, r.Score)
	}
	dropped := 0
	for _, jt := range r.Totals {
		if jt.Dropped {
			dropped++
		}
	}
	if dropped != 2 {
		t.Fatalf("want 2 dropped sheets, got %d", dropped)
	}
	// Four judges under a threshold of 5: plain average of 60, 70, 80, 90 = 75.
	r = score(crit2, stops, sheets[:4], 5, true)[0]
	if r.Dropped || r.Score != 75 {
		t.Fatalf("four judges: %+v", r)
	}
	// A threshold of 4 drops them: (70+80)/2 = 75 too, but marked.
	r = score(crit2, stops, sheets[:4], 4, true)[0]
	if !r.Dropped || r.Score != 75 {
		t.Fatalf("four judges, threshold 4: %+v", r)
	}
	// Equal extremes: only one of each is dropped.
	same := []sheetRow{sheet(1, 1, 400, 400), sheet(1, 2, 400, 400), sheet(1, 3, 400, 400), sheet(1, 4, 450, 450), sheet(1, 5, 300, 300)}
	r = score(crit2, stops, same, 5, false)[0]
	if r.Score != 80 || r.Totals[0].JudgeID != 0 || r.Totals[0].Judge != "" {
		t.Fatalf("equal extremes or names hidden: %+v", r)
	}
}

func TestRankTiesAndUnscored(t *testing.T) {
	stops := []Stop{stop(1, 1, 1, 1, 10), stop(2, 2, 1, 2, 20), stop(3, 3, 2, 2, 30), stop(4, 4, 2, 1, 40)}
	sheets := []sheetRow{
		sheet(1, 1, 400, 400), sheet(1, 2, 410, 410), // 81.0
		sheet(2, 1, 500, 310), // 81.0: tie with project 1
		sheet(3, 1, 450, 450), // 90
		// project 4 unscored
	}
	rs := score(crit2, stops, sheets, 5, true)
	got := []int{}
	ids := []int64{}
	for _, r := range rs {
		got, ids = append(got, r.Rank), append(ids, r.Project.ID)
	}
	if want := []int{1, 2, 2, 0}; !slices.Equal(got, want) {
		t.Fatalf("ranks %v, want %v (ids %v)", got, want, ids)
	}
	if ids[0] != 3 || ids[1] != 1 || ids[2] != 2 || ids[3] != 4 {
		t.Fatalf("order %v", ids)
	}
	// Exact comparison: 1/3 against 0.333… must not tie by rounding.
	thirds := []sheetRow{sheet(1, 1, 1, 0), sheet(1, 2, 0, 0), sheet(1, 3, 0, 0), sheet(2, 1, 0, 0), sheet(2, 2, 1, 0), sheet(2, 3, 0, 0)}
	rs = score(crit2, stops[:2], thirds, 5, true)
	if rs[0].Rank != 1 || rs[1].Rank != 1 {
		t.Fatalf("equal thirds must tie: %+v", rs)
	}

	towns := groups(score(crit2, stops, sheets, 5, true), func(p Project) Ref { return p.Town })
	// Town 1: projects 1 and 2, both 81 → 81; town 2: project 3 (90), project 4 unscored → 90.
	if towns[0].Unit.ID != 2 || towns[0].Score != 90 || towns[0].Scored != 1 || towns[0].Projects != 2 || towns[0].Rank != 1 {
		t.Fatalf("town 2: %+v", towns[0])
	}
	if towns[1].Unit.ID != 1 || towns[1].Score != 81 || towns[1].Rank != 2 || towns[1].TotalInvestment != 30 {
		t.Fatalf("town 1: %+v", towns[1])
	}
	units := groups(score(crit2, stops, sheets, 5, true), func(p Project) Ref { return p.Unit })
	// Unit 1: projects 1 (81) and 4 (unscored); unit 2: projects 2 (81) and 3 (90) → 85.5.
	if units[0].Unit.ID != 2 || units[0].Score != 85.5 || units[1].Score != 81 {
		t.Fatalf("units: %+v", units)
	}
}

func TestParsePoints(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	crit := DefaultCriteria
	if _, _, err := parsePoints(crit, []*float64{f(30), f(30), f(20), f(20)}, true); err != nil {
		t.Fatal(err)
	}
	ps, total, err := parsePoints(crit, []*float64{f(27.5), nil, f(18), nil}, false)
	if err != nil || total != 455 || ps[1] != -1 || joinPoints(ps) != "275,,180," {
		t.Fatalf("draft: %v %d %v %q", ps, total, err, joinPoints(ps))
	}
	for name, c := range map[string]struct {
		in    []*float64
		field string
	}{
		"above max":   {[]*float64{f(31), f(30), f(20), f(20)}, "points.1"},
		"negative":    {[]*float64{f(30), f(-1), f(20), f(20)}, "points.2"},
		"decimals":    {[]*float64{f(30), f(30), f(19.25), f(20)}, "points.3"},
		"missing":     {[]*float64{f(30), f(30), f(20), nil}, "points.4"},
		"wrong count": {[]*float64{f(30)}, "points"},
	} {
		_, _, err := parsePoints(crit, c.in, true)
		if err == nil || !hasField(err, c.field) {
			t.Errorf("%s: want %s, got %v", name, c.field, err)
		}
	}
}

func hasField(err error, field string) bool {
	e, ok := errs.As(err)
	if !ok {
		return false
	}
	_, ok = e.Fields[field]
	return ok
}
