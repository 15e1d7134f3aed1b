package invest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"diaodu/internal/org"
	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/calendar"
	"diaodu/internal/platform/db"
	"diaodu/internal/platform/errs"
	"diaodu/internal/platform/httpx"
)

// leadColumns are read by scanLead, in its order.
const leadColumns = `l.id, l.code, l.company, l.chain_id, COALESCE(c.name, ''), l.source, l.contact_name, l.contact_phone,
	l.planned_amount, l.quality, l.team_id, t.name, l.team_path, l.town_id, COALESCE(tw.name, ''), l.owner_id, COALESCE(u.real_name, ''),
	l.next_action, l.next_action_on, l.stage, l.stage_on, l.active_on, l.signed_on, l.started_on, l.target_start_on, l.light,
	l.light_reason, l.project_id, l.converted_at, l.notes, l.created_at, l.updated_at`

const leadFrom = ` FROM invest_leads l JOIN units t ON t.id = l.team_id LEFT JOIN industrial_chains c ON c.id = l.chain_id
	LEFT JOIN units tw ON tw.id = l.town_id LEFT JOIN users u ON u.id = l.owner_id`

func scanLead(sc interface{ Scan(...any) error }) (*Lead, error) {
	l := &Lead{}
	var chainID, townID, ownerID, projectID sql.NullInt64
	var chainName, townName, ownerName string
	var nextOn, stageOn, activeOn, signedOn, startedOn, targetOn nullDate
	var converted sql.NullTime
	if err := sc.Scan(&l.ID, &l.Code, &l.Company, &chainID, &chainName, &l.Source, &l.ContactName, &l.ContactPhone,
		&l.PlannedAmount, &l.Quality, &l.Team.ID, &l.Team.Name, &l.teamPath, &townID, &townName, &ownerID, &ownerName,
		&l.NextAction, &nextOn, &l.Stage, &stageOn, &activeOn, &signedOn, &startedOn, &targetOn, &l.Light,
		&l.LightReason, &projectID, &converted, &l.Notes, &l.CreatedAt, &l.UpdatedAt); err != nil {
		return nil, err
	}
	if chainID.Valid {
		l.Chain = &Ref{chainID.Int64, chainName}
	}
	if townID.Valid {
		l.Town = &Ref{townID.Int64, townName}
	}
	if ownerID.Valid {
		l.Owner, l.ownerID = &Ref{ownerID.Int64, ownerName}, ownerID.Int64
	}
	if projectID.Valid {
		p := projectID.Int64
		l.ProjectID = &p
	}
	if converted.Valid {
		t := converted.Time
		l.ConvertedAt = &t
	}
	l.NextActionOn, l.StageOn, l.ActiveOn, l.SignedOn, l.StartedOn, l.TargetStartOn = nextOn.D, stageOn.D, activeOn.D, signedOn.D, startedOn.D, targetOn.D
	return l, nil
}

// load reads a lead the actor may see.
func (s *Service) load(ctx context.Context, q querier, a *auth.Actor, id int64) (*Lead, error) {
	if err := auth.Require(a, auth.ViewInvest); err != nil {
		return nil, err
	}
	l, err := scanLead(q.QueryRowContext(ctx, `SELECT `+leadColumns+leadFrom+` WHERE l.id = $1`, id))
	if isNoRows(err) {
		return nil, notFound
	}
	if err != nil {
		return nil, err
	}
	if !a.InScope(l.teamPath) {
		return nil, notFound
	}
	return l, nil
}

// present finishes a lead for a reader: idle days, and the phone masked
// unless the reader may see it.
func (s *Service) present(a *auth.Actor, l *Lead, day calendar.Date) {
	if !l.ActiveOn.IsZero() {
		l.IdleDays = max(0, s.Calendar.WorkdaysBetween(l.ActiveOn, day))
	}
	if !a.Can(auth.ViewPhone) {
		l.ContactPhone = maskPhone(l.ContactPhone)
	}
}

