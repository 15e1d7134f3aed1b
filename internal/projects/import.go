package projects

import (
	"context"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/errs"
	"diaodu/internal/platform/imports"
	"diaodu/internal/platform/xlsx"
	"diaodu/internal/registry"
)

// Importer reads a project ledger (重点项目台账) as governments keep it:
// title rows, merged two-row headers, amounts in 万元, dates as text or
// serials (imports kind "projects"). The project code is the natural key:
// a row whose project exists updates it, an equal row is left alone, so the
// same sheet can be imported again. An owner's credit code registers the
// enterprise in the shared registry.
type Importer struct {
	S        *Service
	Registry func() *registry.Service // nil or returning nil: owners are kept as text
}

var _ imports.Importer = Importer{}

func (Importer) Kind() string                { return "projects" }
func (Importer) Permission() auth.Permission { return auth.ManageProjects }
func (Importer) Spec() xlsx.Spec             { return ImportSpec }

// ImportSpec is the ledger's layout.
var ImportSpec = xlsx.Spec{Name: "重点项目", Columns: []xlsx.Column{
	{Key: "code", Header: "项目编号", Aliases: []string{"项目代码", "编号", "项目编码"}, Required: true, Example: "XM2026-001",
		Help: "唯一编号；再次导入时按编号更新", Width: 14},
	{Key: "name", Header: "项目名称", Aliases: []string{"名称"}, Required: true, Example: "年产10GWh锂电池项目", Width: 30},
	{Key: "category", Header: "项目类别", Aliases: []string{"类别", "项目类型"}, Example: "产业项目", Help: "产业项目、基础设施、社会民生、生态环保", Width: 10},
	{Key: "chain", Header: "产业链", Aliases: []string{"所属产业链", "产业链条"}, Example: "新能源电池", Width: 12},
	{Key: "town", Header: "所在乡镇", Aliases: []string{"乡镇（街道）", "乡镇", "所属乡镇", "乡镇街道"}, Required: true, Example: "青石镇", Width: 12},
	{Key: "unit", Header: "责任单位", Aliases: []string{"牵头单位", "责任部门"}, Required: true, Example: "青石镇", Width: 16},
	{Key: "owner", Header: "业主单位", Aliases: []string{"建设单位", "项目业主", "业主"}, Example: "某某新能源有限公司", Width: 24},
	{Key: "credit_code", Header: "统一社会信用代码", Aliases: []string{"信用代码", "社会信用代码"}, Example: "91530100MA6K0Q1X27", Width: 22},
	{Key: "leader", Header: "包联领导", Aliases: []string{"包抓领导", "联系领导", "包保领导"}, Example: "张三", Width: 10},
	{Key: "total", Header: "总投资（万元）", Aliases: []string{"总投资", "计划总投资", "总投资(万元)", "计划总投资（万元）"}, Required: true,
		Example: "50000", Help: "万元，可带小数", Width: 12},
	{Key: "year_plan", Header: "年度计划投资（万元）", Aliases: []string{"年度计划投资", "年度计划", "本年计划投资", "年度计划投资(万元)"},
		Example: "12000", Help: "万元", Width: 14},
	{Key: "phase", Header: "建设阶段", Aliases: []string{"项目状态", "建设性质", "阶段"}, Example: "续建", Help: "前期、新开工、续建、竣工、投产", Width: 10},
	{Key: "start", Header: "开工时间", Aliases: []string{"计划开工时间", "开工日期"}, Example: "2026年3月", Help: "日期或“2026年3月”", Width: 12},
	{Key: "end", Header: "竣工时间", Aliases: []string{"计划竣工时间", "竣工日期"}, Example: "2027年12月", Width: 12},
	{Key: "address", Header: "建设地点", Aliases: []string{"项目地址", "地址"}, Example: "青石镇工业园区", Width: 18},
	{Key: "content", Header: "建设内容", Aliases: []string{"建设规模及内容", "主要建设内容"}, Example: "新建厂房12万平方米", Width: 30},
	{Key: "contact", Header: "现场联系人", Aliases: []string{"联系人", "项目联系人"}, Example: "王工", Width: 10},
	{Key: "phone", Header: "联系电话", Aliases: []string{"电话", "联系方式"}, Example: "13800001234", Width: 14},
}}

var phaseByName = map[string]string{"前期": PhasePrep, "前期工作": PhasePrep, "新开工": PhaseNew, "新建": PhaseNew, "续建": PhaseContinued,
	"竣工": PhaseCompleted, "已竣工": PhaseCompleted, "投产": PhaseProducing, "已投产": PhaseProducing}

