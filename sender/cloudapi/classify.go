package cloudapi

import (
	"fmt"
	"time"

	"github.com/waqhq/waq/sender"
)

// NoCode stands for "the reply carried no Graph error object":
// Classify(NoCode, status) falls back to the HTTP status.
const NoCode = -1

// Graph's generic "invalid parameter" and its subcode for an object id that
// does not exist (a wrong WHATSAPP_PHONE_NUMBER_ID).
const (
	codeInvalidParameter = 100
	subcodeNoObject      = 33
)

// codeWindowClosed is the re-engagement error: more than 24 h since the
// user's last message, so only a template may be sent.
const codeWindowClosed = 131047

// rule maps the Graph error codes lo..hi to what a failed send means.
type rule struct {
	lo, hi int
	kind   sender.Kind
	reason string
	after  time.Duration // least wait before the next try, 0 = the backoff
}

// rules is the reference's §3.4 table. The first matching row wins, so
// single codes come before the ranges that hold them.
var rules = []rule{
	// Rate limits: the message is fine, the pace is not.
	{130429, 130429, sender.Retryable, "throughput limit reached; lower the per-number rate", 0},
	{131056, 131056, sender.Retryable, "pair rate limit: about one message per 6 s to the same user", 6 * time.Second},
	{131057, 131057, sender.Retryable, "number in maintenance (throughput upgrade)", time.Minute},
	{4, 4, sender.Retryable, "app API-call rate limit", time.Minute},
	{80007, 80007, sender.Retryable, "WhatsApp Business Account API-call rate limit", time.Minute},
	// Meta's own transient failures.
	{1, 2, sender.Retryable, "temporary Graph API error", 0},
	{131000, 131000, sender.Retryable, "temporary WhatsApp error", 0},
	{131016, 131016, sender.Retryable, "WhatsApp service unavailable", 0},
	{131052, 131052, sender.Retryable, "media download error; check the media URL", 0},
	{131053, 131053, sender.Retryable, "media upload error; check the media file", 0},
	// The number or the account must stop until someone looks.
	{131048, 131048, sender.Pause, "spam rate limit: stop the campaign and check the number's quality", 0},
	{131031, 131031, sender.Pause, "business account locked", 0},
	{368, 368, sender.Pause, "temporarily blocked for policy violations", 0},
	{131042, 131042, sender.Pause, "business eligibility or payment issue", 0},
	{0, 0, sender.Pause, "authentication failed; check WHATSAPP_TOKEN", 0},
	{10, 10, sender.Pause, "permission denied; check the token's permissions", 0},
	{190, 190, sender.Pause, "access token invalid or expired; renew WHATSAPP_TOKEN", 0},
	{200, 299, sender.Pause, "permission error; check the token's permissions", 0},
	// This message can never be sent as it is.
	{131049, 131049, sender.Permanent, "not delivered to keep ecosystem engagement healthy; do not resend within 24 h", 0},
	{codeWindowClosed, codeWindowClosed, sender.Permanent, "more than 24 h since the user's last message; a template is needed", 0},
	{131026, 131026, sender.Permanent, "undeliverable: not on WhatsApp, terms not accepted, old app or blocked", 0},
	{131050, 131050, sender.Permanent, "user stopped marketing messages", 0},
	{131051, 131051, sender.Permanent, "unsupported message type", 0},
	{132000, 132000, sender.Permanent, "template parameter count mismatch", 0},
	{132001, 132001, sender.Permanent, "template does not exist in this language", 0},
	{132005, 132005, sender.Permanent, "template text too long", 0},
	{132007, 132007, sender.Permanent, "template format policy violated", 0},
	{132012, 132012, sender.Permanent, "template parameter format mismatch", 0},
	{132015, 132015, sender.Permanent, "template paused", 0},
	{132016, 132016, sender.Permanent, "template disabled", 0},
	{132000, 132999, sender.Permanent, "template error", 0},
	// A parameter of this message is invalid (subcode 33, an unknown phone
	// number id, pauses instead: see graphError.sendError).
	{codeInvalidParameter, codeInvalidParameter, sender.Permanent, "invalid parameter; check WHATSAPP_PHONE_NUMBER_ID and the message's fields", 0},
}

// Classify says what a Graph error code means for a send: its kind, a short
// reason and the least wait before the next try (0 = the usual backoff). It
// branches on code, not httpStatus, because Meta returns most codes with a
// 400 whatever they mean; an unknown code is Retryable, as trying again is
// safer than dropping the message. Only Classify(NoCode, httpStatus), for a
// reply without an error object, looks at the status: 401 and 403 pause, 429
// and 5xx retry, any other 4xx is permanent and anything else retries.
func Classify(code, httpStatus int) (kind sender.Kind, reason string, retryAfter time.Duration) {
	if code == NoCode {
		return classifyStatus(httpStatus)
	}
	for _, r := range rules {
		if r.lo <= code && code <= r.hi {
			return r.kind, r.reason, r.after
		}
	}
	return sender.Retryable, "unknown error code", 0
}

func classifyStatus(status int) (sender.Kind, string, time.Duration) {
	switch {
	case status == 401 || status == 403:
		return sender.Pause, "not authorized; check WHATSAPP_TOKEN", 0
	case status == 429 || status/100 == 5:
		return sender.Retryable, "Graph API unavailable", 0
	case status/100 == 4:
		return sender.Permanent, "request rejected", 0
	}
	return sender.Retryable, "unexpected reply", 0
}

// errorReason is the text kept as a message's last error for a Graph error:
// "cloudapi: code 131056: <message or title>: <details> (<table reason>)",
// without phone numbers or anything of the message's own text in secrets.
func errorReason(code int, message, details string, secrets ...string) string {
	_, why, _ := Classify(code, 0)
	s := fmt.Sprintf("cloudapi: code %d: %s", code, message)
	if details != "" && details != message {
		s += ": " + details
	}
	return redact(s+" ("+why+")", secrets...)
}
