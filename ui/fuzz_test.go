package ui

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"
	"unicode/utf8"

	"github.com/waqhq/waq/sender"
	"github.com/waqhq/waq/sender/cloudapi"
	"github.com/waqhq/waq/sender/cloudapi/cloudapitest"
	"github.com/waqhq/waq/sender/evolution"
	"github.com/waqhq/waq/sender/evolution/evolutiontest"
	"github.com/waqhq/waq/store"
)

// FuzzDecode feeds one body to every decoder a client or a gateway
// reaches: a message, a bulk request, an Evolution and a Cloud API webhook.
// None may panic; a body the strict decoder takes must mean to
// encoding/json what it means to it; a refused one gets a coded error
// naming a short, valid field; and an accepted message must pass the
// store's own check and encode.
func FuzzDecode(f *testing.F) {
	for _, seed := range [][]byte{
		[]byte(`{"to":"+34600111222","text":"hola","priority":"high","metadata":{"a":[1,{"b":null}]},"max_attempts":3}`),
		[]byte(`{"to":"+34600111222","media":{"url":"https://x.test/a.jpg","kind":"image","caption":"c"},"delay":"90s"}`),
		[]byte(`{"to":"+34600111222","template":{"name":"t","language":"es","components":[{"type":"body"}]},"send_at":"2026-11-26T10:00:00Z"}`),
		[]byte(`{"messages":[{"to":"+34600111222","text":"a"},{"to":"x","TEXT":"b"},{"to":"+34600111222","to":"+1"}]}`),
		[]byte("{\"to\":\"+34600111222\",\"text\":\"k\xff\",\"idempotency_key\":\"\\ud800\"}"),
		evolutiontest.StatusUpdate("sales-1", "3EB0AAAA", "DELIVERY_ACK"),
		evolutiontest.InboundReply("sales-1", "IN1", "34600111222@s.whatsapp.net", "sí", "3EB0AAAA"),
		[]byte(`[{"event":"connection.update","data":{"state":"close","statusReason":{"low":401}}}]`),
		cloudapitest.StatusBody("123", "wamid.ABC", "failed", 131026),
		cloudapitest.InboundBody("123", "wamid.IN", "34600111222", "STOP", "wamid.ABC"),
	} {
		f.Add(seed)
	}
	s := NewServer(nil, Options{MaxAttempts: 4})
	f.Fuzz(func(t *testing.T, body []byte) {
		fuzzMessage(t, s, body)
		fuzzBulk(t, s, body)
		for _, ev := range fuzzWebhooks(body) {
			if ev.Source == "" {
				t.Fatalf("an event without a source: %+v", ev)
			}
		}
	})
}

func fuzzMessage(t *testing.T, s *Server, body []byte) {
	var req store.Draft
	if err := decodeStrict(body, &req); err != nil {
		checkRefusal(t, err, EBADREQUEST)
		return
	}
	var loose store.Draft
	if err := json.Unmarshal(body, &loose); err != nil || !reflect.DeepEqual(req, loose) {
		t.Fatalf("encoding/json reads %q otherwise: %+v (%v), strict %+v", body, loose, err, req)
	}
	for _, v := range []string{req.To, req.Text, req.Campaign, req.Instance, req.IdempotencyKey, req.CallbackURL} {
		if !utf8.ValidString(v) {
			t.Fatalf("invalid UTF-8 decoded from %q", body)
		}
	}
	m, err := s.intake.Message(&req)
	if err != nil {
		checkRefusal(t, err, store.EINVALID)
		return
	}
	// What the intake takes the store takes: its check is the same.
	if err := m.Validate(); err != nil {
		t.Fatalf("the intake took what the store refuses: %v", err)
	}
	if _, err := json.Marshal(m); err != nil {
		t.Fatalf("a checked message does not encode: %v", err)
	}
}

func fuzzBulk(t *testing.T, s *Server, body []byte) {
	var req bulkRequest
	if err := decodeStrict(body, &req); err != nil {
		checkRefusal(t, asItemError(err), EBADREQUEST)
		return
	}
	ms, err := s.bulkMessages(req.Messages, "k")
	if err != nil {
		var e *store.Error
		if errors.As(err, &e) && e.Field == "messages" && (len(req.Messages) == 0 || len(req.Messages) > store.BulkMax) {
			return // the list itself is refused: empty or too long
		}
		if !errors.As(err, &e) || len(e.Items) == 0 {
			t.Fatalf("a bulk refusal without items: %v", err)
		}
		for _, it := range e.Items {
			if it.Index < 0 || it.Index >= len(req.Messages) || it.Message == "" {
				t.Fatalf("a bad item error %+v of %d", it, len(req.Messages))
			}
		}
		return
	}
	if len(ms) != len(req.Messages) {
		t.Fatalf("%d messages from %d items", len(ms), len(req.Messages))
	}
}

func fuzzWebhooks(body []byte) []sender.GatewayEvent {
	evs, _ := evolution.ParseWebhook(body)
	more, _ := cloudapi.ParseWebhook(body)
	return append(evs, more...)
}

// checkRefusal fails unless err is a *store.Error of code that a client
// can be shown: a message, and a field that is short and valid UTF-8.
func checkRefusal(t *testing.T, err error, code string) {
	t.Helper()
	var e *store.Error
	switch {
	case !errors.As(err, &e) || e.Code != code || e.Message == "":
		t.Fatalf("refusal %v, want a %s *store.Error", err, code)
	case len(e.Field) > fieldNameMax+len("…") || !utf8.ValidString(e.Field) || !utf8.ValidString(e.Message):
		t.Fatalf("refusal names field %q: %q", e.Field, e.Message)
	}
	if _, err := json.Marshal(e); err != nil {
		t.Fatalf("refusal does not encode: %v", err)
	}
}
