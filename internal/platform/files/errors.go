package files

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// Error is returned for problems with what the client sent. The HTTP layer
// answers with Status and Code (docs/api.md) and shows Message, or MessageEN
// for Accept-Language: en. Detail is English for the log only: it may name
// what was sniffed and is never shown to users.
//
// Compare with errors.Is(err, ErrTooLarge) etc.: the returned values carry
// messages specific to the case (such as the size limit) and match the
// sentinel of their kind.
type Error struct {
	Status    int
	Code      string
	Message   string
	MessageEN string
	Detail    string
	kind      errKind
}

type errKind int

const (
	kindTooLarge errKind = iota + 1
	kindForbiddenType
	kindEmpty
	kindBadName
)

var (
	ErrTooLarge = &Error{kind: kindTooLarge, Status: http.StatusRequestEntityTooLarge, Code: "too_large",
		Message: "文件过大", MessageEN: "the file is too large"}
	ErrForbiddenType = &Error{kind: kindForbiddenType, Status: http.StatusUnsupportedMediaType, Code: "unsupported_media_type",
		Message:   "不支持的文件类型，仅支持图片（JPG、PNG、GIF、WebP）、PDF 和 Office 文档（Word、Excel、PowerPoint）",
		MessageEN: "file type not allowed: only images (JPG, PNG, GIF, WebP), PDF and Office documents (Word, Excel, PowerPoint)"}
	ErrEmpty = &Error{kind: kindEmpty, Status: http.StatusUnprocessableEntity, Code: "validation",
		Message: "文件为空", MessageEN: "the file is empty"}
	// ErrBadName is returned by Open, OpenThumb and Path for anything but 64
	// lowercase hex digits, before the file system is touched.
	ErrBadName = &Error{kind: kindBadName, Status: http.StatusBadRequest, Code: "bad_request",
		Message: "文件标识无效", MessageEN: "invalid file id"}
)

func (e *Error) Error() string {
	if e.Detail != "" {
		return "files: " + e.MessageEN + " (" + e.Detail + ")"
	}
	return "files: " + e.MessageEN
}

// Is makes a case-specific copy match its sentinel.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.kind == e.kind
}

// with returns a copy of the sentinel; empty arguments keep its messages.
func (e *Error) with(msg, msgEN, detail string) *Error {
	c := *e
	if msg != "" {
		c.Message, c.MessageEN = msg, msgEN
	}
	c.Detail = detail
	return &c
}

func tooLarge(limit int64) *Error {
	zh, en := formatSize(limit)
	return ErrTooLarge.with("文件过大，单个文件不能超过 "+zh, "the file is too large: the limit is "+en, "")
}

func forbidden(detail string) *Error { return ErrForbiddenType.with("", "", detail) }

var errMacros = ErrForbiddenType.with(
	"不允许上传含宏的 Office 文档，请另存为不含宏的格式（如 .docx、.xlsx）后再上传",
	"Office documents with macros are not allowed: save it without macros (e.g. as .docx or .xlsx) and upload again",
	"VBA project found")

var errBadImage = ErrForbiddenType.with("图片文件已损坏或无法识别", "the image is damaged or cannot be read", "")

// formatSize renders a limit for people: "20 MB", "512 KB", "1000 字节".
func formatSize(n int64) (zh, en string) {
	unit := func(v int64, div float64) string {
		return strings.TrimSuffix(strconv.FormatFloat(float64(v)/div, 'f', 1, 64), ".0")
	}
	switch {
	case n >= 1<<20:
		s := unit(n, 1<<20) + " MB"
		return s, s
	case n >= 1<<10:
		s := unit(n, 1<<10) + " KB"
		return s, s
	}
	return fmt.Sprintf("%d 字节", n), fmt.Sprintf("%d bytes", n)
}
