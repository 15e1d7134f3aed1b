package registry_test

import (
	"bytes"
	"strings"
	"testing"

	"diaodu/internal/platform/db"
	"diaodu/internal/platform/imports"
	"diaodu/internal/platform/xlsx"
	"diaodu/internal/registry"
	"diaodu/internal/testutil"
)

// sheet builds a workbook as offices keep it: a title row, the header,
// then the rows (the export's writer lays it out).
func sheet(t *testing.T, header []string, rows [][]any) []byte {
	t.Helper()
	cols := make([]xlsx.ExportColumn, len(header))
	for i, h := range header {
		cols[i] = xlsx.ExportColumn{Header: h}
	}
	var buf bytes.Buffer
	k := 0
	err := xlsx.Export(&buf, "名录", "示范区重点企业名录（2026年）", cols, func() ([]any, bool, error) {
		if k == len(rows) {
			return nil, false, nil
		}
		k++
		return append(rows[k-1], make([]any, max(0, len(header)-len(rows[k-1])))...), true, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func (e *env) runImport(t *testing.T, who string, data []byte) *imports.Job {
	t.Helper()
	job, err := e.f.App.Imports.Start(e.ctx, e.as(who), "enterprises", "企业名录.xlsx", data)
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

var header = []string{"序号", "企业名称", "统一社会信用代码", "所属行业", "所在镇街", "详细地址", "法人", "联系人", "联系电话", "主管部门", "风险等级"}

func TestImportAllOrNothingAndRepeatable(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		c1, c2 := e.code(), e.code()
		good := [][]any{
			{1, " 青石新能源科技有限公司 ", toFullWidth(c1), "能源电力", "青石镇", "青石镇工业园区1号", "王建国", "李娜", "13812345678", "区发展和改革局", "一般风险"},
			{2, "柳溪食品有限公司", strings.ToLower(c2), "食品加工", "柳溪镇", "", "", "", "", "", ""},
			{3, "青石老街农家乐", "", "餐饮住宿", "青石镇", "老街3号", "", "", "", "", "低风险"},
		}
		bad := append(append([][]any{}, good...),
			[]any{4, "坏校验位公司", c1[:17] + "X", "", "青石镇"},
			[]any{5, "重复企业", c1, "", "青石镇"},
			[]any{6, "没有这个镇的企业", e.code(), "", "月亮镇"},
			[]any{7, "村不是镇", e.code(), "", "张家村"},
			[]any{8, "行业不对", e.code(), "航天", "青石镇"},
		)
		j := e.runImport(t, "admin", sheet(t, header, bad))
		if j.Status != "failed" || len(j.Errors) != 5 {
			t.Fatalf("want 5 errors: %s %+v", j.Status, j.Errors)
		}
		for _, want := range []string{"统一社会信用代码校验位不正确", "与第3行是同一企业", "“月亮镇”不存在", "“张家村”不存在", "“航天”不在行业分类中"} {
			found := false
			for _, ce := range j.Errors {
				found = found || strings.Contains(ce.Message, want)
			}
			if !found {
				t.Errorf("no error %q in %+v", want, j.Errors)
			}
		}
		if n := testutilCount(t, e); n != 0 {
			t.Fatalf("a failed import wrote %d rows", n)
		}
		j = e.runImport(t, "admin", sheet(t, header, good))
		if j.Status != "done" || j.Created != 3 {
			t.Fatalf("import: %+v", j)
		}
		x, _ := e.s.EnterpriseByCreditCode(e.ctx, d.R, c1)
		if x == nil || x.Name != "青石新能源科技有限公司" || x.Industry != "energy" || x.SupervisingName != "区发展和改革局" ||
			x.RiskLevel != "medium" || x.TownName != "青石镇" || x.ContactPhone != "13812345678" {
			t.Fatalf("imported: %+v", x)
		}
		place, _ := e.s.EnterpriseByCreditCode(e.ctx, d.R, "NB00000001")
		if place == nil || place.Kind != registry.KindPlace || place.HasCreditCode {
			t.Fatalf("place: %+v", place)
		}
		// The same sheet again changes nothing; a changed row updates.
		j = e.runImport(t, "admin", sheet(t, header, good))
		if j.Status != "done" || j.Created != 0 || j.Unchanged != 3 {
			t.Fatalf("re-import: %+v", j)
		}
		good[1][5] = "柳溪镇河口路2号"
		j = e.runImport(t, "admin", sheet(t, header, good))
		if j.Status != "done" || j.Updated != 1 || j.Unchanged != 2 || testutilCount(t, e) != 3 {
			t.Fatalf("update import: %+v", j)
		}
		// The export imports back without changes (places keep their internal codes).
		r := e.f.NewServer(t).Login(t, "admin").Do("GET", "/api/v1/enterprises/export", nil)
		j = e.runImport(t, "admin", r.Body)
		if j.Status != "done" || j.Unchanged != 3 {
			t.Fatalf("export round trip: %+v", j)
		}
	})
}

func TestImportScope(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		lx := e.enterprise(t, func(in *registry.EnterpriseInput) { in.TownID, in.SupervisingUnitID = ip(e.unit("LX")), ip(0) })
		rows := [][]any{
			{1, "青石镇企业", e.code(), "", "青石镇"},
			{2, "柳溪镇企业", e.code(), "", "柳溪镇"},
			{3, lx.Name, lx.CreditCode, "", "青石镇"}, // another town's enterprise
		}
		j := e.runImport(t, "qs_admin", sheet(t, header, rows))
		if j.Status != "failed" || len(j.Errors) != 2 {
			t.Fatalf("scope: %+v", j)
		}
		if _, err := e.f.App.Imports.Start(e.ctx, e.as("qs_staff"), "enterprises", "x.xlsx", sheet(t, header, rows)); err == nil {
			t.Fatal("staff may not import")
		}
	})
}
