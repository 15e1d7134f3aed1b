package fire

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/calendar"
	"diaodu/internal/platform/db"
	"diaodu/internal/platform/errs"
)

// household is what a delivery needs to know of a household.
type household struct {
	ID, VillageID, TownID int64
	VillagePath, HeadName string
	Active                bool
}

func (s *Service) household(ctx context.Context, q querier, id int64) (*household, error) {
	h := &household{}
	err := q.QueryRowContext(ctx, `SELECT id, village_id, village_path, town_id, head_name, active FROM households WHERE id = $1`, id).
		Scan(&h.ID, &h.VillageID, &h.VillagePath, &h.TownID, &h.HeadName, &h.Active)
	if isNoRows(err) {
		return nil, nil
	}
	return h, err
}

const deliveryCols = `d.id, d.letter_id, d.household_id, d.village_id, d.town_id, d.method, COALESCE(d.file_id, 0), COALESCE(d.batch_id, 0),
	d.signer, d.delivered_on, COALESCE(d.client_key, ''), COALESCE(d.recorded_by, 0), d.created_at`

func scanDelivery(row interface{ Scan(...any) error }) (*Delivery, error) {
	d := &Delivery{}
	var on string
	if err := row.Scan(&d.ID, &d.LetterID, &d.HouseholdID, &d.VillageID, &d.TownID, &d.Method, &d.FileID, &d.BatchID, &d.Signer, &on,
		&d.ClientKey, &d.RecordedBy, &d.CreatedAt); err != nil {
		return nil, err
	}
	d.DeliveredOn, _ = calendar.ParseDate(on)
	return d, nil
}

// byClientKey returns the delivery stored under a phone's key, or nil.
func byClientKey(ctx context.Context, q querier, key string) (*Delivery, error) {
	d, err := scanDelivery(q.QueryRowContext(ctx, `SELECT `+deliveryCols+` FROM fire_deliveries d WHERE d.client_key = $1`, key))
	if isNoRows(err) {
		return nil, nil
	}
	return d, err
}

// replay answers a retry of a stored delivery: the same actor gets it back
// unchanged, anyone else a conflict.
func replay(a *auth.Actor, d *Delivery) (*Delivery, bool, error) {
	if d.RecordedBy != a.UserID {
		return nil, false, errs.Conflictf("该回执标识已被他人使用", "the client_key belongs to another user's delivery")
	}
	return d, false, nil
}

// deliveryDay parses an optional day: not in the future, not before the letter.
func (s *Service) deliveryDay(l *Letter, v string, f errs.Fields) calendar.Date {
	today := calendar.DateOf(s.Clock.Now().In(shanghai))
	if strings.TrimSpace(v) == "" {
		return today
	}
	d, err := calendar.ParseDate(strings.TrimSpace(v))
	switch {
	case err != nil:
		f.Add("delivered_on", "送达日期应为日期（如2026-03-01）", "delivered_on must be a date")
	case d.After(today):
		f.Add("delivered_on", "送达日期不能晚于今天", "delivered_on may not be in the future")
	case d.Before(l.StartsOn):
		f.Add("delivered_on", "送达日期不能早于发放开始日期", "delivered_on may not be before the letter's start")
	}
	return d
}

