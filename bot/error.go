package bot

import (
	"errors"
	"fmt"
	"time"
)

// Error codes. A code says what kind of failure happened; the message says it to the user.
const (
	EINVALID     = "invalid"     // bad input: the user can fix it
	ENOTFOUND    = "not_found"   // the thing named does not exist
	EFORBIDDEN   = "forbidden"   // the user may not do this
	ECONFLICT    = "conflict"    // already done, or no longer possible
	EUNAVAILABLE = "unavailable" // a dependency (the database, a platform) is down; try again later
	EINTERNAL    = "internal"    // a bug or an unexpected failure
)

// Error is a failure whose message is safe to show a user. Key is a catalog key
// and Args its arguments, so the message is rendered in the user's language.
type Error struct {
	Code string
	Key  string
	Args []any
	// Usage, when set, names the command whose usage line is shown after the message.
	Usage string
	// Field, when set, names the input at fault: a command option ("to",
	// "closes"), so that a form can show the message next to it.
	Field string
	// RetryAfter is set by a Messenger when the platform asked to wait (HTTP 429
	// with Retry-After) before the next try.
	RetryAfter time.Duration
	Err        error // the cause, for logs only
}

// Errorf returns an *Error with the given code, catalog key and arguments.
func Errorf(code, key string, args ...any) *Error {
	return &Error{Code: code, Key: key, Args: args}
}

// usageError is an EINVALID error that shows the usage line of cmd after the text key.
func usageError(cmd, key string, args ...any) *Error {
	return &Error{Code: EINVALID, Key: key, Args: args, Usage: cmd}
}

// on sets the Field of e and returns e.
func (e *Error) on(field string) *Error {
	e.Field = field
	return e
}

// fieldError names field as the setting at fault in err, when err is an *Error.
func fieldError(err error, field string) error {
	var e *Error
	if errors.As(err, &e) {
		return e.on(field)
	}
	return err
}

// Unavailable wraps err, a failure of the database or a platform, in an
// EUNAVAILABLE error that tells the user to try again later.
func Unavailable(key string, err error) *Error {
	return &Error{Code: EUNAVAILABLE, Key: key, Err: err}
}

// Error implements error.
func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s %s: %v", e.Code, e.Key, e.Err)
	}
	return fmt.Sprintf("%s %s", e.Code, e.Key)
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// ErrorCode returns the code of err: its *Error's code, EINTERNAL for any other error,
// and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Code
	default:
		return EINTERNAL
	}
}
