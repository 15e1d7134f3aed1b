package tasks

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/db"
	"diaodu/internal/platform/xlsx"
)

// ledgerColumns is the usual layout of a 督办台账.
var ledgerColumns = []xlsx.ExportColumn{
	{Header: "序号", Width: 6}, {Header: "督办编号", Width: 18}, {Header: "工作任务", Width: 30}, {Header: "具体目标/措施", Width: 40},
	{Header: "牵头领导", Width: 12}, {Header: "牵头单位", Width: 18}, {Header: "配合单位", Width: 24}, {Header: "完成时限", Width: 12},
	{Header: "进展情况", Width: 40}, {Header: "完成进度", Width: 10}, {Header: "状态", Width: 10}, {Header: "亮灯", Width: 8},
	{Header: "亮灯原因", Width: 36},
}

// latestReports reads the latest report text of each task (the report of
// its last_cycle_end), 500 tasks a query.
func latestReports(ctx context.Context, q querier, ids []int64) (map[int64]string, error) {
	out := map[int64]string{}
	for i := 0; i < len(ids); i += relationChunk {
		part := ids[i:min(i+relationChunk, len(ids))]
		var args db.Args
		rows, err := q.QueryContext(ctx, `SELECT r.task_id, r.content FROM task_reports r JOIN tasks t ON t.id = r.task_id
			AND r.cycle_end = t.last_cycle_end WHERE r.task_id IN (`+inList(&args, part)+`)`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id int64
			var c string
			if err := rows.Scan(&id, &c); err != nil {
				rows.Close()
				return nil, err
			}
			out[id] = c
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func names(rs []Ref) string {
	ns := make([]string, len(rs))
	for i, r := range rs {
		ns[i] = r.Name
	}
	return strings.Join(ns, "、")
}

// handleExport streams the ledger with the list's filters.
func (s *Service) handleExport(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	f, p, err := taskFilter(r)
	if err != nil {
		return err
	}
	p.Size = 0
	items, _, err := s.List(r.Context(), a, f, p)
	if err != nil {
		return err
	}
	ids := make([]int64, len(items))
	for i, t := range items {
		ids[i] = t.ID
	}
	latest, err := latestReports(r.Context(), s.DB.Read, ids)
	if err != nil {
		return err
	}
	rows := make([][]any, len(items))
	for i, t := range items {
		deadline := "长期坚持"
		if !t.Deadline.IsZero() {
			deadline = t.Deadline.String()
		}
		light := ""
		if t.Light != LightNone {
			light = lightName(t.Light)
		}
		rows[i] = []any{i + 1, t.Number, t.Title, t.Requirements, names(t.Leaders), t.LeadUnit.Name, names(t.CoUnits), deadline,
			latest[t.ID], fmt.Sprintf("%d%%", t.Progress), StatusNames[t.Status], light, t.LightReason}
	}
	return xlsx.Serve(w, "督办台账", "督办台账", ledgerColumns, rows)
}
