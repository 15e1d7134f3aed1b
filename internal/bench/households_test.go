package bench

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/db"
	"diaodu/internal/platform/httpx"
	"diaodu/internal/platform/xlsx"
	"diaodu/internal/registry"
	"diaodu/internal/testutil"
)

// Households district-wide: 300,000 over 150 villages of the fixture's two
// towns, the size the issue names.
const (
	benchHouseholds = 300_000
	benchVillages   = 150
)

type benchVillage struct {
	id, town   int64
	path, code string
	name, tn   string
}

// householdFixture is the fixture district plus 150 villages (bulk copied).
func householdFixture(b *testing.B, dialect db.Dialect) (*testutil.Fixture, []benchVillage) {
	f := testutil.NewFixture(b, testutil.Open(b, dialect))
	ctx := context.Background()
	vs := make([]benchVillage, benchVillages)
	err := f.App.Audit.Write(ctx, f.Users["admin"], func(w *audit.W) error {
		ids, err := w.NextIDs(ctx, "units", benchVillages)
		if err != nil {
			return err
		}
		rows := make([][]any, benchVillages)
		for i := range vs {
			town := f.Units[[]string{"QS", "LX"}[i%2]]
			vs[i] = benchVillage{id: ids[i], town: town.ID, path: town.Path + strconv.FormatInt(ids[i], 10) + "/",
				code: fmt.Sprintf("BV%03d", i), name: fmt.Sprintf("第%d村", i+1), tn: town.Name}
			rows[i] = []any{ids[i], town.ID, vs[i].path, town.Depth + 1, vs[i].name, "", vs[i].code, "village", i, "", "", true,
				w.Now(), w.Now()}
		}
		if _, err := w.CopyFrom(ctx, "units", []string{"id", "parent_id", "path", "depth", "name", "short_name", "code", "kind",
			"sort_order", "contact_name", "contact_phone", "active", "created_at", "updated_at"}, rows); err != nil {
			return err
		}
		return w.Record(audit.Entry{Action: "bench", ObjectType: "unit"})
	})
	if err != nil {
		b.Fatal(err)
	}
	return f, vs
}

// householdRow i: the village, head, address, phone, people and note of
// the i-th household (addresses carry i, so no two are duplicates).
func householdRow(vs []benchVillage, i int) (v benchVillage, head, addr, phone string, people int, note string) {
	v = vs[i%len(vs)]
	head = string(rune('王'+i%40)) + string(rune('建'+i%17)) + string(rune('国'+i%23))
	addr = fmt.Sprintf("%s%d组%d号", v.name, i%9+1, i/len(vs)+1)
	if i%10 != 0 {
		phone = fmt.Sprintf("13%09d", i)
	}
	if i%8 == 0 {
		note = "低保户"
	}
	return v, head, addr, phone, 1 + i%6, note
}

var (
	hhSheetOnce sync.Once
	hhSheet     []byte
)

// householdSheet is the 300,000 rows as one district-wide roster: 序号,
// 乡镇（街道）, 村（社区）, 户主姓名, 身份证号 (blank; never read), 家庭住址,
// 联系电话, 家庭人口, 备注 — the import gives the codes.
func householdSheet(b *testing.B, vs []benchVillage) []byte {
	hhSheetOnce.Do(func() {
		cols := []xlsx.ExportColumn{{Header: "序号"}, {Header: "乡镇（街道）"}, {Header: "村（社区）"}, {Header: "户主姓名"},
			{Header: "身份证号"}, {Header: "家庭住址"}, {Header: "联系电话"}, {Header: "家庭人口"}, {Header: "备注"}}
		var buf bytes.Buffer
		i := 0
		if err := xlsx.Export(&buf, "户名册", "示范区森林防火户名册", cols, func() ([]any, bool, error) {
			if i == benchHouseholds {
				return nil, false, nil
			}
			v, head, addr, phone, people, note := householdRow(vs, i)
			i++
			return []any{i, v.tn, v.name, head, "", addr, phone, people, note}, true, nil
		}); err != nil {
			b.Fatal(err)
		}
		hhSheet = buf.Bytes()
	})
	return hhSheet
}

// BenchmarkHouseholdImport is the whole import of a 300,000-row roster:
// read the xlsx, check every row (village, fields, duplicates within the
// sheet and against the stored households), give codes, bulk copy, one
// audit entry per village.
func BenchmarkHouseholdImport(b *testing.B) {
	eachDriver(b, func(b *testing.B, dialect db.Dialect) {
		for b.Loop() {
			b.StopTimer()
			f, vs := householdFixture(b, dialect)
			data := householdSheet(b, vs)
			ctx := context.Background()
			b.StartTimer()
			start := time.Now()
			job, err := f.App.Imports.Start(ctx, f.Users["admin"], "households", "户名册.xlsx", data)
			if err != nil {
				b.Fatal(err)
			}
			f.App.Imports.Wait()
			j, _ := f.App.Imports.Get(ctx, f.Users["admin"], job.ID)
			if j.Status != "done" || j.Created != benchHouseholds {
				b.Fatalf("%s %s %v", j.Status, j.Message, j.Errors[:min(3, len(j.Errors))])
			}
			b.ReportMetric(time.Since(start).Seconds(), "s/import")
		}
	})
}

