package projects

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode/utf8"

	"diaodu/internal/org"
	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/calendar"
	"diaodu/internal/platform/db"
	"diaodu/internal/platform/errs"
)

// MaxInvestment bounds any amount: 1万亿元 is beyond any county project.
const MaxInvestment int64 = 1_000_000_000_000

// state is a project's editable fields: Input applied onto it.
type state struct {
	Name, Code, Category, OwnerName, Address, Phase     string
	ContactName, ContactPhone, Description              string
	Years                                               []int
	ChainID, TownID, UnitID, EnterpriseID, LeaderUserID int64
	LeadID                                              *int64
	Lat, Lng                                            *float64
	Total, YearPlan                                     int64
	PlanYear                                            int
	MonthPlan                                           []int64 // nil: even split
	StartOn, EndOn                                      calendar.Date
	Members                                             []MemberInput
	idForDup                                            int64 // the project being patched (0 on create)
}

func (st *state) apply(in *Input) {
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = strings.TrimSpace(*src)
		}
	}
	set(&st.Name, in.Name)
	set(&st.Code, in.Code)
	set(&st.Category, in.Category)
	set(&st.OwnerName, in.OwnerName)
	set(&st.Address, in.Address)
	set(&st.Phase, in.Phase)
	set(&st.ContactName, in.ContactName)
	set(&st.Description, in.Description)
	if in.ContactPhone != nil {
		p := strings.TrimSpace(*in.ContactPhone)
		if !(strings.Contains(p, "*") && p == maskPhone(st.ContactPhone)) {
			st.ContactPhone = p
		}
	}
	if in.Years != nil {
		st.Years = uniqInts(*in.Years)
	}
	id := func(dst *int64, src *int64) {
		if src != nil {
			*dst = *src
		}
	}
	id(&st.ChainID, in.ChainID)
	id(&st.TownID, in.TownID)
	id(&st.UnitID, in.UnitID)
	id(&st.EnterpriseID, in.EnterpriseID)
	id(&st.LeaderUserID, in.LeaderUserID)
	if in.LeadID != nil {
		v := *in.LeadID
		st.LeadID = &v
		if v == 0 {
			st.LeadID = nil
		}
	}
	if in.Lat != nil || in.Lng != nil {
		st.Lat, st.Lng = in.Lat, in.Lng
	}
	id(&st.Total, in.TotalInvestment)
	id(&st.YearPlan, in.YearPlanInvestment)
	if in.PlanYear != nil {
		st.PlanYear = *in.PlanYear
	}
	if in.MonthPlan != nil {
		st.MonthPlan = nil
		if len(*in.MonthPlan) > 0 {
			st.MonthPlan = append([]int64{}, *in.MonthPlan...)
		}
	}
	if in.StartOn != nil {
		st.StartOn = *in.StartOn
	}
	if in.EndOn != nil {
		st.EndOn = *in.EndOn
	}
	if in.Members != nil {
		st.Members = append([]MemberInput{}, *in.Members...)
	}
}

func uniqInts(xs []int) []int {
	out := []int{}
	for _, x := range xs {
		dup := false
		for _, o := range out {
			dup = dup || o == x
		}
		if !dup {
			out = append(out, x)
		}
	}
	return out
}

type unitInfo struct {
	ID         int64
	Name, Path string
	Kind       string
	Active     bool
}

func loadUnit(ctx context.Context, q querier, id int64) (*unitInfo, error) {
	u := &unitInfo{ID: id}
	err := q.QueryRowContext(ctx, `SELECT name, path, kind, active FROM units WHERE id = $1`, id).Scan(&u.Name, &u.Path, &u.Kind, &u.Active)
	if isNoRows(err) {
		return nil, nil
	}
	return u, err
}

// refs are the units and users a project names, checked by validate.
type refs struct {
	Town, Unit *unitInfo
}

