// Package imports runs Excel imports as jobs: the upload is kept, read and
// checked row by row with visible progress, then written all or nothing by
// the importer of its kind. A job with bad rows writes nothing and can hand
// back the same sheet with an error column.
package imports

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"

	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/db"
	"diaodu/internal/platform/errs"
	"diaodu/internal/platform/files"
	"diaodu/internal/platform/httpx"
	"diaodu/internal/platform/xlsx"
)

// Result counts what an import did.
type Result struct {
	Created   int `json:"created"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
}

// Importer knows one kind of sheet.
type Importer interface {
	Kind() string // "units": also the URL segment
	Spec() xlsx.Spec
	Permission() auth.Permission
	// Apply checks every row against the database and writes them inside w;
	// it returns every bad cell (and writes nothing) or the counts.
	Apply(ctx context.Context, w *audit.W, t *xlsx.Table, progress func(done int)) (Result, []xlsx.CellError, error)
}

// ParamImporter is an Importer that takes parameters sent with the file
// (multipart form fields besides "file"), such as the meeting the tasks of a
// breakdown table come from. Its Apply is not called; ApplyParams is.
type ParamImporter interface {
	Importer
	// Params checks the form fields before the job starts (an error such as
	// errs.Fields refuses the upload, 422) and returns what ApplyParams gets.
	Params(ctx context.Context, a *auth.Actor, form url.Values) (any, error)
	// ApplyParams is Apply with the checked parameters.
	ApplyParams(ctx context.Context, w *audit.W, t *xlsx.Table, params any, progress func(done int)) (Result, []xlsx.CellError, error)
}

// Job is an import as the client sees it.
type Job struct {
	ID        int64            `json:"id"`
	Kind      string           `json:"kind"`
	FileName  string           `json:"file_name"`
	Status    string           `json:"status"` // running, done, failed
	Phase     string           `json:"phase"`  // reading, checking, writing
	Total     int              `json:"total"`
	Done      int              `json:"done"`
	Message   string           `json:"message"`
	Errors    []xlsx.CellError `json:"errors"`
	HeaderRow int              `json:"-"`
	UserID    int64            `json:"-"` // who started it: a user or an API token
	TokenID   int64            `json:"-"`
	Result
}

// Service runs imports.
type Service struct {
	DB        *db.DB
	Audit     *audit.Log
	Dir       string // where uploads are kept
	Limits    xlsx.Limits
	importers map[string]Importer

	mu      sync.Mutex
	running map[int64]*Job // progress lives in memory while a job runs
	wg      sync.WaitGroup
}

// New makes the service; uploads are kept under dataDir/imports.
func New(d *db.DB, l *audit.Log, dataDir string, lim xlsx.Limits) *Service {
	return &Service{DB: d, Audit: l, Dir: filepath.Join(dataDir, "imports"), Limits: lim,
		importers: map[string]Importer{}, running: map[int64]*Job{}}
}

// Register adds an importer.
func (s *Service) Register(imp Importer) { s.importers[imp.Kind()] = imp }

// Wait blocks until every running job has finished (shutdown, tests).
func (s *Service) Wait() { s.wg.Wait() }

// Start keeps the upload, records the job and runs it in the background.
func (s *Service) Start(ctx context.Context, a *auth.Actor, kind, fileName string, data []byte) (*Job, error) {
	return s.StartWith(ctx, a, kind, fileName, data, nil)
}

// StartWith is Start with the form fields sent beside the file, which a
// ParamImporter checks before the job starts; other importers ignore them.
func (s *Service) StartWith(ctx context.Context, a *auth.Actor, kind, fileName string, data []byte, form url.Values) (*Job, error) {
	imp, ok := s.importers[kind]
	if !ok {
		return nil, errs.ErrNotFound
	}
	if err := auth.Require(a, imp.Permission()); err != nil {
		return nil, err
	}
	if len(data) == 0 {
		return nil, errs.New(errs.Validation, "上传的文件是空的", "the uploaded file is empty")
	}
	var params any
	if pi, ok := imp.(ParamImporter); ok {
		var err error
		if params, err = pi.Params(ctx, a, form); err != nil {
			return nil, err
		}
	}
	job := &Job{Kind: kind, FileName: files.SafeName(fileName), Status: "running", Phase: "reading", UserID: a.UserID,
		TokenID: a.TokenID, Errors: []xlsx.CellError{}}
	err := s.Audit.Write(ctx, a, func(w *audit.W) error {
		if err := w.QueryRowContext(ctx, `INSERT INTO import_jobs (kind, file_name, status, user_id, token_id, unit_id, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, kind, job.FileName, job.Status, db.NullID(a.UserID), db.NullID(a.TokenID),
			a.UnitID, w.Now()).Scan(&job.ID); err != nil {
			return err
		}
		return w.Record(audit.Entry{Action: "import.start", ObjectType: "import", ObjectID: strconv.FormatInt(job.ID, 10),
			UnitID: a.UnitID, Summary: "开始导入" + imp.Spec().Name + "：" + job.FileName})
	})
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(s.Dir, 0o750); err != nil {
		return nil, err
	}
	if err := os.WriteFile(s.upload(job.ID), data, 0o640); err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.running[job.ID] = job
	s.mu.Unlock()
	s.wg.Add(1)
	snapshot := *job
	go func() {
		defer s.wg.Done()
		s.run(context.WithoutCancel(ctx), a, imp, params, job, data)
	}()
	return &snapshot, nil
}

