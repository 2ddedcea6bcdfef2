package bot

import (
	"context"
	"errors"
	"strings"
)

// Check checks the command words of req as Handle would, without storing or
// sending anything, and returns the *Error that Handle would answer with, or
// nil. It is for forms that show mistakes before they close (Slack's "pulse
// new" modal). It checks only what needs neither the store nor a platform:
// admin rights for "pulse …" and the definition of "pulse new", whose errors
// name the option at fault in Field ("question", "type", "options", "to",
// "every", "closes", "anonymous"). Handle may still refuse what Check let
// pass, for example a channel herald can't see.
func (b *Bot) Check(req Request) *Error {
	// Check has no context of its own (forms validate synchronously); the
	// language lookup is cached and bounded by the store's timeouts.
	c := b.newCall(context.Background(), req)
	words, ok := commandWords(req.Text)
	if !ok {
		return Errorf(EINVALID, "err.quote")
	}
	if len(words) < 2 || !strings.EqualFold(words[0], "pulse") || b.pulses == nil {
		return nil
	}
	if !c.admin {
		return Errorf(EFORBIDDEN, "err.admin")
	}
	if !strings.EqualFold(words[1], "new") {
		return nil
	}
	_, _, err := b.pulses.parsePulseNew(c, words[2:])
	return asError(err)
}

// asError returns err as an *Error, or nil.
func asError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	if err != nil {
		return &Error{Code: EINTERNAL, Key: "err.internal", Err: err}
	}
	return nil
}
