package tasks_test

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"diaodu/internal/org"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/calendar"
	"diaodu/internal/platform/db"
	"diaodu/internal/platform/errs"
	"diaodu/internal/platform/imports"
	"diaodu/internal/platform/xlsx"
	"diaodu/internal/tasks"
	"diaodu/internal/tasks/breakdown"
	"diaodu/internal/testutil"
)

// bdEnv is the fixture district with the units and leaders the breakdown
// fixture names, a meeting to import into, and an imports service with
// the breakdown importer.
type bdEnv struct {
	f       *testutil.Fixture
	svc     *tasks.Service
	imp     *imports.Service
	source  int64
	units   map[string]int64 // by name
	leaders map[string]int64 // by real name
}

// bdToday is the import day: the tasks of the 7-8月 meeting start on it.
var bdToday = time.Date(2026, 7, 15, 1, 0, 0, 0, time.UTC)

func newBreakdownEnv(t testing.TB, d *db.DB) *bdEnv {
	t.Helper()
	f := testutil.NewFixture(t, d)
	f.Clock.Advance(bdToday.Sub(f.Clock.Now()))
	ctx := context.Background()
	e := &bdEnv{f: f, svc: f.App.Tasks, imp: f.App.Imports, units: map[string]int64{}, leaders: map[string]int64{}}
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := d.W.ExecContext(ctx, q, args...); err != nil {
			t.Fatal(err)
		}
	}
	exec(`UPDATE units SET short_name = '发改局' WHERE code = 'FGJ'`)
	exec(`UPDATE units SET short_name = '青石' WHERE code = 'QS'`)
	for _, u := range []struct{ code, name, short, kind, parent string }{
		{"CZJ", "区财政局", "财政局", org.KindDepartment, "D"},
		{"ZJJ", "区住房和城乡建设局", "住建局", org.KindDepartment, "D"},
		{"YJJ", "区应急管理局", "应急局", org.KindDepartment, "D"},
		{"ZRZY", "区自然资源局", "自然资源局", org.KindDepartment, "D"},
		{"XFJ", "区信访局", "", org.KindDepartment, "D"},
		{"LYJ", "区林业局", "", org.KindDepartment, "D"},
		{"TCZX", "区投资促进中心", "投促中心", org.KindDepartment, "D"},
		{"LX-ZJ", "张家村", "", org.KindVillage, "LX"}, // a namesake of 青石镇张家村
	} {
		in := org.UnitInput{Code: &u.code, Name: &u.name, ShortName: &u.short, Kind: &u.kind, ParentID: &f.Units[u.parent].ID}
		if _, err := f.App.Org.CreateUnit(ctx, auth.System("fixture"), in); err != nil {
			t.Fatal(err)
		}
	}
	for _, l := range []struct{ user, name, position string }{
		{"wangming", "王明", "常务副区长"}, {"lihua", "李华", "副区长"}, {"zhangwei", "张伟", "副区长"}, {"chengang", "陈刚", "区长"},
	} {
		a := f.AddUser(t, l.user, "D", "leader")
		exec(`UPDATE users SET real_name = $1, position = $2 WHERE id = $3`, l.name, l.position, a.UserID)
		e.leaders[l.name] = a.UserID
	}
	rows, err := d.R.QueryContext(ctx, `SELECT u.id, COALESCE(p.name, '') || u.name FROM units u LEFT JOIN units p ON p.id = u.parent_id AND u.kind = 'village'`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			t.Fatal(err)
		}
		e.units[name] = id
	}
	rows.Close()
	e.source = e.newSource(t)
	return e
}

func (e *bdEnv) newSource(t testing.TB) int64 {
	t.Helper()
	kind, mk, title, year := tasks.SourceMeeting, "dispatch", "2026年7—8月高质量发展重点工作调度会", 2026
	held := calendar.MustDate("2026-07-14")
	s, err := e.svc.SaveSource(context.Background(), e.f.Users["supervisor"], 0, tasks.SourceInput{Kind: &kind, MeetingKind: &mk,
		Title: &title, HeldOn: &held, Year: &year})
	if err != nil {
		t.Fatal(err)
	}
	return s.ID
}

