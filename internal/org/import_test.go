package org_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/xuri/excelize/v2"

	"diaodu/internal/platform/db"
	"diaodu/internal/platform/imports"
	"diaodu/internal/testutil"
)

// sheet builds a workbook the way offices keep it: a merged title row, a
// blank row, the header, then the rows.
func sheet(t *testing.T, header []string, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	sh := f.GetSheetName(0)
	_ = f.SetCellValue(sh, "A1", "示范区单位名册（2026年）")
	_ = f.MergeCell(sh, "A1", "F1")
	for c, h := range header {
		cell, _ := excelize.CoordinatesToCellName(c+1, 3)
		_ = f.SetCellValue(sh, cell, h)
	}
	for r, row := range rows {
		for c, v := range row {
			cell, _ := excelize.CoordinatesToCellName(c+1, r+4)
			_ = f.SetCellValue(sh, cell, v)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func runImport(t *testing.T, f *testutil.Fixture, who, kind string, data []byte) *imports.Job {
	t.Helper()
	ctx := context.Background()
	job, err := f.App.Imports.Start(ctx, f.Users[who], kind, "名册.xlsx", data)
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	f.App.Imports.Wait()
	j, err := f.App.Imports.Get(ctx, f.Users[who], job.ID)
	if err != nil {
		t.Fatal(err)
	}
	return j
}

func countUnits(t *testing.T, d *db.DB) int {
	var n int
	if err := d.R.QueryRow(`SELECT COUNT(*) FROM units`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

var unitHeader = []string{"单位编码", "单位名称", "简称", "类型", "上级单位编码", "排序"}

func TestUnitImportAllOrNothingAndRepeatable(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		f := testutil.NewFixture(t, d)
		before := countUnits(t, d)
		rows := [][]any{
			{"QS-NEW1", "  新建测试村 ", "测试", "村", "QS", 9},
			{"ＱＳ-NEW2", "新建示范社区", "", "社区", "QS", "１０"},      // full-width code and digits
			{"QS-NEW2-A", "二级网格", "", "村/社区", "QS-NEW2", ""}, // parent defined in the same file
			{"LX-NEW3", "河湾村", "", "村", "NO-SUCH", 3},        // bad parent
			{"QS-NEW1", "重复", "", "村", "QS", 1},              // duplicate code
		}
		j := runImport(t, f, "admin", "units", sheet(t, unitHeader, rows))
		if j.Status != "failed" || len(j.Errors) != 2 {
			t.Fatalf("want 2 errors, got %s %+v", j.Status, j.Errors)
		}
		if e := j.Errors[0]; e.Row != 7 || e.Column != "上级单位编码" {
			t.Errorf("first error %+v, want row 7 上级单位编码", e)
		}
		if n := countUnits(t, d); n != before {
			t.Fatalf("a failed import wrote %d units", n-before)
		}
		var fails int
		_ = d.R.QueryRow(`SELECT COUNT(*) FROM audit_log WHERE action = 'import.fail'`).Scan(&fails)
		if fails != 1 {
			t.Errorf("import.fail audit entries: %d", fails)
		}
		// The error sheet comes back with the 错误原因 column.
		c := f.NewServer(t).Login(t, "admin")
		r := c.Do("GET", fmt.Sprintf("/api/v1/imports/%d/errors", j.ID), nil)
		if r.Status != 200 {
			t.Fatalf("errors sheet: %d %s", r.Status, r.Body)
		}
		x, err := excelize.OpenReader(bytes.NewReader(r.Body))
		if err != nil {
			t.Fatal(err)
		}
		got, _ := x.GetCellValue(x.GetSheetName(0), "G7")
		if got == "" {
			t.Errorf("no error text beside row 7")
		}

		good := rows[:3]
		j = runImport(t, f, "admin", "units", sheet(t, unitHeader, good))
		if j.Status != "done" || j.Created != 3 {
			t.Fatalf("good import: %s %+v %s", j.Status, j.Errors, j.Message)
		}
		var name, path, parentPath string
		if err := d.R.QueryRow(`SELECT u.name, u.path, p.path FROM units u JOIN units p ON p.id = u.parent_id WHERE u.code = 'QS-NEW2-A'`).
			Scan(&name, &path, &parentPath); err != nil {
			t.Fatal(err)
		}
		if name != "二级网格" || len(path) <= len(parentPath) || path[:len(parentPath)] != parentPath {
			t.Errorf("nested unit %q path %s under %s", name, path, parentPath)
		}
		if err := d.R.QueryRow(`SELECT name FROM units WHERE code = 'QS-NEW1'`).Scan(&name); err != nil || name != "新建测试村" {
			t.Errorf("trimmed name %q %v", name, err)
		}
		// Again: nothing changes.
		j = runImport(t, f, "admin", "units", sheet(t, unitHeader, good))
		if j.Status != "done" || j.Created != 0 || j.Updated != 0 || j.Unchanged != 3 {
			t.Fatalf("second import changed things: %+v", j)
		}
		// A change to one row updates just that row, with an audit entry.
		good[0][1] = "新建测试村（改）"
		j = runImport(t, f, "admin", "units", sheet(t, unitHeader, good))
		if j.Updated != 1 || j.Unchanged != 2 {
			t.Fatalf("edit import: %+v", j)
		}
		var audits int
		_ = d.R.QueryRow(`SELECT COUNT(*) FROM audit_log WHERE action = 'unit.update' AND summary LIKE '%新建测试村(改)%'`).Scan(&audits)
		if audits != 1 {
			t.Errorf("update audit entries: %d", audits)
		}
		rep, err := f.App.Audit.Verify(context.Background())
		if err != nil || !rep.OK {
			t.Fatalf("audit chain after bulk entries: %v %+v", err, rep)
		}
	})
}

func TestUnitImportScope(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		f := testutil.NewFixture(t, d)
		rows := [][]any{
			{"QS-OK", "青石新村", "", "村", "QS", 1},   // in 青石镇: allowed
			{"LX-NO", "柳溪新村", "", "村", "LX", 1},   // 柳溪镇 is outside qs_admin's scope
			{"LX-HK", "河口村（改）", "", "村", "LX", 1}, // an existing unit out of scope
		}
		j := runImport(t, f, "qs_admin", "units", sheet(t, unitHeader, rows))
		if j.Status != "failed" || len(j.Errors) < 2 {
			t.Fatalf("want scope errors, got %+v", j.Errors)
		}
		for _, e := range j.Errors {
			if e.Row == 4 {
				t.Errorf("the in-scope row was refused: %+v", e)
			}
		}
	})
}

func TestUserImport(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		f := testutil.NewFixture(t, d)
		header := []string{"登录名", "姓名", "所属单位编码", "职务", "角色", "手机号"}
		rows := [][]any{
			{"wang.fang", "王芳", "QS", "科员", "经办人", "13800001234"},
			{"li.qiang", "李强", "QS-ZJ", "村支书", "基层人员、经办人", ""},
		}
		j := runImport(t, f, "qs_admin", "users", sheet(t, header, rows))
		if j.Status != "done" || j.Created != 2 {
			t.Fatalf("%s %+v %s", j.Status, j.Errors, j.Message)
		}
		var roles, hash string
		var must bool
		if err := d.R.QueryRow(`SELECT roles, password_hash, must_change_password FROM users WHERE username = 'li.qiang'`).
			Scan(&roles, &hash, &must); err != nil {
			t.Fatal(err)
		}
		if roles != "field,staff" || hash != "" || !must {
			t.Errorf("roles %q hash %q must %v", roles, hash, must)
		}
		// A unit admin cannot import a district role or a unit outside scope.
		bad := [][]any{
			{"boss", "某某", "QS", "", "系统管理员", ""},
			{"far", "某某", "LX", "", "经办人", ""},
			{"phone", "某某", "QS", "", "经办人", "12345"},
		}
		j = runImport(t, f, "qs_admin", "users", sheet(t, header, bad))
		if j.Status != "failed" || len(j.Errors) != 3 {
			t.Fatalf("want 3 errors, got %+v", j.Errors)
		}
		cols := map[string]bool{}
		for _, e := range j.Errors {
			cols[e.Column] = true
		}
		for _, c := range []string{"角色", "所属单位编码", "手机号"} {
			if !cols[c] {
				t.Errorf("no error in column %s: %+v", c, j.Errors)
			}
		}
	})
}

func TestHostileFilesAreRefused(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		f := testutil.NewFixture(t, d)
		for name, data := range map[string][]byte{
			"not xlsx":  []byte("单位编码,单位名称\nA,B\n"),
			"encrypted": append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 600)...),
		} {
			j := runImport(t, f, "admin", "units", data)
			if j.Status != "failed" || j.Message == "" || len(j.Errors) != 0 {
				t.Errorf("%s: %+v", name, j)
			}
		}
		if _, err := f.App.Imports.Start(context.Background(), f.Users["admin"], "units", "x.xlsx", nil); err == nil {
			t.Error("empty upload accepted")
		}
	})
}