// validate checks st for the actor; every bad field is reported at once.
func (s *Service) validate(ctx context.Context, q querier, a *auth.Actor, st *state, cfg Settings, creating bool) (*refs, error) {
	f := errs.Fields{}
	r := &refs{}
	if st.Name == "" {
		f.Add("name", "项目名称不能为空", "name is required")
	} else if utf8.RuneCountInString(st.Name) > 100 {
		f.Add("name", "项目名称不能超过100个字", "name may not exceed 100 characters")
	}
	if utf8.RuneCountInString(st.Code) > 40 {
		f.Add("code", "项目编号不能超过40个字符", "code may not exceed 40 characters")
	} else if st.Code != "" {
		var n int
		if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM projects WHERE code = $1 AND id <> $2`, st.Code, st.idForDup).Scan(&n); err != nil {
			return nil, err
		}
		if n > 0 {
			f.Add("code", "项目编号“"+st.Code+"”已被其他项目使用", "code "+st.Code+" is already used")
		}
	}
	if st.Category != "" && !contains(cfg.Categories, st.Category) {
		f.Add("category", "项目类别应为："+strings.Join(cfg.Categories, "、"), "category must be one of "+strings.Join(cfg.Categories, ", "))
	}
	if PhaseName(st.Phase) == st.Phase {
		f.Add("phase", "建设阶段应为前期、新开工、续建、竣工或投产", "phase must be prep, new, continued, completed or producing")
	}
	// Amounts.
	switch {
	case st.Total <= 0:
		f.Add("total_investment", "总投资应大于0元", "total_investment must be positive")
	case st.Total > MaxInvestment:
		f.Add("total_investment", "总投资超过1万亿元，请核对单位（元）", "total_investment exceeds 1 trillion yuan; check the unit (yuan)")
	}
	switch {
	case st.YearPlan < 0:
		f.Add("year_plan_investment", "年度计划投资不能为负数", "year_plan_investment may not be negative")
	case st.Total > 0 && st.YearPlan > st.Total:
		f.Add("year_plan_investment", "年度计划投资（"+wan(st.YearPlan)+"）不能大于总投资（"+wan(st.Total)+"）",
			"year_plan_investment may not exceed total_investment")
	}
	if st.PlanYear < 2000 || st.PlanYear > 2100 {
		f.Add("plan_year", "计划年度应为2000到2100年", "plan_year must be 2000 to 2100")
	}
	if st.MonthPlan != nil {
		var sum int64
		bad := len(st.MonthPlan) != 12
		for _, v := range st.MonthPlan {
			bad = bad || v < 0 || v > MaxInvestment
			sum += v
		}
		switch {
		case bad:
			f.Add("month_plan", "月度计划应为12个不小于0的金额", "month_plan must be 12 non-negative amounts")
		case sum != st.YearPlan:
			f.Add("month_plan", "月度计划合计（"+wan(sum)+"）应等于年度计划投资（"+wan(st.YearPlan)+"）",
				"month_plan must add up to year_plan_investment")
		}
	}
	if len(st.Years) == 0 {
		f.Add("years", "请选择列入的年度", "years are required")
	}
	for _, y := range st.Years {
		if y < 2000 || y > 2100 {
			f.Add("years", "列入年度应为2000到2100年", "years must be 2000 to 2100")
			break
		}
	}
	if (st.Lat == nil) != (st.Lng == nil) {
		f.Add("lat", "经纬度须同时填写或同时留空", "lat and lng go together")
	} else if st.Lat != nil && (math.IsNaN(*st.Lat) || *st.Lat < -90 || *st.Lat > 90 || math.IsNaN(*st.Lng) || *st.Lng < -180 || *st.Lng > 180) {
		f.Add("lat", "经纬度超出范围（纬度-90到90，经度-180到180）", "lat must be -90..90 and lng -180..180")
	}
	if !st.StartOn.IsZero() && !st.EndOn.IsZero() && st.EndOn.Before(st.StartOn) {
		f.Add("end_on", "建设期结束日期不能早于开始日期", "end_on may not be before start_on")
	}
	if utf8.RuneCountInString(st.ContactPhone) > 30 {
		f.Add("contact_phone", "联系电话不能超过30个字符", "contact_phone may not exceed 30 characters")
	}
	if utf8.RuneCountInString(st.Address) > 200 || utf8.RuneCountInString(st.OwnerName) > 100 || utf8.RuneCountInString(st.Description) > 2000 {
		f.Add("description", "地址、业主或简介过长", "address, owner or description too long")
	}
	// Town and responsible unit, and the actor's scope.
	var err error
	if st.TownID == 0 {
		f.Add("town_id", "请选择所在乡镇", "town_id is required")
	} else if r.Town, err = loadUnit(ctx, q, st.TownID); err != nil {
		return nil, err
	} else if r.Town == nil || !r.Town.Active {
		f.Add("town_id", "所在乡镇不存在或已停用", "town_id does not exist")
		r.Town = nil
	} else if r.Town.Kind != org.KindTown {
		f.Add("town_id", "“"+r.Town.Name+"”不是乡镇（街道）", r.Town.Name+" is not a town")
	}
	if st.UnitID == 0 {
		f.Add("unit_id", "请选择责任单位", "unit_id is required")
	} else if r.Unit, err = loadUnit(ctx, q, st.UnitID); err != nil {
		return nil, err
	} else if r.Unit == nil || !r.Unit.Active {
		f.Add("unit_id", "责任单位不存在或已停用", "unit_id does not exist")
		r.Unit = nil
	}
	if r.Town != nil && r.Unit != nil && !a.DistrictWide() && !a.InScope(r.Town.Path) {
		deptInScope := a.InScope(r.Unit.Path) && r.Unit.Kind != org.KindTown && r.Unit.Kind != org.KindVillage
		if !deptInScope {
			f.Add("town_id", "“"+r.Town.Name+"”不在您的管辖范围内", r.Town.Name+" is outside your scope")
		}
	}
	if r.Unit != nil && !a.DistrictWide() && !a.InScope(r.Unit.Path) && (r.Town == nil || !a.InScope(r.Town.Path)) {
		f.Add("unit_id", "责任单位“"+r.Unit.Name+"”不在您的管辖范围内", r.Unit.Name+" is outside your scope")
	}
	// Chain, enterprise, leader.
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
	if err := exists("enterprise_id", "业主企业不在企业库中", "enterprise_id does not exist",
		`SELECT COUNT(*) FROM enterprises WHERE id = $1`, st.EnterpriseID); err != nil {
		return nil, err
	}
	if st.LeaderUserID != 0 {
		var roles string
		var active bool
		err := q.QueryRowContext(ctx, `SELECT roles, active FROM users WHERE id = $1`, st.LeaderUserID).Scan(&roles, &active)
		switch {
		case isNoRows(err) || (err == nil && !active):
			f.Add("leader_user_id", "包联领导不存在或已停用", "leader_user_id does not exist")
		case err != nil:
			return nil, err
		case !contains(strings.Split(roles, ","), string(auth.Leader)):
			f.Add("leader_user_id", "包联领导应为区领导", "the liaison leader must be a district leader")
		}
	}
	for i, m := range st.Members {
		field := fmt.Sprintf("members.%d", i)
		if (m.UserID == nil || *m.UserID == 0) && strings.TrimSpace(m.Name) == "" {
			f.Add(field, fmt.Sprintf("专班第%d位成员须选择用户或填写姓名", i+1), "a member needs a user or a name")
			continue
		}
		if m.UserID != nil && *m.UserID != 0 {
			if err := exists(field, fmt.Sprintf("专班第%d位成员的用户不存在", i+1), "member user does not exist",
				`SELECT COUNT(*) FROM users WHERE id = $1 AND active`, *m.UserID); err != nil {
				return nil, err
			}
		}
		if m.UnitID != nil && *m.UnitID != 0 {
			if err := exists(field, fmt.Sprintf("专班第%d位成员的单位不存在", i+1), "member unit does not exist",
				`SELECT COUNT(*) FROM units WHERE id = $1`, *m.UnitID); err != nil {
				return nil, err
			}
		}
	}
	_ = creating
	return r, f.Err()
}

// checkMilestones validates a plan: names, and no actual date after today.
func checkMilestones(ms []MilestoneInput, day calendar.Date) error {
	f := errs.Fields{}
	seen := map[string]bool{}
	if len(ms) > 30 {
		f.Add("milestones", "节点不能超过30个", "at most 30 milestones")
	}
	for i, m := range ms {
		field := fmt.Sprintf("milestones.%d", i)
		name := strings.TrimSpace(m.Name)
		switch {
		case name == "":
			f.Add(field, fmt.Sprintf("第%d个节点名称不能为空", i+1), "milestone name is required")
		case utf8.RuneCountInString(name) > 30:
			f.Add(field, fmt.Sprintf("节点“%s”名称不能超过30个字", name), "milestone name may not exceed 30 characters")
		case seen[name]:
			f.Add(field, fmt.Sprintf("节点“%s”重复", name), "duplicate milestone "+name)
		case !m.Actual.IsZero() && m.Actual.After(day):
			f.Add(field, fmt.Sprintf("节点“%s”的实际完成日期（%s）不能晚于今天", name, m.Actual), "actual date of "+name+" is in the future")
		}
		seen[name] = true
	}
	return f.Err()
}

// reserveCode allocates XM2026-0001 style codes.
func reserveCode(ctx context.Context, w *audit.W, year int) (string, error) {
	var last int
	err := w.QueryRowContext(ctx, `INSERT INTO number_seqs (name, year, last) VALUES ('project', $1, 1)
		ON CONFLICT (name, year) DO UPDATE SET last = number_seqs.last + 1 RETURNING last`, year).Scan(&last)
	return fmt.Sprintf("XM%d-%04d", year, last), err
}

func monthPlanText(mp []int64) string {
	if mp == nil {
		return ""
	}
	b, _ := json.Marshal(mp)
	return string(b)
}

// Create validates and writes a project in its own transaction.
func (s *Service) Create(ctx context.Context, a *auth.Actor, in Input) (*Project, error) {
	var out *Project
	err := s.Audit.Write(ctx, a, func(w *audit.W) error {
		p, err := s.CreateIn(ctx, w, a, in)
		out = p
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, a, out.ID)
}

// CreateIn validates, checks permission and scope and writes a project
// inside the caller's transaction (the investment module converts a signed
// lead this way). The returned project has its id, code and light.
func (s *Service) CreateIn(ctx context.Context, w *audit.W, a *auth.Actor, in Input) (*Project, error) {
	if err := auth.Require(a, auth.ManageProjects); err != nil {
		return nil, err
	}
	cfg, err := s.current(ctx)
	if err != nil {
		return nil, err
	}
	day := today(w.Now())
	st := &state{Phase: PhasePrep, PlanYear: day.Year()}
	if in.PlanYear == nil && in.Years != nil && len(*in.Years) > 0 {
		st.PlanYear = (*in.Years)[len(*in.Years)-1]
	}
	st.apply(&in)
	if in.Years == nil {
		st.Years = []int{st.PlanYear}
	}
	if st.Category == "" && len(cfg.Categories) > 0 {
		st.Category = cfg.Categories[0]
	}
	ms := in.Milestones
	if len(ms) == 0 {
		for _, n := range StandardMilestones {
			ms = append(ms, MilestoneInput{Name: n})
		}
	}
	r, err := s.validate(ctx, w, a, st, cfg, true)
	if err != nil {
		return nil, err
	}
	if err := checkMilestones(ms, day); err != nil {
		return nil, err
	}
	if st.Code == "" {
		if st.Code, err = reserveCode(ctx, w, st.PlanYear); err != nil {
			return nil, err
		}
	}
	now := w.Now()
	var id int64
	err = w.QueryRowContext(ctx, `INSERT INTO projects (name, code, town_id, town_path, unit_id, unit_path, category, chain_id, phase,
		enterprise_id, owner_name, leader_user_id, lead_id, address, lat, lng, total_investment, year_plan_investment, plan_year,
		month_plan, start_on, end_on, contact_name, contact_phone, description, started, light_since, created_by, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25,
		$26, $27, $28, $29, $29) RETURNING id`,
		st.Name, st.Code, st.TownID, r.Town.Path, st.UnitID, r.Unit.Path, st.Category, db.NullID(st.ChainID), st.Phase,
		db.NullID(st.EnterpriseID), st.OwnerName, db.NullID(st.LeaderUserID), leadArg(st.LeadID), st.Address, nullFloat(st.Lat), nullFloat(st.Lng),
		st.Total, st.YearPlan, st.PlanYear, monthPlanText(st.MonthPlan), dateArg(st.StartOn), dateArg(st.EndOn), st.ContactName,
		st.ContactPhone, st.Description, st.Phase != PhasePrep, now, db.NullID(a.UserID), now).Scan(&id)
	if err != nil {
		if db.IsUniqueViolation(err) {
			f := errs.Fields{}
			f.Add("code", "项目编号“"+st.Code+"”已被其他项目使用", "code "+st.Code+" is already used")
			return nil, f.Err()
		}
		return nil, err
	}
	if err := writeYears(ctx, w, id, st.Years); err != nil {
		return nil, err
	}
	if err := writeMembers(ctx, w, id, st.Members); err != nil {
		return nil, err
	}
	for i, m := range ms {
		if _, err := w.ExecContext(ctx, `INSERT INTO project_milestones (project_id, name, planned_on, actual_on, note, sort_order)
			VALUES ($1, $2, $3, $4, $5, $6)`, id, strings.TrimSpace(m.Name), dateArg(m.Planned), dateArg(m.Actual), m.Note, i); err != nil {
			return nil, err
		}
	}
	if err := s.refresh(ctx, w, []int64{id}); err != nil {
		return nil, err
	}
	if err := w.Record(audit.Entry{Action: "project.create", ObjectType: "project", ObjectID: idStr(id), UnitID: st.UnitID,
		Summary: "新建重点项目“" + st.Name + "”（" + st.Code + "）", After: st}); err != nil {
		return nil, err
	}
	return &Project{ID: id, Name: st.Name, Code: st.Code, Phase: st.Phase}, nil
}

func leadArg(p *int64) any {
	if p == nil {
		return nil
	}
	return *p
}

func writeYears(ctx context.Context, w *audit.W, id int64, years []int) error {
	if _, err := w.ExecContext(ctx, `DELETE FROM project_years WHERE project_id = $1`, id); err != nil {
		return err
	}
	for _, y := range years {
		if _, err := w.ExecContext(ctx, `INSERT INTO project_years (project_id, year) VALUES ($1, $2)`, id, y); err != nil {
			return err
		}
	}
	return nil
}

func writeMembers(ctx context.Context, w *audit.W, id int64, ms []MemberInput) error {
	if _, err := w.ExecContext(ctx, `DELETE FROM project_members WHERE project_id = $1`, id); err != nil {
		return err
	}
	for i, m := range ms {
		var uid, unit int64
		if m.UserID != nil {
			uid = *m.UserID
		}
		if m.UnitID != nil {
			unit = *m.UnitID
		}
		name := strings.TrimSpace(m.Name)
		if name == "" && uid != 0 {
			if err := w.QueryRowContext(ctx, `SELECT real_name, unit_id FROM users WHERE id = $1`, uid).Scan(&name, &unit); err != nil {
				return err
			}
			if m.UnitID != nil && *m.UnitID != 0 {
				unit = *m.UnitID
			}
		}
		if _, err := w.ExecContext(ctx, `INSERT INTO project_members (project_id, user_id, unit_id, name, duty, phone, sort_order)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, id, db.NullID(uid), db.NullID(unit), name, strings.TrimSpace(m.Duty),
			strings.TrimSpace(m.Phone), i); err != nil {
			return err
		}
	}
	return nil
}

