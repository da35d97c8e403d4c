package dialog

import (
	"errors"
	"fmt"
)

// Error codes. The web layer answers each with an HTTP status of its own
// (see package httperror).
const (
	ECONFLICT     = "conflict"     // the request conflicts with the current state
	EINTERNAL     = "internal"     // a bug or an unexpected failure
	EINVALID      = "invalid"      // bad input
	ENOTFOUND     = "not_found"    // no such thing
	ETOOLARGE     = "too_large"    // input over a size limit
	EUNAVAILABLE  = "unavailable"  // a dependency (the store) is down
	EFORBIDDEN    = "forbidden"    // not allowed for this caller
	EUNAUTHORIZED = "unauthorized" // the caller is not logged in, or gave a wrong name or password
	ERATELIMIT    = "rate_limited" // too many attempts; try again later
	EUNSUPPORTED  = "unsupported"  // a file of a type not accepted
)

// Error is an application error with a code and a message safe to show to
// the caller. Anything else is treated as internal and not shown.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// Errorf returns an *Error with the given code and formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL
// for any other error, and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the safe message of the first *Error in err's chain,
// and a generic text for any other error.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}
