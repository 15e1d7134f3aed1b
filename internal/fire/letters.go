package fire

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"strings"

	"diaodu/internal/attachments"
	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/calendar"
	"diaodu/internal/platform/db"
	"diaodu/internal/platform/errs"
)

var letterNotFound = errs.NotFoundf("告知书", "letter")

const letterCols = `l.id, l.title, l.body, COALESCE(l.file_id, 0), l.starts_on, l.ends_on, l.district_wide, u.id, u.name, u.path,
	l.created_at, l.updated_at`

func (s *Service) loadLetters(ctx context.Context, q querier, where string, args ...any) ([]*Letter, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+letterCols+` FROM fire_letters l JOIN units u ON u.id = l.unit_id WHERE `+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*Letter{}
	byID := map[int64]*Letter{}
	for rows.Next() {
		l := &Letter{TownIDs: []int64{}, Towns: []Ref{}}
		var starts, ends string
		if err := rows.Scan(&l.ID, &l.Title, &l.Body, &l.FileID, &starts, &ends, &l.DistrictWide, &l.Unit.ID, &l.Unit.Name, &l.unitPath,
			&l.CreatedAt, &l.UpdatedAt); err != nil {
			return nil, err
		}
		l.StartsOn, _ = calendar.ParseDate(starts)
		l.EndsOn, _ = calendar.ParseDate(ends)
		out = append(out, l)
		byID[l.ID] = l
	}
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
	}
	ids := make([]int64, len(out))
	for i, l := range out {
		ids[i] = l.ID
	}
	return out, linkedTowns(ctx, q, "fire_letter_towns", "letter_id", ids, func(id int64, r Ref) {
		l := byID[id]
		l.TownIDs, l.Towns = append(l.TownIDs, r.ID), append(l.Towns, r)
	})
}

// visible tells whether the actor sees a letter: district users all, the
// others when the letter goes to their town or the whole district, or when
// their subtree issued it.
func (s *Service) visible(ctx context.Context, a *auth.Actor, l *Letter) (bool, error) {
	if a.DistrictWide() || l.DistrictWide || a.InScope(l.unitPath) {
		return true, nil
	}
	town, err := s.townOfActor(ctx, a)
	if err != nil {
		return false, err
	}
	for _, id := range l.TownIDs {
		if id == town || (town == 0 && s.townInScope(ctx, a, id)) {
			return true, nil
		}
	}
	return false, nil
}

func (s *Service) townInScope(ctx context.Context, a *auth.Actor, townID int64) bool {
	var path string
	if err := s.DB.Read.QueryRowContext(ctx, `SELECT path FROM units WHERE id = $1`, townID).Scan(&path); err != nil {
		return false
	}
	return a.InScope(path)
}

// Letter returns a letter the actor sees, with its coverage totals.
func (s *Service) Letter(ctx context.Context, a *auth.Actor, id int64) (*Letter, error) {
	if err := auth.Require(a, auth.ViewFire); err != nil {
		return nil, err
	}
	l, err := s.letter(ctx, a, s.DB.Read, id)
	if err != nil {
		return nil, err
	}
	return l, s.fillTotals(ctx, a, []*Letter{l})
}

func (s *Service) letter(ctx context.Context, a *auth.Actor, q querier, id int64) (*Letter, error) {
	ls, err := s.loadLetters(ctx, q, `l.id = $1`, id)
	if err != nil {
		return nil, err
	}
	if len(ls) == 0 {
		return nil, letterNotFound
	}
	ok, err := s.visible(ctx, a, ls[0])
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, letterNotFound
	}
	return ls[0], nil
}

