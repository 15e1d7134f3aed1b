package tours

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/errs"
)

// judging checks that the actor judges this tour and that it is scoring
// (or, for reading, scoring or closed).
func (s *Service) judging(ctx context.Context, q querier, ac *auth.Actor, id int64, write bool) (*Tour, error) {
	if err := auth.Require(ac, auth.ScoreTours); err != nil {
		return nil, err
	}
	t, err := s.load(ctx, q, ac, id)
	if err != nil {
		return nil, err
	}
	switch {
	case !t.OnTour:
		return nil, notJudge
	case t.Status == StatusDraft:
		return nil, notStarted
	case write && t.Status == StatusClosed:
		return nil, closedForAll
	}
	return t, nil
}

// MyTour is the judge's page: the route in order with their own marks.
func (s *Service) MyTour(ctx context.Context, ac *auth.Actor, id int64) (*MyTour, error) {
	t, err := s.judging(ctx, s.DB.R, ac, id, false)
	if err != nil {
		return nil, err
	}
	out := &MyTour{Tour: *t}
	if out.Criteria, err = criteriaOf(ctx, s.DB.R, id); err != nil {
		return nil, err
	}
	if out.Stops, err = stopsOf(ctx, s.DB.R, id); err != nil {
		return nil, err
	}
	if err := s.markMine(ctx, ac, id, out.Stops); err != nil {
		return nil, err
	}
	for i := range out.Stops {
		out.Stops[i].FindingTags, out.Stops[i].Findings = []string{}, "" // the office's findings are not the judges' business
		if out.Stops[i].MySheet == SheetSubmitted {
			out.Submitted++
		}
	}
	out.SheetsTotal = len(out.Stops)
	return out, nil
}

// sheetOf reads the judge's sheet for one project (empty when not started).
func (s *Service) sheetOf(ctx context.Context, q querier, t *Tour, judgeID, projectID int64) (*Sheet, error) {
	stops, err := stopsOf(ctx, q, t.ID)
	if err != nil {
		return nil, err
	}
	sh := &Sheet{TourID: t.ID, TourName: t.Name, TourStatus: t.Status, Stops: len(stops)}
	for i, st := range stops {
		if st.Project.ID != projectID {
			continue
		}
		sh.Project, sh.Seq = st.Project, st.Seq
		if i > 0 {
			sh.PrevID = stops[i-1].Project.ID
		}
		if i+1 < len(stops) {
			sh.NextID = stops[i+1].Project.ID
		}
	}
	if sh.Seq == 0 {
		return nil, notOnRoute
	}
	if sh.Criteria, err = criteriaOf(ctx, q, t.ID); err != nil {
		return nil, err
	}
	sh.Points = make([]*float64, len(sh.Criteria))
	var points, status, comment string
	var total int64
	var submitted sql.NullTime
	var updated time.Time
	err = q.QueryRowContext(ctx, `SELECT points, total, status, comment, submitted_at, updated_at FROM tour_scores
		WHERE tour_id = $1 AND project_id = $2 AND judge_id = $3`, t.ID, projectID, judgeID).Scan(&points, &total, &status, &comment, &submitted, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return sh, nil
	}
	if err != nil {
		return nil, err
	}
	for i, p := range strings.Split(points, ",") {
		if p == "" || i >= len(sh.Points) {
			continue
		}
		n, err := strconv.ParseInt(p, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("tour score points %q: %w", points, err)
		}
		v := tenths(n)
		sh.Points[i] = &v
	}
	sh.Total, sh.Status, sh.Comment, sh.UpdatedAt = tenths(total), status, comment, &updated
	if submitted.Valid {
		sh.SubmittedAt = &submitted.Time
	}
	return sh, nil
}

// MySheet returns the judge's own sheet for a project on the route.
func (s *Service) MySheet(ctx context.Context, ac *auth.Actor, id, projectID int64) (*Sheet, error) {
	t, err := s.judging(ctx, s.DB.R, ac, id, false)
	if err != nil {
		return nil, err
	}
	return s.sheetOf(ctx, s.DB.R, t, ac.UserID, projectID)
}

