package ui_test

import (
	"bytes"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/waqhq/waq/ui"
)

// The log has a line per request and an error line per 5xx, and never a
// message text, a phone number or a key.
func TestLogging(t *testing.T) {
	var buf bytes.Buffer
	b := setup(t, func(o *ui.Options) {
		o.APIKey = "s3cret-key"
		o.Logger = slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
		o.Metrics = http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom: secreto for +34600111222") })
	})
	m := b.message(t, `{"to":"+34600111222","text":"secreto de la cita"}`)
	b.do(t, "GET", "/v1/messages?to=%2B34600111222", "").want(t, 200)
	b.do(t, "DELETE", "/v1/optouts/+34600111222", "").want(t, 404)
	b.do(t, "GET", "/v1/nothing/+34600111222", "").want(t, 404)
	b.do(t, "POST", "/v1/messages", `{"to":"+34600111222","text":"secreto","priority":"x"}`).want(t, 422)
	b.do(t, "GET", "/metrics", "").want(t, 500)
	b.key = "wrong-key"
	b.do(t, "GET", "/v1/queue", "").want(t, 401)
	log := buf.String()
	for _, secret := range []string{"600111222", "secreto", "s3cret", "wrong-key"} {
		if strings.Contains(log, secret) {
			t.Fatalf("the log holds %q:\n%s", secret, log)
		}
	}
	f := func(want string, n int) {
		t.Helper()
		if got := strings.Count(log, want); got != n {
			t.Fatalf("%d lines with %q, want %d:\n%s", got, want, n, log)
		}
	}
	f("level=DEBUG msg=request", 7)
	f("route=/v1/messages/:id", 0)
	f("route=/v1/optouts/:contact", 1)
	f("level=ERROR", 1)
	f("panic=string", 1) // the type only: the value may hold the request's content
	if !strings.Contains(log, "status=201") || m.ID == "" {
		t.Fatalf("no status in the log:\n%s", log)
	}
}