// ListLetters lists the letters the actor sees, newest first (activeOnly:
// today within the period), with coverage in the actor's scope.
func (s *Service) ListLetters(ctx context.Context, a *auth.Actor, activeOnly bool) ([]*Letter, error) {
	if err := auth.Require(a, auth.ViewFire); err != nil {
		return nil, err
	}
	where, args := "TRUE", []any{}
	if activeOnly {
		today := calendar.DateOf(s.Clock.Now().In(shanghai)).String()
		where, args = `l.starts_on <= $1 AND l.ends_on >= $1`, []any{today}
	}
	all, err := s.loadLetters(ctx, s.DB.Read, where+` ORDER BY l.starts_on DESC, l.id DESC`, args...)
	if err != nil {
		return nil, err
	}
	out := []*Letter{}
	for _, l := range all {
		if ok, err := s.visible(ctx, a, l); err != nil {
			return nil, err
		} else if ok {
			out = append(out, l)
		}
	}
	return out, s.fillTotals(ctx, a, out)
}

// fillTotals sets households, reached and rate in the actor's scope.
func (s *Service) fillTotals(ctx context.Context, a *auth.Actor, ls []*Letter) error {
	for _, l := range ls {
		c, err := s.coverage(ctx, a, l)
		if err != nil {
			return err
		}
		l.Households, l.Reached, l.Rate = c.Total.Households, c.Total.Reached, c.Total.Rate
	}
	return nil
}

// checkLetter validates an input merged over the stored letter.
func (s *Service) checkLetter(ctx context.Context, a *auth.Actor, l *Letter, in LetterInput) error {
	f := errs.Fields{}
	if in.Title != nil {
		l.Title = strings.TrimSpace(*in.Title)
	}
	if in.Body != nil {
		l.Body = strings.TrimSpace(*in.Body)
	}
	stored := l.FileID
	if in.FileID != nil {
		l.FileID = *in.FileID
	}
	switch n := len([]rune(l.Title)); {
	case n == 0:
		f.Add("title", "请填写标题", "title is required")
	case n > 100:
		f.Add("title", "标题不能超过100字", "title may not exceed 100 characters")
	}
	if len([]rune(l.Body)) > 20000 {
		f.Add("body", "正文不能超过20000字", "body may not exceed 20,000 characters")
	}
	if l.Body == "" && l.FileID == 0 {
		f.Add("body", "请填写正文或上传文件", "give the text or a file")
	}
	// A file kept from before was checked when it was set (perhaps by another editor).
	if l.FileID != 0 && l.FileID != stored {
		switch max(s.fileOf(ctx, a, l.ID, l.FileID), s.fileOf(ctx, a, 0, l.FileID)) {
		case fileMissing:
			f.Add("file_id", "文件不存在或未上传到本告知书", "file not found")
		case fileOthers:
			f.Add("file_id", "该文件不是您上传的，请重新上传", "the file was uploaded by someone else; upload it again")
		}
	}
	date := func(field, name string, p *string, d *calendar.Date) {
		if p == nil {
			return
		}
		v, err := calendar.ParseDate(strings.TrimSpace(*p))
		if err != nil {
			f.Add(field, name+"应为日期（如2026-03-01）", field+" must be a date")
			return
		}
		*d = v
	}
	date("starts_on", "发放开始日期", in.StartsOn, &l.StartsOn)
	date("ends_on", "发放截止日期", in.EndsOn, &l.EndsOn)
	if l.StartsOn.IsZero() {
		f.Add("starts_on", "请填写发放开始日期", "starts_on is required")
	}
	if l.EndsOn.IsZero() {
		f.Add("ends_on", "请填写发放截止日期", "ends_on is required")
	} else if !l.StartsOn.IsZero() && l.EndsOn.Before(l.StartsOn) {
		f.Add("ends_on", "截止日期不能早于开始日期", "ends_on may not be before starts_on")
	}
	if in.TownIDs != nil {
		ids := uniqueIDs(*in.TownIDs)
		towns, paths, err := s.townsOf(ctx, s.DB.Read, ids)
		if err != nil {
			return err
		}
		switch {
		case towns == nil:
			f.Add("town_ids", "发放范围只能选择乡镇（街道）", "town_ids must be towns")
		case len(ids) == 0 && !a.DistrictWide():
			f.Add("town_ids", "请选择发放的乡镇", "choose the towns")
		default:
			for i, p := range paths {
				if !a.InScope(p) {
					f.Add("town_ids", "不能向“"+towns[i].Name+"”发放", "a town is out of your scope")
				}
			}
		}
		l.TownIDs, l.Towns, l.DistrictWide = ids, towns, len(ids) == 0
	}
	return f.Err()
}

