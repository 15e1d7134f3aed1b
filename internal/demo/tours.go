package demo

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"diaodu/internal/app"
	"diaodu/internal/org"
	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/calendar"
	"diaodu/internal/platform/clock"
	"diaodu/internal/projects/tours"
)

// TourJudges are the demo's observation-tour judges (观摩评委), pw01–pw07,
// created through the org service with the demo password.
var TourJudges = []string{"pw01", "pw02", "pw03", "pw04", "pw05", "pw06", "pw07"}

var judgeNames = []string{"区人大代表 周明", "区政协委员 陈静", "区发改局 刘建华", "区统计局 王芳", "区工信局 赵磊", "区住建局 孙涛", "镇街代表 李娜"}

// Tours builds the observation tours on the demo district (after the key
// projects): the 7 judges, last month's tour of 9 projects — the largest
// park among them — scored by all 7, closed and ranked, with findings on
// the weakest; and an open tour of 3 projects for pw01–pw03 to score
// (the browser test does). It replays on its own App whose clock it sets
// to each moment, so the history reads as it happened. Without key
// projects it does nothing.
func Tours(ctx context.Context, served *app.App) error {
	now := served.Clock.Now()
	var ids []int64
	rows, err := served.DB.R.QueryContext(ctx, `SELECT id, town_id FROM projects ORDER BY total_investment DESC, id`)
	if err != nil {
		return err
	}
	// The largest project first (the park), then one a town, largest first.
	seen := map[int64]bool{}
	var rest []int64
	for rows.Next() {
		var id, town int64
		if err := rows.Scan(&id, &town); err != nil {
			rows.Close()
			return err
		}
		if len(ids) < 9 && !seen[town] {
			seen[town] = true
			ids = append(ids, id)
		} else {
			rest = append(rest, id)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for len(ids) < 9 && len(rest) > 0 {
		ids, rest = append(ids, rest[0]), rest[1:]
	}
	if len(ids) < 4 {
		return nil
	}
	clk := &clock.Fixed{T: now.AddDate(0, 0, -40)}
	sim, err := app.Wire(served.Cfg, served.DB, clk)
	if err != nil {
		return err
	}
	admin, err := sim.Account.ActorFor(ctx, "admin")
	if err != nil {
		return err
	}
	var district int64
	if err := sim.DB.R.QueryRowContext(ctx, `SELECT id FROM units WHERE parent_id IS NULL ORDER BY id LIMIT 1`).Scan(&district); err != nil {
		return err
	}
	judges := make([]*auth.Actor, len(TourJudges))
	judgeIDs := make([]int64, len(TourJudges))
	pw := Password
	for i, username := range TourJudges {
		name, pos, roles := judgeNames[i], "观摩评委", []string{string(auth.Judge)}
		u, _, err := sim.Org.CreateUser(ctx, admin, org.UserInput{Username: &username, RealName: &name, UnitID: &district,
			Position: &pos, Roles: &roles, Password: &pw})
		if err != nil {
			return fmt.Errorf("judge %s: %w", username, err)
		}
		judgeIDs[i] = u.ID
	}
	// Demo accounts sign in without the forced first change, like the others.
	if err := sim.Audit.Write(ctx, admin, func(w *audit.W) error {
		for _, id := range judgeIDs {
			if _, err := w.ExecContext(ctx, `UPDATE users SET must_change_password = FALSE WHERE id = $1`, id); err != nil {
				return err
			}
		}
		return w.Record(audit.Entry{Action: "demo.tours", ObjectType: "district", ObjectID: "1", Summary: "演示：观摩评委账号 pw01–pw07 免首次改密"})
	}); err != nil {
		return err
	}
	for i, username := range TourJudges {
		if judges[i], err = sim.Account.ActorFor(ctx, username); err != nil {
			return err
		}
	}
	office, err := sim.Account.ActorFor(ctx, "ducha")
	if err != nil {
		return err
	}

	// Last month's tour: prepared a week ahead, scored on the day, closed that evening.
	day := calendar.DateOf(now).AddDays(-30)
	name := fmt.Sprintf("%d年%d月重点项目观摩评比", day.Year(), day.Month())
	route := "08:00 区政府广场集合乘车 → 各镇（街道）重点项目现场 → 17:30 区行政中心三楼会议室讲评"
	t, err := sim.Tours.Create(ctx, office, tours.Input{Name: &name, Date: &day, Route: &route, ProjectIDs: &ids, JudgeIDs: &judgeIDs})
	if err != nil {
		return fmt.Errorf("demo tour: %w", err)
	}
	clk.T = day.At(7, 40)
	if _, err := sim.Tours.Open(ctx, office, t.ID); err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(20, 26))
	// Each project has a quality per criterion; the park leads on volume.
	// Judge 6 is strict and judge 7 generous, so the dropped extremes matter.
	bias := []float64{0, 0.01, -0.01, 0.02, -0.02, -0.08, 0.07}
	for si, st := range t.Stops {
		clk.T = day.At(9+si*8/10, (si*47)%60)
		quality := make([]float64, len(t.Criteria))
		for k := range quality {
			quality[k] = 0.55 + rng.Float64()*0.4
		}
		if si == 0 {
			quality[0] = 0.97
		}
		for j, judge := range judges {
			pts := make([]*float64, len(t.Criteria))
			for k, c := range t.Criteria {
				v := (quality[k] + bias[j] + (rng.Float64()-0.5)*0.08) * float64(c.Max)
				v = math.Max(0, math.Min(float64(c.Max), math.Round(v*2)/2))
				pts[k] = &v
			}
			if _, err := sim.Tours.SaveSheet(ctx, judge, t.ID, st.Project.ID, tours.SheetInput{Points: pts, Submit: true}); err != nil {
				return fmt.Errorf("demo score: %w", err)
			}
		}
	}
	clk.T = day.At(18, 10)
	closed, err := sim.Tours.Close(ctx, office, t.ID)
	if err != nil {
		return err
	}
	res, err := sim.Tours.Results(ctx, office, closed.ID)
	if err != nil {
		return err
	}
	clk.T = day.At(18, 40)
	findings := []tours.FindingsInput{
		{Tags: []string{"建设缓慢"}, Findings: "主体工程进度滞后于年初计划，施工人员和机械投入不足，需倒排工期加快推进。"},
		{Tags: []string{"形象进度差"}, Findings: "现场形象进度与上报投资不匹配，围挡和场地整治不到位。"},
		{Tags: []string{"体量偏小"}, Findings: "项目投资体量偏小，带动作用有限，建议谋划二期扩能。"},
	}
	for i := 0; i < len(findings) && i < len(res.Projects); i++ {
		p := res.Projects[len(res.Projects)-1-i]
		if _, err := sim.Tours.SetFindings(ctx, office, t.ID, p.Project.ID, findings[i]); err != nil {
			return err
		}
	}
	if top := res.Projects[0]; top.Rank == 1 {
		if _, err := sim.Tours.SetFindings(ctx, office, t.ID, top.Project.ID, tours.FindingsInput{Tags: []string{"亮点突出"},
			Findings: "项目建设快、形象好，设备已进场调试，可作为全区观摩样板。"}); err != nil {
			return err
		}
	}

	// This month's tour, open for pw01–pw03 to score.
	clk.T = now.Add(-2 * time.Hour)
	today := calendar.DateOf(now)
	name2 := fmt.Sprintf("%d年%d月重点项目现场观摩", today.Year(), today.Month())
	route2 := "08:30 区政府广场集合 → 三个重点项目现场 → 12:00 返回"
	open := []int64{ids[len(ids)-1], ids[len(ids)-2], ids[len(ids)-3]}
	t2, err := sim.Tours.Create(ctx, office, tours.Input{Name: &name2, Date: &today, Route: &route2, ProjectIDs: &open, JudgeIDs: &[]int64{judgeIDs[0], judgeIDs[1], judgeIDs[2]}})
	if err != nil {
		return err
	}
	clk.T = now.Add(-time.Hour)
	_, err = sim.Tours.Open(ctx, office, t2.ID)
	return err
}
