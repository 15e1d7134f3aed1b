package safety

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/calendar"
	"diaodu/internal/platform/db"
	"diaodu/internal/platform/errs"
	"diaodu/internal/platform/httpx"
	"diaodu/internal/registry"
)

var campaignNotFound = errs.NotFoundf("专项行动", "campaign")

const campaignCols = `c.id, c.name, c.starts_on, c.ends_on, c.industries, c.unit_ids, c.description, c.created_at, c.updated_at`

func scanCampaign(sc interface{ Scan(...any) error }) (*Campaign, error) {
	var c Campaign
	var inds, units string
	if err := sc.Scan(&c.ID, &c.Name, &c.StartsOn, &c.EndsOn, &inds, &units, &c.Description, &c.CreatedAt, &c.UpdatedAt); err != nil {
		return nil, err
	}
	c.Industries, c.UnitIDs = splitList(inds), splitIDs(units)
	return &c, nil
}

// statusOn is planned, running or ended on day d.
func (c *Campaign) statusOn(d calendar.Date) string {
	switch {
	case d.Before(c.StartsOn):
		return "planned"
	case d.After(c.EndsOn):
		return "ended"
	}
	return "running"
}

// ListCampaigns lists campaigns, newest first, with their progress in the
// actor's scope.
func (s *Service) ListCampaigns(ctx context.Context, a *auth.Actor, status string, p httpx.Page) ([]Campaign, int, error) {
	if err := auth.Require(a, auth.ViewSafety); err != nil {
		return nil, 0, err
	}
	today := s.today()
	var args db.Args
	where := "TRUE"
	switch status {
	case "":
	case "running":
		where = "c.starts_on <= " + args.Add(today) + " AND c.ends_on >= " + args.Add(today)
	case "planned":
		where = "c.starts_on > " + args.Add(today)
	case "ended":
		where = "c.ends_on < " + args.Add(today)
	default:
		f := errs.Fields{}
		f.Add("status", "状态应为 running、planned 或 ended", "status must be running, planned or ended")
		return nil, 0, f.Err()
	}
	if p.Q != "" {
		where += " AND LOWER(c.name) LIKE " + args.Add(db.Like(p.Q)) + ` ESCAPE '\'`
	}
	var total int
	if err := s.DB.Read.QueryRowContext(ctx, `SELECT COUNT(*) FROM safety_campaigns c WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	q := `SELECT ` + campaignCols + ` FROM safety_campaigns c WHERE ` + where + ` ORDER BY c.starts_on DESC, c.id DESC`
	if p.Size > 0 {
		q += fmt.Sprintf(" LIMIT %d OFFSET %d", p.Limit(), p.Offset())
	}
	cs, err := s.queryCampaigns(ctx, q, args...)
	if err != nil {
		return nil, 0, err
	}
	for i := range cs {
		if err := s.fillCampaign(ctx, a, &cs[i], false); err != nil {
			return nil, 0, err
		}
	}
	return cs, total, nil
}

func (s *Service) queryCampaigns(ctx context.Context, q string, args ...any) ([]Campaign, error) {
	rows, err := s.DB.Read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Campaign{}
	for rows.Next() {
		c, err := scanCampaign(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *c)
	}
	return out, rows.Err()
}

// GetCampaign is the campaign page: checklists and progress by town.
func (s *Service) GetCampaign(ctx context.Context, a *auth.Actor, id int64) (*Campaign, error) {
	if err := auth.Require(a, auth.ViewSafety); err != nil {
		return nil, err
	}
	c, err := scanCampaign(s.DB.Read.QueryRowContext(ctx, `SELECT `+campaignCols+` FROM safety_campaigns c WHERE c.id = $1`, id))
	if isNoRows(err) {
		return nil, campaignNotFound
	}
	if err != nil {
		return nil, err
	}
	return c, s.fillCampaign(ctx, a, c, true)
}

// fillCampaign adds names, status, progress and (full) checklists and the
// progress by town.
func (s *Service) fillCampaign(ctx context.Context, a *auth.Actor, c *Campaign, full bool) error {
	inds, err := s.Registry.Industries(ctx)
	if err != nil {
		return err
	}
	c.Status = c.statusOn(s.today())
	c.IndustryNames = make([]string, len(c.Industries))
	for i, code := range c.Industries {
		c.IndustryNames[i] = registry.IndustryName(inds, code)
	}
	c.UnitNames = make([]string, len(c.UnitIDs))
	for i, id := range c.UnitIDs {
		_ = s.DB.Read.QueryRowContext(ctx, `SELECT name FROM units WHERE id = $1`, id).Scan(&c.UnitNames[i])
	}
	byTown, err := s.campaignProgress(ctx, a, c)
	if err != nil {
		return err
	}
	c.Progress = Progress{}
	for _, g := range byTown {
		c.Progress.ToCheck += g.ToCheck
		c.Progress.Checked += g.Checked
		c.Progress.Hazards += g.Found
		c.Progress.Fixed += g.Fixed
		c.Progress.Major += g.Major
		c.Progress.Overdue += g.Overdue
	}
	c.Progress.CheckedRate = rate(c.Progress.Checked, c.Progress.ToCheck)
	c.Progress.FixedRate = rate(c.Progress.Fixed, c.Progress.Hazards)
	if !full {
		return nil
	}
	c.ProgressByTown = byTown
	c.Checklists, err = s.checklists(ctx, c.ID, inds)
	return err
}

// targets is the condition on enterprises e of a campaign (its industries
// and units) in the actor's scope.
func targets(a *auth.Actor, c *Campaign, args *db.Args) string {
	w := scopeSQL(a, "e.town_path", "e.supervising_path", args)
	if len(c.Industries) > 0 {
		ph := make([]string, len(c.Industries))
		for i, code := range c.Industries {
			ph[i] = args.Add(code)
		}
		w += " AND e.industry IN (" + strings.Join(ph, ", ") + ")"
	}
	if len(c.UnitIDs) > 0 {
		in := inList(args, c.UnitIDs)
		w += " AND (e.town_id IN (" + in + ") OR e.supervising_unit_id IN (" + in + "))"
	}
	return w
}

// campaignProgress counts per town: enterprises to check and checked,
// hazards found, fixed, major and overdue.
func (s *Service) campaignProgress(ctx context.Context, a *auth.Actor, c *Campaign) ([]GroupStat, error) {
	var args db.Args
	cid := args.Add(c.ID)
	where := targets(a, c, &args)
	stats := map[int64]*GroupStat{}
	var order []int64
	get := func(id int64, name string) *GroupStat {
		g, ok := stats[id]
		if !ok {
			if name == "" {
				name = "未定镇街"
			}
			g = &GroupStat{Key: idStr(id), Name: name}
			stats[id] = g
			order = append(order, id)
		}
		return g
	}
	rows, err := s.DB.Read.QueryContext(ctx, `SELECT COALESCE(e.town_id, 0), COALESCE(MIN(t.name), ''), COUNT(*),
		COUNT(CASE WHEN EXISTS (SELECT 1 FROM safety_inspections i WHERE i.campaign_id = `+cid+` AND i.enterprise_id = e.id) THEN 1 END)
		FROM enterprises e LEFT JOIN units t ON t.id = e.town_id WHERE `+where+`
		GROUP BY COALESCE(e.town_id, 0), t.sort_order ORDER BY t.sort_order, COALESCE(e.town_id, 0)`, args...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id int64
		var name string
		var n, checked int
		if err := rows.Scan(&id, &name, &n, &checked); err != nil {
			rows.Close()
			return nil, err
		}
		g := get(id, name)
		g.ToCheck, g.Checked = g.ToCheck+n, g.Checked+checked
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	sum, err := s.summarize(ctx, a, c.ID)
	if err != nil {
		return nil, err
	}
	for _, h := range sum.byTown {
		id, _ := strconv.ParseInt(h.Key, 10, 64)
		g := get(id, h.Name)
		g.Found, g.Fixed, g.Major, g.Overdue = h.Found, h.Fixed, h.Major, h.Overdue
	}
	out := make([]GroupStat, 0, len(order))
	for _, id := range order {
		g := stats[id]
		g.Rate = rate(g.Fixed, g.Found)
		out = append(out, *g)
	}
	return out, nil
}

func (s *Service) checklists(ctx context.Context, campaignID int64, inds []registry.Industry) ([]Checklist, error) {
	rows, err := s.DB.Read.QueryContext(ctx, `SELECT id, industry, text, basis FROM safety_checklist_items
		WHERE campaign_id = $1 AND active = TRUE ORDER BY industry, seq, id`, campaignID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Checklist{}
	for rows.Next() {
		var ind string
		var it ChecklistItemText
		if err := rows.Scan(&it.ID, &ind, &it.Text, &it.Basis); err != nil {
			return nil, err
		}
		if len(out) == 0 || out[len(out)-1].Industry != ind {
			name := "通用"
			if ind != "" {
				name = registry.IndustryName(inds, ind)
			}
			out = append(out, Checklist{Industry: ind, IndustryName: name})
		}
		out[len(out)-1].Items = append(out[len(out)-1].Items, it)
	}
	return out, rows.Err()
}

// Checklist returns the items an enterprise answers in a campaign: the
// common items and those of its industry.
func (s *Service) Checklist(ctx context.Context, a *auth.Actor, campaignID, enterpriseID int64) ([]ChecklistItem, error) {
	if err := auth.Require(a, auth.ViewSafety); err != nil {
		return nil, err
	}
	industry := ""
	if enterpriseID != 0 {
		e, err := s.enterprise(ctx, s.DB.Read, a, enterpriseID, auth.ViewSafety)
		if err != nil {
			return nil, err
		}
		industry = e.Industry
	}
	var n int
	if err := s.DB.Read.QueryRowContext(ctx, `SELECT COUNT(*) FROM safety_campaigns WHERE id = $1`, campaignID).Scan(&n); err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, campaignNotFound
	}
	rows, err := s.DB.Read.QueryContext(ctx, `SELECT id, industry, seq, text, basis FROM safety_checklist_items
		WHERE campaign_id = $1 AND active = TRUE AND (industry = '' OR industry = $2) ORDER BY industry = '' DESC, seq, id`, campaignID, industry)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []ChecklistItem{}
	for rows.Next() {
		var it ChecklistItem
		if err := rows.Scan(&it.ID, &it.Industry, &it.Seq, &it.Text, &it.Basis); err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

// apply validates a campaign input onto c.
func (in CampaignInput) apply(ctx context.Context, s *Service, q querier, c *Campaign, f errs.Fields) ([]registry.Industry, error) {
	inds, err := s.Registry.Industries(ctx)
	if err != nil {
		return nil, err
	}
	if in.Name != nil {
		c.Name = text(f, "name", "专项行动名称", *in.Name, 1, 100)
	}
	if in.StartsOn != nil {
		c.StartsOn = *in.StartsOn
	}
	if in.EndsOn != nil {
		c.EndsOn = *in.EndsOn
	}
	if c.StartsOn.IsZero() {
		f.Add("starts_on", "请填写开始日期", "starts_on is required")
	}
	if c.EndsOn.IsZero() {
		f.Add("ends_on", "请填写结束日期", "ends_on is required")
	} else if !c.StartsOn.IsZero() && c.EndsOn.Before(c.StartsOn) {
		f.Add("ends_on", "结束日期不能早于开始日期", "ends_on may not be before starts_on")
	}
	if in.Industries != nil {
		c.Industries = checkIndustries(f, "industries", *in.Industries, inds)
	}
	if in.UnitIDs != nil {
		c.UnitIDs = uniq(*in.UnitIDs)
		for _, id := range c.UnitIDs {
			var kind string
			err := q.QueryRowContext(ctx, `SELECT kind FROM units WHERE id = $1 AND active = TRUE`, id).Scan(&kind)
			if isNoRows(err) || (err == nil && kind != "town" && kind != "department") {
				f.Add("unit_ids", "参与单位应为镇街或部门", "participating units must be towns or departments")
			} else if err != nil {
				return nil, err
			}
		}
	}
	if in.Description != nil {
		c.Description = text(f, "description", "工作要求", *in.Description, 0, 5000)
	}
	if in.Checklists != nil {
		checkChecklists(f, "checklists", *in.Checklists, inds)
	}
	return inds, nil
}

// CreateCampaign starts a campaign (admin, supervisor).
func (s *Service) CreateCampaign(ctx context.Context, a *auth.Actor, in CampaignInput) (*Campaign, error) {
	if err := auth.Require(a, auth.SafetyOffice); err != nil {
		return nil, err
	}
	c := &Campaign{Industries: []string{}, UnitIDs: []int64{}}
	if in.Name == nil {
		in.Name = new(string)
	}
	var id int64
	err := s.Audit.Write(ctx, a, func(w *audit.W) error {
		f := errs.Fields{}
		if _, err := in.apply(ctx, s, w, c, f); err != nil {
			return err
		}
		if err := f.Err(); err != nil {
			return err
		}
		if err := w.QueryRowContext(ctx, `INSERT INTO safety_campaigns (name, starts_on, ends_on, industries, unit_ids, description,
			created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id`,
			c.Name, c.StartsOn, c.EndsOn, strings.Join(c.Industries, ","), joinIDs(c.UnitIDs), c.Description,
			db.NullID(a.UserID), w.Now()).Scan(&id); err != nil {
			return err
		}
		if in.Checklists != nil {
			if err := replaceChecklists(ctx, w, id, *in.Checklists); err != nil {
				return err
			}
		}
		return w.Record(audit.Entry{Action: "safety.campaign.create", ObjectType: "safety_campaign", ObjectID: idStr(id),
			Summary: "发起专项行动：" + c.Name, After: campaignView(c, in.Checklists)})
	})
	if err != nil {
		return nil, err
	}
	return s.GetCampaign(ctx, a, id)
}

func campaignView(c *Campaign, cl *[]Checklist) map[string]any {
	m := map[string]any{"name": c.Name, "starts_on": c.StartsOn, "ends_on": c.EndsOn, "industries": c.Industries,
		"unit_ids": c.UnitIDs, "description": c.Description}
	if cl != nil {
		m["checklists"] = *cl
	}
	return m
}

// replaceChecklists retires a campaign's items and stores the new ones;
// items whose text is unchanged keep their id (and so their answers).
func replaceChecklists(ctx context.Context, w *audit.W, campaignID int64, cls []Checklist) error {
	type key struct{ ind, text string }
	old := map[key]int64{}
	rows, err := w.QueryContext(ctx, `SELECT id, industry, text FROM safety_checklist_items WHERE campaign_id = $1 AND active = TRUE`, campaignID)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id int64
		var k key
		if err := rows.Scan(&id, &k.ind, &k.text); err != nil {
			rows.Close()
			return err
		}
		old[k] = id
	}
	rows.Close()
	if _, err := w.ExecContext(ctx, `UPDATE safety_checklist_items SET active = FALSE WHERE campaign_id = $1`, campaignID); err != nil {
		return err
	}
	for _, cl := range cls {
		for i, it := range cl.Items {
			if id, ok := old[key{cl.Industry, it.Text}]; ok {
				if _, err := w.ExecContext(ctx, `UPDATE safety_checklist_items SET active = TRUE, seq = $1, basis = $2 WHERE id = $3`,
					i+1, it.Basis, id); err != nil {
					return err
				}
				continue
			}
			if _, err := w.ExecContext(ctx, `INSERT INTO safety_checklist_items (campaign_id, industry, seq, text, basis) VALUES ($1, $2, $3, $4, $5)`,
				campaignID, cl.Industry, i+1, it.Text, it.Basis); err != nil {
				return err
			}
		}
	}
	return nil
}

// UpdateCampaign edits a campaign (admin, supervisor).
func (s *Service) UpdateCampaign(ctx context.Context, a *auth.Actor, id int64, in CampaignInput) (*Campaign, error) {
	if err := auth.Require(a, auth.SafetyOffice); err != nil {
		return nil, err
	}
	err := s.Audit.Write(ctx, a, func(w *audit.W) error {
		c, err := scanCampaign(w.QueryRowContext(ctx, `SELECT `+campaignCols+` FROM safety_campaigns c WHERE c.id = $1`+w.Dialect.ForUpdate(), id))
		if isNoRows(err) {
			return campaignNotFound
		}
		if err != nil {
			return err
		}
		before := campaignView(c, nil)
		f := errs.Fields{}
		if _, err := in.apply(ctx, s, w, c, f); err != nil {
			return err
		}
		if err := f.Err(); err != nil {
			return err
		}
		if _, err := w.ExecContext(ctx, `UPDATE safety_campaigns SET name = $1, starts_on = $2, ends_on = $3, industries = $4, unit_ids = $5,
			description = $6, updated_at = $7 WHERE id = $8`, c.Name, c.StartsOn, c.EndsOn, strings.Join(c.Industries, ","),
			joinIDs(c.UnitIDs), c.Description, w.Now(), id); err != nil {
			return err
		}
		if in.Checklists != nil {
			if err := replaceChecklists(ctx, w, id, *in.Checklists); err != nil {
				return err
			}
		}
		return w.Record(audit.Entry{Action: "safety.campaign.update", ObjectType: "safety_campaign", ObjectID: idStr(id),
			Summary: "修改专项行动：" + c.Name, Before: before, After: campaignView(c, in.Checklists)})
	})
	if err != nil {
		return nil, err
	}
	return s.GetCampaign(ctx, a, id)
}

// checkCampaign checks an optional campaign id.
func (s *Service) checkCampaign(ctx context.Context, q querier, id int64) error {
	if id == 0 {
		return nil
	}
	var n int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM safety_campaigns WHERE id = $1`, id).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		f := errs.Fields{}
		f.Add("campaign_id", "专项行动不存在", "no such campaign")
		return f.Err()
	}
	return nil
}