// lightOf is a lead's light on day: idle past its stage's limit is
// yellow, past twice the limit red; produced or converted leads have none.
func (s *Service) lightOf(st Settings, stage string, activeOn, day calendar.Date, converted bool) (string, string) {
	if stage == StageProducing || converted {
		return LightNone, ""
	}
	limit := st.IdleDays[stage]
	if limit <= 0 || activeOn.IsZero() {
		return LightGreen, ""
	}
	idle := s.Calendar.WorkdaysBetween(activeOn, day)
	reason := fmt.Sprintf("“%s”阶段已%d个工作日无进展（时限%d个工作日）", StageName(stage), idle, limit)
	switch {
	case idle > 2*limit:
		return LightRed, reason
	case idle > limit:
		return LightYellow, reason
	}
	return LightGreen, ""
}

// leadState is a lead as the write rules see it.
type leadState struct {
	Code, Company, Source, ContactName, ContactPhone, Quality, NextAction, Notes string
	ChainID, TeamID, TownID, OwnerID                                             int64
	PlannedAmount                                                                int64
	NextActionOn, TargetStartOn                                                  calendar.Date
}

func (st *leadState) apply(in *LeadInput) {
	str := func(dst *string, p *string) {
		if p != nil {
			*dst = strings.TrimSpace(*p)
		}
	}
	id := func(dst *int64, p *int64) {
		if p != nil {
			*dst = *p
		}
	}
	date := func(dst *calendar.Date, p *calendar.Date) {
		if p != nil {
			*dst = *p
		}
	}
	str(&st.Code, in.Code)
	str(&st.Company, in.Company)
	str(&st.Source, in.Source)
	str(&st.ContactName, in.ContactName)
	if in.ContactPhone != nil {
		st.ContactPhone = keepIfMasked(strings.TrimSpace(*in.ContactPhone), st.ContactPhone)
	}
	str(&st.Quality, in.Quality)
	st.Quality = strings.ToUpper(st.Quality)
	str(&st.NextAction, in.NextAction)
	str(&st.Notes, in.Notes)
	id(&st.ChainID, in.ChainID)
	id(&st.TeamID, in.TeamID)
	id(&st.TownID, in.TownID)
	id(&st.OwnerID, in.OwnerID)
	if in.PlannedAmount != nil {
		st.PlannedAmount = *in.PlannedAmount
	}
	date(&st.NextActionOn, in.NextActionOn)
	date(&st.TargetStartOn, in.TargetStartOn)
}

// teamKinds are the units that own leads: investment teams, towns,
// departments and the district itself.
var teamKinds = []string{org.KindTaskforce, org.KindTown, org.KindDepartment, org.KindDistrict}

