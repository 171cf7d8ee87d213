package ui_test

import (
	"net/http"
	"testing"

	"github.com/waqhq/waq/ui"
)

func TestAuth(t *testing.T) {
	b := setup(t, func(o *ui.Options) { o.APIKey = "s3cret" })
	b.key = ""
	f := func(method, path, auth string, code int) {
		t.Helper()
		var h []string
		if auth != "" {
			h = []string{"Authorization", auth}
		}
		r := b.do(t, method, path, "", h...)
		if code == http.StatusUnauthorized {
			r.wantError(t, code, "unauthorized", "")
			if r.header.Get("WWW-Authenticate") == "" {
				t.Fatalf("%s %s: no WWW-Authenticate", method, path)
			}
			return
		}
		r.want(t, code)
	}
	for _, path := range []string{"/v1/queue", "/v1/messages", "/v1/dlq", "/v1/openapi.json", "/v1/nothing", "/metrics"} {
		f("GET", path, "", 401)
		f("GET", path, "Bearer nope", 401)
		f("GET", path, "Bearer s3cret2", 401)
		f("GET", path, "Basic s3cret", 401)
		f("GET", path, "s3cret", 401)
	}
	f("GET", "/v1/queue", "Bearer s3cret", 200)
	f("GET", "/v1/queue", "bearer s3cret", 200)
	f("GET", "/v1/nothing", "Bearer s3cret", 404)
	f("GET", "/healthz", "", 200)
	f("GET", "/readyz", "", 200)
	f("GET", "/healthz", "Bearer nope", 200)
	before := b.counts(t)
	f("POST", "/v1/queue/drain", "", 401)
	f("POST", "/v1/queue/pause", "Bearer nope", 401)
	b.unchanged(t, before)
	if p, _ := b.st.Paused(); p {
		t.Fatal("an unauthorized pause paused")
	}
}

func TestWebhookAuth(t *testing.T) {
	f := func(key, token, path string, headers []string, code int) {
		t.Helper()
		b := setup(t, func(o *ui.Options) { o.APIKey, o.WebhookToken = key, token })
		b.key = ""
		r := b.do(t, "POST", path, `{}`, headers...)
		if code == 401 {
			r.wantError(t, 401, "unauthorized", "")
			return
		}
		r.wantError(t, code, "bad_request", "") // authorized: the route reads the body
	}
	hook := "/v1/webhooks/evolution"
	f("", "", hook, nil, 400)
	f("k", "", hook, nil, 401)
	f("k", "", hook, []string{"Authorization", "Bearer k"}, 400)
	f("k", "t", hook, []string{"X-Waq-Webhook-Token", "t"}, 400)
	f("k", "t", hook+"?token=t", nil, 400)
	f("k", "t", hook, []string{"Authorization", "Bearer k"}, 400)
	f("k", "t", hook, []string{"X-Waq-Webhook-Token", "k"}, 401)
	f("k", "t", hook+"?token=wrong", nil, 401)
	f("k", "t", "/v1/webhooks/whatsapp?token=t", nil, 400)
	f("", "t", hook, nil, 401)
	f("", "t", hook, []string{"X-Waq-Webhook-Token", "t"}, 400)
	f("k", "t", "/v1/queue?token=t", nil, 401) // the token opens webhooks only
}