// Deliver records one household's signed receipt. created is false when
// the phone's client_key was stored already (a retry): nothing changes.
func (s *Service) Deliver(ctx context.Context, a *auth.Actor, letterID int64, in DeliveryInput) (_ *Delivery, created bool, _ error) {
	if err := auth.Require(a, auth.FireField); err != nil {
		return nil, false, err
	}
	f := errs.Fields{}
	in.ClientKey = strings.TrimSpace(in.ClientKey)
	if len(in.ClientKey) > 64 {
		f.Add("client_key", "回执标识不能超过64个字符", "client_key may not exceed 64 characters")
		return nil, false, f.Err()
	}
	if in.ClientKey != "" {
		if d, err := byClientKey(ctx, s.DB.Read, in.ClientKey); err != nil || d != nil {
			if err != nil {
				return nil, false, err
			}
			return replay(a, d)
		}
	}
	l, err := s.letter(ctx, a, s.DB.Read, letterID)
	if err != nil {
		return nil, false, err
	}
	switch in.Method {
	case MethodSignature, MethodPhoto:
	default:
		f.Add("method", "回执方式应为手写签名（signature）或回执照片（photo）", "method must be signature or photo")
	}
	switch {
	case len(in.FileIDs) == 0 && in.Method == MethodPhoto:
		f.Add("file_ids", "请拍摄签收回执照片", "a photo of the receipt is required")
	case len(in.FileIDs) == 0:
		f.Add("file_ids", "请户主在屏幕上签名", "a signature is required")
	case len(in.FileIDs) > 1:
		f.Add("file_ids", "每户只能附一个回执文件", "one receipt file per household")
	default:
		switch s.fileOf(ctx, a, letterID, in.FileIDs[0]) {
		case fileMissing:
			f.Add("file_ids", "回执文件不存在或不属于本告知书", "the receipt file was not uploaded to this letter")
		case fileOthers:
			f.Add("file_ids", "回执文件不是您上传的，请重新签名或拍照", "the receipt file was uploaded by someone else")
		}
	}
	in.Signer = strings.TrimSpace(in.Signer)
	if len([]rune(in.Signer)) > 30 {
		f.Add("signer", "签收人姓名不能超过30字", "signer may not exceed 30 characters")
	}
	day := s.deliveryDay(l, in.DeliveredOn, f)
	h, err := s.checkHousehold(ctx, a, l, in.HouseholdID, "household_id", f)
	if err != nil {
		return nil, false, err
	}
	if err := f.Err(); err != nil {
		return nil, false, err
	}
	var out *Delivery
	err = s.Audit.Write(ctx, a, func(w *audit.W) error {
		var id int64
		err := w.QueryRowContext(ctx, `INSERT INTO fire_deliveries (letter_id, household_id, village_id, village_path, town_id, method, file_id,
			signer, delivered_on, client_key, recorded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
			ON CONFLICT DO NOTHING RETURNING id`,
			letterID, h.ID, h.VillageID, h.VillagePath, h.TownID, in.Method, in.FileIDs[0], in.Signer, day.String(),
			sql.NullString{String: in.ClientKey, Valid: in.ClientKey != ""}, db.NullID(a.UserID), w.Now()).Scan(&id)
		if isNoRows(err) { // a unique index said no: the same phone's retry racing, or a second receipt
			if in.ClientKey != "" {
				if d, err := byClientKey(ctx, w, in.ClientKey); err != nil || d != nil {
					if err == nil {
						out, _, err = replay(a, d)
					}
					return errReplayed{err}
				}
			}
			return s.alreadyReached(ctx, w, letterID, h, "household_id")
		}
		if err != nil {
			return err
		}
		if err := bumpCoverage(ctx, w, letterID, h.VillageID, h.TownID, 1); err != nil {
			return err
		}
		out = &Delivery{ID: id, LetterID: letterID, HouseholdID: h.ID, HeadName: h.HeadName, VillageID: h.VillageID, TownID: h.TownID,
			Method: in.Method, FileID: in.FileIDs[0], Signer: in.Signer, DeliveredOn: day, ClientKey: in.ClientKey, RecordedBy: a.UserID,
			CreatedAt: w.Now()}
		return w.Record(audit.Entry{Action: "fire.delivery", ObjectType: "fire_letter", ObjectID: idStr(letterID), UnitID: h.VillageID,
			Summary: fmt.Sprintf("%s户送达告知书“%s”（%s）", h.HeadName, l.Title, methodName(in.Method)),
			After:   map[string]any{"delivery_id": id, "household_id": h.ID, "method": in.Method, "file_id": in.FileIDs[0], "client_key": in.ClientKey}})
	})
	var r errReplayed
	if errors.As(err, &r) {
		return out, false, r.err
	}
	if err != nil {
		return nil, false, err
	}
	return out, true, nil
}

// errReplayed rolls back a write that found the phone's retry stored.
type errReplayed struct{ err error }

func (e errReplayed) Error() string { return "replayed" }

func methodName(m string) string {
	return map[string]string{MethodSignature: "手写签名", MethodPhoto: "回执照片", MethodSheet: "签收单扫描件"}[m]
}