// validate checks a lead and returns the owner team.
func (s *Service) validate(ctx context.Context, q querier, a *auth.Actor, st *leadState, selfID int64) (*unitInfo, error) {
	f := errs.Fields{}
	long := func(field, name, v string, n int) {
		if utf8.RuneCountInString(v) > n {
			f.Add(field, fmt.Sprintf("%s不能超过%d个字", name, n), fmt.Sprintf("%s may not exceed %d characters", field, n))
		}
	}
	if st.Company == "" {
		f.Add("company", "企业名称不能为空", "company is required")
	}
	long("company", "企业名称", st.Company, 100)
	long("code", "线索编号", st.Code, 40)
	long("source", "线索来源", st.Source, 50)
	long("contact_name", "联系人", st.ContactName, 30)
	long("contact_phone", "联系电话", st.ContactPhone, 30)
	long("next_action", "下一步工作", st.NextAction, 200)
	long("notes", "备注", st.Notes, 2000)
	switch {
	case st.PlannedAmount < 0:
		f.Add("planned_amount", "计划投资不能为负数", "planned_amount may not be negative")
	case st.PlannedAmount > MaxLead:
		f.Add("planned_amount", "计划投资超过1000亿元，请核对单位（元）", "planned_amount exceeds 100 billion yuan; check the unit (yuan)")
	}
	if !slices.Contains([]string{"A", "B", "C"}, st.Quality) {
		f.Add("quality", "信息质量应为A、B或C", "quality must be A, B or C")
	}
	for field, d := range map[string]calendar.Date{"next_action_on": st.NextActionOn, "target_start_on": st.TargetStartOn} {
		if !d.IsZero() && (d.Year() < 2000 || d.Year() > 2100) {
			f.Add(field, "日期应在2000年到2100年之间", field+" must be between 2000 and 2100")
		}
	}
	var team *unitInfo
	var err error
	if st.TeamID == 0 {
		f.Add("team_id", "请选择责任专班或单位", "team_id is required")
	} else if team, err = loadUnit(ctx, q, st.TeamID); err != nil {
		return nil, err
	} else if team == nil || !team.Active || !slices.Contains(teamKinds, team.Kind) {
		f.Add("team_id", "责任专班或单位不存在或已停用", "team_id does not exist")
		team = nil
	} else if !a.InScope(team.Path) {
		f.Add("team_id", "“"+team.Name+"”不在您的管辖范围内", team.Name+" is outside your scope")
	}
	if st.TownID != 0 {
		town, err := loadUnit(ctx, q, st.TownID)
		if err != nil {
			return nil, err
		}
		if town == nil || !town.Active || town.Kind != org.KindTown {
			f.Add("town_id", "落地乡镇不存在或不是乡镇（街道）", "town_id is not a town")
		}
	}
	exists := func(field, zh, en, query string, id int64) error {
		if id == 0 {
			return nil
		}
		var n int
		if err := q.QueryRowContext(ctx, query, id).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			f.Add(field, zh, en)
		}
		return nil
	}
	if err := exists("chain_id", "产业链不存在或已停用", "chain_id does not exist",
		`SELECT COUNT(*) FROM industrial_chains WHERE id = $1 AND active`, st.ChainID); err != nil {
		return nil, err
	}
	if err := exists("owner_id", "责任人不存在或已停用", "owner_id does not exist",
		`SELECT COUNT(*) FROM users WHERE id = $1 AND active`, st.OwnerID); err != nil {
		return nil, err
	}
	if st.Code != "" && team != nil {
		var n int
		if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM invest_leads WHERE team_id = $1 AND code = $2 AND id <> $3`,
			st.TeamID, st.Code, selfID).Scan(&n); err != nil {
			return nil, err
		}
		if n > 0 {
			f.Add("code", "线索编号“"+st.Code+"”在本专班已被使用", "code "+st.Code+" is already used in this team")
		}
	}
	return team, f.Err()
}

func nullID(id int64) sql.NullInt64 { return db.NullID(id) }

// Create records a new lead (at 线索 unless in.Stage says otherwise, as
// imports of leads already under way do).
func (s *Service) Create(ctx context.Context, a *auth.Actor, in LeadInput) (*Detail, error) {
	var id int64
	err := s.Audit.Write(ctx, a, func(w *audit.W) error {
		var err error
		id, err = s.CreateIn(ctx, w, in)
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.Detail(ctx, a, id)
}

// CreateIn records a lead inside the caller's transaction.
func (s *Service) CreateIn(ctx context.Context, w *audit.W, in LeadInput) (int64, error) {
	a := w.Actor()
	if err := auth.Require(a, auth.ManageLeads); err != nil {
		return 0, err
	}
	cfg, err := s.current(ctx)
	if err != nil {
		return 0, err
	}
	st := &leadState{Quality: "B"}
	st.apply(&in)
	team, err := s.validate(ctx, w, a, st, 0)
	if err != nil {
		return 0, err
	}
	day := today(w.Now())
	stage, stageOn := StageClue, day
	f := errs.Fields{}
	if in.Stage != nil && *in.Stage != "" {
		if stage = stageByName(strings.TrimSpace(*in.Stage)); stage == "" {
			f.Add("stage", "阶段应为线索、接洽、考察、洽谈、签约、注册、开工或投产", "unknown stage")
		}
	}
	if in.StageOn != nil && !in.StageOn.IsZero() {
		stageOn = *in.StageOn
		if stageOn.After(day) {
			f.Add("stage_on", "进入阶段的日期不能晚于今天", "stage_on may not be in the future")
		} else if stageOn.Year() < 2000 {
			f.Add("stage_on", "进入阶段的日期应在2000年以后", "stage_on must be after 2000")
		}
	}
	if err := f.Err(); err != nil {
		return 0, err
	}
	rank := StageRank(stage)
	var signedOn, startedOn calendar.Date
	if rank >= StageRank(StageSigned) {
		signedOn = stageOn
	}
	if rank >= StageRank(StageStarted) {
		startedOn = stageOn
	}
	light, reason := s.lightOf(cfg, stage, stageOn, day, false)
	now := w.Now()
	var id int64
	err = w.QueryRowContext(ctx, `INSERT INTO invest_leads (code, company, chain_id, source, contact_name, contact_phone,
		planned_amount, quality, team_id, team_path, town_id, owner_id, next_action, next_action_on, stage, stage_rank, stage_on,
		active_on, signed_on, started_on, target_start_on, light, light_reason, notes, created_by, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17, $18, $19, $20, $21, $22, $23, $24, $25, $25)
		RETURNING id`,
		st.Code, st.Company, nullID(st.ChainID), st.Source, st.ContactName, st.ContactPhone, st.PlannedAmount, st.Quality,
		st.TeamID, team.Path, nullID(st.TownID), nullID(st.OwnerID), st.NextAction, dateArg(st.NextActionOn), stage, rank,
		stageOn.String(), dateArg(signedOn), dateArg(startedOn), dateArg(st.TargetStartOn), light, reason, st.Notes,
		nullID(a.UserID), now).Scan(&id)
	if err != nil {
		if db.IsUniqueViolation(err) {
			f.Add("code", "线索编号“"+st.Code+"”在本专班已被使用", "code is already used in this team")
			return 0, f.Err()
		}
		return 0, err
	}
	if err := event(ctx, w, id, "create", "", stage, stageOn, "", ""); err != nil {
		return 0, err
	}
	return id, w.Record(audit.Entry{Action: "invest.lead.create", ObjectType: "invest_lead", ObjectID: idStr(id),
		Summary: "录入招商线索“" + st.Company + "”", After: st})
}

// event writes a line of a lead's timeline.
func event(ctx context.Context, w *audit.W, leadID int64, kind, from, to string, day calendar.Date, note, reason string) error {
	a := w.Actor()
	var uid int64
	if a != nil {
		uid = a.UserID
	}
	_, err := w.ExecContext(ctx, `INSERT INTO invest_lead_events (lead_id, kind, from_stage, to_stage, on_day, note, reason, actor_id, actor_name, at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, leadID, kind, from, to, day.String(), note, reason, nullID(uid), actorName(a), w.Now())
	return err
}

