package safety

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"strings"

	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/db"
	"diaodu/internal/platform/errs"
)

// Photos and evidence are uploaded before the record they belong to (a
// phone queues them while offline): POST /safety/photos stores the file as
// an attachment of the uploader ("safety_upload", "u<user id>"), and the
// inspection, hazard or fix that names its id takes it over: the files row
// moves to "safety_inspection" / "safety_hazard" and safety_files says
// which kind it is. A file can be taken once, and only by its uploader.
const uploadOwner = "safety_upload"

func uploadKey(a *auth.Actor) string { return "u" + idStr(a.UserID) }

// uploadOwnerFunc lets inspectors and those fixing hazards upload; the
// file belongs to their unit until it is taken over.
func (s *Service) uploadOwnerFunc(ctx context.Context, a *auth.Actor, objectID string) (int64, error) {
	if !a.Can(auth.InspectSafety) && !a.Can(auth.RectifySafety) {
		return 0, errs.ErrForbidden
	}
	if objectID != uploadKey(a) || a.UnitID == 0 {
		return 0, errs.NotFoundf("上传位置", "upload target")
	}
	return a.UnitID, nil
}

var imageTypes = map[string]bool{"image/jpeg": true, "image/png": true, "image/gif": true, "image/webp": true}

// UploadPhoto stores an image (JPEG, PNG, GIF or WebP, told by its content,
// not its name) for a later inspection, hazard or fix.
func (s *Service) UploadPhoto(ctx context.Context, a *auth.Actor, name string, r io.Reader) (*Photo, error) {
	if err := auth.Require(a, auth.ViewSafety); err != nil {
		return nil, err
	}
	br := bufio.NewReaderSize(r, 512)
	head, _ := br.Peek(512)
	if ct := http.DetectContentType(head); !imageTypes[ct] {
		f := errs.Fields{}
		f.Add("file", "只能上传图片（JPEG、PNG、GIF 或 WebP）", "only JPEG, PNG, GIF or WebP images")
		return nil, f.Err()
	}
	file, err := s.Attachments.Upload(ctx, a, uploadOwner, uploadKey(a), name, br)
	if err != nil {
		return nil, err
	}
	p := &Photo{ID: file.ID, Name: file.Name, Kind: "upload"}
	p.links(file.ThumbURL != "")
	return p, nil
}

func (p *Photo) links(thumb bool) {
	p.URL = "/api/v1/safety/photos/" + idStr(p.ID)
	if thumb {
		p.ThumbURL = p.URL + "/thumb"
	}
}

// takeFiles moves the actor's uploads ids to an owner (ownerType
// "inspection" or "hazard") as kind; an id that is not an unused upload of
// the actor is a field error and nothing is moved.
func (s *Service) takeFiles(ctx context.Context, w *audit.W, a *auth.Actor, field, ownerType string, ownerID int64, kind string,
	unitID int64, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	if len(ids) > 30 {
		f := errs.Fields{}
		f.Add(field, "照片不能超过30张", "at most 30 photos")
		return f.Err()
	}
	args := db.Args{uploadOwner, uploadKey(a)}
	var n int
	if err := w.QueryRowContext(ctx, `SELECT COUNT(DISTINCT id) FROM files WHERE object_type = $1 AND object_id = $2 AND id IN (`+
		inList(&args, ids)+`)`, args...).Scan(&n); err != nil {
		return err
	}
	if n != len(uniq(ids)) {
		f := errs.Fields{}
		f.Add(field, "照片不存在或已被使用，请重新上传", "a photo is missing or already used; upload it again")
		return f.Err()
	}
	args = db.Args{"safety_" + ownerType, idStr(ownerID), unitID, uploadOwner, uploadKey(a)}
	if _, err := w.ExecContext(ctx, `UPDATE files SET object_type = $1, object_id = $2, unit_id = $3
		WHERE object_type = $4 AND object_id = $5 AND id IN (`+inList(&args, ids)+`)`, args...); err != nil {
		return err
	}
	for _, id := range uniq(ids) {
		if _, err := w.ExecContext(ctx, `INSERT INTO safety_files (owner_type, owner_id, file_id, kind) VALUES ($1, $2, $3, $4)`,
			ownerType, ownerID, id, kind); err != nil {
			return err
		}
	}
	return nil
}

func uniq(ids []int64) []int64 {
	seen := map[int64]bool{}
	out := []int64{}
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// photos lists an owner's files.
func (s *Service) photos(ctx context.Context, ownerType string, ownerID int64) ([]Photo, error) {
	rows, err := s.DB.Read.QueryContext(ctx, `SELECT f.id, f.name, f.has_thumb, sf.kind FROM safety_files sf JOIN files f ON f.id = sf.file_id
		WHERE sf.owner_type = $1 AND sf.owner_id = $2 ORDER BY f.id`, ownerType, ownerID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Photo{}
	for rows.Next() {
		var p Photo
		var thumb bool
		if err := rows.Scan(&p.ID, &p.Name, &thumb, &p.Kind); err != nil {
			return nil, err
		}
		p.links(thumb)
		out = append(out, p)
	}
	return out, rows.Err()
}

// openPhoto checks that the actor sees what the file belongs to (or
// uploaded it and it is not yet taken) and opens it.
func (s *Service) openPhoto(ctx context.Context, a *auth.Actor, id int64, thumb bool) (io.ReadSeekCloser, string, string, error) {
	nf := errs.NotFoundf("照片", "photo")
	if err := auth.Require(a, auth.ViewSafety); err != nil {
		return nil, "", "", err
	}
	var objType, objID, sha, name, ct string
	var hasThumb bool
	err := s.DB.Read.QueryRowContext(ctx, `SELECT object_type, object_id, sha256, name, content_type, has_thumb FROM files WHERE id = $1`, id).
		Scan(&objType, &objID, &sha, &name, &ct, &hasThumb)
	if isNoRows(err) {
		return nil, "", "", nf
	}
	if err != nil {
		return nil, "", "", err
	}
	ok := false
	switch objType {
	case uploadOwner:
		ok = objID == uploadKey(a)
	case "safety_hazard", "safety_inspection":
		table := "safety_hazards"
		if objType == "safety_inspection" {
			table = "safety_inspections"
		}
		var tp, sp string
		if err := s.DB.Read.QueryRowContext(ctx, `SELECT town_path, supervising_path FROM `+table+` WHERE id = $1`, objID).Scan(&tp, &sp); err == nil {
			ok = visible(a, tp, sp)
		} else if !isNoRows(err) {
			return nil, "", "", err
		}
	}
	if !ok {
		return nil, "", "", nf
	}
	open := s.Attachments.Store.Open
	if thumb {
		if !hasThumb {
			return nil, "", "", errs.NotFoundf("缩略图", "thumbnail")
		}
		open, ct = s.Attachments.Store.OpenThumb, "image/jpeg"
	}
	fh, err := open(sha)
	if err != nil {
		return nil, "", "", nf
	}
	return fh, name, strings.TrimSpace(ct), nil
}
