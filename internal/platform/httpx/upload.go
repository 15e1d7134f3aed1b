package httpx

import (
	"errors"
	"io"
	"net/http"

	"diaodu/internal/platform/errs"
)

// File hands the multipart field "file" of an upload to fn, with the
// file's name; the body is cut off a little above limit so a huge upload
// is refused without being read. Fields before the file go to fields (when
// not nil), at most 200 bytes each: browsers send them in form order.
func File(w http.ResponseWriter, r *http.Request, limit int64, fields map[string]string, fn func(name string, f io.Reader) error) error {
	r.Body = http.MaxBytesReader(w, r.Body, limit+1<<20)
	mr, err := r.MultipartReader()
	if err != nil {
		return errs.New(errs.BadRequest, "请以 multipart/form-data 上传", "upload as multipart/form-data")
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return errs.New(errs.BadRequest, "缺少文件字段 file", "missing the file field")
		}
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				return errs.New(errs.TooLarge, "文件过大", "the file is too large")
			}
			return errs.New(errs.BadRequest, "上传内容无法解析", "cannot read the upload")
		}
		if part.FormName() == "file" {
			return fn(part.FileName(), part)
		}
		if fields != nil {
			b, _ := io.ReadAll(io.LimitReader(part, 200))
			fields[part.FormName()] = string(b)
		}
	}
}
