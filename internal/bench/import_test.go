package bench

import (
	"bytes"
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"diaodu/internal/org"
	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/db"
	"diaodu/internal/platform/xlsx"
	"diaodu/internal/testutil"
)

const importRows = 100_000

// unitRows are 100,000 villages under the fixture's towns, as sheet rows.
func unitRows() [][]any {
	rows := make([][]any, importRows)
	for i := range rows {
		parent := "QS"
		if i%2 == 1 {
			parent = "LX"
		}
		rows[i] = []any{fmt.Sprintf("V%06d", i), fmt.Sprintf("第%d村", i), "", "村/社区", parent, i % 1000,
			"张三", "13800001234", "是"}
	}
	return rows
}

var (
	sheetOnce sync.Once
	sheet100k []byte
)

// sheetOf100k is the rows as an xlsx with the import's own headers.
func sheetOf100k(b *testing.B) []byte {
	sheetOnce.Do(func() {
		cols := make([]xlsx.ExportColumn, len(org.UnitSpec.Columns))
		for i, c := range org.UnitSpec.Columns {
			cols[i] = xlsx.ExportColumn{Header: c.Header}
		}
		rows := unitRows()
		var buf bytes.Buffer
		i := 0
		if err := xlsx.Export(&buf, "单位", "示范区单位名册", cols, func() ([]any, bool, error) {
			if i == len(rows) {
				return nil, false, nil
			}
			i++
			return rows[i-1], true, nil
		}); err != nil {
			b.Fatal(err)
		}
		sheet100k = buf.Bytes()
	})
	return sheet100k
}

// BenchmarkImportUnits100k is the whole import of a 100,000-row sheet:
// read, check every row, bulk insert with an audit entry per unit.
func BenchmarkImportUnits100k(b *testing.B) {
	eachDriver(b, func(b *testing.B, dialect db.Dialect) {
		data := sheetOf100k(b)
		for b.Loop() {
			b.StopTimer()
			f := testutil.NewFixture(b, testutil.Open(b, dialect))
			b.StartTimer()
			start := time.Now()
			job, err := f.App.Imports.Start(context.Background(), f.Users["admin"], "units", "100k.xlsx", data)
			if err != nil {
				b.Fatal(err)
			}
			f.App.Imports.Wait()
			j, _ := f.App.Imports.Get(context.Background(), f.Users["admin"], job.ID)
			if j.Status != "done" || j.Created != importRows {
				b.Fatalf("%s %s %v", j.Status, j.Message, j.Errors[:min(3, len(j.Errors))])
			}
			b.ReportMetric(time.Since(start).Seconds(), "s/import")
		}
	})
}

// BenchmarkInsertUnits100k inserts the same units directly: one
// transaction, bulk copy, no file and no checks — the floor the import is
// measured against. "bare" writes the units only; "audited" also writes the
// audit entry every unit gets (in diaodu no write goes unaudited).
func BenchmarkInsertUnits100k(b *testing.B) {
	for _, audited := range []bool{false, true} {
		name := "bare"
		if audited {
			name = "audited"
		}
		b.Run(name, func(b *testing.B) {
			eachDriver(b, func(b *testing.B, dialect db.Dialect) { insertDirect(b, dialect, audited) })
		})
	}
}

func insertDirect(b *testing.B, dialect db.Dialect, audited bool) {
	src := unitRows()
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		f := testutil.NewFixture(b, testutil.Open(b, dialect))
		parents := map[string]*org.Unit{"QS": f.Units["QS"], "LX": f.Units["LX"]}
		b.StartTimer()
		err := f.App.Audit.Write(ctx, f.Users["admin"], func(w *audit.W) error {
			ids, err := w.NextIDs(ctx, "units", len(src))
			if err != nil {
				return err
			}
			rows := make([][]any, len(src))
			var entries []audit.Entry
			for i, r := range src {
				p := parents[r[4].(string)]
				rows[i] = []any{ids[i], p.ID, fmt.Sprintf("%s%d/", p.Path, ids[i]), p.Depth + 1, r[1], r[2], r[0], "village",
					r[5], r[6], r[7], true, w.Now(), w.Now()}
				if audited {
					entries = append(entries, audit.Entry{Action: "unit.create", ObjectType: "unit", ObjectID: fmt.Sprint(ids[i]),
						UnitID: ids[i], Summary: fmt.Sprintf("新建单位“%s”", r[1]),
						After: map[string]any{"code": r[0], "name": r[1], "parent_id": p.ID, "kind": "village"}})
				}
			}
			if _, err := w.CopyFrom(ctx, "units", []string{"id", "parent_id", "path", "depth", "name",
				"short_name", "code", "kind", "sort_order", "contact_name", "contact_phone", "active", "created_at", "updated_at"}, rows); err != nil {
				return err
			}
			if !audited {
				return w.Record(audit.Entry{Action: "bench", ObjectType: "unit"})
			}
			return w.RecordMany(entries)
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}