func (e *bdEnv) form(extra ...string) url.Values {
	v := url.Values{"source_id": {fmt.Sprint(e.source)}, "year": {"2026"}}
	for i := 0; i+1 < len(extra); i += 2 {
		v.Set(extra[i], extra[i+1])
	}
	return v
}

// run imports data as who and waits for the job.
func (e *bdEnv) run(t testing.TB, who string, data []byte, form url.Values) *imports.Job {
	t.Helper()
	ctx := context.Background()
	job, err := e.imp.StartWith(ctx, e.f.Users[who], "task-breakdown", "分解表.xlsx", data, form)
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	e.imp.Wait()
	j, err := e.imp.Get(ctx, e.f.Users[who], job.ID)
	if err != nil {
		t.Fatal(err)
	}
	return j
}

func (e *bdEnv) taskCount(t testing.TB) int {
	return e.f.Count(t, `SELECT COUNT(*) FROM tasks WHERE source_id = $1`, e.source)
}

func bdFixture(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("breakdown", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestImportBreakdown(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newBreakdownEnv(t, d)
		j := e.run(t, "supervisor", bdFixture(t, "breakdown.xlsx"), e.form())
		if j.Status != "done" || j.Created != 20 {
			t.Fatalf("job %s %q created %d errors %+v", j.Status, j.Message, j.Created, j.Errors)
		}
		if n := e.taskCount(t); n != 20 {
			t.Fatalf("%d tasks, want 20", n)
		}
		if n := e.f.Count(t, `SELECT COUNT(*) FROM tasks WHERE source_id = $1 AND status = 'draft' AND number = '' AND start_on = '2026-07-15'`,
			e.source); n != 20 {
			t.Errorf("%d drafts starting on the import day, want 20", n)
		}
		// The row led by 各乡镇（街道） is one task per town.
		if n := e.f.Count(t, `SELECT COUNT(*) FROM tasks WHERE title = '落实企业安全生产主体责任' AND kind = 'periodic' AND report_cycle = 'month'
			AND deadline = '2026-12-31' AND lead_unit_id IN ($1, $2)`, e.units["青石镇"], e.units["柳溪镇"]); n != 2 {
			t.Errorf("per-town tasks = %d, want 2", n)
		}
		var id int64
		var req, deadline string
		if err := d.R.QueryRow(`SELECT id, requirements, deadline FROM tasks WHERE title = '完成招商引资目标任务'`).Scan(&id, &req, &deadline); err != nil {
			t.Fatal(err)
		}
		if req != "全年签约亿元以上项目20个\n备注：按月调度" || deadline != "2026-12-31" {
			t.Errorf("requirements %q deadline %s", req, deadline)
		}
		if n := e.f.Count(t, `SELECT COUNT(*) FROM task_milestones WHERE task_id = $1 AND ((name = '签约10个' AND due_on = '2026-09-30')
			OR (name = '签约20个' AND due_on = '2026-12-31'))`, id); n != 2 {
			t.Errorf("milestones = %d, want 2", n)
		}
		if n := e.f.Count(t, `SELECT COUNT(*) FROM task_leaders WHERE task_id = $1 AND user_id = $2`, id, e.leaders["王明"]); n != 1 {
			t.Error("the investment task is not led by 王明")
		}
		if n := e.f.Count(t, `SELECT COUNT(*) FROM task_co_units WHERE task_id = $1`, id); n != 2 {
			t.Errorf("co-units of the investment task = %d, want the 2 towns", n)
		}
		if n := e.f.Count(t, `SELECT COUNT(*) FROM task_tags g JOIN tasks t ON t.id = g.task_id WHERE t.title = '加快重大项目前期工作'
			AND g.tag IN ('项目建设', '重大项目前期')`); n != 2 {
			t.Errorf("tags of the project task = %d, want section and subsection", n)
		}
		if n := e.f.Count(t, `SELECT COUNT(*) FROM tasks WHERE title = '加强森林防火巡护' AND kind = 'longterm' AND deadline IS NULL`); n != 1 {
			t.Error("the long-term task is missing")
		}

		// The same table again adds nothing.
		j = e.run(t, "supervisor", bdFixture(t, "breakdown.xlsx"), e.form())
		if j.Status != "done" || j.Created != 0 || j.Unchanged != 20 || e.taskCount(t) != 20 {
			t.Errorf("re-import: %s %q created %d unchanged %d, %d tasks", j.Status, j.Message, j.Created, j.Unchanged, e.taskCount(t))
		}
	})
}

