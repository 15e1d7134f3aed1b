// Package httpx holds what every handler needs: decoding JSON strictly,
// answering JSON, turning typed errors into the one error shape, paging.
package httpx

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"diaodu/internal/platform/errs"
)

// MaxBodyBytes limits JSON request bodies.
var MaxBodyBytes int64 = 1 << 20

// English tells whether the client asked for English messages.
func English(r *http.Request) bool {
	al := strings.ToLower(r.Header.Get("Accept-Language"))
	return strings.HasPrefix(al, "en")
}

// Decode reads a JSON body into v: the content type must be JSON, the size
// is limited, unknown fields are refused, and a syntax error says where.
func Decode(w http.ResponseWriter, r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, _ := mime.ParseMediaType(ct)
		if mt != "application/json" {
			return errs.New(errs.UnsupportedMediaType, "请求内容类型应为 application/json", "the request body must be application/json")
		}
	}
	body := http.MaxBytesReader(w, r.Body, MaxBodyBytes)
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil && dec.More() {
		err = errors.New("extra data after the JSON value")
	}
	if err == nil {
		return nil
	}
	var (
		syntax *json.SyntaxError
		typ    *json.UnmarshalTypeError
		tooBig *http.MaxBytesError
	)
	switch {
	case errors.As(err, &tooBig):
		return errs.New(errs.TooLarge, fmt.Sprintf("请求内容超过 %d 字节上限", tooBig.Limit),
			fmt.Sprintf("the request body exceeds %d bytes", tooBig.Limit))
	case errors.As(err, &syntax):
		return errs.New(errs.BadRequest, fmt.Sprintf("JSON 格式错误（第 %d 字节附近）：%v", syntax.Offset, syntax),
			fmt.Sprintf("malformed JSON at byte %d: %v", syntax.Offset, syntax))
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return errs.New(errs.BadRequest, "JSON 内容不完整或为空", "the JSON body is empty or cut short")
	case errors.As(err, &typ):
		return errs.New(errs.BadRequest, fmt.Sprintf("字段“%s”的类型应为 %s", typ.Field, typ.Type),
			fmt.Sprintf("field %q should be %s", typ.Field, typ.Type))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		f := strings.TrimPrefix(err.Error(), "json: unknown field ")
		return errs.New(errs.BadRequest, "未知字段 "+f, "unknown field "+f)
	default:
		return errs.New(errs.BadRequest, "无法解析请求内容："+err.Error(), "cannot read the request: "+err.Error())
	}
}

// JSON answers v with status.
func JSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// NoContent answers 204.
func NoContent(w http.ResponseWriter) { w.WriteHeader(http.StatusNoContent) }

var statusOf = map[errs.Code]int{
	errs.BadRequest:             http.StatusBadRequest,
	errs.Unauthenticated:        http.StatusUnauthorized,
	errs.InvalidCredentials:     http.StatusUnauthorized,
	errs.AccountLocked:          http.StatusLocked,
	errs.CSRF:                   http.StatusForbidden,
	errs.PasswordChangeRequired: http.StatusForbidden,
	errs.Forbidden:              http.StatusForbidden,
	errs.NotFound:               http.StatusNotFound,
	errs.NoRoute:                http.StatusNotFound,
	errs.MethodNotAllowed:       http.StatusMethodNotAllowed,
	errs.Conflict:               http.StatusConflict,
	errs.TooLarge:               http.StatusRequestEntityTooLarge,
	errs.UnsupportedMediaType:   http.StatusUnsupportedMediaType,
	errs.Validation:             http.StatusUnprocessableEntity,
	errs.Internal:               http.StatusInternalServerError,
}

type errorBody struct {
	Error errorDetail `json:"error"`
}
type errorDetail struct {
	Code    errs.Code         `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
}

// Error answers err in the error shape; unknown errors are logged and
// answered as internal without detail.
func Error(w http.ResponseWriter, r *http.Request, err error) {
	e, ok := errs.As(err)
	if !ok {
		slog.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		e = errs.New(errs.Internal, "服务器内部错误，请稍后再试", "internal server error")
	}
	en := English(r)
	d := errorDetail{Code: e.Code, Message: e.Message.In(en)}
	if len(e.Fields) > 0 {
		d.Fields = map[string]string{}
		for k, v := range e.Fields {
			d.Fields[k] = v.In(en)
		}
	}
	status := statusOf[e.Code]
	if status == 0 {
		status = http.StatusInternalServerError
	}
	JSON(w, status, errorBody{d})
}

// Page is a list request's paging and sorting.
type Page struct {
	Page, Size int
	Sort       string // field name, "-" prefix for descending
	Q          string
}

// Limit and Offset for SQL.
func (p Page) Limit() int  { return p.Size }
func (p Page) Offset() int { return (p.Page - 1) * p.Size }

// ParsePage reads page, page_size, sort and q.
func ParsePage(r *http.Request) (Page, error) {
	q := r.URL.Query()
	p := Page{Page: 1, Size: 20, Sort: q.Get("sort"), Q: strings.TrimSpace(q.Get("q"))}
	f := errs.Fields{}
	if s := q.Get("page"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			f.Add("page", "页码应为正整数", "page must be a positive integer")
		}
		p.Page = n
	}
	if s := q.Get("page_size"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 500 {
			f.Add("page_size", "每页条数应为1到500", "page_size must be 1 to 500")
		}
		p.Size = n
	}
	return p, f.Err()
}

// List is the answer of every list endpoint.
type List[T any] struct {
	Items []T `json:"items"`
	Total int `json:"total"`
}

// Int64Param reads an optional integer query parameter.
func Int64Param(r *http.Request, name string, f errs.Fields) int64 {
	s := r.URL.Query().Get(name)
	if s == "" {
		return 0
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		f.Add(name, "应为整数编号", "must be an integer id")
	}
	return n
}

// BoolParam reads an optional true/false query parameter.
func BoolParam(r *http.Request, name string, f errs.Fields) *bool {
	s := r.URL.Query().Get(name)
	if s == "" {
		return nil
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		f.Add(name, "应为 true 或 false", "must be true or false")
		return nil
	}
	return &b
}

// PathID reads the {id} path value.
func PathID(r *http.Request) (int64, error) {
	n, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || n <= 0 {
		return 0, errs.ErrNotFound
	}
	return n, nil
}

// Attachment starts a download response.
func Attachment(w http.ResponseWriter, contentType, disposition string) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", disposition)
	w.Header().Set("Cache-Control", "no-store")
}

// Respond writes v as JSON with status unless err, which it returns for the
// router to answer: `return httpx.Respond(w, http.StatusOK)(s.Get(ctx, a, id))`.
func Respond(w http.ResponseWriter, status int) func(v any, err error) error {
	return func(v any, err error) error {
		if err != nil {
			return err
		}
		JSON(w, status, v)
		return nil
	}
}

// CreatedStatus is 201 for a record just created and 200 for one a phone's
// resend found stored (the client_key of docs/offline.md).
func CreatedStatus(created bool) int {
	if created {
		return http.StatusCreated
	}
	return http.StatusOK
}

// ListParam reads a comma-separated query parameter ("red,yellow") as its
// items, trimmed, empty ones dropped (nil when absent): the ledgers'
// multi-select filters.
func ListParam(r *http.Request, name string) []string {
	var out []string
	for _, p := range strings.Split(r.URL.Query().Get(name), ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
