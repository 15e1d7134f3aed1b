package demo

import (
	"context"
	"fmt"
	"math/rand/v2"

	"diaodu/internal/app"
	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/auth"
	"diaodu/internal/registry"
)

// DemoHouseholds is about how many households the demo registers, whatever
// the scale (benchmarks that need 300,000 load their own).
const DemoHouseholds = 30_000

var householdNotes = []string{"低保户", "独居老人", "留守儿童家庭", "外出务工", "五保户", "林区住户", "脱贫户"}

// Households registers about 30,000 households across the demo villages,
// unevenly (a hamlet of 60 households, a market village of 400), with
// generated names, addresses by 组 and 号, mostly mobile phones and a
// few households that moved away (inactive). One bulk copy and one audit
// entry per village, as an import of the villages' rosters would leave.
func Households(ctx context.Context, served *app.App) error {
	type vil struct {
		id, town  int64
		path      string
		code      string
		name      string
		weight    int
		remaining int
	}
	rows, err := served.DB.R.QueryContext(ctx, `SELECT id, COALESCE(parent_id, 0), path, code, name FROM units
		WHERE kind = 'village' ORDER BY id`)
	if err != nil {
		return err
	}
	var vs []*vil
	for rows.Next() {
		v := &vil{}
		if err := rows.Scan(&v.id, &v.town, &v.path, &v.code, &v.name); err != nil {
			rows.Close()
			return err
		}
		vs = append(vs, v)
	}
	rows.Close()
	if len(vs) == 0 {
		return nil
	}
	rng := rand.New(rand.NewPCG(2026, 15))
	total := 0
	for _, v := range vs {
		v.weight = 30 + rng.IntN(170) // uneven: a weight of 30..199
		total += v.weight
	}
	now := served.Clock.Now()
	var data [][]any
	var entries []audit.Entry
	for _, v := range vs {
		n := v.weight * DemoHouseholds / total
		groups := 3 + rng.IntN(6)
		seen := map[string]bool{}
		for i := 1; i <= n; i++ {
			head := personNameOf(rng)
			addr := fmt.Sprintf("%s%d组%d号", v.name, 1+rng.IntN(groups), 1+rng.IntN(120))
			if seen[registry.DupKey(head, addr)] {
				continue // the duplicate rule holds in the demo too
			}
			seen[registry.DupKey(head, addr)] = true
			phone := ""
			if rng.IntN(10) > 0 {
				phone = fmt.Sprintf("1%d%09d", 3+rng.IntN(7), rng.IntN(1_000_000_000))
			}
			note := ""
			if rng.IntN(8) == 0 {
				note = householdNotes[rng.IntN(len(householdNotes))]
			}
			people := 1 + rng.IntN(4) + rng.IntN(3)
			active := rng.IntN(100) > 0 // about 1% moved away
			code := fmt.Sprintf("%s-%04d", v.code, i)
			data = append(data, []any{v.id, v.path, v.town, code, head, addr, phone, people, note,
				active, registry.DupKey(head, addr), now, now, registry.HouseholdGrams(head, addr, code)})
			v.remaining++
		}
		entries = append(entries, audit.Entry{Action: "household.import", ObjectType: "village", ObjectID: fmt.Sprint(v.id),
			UnitID: v.id, Summary: fmt.Sprintf("导入%s户名册：新增%d户", v.name, v.remaining),
			After: map[string]any{"village_id": v.id, "created": v.remaining}})
	}
	return served.Audit.Write(ctx, auth.System("demo"), func(w *audit.W) error {
		if _, err := w.CopyFrom(ctx, "households", registry.HouseholdCopyCols, data); err != nil {
			return err
		}
		if err := registry.RecountHouseholds(ctx, w); err != nil {
			return err
		}
		return w.RecordMany(entries)
	})
}