func TestImportBreakdownBadCells(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newBreakdownEnv(t, d)
		j := e.run(t, "supervisor", bdFixture(t, "breakdown_bad.xlsx"), e.form())
		want := []xlsx.CellError{
			{Row: 7, Column: "牵头单位", Message: "“牵头单位”：未找到单位“发改委”，是否为“区发展和改革局”？"},
			{Row: 10, Column: "配合单位", Message: "“配合单位”：“张家村”对应多个单位：“青石镇张家村”或“柳溪镇张家村”，请写明是哪一个（如“青石镇张家村”）"},
			{Row: 12, Column: "完成时限", Message: "“完成时限”：无法识别“下个月”，可填写如：9月底前、2026年9月30日前、10月15日、2026.10.15、年底前、上半年、三季度末、长期坚持、每月25日前、每周"},
		}
		if j.Status != "failed" || !slices.Equal(j.Errors, want) {
			t.Errorf("job %s %q errors\n%+v\nwant\n%+v", j.Status, j.Message, j.Errors, want)
		}
		if n := e.taskCount(t); n != 0 {
			t.Errorf("%d tasks written from a bad table", n)
		}
		// The uploaded sheet comes back with the reasons beside the rows.
		back, err := xlsx.WithErrors(bytes.NewReader(bdFixture(t, "breakdown_bad.xlsx")), int64(len(bdFixture(t, "breakdown_bad.xlsx"))),
			j.HeaderRow, j.Errors)
		if err != nil {
			t.Fatal(err)
		}
		wb, err := excelize.OpenReader(bytes.NewReader(back))
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := wb.GetRows(wb.GetSheetName(0))
		if len(rows) < 12 || !strings.Contains(strings.Join(rows[6], "|"), "发改委") || !strings.Contains(strings.Join(rows[6], "|"), "是否为“区发展和改革局”") {
			t.Errorf("errors sheet row 7 = %v", rows[6])
		}
	})
}

// A cell the table accepts but the task rules refuse (a phone number) is
// reported on its row and column, and nothing is written.
func TestImportBreakdownServiceRules(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newBreakdownEnv(t, d)
		data := bdSheet(t, [][]any{
			{1, "推进项目", "完成主体工程", "王明", "区发改局", "", "9月底前", "张三", "0871-6512345"},
			{2, "推进项目二", "完成主体工程", "王明", "区发改局", "", "9月底前", "李四", "请打电话"},
			{3, strings.Repeat("很长的任务名称", 30), "", "王明", "区发改局", "", "9月底前", "", ""},
		})
		j := e.run(t, "supervisor", data, e.form())
		if j.Status != "failed" || len(j.Errors) != 2 || j.Errors[0].Row != 4 || j.Errors[0].Column != "联系电话" ||
			j.Errors[1].Row != 5 || j.Errors[1].Column != "工作任务" || !strings.Contains(j.Errors[1].Message, "200") {
			t.Errorf("job %s %+v", j.Status, j.Errors)
		}
		if n := e.taskCount(t); n != 0 {
			t.Errorf("%d tasks written", n)
		}
	})
}

func TestImportBreakdownIssue(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newBreakdownEnv(t, d)
		data := bdSheet(t, [][]any{{1, "推进项目", "完成主体工程", "王明", "区发改局", "青石镇", "9月底前", "", ""}})
		j := e.run(t, "admin", data, e.form("issue", "true"))
		if j.Status != "done" || j.Created != 1 {
			t.Fatalf("job %s %q %+v", j.Status, j.Message, j.Errors)
		}
		if n := e.f.Count(t, `SELECT COUNT(*) FROM tasks WHERE source_id = $1 AND status = 'issued' AND number <> ''`, e.source); n != 1 {
			t.Error("the task was not issued")
		}
	})
}