// fileCheck is what fileOf found.
type fileCheck int

const (
	fileMissing fileCheck = iota // no such file on this letter
	fileOthers                   // on this letter, but uploaded by someone else
	fileOwn                      // on this letter, uploaded by the actor
)

// fileOf tells whether a file was uploaded to this letter (letter 0: to a
// letter not created yet — uploads before creation are attached to 0) and
// whether the actor uploaded it. Receipts and scans are only accepted from
// their uploader: every user who may record a delivery may upload to the
// letter, so the letter alone would let a village worker attach another
// village's signature, or an office worker someone else's scan.
func (s *Service) fileOf(ctx context.Context, a *auth.Actor, letterID, fileID int64) fileCheck {
	var by, token sql.NullInt64
	err := s.DB.Read.QueryRowContext(ctx, `SELECT uploaded_by, uploaded_by_token FROM files WHERE id = $1 AND object_type = $2 AND object_id = $3`,
		fileID, fileOwner, idStr(letterID)).Scan(&by, &token)
	switch {
	case err != nil:
		return fileMissing
	case (a.UserID != 0 && by.Int64 == a.UserID) || (a.TokenID != 0 && token.Int64 == a.TokenID) || (a.UserID == 0 && a.TokenID == 0 && !by.Valid && !token.Valid):
		return fileOwn // the last case: the system actor's own uploads (the demo loader's)
	}
	return fileOthers
}

// CreateLetter creates a letter campaign.
func (s *Service) CreateLetter(ctx context.Context, a *auth.Actor, in LetterInput) (*Letter, error) {
	if err := auth.Require(a, auth.FireLetters); err != nil {
		return nil, err
	}
	l := &Letter{Unit: Ref{ID: a.UnitID}}
	if in.TownIDs == nil {
		in.TownIDs = &[]int64{}
	}
	if err := s.checkLetter(ctx, a, l, in); err != nil {
		return nil, err
	}
	err := s.Audit.Write(ctx, a, func(w *audit.W) error {
		if err := w.QueryRowContext(ctx, `INSERT INTO fire_letters (title, body, file_id, starts_on, ends_on, district_wide, unit_id,
			created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id`,
			l.Title, l.Body, db.NullID(l.FileID), l.StartsOn.String(), l.EndsOn.String(), l.DistrictWide, s.unitOf(a),
			db.NullID(a.UserID), w.Now()).Scan(&l.ID); err != nil {
			return err
		}
		if err := s.writeTowns(ctx, w, l); err != nil {
			return err
		}
		return w.Record(audit.Entry{Action: "fire.letter.create", ObjectType: "fire_letter", ObjectID: idStr(l.ID),
			UnitID: s.unitOf(a), Summary: "新建告知书“" + l.Title + "”", After: in})
	})
	if err != nil {
		return nil, err
	}
	return s.Letter(ctx, a, l.ID)
}

// unitOf is the actor's unit, or the district root for the system actor.
func (s *Service) unitOf(a *auth.Actor) int64 {
	if a.UnitID != 0 {
		return a.UnitID
	}
	var id int64
	_ = s.DB.Read.QueryRowContext(context.Background(), `SELECT id FROM units WHERE parent_id IS NULL ORDER BY id LIMIT 1`).Scan(&id)
	return id
}

