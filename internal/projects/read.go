package projects

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"

	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/db"
)

// projectSelect reads a ledger row; scanProject reads it with the paths
// scope checks need.
const projectSelect = `SELECT p.id, p.name, p.code, p.category, p.chain_id, COALESCE(c.name, ''), p.town_id, t.name, p.unit_id, u.name,
	p.enterprise_id, COALESCE(e.name, ''), COALESCE(e.credit_code, ''), p.owner_name, p.leader_user_id, COALESCE(l.real_name, ''), p.lead_id,
	p.address, p.lat, p.lng, p.total_investment, p.year_plan_investment, p.plan_year, p.month_plan, p.start_on, p.end_on, p.phase,
	p.contact_name, p.contact_phone, p.description, p.invest_cum, p.year_actual, p.year_planned, p.pace, p.light, p.light_reason,
	p.light_since, p.last_report_month, p.report_missing, p.started, p.created_at, p.updated_at, p.town_path, p.unit_path
	FROM projects p JOIN units t ON t.id = p.town_id JOIN units u ON u.id = p.unit_id
	LEFT JOIN industrial_chains c ON c.id = p.chain_id LEFT JOIN enterprises e ON e.id = p.enterprise_id
	LEFT JOIN users l ON l.id = p.leader_user_id`

// row is a project as read, with its scope paths.
type row struct {
	Project
	TownPath, UnitPath string
	UnitID             int64
}

func scanProject(sc interface{ Scan(...any) error }) (*row, error) {
	var r row
	p := &r.Project
	var chain, ent, leader, lead sql.NullInt64
	var chainName, entName, leaderName, mp string
	var lat, lng sql.NullFloat64
	var since nullTime
	if err := sc.Scan(&p.ID, &p.Name, &p.Code, &p.Category, &chain, &chainName, &p.Town.ID, &p.Town.Name, &p.Unit.ID, &p.Unit.Name,
		&ent, &entName, &p.CreditCode, &p.OwnerName, &leader, &leaderName, &lead, &p.Address, &lat, &lng, &p.TotalInvestment,
		&p.YearPlanInvestment, &p.PlanYear, &mp, &p.StartOn, &p.EndOn, &p.Phase, &p.ContactName, &p.ContactPhone, &p.Description,
		&p.InvestCum, &p.YearActual, &p.YearPlanned, &p.Pace, &p.Light, &p.LightReason, &since, &p.LastReportMonth, &p.ReportMissing,
		&p.Started, &p.CreatedAt, &p.UpdatedAt, &r.TownPath, &r.UnitPath); err != nil {
		return nil, err
	}
	if chain.Valid {
		p.Chain = &Ref{ID: chain.Int64, Name: chainName}
	}
	if ent.Valid {
		p.Enterprise = &Ref{ID: ent.Int64, Name: entName}
		if p.OwnerName == "" {
			p.OwnerName = entName
		}
	}
	if leader.Valid {
		p.Leader = &Ref{ID: leader.Int64, Name: leaderName}
	}
	if lead.Valid {
		v := lead.Int64
		p.LeadID = &v
	}
	p.Lat, p.Lng, p.LightSince = floatPtr(lat), floatPtr(lng), since.Ptr()
	var custom []int64
	if mp != "" && json.Unmarshal([]byte(mp), &custom) == nil && len(custom) == 12 {
		p.MonthPlan, p.CustomMonthPlan = custom, true
	} else {
		p.MonthPlan = evenSplit(p.YearPlanInvestment)
	}
	p.Years = []int{}
	r.UnitID = p.Unit.ID
	return &r, nil
}

// evenSplit divides a year's plan over 12 months, the remainder in December.
func evenSplit(total int64) []int64 {
	out := make([]int64, 12)
	for i := range out {
		out[i] = total / 12
	}
	out[11] += total - total/12*12
	return out
}

// canWrite tells whether the actor's scope covers the project for writes:
// its town or its responsible unit lies in the actor's subtree.
func canWrite(a *auth.Actor, townPath, unitPath string) bool {
	return a.InScope(townPath) || a.InScope(unitPath)
}