func TestImportBreakdownFormAndPermissions(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newBreakdownEnv(t, d)
		data := bdSheet(t, [][]any{{1, "推进项目", "完成主体工程", "王明", "区发改局", "", "9月底前", "", ""}})
		ctx := context.Background()
		for _, c := range []struct {
			who   string
			form  url.Values
			field string // validation field, or "" for forbidden
		}{
			{"supervisor", url.Values{}, "source_id"},
			{"supervisor", url.Values{"source_id": {"abc"}}, "source_id"},
			{"supervisor", url.Values{"source_id": {"999999"}}, "source_id"},
			{"supervisor", e.form("year", "26"), "year"},
			{"supervisor", e.form("issue", "maybe"), "issue"},
			{"leader", e.form(), ""},
			{"qs_admin", e.form(), ""},
			{"fgj_staff", e.form(), ""},
		} {
			_, err := e.imp.StartWith(ctx, e.f.Users[c.who], "task-breakdown", "x.xlsx", data, c.form)
			ee, ok := errs.As(err)
			switch {
			case c.field == "" && (!ok || ee.Code != errs.Forbidden):
				t.Errorf("%s: err %v, want forbidden", c.who, err)
			case c.field != "" && (!ok || ee.Code != errs.Validation || ee.Fields[c.field].ZH == ""):
				t.Errorf("%s %v: err %v, want a validation error on %s", c.who, c.form, err, c.field)
			}
		}
		if n := e.f.Count(t, `SELECT COUNT(*) FROM import_jobs`); n != 0 {
			t.Errorf("%d jobs started by refused uploads", n)
		}
		// The template has the usual headers and an example row the import skips.
		tpl, err := xlsx.Template(breakdown.Spec)
		if err != nil {
			t.Fatal(err)
		}
		wb, err := excelize.OpenReader(bytes.NewReader(tpl))
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := wb.GetRows(wb.GetSheetName(0))
		if len(rows) < 2 || !slices.Contains(rows[0], "*牵头单位") || !slices.Contains(rows[0], "工作任务") || !slices.Contains(rows[1], "9月底前") {
			t.Errorf("template rows = %v", rows)
		}
		if j := e.run(t, "supervisor", tpl, e.form()); j.Status != "done" || j.Created != 0 {
			t.Errorf("the untouched template imported: %s %q %d", j.Status, j.Message, j.Created)
		}
	})
}

// Through the API: the form's fields reach the importer, the job reports
// the bad cells, and the sheet comes back with the reasons.
func TestImportBreakdownHTTP(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newBreakdownEnv(t, d)
		s := e.f.NewServer(t)
		c := s.Login(t, "supervisor")
		fields := map[string]string{"source_id": fmt.Sprint(e.source), "year": "2026"}
		r := c.Upload("/api/v1/task-breakdown/imports", fields, "分解表.xlsx", bdFixture(t, "breakdown_bad.xlsx"))
		if r.Status != 202 {
			t.Fatalf("upload: %d %s", r.Status, r.Body)
		}
		e.imp.Wait()
		id := int64(r.JSON()["id"].(float64))
		r = c.Do("GET", fmt.Sprintf("/api/v1/imports/%d", id), nil)
		if job := r.JSON(); job["status"] != "failed" || len(job["errors"].([]any)) != 3 {
			t.Errorf("job: %s", r.Body)
		}
		if r = c.Do("GET", fmt.Sprintf("/api/v1/imports/%d/errors", id), nil); r.Status != 200 || !bytes.HasPrefix(r.Body, []byte("PK")) {
			t.Errorf("errors sheet: %d", r.Status)
		}
		if e.taskCount(t) != 0 {
			t.Error("tasks written")
		}

		r = c.Upload("/api/v1/task-breakdown/imports", fields, "分解表.xlsx", bdFixture(t, "breakdown.xlsx"))
		e.imp.Wait()
		if r.Status != 202 || e.taskCount(t) != 20 {
			t.Errorf("good upload: %d %s, %d tasks", r.Status, r.Body, e.taskCount(t))
		}

		if r = c.Upload("/api/v1/task-breakdown/imports", map[string]string{"year": "2026"}, "x.xlsx", bdFixture(t, "breakdown.xlsx")); r.Status != 422 ||
			r.Field("source_id") == "" {
			t.Errorf("without a source: %d %s", r.Status, r.Body)
		}
		if r = c.Do("GET", "/api/v1/task-breakdown/import-template", nil); r.Status != 200 || !bytes.HasPrefix(r.Body, []byte("PK")) {
			t.Errorf("template: %d", r.Status)
		}
		unit := s.Login(t, "qs_admin")
		if r = unit.Do("GET", "/api/v1/task-breakdown/import-template", nil); r.Status != 403 {
			t.Errorf("template for a town: %d", r.Status)
		}
		if r = unit.Upload("/api/v1/task-breakdown/imports", fields, "x.xlsx", bdFixture(t, "breakdown.xlsx")); r.Status != 403 {
			t.Errorf("upload by a town: %d", r.Status)
		}
	})
}