// stateOf reads a project's editable fields for a patch.
func stateOf(ctx context.Context, q querier, id int64) (*state, error) {
	st := &state{idForDup: id}
	var chain, ent, leader, lead sql.NullInt64
	var lat, lng sql.NullFloat64
	var mp string
	err := q.QueryRowContext(ctx, `SELECT name, code, category, owner_name, address, phase, contact_name, contact_phone, description,
		chain_id, town_id, unit_id, enterprise_id, leader_user_id, lead_id, lat, lng, total_investment, year_plan_investment, plan_year,
		month_plan, start_on, end_on FROM projects WHERE id = $1`, id).Scan(&st.Name, &st.Code, &st.Category, &st.OwnerName, &st.Address,
		&st.Phase, &st.ContactName, &st.ContactPhone, &st.Description, &chain, &st.TownID, &st.UnitID, &ent, &leader, &lead, &lat, &lng,
		&st.Total, &st.YearPlan, &st.PlanYear, &mp, &st.StartOn, &st.EndOn)
	if err != nil {
		return nil, err
	}
	st.ChainID, st.EnterpriseID, st.LeaderUserID = chain.Int64, ent.Int64, leader.Int64
	if lead.Valid {
		v := lead.Int64
		st.LeadID = &v
	}
	st.Lat, st.Lng = floatPtr(lat), floatPtr(lng)
	if mp != "" {
		_ = json.Unmarshal([]byte(mp), &st.MonthPlan)
	}
	rows, err := q.QueryContext(ctx, `SELECT year FROM project_years WHERE project_id = $1 ORDER BY year`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var y int
		if err := rows.Scan(&y); err != nil {
			return nil, err
		}
		st.Years = append(st.Years, y)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	mrows, err := q.QueryContext(ctx, `SELECT user_id, unit_id, name, duty, phone FROM project_members WHERE project_id = $1 ORDER BY sort_order, id`, id)
	if err != nil {
		return nil, err
	}
	defer mrows.Close()
	for mrows.Next() {
		var uid, unit sql.NullInt64
		var m MemberInput
		if err := mrows.Scan(&uid, &unit, &m.Name, &m.Duty, &m.Phone); err != nil {
			return nil, err
		}
		if uid.Valid {
			m.UserID = &uid.Int64
		}
		if unit.Valid {
			m.UnitID = &unit.Int64
		}
		st.Members = append(st.Members, m)
	}
	return st, mrows.Err()
}

// Update patches a project (managers in scope).
func (s *Service) Update(ctx context.Context, a *auth.Actor, id int64, in Input) (*Project, error) {
	err := s.Audit.Write(ctx, a, func(w *audit.W) error {
		changed, err := s.UpdateIn(ctx, w, a, id, in)
		if err == nil && !changed {
			return errUnchanged
		}
		return err
	})
	if err != nil && !errors.Is(err, errUnchanged) {
		return nil, err
	}
	return s.Get(ctx, a, id)
}

// UpdateIn patches a project inside the caller's transaction; it reports
// whether anything changed (an import row equal to the project is left alone).
func (s *Service) UpdateIn(ctx context.Context, w *audit.W, a *auth.Actor, id int64, in Input) (bool, error) {
	if err := auth.Require(a, auth.ManageProjects); err != nil {
		return false, err
	}
	cfg, err := s.current(ctx)
	if err != nil {
		return false, err
	}
	if _, err := s.scoped(ctx, w, a, id); err != nil {
		return false, err
	}
	st, err := stateOf(ctx, w, id)
	if err != nil {
		return false, err
	}
	before := *st
	before.Years, before.Members, before.MonthPlan = slices.Clone(st.Years), slices.Clone(st.Members), slices.Clone(st.MonthPlan)
	st.apply(&in)
	if sameState(&before, st) {
		return false, nil
	}
	r, err := s.validate(ctx, w, a, st, cfg, false)
	if err != nil {
		return false, err
	}
	if st.Code == "" {
		f := errs.Fields{}
		f.Add("code", "项目编号不能为空", "code is required")
		return false, f.Err()
	}
	_, err = w.ExecContext(ctx, `UPDATE projects SET name = $1, code = $2, town_id = $3, town_path = $4, unit_id = $5, unit_path = $6,
		category = $7, chain_id = $8, phase = $9, enterprise_id = $10, owner_name = $11, leader_user_id = $12, lead_id = $13,
		address = $14, lat = $15, lng = $16, total_investment = $17, year_plan_investment = $18, plan_year = $19, month_plan = $20,
		start_on = $21, end_on = $22, contact_name = $23, contact_phone = $24, description = $25, updated_at = $26 WHERE id = $27`,
		st.Name, st.Code, st.TownID, r.Town.Path, st.UnitID, r.Unit.Path, st.Category, db.NullID(st.ChainID), st.Phase,
		db.NullID(st.EnterpriseID), st.OwnerName, db.NullID(st.LeaderUserID), leadArg(st.LeadID), st.Address, nullFloat(st.Lat),
		nullFloat(st.Lng), st.Total, st.YearPlan, st.PlanYear, monthPlanText(st.MonthPlan), dateArg(st.StartOn), dateArg(st.EndOn),
		st.ContactName, st.ContactPhone, st.Description, w.Now(), id)
	if err != nil {
		if db.IsUniqueViolation(err) {
			f := errs.Fields{}
			f.Add("code", "项目编号“"+st.Code+"”已被其他项目使用", "code "+st.Code+" is already used")
			return false, f.Err()
		}
		return false, err
	}
	if in.Years != nil {
		if err := writeYears(ctx, w, id, st.Years); err != nil {
			return false, err
		}
	}
	if in.Members != nil {
		if err := writeMembers(ctx, w, id, st.Members); err != nil {
			return false, err
		}
	}
	if err := s.refresh(ctx, w, []int64{id}); err != nil {
		return false, err
	}
	return true, w.Record(audit.Entry{Action: "project.update", ObjectType: "project", ObjectID: idStr(id), UnitID: st.UnitID,
		Summary: "修改重点项目“" + st.Name + "”", Before: before, After: st})
}

// sameState tells whether a patch changes nothing.
func sameState(a, b *state) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

// Delete removes a project that has no reports yet.
func (s *Service) Delete(ctx context.Context, a *auth.Actor, id int64) error {
	if err := auth.Require(a, auth.ManageProjects); err != nil {
		return err
	}
	return s.Audit.Write(ctx, a, func(w *audit.W) error {
		x, err := s.scoped(ctx, w, a, id)
		if err != nil {
			return err
		}
		var n int
		if err := w.QueryRowContext(ctx, `SELECT COUNT(*) FROM project_reports WHERE project_id = $1`, id).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return errs.Conflictf("项目已有月报，不能删除", "the project has reports and cannot be deleted")
		}
		for _, q := range []string{`DELETE FROM project_photos WHERE project_id = $1`, `DELETE FROM project_coordination WHERE project_id = $1`,
			`DELETE FROM project_milestones WHERE project_id = $1`, `DELETE FROM project_members WHERE project_id = $1`,
			`DELETE FROM project_years WHERE project_id = $1`, `DELETE FROM projects WHERE id = $1`} {
			if _, err := w.ExecContext(ctx, q, id); err != nil {
				return err
			}
		}
		return w.Record(audit.Entry{Action: "project.delete", ObjectType: "project", ObjectID: idStr(id), UnitID: x.UnitID,
			Summary: "删除重点项目“" + x.Name + "”", Before: x})
	})
}

