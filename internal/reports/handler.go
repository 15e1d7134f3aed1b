package reports

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"

	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/calendar"
	"diaodu/internal/platform/clock"
	"diaodu/internal/platform/errs"
	"diaodu/internal/platform/httpx"
	"diaodu/internal/platform/xlsx"
)

// Routes registers the reporting endpoints (see the package comment).
func (s *Service) Routes(rt *httpx.Router) {
	const to, ts, tr = "report-obligations", "report-submissions", "reports"
	const base = "/api/v1/report-obligations"
	rt.Handle("GET", base, to, "报送任务列表", s.handleList, httpx.Query("page", "page_size", "q", "active", "source"))
	rt.Handle("POST", base, to, "新建报送任务", httpx.Create(s.CreateObligation))
	rt.Handle("POST", base+"/zero-report", to, "一键创建每日零报告", s.handleZeroReport)
	rt.Handle("GET", base+"/{id}", to, "报送任务详情", httpx.GetByID(s.GetObligation))
	rt.Handle("PATCH", base+"/{id}", to, "修改报送任务", httpx.UpdateByID(s.UpdateObligation))
	rt.Handle("DELETE", base+"/{id}", to, "删除未有报送的报送任务", httpx.DoByID(s.DeleteObligation))
	rt.Handle("GET", base+"/{id}/cycles", to, "报送周期及各周期统计", s.handleCycles, httpx.Query("from", "to"))
	rt.Handle("GET", base+"/{id}/table", to, "报送情况：谁报了、谁没报", s.handleTable, httpx.Query("due_on"))
	rt.Handle("GET", base+"/{id}/table/export", to, "导出报送情况", s.handleExportTable, httpx.Query("due_on"),
		httpx.Produces(xlsx.ContentType))
	rt.Handle("GET", base+"/{id}/matrix", to, "报送矩阵（单位×周期）", s.handleMatrix, httpx.Query("cycles", "to"))
	rt.Handle("POST", base+"/{id}/submissions", to, "报送（同一周期截止前再次报送即替换）", s.handleSubmit)

	rt.Handle("GET", "/api/v1/report-submissions", ts, "报送记录", s.handleListSubmissions,
		httpx.Query("page", "page_size", "obligation_id", "unit_id", "status", "from", "to"))
	rt.Handle("GET", "/api/v1/report-submissions/{id}", ts, "报送记录详情", httpx.GetByID(s.GetSubmission))

	rt.Handle("GET", "/api/v1/reports/mine", tr, "我的报送：本单位待报与近期报送", s.handleMine)
	rt.Handle("GET", "/api/v1/reports/today", tr, "今日报送概况（督查首页）", s.handleToday, httpx.Query("date"))
}

func (s *Service) handleList(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	p, err := httpx.ParsePage(r)
	if err != nil {
		return err
	}
	f := errs.Fields{}
	flt := Filter{Q: p.Q, Active: httpx.BoolParam(r, "active", f)}
	if r.URL.Query().Has("source") {
		src := r.URL.Query().Get("source")
		flt.Source = &src
	}
	if err := f.Err(); err != nil {
		return err
	}
	items, total, err := s.ListObligations(r.Context(), a, flt, p)
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, httpx.List[*Obligation]{Items: items, Total: total})
	return nil
}

func (s *Service) handleZeroReport(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	var in ObligationInput
	if r.ContentLength != 0 { // the body is optional: overrides of the template
		if err := httpx.Decode(w, r, &in); err != nil {
			return err
		}
	}
	o, err := s.CreateZeroReport(r.Context(), a, in)
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusCreated, o)
	return nil
}

func (s *Service) handleCycles(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	id, err := httpx.PathID(r)
	if err != nil {
		return err
	}
	f := errs.Fields{}
	from, to := calendar.DateParam(r, "from", f), calendar.DateParam(r, "to", f)
	if err := f.Err(); err != nil {
		return err
	}
	items, err := s.Cycles(r.Context(), a, id, from, to)
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, map[string]any{"items": items})
	return nil
}

// tableOf reads the obligation id and due_on (default: the current cycle)
// and loads the table.
func (s *Service) tableOf(r *http.Request, a *auth.Actor) (*CycleTable, error) {
	id, err := httpx.PathID(r)
	if err != nil {
		return nil, err
	}
	f := errs.Fields{}
	due := calendar.DateParam(r, "due_on", f)
	if err := f.Err(); err != nil {
		return nil, err
	}
	if due.IsZero() {
		o, err := s.load(r.Context(), s.DB.R, a, id)
		if err != nil {
			return nil, err
		}
		c, ok := o.CurrentCycle(s.Cal, s.today())
		if !ok {
			return nil, errs.Conflictf("报送任务“"+o.Name+"”尚无已开始的周期", "the obligation has no cycle yet")
		}
		due = c.DueOn
	}
	return s.CycleTable(r.Context(), a, id, due)
}

func (s *Service) handleTable(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	t, err := s.tableOf(r, a)
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, t)
	return nil
}

