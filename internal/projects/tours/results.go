package tours

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/errs"
	"diaodu/internal/platform/xlsx"
)

// Results ranks the tour's projects from the submitted sheets (see
// scoring.go for the rule), with the averages per town and per
// responsible unit. Once the tour is closed the results are published:
// district and unit roles and the tour's judges read them; before that only
// the supervision office follows them. Judges' names are shown to the
// office only. This is the Go API the evaluation module builds on.
func (s *Service) Results(ctx context.Context, ac *auth.Actor, tourID int64) (*Results, error) {
	if ac == nil {
		return nil, auth.Require(ac, auth.ViewTourResults)
	}
	t, err := s.load(ctx, s.DB.Read, ac, tourID)
	if err != nil {
		return nil, err
	}
	manage := ac.Can(auth.ManageTours)
	if !manage {
		switch {
		case !ac.Can(auth.ViewTourResults) && !(t.OnTour && ac.Can(auth.ScoreTours)):
			if ac.Can(auth.ScoreTours) {
				return nil, notFound
			}
			return nil, errs.ErrForbidden
		case t.Status != StatusClosed:
			if canSee(ac, t) {
				return nil, errs.Conflictf("观摩评分尚未结束，结果暂未发布", "the results are published when the tour closes")
			}
			return nil, notFound
		}
	}
	crit, err := criteriaOf(ctx, s.DB.Read, tourID)
	if err != nil {
		return nil, err
	}
	stops, err := stopsOf(ctx, s.DB.Read, tourID)
	if err != nil {
		return nil, err
	}
	sheets, err := submittedSheets(ctx, s.DB.Read, tourID, manage)
	if err != nil {
		return nil, err
	}
	r := &Results{TourID: t.ID, TourName: t.Name, Date: t.Date.String(), Status: t.Status, Published: t.Status == StatusClosed,
		DropMin: t.DropMin, Criteria: crit, Judges: t.Judges}
	r.Projects = score(crit, stops, sheets, t.DropMin, manage)
	for _, p := range r.Projects {
		r.TotalInvestment += p.Project.TotalInvestment
	}
	r.Towns = groups(r.Projects, func(p Project) Ref { return p.Town })
	r.Units = groups(r.Projects, func(p Project) Ref { return p.Unit })
	return r, nil
}

// submittedSheets reads the counted sheets; judges' names only when asked
// (15 rows of tour_judges rather than a join on every sheet).
func submittedSheets(ctx context.Context, q querier, tourID int64, names bool) ([]sheetRow, error) {
	byJudge := map[int64]string{}
	if names {
		js, err := judgesOf(ctx, q, tourID)
		if err != nil {
			return nil, err
		}
		for _, j := range js {
			byJudge[j.ID] = j.Name
		}
	}
	rows, err := q.QueryContext(ctx, `SELECT project_id, judge_id, points, total FROM tour_scores WHERE tour_id = $1 AND status = 'submitted'`, tourID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []sheetRow
	for rows.Next() {
		var r sheetRow
		var points string
		if err := rows.Scan(&r.ProjectID, &r.JudgeID, &points, &r.Total); err != nil {
			return nil, err
		}
		r.JudgeName = byJudge[r.JudgeID]
		r.Points = make([]int, 0, 6)
		for p := range strings.SplitSeq(points, ",") {
			n, _ := strconv.Atoi(p) // submitted sheets have every point
			r.Points = append(r.Points, n)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// yi shows yuan as 亿元 with two decimals.
func yi(v int64) string { return fmt.Sprintf("%.2f", float64(v)/1e8) }

// handleExport answers the ranked table as xlsx.
func (s *Service) handleExport(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	res, err := s.Results(r.Context(), a, id)
	if err != nil {
		return err
	}
	cols := []xlsx.ExportColumn{{Header: "名次", Width: 6}, {Header: "观摩顺序", Width: 8}, {Header: "项目名称", Width: 30},
		{Header: "所在镇（街道）", Width: 14}, {Header: "责任单位", Width: 18}, {Header: "总投资（亿元）", Width: 12}}
	for _, c := range res.Criteria {
		cols = append(cols, xlsx.ExportColumn{Header: fmt.Sprintf("%s（%d分）", c.Name, c.Max), Width: 12})
	}
	cols = append(cols, xlsx.ExportColumn{Header: "有效评委", Width: 8}, xlsx.ExportColumn{Header: "最高分", Width: 8},
		xlsx.ExportColumn{Header: "最低分", Width: 8}, xlsx.ExportColumn{Header: "去掉最高最低", Width: 10},
		xlsx.ExportColumn{Header: "最后得分", Width: 10}, xlsx.ExportColumn{Header: "发现问题", Width: 40})
	rows := make([][]any, 0, len(res.Projects)+len(res.Towns)+len(res.Units)+4)
	opt := func(p *float64) any {
		if p == nil {
			return ""
		}
		return *p
	}
	for _, p := range res.Projects {
		rank := any("未评分")
		if p.Rank > 0 {
			rank = p.Rank
		}
		row := []any{rank, p.Seq, p.Project.Name, p.Project.Town.Name, p.Project.Unit.Name, yi(p.Project.TotalInvestment)}
		for _, c := range p.Criteria {
			row = append(row, c)
		}
		findings := strings.Join(p.FindingTags, "、")
		if p.Findings != "" {
			findings = strings.TrimPrefix(findings+"；"+p.Findings, "；")
		}
		row = append(row, p.Judges, opt(p.Highest), opt(p.Lowest), p.Dropped, p.Score, findings)
		rows = append(rows, row)
	}
	width := len(cols)
	blank := func(vals ...any) []any {
		row := make([]any, width)
		for i := range row {
			row[i] = ""
		}
		copy(row, vals)
		return row
	}
	for _, g := range []struct {
		title string
		rs    []GroupResult
	}{{"按镇（街道）平均", res.Towns}, {"按责任单位平均", res.Units}} {
		rows = append(rows, blank(), blank("", "", g.title, "项目数", "已评分", "总投资（亿元）", "平均得分"))
		for _, gr := range g.rs {
			rank := any("")
			if gr.Rank > 0 {
				rank = gr.Rank
			}
			rows = append(rows, blank(rank, "", gr.Unit.Name, gr.Projects, gr.Scored, yi(gr.TotalInvestment), gr.Score))
		}
	}
	title := res.TourName + "评分结果（" + res.Date + "）"
	if !res.Published {
		title += "（评分中，未发布）"
	}
	return xlsx.Serve(w, res.TourName+"评分结果", title, cols, rows)
}
