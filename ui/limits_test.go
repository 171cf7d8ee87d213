package ui_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/waqhq/waq/store"
	"github.com/waqhq/waq/ui"
)

// Every bad input answers its 4xx and stores nothing.
func TestBadInput(t *testing.T) {
	b := setup(t)
	b.message(t, `{"to":"+34600111222","text":"already there","idempotency_key":"k"}`)
	f := func(path, body string, code int, errCode, field string) {
		t.Helper()
		before := b.counts(t)
		b.do(t, "POST", path, body).wantError(t, code, errCode, field)
		b.unchanged(t, before)
		if p, _, _ := b.st.Messages(store.Filter{}); len(p) != 1 {
			t.Fatalf("%d messages stored", len(p))
		}
	}
	const msgs = "/v1/messages"
	ok := `"to":"+34600111222","text":"x"`
	// Malformed JSON, wrong types, unknown fields, trailing data: 400.
	f(msgs, `{"to":`, 400, "bad_request", "")
	f(msgs, `{"to" "x"}`, 400, "bad_request", "")
	f(msgs, `{`+ok+`,}`, 400, "bad_request", "")
	f(msgs, `{`+ok+`} x`, 400, "bad_request", "")
	f(msgs, `{`+ok+`}{`+ok+`}`, 400, "bad_request", "")
	f(msgs, ``, 400, "bad_request", "")
	f(msgs, "  \n", 400, "bad_request", "")
	f(msgs, `null`, 400, "bad_request", "")
	f(msgs, `[{`+ok+`}]`, 400, "bad_request", "")
	f(msgs, `"hola"`, 400, "bad_request", "")
	f(msgs, `{"to":34600111222,"text":"x"}`, 400, "bad_request", "to")
	f(msgs, `{`+ok+`,"priority":1}`, 400, "bad_request", "priority")
	f(msgs, `{`+ok+`,"max_attempts":"3"}`, 400, "bad_request", "max_attempts")
	f(msgs, `{`+ok+`,"max_attempts":2.5}`, 400, "bad_request", "max_attempts")
	f(msgs, `{`+ok+`,"metadata":[1]}`, 400, "bad_request", "metadata")
	f(msgs, `{"to":"+34600111222","media":{"url":7,"kind":"image"}}`, 400, "bad_request", "media.url")
	f(msgs, `{`+ok+`,"send_at":1700000000}`, 400, "bad_request", "send_at")
	f(msgs, `{`+ok+`,"id":"abc"}`, 400, "bad_request", "id")
	f(msgs, `{`+ok+`,"status":"sent"}`, 400, "bad_request", "status")
	f(msgs, `{`+ok+`,"phone":"+34600111222"}`, 400, "bad_request", "phone")
	f(msgs, `{"to":"+34600111222","media":{"url":"https://x.test/a","kind":"image","size":1}}`, 400, "bad_request", "media.size")
	// Well-formed but invalid: 422 naming the field.
	f(msgs, `{`+ok+`,"priority":"urgent"}`, 422, "invalid", "priority")
	f(msgs, `{"to":"600111222","text":"x"}`, 422, "invalid", "to")
	f(msgs, `{"to":"+34 100 111 222","text":"x"}`, 422, "invalid", "to")
	f(msgs, `{"text":"x"}`, 422, "invalid", "to")
	f(msgs, `{"to":"+34600111222"}`, 422, "invalid", "text")
	f(msgs, `{"to":"+34600111222","text":"`+strings.Repeat("x", store.TextMax+1)+`"}`, 422, "invalid", "text")
	f(msgs, `{"to":"+34600111222","type":"sticker","text":"x"}`, 422, "invalid", "type")
	f(msgs, `{"to":"+34600111222","media":{"url":"ftp://x","kind":"image"}}`, 422, "invalid", "media.url")
	f(msgs, `{"to":"+34600111222","media":{"url":"https://x.test/a","kind":"gif"}}`, 422, "invalid", "media.kind")
	f(msgs, `{"to":"+34600111222","template":{"language":"es"}}`, 422, "invalid", "template.name")
	f(msgs, `{`+ok+`,"max_attempts":0}`, 422, "invalid", "max_attempts")
	f(msgs, `{`+ok+`,"max_attempts":101}`, 422, "invalid", "max_attempts")
	f(msgs, `{`+ok+`,"callback_url":"javascript:x"}`, 422, "invalid", "callback_url")
	f(msgs, `{`+ok+`,"send_at":"tomorrow"}`, 422, "invalid", "send_at")
	f(msgs, `{`+ok+`,"send_at":"9999-01-01T00:00:00Z"}`, 422, "invalid", "send_at")
	f(msgs, `{`+ok+`,"delay":"90"}`, 422, "invalid", "delay")
	f(msgs, `{`+ok+`,"delay":"-5s"}`, 422, "invalid", "delay")
	f(msgs, `{`+ok+`,"delay":"2000000h"}`, 422, "invalid", "delay")
	f(msgs, `{`+ok+`,"delay":"1m","send_at":"2026-11-26T12:00:00Z"}`, 422, "invalid", "delay")
	f(msgs, `{`+ok+`,"idempotency_key":"`+strings.Repeat("k", store.KeyMax+1)+`"}`, 422, "invalid", "idempotency_key")
	f(msgs, `{`+ok+`,"campaign":"`+strings.Repeat("c", store.KeyMax+1)+`"}`, 422, "invalid", "campaign")
	// Limits of size: 413 for the body, 422 for the bulk count.
	f(msgs, `{"to":"+34600111222","text":"`+strings.Repeat("x", ui.BodyMax)+`"}`, 413, "too_large", "")
	f(msgs+"/bulk", `{"messages":[`+strings.Repeat(`{`+ok+`},`, store.BulkMax)+`{`+ok+`}]}`, 422, "invalid", "messages")
	f(msgs+"/bulk", `{"messages":[{`+ok+`}],"pad":"`+strings.Repeat(" ", ui.BodyMax)+`"}`, 413, "too_large", "")
	f("/v1/queue/clean", `{"status":"sent","older_than":"1s","x":"`+strings.Repeat("x", ui.BodyMax)+`"}`, 413, "too_large", "")
	f("/v1/dlq/retry", `{"ids":["`+strings.Repeat("x", ui.BodyMax)+`"]}`, 413, "too_large", "")
	f("/v1/dlq/retry", `{"ids":[`+strings.Repeat(`"0000000000000000000a",`, store.BulkMax)+`"x"]}`, 422, "invalid", "ids")
}

// A body of exactly BodyMax bytes is still read.
func TestBodyMaxExactly(t *testing.T) {
	b := setup(t)
	body := `{"to":"+34600111222","text":"x","metadata":{"pad":"`
	body += strings.Repeat(" ", ui.BodyMax-len(body)-3) + `"}}`
	if len(body) != ui.BodyMax {
		t.Fatalf("body is %d bytes", len(body))
	}
	b.do(t, "POST", "/v1/messages", body).want(t, http.StatusCreated)
}
