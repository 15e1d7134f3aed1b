package fire_test

import (
	"bytes"
	"testing"

	"diaodu/internal/fire"
	"diaodu/internal/platform/db"
	"diaodu/internal/platform/errs"
	"diaodu/internal/testutil"
)

func TestDeliveryCoverageAndRetry(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		l := e.letter(t)
		zj := e.as("zj_field")
		cov := func() *fire.Coverage {
			c, err := e.s.Coverage(e.ctx, e.as("supervisor"), l.ID)
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		if c := cov(); c.Total.Households != 8 || c.Total.Reached != 0 || len(c.Towns) != 2 || len(c.Uncovered) != 2 {
			t.Fatalf("start %+v", c)
		}
		dl, created, err := e.deliver(t, zj, l.ID, e.hh["QS-ZJ"][0], "key-1")
		if err != nil || !created || dl.HouseholdID != e.hh["QS-ZJ"][0] || dl.RecordedBy != zj.UserID {
			t.Fatalf("deliver %+v %v %v", dl, created, err)
		}
		// The phone retries: the stored row comes back, nothing changes.
		before := e.head(t)
		again, created, err := e.s.Deliver(e.ctx, zj, l.ID, fire.DeliveryInput{HouseholdID: e.hh["QS-ZJ"][0], Method: fire.MethodSignature,
			FileIDs: []int64{dl.FileID}, ClientKey: "key-1"})
		if err != nil || created || again.ID != dl.ID || e.head(t) != before {
			t.Fatalf("retry %+v %v %v", again, created, err)
		}
		// The same key from someone else is a conflict.
		_, _, err = e.s.Deliver(e.ctx, e.as("qs_staff"), l.ID, fire.DeliveryInput{HouseholdID: e.hh["QS-ZJ"][1], Method: fire.MethodSignature,
			FileIDs: []int64{dl.FileID}, ClientKey: "key-1"})
		wantCode(t, err, errs.Conflict, "")
		// A second receipt for the same household and letter, under a new key.
		_, _, err = e.deliver(t, zj, l.ID, e.hh["QS-ZJ"][0], "key-2")
		wantCode(t, err, errs.Validation, "household_id")
		c := cov()
		if c.Total.Reached != 1 || c.Towns[0].Name != "青石镇" || c.Towns[0].Reached != 1 || c.Towns[0].Households != 5 ||
			c.Towns[0].Rate != 20 || c.Villages[0].Reached != 1 {
			t.Fatalf("after one %+v", c)
		}
		if n := e.f.Count(t, `SELECT COUNT(*) FROM fire_deliveries`); n != 1 {
			t.Fatalf("%d deliveries", n)
		}
		// Pending: 4 left in 张家村, the village worker's own village by default; search.
		hs, total, err := e.s.Pending(e.ctx, zj, l.ID, 0, "", 10, 0)
		if err != nil || total != 4 || len(hs) != 4 {
			t.Fatalf("pending %d %v", total, err)
		}
		if _, total, _ := e.s.Pending(e.ctx, zj, l.ID, 0, "ZJ-0003", 10, 0); total != 1 {
			t.Fatalf("search %d", total)
		}
		// The village worker sees their own village only; a town admin chooses.
		_, _, err = e.s.Pending(e.ctx, zj, l.ID, e.unit("LX-HK"), "", 10, 0)
		wantCode(t, err, errs.Validation, "village_id")
		if _, total, err := e.s.Pending(e.ctx, e.as("admin"), l.ID, e.unit("LX-HK"), "", 10, 0); err != nil || total != 3 {
			t.Fatalf("admin pending HK %d %v", total, err)
		}
		title, rows, err := e.s.SheetRows(e.ctx, zj, l.ID, 0)
		if err != nil || len(rows) != 4 || rows[0][0] != 1 || rows[0][4] != "" || title == "" {
			t.Fatalf("sheet %q %v %v", title, rows, err)
		}
		// The village worker's view of coverage is their village.
		zc, err := e.s.Coverage(e.ctx, zj, l.ID)
		if err != nil || zc.Total.Households != 5 || len(zc.Villages) != 1 {
			t.Fatalf("zj coverage %+v %v", zc, err)
		}
	})
}