var yearMonth = regexp.MustCompile(`^(\d{4})\s*[年./-]\s*(\d{1,2})\s*月?$`)

// wanToYuan reads "12,345.6" (万元) as yuan.
func wanToYuan(s string) (int64, bool) {
	s = strings.NewReplacer(",", "", "，", "", " ", "", "万元", "", "万", "").Replace(s)
	if s == "" {
		return 0, true
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	return int64(math.Round(f * 1e4)), true
}

// Apply checks every row and writes the ledger, all or nothing.
func (im Importer) Apply(ctx context.Context, w *audit.W, t *xlsx.Table, progress func(int)) (imports.Result, []xlsx.CellError, error) {
	var res imports.Result
	a := w.Actor()
	header := map[string]string{}
	for _, c := range ImportSpec.Columns {
		header[c.Key] = c.Header
	}
	// Directory: units by name and short name, leaders by name, chains by name.
	units := map[string]int64{}
	rows, err := w.QueryContext(ctx, `SELECT id, name, short_name FROM units WHERE active`)
	if err != nil {
		return res, nil, err
	}
	for rows.Next() {
		var id int64
		var n, sn string
		if err := rows.Scan(&id, &n, &sn); err != nil {
			rows.Close()
			return res, nil, err
		}
		units[n] = id
		if sn != "" {
			if _, ok := units[sn]; !ok {
				units[sn] = id
			}
		}
	}
	rows.Close()
	leaders := map[string]int64{}
	rows, err = w.QueryContext(ctx, `SELECT id, real_name, roles FROM users WHERE active`)
	if err != nil {
		return res, nil, err
	}
	for rows.Next() {
		var id int64
		var n, roles string
		if err := rows.Scan(&id, &n, &roles); err != nil {
			rows.Close()
			return res, nil, err
		}
		if contains(strings.Split(roles, ","), string(auth.Leader)) {
			leaders[n] = id
		}
	}
	rows.Close()
	chains := map[string]int64{}
	rows, err = w.QueryContext(ctx, `SELECT id, name FROM industrial_chains WHERE active`)
	if err != nil {
		return res, nil, err
	}
	for rows.Next() {
		var id int64
		var n string
		if err := rows.Scan(&id, &n); err != nil {
			rows.Close()
			return res, nil, err
		}
		chains[n] = id
	}
	rows.Close()

	var bad []xlsx.CellError
	add := func(row int, key, msg string) {
		bad = append(bad, xlsx.CellError{Row: row, Column: header[key], Message: msg})
	}
	date := func(row int, key, v string) *string {
		v = strings.TrimSpace(v)
		if v == "" {
			return nil
		}
		if d, ok := xlsx.DateValue(v, t.Date1904); ok {
			return &d
		}
		if m := yearMonth.FindStringSubmatch(v); m != nil {
			mo, _ := strconv.Atoi(m[2])
			if mo >= 1 && mo <= 12 {
				d := fmt.Sprintf("%s-%02d-01", m[1], mo)
				return &d
			}
		}
		add(row, key, "“"+header[key]+"”无法识别的日期“"+v+"”")
		return nil
	}
	type item struct {
		row  int
		code string
		in   Input
		cc   string
	}
	var items []item
	seen := map[string]int{}
	for _, r := range t.Rows {
		if r.Heading {
			continue
		}
		v := r.Values
		code := strings.TrimSpace(v["code"])
		if first, dup := seen[code]; dup {
			add(r.Num, "code", fmt.Sprintf("项目编号“%s”与第%d行重复", code, first))
			continue
		}
		seen[code] = r.Num
		in := Input{Code: ptr(code), Name: ptr(v["name"])}
		if c := strings.TrimSpace(v["category"]); c != "" {
			in.Category = &c
		}
		if c := strings.TrimSpace(v["chain"]); c != "" {
			if id, ok := chains[c]; ok {
				in.ChainID = &id
			} else {
				add(r.Num, "chain", "产业链“"+c+"”不在产业链目录中")
			}
		}
		if id, ok := units[strings.TrimSpace(v["town"])]; ok {
			in.TownID = &id
		} else {
			add(r.Num, "town", "找不到乡镇“"+v["town"]+"”")
		}
		if id, ok := units[strings.TrimSpace(v["unit"])]; ok {
			in.UnitID = &id
		} else {
			add(r.Num, "unit", "找不到责任单位“"+v["unit"]+"”")
		}
		if l := strings.TrimSpace(v["leader"]); l != "" {
			if id, ok := leaders[l]; ok {
				in.LeaderUserID = &id
			} else {
				add(r.Num, "leader", "找不到区领导“"+l+"”")
			}
		}
		if n, ok := wanToYuan(v["total"]); ok {
			in.TotalInvestment = &n
		} else {
			add(r.Num, "total", "总投资应为万元数，例如 50000 或 1.5")
		}
		if in.TotalInvestment != nil && *in.TotalInvestment <= 0 {
			add(r.Num, "total", "总投资应大于0")
		}
		if n, ok := wanToYuan(v["year_plan"]); !ok || n < 0 {
			add(r.Num, "year_plan", "年度计划投资应为不小于0的万元数")
		} else if in.YearPlanInvestment = &n; in.TotalInvestment != nil && n > *in.TotalInvestment && *in.TotalInvestment > 0 {
			add(r.Num, "year_plan", "年度计划投资不能大于总投资")
		}
		if ph := strings.TrimSpace(v["phase"]); ph != "" {
			if code, ok := phaseByName[ph]; ok {
				in.Phase = &code
			} else {
				add(r.Num, "phase", "建设阶段应为前期、新开工、续建、竣工或投产")
			}
		}
		if d := date(r.Num, "start", v["start"]); d != nil {
			dd, _ := parseDay(*d)
			in.StartOn = &dd
		}
		if d := date(r.Num, "end", v["end"]); d != nil {
			dd, _ := parseDay(*d)
			in.EndOn = &dd
		}
		in.OwnerName, in.Address, in.Description = ptr(v["owner"]), ptr(v["address"]), ptr(v["content"])
		in.ContactName, in.ContactPhone = ptr(v["contact"]), ptr(v["phone"])
		items = append(items, item{row: r.Num, code: code, in: in, cc: strings.TrimSpace(v["credit_code"])})
	}
	if len(bad) > 0 {
		return res, bad, nil
	}
	progress(len(t.Rows) / 3)
	var reg *registry.Service
	if im.Registry != nil {
		reg = im.Registry()
	}
	// Service rules, row by row, inside the import's transaction.
	fieldKey := map[string]string{"name": "name", "code": "code", "category": "category", "chain_id": "chain", "town_id": "town",
		"unit_id": "unit", "leader_user_id": "leader", "total_investment": "total", "year_plan_investment": "year_plan", "phase": "phase",
		"end_on": "end", "contact_phone": "phone", "description": "content", "enterprise_id": "credit_code"}
	for i, it := range items {
		if it.cc != "" && reg != nil {
			name := strings.TrimSpace(*it.in.OwnerName)
			eid, _, err := reg.EnsureByCreditCode(ctx, w, a, registry.EnterpriseInput{Name: &name, CreditCode: &it.cc})
			if err != nil {
				if e, ok := errs.As(err); ok && e.Code == errs.Validation {
					for _, m := range e.Fields {
						add(it.row, "credit_code", m.ZH)
					}
					continue
				}
				return res, nil, err
			}
			it.in.EnterpriseID = &eid
		}
		var existing int64
		err := w.QueryRowContext(ctx, `SELECT id FROM projects WHERE code = $1`, it.code).Scan(&existing)
		switch {
		case isNoRows(err):
			_, err = im.S.CreateIn(ctx, w, a, it.in)
			if err == nil {
				res.Created++
			}
		case err != nil:
			return res, nil, err
		default:
			var changed bool
			changed, err = im.S.UpdateIn(ctx, w, a, existing, it.in)
			if err == nil && changed {
				res.Updated++
			} else if err == nil {
				res.Unchanged++
			}
		}
		if err != nil {
			e, ok := errs.As(err)
			if !ok {
				return res, nil, err
			}
			if len(e.Fields) == 0 {
				add(it.row, "code", e.Message.ZH)
				continue
			}
			keys := make([]string, 0, len(e.Fields))
			for k := range e.Fields {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				col := fieldKey[k]
				if col == "" {
					col = "name"
				}
				add(it.row, col, e.Fields[k].ZH)
			}
		}
		if i%50 == 0 {
			progress(len(t.Rows)/3 + i*2/3)
		}
	}
	if len(bad) > 0 {
		return imports.Result{}, bad, nil
	}
	if res.Created+res.Updated == 0 {
		return res, nil, w.Record(audit.Entry{Action: "project.import", ObjectType: "project", Summary: "导入重点项目台账：无变化"})
	}
	return res, nil, w.Record(audit.Entry{Action: "project.import", ObjectType: "project",
		Summary: fmt.Sprintf("导入重点项目台账：新增%d个，更新%d个", res.Created, res.Updated)})
}

func ptr[T any](v T) *T { return &v }
