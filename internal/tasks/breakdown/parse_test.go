package breakdown

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"diaodu/internal/platform/calendar"
	"diaodu/internal/platform/xlsx"
)

var testOpt = Options{Year: 2026, StartOn: calendar.MustDate("2026-07-15")}

func readFixture(t *testing.T, name string) *xlsx.Table {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	tb, cellErrs, err := xlsx.Read(bytes.NewReader(data), int64(len(data)), Spec, xlsx.Limits{}, nil)
	if err != nil || len(cellErrs) > 0 {
		t.Fatalf("Read: %v %+v", err, cellErrs)
	}
	return tb
}

// want is a task expected from the fixture, compactly.
type want struct {
	row       int
	title     string
	req       string // prefix of the requirements
	leaders   []int64
	lead      int64
	co        []int64
	tags      string // joined by "/"
	kind      string
	cycle     string
	deadline  string
	milestone int
}

func TestParseFixture(t *testing.T) {
	tb := readFixture(t, "breakdown.xlsx")
	if tb.HeaderRow != 4 {
		t.Errorf("header row = %d, want 4 (two-row header under a title and a subtitle)", tb.HeaderRow)
	}
	tasks, errs := Parse(tb, testDirectory(), testOpt)
	if len(errs) > 0 {
		t.Fatalf("errors: %+v", errs)
	}
	build, safety, fire, cases, other := "项目建设", "安全生产", "森林防灭火", "信访与招商", "其他重点工作"
	wants := []want{
		{6, "推进重点项目建设", "9月底前完成青石产业园", []int64{101}, 2, []int64{4, 6}, build, KindOnce, "", "2026-09-30", 0},
		{7, "推进重点项目建设", "年底前完成固定资产投资", []int64{101}, 2, []int64{3}, build, KindOnce, "", "2026-12-31", 0},
		{8, "推进重点项目建设", "建立项目周调度机制", []int64{101}, 2, []int64{6, 7}, build, KindPeriodic, CycleWeek, "2026-12-31", 0},
		{10, "加快重大项目前期工作", "完成 3 个项目可研批复", []int64{101}, 2, []int64{10}, build + "/重大项目前期", KindOnce, "", "2026-10-15", 0},
		{12, "开展安全生产大排查大整治", "全面排查", []int64{102}, 5, []int64{2, 3, 4, 10, 11, 12, 13, 6, 7}, safety, KindOnce, "", "2026-09-30", 0},
		{13, "落实企业安全生产主体责任", "督促企业", []int64{102}, 6, []int64{5}, safety, KindPeriodic, CycleMonth, "2026-12-31", 0},
		{13, "落实企业安全生产主体责任", "督促企业", []int64{102}, 7, []int64{5}, safety, KindPeriodic, CycleMonth, "2026-12-31", 0},
		{16, "加强森林防火巡护", "落实巡护队伍", []int64{103}, 12, []int64{6, 7}, fire, KindLongTerm, "", "", 0},
		{18, "做好森林防灭火宣传", "发放森林防火", []int64{103}, 12, []int64{6}, fire, KindOnce, "", "2026-10-15", 0},
		{19, "做好森林防灭火宣传", "村村响", []int64{103}, 12, []int64{7}, fire, KindOnce, "", "2026-11-30", 0},
		{21, "化解信访积案", "推动信访积案清零", []int64{104}, 11, []int64{6, 7}, cases, KindOnce, "", "2026-12-31", 0},
		{22, "完成招商引资目标任务", "全年签约亿元以上项目20个\n备注：按月调度", []int64{101}, 13, []int64{6, 7}, cases, KindOnce, "", "2026-12-31", 2},
		{24, "编制国土空间总体规划", "编制国土空间总体规划，按要求完成", []int64{102}, 3, nil, other, KindOnce, "", "2026-10-15", 0},
		{25, "完成年度财政预算调整", "", []int64{102}, 3, nil, other, KindOnce, "", "2026-10-20", 0},
		{26, "推进老旧小区改造", "", []int64{102}, 3, nil, other, KindOnce, "", "2026-12-31", 0},
		{27, "开展消防安全专项检查", "", []int64{102}, 3, nil, other, KindOnce, "", "2026-09-30", 0},
		{28, "完成耕地保护目标", "", []int64{102}, 3, nil, other, KindOnce, "", "2026-12-31", 0},
		{29, "落实河湖长制", "", []int64{102}, 3, nil, other, KindPeriodic, CycleMonth, "2026-12-31", 0},
		{30, "推进营商环境优化", "", []int64{102}, 3, nil, other, KindPeriodic, CycleFortnight, "2026-12-31", 0},
		{31, "完成重点项目入库", "", []int64{102}, 3, nil, other, KindOnce, "", "2026-11-30", 0},
	}
	if len(tasks) != len(wants) {
		for _, g := range tasks {
			t.Logf("row %d %s lead %d", g.Row, g.Title, g.LeadUnitID)
		}
		t.Fatalf("%d tasks, want %d", len(tasks), len(wants))
	}
	for i, w := range wants {
		g := tasks[i]
		co := g.CoUnitIDs
		if len(co) == 0 {
			co = nil
		}
		if g.Row != w.row || g.Title != w.title || !strings.HasPrefix(g.Requirements, w.req) || !slices.Equal(g.LeaderIDs, w.leaders) ||
			g.LeadUnitID != w.lead || !slices.Equal(co, w.co) || strings.Join(g.Tags, "/") != w.tags || g.Kind != w.kind ||
			g.ReportCycle != w.cycle || g.Deadline.String() != w.deadline || len(g.Milestones) != w.milestone || !g.StartOn.Equal(testOpt.StartOn) {
			t.Errorf("task %d:\n got  row %d %q %q leaders %v lead %d co %v tags %v %s/%s %s milestones %d\n want %+v",
				i, g.Row, g.Title, g.Requirements, g.LeaderIDs, g.LeadUnitID, g.CoUnitIDs, g.Tags, g.Kind, g.ReportCycle, g.Deadline,
				len(g.Milestones), w)
		}
	}
	if m := tasks[11].Milestones; m[0].Name != "签约10个" || m[0].DueOn.String() != "2026-09-30" || m[1].Name != "签约20个" {
		t.Errorf("milestones = %+v", m)
	}
}

