package registry_test

import (
	"bytes"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"diaodu/internal/platform/db"
	"diaodu/internal/platform/errs"
	"diaodu/internal/platform/imports"
	"diaodu/internal/testutil"
)

// roster builds a village roster as villages keep it: a merged title, a
// line saying who filled it in, a two-row header with 户主信息 merged over
// name, ID number and phone, 序号 merged down, and data rows whose village
// cell is merged down over the rows. withVillage false leaves the village
// column out (the village is chosen in the import form).
func roster(t *testing.T, withVillage bool, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	sh := f.GetSheetName(0)
	set := func(cell string, v any) {
		if err := f.SetCellValue(sh, cell, v); err != nil {
			t.Fatal(err)
		}
	}
	merge := func(a, b string) {
		if err := f.MergeCell(sh, a, b); err != nil {
			t.Fatal(err)
		}
	}
	set("A1", "青石镇张家村森林防火入户宣传户名册")
	merge("A1", "H1")
	set("A2", "填报单位：张家村村民委员会        填报日期：2026年3月1日")
	merge("A2", "H2")
	head := []string{"序号", "村/社区", "户主信息", "", "", "家庭住址", "家庭人口", "备注"}
	sub := []string{"", "", "户主姓名", "身份证号", "联系电话", "", "", ""}
	if !withVillage {
		head = append(head[:1], head[2:]...)
		sub = append(sub[:1], sub[2:]...)
	}
	for c := range head {
		top, _ := excelize.CoordinatesToCellName(c+1, 3)
		low, _ := excelize.CoordinatesToCellName(c+1, 4)
		if head[c] != "" {
			set(top, head[c])
		}
		if sub[c] != "" {
			set(low, sub[c])
		} else if head[c] != "" {
			merge(top, low) // 序号, 家庭住址 … span both header rows
		}
	}
	info := 2
	if !withVillage {
		info = 1
	}
	l, _ := excelize.CoordinatesToCellName(info+1, 3)
	r, _ := excelize.CoordinatesToCellName(info+3, 3)
	merge(l, r)
	for i, row := range rows {
		if !withVillage {
			row = append(row[:1:1], row[2:]...)
		}
		for c, v := range row {
			if v == nil {
				continue
			}
			cell, _ := excelize.CoordinatesToCellName(c+1, i+5)
			set(cell, v)
		}
	}
	if withVillage && len(rows) > 1 && rows[1][1] == nil { // the village merged down over every row
		merge("B5", "B"+strconv.Itoa(4+len(rows)))
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func (e *env) importRoster(t *testing.T, who string, data []byte, village int64) *imports.Job {
	t.Helper()
	form := map[string][]string{}
	if village != 0 {
		form["village_id"] = []string{strconv.FormatInt(village, 10)}
	}
	job, err := e.f.App.Imports.StartWith(e.ctx, e.as(who), "households", "户名册.xlsx", data, form)
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	e.f.App.Imports.Wait()
	j, err := e.f.App.Imports.Get(e.ctx, e.as(who), job.ID)
	if err != nil {
		t.Fatal(err)
	}
	return j
}

// rows of 张家村: 序号, 村, 户主, 身份证号 (never stored), 电话, 住址, 人口, 备注.
func zjRows() [][]any {
	return [][]any{
		{1, "张家村", "王建国", "530102198001011234", "13812345678", "张家村一组3号", "4人", ""},
		{2, nil, " 李 秀英 ", "530102198202022345", "0871-65123456", "张家村一组 5号", 3, "低保户"},
		{3, nil, "张伟", "53010219900303345X", "", "张家村二组1号", "", ""},
		{4, nil, "刘芳", "", "13698765432", "张家村二组8号", 6, ""},
	}
}

func TestHouseholdImportRoster(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		count := func() int { return e.f.Count(t, `SELECT COUNT(*) FROM households`) }

		// A duplicate household (row 7 repeats row 5, spaced differently):
		// both rows are named, nothing is written.
		dup := append(zjRows(), []any{5, nil, "王建国", "", "", "张家村 一组3号", 2, ""})
		j := e.importRoster(t, "zj_field", roster(t, true, dup), 0)
		if j.Status != "failed" || len(j.Errors) != 2 || j.Errors[0].Row != 5 || j.Errors[1].Row != 9 ||
			j.Errors[0].Column != "户主姓名" || !strings.Contains(j.Errors[1].Message, "与第5行是同一户") {
			t.Fatalf("duplicate roster: %s %+v", j.Status, j.Errors)
		}
		if n := count(); n != 0 {
			t.Fatalf("a failed import wrote %d households", n)
		}

		// Fixed: imported, codes given, people read from "4人", ID numbers dropped.
		j = e.importRoster(t, "zj_field", roster(t, true, zjRows()), 0)
		if j.Status != "done" || j.Created != 4 {
			t.Fatalf("import: %s %s %+v", j.Status, j.Message, j.Errors)
		}
		var code, head, addr string
		var people int
		if err := d.R.QueryRow(`SELECT code, head_name, address, people FROM households WHERE head_name LIKE '李%'`).
			Scan(&code, &head, &addr, &people); err != nil {
			t.Fatal(err)
		}
		if code != "QS-ZJ-0002" || head != "李 秀英" || addr != "张家村一组 5号" || people != 3 {
			t.Errorf("imported row: %s %q %q %d", code, head, addr, people)
		}
		if n := e.f.Count(t, `SELECT COUNT(*) FROM households WHERE people = 4 AND head_name = '王建国'`); n != 1 {
			t.Errorf("4人 not read as 4")
		}
		for _, q := range []string{`SELECT COUNT(*) FROM households WHERE note LIKE '%5301%' OR address LIKE '%5301%' OR phone LIKE '%5301%'`,
			`SELECT COUNT(*) FROM audit_log WHERE after_json LIKE '%530102%' OR summary LIKE '%530102%'`} {
			if n := e.f.Count(t, q); n != 0 {
				t.Errorf("an ID number was stored: %s", q)
			}
		}

		// The same sheet again adds nothing; a changed phone updates one.
		if j = e.importRoster(t, "zj_field", roster(t, true, zjRows()), 0); j.Status != "done" || j.Created != 0 || j.Unchanged != 4 {
			t.Fatalf("re-import: %+v", j)
		}
		changed := zjRows()
		changed[3][4] = "13900001111"
		if j = e.importRoster(t, "qs_admin", roster(t, true, changed), 0); j.Updated != 1 || j.Unchanged != 3 || count() != 4 {
			t.Fatalf("changed re-import: %+v", j)
		}
		checkCounts(t, e)

		// Without a village column, the village comes from the form; a new
		// household with the same head and address as a stored one is refused.
		more := [][]any{{1, nil, "赵强", "", "", "张家村三组2号", 2, ""}}
		j = e.importRoster(t, "zj_field", roster(t, false, more), e.unit("QS-ZJ"))
		if j.Status != "done" || j.Created != 1 {
			t.Fatalf("village from the form: %+v", j)
		}
		more = append(more, []any{2, nil, "王建国", "", "", "张家村一组3号", 1, "另一户号"})
		j = e.importRoster(t, "zj_field", rosterWithCodes(t, more, []string{"", "ZJ-9"}), e.unit("QS-ZJ"))
		if j.Status != "failed" || len(j.Errors) != 1 || !strings.Contains(j.Errors[0].Message, "户主和住址相同的户（户号QS-ZJ-0001）") {
			t.Fatalf("a stored household under a new code: %+v", j.Errors)
		}

		// Codes on the sheet: the same code twice names both rows.
		coded := [][]any{{1, "张家村", "孙丽", "", "", "四组1号", 1, ""}, {2, "张家村", "周杰", "", "", "四组2号", 1, ""}}
		data := rosterWithCodes(t, coded, []string{"ZJ-100", "ZJ-100"})
		j = e.importRoster(t, "admin", data, 0)
		if j.Status != "failed" || len(j.Errors) != 2 || j.Errors[0].Column != "户号" {
			t.Fatalf("same code twice: %+v", j.Errors)
		}
	})
}

