package store

import (
	"errors"
	"fmt"
)

// Error codes returned by the store and the packages that share its
// domain; ui maps each to one HTTP status, and adds the codes that only the
// HTTP API returns (bad request, unauthorized, forbidden, too large, not
// implemented) as its own constants for the same Error type.
const (
	ENOTFOUND    = "not_found"   // 404
	ECONFLICT    = "conflict"    // 409: e.g. cancelling a sent message
	EINVALID     = "invalid"     // 422: a field is wrong
	EINTERNAL    = "internal"    // 500: details only in the log
	EUNAVAILABLE = "unavailable" // 503: stopping, or the store is closed
	EFULL        = "disk_full"   // 507
)

// ErrEmpty is returned by Lease when no message is ready.
var ErrEmpty = errors.New("no message ready")

// ErrClosed is returned by writes after Close.
var ErrClosed = &Error{Code: EUNAVAILABLE, Message: "store is closed"}

// Error is waq's one coded error. Message is safe to show to a client.
type Error struct {
	Code    string      `json:"code"`
	Message string      `json:"message"`
	Field   string      `json:"field,omitempty"`
	Items   []ItemError `json:"items,omitempty"` // per-item errors of a bulk request
}

// ItemError names the bad field of one item of a bulk request.
type ItemError struct {
	Index   int    `json:"index"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s: %s", e.Field, e.Message)
	}
	return e.Message
}

// Errorf returns an *Error with the given code and formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// FieldErrorf returns an EINVALID *Error that names the offending field.
func FieldErrorf(field, format string, args ...any) *Error {
	return &Error{Code: EINVALID, Field: field, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err, EINTERNAL for errors that carry none
// and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Code
	}
	return EINTERNAL
}