// checkHousehold finds an active household the actor may record for, in
// the letter's area; a household of another village reads as missing.
func (s *Service) checkHousehold(ctx context.Context, a *auth.Actor, l *Letter, id int64, field string, f errs.Fields) (*household, error) {
	if id == 0 {
		f.Add(field, "请选择户", "choose a household")
		return nil, nil
	}
	h, err := s.household(ctx, s.DB.Read, id)
	if err != nil {
		return nil, err
	}
	switch {
	case h == nil || !a.InScope(h.VillagePath):
		f.Add(field, "户不存在或不属于您负责的村", "household not found in your village")
	case !h.Active:
		f.Add(field, "该户已迁出或注销", "the household is inactive")
	case !letterCovers(l, h.TownID):
		f.Add(field, "该户不在本告知书的发放范围内", "the household is outside the letter's area")
	default:
		return h, nil
	}
	return nil, nil
}

// alreadyReached is the error for a second receipt of a household.
func (s *Service) alreadyReached(ctx context.Context, q querier, letterID int64, h *household, field string) error {
	var on string
	_ = q.QueryRowContext(ctx, `SELECT delivered_on FROM fire_deliveries WHERE letter_id = $1 AND household_id = $2`, letterID, h.ID).Scan(&on)
	f := errs.Fields{}
	f.Add(field, fmt.Sprintf("%s户已于%s签收，不能重复登记", h.HeadName, on), "the household has signed for this letter already")
	return f.Err()
}

// bumpCoverage adds n households reached to a village's counter.
func bumpCoverage(ctx context.Context, w *audit.W, letterID, villageID, townID int64, n int) error {
	_, err := w.ExecContext(ctx, `INSERT INTO fire_coverage (letter_id, village_id, town_id, reached) VALUES ($1, $2, $3, $4)
		ON CONFLICT (letter_id, village_id) DO UPDATE SET reached = fire_coverage.reached + $4`, letterID, villageID, townID, n)
	return err
}

// maxBatch bounds one scanned sheet (a village prints a few hundred lines).
const maxBatch = 2000

