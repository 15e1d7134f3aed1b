package tours_test

import (
	"testing"

	"diaodu/internal/platform/db"
	"diaodu/internal/platform/errs"
	"diaodu/internal/projects/tours"
	"diaodu/internal/testutil"
)

func TestTourScoredClosedAndRanked(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		tr := e.tour(t, false)
		if tr.Status != tours.StatusDraft || len(tr.Criteria) != 4 || tr.Criteria[0].Name != "项目体量" || tr.Criteria[0].Max != 30 ||
			tr.DropMin != 5 || len(tr.Stops) != 5 || len(tr.Judges) != 5 {
			t.Fatalf("draft: %+v", tr)
		}
		// The sheet is configurable while in draft.
		tr, err := e.s.Update(e.ctx, e.as("supervisor"), tr.ID, tours.Input{Criteria: &[]tours.Criterion{{Name: "项目体量", Max: 40},
			{Name: "建设进度", Max: 30}, {Name: "形象面貌", Max: 30}}, DropMin: ptr(5)})
		if err != nil || len(tr.Criteria) != 3 || tr.Criteria[2].Seq != 3 {
			t.Fatalf("edit sheet: %v %+v", err, tr)
		}
		// Judges cannot score a draft.
		_, err = e.s.SaveSheet(e.ctx, e.judge(1), tr.ID, e.projects[0], tours.SheetInput{Points: pts(1, 1, 1), Submit: true})
		testutil.WantCode(t, err, errs.Conflict, "")
		if tr, err = e.s.Open(e.ctx, e.as("supervisor"), tr.ID); err != nil || tr.Status != tours.StatusOpen {
			t.Fatalf("open: %v", err)
		}
		// Five judges on project 1: 90, 80, 85, 70, 95 → drop 95 and 70 → 85.
		for j, v := range []float64{90, 80, 85, 70, 95} {
			e.score(t, tr.ID, j+1, e.projects[0], v-60, 30, 30)
		}
		// Project 2: three judges 80, 82.5, 77.5 (fewer than 5: plain average 80).
		for j, v := range []float64{80, 82.5, 77.5} {
			e.score(t, tr.ID, j+1, e.projects[1], v-50, 25, 25)
		}
		// Project 3 ties project 1 with one judge at 85.
		e.score(t, tr.ID, 1, e.projects[2], 25, 30, 30)
		// Project 4: a draft only — not counted.
		if _, err := e.s.SaveSheet(e.ctx, e.judge(2), tr.ID, e.projects[3], tours.SheetInput{Points: pts(40, 30, 30)}); err != nil {
			t.Fatal(err)
		}
		// A judge sees only their own marks.
		my, err := e.s.MyTour(e.ctx, e.judge(2), tr.ID)
		if err != nil || my.Stops[0].MySheet != tours.SheetSubmitted || *my.Stops[0].MyTotal != 80 || my.Stops[3].MySheet != tours.SheetDraft ||
			my.Stops[2].MySheet != "" || my.Submitted != 2 || my.SheetsTotal != 5 {
			t.Fatalf("my tour: %v %+v", err, my)
		}
		// Before closing, results are the office's only; a judge and a leader get a clear answer.
		if _, err := e.s.Results(e.ctx, e.judge(1), tr.ID); !errs.Is(err, errs.Conflict) {
			t.Fatalf("judge before close: %v", err)
		}
		if _, err := e.s.Results(e.ctx, e.as("leader"), tr.ID); !errs.Is(err, errs.NotFound) {
			t.Fatalf("leader before close: %v", err)
		}
		if tr, err = e.s.Close(e.ctx, e.as("supervisor"), tr.ID); err != nil || tr.Status != tours.StatusClosed {
			t.Fatalf("close: %v", err)
		}
		// No change after closing.
		head := e.head(t)
		_, err = e.s.SaveSheet(e.ctx, e.judge(1), tr.ID, e.projects[0], tours.SheetInput{Points: pts(1, 1, 1), Submit: true})
		testutil.WantCode(t, err, errs.Conflict, "")
		if e.head(t) != head {
			t.Fatal("a refused score moved the audit chain")
		}
		res, err := e.s.Results(e.ctx, e.as("leader"), tr.ID)
		if err != nil {
			t.Fatal(err)
		}
		byID := map[int64]tours.ProjectResult{}
		for _, p := range res.Projects {
			byID[p.Project.ID] = p
		}
		p1, p2, p3, p4 := byID[e.projects[0]], byID[e.projects[1]], byID[e.projects[2]], byID[e.projects[3]]
		if p1.Score != 85 || !p1.Dropped || p1.Rank != 1 || p1.Judges != 5 {
			t.Fatalf("project 1: %+v", p1)
		}
		if p3.Score != 85 || p3.Rank != 1 || p2.Score != 80 || p2.Rank != 3 || p2.Dropped || p4.Rank != 0 || p4.Judges != 0 {
			t.Fatalf("ranks: p2 %+v p3 %+v p4 %+v", p2, p3, p4)
		}
		if p1.Totals[0].Judge != "" {
			t.Fatal("judges' names are for the office only")
		}
		if res.Projects[0].Project.ID != e.projects[0] || res.Projects[len(res.Projects)-1].Rank != 0 {
			t.Fatalf("order: %+v", res.Projects)
		}
		// 青石镇: projects 1, 2, 3 → (85 + 80 + 85) / 3 = 83.33; 柳溪镇: only project 5 unscored, 4 a draft.
		if res.Towns[0].Unit.Name != "青石镇" || res.Towns[0].Score != 83.33 || res.Towns[0].Rank != 1 || res.Towns[1].Rank != 0 {
			t.Fatalf("towns: %+v", res.Towns)
		}
		if !res.Published || res.TotalInvestment != 64*100_000_000 {
			t.Fatalf("published %v total %d", res.Published, res.TotalInvestment)
		}
		office, err := e.s.Results(e.ctx, e.as("supervisor"), tr.ID)
		if err != nil || office.Projects[0].Totals[0].Judge == "" {
			t.Fatalf("office sees names: %v", err)
		}

		// Reopen needs a reason; it is kept in the history.
		_, err = e.s.Reopen(e.ctx, e.as("supervisor"), tr.ID, "  ")
		testutil.WantCode(t, err, errs.Validation, "reason")
		if tr, err = e.s.Reopen(e.ctx, e.as("supervisor"), tr.ID, "评委3反映误填分数"); err != nil || tr.Status != tours.StatusOpen {
			t.Fatalf("reopen: %v", err)
		}
		last := tr.Events[len(tr.Events)-1]
		if last.Kind != "reopen" || last.Note != "评委3反映误填分数" {
			t.Fatalf("events: %+v", tr.Events)
		}
		if n := e.f.Count(t, `SELECT COUNT(*) FROM audit_log WHERE action = 'tour.reopen' AND summary LIKE '%误填%'`); n != 1 {
			t.Fatalf("reopen audited %d times", n)
		}
		// A submitted sheet is corrected by submitting again, not taken back to draft.
		_, err = e.s.SaveSheet(e.ctx, e.judge(3), tr.ID, e.projects[0], tours.SheetInput{Points: pts(10, 10, 10)})
		testutil.WantCode(t, err, errs.Conflict, "")
		e.score(t, tr.ID, 3, e.projects[0], 40, 30, 30)
	})
}

