package invest

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"diaodu/internal/org"
	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/calendar"
	"diaodu/internal/platform/db"
	"diaodu/internal/platform/errs"
)

// targetKinds are the units that get targets.
var targetKinds = []string{org.KindTaskforce, org.KindTown, org.KindDistrict, org.KindDepartment}

// checkUnit validates a target's or funds' unit and returns it.
func checkUnit(ctx context.Context, q querier, a *auth.Actor, f errs.Fields, id int64) (*unitInfo, error) {
	if id == 0 {
		f.Add("unit_id", "请选择专班或单位", "unit_id is required")
		return nil, nil
	}
	u, err := loadUnit(ctx, q, id)
	if err != nil {
		return nil, err
	}
	if u == nil || !u.Active || !slices.Contains(targetKinds, u.Kind) {
		f.Add("unit_id", "专班或单位不存在或已停用", "unit_id does not exist")
		return nil, nil
	}
	if !a.InScope(u.Path) {
		f.Add("unit_id", "“"+u.Name+"”不在您的管辖范围内", u.Name+" is outside your scope")
		return nil, nil
	}
	return u, nil
}

func checkYear(f errs.Fields, y int) {
	if y < 2000 || y > 2100 {
		f.Add("year", "年度应为2000到2100年", "year must be 2000 to 2100")
	}
}

// maxOf is the largest plausible value of a metric.
func maxOf(metric string) int64 {
	if isMoney(metric) {
		return MaxAmount
	}
	return MaxCount
}

// PutTarget sets (or replaces) a unit's annual target of a metric and its
// monthly split (none: even).
func (s *Service) PutTarget(ctx context.Context, a *auth.Actor, in TargetInput) (*Target, error) {
	if err := auth.Require(a, auth.ManageTargets); err != nil {
		return nil, err
	}
	// The same target again changes nothing (and records nothing).
	var id, annual int64
	var months string
	err := s.DB.R.QueryRowContext(ctx, `SELECT t.id, t.annual, t.months FROM invest_targets t WHERE t.year = $1 AND t.unit_id = $2 AND t.metric = $3`,
		in.Year, in.UnitID, in.Metric).Scan(&id, &annual, &months)
	if err == nil && annual == in.Annual && months == joinMonths(in.Months) {
		if ts, err := s.Targets(ctx, a, in.Year); err == nil {
			for _, t := range ts {
				if t.ID == id {
					return &t, nil
				}
			}
		}
	}
	var out *Target
	err = s.Audit.Write(ctx, a, func(w *audit.W) error {
		var err error
		out, err = s.PutTargetIn(ctx, w, in)
		return err
	})
	return out, err
}