// runningCampaigns are the campaigns running today, latest first.
func (s *Service) runningCampaigns(ctx context.Context) ([]Campaign, error) {
	today := s.today()
	return s.queryCampaigns(ctx, `SELECT `+campaignCols+` FROM safety_campaigns c WHERE c.starts_on <= $1 AND c.ends_on >= $1
		ORDER BY c.starts_on DESC, c.id DESC`, today)
}

// checkChecklists validates checklists in place: known industries (codes
// or names), one list per industry, item texts.
func checkChecklists(f errs.Fields, field string, cls []Checklist, inds []registry.Industry) {
	seen := map[string]bool{}
	for i := range cls {
		cl := &cls[i]
		cl.Industry = strings.TrimSpace(cl.Industry)
		if cl.Industry != "" {
			if got := checkIndustries(f, field, []string{cl.Industry}, inds); len(got) == 1 {
				cl.Industry = got[0]
			}
		}
		cl.IndustryName = "通用"
		if cl.Industry != "" {
			cl.IndustryName = registry.IndustryName(inds, cl.Industry)
		}
		if seen[cl.Industry] {
			f.Add(field, "同一行业的检查表只能有一份", "one checklist per industry")
		}
		seen[cl.Industry] = true
		if len(cl.Items) > 100 {
			f.Add(field, "每份检查表不超过100项", "at most 100 items per checklist")
		}
		for j := range cl.Items {
			cl.Items[j].ID = 0
			cl.Items[j].Text = text(f, field, "检查项内容", cl.Items[j].Text, 1, 500)
			cl.Items[j].Basis = text(f, field, "检查依据", cl.Items[j].Basis, 0, 500)
		}
	}
}
