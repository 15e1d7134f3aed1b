package invest

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"

	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/calendar"
	"diaodu/internal/platform/errs"
	"diaodu/internal/platform/imports"
	"diaodu/internal/platform/xlsx"
)

// LeadSpec is the leads ledger (招商引资项目线索台账) as teams keep it.
var LeadSpec = xlsx.Spec{Name: "招商线索", Columns: []xlsx.Column{
	{Key: "code", Header: "线索编号", Aliases: []string{"编号", "项目编号", "线索编码"}, Example: "XNY-2026-001",
		Help: "本专班内唯一；再次导入时按编号（无编号时按企业名称）更新", Width: 14},
	{Key: "company", Header: "企业名称", Aliases: []string{"投资方", "投资主体", "客商名称", "企业（客商）名称", "项目名称"}, Required: true,
		Example: "示范新能源科技有限公司", Width: 28},
	{Key: "chain", Header: "产业链", Aliases: []string{"所属产业链", "产业类别", "产业"}, Example: "新能源电池", Width: 12},
	{Key: "source", Header: "线索来源", Aliases: []string{"信息来源", "来源"}, Example: "以商招商", Width: 12},
	{Key: "contact_name", Header: "联系人", Aliases: []string{"对接人", "客商联系人"}, Example: "王经理", Width: 10},
	{Key: "contact_phone", Header: "联系电话", Aliases: []string{"联系方式", "电话"}, Example: "13812345678", Width: 14},
	{Key: "amount_wan", Header: "计划投资（万元）", Aliases: []string{"计划投资", "投资额（万元）", "拟投资（万元）", "协议投资（万元）", "总投资（万元）"},
		Example: "20000", Help: "万元；也可用“计划投资（亿元）”列", Width: 14},
	{Key: "amount_yi", Header: "计划投资（亿元）", Aliases: []string{"投资额（亿元）", "拟投资（亿元）", "协议投资（亿元）", "总投资（亿元）"}, Width: 14},
	{Key: "quality", Header: "信息质量", Aliases: []string{"信息等级", "线索质量", "质量等级"}, Kind: xlsx.Enum, Enum: []string{"A", "B", "C"},
		Example: "A", Help: "A、B、C，留空为B", Width: 8},
	{Key: "team", Header: "责任专班", Aliases: []string{"责任单位", "招商专班", "责任专班/单位", "牵头单位"}, Required: true,
		Example: "新能源招商专班", Help: "专班或乡镇的名称（须在您的管辖范围内）", Width: 18},
	{Key: "town", Header: "落地乡镇", Aliases: []string{"拟落地乡镇", "拟落户乡镇", "落地镇街", "乡镇（街道）"}, Example: "青石镇", Width: 12},
	{Key: "owner", Header: "责任人", Aliases: []string{"跟进人", "包联责任人"}, Example: "张三", Help: "系统中用户的姓名", Width: 10},
	{Key: "stage", Header: "所处阶段", Aliases: []string{"推进阶段", "进展阶段", "阶段", "目前进展"}, Example: "洽谈",
		Help: "线索、接洽、考察、洽谈、签约、注册、开工、投产；留空为线索", Width: 10},
	{Key: "stage_on", Header: "进入阶段日期", Aliases: []string{"阶段日期", "最新进展日期", "签约日期"}, Kind: xlsx.Date, Example: "2026年9月30日", Width: 14},
	{Key: "next_action", Header: "下一步工作", Aliases: []string{"下步计划", "下一步计划", "下步工作打算"}, Example: "邀请来区实地考察", Width: 28},
	{Key: "next_action_on", Header: "计划完成日期", Aliases: []string{"计划完成时间", "完成时限"}, Kind: xlsx.Date, Example: "2026-12-15", Width: 14},
	{Key: "notes", Header: "备注", Aliases: []string{"说明"}, Width: 20},
}}

