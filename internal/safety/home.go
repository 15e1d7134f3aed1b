package safety

import (
	"context"
	"database/sql"
	"slices"
	"strconv"
	"strings"

	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/db"
	"diaodu/internal/registry"
)

// statRow is one group of the hazard figures: hazards of one industry,
// town, supervising unit, status and level, and how many are overdue.
type statRow struct {
	industry   string
	town, dept int64
	status     string
	level      string
	n, overdue int
}

// summary is the hazard figures in the actor's scope, rolled up.
type summary struct {
	byIndustry, byTown, byDept []GroupStat
	byStatus                   map[string]int
	totals                     GroupStat
}

// summarize counts the hazards in scope (of one campaign when campaignID
// is set) in one grouped scan and rolls the groups up by industry, town
// and department: one pass over 100,000 rows instead of one per figure.
func (s *Service) summarize(ctx context.Context, a *auth.Actor, campaignID int64) (*summary, error) {
	var args db.Args
	today := args.Add(s.today())
	where := scopeSQL(a, "h.town_path", "h.supervising_path", &args)
	if campaignID != 0 {
		where += " AND h.campaign_id = " + args.Add(campaignID)
	}
	// Grouped in the order of the stats indexes, which hold every column
	// read: an index-only scan aggregating as it goes, no sort.
	rows, err := s.DB.Read.QueryContext(ctx, `SELECT h.industry, h.town_id, h.supervising_unit_id, h.status, h.level, COUNT(*),
		SUM(CASE WHEN h.open = TRUE AND h.deadline < `+today+` THEN 1 ELSE 0 END)
		FROM safety_hazards h WHERE `+where+` GROUP BY h.industry, h.town_id, h.supervising_unit_id, h.status, h.level`, args...)
	if err != nil {
		return nil, err
	}
	var stats []statRow
	for rows.Next() {
		var r statRow
		var town, dept sql.NullInt64
		if err := rows.Scan(&r.industry, &town, &dept, &r.status, &r.level, &r.n, &r.overdue); err != nil {
			rows.Close()
			return nil, err
		}
		r.town, r.dept = town.Int64, dept.Int64
		stats = append(stats, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	sum := &summary{byStatus: map[string]int{}, totals: GroupStat{Name: "合计"}}
	ind, town, dept := map[string]*GroupStat{}, map[string]*GroupStat{}, map[string]*GroupStat{}
	add := func(m map[string]*GroupStat, key string, r statRow) {
		g, ok := m[key]
		if !ok {
			g = &GroupStat{Key: key}
			m[key] = g
		}
		count(g, r)
	}
	for _, r := range stats {
		add(ind, r.industry, r)
		add(town, idStr(r.town), r)
		add(dept, idStr(r.dept), r)
		count(&sum.totals, r)
		sum.byStatus[r.status] += r.n
	}
	sum.totals.Rate = rate(sum.totals.Fixed, sum.totals.Found)
	sum.byIndustry = flatten(ind)
	if sum.byTown, err = s.unitStats(ctx, town, "未定镇街"); err != nil {
		return nil, err
	}
	if sum.byDept, err = s.unitStats(ctx, dept, "未定主管部门"); err != nil {
		return nil, err
	}
	return sum, nil
}

func count(g *GroupStat, r statRow) {
	g.Found += r.n
	if r.status == StatusClosed {
		g.Fixed += r.n
	}
	if r.level == LevelMajor {
		g.Major += r.n
	}
	g.Overdue += r.overdue
}

// flatten lists groups by hazards found, most first.
func flatten(m map[string]*GroupStat) []GroupStat {
	out := make([]GroupStat, 0, len(m))
	for _, g := range m {
		g.Rate = rate(g.Fixed, g.Found)
		out = append(out, *g)
	}
	slices.SortFunc(out, func(x, y GroupStat) int {
		if x.Found != y.Found {
			return y.Found - x.Found
		}
		return strings.Compare(x.Key, y.Key)
	})
	return out
}

// unitStats names unit groups and orders them as the org tree does.
func (s *Service) unitStats(ctx context.Context, m map[string]*GroupStat, none string) ([]GroupStat, error) {
	out := flatten(m)
	var args db.Args
	ids := []int64{}
	for _, g := range out {
		if id, _ := strconv.ParseInt(g.Key, 10, 64); id != 0 {
			ids = append(ids, id)
		}
	}
	order := map[string]int{}
	rows, err := s.DB.Read.QueryContext(ctx, `SELECT id, name, sort_order FROM units WHERE id IN (`+inList(&args, ids)+`)`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	names := map[string]string{}
	for rows.Next() {
		var id int64
		var name string
		var so int
		if err := rows.Scan(&id, &name, &so); err != nil {
			return nil, err
		}
		names[idStr(id)], order[idStr(id)] = name, so
	}
	for i := range out {
		if out[i].Name = names[out[i].Key]; out[i].Name == "" {
			out[i].Name, order[out[i].Key] = none, 1<<30
		}
	}
	slices.SortStableFunc(out, func(x, y GroupStat) int { return order[x.Key] - order[y.Key] })
	return out, rows.Err()
}

// Home is the safety home: figures by industry, town and department, the
// overdue list, major hazards, campaign progress and the key-period block.
func (s *Service) Home(ctx context.Context, a *auth.Actor, campaignID int64) (*Home, error) {
	if err := auth.Require(a, auth.ViewSafety); err != nil {
		return nil, err
	}
	h := &Home{ByStatus: map[string]int{}}
	running, err := s.runningCampaigns(ctx)
	if err != nil {
		return nil, err
	}
	// The campaign shown: the one asked for (whose hazards the figures
	// then count), else the latest running one (figures: all hazards).
	shown := campaignID
	if shown == 0 && len(running) > 0 {
		shown = running[0].ID
	}
	if shown != 0 {
		if h.Campaign, err = s.GetCampaign(ctx, a, shown); err != nil {
			return nil, err
		}
	}
	for i := range running {
		if running[i].ID == shown {
			// Already counted for the campaign shown.
			running[i].Status, running[i].Progress = h.Campaign.Status, h.Campaign.Progress
			running[i].IndustryNames, running[i].UnitNames = h.Campaign.IndustryNames, h.Campaign.UnitNames
		} else if err := s.fillCampaign(ctx, a, &running[i], false); err != nil {
			return nil, err
		}
	}
	h.Campaigns = running
	inds, err := s.Registry.Industries(ctx)
	if err != nil {
		return nil, err
	}
	st, err := s.settings.Get(ctx, s.DB.Read)
	if err != nil {
		return nil, err
	}
	today := s.today()
	kp := st.KeyPeriod
	active := kp.Name != "" && !kp.From.IsZero() && !today.Before(kp.From) && !today.After(kp.To)
	sum, err := s.summarize(ctx, a, campaignID)
	if err != nil {
		return nil, err
	}
	h.ByIndustry, h.ByTown, h.ByDepartment, h.ByStatus, h.Totals = sum.byIndustry, sum.byTown, sum.byDept, sum.byStatus, sum.totals
	for i := range h.ByIndustry {
		g := &h.ByIndustry[i]
		g.Name = registry.IndustryName(inds, g.Key)
		g.Key1st = active && slices.Contains(kp.Industries, g.Key)
	}
	// Key industries first while a key period runs, then by hazards found.
	slices.SortStableFunc(h.ByIndustry, func(x, y GroupStat) int {
		if x.Key1st != y.Key1st {
			if x.Key1st {
				return -1
			}
			return 1
		}
		return y.Found - x.Found
	})
	overdue := HazardFilter{CampaignID: campaignID, Overdue: ptr(true)}
	if h.Overdue, err = s.top(ctx, a, overdue, "deadline", 20); err != nil {
		return nil, err
	}
	major := HazardFilter{CampaignID: campaignID, Level: LevelMajor, Statuses: []string{StatusPending, StatusRectifying, StatusVerifying}}
	if h.Major, err = s.top(ctx, a, major, "deadline", 20); err != nil {
		return nil, err
	}
	var args db.Args
	where := scopeSQL(a, "s.town_path", "s.supervising_path", &args)
	if err := s.DB.Read.QueryRowContext(ctx, `SELECT COUNT(*) FROM safety_suspensions s WHERE s.status = 'active' AND `+where, args...).
		Scan(&h.Suspensions); err != nil {
		return nil, err
	}
	if active {
		kb := &KeyBlock{KeyPeriod: kp, Stats: []GroupStat{}, Overdue: []Hazard{}}
		for _, code := range kp.Industries {
			kb.IndustryNames = append(kb.IndustryNames, registry.IndustryName(inds, code))
			g := GroupStat{Key: code, Name: registry.IndustryName(inds, code), Key1st: true}
			for _, x := range h.ByIndustry {
				if x.Key == code {
					g = x
				}
			}
			kb.Stats = append(kb.Stats, g)
			more, err := s.top(ctx, a, HazardFilter{CampaignID: campaignID, Industry: code, Overdue: ptr(true)}, "deadline", 10)
			if err != nil {
				return nil, err
			}
			kb.Overdue = append(kb.Overdue, more...)
		}
		if len(kb.Overdue) > 10 {
			kb.Overdue = kb.Overdue[:10]
		}
		h.KeyPeriod = kb
	}
	return h, nil
}

func (s *Service) top(ctx context.Context, a *auth.Actor, f HazardFilter, sort string, n int) ([]Hazard, error) {
	out, _, err := s.ListHazards(ctx, a, f, pageOf(sort, n))
	return out, err
}

func ptr[T any](v T) *T { return &v }