// stateOf is the stored lead as write rules see it.
func stateOf(l *Lead) *leadState {
	st := &leadState{Code: l.Code, Company: l.Company, Source: l.Source, ContactName: l.ContactName, ContactPhone: l.ContactPhone,
		Quality: l.Quality, NextAction: l.NextAction, Notes: l.Notes, TeamID: l.Team.ID, OwnerID: l.ownerID,
		PlannedAmount: l.PlannedAmount, NextActionOn: l.NextActionOn, TargetStartOn: l.TargetStartOn}
	if l.Chain != nil {
		st.ChainID = l.Chain.ID
	}
	if l.Town != nil {
		st.TownID = l.Town.ID
	}
	return st
}

// lockLead reads a lead for a change inside w, checking the permission
// and scope.
func (s *Service) lockLead(ctx context.Context, w *audit.W, id int64) (*Lead, error) {
	a := w.Actor()
	l, err := s.load(ctx, w, a, id)
	if err != nil {
		return nil, err
	}
	if err := auth.Require(a, auth.ManageLeads); err != nil {
		return nil, err
	}
	if s.DB.Dialect == db.Postgres {
		if _, err := w.ExecContext(ctx, `SELECT id FROM invest_leads WHERE id = $1 FOR UPDATE`, id); err != nil {
			return nil, err
		}
	}
	return l, nil
}