func TestDeliveryBadInput(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		l := e.letter(t)
		qsOnly := e.letter(t, e.unit("QS"))
		zj := e.as("zj_field")
		sig := e.signature(t, zj, l.ID)
		other, err := e.s.UploadFile(e.ctx, e.as("admin"), qsOnly.ID, "x.png", bytes.NewReader(pngBytes(t)))
		if err != nil {
			t.Fatal(err)
		}
		ok := fire.DeliveryInput{HouseholdID: e.hh["QS-ZJ"][0], Method: fire.MethodSignature, FileIDs: []int64{sig}}
		for _, c := range []struct {
			name, field string
			letter      int64
			mod         func(in *fire.DeliveryInput)
		}{
			{"another village", "household_id", l.ID, func(in *fire.DeliveryInput) { in.HouseholdID = e.hh["LX-HK"][0] }},
			{"no such household", "household_id", l.ID, func(in *fire.DeliveryInput) { in.HouseholdID = 987654 }},
			{"no household", "household_id", l.ID, func(in *fire.DeliveryInput) { in.HouseholdID = 0 }},
			{"inactive household", "household_id", l.ID, func(in *fire.DeliveryInput) { in.HouseholdID = e.off }},
			{"no signature", "file_ids", l.ID, func(in *fire.DeliveryInput) { in.FileIDs = nil }},
			{"no photo", "file_ids", l.ID, func(in *fire.DeliveryInput) { in.Method, in.FileIDs = fire.MethodPhoto, nil }},
			{"file of another letter", "file_ids", l.ID, func(in *fire.DeliveryInput) { in.FileIDs = []int64{other.ID} }},
			{"two files", "file_ids", l.ID, func(in *fire.DeliveryInput) { in.FileIDs = []int64{sig, sig} }},
			{"bad method", "method", l.ID, func(in *fire.DeliveryInput) { in.Method = "sms" }},
			{"future day", "delivered_on", l.ID, func(in *fire.DeliveryInput) { in.DeliveredOn = "2030-01-01" }},
			{"before the letter", "delivered_on", l.ID, func(in *fire.DeliveryInput) { in.DeliveredOn = "2026-10-01" }},
			{"not a day", "delivered_on", l.ID, func(in *fire.DeliveryInput) { in.DeliveredOn = "昨天" }},
			{"long key", "client_key", l.ID, func(in *fire.DeliveryInput) { in.ClientKey = string(bytes.Repeat([]byte("k"), 65)) }},
			{"long signer", "signer", l.ID, func(in *fire.DeliveryInput) { in.Signer = string(bytes.Repeat([]byte("张"), 31)) }},
		} {
			t.Run(c.name, func(t *testing.T) {
				in := ok
				c.mod(&in)
				before := e.head(t)
				_, _, err := e.s.Deliver(e.ctx, zj, c.letter, in)
				wantCode(t, err, errs.Validation, c.field)
				if e.head(t) != before || e.f.Count(t, `SELECT COUNT(*) FROM fire_deliveries`) != 0 ||
					e.f.Count(t, `SELECT COUNT(*) FROM fire_coverage`) != 0 {
					t.Fatal("something changed")
				}
			})
		}
		// A household outside the letter's area (柳溪镇 for a 青石镇 letter), as the admin.
		hk := fire.DeliveryInput{HouseholdID: e.hh["LX-HK"][0], Method: fire.MethodSignature, FileIDs: []int64{other.ID}}
		_, _, err = e.s.Deliver(e.ctx, e.as("admin"), qsOnly.ID, hk)
		wantCode(t, err, errs.Validation, "household_id")
		// A letter the worker cannot see reads as not found.
		lxOnly := e.letter(t, e.unit("LX"))
		_, _, err = e.s.Deliver(e.ctx, zj, lxOnly.ID, ok)
		wantCode(t, err, errs.NotFound, "")
	})
}