// load reads one project the actor may see: in scope, or on its task force.
func (s *Service) load(ctx context.Context, q querier, a *auth.Actor, id int64) (*row, error) {
	if err := auth.Require(a, auth.ViewProjects); err != nil {
		return nil, err
	}
	r, err := scanProject(q.QueryRowContext(ctx, projectSelect+` WHERE p.id = $1`, id))
	if isNoRows(err) {
		return nil, notFound
	}
	if err != nil {
		return nil, err
	}
	if !canWrite(a, r.TownPath, r.UnitPath) {
		var n int
		if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM project_members WHERE project_id = $1 AND user_id = $2`, id, a.UserID).Scan(&n); err != nil {
			return nil, err
		}
		if n == 0 || a.UserID == 0 {
			return nil, notFound
		}
	}
	return r, nil
}

// scoped reads a project the actor may change (permission checked by the
// caller): out of the actor's scope reads as not found.
func (s *Service) scoped(ctx context.Context, q querier, a *auth.Actor, id int64) (*row, error) {
	r, err := scanProject(q.QueryRowContext(ctx, projectSelect+` WHERE p.id = $1`, id))
	if isNoRows(err) {
		return nil, notFound
	}
	if err != nil {
		return nil, err
	}
	if !canWrite(a, r.TownPath, r.UnitPath) {
		return nil, notFound
	}
	return r, nil
}

// Get returns a project the actor may see.
func (s *Service) Get(ctx context.Context, a *auth.Actor, id int64) (*Project, error) {
	r, err := s.load(ctx, s.DB.R, a, id)
	if err != nil {
		return nil, err
	}
	p := &r.Project
	if err := attachYears(ctx, s.DB.R, []*Project{p}); err != nil {
		return nil, err
	}
	s.finish(a, p)
	return p, nil
}

// finish masks what the role may not see.
func (s *Service) finish(a *auth.Actor, p *Project) {
	if !a.Can(auth.ViewPhone) {
		p.ContactPhone = maskPhone(p.ContactPhone)
	}
}

// attachYears fills the years' lists of the projects.
func attachYears(ctx context.Context, q querier, ps []*Project) error {
	for i := 0; i < len(ps); i += 500 {
		part := ps[i:min(i+500, len(ps))]
		byID := make(map[int64]*Project, len(part))
		ids := make([]int64, len(part))
		for j, p := range part {
			byID[p.ID], ids[j] = p, p.ID
		}
		var args db.Args
		rows, err := q.QueryContext(ctx, `SELECT project_id, year FROM project_years WHERE project_id IN (`+inList(&args, ids)+`) ORDER BY year`, args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			var y int
			if err := rows.Scan(&id, &y); err != nil {
				rows.Close()
				return err
			}
			byID[id].Years = append(byID[id].Years, y)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}

var projectSorts = map[string]string{
	"code":             "p.code, p.id",
	"name":             "p.name, p.id",
	"total_investment": "p.total_investment, p.id",
	"light":            "CASE p.light WHEN 'red' THEN 0 WHEN 'yellow' THEN 1 ELSE 2 END, p.id",
	"pace":             "CASE p.pace WHEN 'behind' THEN 0 WHEN 'normal' THEN 1 ELSE 2 END, p.id",
	"updated_at":       "p.updated_at, p.id",
	"year_actual":      "p.year_actual, p.id",
}

// where builds the filter's condition with the actor's scope.
func (s *Service) where(ctx context.Context, a *auth.Actor, f Filter, args *db.Args) (string, error) {
	var conds []string
	if !a.DistrictWide() {
		lo, hi := a.UnitPath, a.UnitPath[:len(a.UnitPath)-1]+"0"
		conds = append(conds, "((p.town_path >= "+args.Add(lo)+" AND p.town_path < "+args.Add(hi)+") OR (p.unit_path >= "+args.Add(lo)+
			" AND p.unit_path < "+args.Add(hi)+") OR p.id IN (SELECT m.project_id FROM project_members m WHERE m.user_id = "+args.Add(a.UserID)+"))")
	}
	if f.Year != 0 {
		conds = append(conds, "p.id IN (SELECT y.project_id FROM project_years y WHERE y.year = "+args.Add(f.Year)+")")
	}
	if f.Category != "" {
		conds = append(conds, "p.category = "+args.Add(f.Category))
	}
	if f.ChainID != 0 {
		conds = append(conds, "p.chain_id = "+args.Add(f.ChainID))
	}
	if f.TownID != 0 {
		conds = append(conds, "p.town_id = "+args.Add(f.TownID))
	}
	if f.UnitID != 0 {
		conds = append(conds, "p.unit_id = "+args.Add(f.UnitID))
	}
	if f.LeaderID != 0 {
		conds = append(conds, "p.leader_user_id = "+args.Add(f.LeaderID))
	}
	in := func(col string, vals []string) {
		if len(vals) == 0 {
			return
		}
		ps := make([]string, len(vals))
		for i, v := range vals {
			ps[i] = args.Add(v)
		}
		conds = append(conds, col+" IN ("+strings.Join(ps, ", ")+")")
	}
	in("p.phase", f.Phases)
	in("p.light", f.Lights)
	in("p.pace", f.Paces)
	if f.Size != "" {
		cfg, err := s.current(ctx)
		if err != nil {
			return "", err
		}
		switch f.Size {
		case "huge":
			conds = append(conds, "p.total_investment >= "+args.Add(cfg.HugeYuan))
		case "large":
			conds = append(conds, "p.total_investment >= "+args.Add(cfg.LargeYuan))
		case "small":
			conds = append(conds, "p.total_investment < "+args.Add(cfg.LargeYuan))
		}
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		like := args.Add(db.Like(q))
		// SQLite's LIKE already ignores ASCII case; LOWER would copy every name.
		lower := func(col string) string {
			if s.DB.Dialect == db.SQLite {
				return col
			}
			return "LOWER(" + col + ")"
		}
		conds = append(conds, "("+lower("p.name")+" LIKE "+like+` ESCAPE '\' OR `+lower("p.code")+" LIKE "+like+` ESCAPE '\' OR `+
			lower("p.owner_name")+" LIKE "+like+` ESCAPE '\')`)
	}
	if f.Mine && a.UserID != 0 {
		me := args.Add(a.UserID)
		conds = append(conds, "(p.leader_user_id = "+me+" OR p.id IN (SELECT m.project_id FROM project_members m WHERE m.user_id = "+me+"))")
	}
	if len(conds) == 0 {
		return "TRUE", nil
	}
	return strings.Join(conds, " AND "), nil
}

