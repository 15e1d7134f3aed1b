package breakdown

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

var update = flag.Bool("update", false, "rewrite testdata/*.xlsx")

// TestWriteFixtures regenerates the committed workbooks:
//
//	go test ./internal/tasks/breakdown -run TestWriteFixtures -update
func TestWriteFixtures(t *testing.T) {
	if !*update {
		t.Skip("run with -update to rewrite testdata")
	}
	for name, bad := range map[string]bool{"breakdown.xlsx": false, "breakdown_bad.xlsx": true} {
		if err := os.WriteFile(filepath.Join("testdata", name), fixtureWorkbook(t, bad), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// fixtureWorkbook is a breakdown table as a district office sends it: a
// merged title and subtitle, a two-row header with 责任单位 over 牵头/配合,
// a header broken over two lines, section rows merged across or in the
// first cell only, a task name merged over its three measures, a task
// name on its own row over numbered measures, a blank row, a date cell,
// every deadline style and a note under the table. The bad copy has an
// unknown unit, an ambiguous unit and an unreadable deadline.
func fixtureWorkbook(t testing.TB, bad bool) []byte {
	f := excelize.NewFile()
	defer f.Close()
	const sh = "Sheet1"
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	row := func(n int, vals ...any) { must(f.SetSheetRow(sh, fmt.Sprintf("A%d", n), &vals)) }
	merge := func(a, b string) { must(f.MergeCell(sh, a, b)) }
	wrap, err := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "center"}})
	must(err)
	must(f.SetColWidth(sh, "B", "C", 30))

	row(1, "2026年全区高质量发展重点工作任务分解表")
	merge("A1", "H1")
	row(2, "（2026年7—8月调度会议定事项）")
	merge("A2", "H2")
	row(3, "序号", "工作任务", "具体目标／措施", "牵头\n领导", "责任单位", "", "完成时限", "备注")
	row(4, "", "", "", "", "牵头单位", "配合单位")
	for _, c := range []string{"A", "B", "C", "D", "G", "H"} {
		merge(c+"3", c+"4")
	}
	merge("E3", "F3")

	unknown, ambiguous, badDeadline := "发改局", "区自然资源局", "三季度末"
	if bad {
		unknown, ambiguous, badDeadline = "发改委", "张家村", "下个月"
	}
	row(5, "一、项目建设")
	merge("A5", "H5")
	// One task name merged over three measures, each with its own units.
	row(6, 1, "推进重点项目建设", "9月底前完成青石产业园标准厂房主体工程", "王明", "区发改局", "区住建局、青石镇", "9月底前")
	row(7, nil, nil, "年底前完成固定资产投资5亿元", nil, unknown, "区财政局", "2026年12月31日前")
	row(8, nil, nil, "建立项目周调度机制", nil, "区发展和改革局", "各乡镇（街道）", "每周")
	merge("A6", "A8")
	merge("B6", "B8")
	merge("D6", "D8")
	row(9, "（一）重大项目前期")
	row(10, 2, "加快重大项目前期工作", "完成 3 个项目可研批复", "王明（常务副区长）", "区发改局（牵头）", ambiguous,
		time.Date(2026, 10, 15, 0, 0, 0, 0, time.UTC)) // a date cell
	row(11, "二、安全生产")
	merge("A11", "H11")
	row(12, 3, "开展安全生产大排查大整治", "全面排查整治各类隐患", "李华", "区应急局", "区直各部门，各乡镇", badDeadline)
	row(13, 4, "落实企业安全生产主体责任", "督促企业开展自查自改", "李华", "各乡镇（街道）", "区应急局", "每月25日前")
	// Row 14 is left blank.
	row(15, "三、森林防灭火")
	merge("A15", "H15")
	row(16, 5, "加强森林防火巡护", "落实巡护队伍和公益岗位", "张伟", "区林业局", "各镇", "长期坚持")
	row(17, 6, "做好森林防灭火宣传")
	row(18, "（1）", nil, "发放森林防火“一封信”并收回回执", "张伟", "区林业局", "青石镇", "10.15")
	row(19, "（2）", nil, "村村响每日播报防火提示", "张 伟", "区林业局", "柳溪镇", "2026.11.30")
	row(20, "四、信访与招商")
	merge("A20", "H20")
	row(21, 7, "化解信访积案", "推动信访积案清零", "区长", "区信访局", "青石镇\n柳溪镇", "下半年")
	row(22, 8, "完成招商引资目标任务", "全年签约亿元以上项目20个", "王明", "投促中心", "各乡镇", "9月底前签约10个；12月底前签约20个", "按月调度")
	row(23, "五、其他重点工作")
	merge("A23", "H23")
	others := []struct{ title, deadline string }{
		{"编制国土空间总体规划", "10月15日"},
		{"完成年度财政预算调整", "2026-10-20"},
		{"推进老旧小区改造", "年底前"},
		{"开展消防安全专项检查", "九月底"},
		{"完成耕地保护目标", "第四季度"},
		{"落实河湖长制", "长期坚持，每月报送"},
		{"推进营商环境优化", "每两周"},
		{"完成重点项目入库", "20261130"},
	}
	for i, o := range others {
		row(24+i, 9+i, o.title, o.title+"，按要求完成", "李华", "区财政局", "", o.deadline)
	}
	last := 24 + len(others)
	row(last, "注：完成时限未注明年份的均为2026年；多个单位的，排在第一位的为牵头单位。")
	merge(fmt.Sprintf("A%d", last), fmt.Sprintf("H%d", last))
	must(f.SetCellStyle(sh, "A1", fmt.Sprintf("H%d", last), wrap))
	buf, err := f.WriteToBuffer()
	must(err)
	return buf.Bytes()
}
