package main

import (
	"log"

	"github.com/xuri/excelize/v2"
)

func init() {
	kinds["invest-leads"] = writeInvestLeads
	kinds["invest-targets"] = writeInvestTargets
}

// writeSheet writes rows from A1 with the title merged across the header
// (row 3) and saves the file.
func writeSheet(file string, rows [][]any) {
	f := excelize.NewFile()
	sh := f.GetSheetName(0)
	for r, row := range rows {
		for c, v := range row {
			cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
			if err := f.SetCellValue(sh, cell, v); err != nil {
				log.Fatal(err)
			}
		}
	}
	last, _ := excelize.CoordinatesToCellName(len(rows[2]), 1)
	_ = f.MergeCell(sh, "A1", last)
	if err := f.SaveAs(file); err != nil {
		log.Fatal(err)
	}
}

// writeInvestLeads writes a team's leads ledger (招商线索台账) as it is kept:
// a title, amounts in 亿元, stages and dates in words. The bad copy names a
// chain that does not exist and a negative amount.
func writeInvestLeads(file string, bad bool) {
	rows := [][]any{
		{"新能源电池产业链招商专班项目线索台账（截至11月）"},
		{},
		{"序号", "线索编号", "企业（客商）名称", "所属产业链", "信息来源", "对接人", "联系方式", "投资额（亿元）", "信息等级", "责任专班", "拟落地乡镇",
			"推进阶段", "最新进展日期", "下步计划"},
		{1, "E2E-XNY-01", "E2E储能电站科技有限公司", "新能源电池", "展会推介", "周经理", "13700001234", 3.5, "A", "新能源电池产业链招商专班", "青石镇",
			"洽谈", "2026年11月2日", "起草投资协议"},
		{2, "E2E-XNY-02", "E2E电池隔膜材料有限公司", "新能源电池", "以商招商", "吴总", "13600004321", "0.8", "B", "新能源电池产业链招商专班", "柳溪镇",
			"接洽", "2026/11/10", "邀请来区考察"},
	}
	if bad {
		rows[3][3] = "航空航天"
		rows[4][7] = "-2"
	}
	writeSheet(file, rows)
}

// writeInvestTargets writes a target breakdown table (目标任务分解表): a row
// per team and metric, money in the metric's unit, one split by month.
func writeInvestTargets(file string, bad bool) {
	rows := [][]any{
		{"2026年招商引资目标任务分解表"},
		{},
		{"序号", "单位", "指标", "全年目标", "1月", "2月", "3月", "4月", "5月", "6月", "7月", "8月", "9月", "10月", "11月", "12月"},
		{1, "数字经济招商专班", "签约项目（个）", 8},
		{2, "数字经济招商专班", "签约金额（亿元）", 20, 0, 0, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2},
	}
	if bad {
		rows[4][4] = 5 // the months no longer add up to 20
	}
	writeSheet(file, rows)
}