func TestParseBadFixture(t *testing.T) {
	tasks, errs := Parse(readFixture(t, "breakdown_bad.xlsx"), testDirectory(), testOpt)
	wantErrs := []xlsx.CellError{
		{Row: 7, Column: "牵头单位", Message: "“牵头单位”：未找到单位“发改委”，是否为“区发展和改革局”？"},
		{Row: 10, Column: "配合单位", Message: "“配合单位”：“张家村”对应多个单位：“青石镇张家村”或“柳溪镇张家村”，请写明是哪一个（如“青石镇张家村”）"},
		{Row: 12, Column: "完成时限", Message: "“完成时限”：无法识别“下个月”，" + deadlineExamples},
	}
	if !slices.Equal(errs, wantErrs) {
		t.Errorf("errors:\n%+v\nwant\n%+v", errs, wantErrs)
	}
	if len(tasks) != 17 { // the good rows are still read; the importer writes nothing when any cell is bad
		t.Errorf("%d tasks from the good rows, want 17", len(tasks))
	}
}

// Rows the parser meets in other tables than the fixture's.
func TestParseRows(t *testing.T) {
	rows := func(vals ...map[string]string) *xlsx.Table {
		tb := &xlsx.Table{}
		for i, v := range vals {
			tb.Rows = append(tb.Rows, xlsx.Row{Num: i + 2, Values: v, Heading: isHeading(v)})
		}
		return tb
	}
	t.Run("a lone cell is an error, a pre-numbered row is not", func(t *testing.T) {
		_, errs := Parse(rows(
			map[string]string{ColNo: "7"},
			map[string]string{ColLeadUnit: "区发改局"},
		), testDirectory(), testOpt)
		if len(errs) != 1 || errs[0].Row != 3 || errs[0].Column != "牵头单位" {
			t.Errorf("errors = %+v", errs)
		}
	})
	t.Run("a task name alone without measures", func(t *testing.T) {
		_, errs := Parse(rows(
			map[string]string{ColNo: "1", ColTitle: "推进项目"},
			map[string]string{ColNo: "2", ColTitle: "另一项", ColLeadUnit: "区发改局", ColDeadline: "9月底前"},
		), testDirectory(), testOpt)
		if len(errs) != 1 || errs[0].Row != 2 || !strings.Contains(errs[0].Message, "下面没有具体措施行") {
			t.Errorf("errors = %+v", errs)
		}
	})
	t.Run("duplicate rows", func(t *testing.T) {
		r := map[string]string{ColTitle: "推进项目", ColLeadUnit: "区发改局", ColDeadline: "9月底前"}
		tasks, errs := Parse(rows(r, r), testDirectory(), testOpt)
		if len(tasks) != 1 || len(errs) != 1 || errs[0].Row != 3 || !strings.Contains(errs[0].Message, "与第2行的任务重复") {
			t.Errorf("tasks %d, errors = %+v", len(tasks), errs)
		}
	})
	t.Run("a deadline before the import date", func(t *testing.T) {
		_, errs := Parse(rows(map[string]string{ColTitle: "推进项目", ColLeadUnit: "区发改局", ColDeadline: "3月底前"}),
			testDirectory(), testOpt)
		want := "“完成时限”：“3月底前”即2026年3月31日，早于开始日期2026年7月15日；如是下一年度的任务，请写明年份（如“2027年3月底前”）或在导入时选择年度"
		if len(errs) != 1 || errs[0].Message != want {
			t.Errorf("errors = %+v", errs)
		}
	})
	t.Run("a long section title is cut to a tag", func(t *testing.T) {
		tasks, errs := Parse(rows(
			map[string]string{ColNo: "一、扎实开展重点项目建设攻坚年活动全力推动高质量发展（共12项）", ColTitle: "一、扎实开展重点项目建设攻坚年活动全力推动高质量发展（共12项）"},
			map[string]string{ColTitle: "推进项目", ColLeadUnit: "区发改局", ColDeadline: "9月底前"},
		), testDirectory(), testOpt)
		if len(errs) > 0 || len(tasks) != 1 || !slices.Equal(tasks[0].Tags, []string{"扎实开展重点项目建设攻坚年活动全力推动高"}) {
			t.Errorf("tasks %+v, errors %+v", tasks, errs)
		}
	})
	t.Run("several lead units: the first leads", func(t *testing.T) {
		tasks, errs := Parse(rows(map[string]string{ColTitle: "推进项目", ColLeadUnit: "区发改局、区财政局", ColCoUnits: "区财政局、青石镇",
			ColDeadline: "9月底前", ColMeasures: "倒排工期"}), testDirectory(), testOpt)
		if len(errs) > 0 || len(tasks) != 1 || tasks[0].LeadUnitID != 2 || !slices.Equal(tasks[0].CoUnitIDs, []int64{3, 6}) ||
			tasks[0].Requirements != "倒排工期" {
			t.Errorf("tasks %+v, errors %+v", tasks, errs)
		}
	})
	t.Run("every problem of a row is reported", func(t *testing.T) {
		_, errs := Parse(rows(map[string]string{ColLeaders: "王名、赵敏", ColLeadUnit: "发改委", ColCoUnits: "各有关单位", ColDeadline: "尽快"}),
			testDirectory(), testOpt)
		var cols []string
		for _, e := range errs {
			cols = append(cols, e.Column)
		}
		if want := []string{"工作任务", "牵头领导", "牵头领导", "牵头单位", "配合单位", "完成时限"}; !slices.Equal(cols, want) {
			t.Errorf("columns %v, want %v (%+v)", cols, want, errs)
		}
	})
}

