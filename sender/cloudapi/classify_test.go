package cloudapi

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/waqhq/waq/sender"
	"github.com/waqhq/waq/sender/cloudapi/cloudapitest"
)

// TestSendErrors sends through the fake server with each row of the error
// table scripted, checking what the sender is told to do.
func TestSendErrors(t *testing.T) {
	c, srv := newTest(t)
	f := func(a cloudapitest.Answer, kind sender.Kind, after time.Duration, reason string) {
		t.Helper()
		srv.Script(a)
		m := textMessage()
		id, err := c.Send(context.Background(), m)
		if err == nil {
			t.Fatalf("%+v: sent as %q", a, id)
		}
		se := sendError(t, err)
		if se.Kind != kind || se.RetryAfter != after || !strings.Contains(se.Reason, reason) {
			t.Errorf("%s: %s after %s, %q; want %s after %s with %q", a.Body, se.Kind, se.RetryAfter, se.Reason, kind, after, reason)
		}
		if m.SentAs != "" {
			t.Errorf("%s: sent as %q", a.Body, m.SentAs)
		}
	}
	code := func(code int, kind sender.Kind, after time.Duration) {
		t.Helper()
		f(cloudapitest.Code(code), kind, after, fmt.Sprintf("cloudapi: code %d: (#%d) ", code, code))
	}
	// Retry: rate limits, some with the wait Meta asks for.
	code(130429, sender.Retryable, 0)
	code(131056, sender.Retryable, 6*time.Second)
	code(131057, sender.Retryable, time.Minute)
	code(4, sender.Retryable, time.Minute)
	code(80007, sender.Retryable, time.Minute)
	// Retry: Meta's temporary errors, media errors.
	for _, n := range []int{1, 2, 131000, 131016, 131052, 131053} {
		code(n, sender.Retryable, 0)
	}
	// Pause: spam limit, account locked or blocked, auth and permissions.
	for _, n := range []int{131048, 131031, 368, 131042, 0, 10, 190, 200, 250, 299} {
		code(n, sender.Pause, 0)
	}
	// Permanent: this message, this recipient or this template.
	for _, n := range []int{131049, 131047, 131026, 131050, 131051,
		132000, 132001, 132005, 132007, 132012, 132015, 132016, 132099} {
		code(n, sender.Permanent, 0)
	}
	f(cloudapitest.Code(131049), sender.Permanent, 0, "do not resend within 24 h")
	f(cloudapitest.Code(131047), sender.Permanent, 0, "a template is needed")
	f(cloudapitest.Code(131026), sender.Permanent, 0, "Message undeliverable: Unable to deliver message")
	// Unknown codes retry, whatever the HTTP status.
	code(100, sender.Permanent, 0) // invalid parameter; subcode 33 pauses (TestSendAuth)
	code(300, sender.Retryable, 0)
	code(133010, sender.Retryable, 0)
	f(cloudapitest.ErrorAnswer(401, 999999, "Brand new error"), sender.Retryable, 0, "code 999999: (#999999) Brand new error")
	// No error object: the HTTP status decides.
	raw := func(status int, body string, kind sender.Kind) {
		t.Helper()
		f(cloudapitest.Answer{Status: status, Body: body}, kind, 0, fmt.Sprintf("cloudapi: HTTP %d", status))
	}
	raw(401, "", sender.Pause)
	raw(403, "<html>Forbidden</html>", sender.Pause)
	raw(429, "", sender.Retryable)
	raw(500, `{"error":"not an object"}`, sender.Retryable)
	raw(502, "<html>Bad Gateway</html>", sender.Retryable)
	raw(503, `{"error":{"message":"no code"}}`, sender.Retryable)
	raw(400, "bad request", sender.Permanent)
	raw(404, `{}`, sender.Permanent)
	raw(200, `{"messaging_product":"whatsapp","messages":[]}`, sender.Retryable)
	raw(302, "", sender.Retryable)
}

func TestClassify(t *testing.T) {
	f := func(code, status int, kind sender.Kind, after time.Duration) {
		t.Helper()
		k, reason, a := Classify(code, status)
		if k != kind || a != after || reason == "" {
			t.Errorf("Classify(%d, %d) = %s, %q, %s; want %s, %s", code, status, k, reason, a, kind, after)
		}
	}
	f(131056, 400, sender.Retryable, 6*time.Second)
	f(131048, 200, sender.Pause, 0) // Evolution reports Meta errors inside a 201
	f(132000, 201, sender.Permanent, 0)
	f(132999, 400, sender.Permanent, 0)
	f(133000, 400, sender.Retryable, 0)
	f(NoCode, 403, sender.Pause, 0)
	f(NoCode, 503, sender.Retryable, 0)
	f(NoCode, 422, sender.Permanent, 0)
}