// rosterWithCodes is a plain roster with a 户号 column.
func rosterWithCodes(t *testing.T, rows [][]any, codes []string) []byte {
	t.Helper()
	f := excelize.NewFile()
	sh := f.GetSheetName(0)
	for c, h := range []string{"序号", "村（社区）", "户主姓名", "身份证号", "联系电话", "家庭住址", "家庭人口", "备注", "户号"} {
		cell, _ := excelize.CoordinatesToCellName(c+1, 2)
		_ = f.SetCellValue(sh, cell, h)
	}
	_ = f.SetCellValue(sh, "A1", "户名册")
	for i, row := range rows {
		for c, v := range append(row, codes[i]) {
			cell, _ := excelize.CoordinatesToCellName(c+1, i+3)
			_ = f.SetCellValue(sh, cell, v)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestHouseholdImportScope(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		rows := zjRows()
		for _, r := range rows {
			r[1] = "张家村"
		}
		rows[1][1] = "河口村" // another town's village, for the 张家村 field user
		j := e.importRoster(t, "zj_field", roster(t, true, rows), 0)
		if j.Status != "failed" || len(j.Errors) != 1 || !strings.Contains(j.Errors[0].Message, "“河口村”不存在") {
			t.Fatalf("out of scope village: %+v", j.Errors)
		}
		// A village chosen in the form that the user does not manage is refused before the job.
		_, err := e.f.App.Imports.StartWith(e.ctx, e.as("zj_field"), "households", "x.xlsx", roster(t, false, zjRows()),
			map[string][]string{"village_id": {strconv.FormatInt(e.unit("LX-HK"), 10)}})
		if ee, ok := errs.As(err); !ok || ee.Fields["village_id"].ZH == "" {
			t.Fatalf("foreign village in the form: %v", err)
		}
		// A form village and a row naming another village disagree.
		j = e.importRoster(t, "admin", roster(t, true, rows), e.unit("QS-ZJ"))
		if j.Status != "failed" || len(j.Errors) != 1 || !strings.Contains(j.Errors[0].Message, "与导入时选择的“张家村”不一致") {
			t.Fatalf("form vs row: %+v", j.Errors)
		}
		for _, who := range []string{"qs_staff", "leader", "judge"} {
			if _, err := e.f.App.Imports.Start(e.ctx, e.as(who), "households", "x.xlsx", roster(t, true, zjRows())); !errs.Is(err, errs.Forbidden) {
				t.Errorf("%s may not import: %v", who, err)
			}
		}
		if n := e.f.Count(t, `SELECT COUNT(*) FROM households`); n != 0 {
			t.Errorf("refused imports wrote %d", n)
		}
	})
}