// LeadImporter imports the leads ledger (imports kind "invest-leads"):
// new leads are created at the stage the sheet says; leads already there
// (same team and number, or same team and company without a number) are
// updated and moved forward when the sheet is further along, so the same
// sheet imported again changes nothing.
type LeadImporter struct{ S *Service }

var _ imports.Importer = LeadImporter{}

func (LeadImporter) Kind() string                { return "invest-leads" }
func (LeadImporter) Permission() auth.Permission { return auth.ManageLeads }
func (LeadImporter) Spec() xlsx.Spec             { return LeadSpec }

// names maps a name to ids, for resolving cells.
type names map[string][]int64

func loadNames(ctx context.Context, q querier, query string, args ...any) (names, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := names{}
	for rows.Next() {
		var id int64
		var n1, n2 string
		if err := rows.Scan(&id, &n1, &n2); err != nil {
			return nil, err
		}
		for _, n := range []string{n1, n2} {
			if n = strings.TrimSpace(n); n != "" && !containsID(out[n], id) {
				out[n] = append(out[n], id)
			}
		}
	}
	return out, rows.Err()
}

func containsID(ids []int64, id int64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// resolve finds one id by name; the message when none or several.
func (n names) resolve(v, what string) (int64, string) {
	ids := n[strings.TrimSpace(v)]
	switch len(ids) {
	case 1:
		return ids[0], ""
	case 0:
		return 0, "找不到" + what + "“" + v + "”"
	}
	return 0, what + "“" + v + "”有重名，请改用全称"
}

// parseAmount reads "2,000", "2000.5", "2000万元" as yuan with the unit.
func parseAmount(v string, unit float64) (int64, bool) {
	v = strings.NewReplacer(",", "", "，", "", " ", "", "万元", "", "亿元", "", "元", "").Replace(v)
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f*unit) > 9e15 {
		return 0, false
	}
	return int64(math.Round(f * unit)), true
}

// leadKeys maps a team's lead by number and by company.
type leadKey struct {
	team int64
	key  string
}

// fieldHeaders maps the service's field names to the sheet's headers.
var leadFieldHeaders = map[string]string{"company": "企业名称", "code": "线索编号", "chain_id": "产业链", "source": "线索来源",
	"contact_name": "联系人", "contact_phone": "联系电话", "planned_amount": "计划投资（万元）", "quality": "信息质量", "team_id": "责任专班",
	"town_id": "落地乡镇", "owner_id": "责任人", "next_action": "下一步工作", "next_action_on": "计划完成日期", "notes": "备注",
	"stage": "所处阶段", "stage_on": "进入阶段日期", "on_day": "进入阶段日期", "reason": "所处阶段"}

// badCells adds a service's refusal of row to bad as cell errors; any
// other error (the database's) is returned.
func badCells(bad *[]xlsx.CellError, row int, err error, headers map[string]string) error {
	e, ok := errs.As(err)
	if !ok || (e.Code != errs.Validation && e.Code != errs.Conflict && e.Code != errs.NotFound) {
		return err
	}
	if len(e.Fields) == 0 {
		*bad = append(*bad, xlsx.CellError{Row: row, Column: "", Message: e.Message.ZH})
		return nil
	}
	for field, msg := range e.Fields {
		col := headers[field]
		if col == "" {
			col = field
		}
		*bad = append(*bad, xlsx.CellError{Row: row, Column: col, Message: msg.ZH})
	}
	return nil
}