// Update changes a lead's details (not its stage: Move does that).
func (s *Service) Update(ctx context.Context, a *auth.Actor, id int64, in LeadInput) (*Detail, error) {
	if in.Stage != nil || in.StageOn != nil {
		f := errs.Fields{}
		f.Add("stage", "阶段请通过“推进阶段”变更", "change the stage with a move")
		return nil, f.Err()
	}
	err := s.Audit.Write(ctx, a, func(w *audit.W) error {
		changed, err := s.updateIn(ctx, w, id, in)
		if err == nil && !changed {
			return errUnchanged // nothing to write, nothing to record
		}
		return err
	})
	if err != nil && !errors.Is(err, errUnchanged) {
		return nil, err
	}
	return s.Detail(ctx, a, id)
}

var errUnchanged = errors.New("unchanged")

// updateIn is Update inside the caller's transaction; it reports whether
// anything changed (nothing is written otherwise).
func (s *Service) updateIn(ctx context.Context, w *audit.W, id int64, in LeadInput) (bool, error) {
	a := w.Actor()
	var changed bool
	err := func() error {
		l, err := s.lockLead(ctx, w, id)
		if err != nil {
			return err
		}
		before := stateOf(l)
		st := stateOf(l)
		st.apply(&in)
		team, err := s.validate(ctx, w, a, st, id)
		if err != nil {
			return err
		}
		if *st == *before {
			return nil
		}
		changed = true
		day := today(w.Now())
		activeOn := l.ActiveOn
		if st.NextAction != before.NextAction || !st.NextActionOn.Equal(before.NextActionOn) {
			activeOn = day // a new next step is work on the lead
		}
		cfg, err := s.current(ctx)
		if err != nil {
			return err
		}
		light, reason := s.lightOf(cfg, l.Stage, activeOn, day, l.ProjectID != nil)
		if _, err := w.ExecContext(ctx, `UPDATE invest_leads SET code = $1, company = $2, chain_id = $3, source = $4, contact_name = $5,
			contact_phone = $6, planned_amount = $7, quality = $8, team_id = $9, team_path = $10, town_id = $11, owner_id = $12,
			next_action = $13, next_action_on = $14, target_start_on = $15, notes = $16, active_on = $17, light = $18, light_reason = $19,
			updated_at = $20 WHERE id = $21`,
			st.Code, st.Company, nullID(st.ChainID), st.Source, st.ContactName, st.ContactPhone, st.PlannedAmount, st.Quality,
			st.TeamID, team.Path, nullID(st.TownID), nullID(st.OwnerID), st.NextAction, dateArg(st.NextActionOn),
			dateArg(st.TargetStartOn), st.Notes, activeOn.String(), light, reason, w.Now(), id); err != nil {
			if db.IsUniqueViolation(err) {
				f := errs.Fields{}
				f.Add("code", "线索编号“"+st.Code+"”在本专班已被使用", "code is already used in this team")
				return f.Err()
			}
			return err
		}
		if err := event(ctx, w, id, "edit", "", "", day, changedFields(before, st), ""); err != nil {
			return err
		}
		return w.Record(audit.Entry{Action: "invest.lead.update", ObjectType: "invest_lead", ObjectID: idStr(id),
			Summary: "修改招商线索“" + st.Company + "”", Before: before, After: st})
	}()
	return changed, err
}

// changedFields names what an edit changed, for the timeline.
func changedFields(a, b *leadState) string {
	var out []string
	add := func(changed bool, name string) {
		if changed {
			out = append(out, name)
		}
	}
	add(a.Company != b.Company, "企业名称")
	add(a.Code != b.Code, "线索编号")
	add(a.ChainID != b.ChainID, "产业链")
	add(a.Source != b.Source, "来源")
	add(a.ContactName != b.ContactName || a.ContactPhone != b.ContactPhone, "联系人")
	add(a.PlannedAmount != b.PlannedAmount, "计划投资")
	add(a.Quality != b.Quality, "信息质量")
	add(a.TeamID != b.TeamID || a.OwnerID != b.OwnerID, "责任专班/责任人")
	add(a.TownID != b.TownID, "落地乡镇")
	add(a.NextAction != b.NextAction || !a.NextActionOn.Equal(b.NextActionOn), "下一步工作")
	add(!a.TargetStartOn.Equal(b.TargetStartOn), "计划开工日期")
	add(a.Notes != b.Notes, "备注")
	if len(out) == 0 {
		return "未修改内容"
	}
	return "修改了" + strings.Join(out, "、")
}

