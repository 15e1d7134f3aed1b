// Command mkxlsx writes the spreadsheets the browser tests upload: a units
// roster laid out as an office keeps it (title row, a blank row, headers),
// or a task breakdown table (重点工作任务分解表), with or without one bad row.
//
//	go run ./e2e/mkxlsx -bad units-bad.xlsx
//	go run ./e2e/mkxlsx -breakdown -bad breakdown-bad.xlsx
//	go run ./e2e/mkxlsx -kind projects FILE
//
// Later modules add their sheets in a file of their own that registers a
// writer in kinds (see -kind).
package main

import (
	"flag"
	"log"

	"github.com/xuri/excelize/v2"
)

// kinds holds the sheets later modules write, by the -kind name; each
// module registers its writers from an init function in its own file.
var kinds = map[string]func(file string, bad bool){}

func main() {
	bad := flag.Bool("bad", false, "include a bad row (a parent code or lead unit that does not exist)")
	breakdown := flag.Bool("breakdown", false, "write a task breakdown table instead of a units roster")
	kind := flag.String("kind", "", "write the sheet a module registered under this name")
	flag.Parse()
	if flag.NArg() != 1 {
		log.Fatal("usage: mkxlsx [-breakdown | -kind NAME] [-bad] FILE")
	}
	if *kind != "" {
		write, ok := kinds[*kind]
		if !ok {
			log.Fatalf("mkxlsx: no sheet kind %q", *kind)
		}
		write(flag.Arg(0), *bad)
		return
	}
	if *breakdown {
		writeBreakdown(flag.Arg(0), *bad)
		return
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

// writeBreakdown writes three tasks as a supervision office types them: a
// title, a section row, units by short name, deadlines in words. The bad
// copy names the lead unit "发改委", which matches no unit.
func writeBreakdown(file string, bad bool) {
	f := excelize.NewFile()
	sh := f.GetSheetName(0)
	rows := [][]any{
		{"2027年全区重点工作任务分解表"},
		{},
		{"序号", "工作任务", "具体目标/措施", "牵头领导", "牵头单位", "配合单位", "完成时限"},
		{"一、项目建设"},
		{1, "E2E重点项目前期工作", "完成可研批复和用地预审", "常务副区长", "区发展和改革局", "区自然资源局、区住房和城乡建设局", "2027年3月底前"},
		{2, "E2E园区污水管网接入", "新建管网3公里，实现园区污水全收集", "常务副区长", "区住房和城乡建设局", "青石镇", "2027年6月30日前"},
		{"二、安全生产"},
		{3, "E2E安全生产隐患动态清零", "重大隐患挂牌督办，一般隐患立查立改", "区长", "区应急管理局", "各乡镇", "长期坚持"},
	}
	if bad {
		rows[4][4] = "发改委"
	}
	for r, row := range rows {
		for c, v := range row {
			cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
			if err := f.SetCellValue(sh, cell, v); err != nil {
				log.Fatal(err)
			}
		}
	}
	_ = f.MergeCell(sh, "A1", "G1")
	if err := f.SaveAs(file); err != nil {
		log.Fatal(err)
	}
}