func (s *Service) writeTowns(ctx context.Context, w *audit.W, l *Letter) error {
	if _, err := w.ExecContext(ctx, `DELETE FROM fire_letter_towns WHERE letter_id = $1`, l.ID); err != nil {
		return err
	}
	for _, t := range l.TownIDs {
		if _, err := w.ExecContext(ctx, `INSERT INTO fire_letter_towns (letter_id, town_id) VALUES ($1, $2)`, l.ID, t); err != nil {
			return err
		}
	}
	return nil
}

// UpdateLetter edits a letter; unit users only letters their subtree issued.
func (s *Service) UpdateLetter(ctx context.Context, a *auth.Actor, id int64, in LetterInput) (*Letter, error) {
	if err := auth.Require(a, auth.FireLetters); err != nil {
		return nil, err
	}
	l, err := s.letter(ctx, a, s.DB.Read, id)
	if err != nil {
		return nil, err
	}
	if !a.DistrictWide() && !a.InScope(l.unitPath) {
		return nil, errs.ErrForbidden
	}
	before := *l
	if err := s.checkLetter(ctx, a, l, in); err != nil {
		return nil, err
	}
	err = s.Audit.Write(ctx, a, func(w *audit.W) error {
		if _, err := w.ExecContext(ctx, `UPDATE fire_letters SET title = $1, body = $2, file_id = $3, starts_on = $4, ends_on = $5,
			district_wide = $6, updated_at = $7 WHERE id = $8`, l.Title, l.Body, db.NullID(l.FileID), l.StartsOn.String(), l.EndsOn.String(),
			l.DistrictWide, w.Now(), id); err != nil {
			return err
		}
		if in.TownIDs != nil {
			if err := s.writeTowns(ctx, w, l); err != nil {
				return err
			}
		}
		return w.Record(audit.Entry{Action: "fire.letter.update", ObjectType: "fire_letter", ObjectID: idStr(id), UnitID: l.Unit.ID,
			Summary: "修改告知书“" + l.Title + "”", Before: letterAudit(&before), After: letterAudit(l)})
	})
	if err != nil {
		return nil, err
	}
	return s.Letter(ctx, a, id)
}

func letterAudit(l *Letter) map[string]any {
	return map[string]any{"title": l.Title, "body_chars": len([]rune(l.Body)), "file_id": l.FileID, "starts_on": l.StartsOn.String(),
		"ends_on": l.EndsOn.String(), "town_ids": l.TownIDs}
}

// letterCovers tells whether a town is in the letter's area.
func letterCovers(l *Letter, townID int64) bool {
	if l.DistrictWide {
		return true
	}
	for _, id := range l.TownIDs {
		if id == townID {
			return true
		}
	}
	return false
}

// fileOwner lets receipts, scans and the letter's file be uploaded by
// whoever may record deliveries or edit letters; the file belongs to the
// uploader's unit, so a town sees its villages' receipts. Object id 0 is
// a letter being written.
func (s *Service) fileOwner(ctx context.Context, a *auth.Actor, objectID string) (int64, error) {
	if !a.Can(auth.FireField) && !a.Can(auth.FireLetters) {
		return 0, errs.ErrForbidden
	}
	var id int64
	if _, err := fmt.Sscan(objectID, &id); err != nil || id < 0 {
		return 0, letterNotFound
	}
	if id > 0 {
		if _, err := s.letter(ctx, a, s.DB.Read, id); err != nil {
			return 0, err
		}
	} else if !a.Can(auth.FireLetters) {
		// A letter being written is nobody's object yet: what is missing is
		// the permission to write letters, not a letter in scope.
		return 0, errs.ErrForbidden
	}
	return s.unitOf(a), nil
}

// UploadFile stores a receipt, a scanned sheet or the letter's own file
// (letterID 0: a letter being written) for the actor.
func (s *Service) UploadFile(ctx context.Context, a *auth.Actor, letterID int64, name string, r io.Reader) (*attachments.File, error) {
	return s.Attachments.Upload(ctx, a, fileOwner, idStr(letterID), name, r)
}
