package demo

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"
	"time"

	"diaodu/internal/app"
	"diaodu/internal/fire"
	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/calendar"
	"diaodu/internal/platform/clock"
)

// DemoLetter is the demo's main letter, about 80% delivered.
const DemoLetter = "致全区人民群众的一封信（森林防火）"

// Fire builds the demo's forest fire prevention: an orange warning (level
// 4) now over four towns, and two letters with receipts from about 80% of
// the households (uneven by village; the first village of 青石镇, where the
// browser test delivers, stays near 60%), copied in bulk.
func Fire(ctx context.Context, served *app.App) error {
	s := served.Fire
	ducha, err := served.Account.ActorFor(ctx, "ducha")
	if err != nil {
		return err
	}
	now := served.Clock.Now()
	var towns []int64
	if err := queryIDs(ctx, served, `SELECT id FROM units WHERE kind = 'town' ORDER BY sort_order, id`, &towns); err != nil {
		return err
	}
	if len(towns) < 4 {
		return nil
	}
	// Two weeks: the demo is shown over days (and the browser test moves the clock ten days on).
	from, to := now.Add(-20*time.Hour), now.Add(14*24*time.Hour)
	if _, err := s.IssueWarning(ctx, ducha, fire.WarningInput{Level: 4, TownIDs: towns[:4], ValidFrom: &from, ValidTo: &to,
		Text: "近期持续晴热少雨，森林火险等级高。严禁一切野外用火，加强巡山护林和进山路口值守，村村响每日广播不少于3次。"}); err != nil {
		return fmt.Errorf("warning: %w", err)
	}
	today := calendar.DateOf(now.In(clock.Shanghai))
	day := func(n int) *string { v := today.AddDays(n).String(); return &v }
	order, err := s.CreateLetter(ctx, ducha, fire.LetterInput{Title: ptrTo("森林防火戒严令"), StartsOn: day(-60), EndsOn: day(150),
		TownIDs: &[]int64{towns[0], towns[1], towns[2]},
		Body: ptrTo("根据《森林防火条例》，自即日起至明年4月30日为森林防火戒严期。戒严期内，林区及林缘一百米范围内严禁一切野外用火：" +
			"严禁烧荒、烧田埂、烧秸秆，严禁上坟烧纸、燃放烟花爆竹，严禁在林区吸烟、野炊。违者依法从严处理。")})
	if err != nil {
		return fmt.Errorf("letter: %w", err)
	}
	letter, err := s.CreateLetter(ctx, ducha, fire.LetterInput{Title: ptrTo(DemoLetter), StartsOn: day(-25), EndsOn: day(120), TownIDs: &[]int64{},
		Body: ptrTo("广大人民群众：\n当前已进入森林防火紧要期。森林防火，人人有责。请您做到：不在林区吸烟、野炊；不烧荒、不烧田埂；" +
			"文明祭祀，不上坟烧纸；看管好老人和孩子，防止玩火。发现火情请立即拨打12119或119报警。\n感谢您的支持！")})
	if err != nil {
		return fmt.Errorf("letter: %w", err)
	}
	sig, err := s.UploadFile(ctx, auth.System("demo"), letter.ID, "签名.png", bytes.NewReader(demoSignature()))
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(2026, 40))
	if err := demoDeliveries(ctx, served, rng, order, sig.ID, now, []float64{1, 0.98, 0.95, 0.92, 0.9, 0.85}); err != nil {
		return err
	}
	return demoDeliveries(ctx, served, rng, letter, sig.ID, now, []float64{1, 0.97, 0.95, 0.92, 0.9, 0.88, 0.85, 0.82, 0.8, 0.78, 0.72, 0.65, 0.55, 0.4})
}

func queryIDs(ctx context.Context, a *app.App, q string, out *[]int64, args ...any) error {
	rows, err := a.DB.R.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return err
		}
		*out = append(*out, id)
	}
	return rows.Err()
}

