package tasks

import (
	"context"
	"errors"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/errs"
	"diaodu/internal/platform/imports"
	"diaodu/internal/platform/xlsx"
	"diaodu/internal/tasks/breakdown"
)

// BreakdownImporter imports a task breakdown table (重点工作任务分解表)
// as tasks of one source (imports kind "task-breakdown"). The upload form
// carries, besides the file, source_id (required), year (of deadlines
// written without one; default this year) and issue (true: issue every
// task at once; default: drafts). See docs/modules/breakdown-import.md.
type BreakdownImporter struct{ S *Service }

var _ imports.ParamImporter = BreakdownImporter{}

func (BreakdownImporter) Kind() string                { return "task-breakdown" }
func (BreakdownImporter) Permission() auth.Permission { return auth.ManageTasks }
func (BreakdownImporter) Spec() xlsx.Spec             { return breakdown.Spec }

// BreakdownParams are the import form's fields.
type BreakdownParams struct {
	SourceID int64
	Year     int
	Issue    bool
}

// Params checks the form: the source must exist, the year be plausible.
func (im BreakdownImporter) Params(ctx context.Context, a *auth.Actor, form url.Values) (any, error) {
	p := BreakdownParams{Year: today(im.S.Clock.Now()).Year()}
	f := errs.Fields{}
	if s := strings.TrimSpace(form.Get("source_id")); s == "" {
		f.Add("source_id", "请选择任务来源（会议、领导批示或年度计划）", "choose the tasks' source")
	} else if id, err := strconv.ParseInt(s, 10, 64); err != nil || id <= 0 {
		f.Add("source_id", "任务来源应为编号", "source_id must be an id")
	} else {
		var n int
		if err := im.S.DB.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM task_sources WHERE id = $1`, id).Scan(&n); err != nil {
			return nil, err
		}
		if n == 0 {
			f.Add("source_id", "任务来源不存在", "the source does not exist")
		}
		p.SourceID = id
	}
	if s := strings.TrimSpace(form.Get("year")); s != "" {
		y, err := strconv.Atoi(s)
		if err != nil || y < 2000 || y > 2100 {
			f.Add("year", "年度应为2000到2100之间的年份", "year must be between 2000 and 2100")
		}
		p.Year = y
	}
	switch strings.ToLower(strings.TrimSpace(form.Get("issue"))) {
	case "", "false", "0", "否", "off":
	case "true", "1", "是", "on":
		p.Issue = true
	default:
		f.Add("issue", "是否立即下发应为 true 或 false", "issue must be true or false")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	return p, nil
}

// Apply is not used: the framework calls ApplyParams, as the source is
// chosen on the form.
func (im BreakdownImporter) Apply(ctx context.Context, w *audit.W, t *xlsx.Table, progress func(int)) (imports.Result, []xlsx.CellError, error) {
	return imports.Result{}, nil, errs.New(errs.Validation, "请选择任务来源后再导入", "choose the tasks' source")
}

// ApplyParams reads the table against the units and leaders (one query
// each), skips the tasks this source already has (so the same table can be
// imported again), and creates the rest in the import's transaction. Any
// bad cell — the table's or the service's rules — and nothing is written.
func (im BreakdownImporter) ApplyParams(ctx context.Context, w *audit.W, t *xlsx.Table, params any, progress func(int)) (imports.Result, []xlsx.CellError, error) {
	var res imports.Result
	p, ok := params.(BreakdownParams)
	if !ok || p.SourceID == 0 {
		return res, nil, errs.New(errs.Validation, "请选择任务来源后再导入", "choose the tasks' source")
	}
	dir, err := loadDirectory(ctx, w)
	if err != nil {
		return res, nil, err
	}
	start := today(w.Now())
	items, bad := breakdown.Parse(t, dir, breakdown.Options{Year: p.Year, StartOn: start})
	if len(bad) > 0 {
		return res, bad, nil
	}
	progress(len(t.Rows) / 2)
	existing, err := sourceTaskKeys(ctx, w, p.SourceID)
	if err != nil {
		return res, nil, err
	}
	ins := make([]TaskInput, 0, len(items))
	rows := make([]int, 0, len(items))
	for i := range items {
		it := &items[i]
		if existing[taskKey(it.Title, it.Requirements, it.LeadUnitID)] {
			res.Unchanged++
			continue
		}
		ins = append(ins, breakdownInput(it, p))
		rows = append(rows, it.Row)
	}
	if len(ins) > 0 {
		ids, err := im.S.CreateMany(ctx, w, w.Actor(), ins)
		var many ManyErrors
		if errors.As(err, &many) {
			return res, manyCellErrors(many, rows), nil
		}
		if err != nil {
			return res, nil, err
		}
		res.Created = len(ids)
	}
	progress(len(t.Rows))
	return res, nil, nil
}

// breakdownInput is the task a table row asks for.
func breakdownInput(it *breakdown.Task, p BreakdownParams) TaskInput {
	in := TaskInput{SourceID: &p.SourceID, Title: &it.Title, Requirements: &it.Requirements, Kind: &it.Kind,
		ReportCycle: &it.ReportCycle, LeaderIDs: &it.LeaderIDs, LeadUnitID: &it.LeadUnitID, CoUnitIDs: &it.CoUnitIDs,
		ResponsibleName: &it.ResponsibleName, ResponsiblePhone: &it.ResponsiblePhone, Tags: &it.Tags, StartOn: &it.StartOn,
		Issue: p.Issue}
	if !it.Deadline.IsZero() {
		in.Deadline = &it.Deadline
	}
	if len(it.Milestones) > 0 {
		ms := make([]MilestoneInput, len(it.Milestones))
		for i, m := range it.Milestones {
			ms[i] = MilestoneInput{Name: m.Name, DueOn: m.DueOn, Weight: 1}
		}
		in.Milestones = &ms
	}
	return in
}

// loadDirectory reads the active units and users the table's names may
// mean: one query each.
func loadDirectory(ctx context.Context, w *audit.W) (*breakdown.Directory, error) {
	var units []breakdown.Unit
	rows, err := w.QueryContext(ctx, `SELECT u.id, u.name, u.short_name, u.kind, COALESCE(p.name, '')
		FROM units u LEFT JOIN units p ON p.id = u.parent_id WHERE u.active = TRUE ORDER BY u.path`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var u breakdown.Unit
		if err := rows.Scan(&u.ID, &u.Name, &u.ShortName, &u.Kind, &u.ParentName); err != nil {
			rows.Close()
			return nil, err
		}
		units = append(units, u)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var people []breakdown.Person
	rows, err = w.QueryContext(ctx, `SELECT id, real_name, position, roles FROM users WHERE active = TRUE ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var p breakdown.Person
		var roles string
		if err := rows.Scan(&p.ID, &p.Name, &p.Position, &roles); err != nil {
			return nil, err
		}
		p.Leader = slices.Contains(strings.Split(roles, ","), string(auth.Leader))
		people = append(people, p)
	}
	return breakdown.NewDirectory(units, people), rows.Err()
}