func TestTourBadInput(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		sup := e.as("supervisor")
		head := e.head(t)
		bad := func(name string, field string, mod func(in *tours.Input)) {
			t.Helper()
			in := e.input()
			mod(&in)
			_, err := e.s.Create(e.ctx, sup, in)
			testutil.WantCode(t, err, errs.Validation, field)
		}
		bad("no name", "name", func(in *tours.Input) { in.Name = ptr("  ") })
		bad("no date", "date", func(in *tours.Input) { in.Date = nil })
		bad("unknown project", "project_ids", func(in *tours.Input) { *in.ProjectIDs = append(*in.ProjectIDs, 99999) })
		bad("repeated project", "project_ids", func(in *tours.Input) { *in.ProjectIDs = append(*in.ProjectIDs, e.projects[0]) })
		bad("not a judge", "judge_ids", func(in *tours.Input) { *in.JudgeIDs = append(*in.JudgeIDs, e.as("leader").UserID) })
		bad("threshold", "drop_min_judges", func(in *tours.Input) { in.DropMin = ptr(2) })
		bad("criterion max", "criteria.1", func(in *tours.Input) { in.Criteria = &[]tours.Criterion{{Name: "体量", Max: 0}} })
		bad("criterion twice", "criteria.2", func(in *tours.Input) {
			in.Criteria = &[]tours.Criterion{{Name: "体量", Max: 50}, {Name: "体量", Max: 50}}
		})
		bad("no criteria", "criteria", func(in *tours.Input) { in.Criteria = &[]tours.Criterion{} })
		if e.head(t) != head {
			t.Fatal("refused input moved the audit chain")
		}
		// Only managers create.
		_, err := e.s.Create(e.ctx, e.as("leader"), e.input())
		testutil.WantCode(t, err, errs.Forbidden, "")

		// Opening needs projects and judges.
		in := e.input()
		in.ProjectIDs, in.JudgeIDs = nil, nil
		empty, err := e.s.Create(e.ctx, sup, in)
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.s.Open(e.ctx, sup, empty.ID)
		testutil.WantCode(t, err, errs.Validation, "project_ids")

		tr := e.tour(t, true)
		other := e.f.AddUser(t, "judge9", "D", "judge")
		head = e.head(t)
		save := func(who int, project int64, submit bool, vs ...float64) error {
			_, err := e.s.SaveSheet(e.ctx, e.judge(who), tr.ID, project, tours.SheetInput{Points: pts(vs...), Submit: submit})
			return err
		}
		testutil.WantCode(t, save(1, e.projects[0], true, 31, 30, 20, 20), errs.Validation, "points.1")
		testutil.WantCode(t, save(1, e.projects[0], true, 30, -0.5, 20, 20), errs.Validation, "points.2")
		testutil.WantCode(t, save(1, e.projects[0], true, 30, 30, 20.25, 20), errs.Validation, "points.3")
		testutil.WantCode(t, save(1, e.projects[0], false, 30, 30, 20), errs.Validation, "points")
		_, err = e.s.SaveSheet(e.ctx, e.judge(1), tr.ID, e.projects[0], tours.SheetInput{Points: []*float64{nil, nil, nil, nil}, Submit: true})
		testutil.WantCode(t, err, errs.Validation, "points.1")
		// Unknown project, or one not on the route.
		testutil.WantCode(t, save(1, 99999, true, 30, 30, 20, 20), errs.NotFound, "")
		// A judge not on the tour, and someone who is no judge at all.
		_, err = e.s.SaveSheet(e.ctx, other, tr.ID, e.projects[0], tours.SheetInput{Points: pts(30, 30, 20, 20), Submit: true})
		testutil.WantCode(t, err, errs.Forbidden, "")
		_, err = e.s.SaveSheet(e.ctx, e.as("supervisor"), tr.ID, e.projects[0], tours.SheetInput{Points: pts(30, 30, 20, 20), Submit: true})
		testutil.WantCode(t, err, errs.Forbidden, "")
		_, err = e.s.MyTour(e.ctx, other, tr.ID)
		testutil.WantCode(t, err, errs.Forbidden, "")
		if e.head(t) != head || e.f.Count(t, `SELECT COUNT(*) FROM tour_scores`) != 0 {
			t.Fatal("refused scores changed something")
		}
		// The sheet, projects and judges are fixed once scoring starts; the name is not.
		_, err = e.s.Update(e.ctx, sup, tr.ID, tours.Input{Criteria: &[]tours.Criterion{{Name: "体量", Max: 100}}})
		testutil.WantCode(t, err, errs.Conflict, "")
		_, err = e.s.Update(e.ctx, sup, tr.ID, tours.Input{JudgeIDs: &[]int64{e.judges[0]}})
		testutil.WantCode(t, err, errs.Conflict, "")
		if _, err := e.s.Update(e.ctx, sup, tr.ID, tours.Input{Name: ptr("观摩（改名）")}); err != nil {
			t.Fatal(err)
		}
		// Only drafts are deleted; closing twice is a conflict.
		testutil.WantCode(t, e.s.Delete(e.ctx, sup, tr.ID), errs.Conflict, "")
		if err := e.s.Delete(e.ctx, sup, empty.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.Close(e.ctx, sup, tr.ID); err != nil {
			t.Fatal(err)
		}
		_, err = e.s.Close(e.ctx, sup, tr.ID)
		testutil.WantCode(t, err, errs.Conflict, "")
		_, err = e.s.Update(e.ctx, sup, tr.ID, tours.Input{Name: ptr("再改名")})
		testutil.WantCode(t, err, errs.Conflict, "")
	})
}