// MarkBatch records many households of one village from a scanned signed
// sheet: every household must be valid, else nothing is recorded.
func (s *Service) MarkBatch(ctx context.Context, a *auth.Actor, letterID int64, in BatchInput) (*Batch, error) {
	if err := auth.Require(a, auth.FireField); err != nil {
		return nil, err
	}
	l, err := s.letter(ctx, a, s.DB.Read, letterID)
	if err != nil {
		return nil, err
	}
	f := errs.Fields{}
	village, err := s.village(ctx, a, l, in.VillageID, f)
	if err != nil {
		return nil, err
	}
	switch s.fileOf(ctx, a, letterID, in.FileID) {
	case fileMissing:
		f.Add("file_id", "请先上传签收单扫描件", "upload the scanned sheet first")
	case fileOthers:
		f.Add("file_id", "签收单扫描件须由您本人上传，请重新上传", "upload the scanned sheet yourself")
	}
	ids := uniqueIDs(in.HouseholdIDs)
	switch {
	case len(ids) == 0:
		f.Add("household_ids", "请勾选签收单上已签名的户", "tick the households that signed")
	case len(ids) > maxBatch:
		f.Add("household_ids", fmt.Sprintf("一次最多登记%d户", maxBatch), fmt.Sprintf("at most %d households at once", maxBatch))
	}
	day := s.deliveryDay(l, in.DeliveredOn, f)
	if err := f.Err(); err != nil {
		return nil, err
	}
	out := &Batch{Households: len(ids)}
	err = s.Audit.Write(ctx, a, func(w *audit.W) error {
		hs, err := s.batchHouseholds(ctx, w, letterID, village, ids)
		if err != nil {
			return err
		}
		if err := w.QueryRowContext(ctx, `INSERT INTO fire_receipt_batches (letter_id, village_id, file_id, households, recorded_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, letterID, village.ID, in.FileID, len(ids), db.NullID(a.UserID), w.Now()).Scan(&out.ID); err != nil {
			return err
		}
		rows := make([][]any, len(hs))
		for i, h := range hs {
			rows[i] = []any{letterID, h.ID, h.VillageID, h.VillagePath, h.TownID, MethodSheet, in.FileID, out.ID, day.String(),
				db.NullID(a.UserID), w.Now()}
		}
		if _, err := w.CopyFrom(ctx, "fire_deliveries", []string{"letter_id", "household_id", "village_id", "village_path", "town_id",
			"method", "file_id", "batch_id", "delivered_on", "recorded_by", "created_at"}, rows); err != nil {
			if db.IsUniqueViolation(err) { // a phone recorded one of them meanwhile
				f.Add("household_ids", "签收单中有户刚刚已登记，请刷新后重试", "a household was recorded meanwhile; reload and retry")
				return f.Err()
			}
			return err
		}
		if err := bumpCoverage(ctx, w, letterID, village.ID, village.TownID, len(hs)); err != nil {
			return err
		}
		return w.Record(audit.Entry{Action: "fire.delivery.batch", ObjectType: "fire_letter", ObjectID: idStr(letterID), UnitID: village.ID,
			Summary: fmt.Sprintf("%s按签收单扫描件登记%d户送达告知书“%s”", village.Name, len(hs), l.Title),
			After:   map[string]any{"batch_id": out.ID, "file_id": in.FileID, "household_ids": ids}})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// villageRef is a village unit.
type villageRef struct {
	ID, TownID int64
	Name, Path string
}

// village checks a village the actor may work in, inside the letter's area.
func (s *Service) village(ctx context.Context, a *auth.Actor, l *Letter, id int64, f errs.Fields) (*villageRef, error) {
	if id == 0 && a.UnitID != 0 { // a village worker's own village
		id = a.UnitID
	}
	v := &villageRef{ID: id}
	var parent sql.NullInt64
	err := s.DB.Read.QueryRowContext(ctx, `SELECT name, path, parent_id FROM units WHERE id = $1 AND kind = 'village'`, id).
		Scan(&v.Name, &v.Path, &parent)
	switch {
	case isNoRows(err) || (err == nil && !a.InScope(v.Path)):
		f.Add("village_id", "村不存在或不在您的管辖范围", "village not found in your scope")
		return nil, nil
	case err != nil:
		return nil, err
	}
	v.TownID = parent.Int64
	if !letterCovers(l, v.TownID) {
		f.Add("village_id", "该村不在本告知书的发放范围内", "the village is outside the letter's area")
		return nil, nil
	}
	return v, nil
}

// batchHouseholds loads the ticked households and refuses the batch when
// any is missing, of another village, inactive or reached already.
func (s *Service) batchHouseholds(ctx context.Context, q querier, letterID int64, v *villageRef, ids []int64) ([]household, error) {
	args := &db.Args{}
	list := args.In(ids)
	rows, err := q.QueryContext(ctx, `SELECT h.id, h.village_id, h.village_path, h.town_id, h.head_name, h.active,
		EXISTS (SELECT 1 FROM fire_deliveries d WHERE d.letter_id = `+args.Add(letterID)+` AND d.household_id = h.id)
		FROM households h WHERE h.id IN (`+list+`)`, *args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	byID := map[int64]household{}
	var bad []string
	for rows.Next() {
		var h household
		var reached bool
		if err := rows.Scan(&h.ID, &h.VillageID, &h.VillagePath, &h.TownID, &h.HeadName, &h.Active, &reached); err != nil {
			return nil, err
		}
		switch {
		case h.VillageID != v.ID:
			continue // reads as missing
		case !h.Active:
			bad = append(bad, h.HeadName+"（已迁出）")
		case reached:
			bad = append(bad, h.HeadName+"（已签收）")
		}
		byID[h.ID] = h
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]household, 0, len(ids))
	for _, id := range ids {
		h, ok := byID[id]
		if !ok {
			bad = append(bad, fmt.Sprintf("编号%d（不是%s的户）", id, v.Name))
		}
		out = append(out, h)
	}
	if len(bad) > 0 {
		if len(bad) > 5 {
			bad = append(bad[:5], fmt.Sprintf("等%d户", len(bad)))
		}
		f := errs.Fields{}
		f.Add("household_ids", "以下户不能登记："+strings.Join(bad, "、")+"，整批未登记", "some households cannot be recorded; nothing was recorded")
		return nil, f.Err()
	}
	return out, nil
}

var _ = time.Second
