package invest

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/calendar"
	"diaodu/internal/platform/errs"
	"diaodu/internal/platform/httpx"
	"diaodu/internal/platform/xlsx"
)

var leadQuery = []string{"page", "page_size", "sort", "q", "stage", "chain_id", "team_id", "light", "quality"}

// Routes registers the module's endpoints.
func (s *Service) Routes(rt *httpx.Router) {
	const tl, tt = "invest-leads", "invest"
	rt.Handle("GET", "/api/v1/invest/leads", tl, "招商线索列表", httpx.ListOf(leadFilter, s.List), httpx.Query(leadQuery...))
	rt.Handle("GET", "/api/v1/invest/leads/export", tl, "导出招商线索", s.handleExport, httpx.Query(leadQuery...),
		httpx.Produces(xlsx.ContentType))
	rt.Handle("POST", "/api/v1/invest/leads", tl, "录入招商线索", httpx.Create(s.Create))
	rt.Handle("GET", "/api/v1/invest/leads/{id}", tl, "招商线索详情", httpx.GetByID(s.Detail))
	rt.Handle("PATCH", "/api/v1/invest/leads/{id}", tl, "修改招商线索", httpx.UpdateByID(s.Update))
	rt.Handle("GET", "/api/v1/invest/leads/{id}/phone", tl, "查看联系人完整电话（记入审计）", s.handlePhone)
	rt.Handle("POST", "/api/v1/invest/leads/{id}/moves", tl, "推进或回退阶段（回退须说明原因）", httpx.CreateByID(s.Move))
	rt.Handle("POST", "/api/v1/invest/leads/{id}/notes", tl, "记录跟进情况", httpx.CreateByID(s.note))
	rt.Handle("GET", "/api/v1/invest/leads/{id}/schedule", tl, "倒排工期预览", s.handleSchedule, httpx.Query("target_start_on"))
	rt.Handle("POST", "/api/v1/invest/leads/{id}/convert", tl, "签约线索转为重点项目（倒排工期）", httpx.CreateByID(s.Convert))
	rt.Handle("GET", "/api/v1/invest/leads/{id}/roadmap", tl, "路线图与时间表", httpx.GetByID(s.Roadmap))

	rt.Handle("GET", "/api/v1/invest/funnel", tt, "招商漏斗（按阶段、按产业链）", s.handleFunnel, httpx.Query("chain_id", "team_id", "quality"))
	rt.Handle("GET", "/api/v1/invest/targets", tt, "目标任务分解表（完成与时序）", s.handleTargets, httpx.Query("year", "month"))
	rt.Handle("GET", "/api/v1/invest/targets/export", tt, "导出目标任务分解表", s.handleTargetsExport, httpx.Query("year", "month"),
		httpx.Produces(xlsx.ContentType))
	rt.Handle("GET", "/api/v1/invest/target-items", tt, "年度目标（逐项）", s.handleTargetItems, httpx.Query("year"))
	rt.Handle("PUT", "/api/v1/invest/target-items", tt, "下达或修改年度目标及按月分解", httpx.Put(s.PutTarget))
	rt.Handle("GET", "/api/v1/invest/funds", tt, "到位资金（按月）", s.handleFunds, httpx.Query("year"))
	rt.Handle("PUT", "/api/v1/invest/funds", tt, "填报到位资金", httpx.Put(s.PutFunds))
	rt.Handle("GET", "/api/v1/invest/chains", tt, "产业链（选择用）", httpx.Get(s.Chains))
	rt.Handle("GET", "/api/v1/invest/teams", tt, "招商专班与乡镇（选择用）", httpx.Get(s.Teams))
	rt.Handle("GET", "/api/v1/invest/towns", tt, "落地乡镇（选择用）", httpx.Get(s.Towns))
	rt.Handle("GET", "/api/v1/invest/settings", tt, "招商引资设置", httpx.Get(s.GetSettings))
	rt.Handle("PUT", "/api/v1/invest/settings", tt, "修改招商引资设置", httpx.UpdateOnto(s.settingsToEdit, s.PutSettings))
	rt.Handle("POST", "/api/v1/invest/lights", tt, "立即重新计算线索亮灯", httpx.Changed(s.Recompute))
}

