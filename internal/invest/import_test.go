package invest_test

import (
	"bytes"
	"testing"

	"github.com/xuri/excelize/v2"

	"diaodu/internal/platform/db"
	"diaodu/internal/platform/imports"
	"diaodu/internal/testutil"
)

// sheet writes a workbook as offices keep it: a merged title row, a blank
// row, the headers, then the rows.
func sheet(t testing.TB, title string, header []string, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	sh := f.GetSheetName(0)
	_ = f.SetCellValue(sh, "A1", title)
	last, _ := excelize.CoordinatesToCellName(len(header), 1)
	_ = f.MergeCell(sh, "A1", last)
	for i, h := range header {
		c, _ := excelize.CoordinatesToCellName(i+1, 3)
		_ = f.SetCellValue(sh, c, h)
	}
	for r, row := range rows {
		for i, v := range row {
			c, _ := excelize.CoordinatesToCellName(i+1, r+4)
			_ = f.SetCellValue(sh, c, v)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func (e *env) importAs(t testing.TB, who, kind string, data []byte) *imports.Job {
	t.Helper()
	im := e.f.App.Imports
	job, err := im.Start(e.ctx, e.as(who), kind, "台账.xlsx", data)
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	im.Wait()
	j, err := im.Get(e.ctx, e.as(who), job.ID)
	if err != nil {
		t.Fatal(err)
	}
	return j
}

var leadHeader = []string{"序号", "线索编号", "企业（客商）名称", "所属产业链", "信息来源", "对接人", "联系方式", "投资额（亿元）", "信息等级",
	"责任专班", "拟落地乡镇", "推进阶段", "最新进展日期", "下步计划", "计划完成时间"}

func TestImportLeadsAndTargets(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		rows := [][]any{
			{1, "XNY-001", " 示范储能科技有限公司 ", "新能源电池", "以商招商", "王经理", "13812345678", "2.5", "A", "新能源招商专班", "青石镇",
				"洽谈", "2026年11月20日", "组织赴企业总部考察", "2026-12-10"},
			{2, "ＸＮＹ-002", "示范正极材料有限公司", "新能源电池", "展会", "李总", "13900001111", "12", "B", "新能源招商专班", "柳溪镇",
				"签约", "2026/10/8", "", ""},
			{3, "", "示范电池回收有限公司", "", "中介", "", "", "0.8", "", "新能源招商专班", "", "", "", "", ""},
		}
		data := sheet(t, "新能源招商专班项目线索台账（截至2026年11月）", leadHeader, rows)
		j := e.importAs(t, "zb1_admin", "invest-leads", data)
		if j.Status != "done" || j.Created != 3 {
			t.Fatalf("import: %+v", j)
		}
		if n := e.f.Count(t, `SELECT COUNT(*) FROM invest_leads WHERE stage = 'signed' AND signed_on = '2026-10-08' AND planned_amount = 1200000000`); n != 1 {
			t.Fatal("the signed row did not keep its stage, date and amount")
		}
		if n := e.f.Count(t, `SELECT COUNT(*) FROM invest_leads WHERE company = '示范储能科技有限公司' AND code = 'XNY-001' AND stage = 'negotiate'`); n != 1 {
			t.Fatal("spaces, full-width or stage not normalised")
		}
		// Again: nothing changes.
		j = e.importAs(t, "zb1_admin", "invest-leads", data)
		if j.Status != "done" || j.Created != 0 || j.Updated != 0 || j.Unchanged != 3 {
			t.Fatalf("second import: %+v", j)
		}
		// Further along in a later sheet: moved, not duplicated.
		rows[0][11], rows[0][12] = "签约", "2026-11-25"
		j = e.importAs(t, "zb1_admin", "invest-leads", sheet(t, "台账", leadHeader, rows))
		if j.Status != "done" || j.Updated != 1 || e.f.Count(t, `SELECT COUNT(*) FROM invest_leads`) != 3 {
			t.Fatalf("update import: %+v", j)
		}
		// Bad cells: every one reported, nothing written.
		bad := [][]any{
			{1, "XNY-009", "示范新公司", "航空航天", "", "", "", "-3", "A", "新能源招商专班", "", "", "", "", ""},
			{2, "XNY-010", "另一公司", "新能源电池", "", "", "", "1", "A", "绿色食品招商专班", "", "", "", "", ""}, // out of scope
			{3, "XNY-011", "第三公司", "新能源电池", "", "", "", "abc", "A", "新能源招商专班", "", "飞升", "", "", ""},
		}
		j = e.importAs(t, "zb1_admin", "invest-leads", sheet(t, "台账", leadHeader, bad))
		if j.Status != "failed" || len(j.Errors) < 4 {
			t.Fatalf("bad import: %+v", j)
		}
		if n := e.f.Count(t, `SELECT COUNT(*) FROM invest_leads`); n != 3 {
			t.Fatalf("%d leads after a failed import", n)
		}

		// Targets: a row per unit and metric, money in the metric's unit.
		th := []string{"序号", "单位", "指标", "全年目标", "1月", "2月", "3月", "4月", "5月", "6月", "7月", "8月", "9月", "10月", "11月", "12月"}
		trows := [][]any{
			{1, "新能源招商专班", "签约项目（个）", 12},
			{2, "新能源招商专班", "签约金额（亿元）", 30, 0, 0, 5, 0, 0, 10, 0, 0, 5, 0, 0, 10},
			{3, "新能源招商专班", "亿元以上项目（个）", 6},
			{4, "青石镇", "到位资金（万元）", 50000},
		}
		j = e.importAs(t, "supervisor", "invest-targets", sheet(t, "2026年招商引资目标任务分解表", th, trows))
		if j.Status != "done" || j.Created != 4 {
			t.Fatalf("targets: %+v", j)
		}
		if n := e.f.Count(t, `SELECT COUNT(*) FROM invest_targets WHERE metric = 'signed_amount' AND annual = 3000000000 AND months LIKE '0,0,500000000,%'`); n != 1 {
			t.Fatal("signed amount not read in 亿元 with its months")
		}
		if n := e.f.Count(t, `SELECT COUNT(*) FROM invest_targets WHERE metric = 'funds' AND annual = 500000000`); n != 1 {
			t.Fatal("funds not read in 万元")
		}
		j = e.importAs(t, "supervisor", "invest-targets", sheet(t, "2026年招商引资目标任务分解表", th, trows))
		if j.Status != "done" || j.Unchanged != 4 {
			t.Fatalf("targets again: %+v", j)
		}
		trows[1][4] = 1 // months no longer add up
		j = e.importAs(t, "supervisor", "invest-targets", sheet(t, "表", th, trows))
		if j.Status != "failed" || len(j.Errors) != 1 {
			t.Fatalf("bad targets: %+v", j)
		}
		if _, err := e.f.App.Imports.Start(e.ctx, e.as("zb1_admin"), "invest-targets", "表.xlsx", sheet(t, "表", th, trows)); err == nil {
			t.Fatal("a team admin imported targets")
		}
	})
}
