package ui_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/waqhq/waq/store"
)

// A hostile or careless body is refused whole, with the field named, and
// stores nothing.
func TestStrictDecoding(t *testing.T) {
	b := setup(t)
	b.message(t, `{"to":"+34600111222","text":"first","idempotency_key":"k"}`)
	f := func(path, body string, code int, errCode, field string) {
		t.Helper()
		before := b.counts(t)
		b.do(t, "POST", path, body).wantError(t, code, errCode, field)
		b.unchanged(t, before)
	}
	const msgs = "/v1/messages"
	ok := `"to":"+34600111222","text":"x"`
	// Names match exactly.
	f(msgs, `{"TO":"+34600111222","TEXT":"x"}`, 400, "bad_request", "TO")
	f(msgs, `{"to":"+34600111222","Text":"x"}`, 400, "bad_request", "Text")
	f(msgs, `{"to":"+34600111222","media":{"URL":"https://x.test/a.jpg","kind":"image"}}`, 400, "bad_request", "media.URL")
	// A name given twice, at any depth.
	f(msgs, `{"to":"call me","to":"+34600111222","text":"x"}`, 400, "bad_request", "to")
	f(msgs, `{`+ok+`,"metadata":{"a":1,"a":2}}`, 400, "bad_request", "metadata.a")
	f(msgs, `{`+ok+`,"fallback_template":{"name":"a","language":"es","components":[{"type":"body","type":"x"}]}}`,
		400, "bad_request", "fallback_template.components.0.type")
	// Invalid UTF-8, in a value or a name, and a lone surrogate escape.
	f(msgs, "{"+ok+`,"idempotency_key":"k`+"\xff"+`"}`, 400, "bad_request", "idempotency_key")
	f(msgs, `{"to":"+34600111222","text":"a`+"\xfe"+`"}`, 400, "bad_request", "text")
	f(msgs, "{"+ok+`,"campaign":"c`+"\xc3"+`"}`, 400, "bad_request", "campaign")
	f(msgs, "{"+ok+`,"metadata":{"k`+"\xff"+`":1}}`, 400, "bad_request", "metadata")
	f(msgs, "{"+ok+`,"campaign":"\ud800"}`, 400, "bad_request", "campaign")
	f(msgs, `{"t`+"\xff"+`o":"+34600111222","text":"x"}`, 400, "bad_request", "")
	// An unknown name is echoed cut short, not whole.
	long := strings.Repeat("n", 10000)
	e := b.do(t, "POST", msgs, `{`+ok+`,"`+long+`":1}`).wantError(t, 400, "bad_request", strings.Repeat("n", 128)+"…")
	if strings.Contains(e.Message, long) {
		t.Fatal("the error echoes the whole name")
	}
	// The same holds on the other routes that decode a body.
	f("/v1/messages/bulk", `{"messages":[{`+ok+`}],"Messages":[]}`, 400, "bad_request", "Messages")
	f("/v1/messages/bulk", `{"messages":[{`+ok+`}],"messages":[{`+ok+`}]}`, 400, "bad_request", "messages")
	f("/v1/optouts", `{"contact":"+34600111222","contact":"+34600111333"}`, 400, "bad_request", "contact")
	f("/v1/queue/clean", `{"STATUS":"sent","older_than":"1h"}`, 400, "bad_request", "STATUS")
	f("/v1/dlq/retry", `{"campaign":"a`+"\xff"+`"}`, 400, "bad_request", "campaign")
}

// A bulk item's name given twice, or its invalid UTF-8, is an item error.
func TestStrictBulkItems(t *testing.T) {
	b := setup(t)
	ok := `{"to":"+34600111222","text":"x"}`
	f := func(body string, index int, field string) {
		t.Helper()
		e := b.do(t, "POST", "/v1/messages/bulk", body).wantError(t, 400, "bad_request", "")
		if len(e.Items) != 1 || e.Items[0].Index != index || e.Items[0].Field != field {
			t.Fatalf("items %+v, want index %d field %q", e.Items, index, field)
		}
		if n := b.counts(t)[store.Queued]; n != 0 {
			t.Fatalf("%d messages stored", n)
		}
	}
	f(`{"messages":[`+ok+`,{"to":"+34600111222","to":"+34600111333","text":"x"}]}`, 1, "to")
	f(`{"messages":[`+ok+`,`+ok+`,{"to":"+34600111222","text":"x`+"\xff"+`"}]}`, 2, "text")
	f(`{"messages":[{"TO":"+34600111222","text":"x"}]}`, 0, "TO")
}