// Phone returns the unmasked contact phone and records that it was seen.
func (s *Service) Phone(ctx context.Context, a *auth.Actor, id int64) (string, error) {
	l, err := s.load(ctx, s.DB.R, a, id)
	if err != nil {
		return "", err
	}
	if err := auth.Require(a, auth.ViewPhone); err != nil {
		return "", err
	}
	if err := s.Audit.Append(ctx, a, audit.Entry{Action: "invest.lead.phone", ObjectType: "invest_lead", ObjectID: idStr(id),
		Summary: "查看招商线索“" + l.Company + "”联系人电话"}); err != nil {
		return "", err
	}
	return l.ContactPhone, nil
}

// Get returns a lead as a reader sees it.
func (s *Service) Get(ctx context.Context, a *auth.Actor, id int64) (*Lead, error) {
	l, err := s.load(ctx, s.DB.Read, a, id)
	if err != nil {
		return nil, err
	}
	s.present(a, l, today(s.Clock.Now()))
	return l, nil
}

// Detail is the lead page: the lead, its timeline, its schedule and what
// the reader may do.
func (s *Service) Detail(ctx context.Context, a *auth.Actor, id int64) (*Detail, error) {
	l, err := s.Get(ctx, a, id)
	if err != nil {
		return nil, err
	}
	d := &Detail{Lead: *l, Can: []string{}}
	if d.Events, err = s.events(ctx, id); err != nil {
		return nil, err
	}
	if d.Plan, err = s.plan(ctx, l); err != nil {
		return nil, err
	}
	if a.Can(auth.ManageLeads) {
		d.Can = append(d.Can, "edit", "move")
		if l.ProjectID == nil && StageRank(l.Stage) >= StageRank(StageSigned) && a.Can(auth.ManageProjects) {
			d.Can = append(d.Can, "convert")
		}
	}
	if a.Can(auth.ViewPhone) {
		d.Can = append(d.Can, "phone")
	}
	return d, nil
}

