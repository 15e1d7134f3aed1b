package demo

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"diaodu/internal/app"
	"diaodu/internal/fire/patrol"
	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/calendar"
	"diaodu/internal/platform/db"
)

// demoVillage is a key fire village of the demo with its field worker.
type demoVillage struct {
	id, town   int64
	post, user int64 // its first post, its village worker
	path       string
	field      string // username of its village worker
	lat, lng   float64
}

// Patrol fills the field side of fire prevention: a riding squad per town,
// two key villages per town with posts (some below their minimum of
// patrollers), three weeks of patrols with routes around the villages and
// village broadcasts (bulk-copied), today's patrols in 青石镇 (one still on),
// one fire report with its response timeline, and responsibility checks on
// the towns (one overdue). Deterministic (seeded).
func Patrol(ctx context.Context, served *app.App) error {
	s := served.Patrol
	rng := rand.New(rand.NewPCG(2026, 18))
	ducha, err := served.Account.ActorFor(ctx, "ducha")
	if err != nil {
		return err
	}
	now := served.Clock.Now().UTC()
	today := calendar.DateOf(now)
	type town struct {
		id   int64
		code string
	}
	var towns []town
	rows, err := served.DB.R.QueryContext(ctx, `SELECT id, code FROM units WHERE kind = 'town' ORDER BY sort_order, id`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var t town
		if err := rows.Scan(&t.id, &t.code); err != nil {
			rows.Close()
			return err
		}
		towns = append(towns, t)
	}
	rows.Close()
	var keys []demoVillage
	for ti, t := range towns {
		var vids []int64
		if err := queryIDs(ctx, served, `SELECT id FROM units WHERE parent_id = $1 AND kind = 'village' ORDER BY sort_order, id LIMIT 3`, &vids, t.id); err != nil {
			return err
		}
		if len(vids) == 0 {
			continue
		}
		if _, err := s.SaveSquad(ctx, ducha, 0, patrol.SquadInput{Name: fmt.Sprintf("%s骑巡小分队", townName(ctx, served, t.id)), Kind: "摩托车+小红旗 骑巡",
			UnitID: t.id, Members: []patrol.Member{{Name: personNameOf(rng)}, {Name: personNameOf(rng)}, {Name: personNameOf(rng)}, {Name: personNameOf(rng)}},
			AreaIDs: vids}); err != nil {
			return fmt.Errorf("squad: %w", err)
		}
		for vi, vid := range vids[:min(2, len(vids))] {
			v := demoVillage{id: vid, town: t.id, lat: 25.02 + 0.09*float64(ti%4) + 0.03*float64(vi), lng: 102.62 + 0.1*float64(ti/4) + 0.03*float64(vi)}
			if err := served.DB.R.QueryRowContext(ctx, `SELECT u.path, COALESCE(us.username, ''), COALESCE(us.id, 0) FROM units u
				LEFT JOIN users us ON us.id = (SELECT MIN(id) FROM users WHERE unit_id = u.id) WHERE u.id = $1`, vid).Scan(&v.path, &v.field, &v.user); err != nil {
				return err
			}
			// Posts: the first village of every third town is short of patrollers.
			posts := []struct {
				name string
				n    int
			}{{"护林防火公益岗（东片）", 2 + rng.IntN(2)}, {"进山路口值守点", 2}}
			if vi == 0 && ti%3 == 1 {
				posts[0].n = 1
			}
			for pi, p := range posts[:1+vi%2] {
				ms := make([]patrol.Member, p.n)
				for i := range ms {
					ms[i] = patrol.Member{Name: personNameOf(rng)}
				}
				post, err := s.SavePost(ctx, ducha, 0, patrol.PostInput{VillageID: vid, Name: p.name, Patrollers: ms})
				if err != nil {
					return fmt.Errorf("post %d: %w", pi, err)
				}
				if v.post == 0 {
					v.post = post.ID
				}
			}
			keys = append(keys, v)
		}
	}
	if err := patrolHistory(ctx, served, rng, keys, today); err != nil {
		return err
	}
	if err := patrolToday(ctx, served, rng, keys, now); err != nil {
		return err
	}
	if len(keys) == 0 {
		return nil
	}
	// One fire report with its timeline, three days ago.
	fv := keys[min(3, len(keys)-1)]
	at := now.Add(-3*24*time.Hour - 5*time.Hour).Truncate(time.Minute)
	r, err := s.CreateReport(ctx, ducha, patrol.ReportInput{OccurredAt: &at, UnitID: fv.id, Place: "后山松林坡脚（进山路口东侧约300米）",
		Lat: ptrTo(fv.lat + 0.004), Lng: ptrTo(fv.lng + 0.006), Cause: "村民上坟烧纸引燃杂草", AreaHa: 0.8,
		Losses: "无人员伤亡；过火林地约0.8公顷，主要为灌木和杂草，未造成重大经济损失。"})
	if err != nil {
		return fmt.Errorf("fire report: %w", err)
	}
	for _, e := range []struct {
		min  int
		kind string
		note string
	}{{12, "dispatched", "镇专业扑火队12人、村应急分队8人出动"}, {35, "arrived", "扑火队到达火场，组织风力灭火机扑打"},
		{95, "controlled", "火势得到控制，明火基本扑灭"}, {150, "out", "余火全部清理完毕，留守3人看守火场"}} {
		t := at.Add(time.Duration(e.min) * time.Minute)
		if _, err := s.AddEvent(ctx, ducha, r.ID, patrol.EventInput{At: &t, Kind: e.kind, Note: e.note}); err != nil {
			return fmt.Errorf("fire event: %w", err)
		}
	}
	// Responsibility checks by the natural-resources branch.
	findings := []string{"", "巡查台账记录不全，部分村未落实每日巡查", "重点路口未设置防火检查站", "", "村村响广播未按预警要求每日3次"}
	for i, t := range towns[:min(5, len(towns))] {
		in := patrol.CheckInput{TownID: t.id, CheckedOn: today.AddDays(-2 - i).String(), Checker: "区自然资源局（林草分局）",
			Items: "森林防火责任制落实、巡山护林、进山路口值守、野外用火管控、宣传教育", Findings: findings[i]}
		if findings[i] != "" {
			in.FixBy = today.AddDays(3 + i).String()
		}
		c, err := s.CreateCheck(ctx, ducha, in)
		if err != nil {
			return fmt.Errorf("check: %w", err)
		}
		if i == 4 {
			if _, err := s.FixCheck(ctx, ducha, c.ID, patrol.FixInput{FixedOn: today.String(), Note: "已调整广播时段，每日早中晚3次"}); err != nil {
				return err
			}
		}
	}
	// An older check whose deadline has passed (recorded weeks ago).
	if len(towns) > 5 {
		err = served.Audit.Write(ctx, ducha, func(w *audit.W) error {
			var path string
			if err := w.QueryRowContext(ctx, `SELECT path FROM units WHERE id = $1`, towns[5].id).Scan(&path); err != nil {
				return err
			}
			if _, err := w.ExecContext(ctx, `INSERT INTO fire_checks (town_id, unit_path, checked_on, checker, items, findings, fix_by, created_at, updated_at)
				VALUES ($1, $2, $3, '区自然资源局（林草分局）', '防火物资储备、扑火队伍建设', '扑火机具数量不足，2台风力灭火机故障', $4, $5, $5)`,
				towns[5].id, path, today.AddDays(-21).String(), today.AddDays(-4).String(), w.Now()); err != nil {
				return err
			}
			return w.Record(audit.Entry{Action: "fire.check.create", ObjectType: "fire_check", ObjectID: "demo", UnitID: towns[5].id, Summary: "演示数据：逾期未整改的责任落实检查"})
		})
		if err != nil {
			return err
		}
	}
	_, err = s.RecomputeLights(ctx, now)
	return err
}