// Apply checks every row with the form's rules and writes them in w; any
// bad cell and nothing is written.
func (im LeadImporter) Apply(ctx context.Context, w *audit.W, t *xlsx.Table, progress func(int)) (imports.Result, []xlsx.CellError, error) {
	var res imports.Result
	s := im.S
	teams, err := loadNames(ctx, w, `SELECT id, name, short_name FROM units WHERE active AND kind IN ('taskforce', 'town', 'department', 'district')`)
	if err != nil {
		return res, nil, err
	}
	towns, err := loadNames(ctx, w, `SELECT id, name, short_name FROM units WHERE active AND kind = 'town'`)
	if err != nil {
		return res, nil, err
	}
	chains, err := loadNames(ctx, w, `SELECT id, name, '' FROM industrial_chains WHERE active`)
	if err != nil {
		return res, nil, err
	}
	people, err := loadNames(ctx, w, `SELECT id, real_name, username FROM users WHERE active`)
	if err != nil {
		return res, nil, err
	}
	existing := map[leadKey]int64{}
	stages := map[int64]string{}
	rows, err := w.QueryContext(ctx, `SELECT id, team_id, code, company, stage FROM invest_leads`)
	if err != nil {
		return res, nil, err
	}
	for rows.Next() {
		var id, team int64
		var code, company, stage string
		if err := rows.Scan(&id, &team, &code, &company, &stage); err != nil {
			rows.Close()
			return res, nil, err
		}
		if code != "" {
			existing[leadKey{team, "#" + code}] = id
		}
		existing[leadKey{team, company}] = id
		stages[id] = stage
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return res, nil, err
	}
	var bad []xlsx.CellError
	seen := map[leadKey]int{}
	for i, r := range t.Rows {
		v := r.Values
		cell := func(col, msg string) { bad = append(bad, xlsx.CellError{Row: r.Num, Column: col, Message: msg}) }
		in := LeadInput{Company: ptrStr(v["company"]), Code: ptrStr(v["code"]), Source: ptrStr(v["source"]),
			ContactName: ptrStr(v["contact_name"]), ContactPhone: ptrStr(v["contact_phone"]), NextAction: ptrStr(v["next_action"]),
			Notes: ptrStr(v["notes"])}
		if q := v["quality"]; q != "" {
			in.Quality = &q
		}
		team, msg := teams.resolve(v["team"], "专班或单位")
		if msg != "" {
			cell("责任专班", msg)
		}
		in.TeamID = &team
		if c := v["chain"]; c != "" {
			id, msg := chains.resolve(c, "产业链")
			if msg != "" {
				cell("产业链", msg)
			}
			in.ChainID = &id
		}
		if tw := v["town"]; tw != "" {
			id, msg := towns.resolve(tw, "乡镇")
			if msg != "" {
				cell("落地乡镇", msg)
			}
			in.TownID = &id
		}
		if o := v["owner"]; o != "" {
			id, msg := people.resolve(o, "用户")
			if msg != "" {
				cell("责任人", msg)
			}
			in.OwnerID = &id
		}
		amount := int64(0)
		switch {
		case v["amount_yi"] != "":
			a, ok := parseAmount(v["amount_yi"], 1e8)
			if !ok {
				cell("计划投资（亿元）", "应为数字（亿元），实际为“"+v["amount_yi"]+"”")
			}
			amount = a
		case v["amount_wan"] != "":
			a, ok := parseAmount(v["amount_wan"], 1e4)
			if !ok {
				cell("计划投资（万元）", "应为数字（万元），实际为“"+v["amount_wan"]+"”")
			}
			amount = a
		}
		if amount < 0 {
			col := "计划投资（万元）"
			if v["amount_yi"] != "" {
				col = "计划投资（亿元）"
			}
			cell(col, "计划投资不能为负数")
		}
		in.PlannedAmount = &amount
		if d := v["next_action_on"]; d != "" {
			if dd, err := calendar.ParseDate(d); err == nil {
				in.NextActionOn = &dd
			}
		}
		stage := StageClue
		if st := v["stage"]; st != "" {
			if stage = stageByName(st); stage == "" {
				cell("所处阶段", "应为线索、接洽、考察、洽谈、签约、注册、开工、投产之一，实际为“"+st+"”")
				continue
			}
		}
		var stageOn calendar.Date
		if d := v["stage_on"]; d != "" {
			stageOn, _ = calendar.ParseDate(d)
		}
		key := leadKey{team, strings.TrimSpace(v["company"])}
		if c := strings.TrimSpace(v["code"]); c != "" {
			key.key = "#" + c
		}
		if prev, dup := seen[key]; dup {
			cell("企业名称", fmt.Sprintf("与第%d行是同一条线索", prev))
			continue
		}
		seen[key] = r.Num
		if team == 0 || len(bad) > 0 && bad[len(bad)-1].Row == r.Num {
			continue
		}
		if id, ok := existing[key]; ok {
			changed, err := s.updateIn(ctx, w, id, in)
			if err != nil {
				if err := badCells(&bad, r.Num, err, leadFieldHeaders); err != nil {
					return res, nil, err
				}
				continue
			}
			if StageRank(stage) > StageRank(stages[id]) {
				if err := s.MoveIn(ctx, w, id, MoveInput{Stage: stage, OnDay: stageOn, Note: "导入台账"}); err != nil {
					if err := badCells(&bad, r.Num, err, leadFieldHeaders); err != nil {
						return res, nil, err
					}
					continue
				}
				changed = true
			}
			if changed {
				res.Updated++
			} else {
				res.Unchanged++
			}
		} else {
			in.Stage = &stage
			if !stageOn.IsZero() {
				in.StageOn = &stageOn
			}
			id, err := s.CreateIn(ctx, w, in)
			if err != nil {
				if err := badCells(&bad, r.Num, err, leadFieldHeaders); err != nil {
					return res, nil, err
				}
				continue
			}
			existing[key] = id
			res.Created++
		}
		if i%200 == 0 {
			progress(i)
		}
	}
	if len(bad) > 0 {
		return imports.Result{}, bad, nil
	}
	progress(len(t.Rows))
	return res, nil, nil
}