// parsePoints checks the points against the sheet: one value per
// criterion, from 0 to its maximum, at most one decimal; all of them to
// submit. It returns the points in tenths (-1: not filled) and the total.
func parsePoints(criteria []Criterion, in []*float64, submit bool) ([]int, int, error) {
	f := errs.Fields{}
	if len(in) != len(criteria) {
		f.Add("points", fmt.Sprintf("评分表有%d项，应填写%d个分数", len(criteria), len(criteria)),
			fmt.Sprintf("the sheet has %d criteria; send %d points", len(criteria), len(criteria)))
		return nil, 0, f.Err()
	}
	out := make([]int, len(in))
	total := 0
	for i, c := range criteria {
		field := fmt.Sprintf("points.%d", c.Seq)
		v := in[i]
		out[i] = -1
		switch {
		case v == nil:
			if submit {
				f.Add(field, "请填写“"+c.Name+"”的得分", "score "+c.Name)
			}
		case math.IsNaN(*v) || *v < 0:
			f.Add(field, "“"+c.Name+"”的得分不能为负数", c.Name+" may not be negative")
		case *v > float64(c.Max):
			f.Add(field, fmt.Sprintf("“%s”的得分不能超过满分%d分", c.Name, c.Max), fmt.Sprintf("%s may not exceed its maximum of %d", c.Name, c.Max))
		case math.Abs(*v*10-math.Round(*v*10)) > 1e-6:
			f.Add(field, "“"+c.Name+"”的得分最多保留一位小数", c.Name+" takes at most one decimal")
		default:
			out[i] = int(math.Round(*v * 10))
			total += out[i]
		}
	}
	return out, total, f.Err()
}

func joinPoints(ps []int) string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		if p >= 0 {
			parts[i] = strconv.Itoa(p)
		}
	}
	return strings.Join(parts, ",")
}

// SaveSheet saves the judge's sheet for a project: a draft, or submitted
// (counted in the results). A submitted sheet may be corrected and
// submitted again while the tour is open, not turned back into a draft.
func (s *Service) SaveSheet(ctx context.Context, ac *auth.Actor, id, projectID int64, in SheetInput) (*Sheet, error) {
	if err := auth.Require(ac, auth.ScoreTours); err != nil {
		return nil, err
	}
	in.Comment = strings.TrimSpace(in.Comment)
	if utf8.RuneCountInString(in.Comment) > 500 {
		f := errs.Fields{}
		f.Add("comment", "评语不能超过500个字", "comment may not exceed 500 characters")
		return nil, f.Err()
	}
	var out *Sheet
	err := s.Audit.Write(ctx, ac, func(w *audit.W) error {
		t, err := s.judging(ctx, w, ac, id, true)
		if err != nil {
			return err
		}
		cur, err := s.sheetOf(ctx, w, t, ac.UserID, projectID)
		if err != nil {
			return err
		}
		points, total, err := parsePoints(cur.Criteria, in.Points, in.Submit)
		if err != nil {
			return err
		}
		if cur.Status == SheetSubmitted && !in.Submit {
			return errs.Conflictf("该项目的评分已提交，修改后请再次提交", "this sheet was submitted; correct it and submit again")
		}
		status := SheetDraft
		var submittedAt any
		if in.Submit {
			status, submittedAt = SheetSubmitted, w.Now()
		}
		if _, err := w.ExecContext(ctx, `INSERT INTO tour_scores (tour_id, project_id, judge_id, points, total, status, comment, submitted_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
			ON CONFLICT (tour_id, project_id, judge_id) DO UPDATE SET points = excluded.points, total = excluded.total,
			status = excluded.status, comment = excluded.comment, submitted_at = excluded.submitted_at, updated_at = excluded.updated_at`,
			id, projectID, ac.UserID, joinPoints(points), total, status, in.Comment, submittedAt, w.Now()); err != nil {
			return err
		}
		verb := "暂存"
		if in.Submit {
			verb = "提交"
		}
		if out, err = s.sheetOf(ctx, w, t, ac.UserID, projectID); err != nil {
			return err
		}
		return w.Record(audit.Entry{Action: "tour.score", ObjectType: "tour", ObjectID: strconv.FormatInt(id, 10),
			Summary: fmt.Sprintf("评委为观摩项目“%s”%s评分 %.1f 分", cur.Project.Name, verb, tenths(int64(total))),
			Before:  map[string]any{"status": cur.Status, "points": cur.Points}, After: map[string]any{"project_id": projectID, "status": status, "points": out.Points}})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