func townName(ctx context.Context, a *app.App, id int64) string {
	var n string
	_ = a.DB.R.QueryRowContext(ctx, `SELECT name FROM units WHERE id = $1`, id).Scan(&n)
	return n
}

// loop is a patrol route: a wobbly loop of n points around a village, one a minute or two from start.
func loop(rng *rand.Rand, v demoVillage, start time.Time, n int) []patrol.Point {
	r := 0.006 + 0.006*rng.Float64()
	phase := rng.Float64() * 2 * math.Pi
	pts := make([]patrol.Point, n)
	at := start
	for i := range pts {
		a := phase + 2*math.Pi*float64(i)/float64(n-1)
		k := r * (0.8 + 0.4*rng.Float64())
		pts[i] = patrol.Point{At: at, Lat: v.lat + k*math.Sin(a), Lng: v.lng + k*math.Cos(a)*1.1}
		at = at.Add(time.Duration(60+rng.IntN(90)) * time.Second)
	}
	return pts
}

// patrolHistory bulk-copies 20 days of patrols (with routes) and broadcasts in the key villages.
func patrolHistory(ctx context.Context, served *app.App, rng *rand.Rand, keys []demoVillage, today calendar.Date) error {
	if len(keys) == 0 {
		return nil
	}
	var patrols, points, casts [][]any
	var entries []audit.Entry
	type pending struct {
		v   demoVillage
		pts []patrol.Point
	}
	var ps []pending
	for d := 20; d >= 1; d-- {
		day := today.AddDays(-d)
		for _, v := range keys {
			for n := rng.IntN(3); n > 0; n-- {
				start := day.At(8+rng.IntN(8), rng.IntN(60)).UTC()
				ps = append(ps, pending{v, loop(rng, v, start, 25+rng.IntN(25))})
			}
			if rng.IntN(10) < 8 {
				times := []string{"07:30", "12:00", "18:30"}[:1+rng.IntN(3)]
				casts = append(casts, []any{v.id, v.path, v.town, day.String(), strings.Join(times, ","), len(times),
					"森林防火，人人有责。当前森林火险等级较高，严禁野外用火，文明祭祀，发现火情请拨打12119。", day.At(7, 30).UTC()})
			}
		}
	}
	return served.Audit.Write(ctx, auth.System("demo"), func(w *audit.W) error {
		ids, err := w.NextIDs(ctx, "fire_patrols", len(ps))
		if err != nil {
			return err
		}
		for i, p := range ps {
			first, last := p.pts[0], p.pts[len(p.pts)-1]
			end := last.At.Add(2 * time.Minute)
			patrols = append(patrols, []any{ids[i], db.NullID(p.v.post), p.v.id, p.v.path, p.v.town, calendar.DateOf(first.At).String(), first.At, end, len(p.pts),
				patrol.RouteDistance(p.pts), last.Lat, last.Lng, last.At, db.NullID(p.v.user), end, end})
			for _, pt := range p.pts {
				points = append(points, []any{ids[i], pt.At, pt.Lat, pt.Lng})
			}
			entries = append(entries, audit.Entry{Action: "fire.patrol.start", ObjectType: "fire_patrol", ObjectID: fmt.Sprint(ids[i]), UnitID: p.v.id,
				Summary: "演示数据：巡查记录"})
		}
		if _, err := w.CopyFrom(ctx, "fire_patrols", []string{"id", "post_id", "unit_id", "unit_path", "town_id", "on_day", "started_at", "ended_at",
			"point_count", "distance_m", "last_lat", "last_lng", "last_at", "created_by", "created_at", "updated_at"}, patrols); err != nil {
			return err
		}
		if _, err := w.CopyFrom(ctx, "fire_patrol_points", []string{"patrol_id", "at", "lat", "lng"}, points); err != nil {
			return err
		}
		if _, err := w.CopyFrom(ctx, "fire_broadcasts", []string{"village_id", "unit_path", "town_id", "on_day", "times", "times_count", "content",
			"created_at"}, casts); err != nil {
			return err
		}
		return w.RecordMany(append(entries, audit.Entry{Action: "fire.broadcast", ObjectType: "fire_broadcast", ObjectID: "demo",
			Summary: fmt.Sprintf("演示数据：%d条村村响广播记录", len(casts))}))
	})
}