// Two keys that differ only in their invalid bytes are not one key: both
// are refused, so the second cannot be taken for a repeat of the first.
func TestInvalidUTF8KeysDoNotCollide(t *testing.T) {
	b := setup(t)
	b.do(t, "POST", "/v1/messages", `{"to":"+34600111222","text":"one","idempotency_key":"k`+"\xff"+`"}`).
		wantError(t, 400, "bad_request", "idempotency_key")
	b.do(t, "POST", "/v1/messages", `{"to":"+34600111222","text":"two","idempotency_key":"k`+"\xfe"+`"}`).
		wantError(t, 400, "bad_request", "idempotency_key")
	// The header's bytes are not checked by JSON decoding, so the store's
	// check refuses them.
	b.do(t, "POST", "/v1/messages", `{"to":"+34600111222","text":"three"}`, "Idempotency-Key", "k\xfd").
		wantError(t, 422, "invalid", "idempotency_key")
	if n := b.counts(t)[store.Queued]; n != 0 {
		t.Fatalf("%d messages stored", n)
	}
}

// Content the type does not send, media that WhatsApp cannot fetch, and
// over-long keys are 422 naming the field.
func TestMessageContentAndSizes(t *testing.T) {
	b := setup(t)
	f := func(body string, field string) {
		t.Helper()
		before := b.counts(t)
		b.do(t, "POST", "/v1/messages", body).wantError(t, 422, "invalid", field)
		b.unchanged(t, before)
	}
	to := `"to":"+34600111222",`
	img := `"media":{"url":"https://x.test/a.jpg","kind":"image"}`
	tpl := `"template":{"name":"hello","language":"es"}`
	f(`{`+to+`"type":"text","text":"x","media":{"url":"javascript:alert(1)","kind":"exe"}}`, "media")
	f(`{`+to+`"text":"x","media":{"url":"javascript:alert(1)","kind":"exe"}}`, "media.url") // a media message by its media
	f(`{`+to+`"type":"text","text":"x",`+img+`}`, "media")
	f(`{`+to+`"type":"text","text":"x",`+tpl+`}`, "template")
	f(`{`+to+`"text":"x",`+img+`,"type":"media"}`, "text")
	f(`{`+to+`"type":"template","text":"x",`+tpl+`}`, "text")
	f(`{`+to+`"media":{"url":"javascript:alert(1)","kind":"image"}}`, "media.url")
	f(`{`+to+`"media":{"url":"http://x.test/a.jpg","kind":"image"}}`, "media.url")
	f(`{`+to+`"media":{"url":"https://x.test/a.exe","kind":"exe"}}`, "media.kind")
	f(`{`+to+`"media":{"url":"https://x.test/`+strings.Repeat("a", store.URLMax)+`","kind":"image"}}`, "media.url")
	f(`{`+to+`"media":{"url":"https://x.test/a.pdf","kind":"document","filename":"`+strings.Repeat("a", store.FilenameMax+1)+`"}}`, "media.filename")
	f(`{`+to+`"template":{"name":"`+strings.Repeat("a", store.TemplateNameMax+1)+`","language":"es"}}`, "template.name")
	f(`{`+to+`"template":{"name":"a","language":"`+strings.Repeat("e", store.TemplateLanguageMax+1)+`"}}`, "template.language")
	f(`{`+to+`"type":"media"}`, "media")
	long := strings.Repeat("k", store.KeyMax+1)
	f(`{`+to+`"text":"x","idempotency_key":"`+long+`"}`, "idempotency_key")
	f(`{`+to+`"text":"x","campaign":"`+long+`"}`, "campaign")
	f(`{`+to+`"text":"x","instance":"`+long+`"}`, "instance")
	f(`{`+to+`"text":"x","metadata":{"`+strings.Repeat("m", store.MetadataKeyMax+1)+`":1}}`, "metadata")
	var many []string
	for i := range store.MetadataKeysMax + 1 {
		many = append(many, fmt.Sprintf(`"k%d":1`, i))
	}
	f(`{`+to+`"text":"x","metadata":{`+strings.Join(many, ",")+`}}`, "metadata")
	f(`{`+to+`"text":"x","callback_url":"https://x.test/`+strings.Repeat("a", store.URLMax)+`"}`, "callback_url")
	f(`{`+to+`"text":"x","callback_url":"javascript:alert(1)"}`, "callback_url")
	// At the limits, all is well.
	b.do(t, "POST", "/v1/messages", `{`+to+`"media":{"url":"https://x.test/a.pdf","kind":"document","filename":"`+
		strings.Repeat("a", store.FilenameMax)+`","caption":"hola"},"idempotency_key":"`+long[1:]+`"}`).want(t, http.StatusCreated)
}