func leadFilter(r *http.Request) (Filter, httpx.Page, error) {
	p, err := httpx.ParsePage(r)
	if err != nil {
		return Filter{}, p, err
	}
	f := errs.Fields{}
	lf := Filter{Stages: httpx.ListParam(r, "stage"), ChainID: httpx.Int64Param(r, "chain_id", f), TeamID: httpx.Int64Param(r, "team_id", f),
		Lights: httpx.ListParam(r, "light"), Qualities: httpx.ListParam(r, "quality"), Q: p.Q, Sort: p.Sort}
	return lf, p, f.Err()
}

func (s *Service) handlePhone(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	id, err := httpx.PathID(r)
	if err != nil {
		return err
	}
	p, err := s.Phone(r.Context(), a, id)
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, map[string]string{"phone": p})
	return nil
}

// noteInput is the body of a note.
type noteInput struct {
	Note string `json:"note"`
}

func (s *Service) note(ctx context.Context, a *auth.Actor, id int64, in noteInput) (*Detail, error) {
	return s.Note(ctx, a, id, in.Note)
}

func (s *Service) handleSchedule(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	id, err := httpx.PathID(r)
	if err != nil {
		return err
	}
	f := errs.Fields{}
	start := calendar.DateParam(r, "target_start_on", f)
	if err := f.Err(); err != nil {
		return err
	}
	return httpx.Respond(w, http.StatusOK)(s.PreviewSchedule(r.Context(), a, id, start))
}

func (s *Service) handleFunnel(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	f := errs.Fields{}
	ff := FunnelFilter{ChainID: httpx.Int64Param(r, "chain_id", f), TeamID: httpx.Int64Param(r, "team_id", f), Quality: r.URL.Query().Get("quality")}
	if err := f.Err(); err != nil {
		return err
	}
	return httpx.Respond(w, http.StatusOK)(s.Funnel(r.Context(), a, ff))
}

// yearMonth reads year (default this year) and month (default 0: now).
func (s *Service) yearMonth(r *http.Request) (int, int, error) {
	f := errs.Fields{}
	year := int(httpx.Int64Param(r, "year", f))
	if year == 0 {
		year = today(s.Clock.Now()).Year()
	}
	month := int(httpx.Int64Param(r, "month", f))
	return year, month, f.Err()
}

func (s *Service) handleTargets(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	y, m, err := s.yearMonth(r)
	if err != nil {
		return err
	}
	return httpx.Respond(w, http.StatusOK)(s.TargetTable(r.Context(), a, y, m))
}

func (s *Service) handleTargetItems(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	y, _, err := s.yearMonth(r)
	if err != nil {
		return err
	}
	return httpx.Respond(w, http.StatusOK)(s.Targets(r.Context(), a, y))
}

func (s *Service) handleFunds(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	y, _, err := s.yearMonth(r)
	if err != nil {
		return err
	}
	return httpx.Respond(w, http.StatusOK)(s.FundsOf(r.Context(), a, y))
}

// settingsToEdit is the current settings with a map of their own: the
// body is decoded onto them, and the cached value's map must not change.
func (s *Service) settingsToEdit(ctx context.Context, a *auth.Actor) (Settings, error) {
	cur, err := s.GetSettings(ctx, a)
	if err != nil {
		return cur, err
	}
	cur.IdleDays = cloneDays(cur.IdleDays)
	return cur, nil
}

// leadColumnsXLSX is the layout of the exported leads ledger.
var leadColumnsXLSX = []xlsx.ExportColumn{
	{Header: "序号", Width: 6}, {Header: "线索编号", Width: 14}, {Header: "企业名称", Width: 30}, {Header: "产业链", Width: 14},
	{Header: "线索来源", Width: 12}, {Header: "联系人", Width: 10}, {Header: "联系电话", Width: 16}, {Header: "计划投资（万元）", Width: 14},
	{Header: "信息质量", Width: 8}, {Header: "责任专班/单位", Width: 18}, {Header: "落地乡镇", Width: 12}, {Header: "责任人", Width: 10},
	{Header: "所处阶段", Width: 8}, {Header: "进入阶段日期", Width: 12}, {Header: "签约日期", Width: 12}, {Header: "开工日期", Width: 12},
	{Header: "下一步工作", Width: 30}, {Header: "计划完成日期", Width: 12}, {Header: "亮灯", Width: 8}, {Header: "亮灯原因", Width: 30},
}

