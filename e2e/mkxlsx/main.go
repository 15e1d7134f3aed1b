// Command mkxlsx writes the spreadsheets the browser tests upload: a units
// roster laid out as an office keeps it (title row, a blank row, headers),
// with or without one bad row.
//
//	go run ./e2e/mkxlsx -bad units-bad.xlsx
package main

import (
	"flag"
	"log"

	"github.com/xuri/excelize/v2"
)

func main() {
	bad := flag.Bool("bad", false, "include a row whose parent code does not exist")
	flag.Parse()
	if flag.NArg() != 1 {
		log.Fatal("usage: mkxlsx [-bad] FILE")
	}
	f := excelize.NewFile()
	sh := f.GetSheetName(0)
	set := func(cell string, v any) {
		if err := f.SetCellValue(sh, cell, v); err != nil {
			log.Fatal(err)
		}
	}
	set("A1", "示范区新增村（社区）名册（2026年）")
	_ = f.MergeCell(sh, "A1", "F1")
	for i, h := range []string{"单位编码", "单位名称", "简称", "类型", "上级单位编码", "排序"} {
		cell, _ := excelize.CoordinatesToCellName(i+1, 3)
		set(cell, h)
	}
	rows := [][]any{
		{"SFQ-T01-V90", "  新建测试村 ", "测试", "村/社区", "SFQ-T01", 90},
		{"ＳＦＱ-T01-V91", "新建示范社区", "示范", "社区", "SFQ-T01", "９１"},
		{"SFQ-T02-V92", "河湾村", "河湾", "村", "SFQ-T02", 92},
	}
	if *bad {
		rows[2][4] = "NO-SUCH-TOWN"
	}
	for r, row := range rows {
		for c, v := range row {
			cell, _ := excelize.CoordinatesToCellName(c+1, r+4)
			set(cell, v)
		}
	}
	if err := f.SaveAs(flag.Arg(0)); err != nil {
		log.Fatal(err)
	}
}