func TestBatchAllOrNothing(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		l := e.letter(t)
		qs := e.as("qs_staff")
		scan, err := e.s.UploadFile(e.ctx, qs, l.ID, "签收单.jpg", bytes.NewReader(pngBytes(t)))
		if err != nil {
			t.Fatal(err)
		}
		zjIDs := e.hh["QS-ZJ"]
		if _, _, err := e.deliver(t, e.as("zj_field"), l.ID, zjIDs[0], ""); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			name, field string
			in          fire.BatchInput
		}{
			{"one reached already", "household_ids", fire.BatchInput{VillageID: e.unit("QS-ZJ"), FileID: scan.ID, HouseholdIDs: zjIDs}},
			{"one of another village", "household_ids", fire.BatchInput{VillageID: e.unit("QS-ZJ"), FileID: scan.ID,
				HouseholdIDs: []int64{zjIDs[1], e.hh["LX-HK"][0]}}},
			{"inactive", "household_ids", fire.BatchInput{VillageID: e.unit("QS-ZJ"), FileID: scan.ID, HouseholdIDs: []int64{zjIDs[1], e.off}}},
			{"none ticked", "household_ids", fire.BatchInput{VillageID: e.unit("QS-ZJ"), FileID: scan.ID}},
			{"no scan", "file_id", fire.BatchInput{VillageID: e.unit("QS-ZJ"), HouseholdIDs: zjIDs[1:]}},
			{"village out of scope", "village_id", fire.BatchInput{VillageID: e.unit("LX-HK"), FileID: scan.ID, HouseholdIDs: e.hh["LX-HK"]}},
			{"not a village", "village_id", fire.BatchInput{VillageID: e.unit("QS"), FileID: scan.ID, HouseholdIDs: zjIDs[1:]}},
		} {
			t.Run(c.name, func(t *testing.T) {
				before := e.head(t)
				_, err := e.s.MarkBatch(e.ctx, qs, l.ID, c.in)
				wantCode(t, err, errs.Validation, c.field)
				if e.head(t) != before || e.f.Count(t, `SELECT COUNT(*) FROM fire_deliveries`) != 1 ||
					e.f.Count(t, `SELECT COUNT(*) FROM fire_receipt_batches`) != 0 {
					t.Fatal("something changed")
				}
			})
		}
		b, err := e.s.MarkBatch(e.ctx, qs, l.ID, fire.BatchInput{VillageID: e.unit("QS-ZJ"), FileID: scan.ID, HouseholdIDs: zjIDs[1:]})
		if err != nil || b.Households != 4 {
			t.Fatalf("batch %+v %v", b, err)
		}
		c, _ := e.s.Coverage(e.ctx, qs, l.ID)
		if c.Total.Reached != 5 || c.Total.Rate != 100 || len(c.Uncovered) != 0 {
			t.Fatalf("coverage %+v", c)
		}
		if n := e.f.Count(t, `SELECT COUNT(*) FROM fire_deliveries WHERE method = 'sheet' AND batch_id = $1`, b.ID); n != 4 {
			t.Fatalf("%d sheet deliveries", n)
		}
	})
}

func TestLetterBadInput(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ok := fire.LetterInput{Title: ptr("森林防火戒严令"), Body: ptr("戒严期间严禁野外用火"), StartsOn: ptr("2026-11-01"), EndsOn: ptr("2027-04-30")}
		for _, c := range []struct {
			name, field, who string
			mod              func(in *fire.LetterInput)
		}{
			{"no title", "title", "admin", func(in *fire.LetterInput) { in.Title = ptr("  ") }},
			{"no body nor file", "body", "admin", func(in *fire.LetterInput) { in.Body = ptr("") }},
			{"bad start", "starts_on", "admin", func(in *fire.LetterInput) { in.StartsOn = ptr("11月1日") }},
			{"end before start", "ends_on", "admin", func(in *fire.LetterInput) { in.EndsOn = ptr("2026-10-01") }},
			{"village as town", "town_ids", "admin", func(in *fire.LetterInput) { in.TownIDs = &[]int64{e.unit("QS-ZJ")} }},
			{"town out of scope", "town_ids", "qs_admin", func(in *fire.LetterInput) { in.TownIDs = &[]int64{e.unit("LX")} }},
			{"town user district-wide", "town_ids", "qs_admin", func(in *fire.LetterInput) {}},
			{"file not uploaded", "file_id", "admin", func(in *fire.LetterInput) { in.FileID = ptr(int64(4242)) }},
		} {
			t.Run(c.name, func(t *testing.T) {
				in := ok
				c.mod(&in)
				before := e.head(t)
				_, err := e.s.CreateLetter(e.ctx, e.as(c.who), in)
				wantCode(t, err, errs.Validation, c.field)
				if e.head(t) != before || e.f.Count(t, `SELECT COUNT(*) FROM fire_letters`) != 0 {
					t.Fatal("something changed")
				}
			})
		}
		// A town admin writes for their own town, then edits it; a file uploaded first is attached.
		f, err := e.s.UploadFile(e.ctx, e.as("qs_admin"), 0, "戒严令.pdf", bytes.NewReader([]byte("%PDF-1.4\n%%EOF\n")))
		if err != nil {
			t.Fatal(err)
		}
		in := ok
		in.TownIDs, in.FileID = &[]int64{e.unit("QS")}, &f.ID
		l, err := e.s.CreateLetter(e.ctx, e.as("qs_admin"), in)
		if err != nil || l.DistrictWide || l.FileID != f.ID || l.Households != 5 {
			t.Fatalf("town letter %+v %v", l, err)
		}
		if _, err := e.s.UpdateLetter(e.ctx, e.as("qs_admin"), l.ID, fire.LetterInput{Title: ptr("青石镇森林防火戒严令")}); err != nil {
			t.Fatal(err)
		}
		// 柳溪镇 does not see 青石镇's letter; district users do.
		if _, err := e.s.Letter(e.ctx, e.as("lx_admin"), l.ID); !errs.Is(err, errs.NotFound) {
			t.Fatalf("lx sees it: %v", err)
		}
		if got, err := e.s.Letter(e.ctx, e.as("leader"), l.ID); err != nil || got.Title != "青石镇森林防火戒严令" {
			t.Fatalf("leader %+v %v", got, err)
		}
	})
}

