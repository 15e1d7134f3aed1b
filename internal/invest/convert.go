package invest

import (
	"context"
	"strings"
	"unicode/utf8"

	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/calendar"
	"diaodu/internal/platform/errs"
	"diaodu/internal/projects"
)

// Schedule is the reverse schedule (倒排工期) from a target start: each
// node's planned date is its offset in working days from the start (the
// start itself moved to a working day).
func (s *Service) Schedule(cfg Settings, start calendar.Date) []PlanNode {
	start = s.Calendar.AddWorkdays(start, 0)
	out := make([]PlanNode, len(cfg.Schedule))
	for i, n := range cfg.Schedule {
		out[i] = PlanNode{Name: n.Name, OffsetDays: n.OffsetDays, PlannedOn: s.Calendar.AddWorkdays(start, n.OffsetDays)}
	}
	return out
}

// checkStart validates a target start date against today.
func checkStart(f errs.Fields, start, day calendar.Date) {
	switch {
	case start.IsZero():
		f.Add("target_start_on", "请填写计划开工日期", "target_start_on is required")
	case start.Before(day.AddDays(-366)) || start.After(day.AddDays(5*366)):
		f.Add("target_start_on", "计划开工日期应在一年前到五年后之间", "target_start_on must be within a year back and five years ahead")
	}
}

// PreviewSchedule is the schedule a lead would get for a target start.
func (s *Service) PreviewSchedule(ctx context.Context, a *auth.Actor, id int64, start calendar.Date) ([]PlanNode, error) {
	if _, err := s.load(ctx, s.DB.Read, a, id); err != nil {
		return nil, err
	}
	f := errs.Fields{}
	checkStart(f, start, today(s.Clock.Now()))
	if err := f.Err(); err != nil {
		return nil, err
	}
	cfg, err := s.current(ctx)
	if err != nil {
		return nil, err
	}
	return s.Schedule(cfg, start), nil
}

// Convert turns a signed lead into a key project in one step, once: the
// project (through projects.Service.CreateIn, in the same transaction)
// keeps the link both ways (projects.lead_id, invest_leads.project_id) and
// gets the reverse-scheduled milestones; the plan is kept with the lead for
// the route map and timetable.
func (s *Service) Convert(ctx context.Context, a *auth.Actor, id int64, in ConvertInput) (*ConvertResult, error) {
	var pid int64
	err := s.Audit.Write(ctx, a, func(w *audit.W) error {
		var err error
		pid, err = s.ConvertIn(ctx, w, id, in)
		return err
	})
	if err != nil {
		return nil, err
	}
	d, err := s.Detail(ctx, a, id)
	if err != nil {
		return nil, err
	}
	return &ConvertResult{Lead: d, ProjectID: pid}, nil
}

