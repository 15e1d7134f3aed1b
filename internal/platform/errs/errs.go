// Package errs defines the typed errors every service returns. The HTTP
// layer turns them into statuses and the one error shape in one place
// (httpx.Error); services never think about HTTP.
package errs

import (
	"errors"
	"fmt"
)

// Code is a stable machine-readable error code.
type Code string

const (
	BadRequest             Code = "bad_request"
	Unauthenticated        Code = "unauthenticated"
	InvalidCredentials     Code = "invalid_credentials"
	AccountLocked          Code = "account_locked"
	CSRF                   Code = "csrf"
	PasswordChangeRequired Code = "password_change_required"
	Forbidden              Code = "forbidden"
	NotFound               Code = "not_found"
	NoRoute                Code = "no_route"           // no such endpoint
	MethodNotAllowed       Code = "method_not_allowed" // the endpoint exists, not with this method
	Conflict               Code = "conflict"
	TooLarge               Code = "too_large"
	UnsupportedMediaType   Code = "unsupported_media_type"
	Validation             Code = "validation"
	Internal               Code = "internal"
)

// Text is a message in Chinese with its English twin.
type Text struct{ ZH, EN string }

// T makes a Text.
func T(zh, en string) Text { return Text{ZH: zh, EN: en} }

// In picks the language: English when en is true.
func (t Text) In(en bool) string {
	if en && t.EN != "" {
		return t.EN
	}
	return t.ZH
}

// Error is a failure a user can understand.
type Error struct {
	Code    Code
	Message Text
	Fields  map[string]Text
	Err     error // cause, for logs only
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message.EN, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message.EN)
}

func (e *Error) Unwrap() error { return e.Err }

// New makes an Error.
func New(code Code, zh, en string) *Error { return &Error{Code: code, Message: T(zh, en)} }

// As finds an *Error in err's chain.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// Is tells whether err carries code.
func Is(err error, code Code) bool {
	e, ok := As(err)
	return ok && e.Code == code
}

// Common errors.
var (
	ErrNotFound  = New(NotFound, "对象不存在或无权访问", "not found")
	ErrForbidden = New(Forbidden, "没有执行此操作的权限", "you may not do this")
)

// NotFoundf says which kind of object was not found.
func NotFoundf(zh, en string) *Error {
	return New(NotFound, zh+"不存在或无权访问", en+" not found")
}

// Fields collects field errors for one validation; Err returns nil when
// every field was fine.
type Fields map[string]Text

// Add records a problem with a field; the first one per field wins.
func (f Fields) Add(field, zh, en string) {
	if _, ok := f[field]; !ok {
		f[field] = T(zh, en)
	}
}

// Err returns a validation error naming the first problem, or nil.
func (f Fields) Err() error {
	if len(f) == 0 {
		return nil
	}
	e := &Error{Code: Validation, Fields: map[string]Text(f)}
	// The message names one field so a client without field display still helps.
	var first string
	for k := range f {
		if first == "" || k < first {
			first = k
		}
	}
	e.Message = T("输入有误："+f[first].ZH, "invalid input: "+f[first].EN)
	return e
}

// Conflictf is a conflict on a natural key or a state.
func Conflictf(zh, en string) *Error { return New(Conflict, zh, en) }