// demoDeliveries copies receipts for a share of each village's households
// (a share drawn from rates), recorded by the village's field user over
// the letter's days so far, and the per-village counters.
func demoDeliveries(ctx context.Context, a *app.App, rng *rand.Rand, l *fire.Letter, fileID int64, now time.Time, rates []float64) error {
	type hh struct {
		id, village, town int64
		path              string
	}
	rows, err := a.DB.R.QueryContext(ctx, `SELECT id, village_id, town_id, village_path FROM households WHERE active = TRUE ORDER BY village_id, id`)
	if err != nil {
		return err
	}
	byVillage := map[int64][]hh{}
	var villages []int64
	for rows.Next() {
		var h hh
		if err := rows.Scan(&h.id, &h.village, &h.town, &h.path); err != nil {
			rows.Close()
			return err
		}
		if _, ok := byVillage[h.village]; !ok {
			villages = append(villages, h.village)
		}
		byVillage[h.village] = append(byVillage[h.village], h)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	recorders := map[int64]int64{}
	urows, err := a.DB.R.QueryContext(ctx, `SELECT unit_id, MIN(id) FROM users WHERE roles = 'field' GROUP BY unit_id`)
	if err != nil {
		return err
	}
	for urows.Next() {
		var u, id int64
		if err := urows.Scan(&u, &id); err != nil {
			urows.Close()
			return err
		}
		recorders[u] = id
	}
	urows.Close()
	var e2eVillage int64 // the first village of the first town: the browser test delivers there
	_ = a.DB.R.QueryRowContext(ctx, `SELECT v.id FROM units v JOIN units t ON t.id = v.parent_id WHERE v.kind = 'village'
		ORDER BY t.sort_order, t.id, v.sort_order, v.id LIMIT 1`).Scan(&e2eVillage)
	days := max(1, int(now.Sub(l.StartsOn.At(9, 0)).Hours()/24))
	var ds, cov [][]any
	var entries []audit.Entry
	for _, v := range villages {
		hs := byVillage[v]
		if !l.DistrictWide && !containsID(l.TownIDs, hs[0].town) {
			continue
		}
		r := rates[rng.IntN(len(rates))]
		if v == e2eVillage {
			r = 0.6
		}
		rng.Shuffle(len(hs), func(i, j int) { hs[i], hs[j] = hs[j], hs[i] })
		n := int(float64(len(hs)) * r)
		for _, h := range hs[:n] {
			at := now.Add(-time.Duration(rng.IntN(days*24*60)) * time.Minute)
			ds = append(ds, []any{l.ID, h.id, h.village, h.path, h.town, fire.MethodSignature, fileID,
				calendar.DateOf(at.In(clock.Shanghai)).String(), nullIDOf(recorders[v]), at.UTC()})
		}
		if n > 0 {
			cov = append(cov, []any{l.ID, v, hs[0].town, n})
			entries = append(entries, audit.Entry{Action: "fire.delivery.batch", ObjectType: "fire_letter", ObjectID: fmt.Sprint(l.ID),
				UnitID: v, Summary: fmt.Sprintf("示范数据：%d户送达告知书“%s”", n, l.Title)})
		}
	}
	return a.Audit.Write(ctx, auth.System("demo"), func(w *audit.W) error {
		if _, err := w.CopyFrom(ctx, "fire_deliveries", []string{"letter_id", "household_id", "village_id", "village_path", "town_id",
			"method", "file_id", "delivered_on", "recorded_by", "created_at"}, ds); err != nil {
			return err
		}
		if _, err := w.CopyFrom(ctx, "fire_coverage", []string{"letter_id", "village_id", "town_id", "reached"}, cov); err != nil {
			return err
		}
		if len(entries) == 0 {
			return w.Record(audit.Entry{Action: "fire.delivery.batch", ObjectType: "fire_letter", ObjectID: fmt.Sprint(l.ID),
				Summary: "示范数据：尚无户籍，未登记送达"})
		}
		return w.RecordMany(entries)
	})
}

func containsID(ids []int64, id int64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

func nullIDOf(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// demoSignature is a drawn signature: a few dark strokes on white.
func demoSignature() []byte {
	img := image.NewRGBA(image.Rect(0, 0, 240, 90))
	for x := 0; x < 240; x++ {
		for y := 0; y < 90; y++ {
			img.Set(x, y, color.White)
		}
	}
	for x := 20; x < 220; x++ {
		y := 45 + int(18*float64((x%40)-20)/20)
		for d := 0; d < 3; d++ {
			img.Set(x, y+d, color.Black)
		}
	}
	var b bytes.Buffer
	_ = png.Encode(&b, img)
	return b.Bytes()
}