// List returns a page of the ledger and the total.
func (s *Service) List(ctx context.Context, a *auth.Actor, f Filter, limit, offset int) ([]*Project, int, error) {
	if err := auth.Require(a, auth.ViewProjects); err != nil {
		return nil, 0, err
	}
	var args db.Args
	cond, err := s.where(ctx, a, f, &args)
	if err != nil {
		return nil, 0, err
	}
	var total int
	if err := s.DB.Read.QueryRowContext(ctx, `SELECT COUNT(*) FROM projects p WHERE `+cond, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	order := projectSorts["code"]
	desc := strings.HasPrefix(f.Sort, "-")
	if o, ok := projectSorts[strings.TrimPrefix(f.Sort, "-")]; ok {
		order = o
	}
	if desc {
		order = strings.ReplaceAll(order+",", ",", " DESC,")
		order = strings.TrimSuffix(order, ",")
	}
	q := projectSelect + ` WHERE ` + cond + ` ORDER BY ` + order
	if limit > 0 {
		q += ` LIMIT ` + args.Add(limit) + ` OFFSET ` + args.Add(offset)
	}
	rows, err := s.DB.Read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []*Project{}
	for rows.Next() {
		r, err := scanProject(rows)
		if err != nil {
			return nil, 0, err
		}
		s.finish(a, &r.Project)
		out = append(out, &r.Project)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	return out, total, attachYears(ctx, s.DB.Read, out)
}
