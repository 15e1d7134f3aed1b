package main

import (
	"image"
	"image/color"
	"log"
	"os"
	"time"

	"github.com/xuri/excelize/v2"

	"diaodu/internal/platform/clock"
	"diaodu/internal/platform/exif"
)

func init() { kinds["projects"] = writeProjects }

// writeProjects writes a key project ledger as a development-and-reform
// office keeps it: a title row, a unit note, a two-row header with 投资情况
// merged over the amounts (万元), dates as text, as serials and as months,
// and (bad) a row naming a town that does not exist and a negative total.
func writeProjects(file string, bad bool) {
	f := excelize.NewFile()
	sh := f.GetSheetName(0)
	row := func(n int, vals ...any) {
		cell, _ := excelize.CoordinatesToCellName(1, n)
		if err := f.SetSheetRow(sh, cell, &vals); err != nil {
			log.Fatal(err)
		}
	}
	row(1, "示范区2026年重点项目推进台账")
	_ = f.MergeCell(sh, "A1", "N1")
	row(2, "单位：万元")
	row(3, "序号", "项目编号", "项目名称", "项目类别", "所在乡镇", "责任单位", "业主单位", "包联领导", "投资情况", "", "建设阶段", "开工时间", "建设内容", "现场联系人")
	row(4, "", "", "", "", "", "", "", "", "总投资", "年度计划投资", "", "", "", "")
	for _, c := range []string{"A", "B", "C", "D", "E", "F", "G", "H", "K", "L", "M", "N"} {
		_ = f.MergeCell(sh, c+"3", c+"4")
	}
	_ = f.MergeCell(sh, "I3", "J3")
	rows := [][]any{
		{1, "E2E-XM-01", "智能装备产业园（导入）", "产业项目", "青石镇", "青石镇", "示范智能装备有限公司", "", "120000", "30000", "续建", "2025年3月", "新建厂房8万平方米", "赵工"},
		{2, "E2E-XM-02", "城区污水处理厂扩建（导入）", "生态环保", "柳溪镇", "区发展和改革局", "", "", "8,500.5", "4000", "新开工", 46100, "日处理能力4万吨", "钱工"},
		{3, "E2E-XM-03", "乡村振兴示范片（导入）", "社会民生", "青石镇", "青石镇", "", "", "3200", "1200", "前期", "2026-09-01", "道路、广场与村史馆", "孙工"},
	}
	if bad {
		rows = append(rows, []any{4, "E2E-XM-04", "错误行项目", "产业项目", "不存在镇", "青石镇", "", "", "-100", "0", "前期", "", "", ""})
	}
	for i, r := range rows {
		row(5+i, r...)
	}
	if err := f.SaveAs(file); err != nil {
		log.Fatal(err)
	}
}

func init() { kinds["project-photo"] = writeProjectPhoto }

// writeProjectPhoto writes a site photo (JPEG) whose EXIF says it was taken
// now at the 青石镇 site; with bad, a PDF named like a photo instead.
func writeProjectPhoto(file string, bad bool) {
	if bad {
		if err := os.WriteFile(file, []byte("%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"), 0o644); err != nil {
			log.Fatal(err)
		}
		return
	}
	img := image.NewRGBA(image.Rect(0, 0, 320, 200))
	for y := 0; y < 200; y++ {
		for x := 0; x < 320; x++ {
			c := color.RGBA{140, 180, 230, 255}
			if y > 130 {
				c = color.RGBA{130, 110, 80, 255}
			} else if x > 60 && x < 260 && y > 50 {
				c = color.RGBA{200, 200, 190, 255}
			}
			img.SetRGBA(x, y, c)
		}
	}
	b, err := exif.JPEGWithExif(img, exif.Info{Taken: time.Now().In(clock.Shanghai), HasTime: true, Lat: 24.95, Lon: 102.71, HasGPS: true})
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(file, b, 0o644); err != nil {
		log.Fatal(err)
	}
}
