package cloudapi

import (
	"encoding/json"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/waqhq/waq/sender"
	"github.com/waqhq/waq/store"
)

// Bounds of a stored reason.
const (
	reasonMax = 512 // bytes; Meta's details can run long
	secretMin = 6   // bytes; shorter texts are too common to scrub safely
)

// graphError is Graph's error object, both the send reply's "error" and
// the webhook's "errors[]" entries. Meta asks to key on code and
// error_data.details, as titles are being deprecated.
type graphError struct {
	Code      *int            `json:"code"`
	Subcode   int             `json:"error_subcode"`
	Message   string          `json:"message"`
	Title     string          `json:"title"`
	UserTitle string          `json:"error_user_title"`
	Data      json.RawMessage `json:"error_data"` // an object, or a string in some older Graph errors
}

// text is the best human-readable line of e.
func (e *graphError) text() string {
	for _, s := range []string{e.Message, e.Title, e.UserTitle} {
		if s != "" {
			return s
		}
	}
	return "no message"
}

func (e *graphError) details() string {
	var d struct {
		Details string `json:"details"`
	}
	if json.Unmarshal(e.Data, &d) != nil {
		return ""
	}
	return d.Details
}

// reason is e as a stored reason, without phone numbers or secrets.
func (e *graphError) reason(secrets ...string) string {
	if e.Code == nil {
		return redact("cloudapi: "+e.text(), secrets...)
	}
	return errorReason(*e.Code, e.text(), e.details(), secrets...)
}

// sendError classifies e, keeping m's text and caption out of the reason.
func (e *graphError) sendError(m *store.Message) *sender.SendError {
	kind, _, after := Classify(*e.Code, 0)
	if *e.Code == codeInvalidParameter && e.Subcode == subcodeNoObject {
		// The phone number id itself does not exist: every message would
		// fail the same way, so the instance stops instead of each message.
		kind = sender.Pause
	}
	secrets := []string{m.Text}
	if m.Media != nil {
		secrets = append(secrets, m.Media.Caption)
	}
	return &sender.SendError{Kind: kind, Reason: e.reason(secrets...), RetryAfter: after}
}

// longNumber is a phone number or another id long enough to be one.
var longNumber = regexp.MustCompile(`\+?[0-9]{8,}`)

// redact replaces runs of 8 or more digits with "<number>" and each secret
// of secretMin bytes or more with "<text>", then bounds the length, so a
// reason can be stored and logged.
func redact(s string, secrets ...string) string {
	for _, x := range secrets {
		if len(x) >= secretMin {
			s = strings.ReplaceAll(s, x, "<text>")
		}
	}
	s = longNumber.ReplaceAllString(s, "<number>")
	if len(s) <= reasonMax {
		return s
	}
	cut := reasonMax
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