// ConvertIn is Convert inside the caller's transaction.
func (s *Service) ConvertIn(ctx context.Context, w *audit.W, id int64, in ConvertInput) (int64, error) {
	a := w.Actor()
	l, err := s.lockLead(ctx, w, id)
	if err != nil {
		return 0, err
	}
	if s.Projects == nil {
		return 0, errs.New(errs.Conflict, "重点项目模块未启用", "the key projects module is not wired")
	}
	if l.ProjectID != nil {
		var code string
		_ = w.QueryRowContext(ctx, `SELECT code FROM projects WHERE id = $1`, *l.ProjectID).Scan(&code)
		return 0, errs.Conflictf("该线索已于"+calendar.DateOf(*l.ConvertedAt).String()+"转为重点项目（"+code+"），不能重复转换",
			"the lead was already converted into a key project")
	}
	if StageRank(l.Stage) < StageRank(StageSigned) {
		return 0, errs.Conflictf("只有签约以后的线索才能转为重点项目，该线索处于“"+StageName(l.Stage)+"”阶段",
			"only a signed lead can become a key project")
	}
	day := today(w.Now())
	f := errs.Fields{}
	in.Name = strings.TrimSpace(in.Name)
	if in.Name == "" {
		in.Name = l.Company + "项目"
	}
	if utf8.RuneCountInString(in.Name) > 100 {
		f.Add("name", "项目名称不能超过100个字", "name may not exceed 100 characters")
	}
	checkStart(f, in.TargetStartOn, day)
	townID := int64(0)
	if l.Town != nil {
		townID = l.Town.ID
	}
	if in.TownID != nil {
		townID = *in.TownID
	}
	if townID == 0 {
		f.Add("town_id", "请选择项目落地乡镇", "town_id is required")
	}
	if l.PlannedAmount <= 0 {
		f.Add("planned_amount", "线索的计划投资为0，请先填写签约金额", "the lead has no planned investment")
	}
	if err := f.Err(); err != nil {
		return 0, err
	}
	cfg, err := s.current(ctx)
	if err != nil {
		return 0, err
	}
	plan := s.Schedule(cfg, in.TargetStartOn)
	ms := make([]projects.MilestoneInput, len(plan))
	for i, n := range plan {
		ms[i] = projects.MilestoneInput{Name: n.Name, Planned: n.PlannedOn}
	}
	leadID, teamID, total := l.ID, l.Team.ID, l.PlannedAmount
	start := plan[len(plan)-1].PlannedOn
	for _, n := range plan {
		if n.OffsetDays == 0 {
			start = n.PlannedOn
		}
	}
	pin := projects.Input{Name: &in.Name, TownID: &townID, UnitID: &teamID, TotalInvestment: &total, LeadID: &leadID,
		StartOn: &start, OwnerName: &l.Company, ContactName: &l.ContactName, ContactPhone: &l.ContactPhone, Milestones: ms}
	if in.ProjectCode != "" {
		code := strings.TrimSpace(in.ProjectCode)
		pin.Code = &code
	}
	if l.Chain != nil {
		pin.ChainID = &l.Chain.ID
	}
	if in.LeaderUserID != nil && *in.LeaderUserID != 0 {
		pin.LeaderUserID = in.LeaderUserID
	}
	if in.Category != "" {
		pin.Category = &in.Category
	}
	p, err := s.Projects.CreateIn(ctx, w, a, pin)
	if err != nil {
		return 0, err
	}
	if _, err := w.ExecContext(ctx, `UPDATE invest_leads SET project_id = $1, converted_at = $2, target_start_on = $3,
		town_id = $4, light = 'none', light_reason = '', updated_at = $2 WHERE id = $5`,
		p.ID, w.Now(), in.TargetStartOn.String(), townID, id); err != nil {
		return 0, err
	}
	if _, err := w.ExecContext(ctx, `DELETE FROM invest_lead_plan WHERE lead_id = $1`, id); err != nil {
		return 0, err
	}
	for i, n := range plan {
		if _, err := w.ExecContext(ctx, `INSERT INTO invest_lead_plan (lead_id, sort_order, name, offset_days, planned_on)
			VALUES ($1, $2, $3, $4, $5)`, id, i, n.Name, n.OffsetDays, n.PlannedOn.String()); err != nil {
			return 0, err
		}
	}
	if err := event(ctx, w, id, "convert", l.Stage, l.Stage, day, "转为重点项目“"+in.Name+"”（"+p.Code+"），计划"+
		in.TargetStartOn.String()+"开工", ""); err != nil {
		return 0, err
	}
	return p.ID, w.Record(audit.Entry{Action: "invest.lead.convert", ObjectType: "invest_lead", ObjectID: idStr(id),
		Summary: "招商线索“" + l.Company + "”转为重点项目“" + in.Name + "”（" + p.Code + "）",
		After:   map[string]any{"project_id": p.ID, "target_start_on": in.TargetStartOn, "plan": plan}})
}

// Roadmap is the route map and timetable (路线图, 时间表) of the lead a
// project came from. Readers of the lead, and readers of the project
// (its town or responsible unit in scope), see it; the phone stays masked.
func (s *Service) Roadmap(ctx context.Context, a *auth.Actor, id int64) (*Roadmap, error) {
	if a == nil || (!a.Can(auth.ViewInvest) && !a.Can(auth.ViewProjects)) {
		return nil, auth.Require(a, auth.ViewInvest)
	}
	l, err := scanLead(s.DB.Read.QueryRowContext(ctx, `SELECT `+leadColumns+leadFrom+` WHERE l.id = $1`, id))
	if isNoRows(err) {
		return nil, notFound
	}
	if err != nil {
		return nil, err
	}
	ok := a.Can(auth.ViewInvest) && a.InScope(l.teamPath)
	if !ok && l.ProjectID != nil && a.Can(auth.ViewProjects) {
		var townPath, unitPath string
		if err := s.DB.Read.QueryRowContext(ctx, `SELECT town_path, unit_path FROM projects WHERE id = $1`, *l.ProjectID).Scan(&townPath, &unitPath); err == nil {
			ok = a.InScope(townPath) || a.InScope(unitPath)
		}
	}
	if !ok {
		return nil, notFound
	}
	s.present(a, l, today(s.Clock.Now()))
	l.ContactPhone = maskPhone(l.ContactPhone)
	r := &Roadmap{Lead: *l, TargetStartOn: l.TargetStartOn}
	if r.Events, err = s.events(ctx, id); err != nil {
		return nil, err
	}
	if r.Plan, err = s.plan(ctx, l); err != nil {
		return nil, err
	}
	return r, nil
}