func (s *Service) events(ctx context.Context, id int64) ([]Event, error) {
	rows, err := s.DB.Read.QueryContext(ctx, `SELECT id, kind, from_stage, to_stage, on_day, note, reason, actor_name, at
		FROM invest_lead_events WHERE lead_id = $1 ORDER BY at, id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Event{}
	for rows.Next() {
		var e Event
		var on nullDate
		if err := rows.Scan(&e.ID, &e.Kind, &e.FromStage, &e.ToStage, &on, &e.Note, &e.Reason, &e.ActorName, &e.At); err != nil {
			return nil, err
		}
		e.OnDay = on.D
		out = append(out, e)
	}
	return out, rows.Err()
}

// plan is the reverse schedule of a converted lead with the project's
// actual dates by node name.
func (s *Service) plan(ctx context.Context, l *Lead) ([]PlanNode, error) {
	out := []PlanNode{}
	if l.ProjectID == nil {
		return out, nil
	}
	rows, err := s.DB.Read.QueryContext(ctx, `SELECT p.name, p.offset_days, p.planned_on,
		(SELECT MIN(m.actual_on) FROM project_milestones m WHERE m.project_id = $2 AND m.name = p.name)
		FROM invest_lead_plan p WHERE p.lead_id = $1 ORDER BY p.sort_order`, l.ID, *l.ProjectID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	day := today(s.Clock.Now())
	for rows.Next() {
		var n PlanNode
		var planned, actual nullDate
		if err := rows.Scan(&n.Name, &n.OffsetDays, &planned, &actual); err != nil {
			return nil, err
		}
		n.PlannedOn, n.ActualOn = planned.D, actual.D
		n.Late = (!n.ActualOn.IsZero() && n.ActualOn.After(n.PlannedOn)) || (n.ActualOn.IsZero() && n.PlannedOn.Before(day))
		out = append(out, n)
	}
	return out, rows.Err()
}

// listSorts are the orders the list offers.
var listSorts = map[string]string{
	"": "l.updated_at DESC, l.id DESC", "-updated": "l.updated_at DESC, l.id DESC", "updated": "l.updated_at, l.id",
	"amount": "l.planned_amount, l.id", "-amount": "l.planned_amount DESC, l.id DESC",
	"stage": "l.stage_rank, l.id", "-stage": "l.stage_rank DESC, l.id DESC",
	"idle": "l.active_on DESC, l.id DESC", "-idle": "l.active_on, l.id",
	"company": "l.company, l.id", "next_action_on": "l.next_action_on, l.id",
}

// where builds the list's condition.
func (f Filter) where(a *auth.Actor, args *db.Args) (string, error) {
	scope, sargs := a.ScopeFilter("l.team_path", len(*args)+1)
	*args = append(*args, sargs...)
	conds := []string{scope}
	fe := errs.Fields{}
	if len(f.Stages) > 0 {
		ranks := make([]string, 0, len(f.Stages))
		for _, st := range f.Stages {
			r := StageRank(st)
			if r < 0 {
				fe.Add("stage", "未知阶段“"+st+"”", "unknown stage "+st)
				continue
			}
			ranks = append(ranks, args.Add(r))
		}
		if len(ranks) > 0 {
			conds = append(conds, "l.stage_rank IN ("+strings.Join(ranks, ", ")+")")
		}
	}
	if len(f.Lights) > 0 {
		ls := make([]string, 0, len(f.Lights))
		for _, x := range f.Lights {
			if !slices.Contains([]string{LightGreen, LightYellow, LightRed, LightNone}, x) {
				fe.Add("light", "灯色应为green、yellow、red或none", "light must be green, yellow, red or none")
				continue
			}
			ls = append(ls, args.Add(x))
		}
		if len(ls) > 0 {
			conds = append(conds, "l.light IN ("+strings.Join(ls, ", ")+")")
		}
	}
	if len(f.Qualities) > 0 {
		qs := make([]string, 0, len(f.Qualities))
		for _, x := range f.Qualities {
			qs = append(qs, args.Add(strings.ToUpper(x)))
		}
		conds = append(conds, "l.quality IN ("+strings.Join(qs, ", ")+")")
	}
	if f.ChainID != 0 {
		conds = append(conds, "l.chain_id = "+args.Add(f.ChainID))
	}
	if f.TeamID != 0 {
		conds = append(conds, "l.team_id = "+args.Add(f.TeamID))
	}
	if f.Q != "" {
		p := args.Add(db.Like(f.Q))
		conds = append(conds, "(l.company LIKE "+p+" OR l.code LIKE "+p+")")
	}
	return strings.Join(conds, " AND "), fe.Err()
}

// List pages the leads in scope.
func (s *Service) List(ctx context.Context, a *auth.Actor, f Filter, p httpx.Page) ([]Lead, int, error) {
	if err := auth.Require(a, auth.ViewInvest); err != nil {
		return nil, 0, err
	}
	order, ok := listSorts[p.Sort]
	if !ok {
		fe := errs.Fields{}
		fe.Add("sort", "不支持的排序方式", "unsupported sort")
		return nil, 0, fe.Err()
	}
	var args db.Args
	where, err := f.where(a, &args)
	if err != nil {
		return nil, 0, err
	}
	var total int
	if err := s.DB.Read.QueryRowContext(ctx, `SELECT COUNT(*) FROM invest_leads l WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	q := `SELECT ` + leadColumns + leadFrom + ` WHERE ` + where + ` ORDER BY ` + order
	if p.Size > 0 {
		q += ` LIMIT ` + args.Add(p.Limit()) + ` OFFSET ` + args.Add(p.Offset())
	}
	rows, err := s.DB.Read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	day := today(s.Clock.Now())
	out := []Lead{}
	for rows.Next() {
		l, err := scanLead(rows)
		if err != nil {
			return nil, 0, err
		}
		s.present(a, l, day)
		out = append(out, *l)
	}
	return out, total, rows.Err()
}

// nullTimeArg stores an optional time.
func nullTimeArg(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}
