package aptgraph

import (
	"errors"
	"fmt"
)

// Error codes. Each names a class of failure that callers act on.
const (
	ECONFLICT     = "conflict"     // the action conflicts with the stored state
	EINTERNAL     = "internal"     // a bug or an outside failure the user cannot fix
	EINVALID      = "invalid"      // the input is malformed or breaks a rule
	ENOTFOUND     = "not_found"    // the thing asked for does not exist
	EUNAUTHORIZED = "unauthorized" // the caller is not allowed to do this
	ETOOLARGE     = "too_large"    // the input is over a size limit
	EUNSUPPORTED  = "unsupported"  // the input's type or format is not handled
	EUNAVAILABLE  = "unavailable"  // an outside service could not be reached
)

// Error is aptgraph's one error type. Message is safe to show a user; Err
// carries the detail for logs.
type Error struct {
	Code    string
	Message string
	Err     error
}

// Error returns the message, followed by the detail when there is one.
func (e *Error) Error() string {
	if e.Err != nil {
		if e.Message == "" {
			return e.Err.Error()
		}
		return e.Message + ": " + e.Err.Error()
	}
	return e.Message
}

// Unwrap returns the underlying detail.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with code and a formatted user-safe message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// WrapError returns an *Error with code and message that keeps err as detail.
func WrapError(code, message string, err error) *Error {
	return &Error{Code: code, Message: message, Err: err}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for
// any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-safe message of the first *Error in err's chain,
// or a generic message for any other error.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) && e.Message != "" {
		return e.Message
	}
	return "internal error"
}
