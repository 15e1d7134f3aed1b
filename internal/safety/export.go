package safety

import (
	"net/http"
	"time"

	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/xlsx"
)

// ledgerColumns is the 隐患排查整治台账 as offices print it.
var ledgerColumns = []xlsx.ExportColumn{
	{Header: "序号", Width: 6}, {Header: "企业（场所）名称", Width: 28}, {Header: "所属镇街", Width: 12}, {Header: "行业领域", Width: 12},
	{Header: "行业主管部门", Width: 16}, {Header: "隐患描述", Width: 40}, {Header: "隐患等级", Width: 8}, {Header: "发现时间", Width: 12},
	{Header: "发现人", Width: 12}, {Header: "整改措施", Width: 36}, {Header: "整改责任人", Width: 12}, {Header: "整改期限", Width: 12},
	{Header: "整改资金（万元）", Width: 10}, {Header: "整改状态", Width: 10}, {Header: "是否逾期", Width: 8},
	{Header: "挂牌督办编号", Width: 18}, {Header: "销号时间", Width: 12}, {Header: "备注", Width: 16},
}

// handleExport answers the ledger with the list's filters as xlsx, under a
// title naming the campaign when one is chosen.
func (s *Service) handleExport(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	f, p, err := hazardFilter(r)
	if err != nil {
		return err
	}
	p.Size = 0
	items, _, err := s.ListHazards(r.Context(), a, f, p)
	if err != nil {
		return err
	}
	title := "安全生产隐患排查整治台账"
	if f.CampaignID != 0 {
		if c, err := s.GetCampaign(r.Context(), a, f.CampaignID); err == nil {
			title = c.Name + "隐患排查整治台账"
		}
	}
	title += "（截至" + s.today().Chinese() + "）"
	rows := make([][]any, len(items))
	for i, h := range items {
		overdue, closed, note := "否", "", ""
		if h.Overdue {
			overdue = "是"
		}
		if h.ClosedAt != nil {
			closed = h.ClosedAt.In(shanghai).Format("2006-01-02")
		}
		if h.Rejections > 0 {
			note = "验收不通过" + itoa(h.Rejections) + "次"
		}
		rows[i] = []any{i + 1, h.EnterpriseName, h.TownName, h.IndustryName, h.SupervisingUnitName, h.Description, h.LevelName,
			h.FoundOn.String(), h.FoundBy, h.Measures, h.ResponsiblePerson, h.Deadline.String(), h.Funds, h.StatusName, overdue,
			h.NoticeNumber, closed, note}
	}
	return xlsx.Serve(w, "隐患台账", title, ledgerColumns, rows)
}

var shanghai = time.FixedZone("CST", 8*3600)

var timeZero time.Time

func itoa(n int) string { return idStr(int64(n)) }