// A phone's retries racing each other: one receipt, every answer the same row.
func TestDeliveryRetriesAtOnce(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		l := e.letter(t)
		zj := e.as("zj_field")
		in := fire.DeliveryInput{HouseholdID: e.hh["QS-ZJ"][2], Method: fire.MethodSignature, FileIDs: []int64{e.signature(t, zj, l.ID)},
			ClientKey: "3f1c0d5e-race"}
		const n = 6
		type res struct {
			d       *fire.Delivery
			created bool
			err     error
		}
		out := make(chan res, n)
		for range n {
			go func() {
				d, c, err := e.s.Deliver(e.ctx, zj, l.ID, in)
				out <- res{d, c, err}
			}()
		}
		created, id := 0, int64(0)
		for range n {
			r := <-out
			if r.err != nil {
				t.Fatalf("a retry failed: %v", r.err)
			}
			if r.created {
				created++
			}
			if id != 0 && r.d.ID != id {
				t.Fatalf("answers name rows %d and %d", id, r.d.ID)
			}
			id = r.d.ID
		}
		if created != 1 || e.f.Count(t, `SELECT COUNT(*) FROM fire_deliveries`) != 1 ||
			e.f.Count(t, `SELECT reached FROM fire_coverage WHERE letter_id = $1`, l.ID) != 1 {
			t.Fatalf("%d created", created)
		}
	})
}

// A receipt or a scanned sheet counts only with the file its recorder
// uploaded: another village's worker, or another office worker, uploading
// to the same letter does not lend their file.
func TestReceiptFileUploader(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.f.AddUser(t, "hk_field", "LX-HK", "field")
		l := e.letter(t)
		zj, hk, qs := e.as("zj_field"), e.as("hk_field"), e.as("qs_staff")
		theirs := e.signature(t, hk, l.ID)
		scan, err := e.s.UploadFile(e.ctx, qs, l.ID, "签收单.jpg", bytes.NewReader(pngBytes(t)))
		if err != nil {
			t.Fatal(err)
		}
		unchanged := func(t *testing.T, before int) {
			t.Helper()
			if e.head(t) != before || e.f.Count(t, `SELECT COUNT(*) FROM fire_deliveries`) != 0 || e.f.Count(t, `SELECT COUNT(*) FROM fire_receipt_batches`) != 0 {
				t.Fatal("a refused receipt changed something")
			}
		}
		before := e.head(t)
		_, _, err = e.s.Deliver(e.ctx, zj, l.ID, fire.DeliveryInput{HouseholdID: e.hh["QS-ZJ"][0], Method: fire.MethodPhoto, FileIDs: []int64{theirs}})
		wantCode(t, err, errs.Validation, "file_ids")
		if x, _ := errs.As(err); x.Fields["file_ids"].ZH != "回执文件不是您上传的，请重新签名或拍照" {
			t.Fatalf("message %q", x.Fields["file_ids"].ZH)
		}
		unchanged(t, before)
		// The town admin marking from a scan someone else uploaded.
		_, err = e.s.MarkBatch(e.ctx, e.as("qs_admin"), l.ID, fire.BatchInput{VillageID: e.unit("QS-ZJ"), FileID: scan.ID, HouseholdIDs: e.hh["QS-ZJ"][:2]})
		wantCode(t, err, errs.Validation, "file_id")
		unchanged(t, before)
		// A letter's own file: only its uploader may set it.
		doc, err := e.s.UploadFile(e.ctx, qs, 0, "戒严令.pdf", bytes.NewReader([]byte("%PDF-1.4\n%%EOF\n")))
		if err != nil {
			t.Fatal(err)
		}
		before = e.head(t)
		_, err = e.s.UpdateLetter(e.ctx, e.as("supervisor"), l.ID, fire.LetterInput{FileID: &doc.ID})
		wantCode(t, err, errs.Validation, "file_id")
		unchanged(t, before)
		// Their own uploads go through.
		if _, _, err := e.s.Deliver(e.ctx, hk, l.ID, fire.DeliveryInput{HouseholdID: e.hh["LX-HK"][0], Method: fire.MethodSignature,
			FileIDs: []int64{theirs}}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.MarkBatch(e.ctx, qs, l.ID, fire.BatchInput{VillageID: e.unit("QS-ZJ"), FileID: scan.ID, HouseholdIDs: e.hh["QS-ZJ"][:2]}); err != nil {
			t.Fatal(err)
		}
		if n := e.f.Count(t, `SELECT COUNT(*) FROM fire_deliveries`); n != 3 {
			t.Fatalf("%d deliveries", n)
		}
	})
}
