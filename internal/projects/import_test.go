package projects_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/xuri/excelize/v2"

	"diaodu/internal/platform/db"
	"diaodu/internal/platform/imports"
	"diaodu/internal/testutil"
)

// ledgerSheet is a ledger with a title, a unit note and a two-row header
// (投资情况 over 总投资 and 年度计划投资, in 万元).
func ledgerSheet(t testing.TB, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sh := f.GetSheetName(0)
	cells := map[string]any{"A1": "2026年重点项目台账", "A2": "单位：万元", "A3": "项目编号", "B3": "项目名称", "C3": "乡镇（街道）",
		"D3": "责任单位", "E3": "投资情况", "E4": "总投资", "F4": "年度计划投资", "G3": "建设阶段", "H3": "计划开工时间", "I3": "统一社会信用代码",
		"J3": "业主单位"}
	for c, v := range cells {
		if err := f.SetCellValue(sh, c, v); err != nil {
			t.Fatal(err)
		}
	}
	for _, m := range [][2]string{{"A1", "J1"}, {"A3", "A4"}, {"B3", "B4"}, {"C3", "C4"}, {"D3", "D4"}, {"E3", "F3"}, {"G3", "G4"}, {"H3", "H4"}, {"I3", "I4"}, {"J3", "J4"}} {
		_ = f.MergeCell(sh, m[0], m[1])
	}
	for i, r := range rows {
		if err := f.SetSheetRow(sh, fmt.Sprintf("A%d", i+5), &r); err != nil {
			t.Fatal(err)
		}
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func runImport(t testing.TB, e *env, who string, data []byte) *imports.Job {
	t.Helper()
	ctx := context.Background()
	job, err := e.f.App.Imports.Start(ctx, e.as(who), "projects", "台账.xlsx", data)
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	e.f.App.Imports.Wait()
	j, err := e.f.App.Imports.Get(ctx, e.as(who), job.ID)
	if err != nil {
		t.Fatal(err)
	}
	return j
}

func TestImportLedger(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		good := [][]any{
			{"XM-01", "锂电池产业园", "青石镇", "青石镇", "120,000", "30000", "续建", "2025年3月", "91530100MA6K0Q1X27", "示范锂电有限公司"},
			{"XM-02", "污水处理厂扩建", "柳溪镇", "区发展和改革局", "8500.5", "4000", "新开工", 46100, "", ""},
		}
		j := runImport(t, e, "supervisor", ledgerSheet(t, good))
		if j.Status != "done" || j.Result.Created != 2 {
			t.Fatalf("first import: %+v", j)
		}
		var total, ent int64
		var start string
		if err := d.R.QueryRow(`SELECT total_investment, COALESCE(enterprise_id, 0), start_on FROM projects WHERE code = 'XM-01'`).Scan(&total, &ent, &start); err != nil {
			t.Fatal(err)
		}
		if total != 1_200_000_000 || ent == 0 || start != "2025-03-01" {
			t.Fatalf("row 1: total %d enterprise %d start %s", total, ent, start)
		}
		var total2 int64
		_ = d.R.QueryRow(`SELECT total_investment FROM projects WHERE code = 'XM-02'`).Scan(&total2)
		if total2 != 85_005_000 {
			t.Fatalf("8500.5万元 read as %d", total2)
		}
		// Again: nothing changes; a changed amount updates.
		j = runImport(t, e, "supervisor", ledgerSheet(t, good))
		if j.Status != "done" || j.Result.Unchanged != 2 || e.count(t, `SELECT COUNT(*) FROM projects`) != 2 {
			t.Fatalf("second import: %+v", j.Result)
		}
		good[1][4] = "9000"
		j = runImport(t, e, "supervisor", ledgerSheet(t, good))
		if j.Status != "done" || j.Result.Updated != 1 || j.Result.Unchanged != 1 {
			t.Fatalf("third import: %+v", j.Result)
		}
		// Bad rows: unknown town, negative total, year plan above total; nothing written.
		before := e.count(t, `SELECT COUNT(*) FROM projects`)
		bad := append(good, []any{"XM-03", "错误项目", "不存在镇", "青石镇", "-5", "0", "前期", "", "", ""},
			[]any{"XM-04", "计划超总投资", "青石镇", "青石镇", "100", "200", "前期", "", "", ""})
		j = runImport(t, e, "supervisor", ledgerSheet(t, bad))
		if j.Status != "failed" || len(j.Errors) < 2 || e.count(t, `SELECT COUNT(*) FROM projects`) != before {
			t.Fatalf("bad import: %+v", j)
		}
		// A town admin may not import projects of another town.
		j = runImport(t, e, "qs_admin", ledgerSheet(t, [][]any{{"XM-05", "柳溪项目", "柳溪镇", "柳溪镇", "100", "0", "前期", "", "", ""}}))
		if j.Status != "failed" {
			t.Fatalf("out-of-scope import: %+v", j)
		}
	})
}
