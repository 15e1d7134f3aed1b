package main

import (
	"log"

	"github.com/xuri/excelize/v2"
)

func init() { kinds["households"] = writeHouseholds }

// writeHouseholds writes 张家村's roster (demo village SFQ-T01-V01) as a
// village keeps it: a merged title, who filled it in, a two-row header with
// 户主信息 merged over name, ID number and phone, the village merged down
// the rows. The bad copy repeats the first household (same head, the
// address spaced differently) in its last row.
func writeHouseholds(file string, bad bool) {
	f := excelize.NewFile()
	sh := f.GetSheetName(0)
	set := func(cell string, v any) {
		if err := f.SetCellValue(sh, cell, v); err != nil {
			log.Fatal(err)
		}
	}
	merge := func(a, b string) {
		if err := f.MergeCell(sh, a, b); err != nil {
			log.Fatal(err)
		}
	}
	set("A1", "青石镇张家村森林防火入户宣传户名册（E2E）")
	merge("A1", "I1")
	set("A2", "填报单位：张家村村民委员会        填报日期：2026年3月1日")
	merge("A2", "I2")
	for _, h := range []struct{ col, text string }{{"A", "序号"}, {"B", "村/社区"}, {"F", "家庭住址"}, {"G", "家庭人口"}, {"H", "备注"}} {
		set(h.col+"3", h.text)
		merge(h.col+"3", h.col+"4")
	}
	set("C3", "户主信息")
	merge("C3", "E3")
	set("C4", "户主姓名")
	set("D4", "身份证号")
	set("E4", "联系电话")
	rows := [][]any{
		{1, "张家村", "E2E欧阳建国", "530102198001011234", "13812340001", "张家村E2E一组1号", "4人", ""},
		{2, nil, "E2E司马秀英", "530102198202022345", "", "张家村E2E一组2号", 2, "独居老人"},
		{3, nil, "E2E诸葛伟", "", "0871-65120003", "张家村E2E二组3号", 5, ""},
	}
	if bad {
		rows = append(rows, []any{4, nil, "E2E欧阳建国", "", "", "张家村E2E 一组 1号", 1, "重复登记"})
	}
	for r, row := range rows {
		for c, v := range row {
			if v == nil {
				continue
			}
			cell, _ := excelize.CoordinatesToCellName(c+1, r+5)
			set(cell, v)
		}
	}
	last, _ := excelize.CoordinatesToCellName(2, 4+len(rows))
	merge("B5", last)
	if err := f.SaveAs(file); err != nil {
		log.Fatal(err)
	}
}