func ptrStr(s string) *string { return &s }

// TargetSpec is the target breakdown table (目标任务分解表): a row per
// unit and metric with the annual target and, optionally, its months.
var TargetSpec = func() xlsx.Spec {
	cols := []xlsx.Column{
		{Key: "year", Header: "年度", Aliases: []string{"年份"}, Kind: xlsx.Int, Example: "2026", Help: "留空为今年", Width: 8},
		{Key: "unit", Header: "专班/单位", Aliases: []string{"责任专班", "责任单位", "单位", "专班", "乡镇（街道）", "单位名称"}, Required: true,
			Example: "新能源招商专班", Width: 18},
		{Key: "metric", Header: "指标", Aliases: []string{"目标指标", "指标名称", "考核指标"}, Required: true, Example: "签约金额（亿元）",
			Help: "签约项目、签约金额、亿元以上项目、开工项目、到位资金；金额在指标名中写明单位（亿元或万元，默认万元）", Width: 18},
		{Key: "annual", Header: "年度目标", Aliases: []string{"全年目标", "目标任务", "全年任务", "年度任务"}, Required: true, Example: "12", Width: 10},
	}
	for m := 1; m <= 12; m++ {
		cols = append(cols, xlsx.Column{Key: "m" + strconv.Itoa(m), Header: strconv.Itoa(m) + "月", Aliases: []string{strconv.Itoa(m) + "月份"},
			Help: "可选：按月分解（各月之和应等于年度目标）；都留空为平均分解", Width: 7})
	}
	return xlsx.Spec{Name: "目标任务分解表", Columns: cols}
}()

// metricOf reads a metric name and its money unit (yuan per unit written).
func metricOf(s string) (string, float64) {
	unit := 1.0
	switch {
	case strings.Contains(s, "亿元以上") || strings.Contains(s, "亿元及以上") || strings.Contains(s, "大项目"):
		return MetricBigCount, 1
	case strings.Contains(s, "亿"):
		unit = 1e8
	case strings.Contains(s, "元"):
		unit = 1e4
	}
	switch {
	case strings.Contains(s, "到位"):
		if unit == 1 {
			unit = 1e4
		}
		return MetricFunds, unit
	case strings.Contains(s, "签约") && (strings.Contains(s, "金额") || strings.Contains(s, "额") || strings.Contains(s, "资金")):
		if unit == 1 {
			unit = 1e4
		}
		return MetricSignedAmount, unit
	case strings.Contains(s, "签约"):
		return MetricSignedCount, 1
	case strings.Contains(s, "开工"):
		return MetricStartedCount, 1
	}
	if validMetric(s) { // the code itself: amounts in yuan
		return s, 1
	}
	return "", 0
}