// BenchmarkHouseholdDirectInsert writes the same 300,000 households with
// one Tx.CopyFrom and the same audit entries (one per village), no file
// and no checks: the floor the import is measured against.
func BenchmarkHouseholdDirectInsert(b *testing.B) {
	eachDriver(b, func(b *testing.B, dialect db.Dialect) {
		for b.Loop() {
			b.StopTimer()
			f, vs := householdFixture(b, dialect)
			b.StartTimer()
			start := time.Now()
			insertHouseholds(b, f, vs)
			b.ReportMetric(time.Since(start).Seconds(), "s/insert")
		}
	})
}

func insertHouseholds(b *testing.B, f *testutil.Fixture, vs []benchVillage) {
	ctx := context.Background()
	err := f.App.Audit.Write(ctx, f.Users["admin"], func(w *audit.W) error {
		rows := make([][]any, benchHouseholds)
		seq := map[int64]int{}
		for i := range rows {
			v, head, addr, phone, people, note := householdRow(vs, i)
			seq[v.id]++
			code := fmt.Sprintf("%s-%04d", v.code, seq[v.id])
			rows[i] = []any{v.id, v.path, v.town, code, head, addr, phone, people, note, true,
				registry.DupKey(head, addr), w.Now(), w.Now(), registry.HouseholdGrams(head, addr, code)}
		}
		if _, err := w.CopyFrom(ctx, "households", registry.HouseholdCopyCols, rows); err != nil {
			return err
		}
		// The per-village counters the import keeps (it upserts 150 rows).
		counts := make([][]any, 0, len(vs))
		for _, v := range vs {
			counts = append(counts, []any{v.id, v.path, v.town, seq[v.id], 0})
		}
		if _, err := w.CopyFrom(ctx, "household_counts", []string{"village_id", "village_path", "town_id", "active", "inactive"}, counts); err != nil {
			return err
		}
		entries := make([]audit.Entry, 0, len(vs))
		for _, v := range vs {
			entries = append(entries, audit.Entry{Action: "household.import", ObjectType: "village", ObjectID: strconv.FormatInt(v.id, 10),
				UnitID: v.id, Summary: fmt.Sprintf("导入%s户名册：新增%d户", v.name, seq[v.id])})
		}
		return w.RecordMany(entries)
	})
	if err != nil {
		b.Fatal(err)
	}
}

// loadedHouseholds is a fixture with the 300,000 households, once per driver.
var (
	loadedMu sync.Mutex
	loadedBy = map[db.Dialect]*testutil.Fixture{}
)

func householdsLoaded(b *testing.B, dialect db.Dialect) *testutil.Fixture {
	loadedMu.Lock()
	defer loadedMu.Unlock()
	if f, ok := loadedBy[dialect]; ok {
		return f
	}
	f, vs := householdFixture(b, dialect)
	insertHouseholds(b, f, vs)
	if err := f.App.DB.Analyze(context.Background()); err != nil {
		b.Fatal(err)
	}
	loadedBy[dialect] = f
	b.Cleanup(func() {
		loadedMu.Lock()
		delete(loadedBy, dialect)
		loadedMu.Unlock()
	})
	return f
}

// BenchmarkHouseholdCounts is the active households per village over
// 300,000 (what the fire module's coverage divides by).
func BenchmarkHouseholdCounts(b *testing.B) {
	eachDriver(b, func(b *testing.B, dialect db.Dialect) {
		f := householdsLoaded(b, dialect)
		ctx := context.Background()
		durs := make([]time.Duration, 0, 256)
		b.ResetTimer()
		for b.Loop() {
			start := time.Now()
			m, err := f.App.Registry.HouseholdCounts(ctx, f.App.DB.R)
			durs = append(durs, time.Since(start))
			if err != nil || len(m) != benchVillages {
				b.Fatal(len(m), err)
			}
		}
		b.StopTimer()
		reportPercentiles(b, durs)
	})
}

// BenchmarkHouseholdList pages the roster over 300,000 households: the
// district list, a town's list, a village's list and a search by name.
func BenchmarkHouseholdList(b *testing.B) {
	eachDriver(b, func(b *testing.B, dialect db.Dialect) {
		f := householdsLoaded(b, dialect)
		ctx := context.Background()
		var village int64
		if err := f.App.DB.R.QueryRowContext(ctx, `SELECT id FROM units WHERE code = 'BV007'`).Scan(&village); err != nil {
			b.Fatal(err)
		}
		for _, c := range []struct {
			name, who string
			f         registry.HouseholdFilter
		}{
			{"district", "admin", registry.HouseholdFilter{Active: &[]bool{true}[0]}},
			{"town", "qs_admin", registry.HouseholdFilter{Active: &[]bool{true}[0]}},
			{"village", "admin", registry.HouseholdFilter{VillageID: village, Active: &[]bool{true}[0]}},
			{"search", "admin", registry.HouseholdFilter{Q: "王建国"}},
		} {
			b.Run(c.name, func(b *testing.B) {
				durs := make([]time.Duration, 0, 256)
				i := 0
				for b.Loop() {
					i++
					start := time.Now()
					_, _, err := f.App.Registry.ListHouseholds(ctx, f.Users[c.who], c.f, httpx.Page{Page: 1 + i%5, Size: 20})
					durs = append(durs, time.Since(start))
					if err != nil {
						b.Fatal(err)
					}
				}
				b.StopTimer()
				reportPercentiles(b, durs)
			})
		}
	})
}