// SaveMilestones replaces the milestone plan (ids keep their rows).
// Managers edit everything; reporters (staff) may only set actual dates.
func (s *Service) SaveMilestones(ctx context.Context, a *auth.Actor, id int64, ms []MilestoneInput) ([]Milestone, error) {
	if !a.Can(auth.ManageProjects) && !a.Can(auth.ReportProjects) {
		return nil, auth.Require(a, auth.ManageProjects)
	}
	day := today(s.Clock.Now())
	if err := checkMilestones(ms, day); err != nil {
		return nil, err
	}
	err := s.Audit.Write(ctx, a, func(w *audit.W) error {
		x, err := s.scoped(ctx, w, a, id)
		if err != nil {
			return err
		}
		old, err := loadMilestones(ctx, w, id)
		if err != nil {
			return err
		}
		byID := map[int64]Milestone{}
		for _, m := range old {
			byID[m.ID] = m
		}
		manager := a.Can(auth.ManageProjects)
		if !manager { // reporters: same nodes, same plan, only actual dates
			f := errs.Fields{}
			if len(ms) != len(old) {
				f.Add("milestones", "只有项目管理员可以增删节点", "only managers add or remove milestones")
			}
			for i, m := range ms {
				o, ok := byID[m.ID]
				if !ok || o.Name != strings.TrimSpace(m.Name) || !o.PlannedOn.Equal(m.Planned) {
					f.Add(fmt.Sprintf("milestones.%d", i), "只有项目管理员可以修改节点名称和计划日期", "only managers change names and planned dates")
				}
			}
			if err := f.Err(); err != nil {
				return err
			}
		}
		keep := map[int64]bool{}
		for i, m := range ms {
			if _, ok := byID[m.ID]; ok && m.ID != 0 {
				keep[m.ID] = true
				if _, err := w.ExecContext(ctx, `UPDATE project_milestones SET name = $1, planned_on = $2, actual_on = $3, note = $4, sort_order = $5
					WHERE id = $6`, strings.TrimSpace(m.Name), dateArg(m.Planned), dateArg(m.Actual), m.Note, i, m.ID); err != nil {
					return err
				}
				continue
			}
			if _, err := w.ExecContext(ctx, `INSERT INTO project_milestones (project_id, name, planned_on, actual_on, note, sort_order)
				VALUES ($1, $2, $3, $4, $5, $6)`, id, strings.TrimSpace(m.Name), dateArg(m.Planned), dateArg(m.Actual), m.Note, i); err != nil {
				return err
			}
		}
		for _, m := range old {
			if !keep[m.ID] {
				if _, err := w.ExecContext(ctx, `DELETE FROM project_milestones WHERE id = $1`, m.ID); err != nil {
					return err
				}
			}
		}
		if _, err := w.ExecContext(ctx, `UPDATE projects SET updated_at = $1 WHERE id = $2`, w.Now(), id); err != nil {
			return err
		}
		if err := s.refresh(ctx, w, []int64{id}); err != nil {
			return err
		}
		return w.Record(audit.Entry{Action: "project.milestones", ObjectType: "project", ObjectID: idStr(id), UnitID: x.UnitID,
			Summary: "修改项目“" + x.Name + "”的节点计划", Before: old, After: ms})
	})
	if err != nil {
		return nil, err
	}
	ms2, err := loadMilestones(ctx, s.DB.R, id)
	if err != nil {
		return nil, err
	}
	cfg, _ := s.current(ctx)
	for i := range ms2 {
		ms2[i].State = s.milestoneState(ms2[i], day, cfg)
	}
	return ms2, nil
}

func loadMilestones(ctx context.Context, q querier, id int64) ([]Milestone, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, name, planned_on, actual_on, note FROM project_milestones WHERE project_id = $1
		ORDER BY sort_order, id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Milestone{}
	for rows.Next() {
		var m Milestone
		if err := rows.Scan(&m.ID, &m.Name, &m.PlannedOn, &m.ActualOn, &m.Note); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}