// PutTargetIn is PutTarget inside the caller's transaction; a target
// that is already so is returned with ID 0 and records nothing.
func (s *Service) PutTargetIn(ctx context.Context, w *audit.W, in TargetInput) (*Target, error) {
	a := w.Actor()
	if err := auth.Require(a, auth.ManageTargets); err != nil {
		return nil, err
	}
	f := errs.Fields{}
	checkYear(f, in.Year)
	if !validMetric(in.Metric) {
		f.Add("metric", "指标应为签约项目、签约金额、亿元以上项目、开工项目或到位资金", "unknown metric")
	}
	u, err := checkUnit(ctx, w, a, f, in.UnitID)
	if err != nil {
		return nil, err
	}
	switch {
	case in.Annual < 0:
		f.Add("annual", "年度目标不能为负数", "annual may not be negative")
	case validMetric(in.Metric) && in.Annual > maxOf(in.Metric):
		f.Add("annual", "年度目标数值过大，请核对单位（金额以元计）", "annual is implausibly large; amounts are in yuan")
	}
	if len(in.Months) > 0 {
		var sum int64
		bad := len(in.Months) != 12
		for _, v := range in.Months {
			bad = bad || v < 0
			sum += v
		}
		switch {
		case bad:
			f.Add("months", "按月分解应为12个不小于0的数", "months must be 12 non-negative numbers")
		case sum != in.Annual:
			f.Add("months", fmt.Sprintf("各月之和（%d）应等于年度目标（%d）", sum, in.Annual), "months must add up to annual")
		}
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	months := joinMonths(in.Months)
	var id, oldAnnual int64
	var oldMonths string
	err = w.QueryRowContext(ctx, `SELECT id, annual, months FROM invest_targets WHERE year = $1 AND unit_id = $2 AND metric = $3`,
		in.Year, in.UnitID, in.Metric).Scan(&id, &oldAnnual, &oldMonths)
	now := w.Now()
	switch {
	case isNoRows(err):
		err = w.QueryRowContext(ctx, `INSERT INTO invest_targets (year, unit_id, unit_path, metric, annual, months, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id`, in.Year, in.UnitID, u.Path, in.Metric, in.Annual, months, now).Scan(&id)
		if err != nil {
			return nil, err
		}
	case err != nil:
		return nil, err
	case oldAnnual == in.Annual && oldMonths == months:
		return &Target{TargetInput: in, UnitName: u.Name}, nil // unchanged
	default:
		if _, err := w.ExecContext(ctx, `UPDATE invest_targets SET annual = $1, months = $2, unit_path = $3, updated_at = $4 WHERE id = $5`,
			in.Annual, months, u.Path, now, id); err != nil {
			return nil, err
		}
	}
	if in.Months == nil {
		in.Months = []int64{}
	}
	t := &Target{TargetInput: in, ID: id, UnitName: u.Name}
	return t, w.Record(audit.Entry{Action: "invest.target", ObjectType: "invest_target", ObjectID: idStr(id),
		Summary: fmt.Sprintf("下达%s%d年%s目标：%s", u.Name, in.Year, metricName(in.Metric), metricText(in.Metric, in.Annual)),
		Before:  map[string]any{"annual": oldAnnual, "months": oldMonths}, After: in})
}

func metricName(m string) string {
	for _, x := range Metrics {
		if x.Code == m {
			return strings.SplitN(x.Name, "（", 2)[0]
		}
	}
	return m
}

func metricText(m string, v int64) string {
	if isMoney(m) {
		return wan(v)
	}
	return strconv.FormatInt(v, 10) + "个"
}

func joinMonths(ms []int64) string {
	if len(ms) == 0 {
		return ""
	}
	parts := make([]string, len(ms))
	for i, v := range ms {
		parts[i] = strconv.FormatInt(v, 10)
	}
	return strings.Join(parts, ",")
}

// monthsOf reads the split; even when none is stored.
func monthsOf(annual int64, s string) []int64 {
	out := make([]int64, 12)
	if s != "" {
		parts := strings.Split(s, ",")
		if len(parts) == 12 {
			for i, p := range parts {
				out[i], _ = strconv.ParseInt(p, 10, 64)
			}
			return out
		}
	}
	var done int64
	for i := range 12 {
		cum := annual * int64(i+1) / 12
		out[i], done = cum-done, cum
	}
	return out
}

// Targets lists the stored targets of a year in scope.
func (s *Service) Targets(ctx context.Context, a *auth.Actor, year int) ([]Target, error) {
	if err := auth.Require(a, auth.ViewInvest); err != nil {
		return nil, err
	}
	var args db.Args
	scope, sargs := a.ScopeFilter("t.unit_path", 2)
	args = append(args, year)
	args = append(args, sargs...)
	rows, err := s.DB.Read.QueryContext(ctx, `SELECT t.id, t.year, t.unit_id, u.name, t.metric, t.annual, t.months
		FROM invest_targets t JOIN units u ON u.id = t.unit_id WHERE t.year = $1 AND `+scope+` ORDER BY u.kind, u.sort_order, u.id, t.metric`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Target{}
	for rows.Next() {
		var t Target
		var months string
		if err := rows.Scan(&t.ID, &t.Year, &t.UnitID, &t.UnitName, &t.Metric, &t.Annual, &months); err != nil {
			return nil, err
		}
		t.Months = []int64{}
		if months != "" {
			t.Months = monthsOf(t.Annual, months)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// PutFunds records (or replaces) a unit's funds in place for a month.
func (s *Service) PutFunds(ctx context.Context, a *auth.Actor, in FundsInput) (*Funds, error) {
	var out *Funds
	err := s.Audit.Write(ctx, a, func(w *audit.W) error {
		var err error
		out, err = s.PutFundsIn(ctx, w, in)
		return err
	})
	return out, err
}

// PutFundsIn is PutFunds inside the caller's transaction.
func (s *Service) PutFundsIn(ctx context.Context, w *audit.W, in FundsInput) (*Funds, error) {
	a := w.Actor()
	if err := auth.Require(a, auth.ReportFunds); err != nil {
		return nil, err
	}
	f := errs.Fields{}
	checkYear(f, in.Year)
	day := today(w.Now())
	in.Note = strings.TrimSpace(in.Note)
	switch {
	case in.Month < 1 || in.Month > 12:
		f.Add("month", "月份应为1到12", "month must be 1 to 12")
	case in.Year > day.Year() || (in.Year == day.Year() && in.Month > int(day.Month())):
		f.Add("month", "不能填报未来月份的到位资金", "funds may not be reported for a future month")
	}
	switch {
	case in.Amount < 0:
		f.Add("amount", "到位资金不能为负数", "amount may not be negative")
	case in.Amount > MaxAmount:
		f.Add("amount", "到位资金数值过大，请核对单位（元）", "amount is implausibly large; it is in yuan")
	}
	if utf8.RuneCountInString(in.Note) > 500 {
		f.Add("note", "说明不能超过500字", "note may not exceed 500 characters")
	}
	u, err := checkUnit(ctx, w, a, f, in.UnitID)
	if err != nil {
		return nil, err
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	var id, old int64
	now := w.Now()
	err = w.QueryRowContext(ctx, `SELECT id, amount FROM invest_funds WHERE unit_id = $1 AND year = $2 AND month = $3`,
		in.UnitID, in.Year, in.Month).Scan(&id, &old)
	switch {
	case isNoRows(err):
		if err := w.QueryRowContext(ctx, `INSERT INTO invest_funds (unit_id, unit_path, year, month, amount, note, reported_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id`, in.UnitID, u.Path, in.Year, in.Month, in.Amount, in.Note,
			nullID(a.UserID), now).Scan(&id); err != nil {
			return nil, err
		}
	case err != nil:
		return nil, err
	default:
		if _, err := w.ExecContext(ctx, `UPDATE invest_funds SET amount = $1, note = $2, reported_by = $3, updated_at = $4 WHERE id = $5`,
			in.Amount, in.Note, nullID(a.UserID), now, id); err != nil {
			return nil, err
		}
	}
	return &Funds{FundsInput: in, ID: id, UnitName: u.Name}, w.Record(audit.Entry{Action: "invest.funds", ObjectType: "invest_funds",
		ObjectID: idStr(id), Summary: fmt.Sprintf("填报%s%d年%d月到位资金%s", u.Name, in.Year, in.Month, wan(in.Amount)),
		Before: map[string]int64{"amount": old}, After: in})
}

// FundsOf lists a year's monthly funds in scope.
func (s *Service) FundsOf(ctx context.Context, a *auth.Actor, year int) ([]Funds, error) {
	if err := auth.Require(a, auth.ViewInvest); err != nil {
		return nil, err
	}
	scope, sargs := a.ScopeFilter("f.unit_path", 2)
	rows, err := s.DB.Read.QueryContext(ctx, `SELECT f.id, f.unit_id, u.name, f.year, f.month, f.amount, f.note
		FROM invest_funds f JOIN units u ON u.id = f.unit_id WHERE f.year = $1 AND `+scope+` ORDER BY u.kind, u.sort_order, u.id, f.month`,
		append([]any{year}, sargs...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Funds{}
	for rows.Next() {
		var x Funds
		if err := rows.Scan(&x.ID, &x.UnitID, &x.UnitName, &x.Year, &x.Month, &x.Amount, &x.Note); err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

// asOf is the day a targets table counts to: the end of the month asked
// for, or today within the current month; ok is false before the year.
func asOf(year, month int, day calendar.Date) (calendar.Date, int) {
	if month == 0 {
		switch {
		case year == day.Year():
			month = int(day.Month())
		case year < day.Year():
			month = 12
		default:
			month = 1
		}
	}
	end := calendar.NewDate(year, 1, 1).AddMonths(month - 1).LastOfMonth()
	if day.Before(end) {
		end = day
	}
	return end, month
}

// dueBy is the part of a split due by d (time-sequence, 时序): the months
// before d's month in full and d's month by its days.
func dueBy(months []int64, year int, d calendar.Date) int64 {
	if d.Year() < year {
		return 0
	}
	if d.Year() > year {
		d = calendar.NewDate(year, 12, 31)
	}
	m := int(d.Month())
	var sum int64
	for i := 0; i < m-1; i++ {
		sum += months[i]
	}
	days := int64(d.LastOfMonth().Day())
	return sum + months[m-1]*int64(d.Day())/days
}

// TargetTable is the 目标任务分解表 of a year as of a month (0: now): each
// team's and unit's targets, their time-sequence share due, actuals from
// the leads (signed and started in the period, by owner team and by town)
// and the funds reported, with lights for lagging behind time.
func (s *Service) TargetTable(ctx context.Context, a *auth.Actor, year, month int) (*TargetTable, error) {
	if err := auth.Require(a, auth.ViewInvest); err != nil {
		return nil, err
	}
	f := errs.Fields{}
	checkYear(f, year)
	if month < 0 || month > 12 {
		f.Add("month", "月份应为1到12", "month must be 1 to 12")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	cfg, err := s.current(ctx)
	if err != nil {
		return nil, err
	}
	day := today(s.Clock.Now())
	end, month := asOf(year, month, day)
	out := &TargetTable{Year: year, Month: month, AsOf: end.String(), Rows: []TargetRow{}}
	q := s.DB.Read

	// The units: every active task force, and any unit with a target.
	type unitRow struct {
		id         int64
		name, kind string
		path       string
		order      int
	}
	units := map[int64]*unitRow{}
	var districtID int64
	rows, err := q.QueryContext(ctx, `SELECT u.id, u.name, u.kind, u.path, u.sort_order FROM units u
		WHERE (u.kind = 'taskforce' AND u.active) OR u.parent_id IS NULL OR u.id IN (SELECT unit_id FROM invest_targets WHERE year = $1)`, year)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		u := &unitRow{}
		if err := rows.Scan(&u.id, &u.name, &u.kind, &u.path, &u.order); err != nil {
			rows.Close()
			return nil, err
		}
		units[u.id] = u
		if u.kind == org.KindDistrict && districtID == 0 {
			districtID = u.id
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}

	// Targets.
	targets := map[int64]map[string][]int64{}
	annual := map[int64]map[string]int64{}
	rows, err = q.QueryContext(ctx, `SELECT unit_id, metric, annual, months FROM invest_targets WHERE year = $1`, year)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var uid, amt int64
		var metric, months string
		if err := rows.Scan(&uid, &metric, &amt, &months); err != nil {
			rows.Close()
			return nil, err
		}
		if targets[uid] == nil {
			targets[uid], annual[uid] = map[string][]int64{}, map[string]int64{}
		}
		targets[uid][metric], annual[uid][metric] = monthsOf(amt, months), amt
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}

	// Actuals from the leads, by owner team and by town.
	actual := map[int64]map[string]int64{}
	district := map[string]int64{}
	add := func(uid int64, metric string, v int64) {
		if actual[uid] == nil {
			actual[uid] = map[string]int64{}
		}
		actual[uid][metric] += v
	}
	from, to := calendar.NewDate(year, 1, 1).String(), end.String()
	rows, err = q.QueryContext(ctx, `SELECT team_id, COALESCE(town_id, 0), COUNT(*), COALESCE(SUM(planned_amount), 0),
		COALESCE(SUM(CASE WHEN planned_amount >= $3 THEN 1 ELSE 0 END), 0)
		FROM invest_leads WHERE signed_on >= $1 AND signed_on <= $2 GROUP BY team_id, town_id`, from, to, cfg.BigAmount)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var team, town, n, amt, big int64
		if err := rows.Scan(&team, &town, &n, &amt, &big); err != nil {
			rows.Close()
			return nil, err
		}
		uids := []int64{team}
		if town != 0 && town != team {
			uids = append(uids, town)
		}
		for _, uid := range uids {
			add(uid, MetricSignedCount, n)
			add(uid, MetricSignedAmount, amt)
			add(uid, MetricBigCount, big)
		}
		district[MetricSignedCount] += n
		district[MetricSignedAmount] += amt
		district[MetricBigCount] += big
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = q.QueryContext(ctx, `SELECT team_id, COALESCE(town_id, 0), COUNT(*) FROM invest_leads
		WHERE started_on >= $1 AND started_on <= $2 GROUP BY team_id, town_id`, from, to)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var team, town, n int64
		if err := rows.Scan(&team, &town, &n); err != nil {
			rows.Close()
			return nil, err
		}
		add(team, MetricStartedCount, n)
		if town != 0 && town != team {
			add(town, MetricStartedCount, n)
		}
		district[MetricStartedCount] += n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// Funds in place as reported; the district's are the teams' (and its
	// own), towns report theirs beside them.
	lastMonth := 0
	if end.Year() == year {
		lastMonth = int(end.Month())
	}
	rows, err = q.QueryContext(ctx, `SELECT f.unit_id, u.kind, SUM(f.amount) FROM invest_funds f JOIN units u ON u.id = f.unit_id
		WHERE f.year = $1 AND f.month <= $2 GROUP BY f.unit_id, u.kind`, year, lastMonth)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var uid, amt int64
		var kind string
		if err := rows.Scan(&uid, &kind, &amt); err != nil {
			rows.Close()
			return nil, err
		}
		add(uid, MetricFunds, amt)
		if kind != org.KindTown && kind != org.KindDistrict {
			district[MetricFunds] += amt
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if districtID != 0 {
		district[MetricFunds] += actual[districtID][MetricFunds]
	}

	build := func(ref Ref, kind string, tg map[string][]int64, an map[string]int64, act map[string]int64) TargetRow {
		r := TargetRow{Unit: ref, Kind: kind, Metrics: map[string]*MetricCell{}, Light: LightNone}
		for _, m := range Metrics {
			c := &MetricCell{Actual: act[m.Code], Light: LightNone}
			if split, ok := tg[m.Code]; ok {
				c.Target, c.Due = an[m.Code], dueBy(split, year, end)
				c.Light = cfg.paceLight(c)
				r.Light = worse(r.Light, c.Light)
			}
			if c.Target > 0 {
				c.Rate = int(c.Actual * 100 / c.Target)
			}
			r.Metrics[m.Code] = c
		}
		return r
	}
	for _, u := range units {
		if u.id == districtID || !a.InScope(u.path) {
			continue
		}
		out.Rows = append(out.Rows, build(Ref{u.id, u.name}, u.kind, targets[u.id], annual[u.id], actual[u.id]))
	}
	kindOrder := map[string]int{org.KindTaskforce: 0, org.KindTown: 1, org.KindDepartment: 2}
	sort.Slice(out.Rows, func(i, j int) bool {
		a, b := units[out.Rows[i].Unit.ID], units[out.Rows[j].Unit.ID]
		if kindOrder[a.kind] != kindOrder[b.kind] {
			return kindOrder[a.kind] < kindOrder[b.kind]
		}
		if a.order != b.order {
			return a.order < b.order
		}
		return a.id < b.id
	})
	// The district: its own targets, or the teams' added up.
	dt, da := targets[districtID], annual[districtID]
	if len(dt) == 0 {
		dt, da = map[string][]int64{}, map[string]int64{}
		for uid, ms := range targets {
			if u := units[uid]; u == nil || u.kind != org.KindTaskforce {
				continue
			}
			for metric, split := range ms {
				sum := dt[metric]
				if sum == nil {
					sum = make([]int64, 12)
				}
				for i := range split {
					sum[i] += split[i]
				}
				dt[metric] = sum
				da[metric] += annual[uid][metric]
			}
		}
	}
	name := "全区"
	if u := units[districtID]; u != nil {
		name = u.name
	}
	out.District = build(Ref{districtID, name}, org.KindDistrict, dt, da, district)
	return out, nil
}

// paceLight is a metric's light: behind its time-sequence share by the
// yellow or red number of percentage points.
func (st Settings) paceLight(c *MetricCell) string {
	if c.Due <= 0 {
		c.Pace = 100
		return LightGreen
	}
	c.Pace = int(c.Actual * 100 / c.Due)
	gap := 100 - c.Pace
	switch {
	case gap >= st.RedPoints:
		return LightRed
	case gap >= st.YellowPoints:
		return LightYellow
	}
	return LightGreen
}

// worse is the graver of two lights.
func worse(a, b string) string {
	rank := map[string]int{LightNone: 0, LightGreen: 1, LightYellow: 2, LightRed: 3}
	if rank[b] > rank[a] {
		return b
	}
	return a
}