func (s *Service) upload(id int64) string {
	return filepath.Join(s.Dir, strconv.FormatInt(id, 10)+".xlsx")
}

// update changes the in-memory job under the lock.
func (s *Service) update(job *Job, fn func(j *Job)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fn(job)
}

func (s *Service) run(ctx context.Context, a *auth.Actor, imp Importer, params any, job *Job, data []byte) {
	t, cellErrs, err := xlsx.Read(bytes.NewReader(data), int64(len(data)), imp.Spec(), s.Limits, func(done, total int) {
		s.update(job, func(j *Job) { j.Done, j.Total = done, total })
	})
	if t != nil {
		s.update(job, func(j *Job) { j.HeaderRow, j.Total, j.Done, j.Phase = t.HeaderRow, len(t.Rows), 0, "checking" })
	}
	if err == nil && len(cellErrs) == 0 {
		err = s.Audit.Write(ctx, a, func(w *audit.W) error {
			progress := func(done int) {
				s.update(job, func(j *Job) { j.Done, j.Phase = done, "writing" })
			}
			var res Result
			var bad []xlsx.CellError
			var err error
			if pi, ok := imp.(ParamImporter); ok {
				res, bad, err = pi.ApplyParams(ctx, w, t, params, progress)
			} else {
				res, bad, err = imp.Apply(ctx, w, t, progress)
			}
			if err != nil {
				return err
			}
			if len(bad) > 0 {
				cellErrs = bad
				return errRowsBad // roll back: all or nothing
			}
			s.update(job, func(j *Job) { j.Result = res })
			return w.Record(audit.Entry{Action: "import.done", ObjectType: "import", ObjectID: strconv.FormatInt(job.ID, 10),
				UnitID: a.UnitID, Summary: fmt.Sprintf("导入%s完成：新增%d条，更新%d条，未变%d条", imp.Spec().Name,
					res.Created, res.Updated, res.Unchanged)})
		})
		if errors.Is(err, errRowsBad) {
			err = nil
		}
	}
	s.update(job, func(j *Job) {
		switch {
		case err != nil:
			j.Status = "failed"
			var fe *xlsx.FileError
			if e, ok := errs.As(err); ok {
				j.Message = e.Message.ZH
			} else if errors.As(err, &fe) {
				j.Message = fe.Message
			} else {
				slog.Error("import failed", "job", j.ID, "err", err)
				j.Message = "导入失败：服务器内部错误"
			}
		case len(cellErrs) > 0:
			slices.SortStableFunc(cellErrs, func(a, b xlsx.CellError) int { return a.Row - b.Row })
			j.Status, j.Errors = "failed", cellErrs
			j.Message = fmt.Sprintf("共有%d处错误，未导入任何数据，请修改后重新导入", len(cellErrs))
		default:
			j.Status, j.Done = "done", j.Total
			j.Message = fmt.Sprintf("导入成功：新增%d条，更新%d条，未变%d条", j.Created, j.Updated, j.Unchanged)
		}
	})
	s.finish(ctx, job)
	if job.Status == "failed" { // a refused file changed nothing, but the attempt belongs in the trail
		if err := s.Audit.Append(ctx, a, audit.Entry{Action: "import.fail", ObjectType: "import",
			ObjectID: strconv.FormatInt(job.ID, 10), UnitID: a.UnitID,
			Summary: "导入" + imp.Spec().Name + "未成功：" + job.Message}); err != nil {
			slog.Error("import: audit failure", "job", job.ID, "err", err)
		}
	}
}

var errRowsBad = errors.New("rows have errors")

// finish stores the final state; bookkeeping only, so no audit entry.
func (s *Service) finish(ctx context.Context, job *Job) {
	s.mu.Lock()
	j := *job
	delete(s.running, job.ID)
	s.mu.Unlock()
	errJSON, _ := json.Marshal(j.Errors)
	if _, err := s.DB.W.ExecContext(ctx, `UPDATE import_jobs SET status = $1, total = $2, done = $3, created = $4, updated = $5,
		unchanged = $6, header_row = $7, message = $8, errors_json = $9, finished_at = $10 WHERE id = $11`,
		j.Status, j.Total, j.Done, j.Created, j.Updated, j.Unchanged, j.HeaderRow, j.Message, string(errJSON),
		s.Audit.Clock.Now(), j.ID); err != nil {
		slog.Error("import: store result", "job", j.ID, "err", err)
	}
}