func (s *Service) handleExport(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	f, p, err := leadFilter(r)
	if err != nil {
		return err
	}
	p.Size = 0
	items, _, err := s.List(r.Context(), a, f, p)
	if err != nil {
		return err
	}
	rows := make([][]any, len(items))
	for i, l := range items {
		chain, town, owner := "", "", ""
		if l.Chain != nil {
			chain = l.Chain.Name
		}
		if l.Town != nil {
			town = l.Town.Name
		}
		if l.Owner != nil {
			owner = l.Owner.Name
		}
		rows[i] = []any{i + 1, l.Code, l.Company, chain, l.Source, l.ContactName, l.ContactPhone, float64(l.PlannedAmount) / 1e4,
			l.Quality, l.Team.Name, town, owner, StageName(l.Stage), dateText(l.StageOn), dateText(l.SignedOn), dateText(l.StartedOn),
			l.NextAction, dateText(l.NextActionOn), lightName(l.Light), l.LightReason}
	}
	return xlsx.Serve(w, "招商线索台账", "招商线索台账", leadColumnsXLSX, rows)
}

func dateText(d calendar.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

func lightName(l string) string {
	switch l {
	case LightGreen:
		return "绿灯"
	case LightYellow:
		return "黄灯"
	case LightRed:
		return "红灯"
	}
	return ""
}

func (s *Service) handleTargetsExport(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	y, m, err := s.yearMonth(r)
	if err != nil {
		return err
	}
	t, err := s.TargetTable(r.Context(), a, y, m)
	if err != nil {
		return err
	}
	cols := []xlsx.ExportColumn{{Header: "序号", Width: 6}, {Header: "专班/单位", Width: 20}}
	for _, mt := range Metrics {
		n := strings.TrimSuffix(strings.TrimSuffix(mt.Name, "（个）"), "（万元）")
		unit := "个"
		if isMoney(mt.Code) {
			unit = "万元"
		}
		cols = append(cols, xlsx.ExportColumn{Header: n + "目标（" + unit + "）", Width: 12},
			xlsx.ExportColumn{Header: n + "时序目标（" + unit + "）", Width: 12},
			xlsx.ExportColumn{Header: n + "完成（" + unit + "）", Width: 12},
			xlsx.ExportColumn{Header: n + "完成率", Width: 9}, xlsx.ExportColumn{Header: n + "时序完成率", Width: 10})
	}
	cols = append(cols, xlsx.ExportColumn{Header: "亮灯", Width: 8})
	line := func(i any, row TargetRow) []any {
		out := []any{i, row.Unit.Name}
		for _, mt := range Metrics {
			c := row.Metrics[mt.Code]
			v := func(x int64) any {
				if isMoney(mt.Code) {
					return float64(x) / 1e4
				}
				return x
			}
			if c == nil || (c.Target == 0 && c.Light == LightNone) {
				out = append(out, "", "", v(c.Actual), "", "")
				continue
			}
			out = append(out, v(c.Target), v(c.Due), v(c.Actual), fmt.Sprintf("%d%%", c.Rate), fmt.Sprintf("%d%%", c.Pace))
		}
		return append(out, lightName(row.Light))
	}
	rows := make([][]any, 0, len(t.Rows)+1)
	for i, row := range t.Rows {
		rows = append(rows, line(i+1, row))
	}
	rows = append(rows, line("", TargetRow{Unit: Ref{Name: "全区合计"}, Metrics: t.District.Metrics, Light: t.District.Light}))
	title := fmt.Sprintf("%d年招商引资目标任务分解表（截至%s）", t.Year, t.AsOf)
	return xlsx.Serve(w, fmt.Sprintf("招商引资目标任务分解表%d", t.Year), title, cols, rows)
}
