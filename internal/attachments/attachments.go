// Package attachments records uploaded files against the object they
// belong to, and checks every download against that object's scope.
package attachments

import (
	"context"
	"database/sql"
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"

	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/db"
	"diaodu/internal/platform/errs"
	"diaodu/internal/platform/files"
	"diaodu/internal/platform/httpx"
)

// OwnerFunc tells which unit owns an object the actor may attach files to;
// it returns a not-found error when the object is missing or out of scope.
type OwnerFunc func(ctx context.Context, a *auth.Actor, objectID string) (unitID int64, err error)

// Service stores attachments.
type Service struct {
	DB     *db.DB
	Audit  *audit.Log
	Store  *files.Store
	owners map[string]OwnerFunc
}

// New wires the service.
func New(d *db.DB, l *audit.Log, st *files.Store) *Service {
	return &Service{DB: d, Audit: l, Store: st, owners: map[string]OwnerFunc{}}
}

// RegisterOwner lets a module accept attachments on its objects.
func (s *Service) RegisterOwner(objectType string, fn OwnerFunc) { s.owners[objectType] = fn }

// File is an attachment as the client sees it.
type File struct {
	ID          int64     `json:"id"`
	Name        string    `json:"name"`
	Size        int64     `json:"size"`
	ContentType string    `json:"content_type"`
	ObjectType  string    `json:"object_type"`
	ObjectID    string    `json:"object_id"`
	URL         string    `json:"url"`
	ThumbURL    string    `json:"thumb_url,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
	sha         string
	unitPath    string
}

func (f *File) links(hasThumb bool) {
	f.URL = "/api/v1/files/" + strconv.FormatInt(f.ID, 10)
	if hasThumb {
		f.ThumbURL = f.URL + "/thumb"
	}
}

// Upload stores r and records it against an object.
func (s *Service) Upload(ctx context.Context, a *auth.Actor, objectType, objectID, name string, r io.Reader) (*File, error) {
	if err := auth.Require(a, auth.UploadFiles); err != nil {
		return nil, err
	}
	owner, ok := s.owners[objectType]
	if !ok {
		f := errs.Fields{}
		f.Add("object_type", "不支持给“"+objectType+"”上传附件", "cannot attach files to "+objectType)
		return nil, f.Err()
	}
	unitID, err := owner(ctx, a, objectID)
	if err != nil {
		return nil, err
	}
	st, err := s.Store.Put(r)
	if err != nil {
		var fe *files.Error
		if errors.As(err, &fe) {
			return nil, &errs.Error{Code: errs.Code(fe.Code), Message: errs.T(fe.Message, fe.MessageEN), Err: err}
		}
		return nil, err
	}
	out := &File{Name: files.SafeNameWithExt(name, st.Ext), Size: st.Size, ContentType: st.ContentType,
		ObjectType: objectType, ObjectID: objectID}
	err = s.Audit.Write(ctx, a, func(w *audit.W) error {
		out.CreatedAt = w.Now()
		if err := w.QueryRowContext(ctx, `INSERT INTO files (sha256, name, size, content_type, has_thumb, object_type, object_id,
			unit_id, uploaded_by, uploaded_by_token, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
			st.SHA256, out.Name, st.Size, st.ContentType, st.HasThumb, objectType, objectID, unitID,
			db.NullID(a.UserID), db.NullID(a.TokenID), w.Now()).Scan(&out.ID); err != nil {
			return err
		}
		return w.Record(audit.Entry{Action: "file.upload", ObjectType: objectType, ObjectID: objectID, UnitID: unitID,
			Summary: "上传附件“" + out.Name + "”", After: map[string]any{"file_id": out.ID, "sha256": st.SHA256, "size": st.Size}})
	})
	if err != nil {
		return nil, err
	}
	out.links(st.HasThumb)
	return out, nil
}

// Get returns an attachment whose owning unit is in the actor's scope.
func (s *Service) Get(ctx context.Context, a *auth.Actor, id int64) (*File, bool, error) {
	var f File
	var hasThumb bool
	err := s.DB.R.QueryRowContext(ctx, `SELECT f.id, f.name, f.size, f.content_type, f.object_type, f.object_id, f.created_at,
		f.sha256, f.has_thumb, u.path FROM files f JOIN units u ON u.id = f.unit_id WHERE f.id = $1`, id).
		Scan(&f.ID, &f.Name, &f.Size, &f.ContentType, &f.ObjectType, &f.ObjectID, &f.CreatedAt, &f.sha, &hasThumb, &f.unitPath)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !a.InScope(f.unitPath)) {
		return nil, false, errs.NotFoundf("附件", "file")
	}
	if err != nil {
		return nil, false, err
	}
	f.links(hasThumb)
	return &f, hasThumb, nil
}

// Routes registers the file endpoints.
func (s *Service) Routes(rt *httpx.Router) {
	rt.Handle("POST", "/api/v1/files", "files", "上传附件", s.handleUpload, httpx.Multipart)
	rt.Handle("GET", "/api/v1/files/{id}", "files", "下载附件", s.handleDownload(false), httpx.Produces("application/octet-stream"))
	rt.Handle("GET", "/api/v1/files/{id}/thumb", "files", "附件缩略图", s.handleDownload(true), httpx.Produces("image/jpeg"))
}

func (s *Service) handleUpload(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	fields := map[string]string{}
	// object_type and object_id come before the file, as browsers send fields in form order.
	return httpx.File(w, r, s.Store.MaxBytes(), fields, func(name string, part io.Reader) error {
		f, err := s.Upload(r.Context(), a, fields["object_type"], fields["object_id"], name, part)
		if err != nil {
			return err
		}
		httpx.JSON(w, http.StatusCreated, f)
		return nil
	})
}

func (s *Service) handleDownload(thumb bool) httpx.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
		id, err := httpx.PathID(r)
		if err != nil {
			return err
		}
		f, hasThumb, err := s.Get(r.Context(), a, id)
		if err != nil {
			return err
		}
		open, ct := s.Store.Open, f.ContentType
		if thumb {
			if !hasThumb {
				return errs.NotFoundf("缩略图", "thumbnail")
			}
			open, ct = s.Store.OpenThumb, "image/jpeg"
		}
		fh, err := open(f.sha)
		if err != nil {
			return errs.NotFoundf("附件", "file")
		}
		defer fh.Close()
		inline := thumb || ct == "image/jpeg" || ct == "image/png" || ct == "image/gif" || ct == "image/webp"
		w.Header().Set("Content-Type", ct)
		w.Header().Set("Content-Disposition", files.ContentDisposition(f.Name, inline))
		w.Header().Set("Content-Security-Policy", "sandbox")
		w.Header().Set("Cache-Control", "private, max-age=3600")
		http.ServeContent(w, r, "", f.CreatedAt, fh)
		return nil
	}
}