// BenchmarkParse2000 is the parsing share of a 2,000-row import: names
// matched, deadlines read, sections tagged.
func BenchmarkParse2000(b *testing.B) {
	units := []string{"区发改局", "区财政局", "住建局", "区应急管理局", "区自然资源局、各乡镇（街道）", "区信访局", "区林业局", "投促中心", "青石镇", "柳溪镇"}
	deadlines := []string{"9月底前", "2026年10月31日前", "11月15日", "年底前", "三季度末", "每月25日前", "长期坚持", "2026.12.20", "第四季度", "每周"}
	tb := &xlsx.Table{}
	for i := range 2000 {
		v := map[string]string{ColNo: strconv.Itoa(i/3 + 1), ColTitle: "第" + strconv.Itoa(i/3) + "项重点任务", ColRequirements: "措施" + strconv.Itoa(i),
			ColLeaders: "王明、李华", ColLeadUnit: units[i%10], ColCoUnits: units[(i+3)%10] + "、" + units[(i+5)%10], ColDeadline: deadlines[i%10]}
		tb.Rows = append(tb.Rows, xlsx.Row{Num: i + 3, Values: v})
	}
	for b.Loop() {
		if _, errs := Parse(tb, testDirectory(), testOpt); len(errs) > 0 {
			b.Fatal(errs[0])
		}
	}
}