// ExportColumns and ExportRow give the who-has table's xlsx layout, the
// same as the page's table: 序号, 单位, 状态, 提交时间, 报送人, 无需报告事项,
// then one column per form field.
func ExportColumns(o *Obligation) []xlsx.ExportColumn {
	cols := []xlsx.ExportColumn{{Header: "序号", Width: 6}, {Header: "单位", Width: 24}, {Header: "状态", Width: 10},
		{Header: "提交时间", Width: 18}, {Header: "报送人", Width: 12}}
	if o.AllowNothing {
		cols = append(cols, xlsx.ExportColumn{Header: "无需报告事项", Width: 12})
	}
	for _, fd := range o.Form {
		h := fd.Label
		if fd.Unit != "" {
			h += "（" + fd.Unit + "）"
		}
		width := 14.0
		if fd.Type == TypeText {
			width = 40
		}
		cols = append(cols, xlsx.ExportColumn{Header: h, Width: width})
	}
	return cols
}

// ExportRow is one row of the who-has table as cells.
func ExportRow(o *Obligation, i int, row Row) []any {
	at := ""
	if row.SubmittedAt != nil {
		at = row.SubmittedAt.In(clock.Shanghai).Format("2006-01-02 15:04")
	}
	out := []any{i + 1, row.Unit.Name, StatusName(row.Status), at, row.SubmittedByName}
	if o.AllowNothing {
		nothing := ""
		if row.SubmittedAt != nil {
			nothing = map[bool]string{true: "是", false: "否"}[row.Nothing]
		}
		out = append(out, nothing)
	}
	for _, fd := range o.Form {
		out = append(out, cellValue(fd, row.Values[fd.Key]))
	}
	return out
}

func cellValue(fd Field, v any) any {
	switch x := v.(type) {
	case nil:
		return ""
	case []any:
		if fd.Type == TypeFiles {
			if len(x) == 0 {
				return ""
			}
			return strconv.Itoa(len(x)) + "个附件"
		}
		return fmt.Sprint(x...)
	case float64, bool, string:
		return x
	}
	return fmt.Sprint(v)
}

func (s *Service) handleExportTable(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	t, err := s.tableOf(r, a)
	if err != nil {
		return err
	}
	o := t.Obligation
	rows := make([][]any, len(t.Rows))
	for i, row := range t.Rows {
		rows[i] = ExportRow(o, i, row)
	}
	name := fmt.Sprintf("%s_%s报送情况", o.Name, t.Cycle.DueOn)
	title := fmt.Sprintf("%s %s 报送情况（应报%d，按时%d，迟报%d，缺报%d，待报%d）", o.Name, t.Cycle.DueOn.Chinese(), t.Counts.Total,
		t.Counts.Submitted, t.Counts.Late, t.Counts.Missing, t.Counts.Pending)
	return xlsx.Serve(w, name, title, ExportColumns(o), rows)
}

func (s *Service) handleMatrix(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	id, err := httpx.PathID(r)
	if err != nil {
		return err
	}
	f := errs.Fields{}
	n := 30
	if v := r.URL.Query().Get("cycles"); v != "" {
		if n, err = strconv.Atoi(v); err != nil {
			f.Add("cycles", "周期数应为整数", "cycles must be an integer")
		}
	}
	to := calendar.DateParam(r, "to", f)
	if err := f.Err(); err != nil {
		return err
	}
	m, err := s.Matrix(r.Context(), a, id, n, to)
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, m)
	return nil
}

func (s *Service) handleSubmit(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	id, err := httpx.PathID(r)
	if err != nil {
		return err
	}
	var in SubmissionInput
	if err := httpx.Decode(w, r, &in); err != nil {
		return err
	}
	sub, err := s.Submit(r.Context(), a, id, in)
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusCreated, sub)
	return nil
}

var statuses = []string{OnTime, Late, Missing}

func (s *Service) handleListSubmissions(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	p, err := httpx.ParsePage(r)
	if err != nil {
		return err
	}
	f := errs.Fields{}
	flt := SubmissionFilter{ObligationID: httpx.Int64Param(r, "obligation_id", f), UnitID: httpx.Int64Param(r, "unit_id", f),
		Status: r.URL.Query().Get("status"), From: calendar.DateParam(r, "from", f), To: calendar.DateParam(r, "to", f)}
	if flt.Status != "" && !slices.Contains(statuses, flt.Status) {
		f.Add("status", "状态应为 on_time、late 或 missing", "status must be on_time, late or missing")
	}
	if err := f.Err(); err != nil {
		return err
	}
	items, total, err := s.ListSubmissions(r.Context(), a, flt, p)
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, httpx.List[*Submission]{Items: items, Total: total})
	return nil
}

func (s *Service) handleMine(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	items, err := s.Mine(r.Context(), a)
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, map[string]any{"items": items, "today": s.today(), "now": s.Clock.Now().UTC().Truncate(time.Second)})
	return nil
}

func (s *Service) handleToday(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	f := errs.Fields{}
	day := calendar.DateParam(r, "date", f)
	if err := f.Err(); err != nil {
		return err
	}
	t, err := s.Today(r.Context(), a, day)
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, t)
	return nil
}