// TargetImporter imports the target breakdown table (imports kind
// "invest-targets"); a target already so is left alone, so importing the
// same table again changes nothing.
type TargetImporter struct{ S *Service }

var _ imports.Importer = TargetImporter{}

func (TargetImporter) Kind() string                { return "invest-targets" }
func (TargetImporter) Permission() auth.Permission { return auth.ManageTargets }
func (TargetImporter) Spec() xlsx.Spec             { return TargetSpec }

var targetFieldHeaders = map[string]string{"year": "年度", "unit_id": "专班/单位", "metric": "指标", "annual": "年度目标", "months": "1月"}

// Apply reads every row, then writes them; any bad cell and nothing is written.
func (im TargetImporter) Apply(ctx context.Context, w *audit.W, t *xlsx.Table, progress func(int)) (imports.Result, []xlsx.CellError, error) {
	var res imports.Result
	units, err := loadNames(ctx, w, `SELECT id, name, short_name FROM units WHERE active AND kind IN ('taskforce', 'town', 'department', 'district')`)
	if err != nil {
		return res, nil, err
	}
	thisYear := today(w.Now()).Year()
	var bad []xlsx.CellError
	seen := map[string]int{}
	for i, r := range t.Rows {
		v := r.Values
		cell := func(col, msg string) { bad = append(bad, xlsx.CellError{Row: r.Num, Column: col, Message: msg}) }
		in := TargetInput{Year: thisYear}
		if y := v["year"]; y != "" {
			in.Year, _ = strconv.Atoi(y)
		}
		var msg string
		if in.UnitID, msg = units.resolve(v["unit"], "专班或单位"); msg != "" {
			cell("专班/单位", msg)
		}
		var unit float64
		if in.Metric, unit = metricOf(strings.TrimSpace(v["metric"])); in.Metric == "" {
			cell("指标", "应为签约项目、签约金额、亿元以上项目、开工项目或到位资金，实际为“"+v["metric"]+"”")
			continue
		}
		ok := true
		if in.Annual, ok = parseAmount(v["annual"], unit); !ok {
			cell("年度目标", "应为数字，实际为“"+v["annual"]+"”")
		}
		any := false
		months := make([]int64, 12)
		for m := 1; m <= 12; m++ {
			s := v["m"+strconv.Itoa(m)]
			if s == "" {
				continue
			}
			any = true
			if months[m-1], ok = parseAmount(s, unit); !ok {
				cell(strconv.Itoa(m)+"月", "应为数字，实际为“"+s+"”")
			}
		}
		if any {
			in.Months = months
		}
		key := fmt.Sprintf("%d/%d/%s", in.Year, in.UnitID, in.Metric)
		if prev, dup := seen[key]; dup {
			cell("指标", fmt.Sprintf("与第%d行重复", prev))
			continue
		}
		seen[key] = r.Num
		if len(bad) > 0 && bad[len(bad)-1].Row == r.Num {
			continue
		}
		tg, err := im.S.PutTargetIn(ctx, w, in)
		if err != nil {
			if err := badCells(&bad, r.Num, err, targetFieldHeaders); err != nil {
				return res, nil, err
			}
			continue
		}
		if tg.ID == 0 {
			res.Unchanged++
		} else {
			res.Created++
		}
		if i%200 == 0 {
			progress(i)
		}
	}
	if len(bad) > 0 {
		return imports.Result{}, bad, nil
	}
	progress(len(t.Rows))
	return res, nil, nil
}