func TestFindings(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		tr := e.tour(t, true)
		st, err := e.s.SetFindings(e.ctx, e.as("supervisor"), tr.ID, e.projects[2], tours.FindingsInput{Tags: []string{"体量偏小", "建设缓慢", "体量偏小"},
			Findings: "项目体量偏小，主体工程进度滞后于年初计划。"})
		if err != nil || len(st.FindingTags) != 2 || st.Findings == "" {
			t.Fatalf("findings: %v %+v", err, st)
		}
		_, err = e.s.SetFindings(e.ctx, e.as("supervisor"), tr.ID, 99999, tours.FindingsInput{Findings: "x"})
		testutil.WantCode(t, err, errs.NotFound, "")
		_, err = e.s.SetFindings(e.ctx, e.as("supervisor"), tr.ID, e.projects[0], tours.FindingsInput{Tags: []string{"a,b"}})
		testutil.WantCode(t, err, errs.Validation, "tags")
		_, err = e.s.SetFindings(e.ctx, e.judge(1), tr.ID, e.projects[0], tours.FindingsInput{Findings: "x"})
		testutil.WantCode(t, err, errs.Forbidden, "")
		// Judges do not see the office's findings on their page.
		my, err := e.s.MyTour(e.ctx, e.judge(1), tr.ID)
		if err != nil || my.Stops[2].Findings != "" {
			t.Fatalf("judge page: %v", err)
		}
	})
}
