package evolution

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/waqhq/waq/sender"
	"github.com/waqhq/waq/store"
)

// reasonTextMax bounds the gateway's own words kept in a Reason.
const reasonTextMax = 200

// failure is a non-2xx answer reduced to what the rules match on.
type failure struct {
	status        int
	raw           string // response.message flattened, for matching; "" when not the envelope
	text          string // raw redacted, for the Reason
	notOnWhatsApp bool   // an item of response.message has exists:false
	retryAfter    time.Duration
}

// rule is one row of the classification table: the statuses it covers, a
// test of the gateway's message (nil matches any) and what it means.
type rule struct {
	lo, hi int
	match  func(failure) bool
	kind   sender.Kind
	reason string
}

// rules classifies Evolution's error answers (reference §1.5). The first
// matching row wins, so specific messages come before their status's
// catch-all. A wrong key, instance or URL would fail every message alike, so
// they pause the instance instead of killing messages.
var rules = []rule{
	{401, 401, nil, sender.Pause, "unauthorized: check EVOLUTION_API_KEY"},
	{403, 403, nil, sender.Pause, "forbidden: check EVOLUTION_API_KEY"},
	{404, 404, says("instance does not exist"), sender.Pause, "unknown instance: check EVOLUTION_INSTANCE"},
	{404, 404, nil, sender.Pause, "not found: check EVOLUTION_API_URL and EVOLUTION_INSTANCE"},
	{400, 400, notOnWhatsApp, sender.Permanent, "number not on WhatsApp"},
	{400, 400, says("Connection Closed"), sender.Retryable, "connection closed"},
	{400, 400, says("Timed Out"), sender.Retryable, "timed out"},
	{400, 400, nil, sender.Permanent, "invalid request"},
	{429, 429, nil, sender.Retryable, "rate limited"},
	{500, 500, says("Connection Closed"), sender.Retryable, "connection closed"},
	{500, 500, says("Cannot read properties of undefined"), sender.Retryable, "instance not loaded"},
	{500, 500, says("Method not available in the Baileys service"), sender.Permanent, "method not available on a Baileys instance"},
	{500, 599, nil, sender.Retryable, "server error"},
	{400, 499, nil, sender.Permanent, "request rejected"},
	{0, 999, nil, sender.Retryable, "unexpected answer"},
}

func says(part string) func(failure) bool {
	part = strings.ToLower(part)
	return func(f failure) bool { return strings.Contains(strings.ToLower(f.raw), part) }
}

func notOnWhatsApp(f failure) bool { return f.notOnWhatsApp }

// classify returns the first matching row of rules as a *sender.SendError;
// the last row matches any status.
func classify(f failure) *sender.SendError {
	r := rules[len(rules)-1]
	for _, row := range rules {
		if f.status >= row.lo && f.status <= row.hi && (row.match == nil || row.match(f)) {
			r = row
			break
		}
	}
	return &sender.SendError{Kind: r.kind, Reason: describe(r.reason, f), RetryAfter: f.retryAfter}
}

// describe says what happened, with the HTTP status and the gateway's words.
func describe(reason string, f failure) string {
	if f.text == "" {
		return fmt.Sprintf("evolution: %s (HTTP %d %s)", reason, f.status, http.StatusText(f.status))
	}
	return fmt.Sprintf("evolution: %s (HTTP %d: %s)", reason, f.status, f.text)
}

// envelope is Evolution's error body (src/main.ts error handler).
type envelope struct {
	Status   int    `json:"status"`
	Error    string `json:"error"`
	Response *struct {
		Message json.RawMessage `json:"message"`
	} `json:"response"`
}

// readFailure reads at most errBodyMax of an error answer. A body that is
// not the envelope (a proxy's HTML page) leaves text empty, so only the
// status classifies it.
func readFailure(resp *http.Response, m *store.Message) failure {
	f := failure{status: resp.StatusCode, retryAfter: retryAfter(resp.Header.Get("Retry-After"))}
	b, _ := io.ReadAll(io.LimitReader(resp.Body, errBodyMax)) // a cut body still classifies by status
	var env envelope
	if json.Unmarshal(b, &env) != nil || env.Response == nil {
		return f
	}
	text, missing := flatten(env.Response.Message)
	if text == "" {
		text = env.Error
	}
	f.raw, f.text, f.notOnWhatsApp = text, redact(text, m), missing
	return f
}

// flatten joins response.message, a string or an array of strings and
// objects, into one line. An object saying exists:false becomes that word
// alone, so the number it carries never reaches the text.
func flatten(raw json.RawMessage) (text string, notOnWhatsApp bool) {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s, false
	}
	var items []json.RawMessage
	if json.Unmarshal(raw, &items) != nil {
		return "", false
	}
	parts := make([]string, 0, len(items))
	for _, it := range items {
		var check struct {
			Exists *bool `json:"exists"`
		}
		switch {
		case json.Unmarshal(it, &s) == nil:
			parts = append(parts, s)
		case json.Unmarshal(it, &check) == nil && check.Exists != nil && !*check.Exists:
			parts, notOnWhatsApp = append(parts, "exists:false"), true
		default:
			parts = append(parts, string(it))
		}
	}
	return strings.Join(parts, "; "), notOnWhatsApp
}

// retryAfter reads a Retry-After header given in seconds.
func retryAfter(h string) time.Duration {
	n, err := strconv.Atoi(strings.TrimSpace(h))
	if err != nil || n <= 0 {
		return 0
	}
	return time.Duration(n) * time.Second
}

// longDigits finds phone numbers and jids' user parts in gateway text.
var longDigits = regexp.MustCompile(`\+?\d{8,}`)

// redact makes gateway text safe for last_error and logs: it hides m's
// text, caption and number, any run of 8 or more digits, and cuts it short.
func redact(s string, m *store.Message) string {
	if m != nil {
		// Longest first: a text may hold the number, never the reverse.
		for _, p := range [][2]string{{m.Text, "<text>"}, {caption(m), "<text>"}, {digits(m.To), "<number>"}} {
			if len(p[0]) >= 4 {
				s = strings.ReplaceAll(s, p[0], p[1])
			}
		}
	}
	s = longDigits.ReplaceAllString(s, "<number>")
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > reasonTextMax {
		s = strings.ToValidUTF8(s[:reasonTextMax], "") + "..."
	}
	return s
}

func caption(m *store.Message) string {
	if m.Media == nil {
		return ""
	}
	return m.Media.Caption
}

// digits returns the digits of s: "+34 600-111-222" → "34600111222".
func digits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}