// bdSheet is a plain breakdown table: title row, header, rows.
func bdSheet(t testing.TB, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sh := f.GetSheetName(0)
	set := func(n int, vals []any) {
		if err := f.SetSheetRow(sh, fmt.Sprintf("A%d", n), &vals); err != nil {
			t.Fatal(err)
		}
	}
	set(1, []any{"2026年重点工作任务分解表"})
	_ = f.MergeCell(sh, "A1", "I1")
	set(2, []any{"序号", "重点任务", "具体目标", "责任领导", "牵头单位", "配合单位", "时间节点", "责任人", "联系电话"})
	for i, r := range rows {
		set(i+3, r)
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkImportBreakdown2000 is the whole import of a 2,000-row
// breakdown table on SQLite: read, match every name, parse every
// deadline, validate and create the tasks with their leaders, co-units,
// tags and audit entries.
// The target is under a second on SQLite; PostgreSQL runs too when
// DIAODU_TEST_POSTGRES is set.
func BenchmarkImportBreakdown2000(b *testing.B) {
	data := bdSheet2000(b)
	for _, dialect := range testutil.Drivers(b) {
		b.Run(string(dialect), func(b *testing.B) {
			e := newBreakdownEnv(b, testutil.Open(b, dialect))
			var total time.Duration
			for b.Loop() {
				b.StopTimer()
				e.source = e.newSource(b)
				b.StartTimer()
				start := time.Now()
				j := e.run(b, "supervisor", data, e.form())
				if j.Status != "done" || j.Created != 2000 {
					b.Fatalf("%s %q %v", j.Status, j.Message, j.Errors[:min(3, len(j.Errors))])
				}
				total += time.Since(start)
			}
			b.ReportMetric(total.Seconds()/float64(b.N), "s/import")
		})
	}
}

// bdSheet2000 has 2,000 task rows in 20 sections: names merged over three
// measures, several units per cell, a mix of deadline styles.
func bdSheet2000(b *testing.B) []byte {
	units := []string{"区发改局", "区财政局", "住建局", "区应急管理局", "区自然资源局", "区信访局", "区林业局", "投促中心", "青石镇", "柳溪镇"}
	deadlines := []string{"9月底前", "2026年10月31日前", "11月15日", "年底前", "三季度末", "每月25日前", "长期坚持", "2026.12.20", "第四季度", "每周"}
	leaders := []string{"王明", "李华", "张伟", "陈刚", "王明、李华"}
	f := excelize.NewFile()
	defer f.Close()
	sh := f.GetSheetName(0)
	sw, err := f.NewStreamWriter(sh)
	if err != nil {
		b.Fatal(err)
	}
	n := 1
	add := func(vals ...any) {
		cell, _ := excelize.CoordinatesToCellName(1, n)
		if err := sw.SetRow(cell, vals); err != nil {
			b.Fatal(err)
		}
		n++
	}
	add("2026年全区高质量发展重点工作任务分解表")
	add("序号", "工作任务", "具体目标/措施", "牵头领导", "牵头单位", "配合单位", "完成时限", "备注")
	for i := range 2000 {
		if i%100 == 0 {
			add(fmt.Sprintf("%s、第%d类重点工作", []string{"一", "二", "三", "四", "五", "六", "七", "八", "九", "十"}[i/100%10], i/100+1))
		}
		title := fmt.Sprintf("第%d项重点任务", i/3+1)
		co := units[(i+3)%len(units)] + "、" + units[(i+5)%len(units)]
		if i%50 == 0 {
			co = "各乡镇（街道）"
		}
		add(i/3+1, title, fmt.Sprintf("措施%d：按计划完成年度目标", i), leaders[i%len(leaders)], units[i%len(units)], co,
			deadlines[i%len(deadlines)], "")
	}
	if err := sw.Flush(); err != nil {
		b.Fatal(err)
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}