// sourceTaskKeys lists the top-level tasks a source already has, so that
// importing the same table twice adds nothing.
func sourceTaskKeys(ctx context.Context, w *audit.W, sourceID int64) (map[string]bool, error) {
	rows, err := w.QueryContext(ctx, `SELECT title, requirements, lead_unit_id FROM tasks
		WHERE source_id = $1 AND parent_id IS NULL`, sourceID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	keys := map[string]bool{}
	for rows.Next() {
		var title, req string
		var unit int64
		if err := rows.Scan(&title, &req, &unit); err != nil {
			return nil, err
		}
		keys[taskKey(title, req, unit)] = true
	}
	return keys, rows.Err()
}

func taskKey(title, requirements string, unit int64) string {
	return title + "\x1f" + requirements + "\x1f" + strconv.FormatInt(unit, 10)
}

// fieldColumns names the table column behind each TaskInput field.
var fieldColumns = map[string]string{
	"title": breakdown.ColTitle, "tags": breakdown.ColTitle, "requirements": breakdown.ColRequirements,
	"leader_ids": breakdown.ColLeaders, "lead_unit_id": breakdown.ColLeadUnit, "co_unit_ids": breakdown.ColCoUnits,
	"kind": breakdown.ColDeadline, "report_cycle": breakdown.ColDeadline, "start_on": breakdown.ColDeadline,
	"deadline": breakdown.ColDeadline, "milestones": breakdown.ColDeadline,
	"responsible_name": breakdown.ColResponsible, "responsible_phone": breakdown.ColPhone,
}

// manyCellErrors turns the service's refusals of inputs into cell errors
// of the rows they came from (a row led by 各乡镇 gives several inputs:
// the same problem is reported once).
func manyCellErrors(many ManyErrors, rows []int) []xlsx.CellError {
	var out []xlsx.CellError
	for _, m := range many {
		fields := make([]string, 0, len(m.Fields))
		for f := range m.Fields {
			fields = append(fields, f)
		}
		slices.Sort(fields)
		for _, f := range fields {
			key, ok := fieldColumns[f]
			if !ok {
				key = breakdown.ColTitle
			}
			col := breakdown.Header(key)
			e := xlsx.CellError{Row: rows[m.Index], Column: col, Message: "“" + col + "”：" + m.Fields[f].ZH}
			if !slices.Contains(out, e) {
				out = append(out, e)
			}
		}
	}
	return out
}
