package audit

import (
	"net/http"
	"time"

	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/clock"
	"diaodu/internal/platform/errs"
	"diaodu/internal/platform/httpx"
	"diaodu/internal/platform/xlsx"
)

// Routes registers the audit page's endpoints.
func (l *Log) Routes(rt *httpx.Router) {
	q := httpx.Query("page", "page_size", "q", "user_id", "unit_id", "object_type", "object_id", "action", "from", "to")
	rt.Handle("GET", "/api/v1/audit", "audit", "审计日志", l.handleList, q)
	rt.Handle("GET", "/api/v1/audit/export", "audit", "导出审计日志", l.handleExport, q, httpx.Produces(xlsx.ContentType))
	rt.Handle("GET", "/api/v1/audit/verify", "audit", "校验审计日志完整性", l.handleVerify)
}

func filterOf(r *http.Request) (Filter, httpx.Page, error) {
	p, err := httpx.ParsePage(r)
	if err != nil {
		return Filter{}, p, err
	}
	fe := errs.Fields{}
	q := r.URL.Query()
	f := Filter{UserID: httpx.Int64Param(r, "user_id", fe), UnitID: httpx.Int64Param(r, "unit_id", fe),
		ObjectType: q.Get("object_type"), ObjectID: q.Get("object_id"), Action: q.Get("action"), Q: p.Q}
	day := func(name string) time.Time {
		s := q.Get(name)
		if s == "" {
			return time.Time{}
		}
		t, err := time.ParseInLocation(time.DateOnly, s, clock.Shanghai)
		if err != nil {
			fe.Add(name, "日期格式应为 YYYY-MM-DD", "date must be YYYY-MM-DD")
		}
		return t
	}
	f.From = day("from")
	if to := day("to"); !to.IsZero() {
		f.To = to.AddDate(0, 0, 1) // "to" is inclusive: the whole day
	}
	return f, p, fe.Err()
}

func (l *Log) handleList(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	f, p, err := filterOf(r)
	if err != nil {
		return err
	}
	items, total, err := l.List(r.Context(), a, f, p.Limit(), p.Offset())
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, httpx.List[Item]{Items: items, Total: total})
	return nil
}

func (l *Log) handleExport(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	f, _, err := filterOf(r)
	if err != nil {
		return err
	}
	items, _, err := l.List(r.Context(), a, f, 0, 0)
	if err != nil {
		return err
	}
	if err := l.Append(r.Context(), a, Entry{Action: "audit.export", ObjectType: "audit",
		Summary: "导出审计日志", After: map[string]any{"query": r.URL.RawQuery, "rows": len(items)}}); err != nil {
		return err
	}
	rows := make([][]any, len(items))
	for i, it := range items {
		rows[i] = []any{it.Seq, it.At.In(clock.Shanghai).Format(time.DateTime), it.Username, it.UnitName, it.IP,
			it.Action, it.ObjectType, it.ObjectID, it.Summary, string(it.Before), string(it.After)}
	}
	return xlsx.Serve(w, "审计日志", "审计日志", []xlsx.ExportColumn{
		{Header: "序号", Width: 8}, {Header: "时间", Width: 20}, {Header: "用户", Width: 14}, {Header: "单位", Width: 20},
		{Header: "来源地址", Width: 14}, {Header: "操作", Width: 18}, {Header: "对象类型", Width: 12}, {Header: "对象编号", Width: 10},
		{Header: "摘要", Width: 40}, {Header: "修改前", Width: 40}, {Header: "修改后", Width: 40}}, rows)
}

func (l *Log) handleVerify(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	if err := auth.Require(a, auth.VerifyAudit); err != nil {
		return err
	}
	rep, err := l.Verify(r.Context())
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, rep)
	return nil
}