// patrolToday records today's patrols in 青石镇's key villages through the
// service as their village workers: two ended, one still on.
func patrolToday(ctx context.Context, served *app.App, rng *rand.Rand, keys []demoVillage, now time.Time) error {
	s := served.Patrol
	for i, v := range keys[:min(4, len(keys))] {
		if v.field == "" {
			continue
		}
		a, err := served.Account.ActorFor(ctx, v.field)
		if err != nil {
			return err
		}
		vs, err := s.ListVillages(ctx, a)
		if err != nil || len(vs) == 0 || len(vs[0].Posts) == 0 {
			return err
		}
		start := now.Add(-time.Duration(90+30*i) * time.Minute)
		p, _, err := s.CreatePatrol(ctx, a, patrol.PatrolInput{PostID: vs[0].Posts[0].ID, StartedAt: &start})
		if err != nil {
			return fmt.Errorf("today's patrol: %w", err)
		}
		pts := loop(rng, v, start.Add(time.Minute), 30)
		for j := range pts { // keep the points before now
			if pts[j].At.After(now) {
				pts = pts[:j]
				break
			}
		}
		if _, _, err := s.AddPoints(ctx, a, fmt.Sprint(p.ID), patrol.PointsInput{Points: pts}); err != nil {
			return fmt.Errorf("today's route: %w", err)
		}
		if i == 0 {
			if _, _, err := s.AddFinding(ctx, a, fmt.Sprint(p.ID), patrol.FindingInput{Kind: "open_burning", Note: "田边有村民焚烧秸秆，已当场劝阻并扑灭",
				Lat: &pts[len(pts)/2].Lat, Lng: &pts[len(pts)/2].Lng}); err != nil {
				return err
			}
		}
		if i != 1 { // the second stays on
			if _, err := s.EndPatrol(ctx, a, fmt.Sprint(p.ID), patrol.EndInput{}); err != nil {
				return err
			}
		}
	}
	return nil
}