// Get returns a job: from memory while it runs, else from the database.
// Only its owner (or a district-wide user) sees it.
func (s *Service) Get(ctx context.Context, a *auth.Actor, id int64) (*Job, error) {
	s.mu.Lock()
	if j, ok := s.running[id]; ok {
		c := *j
		s.mu.Unlock()
		if !c.visibleTo(a) {
			return nil, errs.NotFoundf("导入任务", "import")
		}
		return &c, nil
	}
	s.mu.Unlock()
	var j Job
	var errJSON string
	var userID, tokenID sql.NullInt64
	err := s.DB.R.QueryRowContext(ctx, `SELECT id, kind, file_name, status, total, done, created, updated, unchanged,
		header_row, message, errors_json, user_id, token_id FROM import_jobs WHERE id = $1`, id).Scan(&j.ID, &j.Kind, &j.FileName,
		&j.Status, &j.Total, &j.Done, &j.Created, &j.Updated, &j.Unchanged, &j.HeaderRow, &j.Message, &errJSON, &userID, &tokenID)
	j.UserID, j.TokenID = userID.Int64, tokenID.Int64
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !j.visibleTo(a)) {
		return nil, errs.NotFoundf("导入任务", "import")
	}
	if err != nil {
		return nil, err
	}
	_ = json.Unmarshal([]byte(errJSON), &j.Errors)
	if j.Errors == nil {
		j.Errors = []xlsx.CellError{}
	}
	if j.Status == "running" {
		j.Phase = "reading" // running on another replica
	}
	return &j, nil
}

// visibleTo tells whether a may follow the job: whoever started it, or a
// district-wide user.
func (j *Job) visibleTo(a *auth.Actor) bool {
	return a.DistrictWide() || (a.TokenID == 0 && j.UserID == a.UserID) || (a.TokenID != 0 && j.TokenID == a.TokenID)
}

// Routes registers the import endpoints for every registered kind.
func (s *Service) Routes(rt *httpx.Router) {
	for kind, imp := range s.importers {
		name := imp.Spec().Name
		rt.Handle("GET", "/api/v1/"+kind+"/import-template", kind, "下载"+name+"导入模板", s.handleTemplate(imp), httpx.Produces(xlsx.ContentType))
		rt.Handle("POST", "/api/v1/"+kind+"/imports", kind, "导入"+name+"（xlsx）", s.handleStart(kind), httpx.Multipart)
	}
	rt.Handle("GET", "/api/v1/imports/{id}", "imports", "导入进度与结果", httpx.GetByID(s.Get))
	rt.Handle("GET", "/api/v1/imports/{id}/errors", "imports", "下载带错误说明的原表", s.handleErrors, httpx.Produces(xlsx.ContentType))
}

func (s *Service) handleTemplate(imp Importer) httpx.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
		if err := auth.Require(a, imp.Permission()); err != nil {
			return err
		}
		b, err := xlsx.Template(imp.Spec())
		if err != nil {
			return err
		}
		httpx.Attachment(w, xlsx.ContentType, files.ContentDisposition(imp.Spec().Name+"导入模板.xlsx", false))
		_, err = w.Write(b)
		return err
	}
}

func (s *Service) handleStart(kind string) httpx.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
		limit := s.Limits.MaxFileBytes
		r.Body = http.MaxBytesReader(w, r.Body, limit+1<<20)
		f, hdr, err := r.FormFile("file")
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				return errs.New(errs.TooLarge, fmt.Sprintf("文件超过 %d MB 上限", limit>>20), fmt.Sprintf("the file exceeds %d MB", limit>>20))
			}
			return errs.New(errs.BadRequest, "请以 multipart/form-data 上传字段 file", "upload the file as multipart field \"file\"")
		}
		defer f.Close()
		data, err := io.ReadAll(io.LimitReader(f, limit+1))
		if err != nil {
			return err
		}
		if int64(len(data)) > limit {
			return errs.New(errs.TooLarge, fmt.Sprintf("文件超过 %d MB 上限", limit>>20), fmt.Sprintf("the file exceeds %d MB", limit>>20))
		}
		// An importer's parameters come as form fields or, from the shared
		// upload dialog, in the query string; a form field wins.
		form := url.Values{}
		for k, v := range r.URL.Query() {
			form[k] = v
		}
		if r.MultipartForm != nil {
			for k, v := range r.MultipartForm.Value {
				form[k] = v
			}
		}
		job, err := s.StartWith(r.Context(), a, kind, hdr.Filename, data, form)
		if err != nil {
			return err
		}
		httpx.JSON(w, http.StatusAccepted, job)
		return nil
	}
}

func (s *Service) handleErrors(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	id, err := httpx.PathID(r)
	if err != nil {
		return err
	}
	j, err := s.Get(r.Context(), a, id)
	if err != nil {
		return err
	}
	if len(j.Errors) == 0 {
		return errs.New(errs.NotFound, "该导入没有错误行", "this import has no bad rows")
	}
	data, err := os.ReadFile(s.upload(id))
	if err != nil {
		return errs.New(errs.NotFound, "原始文件已清理", "the uploaded file is gone")
	}
	b, err := xlsx.WithErrors(bytes.NewReader(data), int64(len(data)), j.HeaderRow, j.Errors)
	if err != nil {
		return err
	}
	httpx.Attachment(w, xlsx.ContentType, files.ContentDisposition("错误说明-"+j.FileName, false))
	_, err = w.Write(b)
	return err
}
