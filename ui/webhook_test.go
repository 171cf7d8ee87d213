package ui_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/waqhq/waq/sender/cloudapi/cloudapitest"
	"github.com/waqhq/waq/sender/evolution/evolutiontest"
	"github.com/waqhq/waq/store"
	"github.com/waqhq/waq/ui"
)

// sentMessage enqueues a message and marks it sent under gid.
func (b *bundle) sentMessage(t *testing.T, gid string) string {
	t.Helper()
	m, _, err := b.st.Enqueue(&store.Message{To: "+34600111222", Text: "hola"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.st.Lease(b.clock.Now().Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if _, err := b.st.MarkSent(m.ID, gid, store.TypeText, ""); err != nil {
		t.Fatal(err)
	}
	return m.ID
}

func (b *bundle) statusOf(t *testing.T, id string) store.Status {
	t.Helper()
	m, err := b.st.Message(id)
	if err != nil {
		t.Fatal(err)
	}
	return m.Status
}

func TestEvolutionWebhook(t *testing.T) {
	b := setup(t, func(o *ui.Options) { o.WebhookToken = "hook" })
	id := b.sentMessage(t, "3EB0AAAA")
	f := func(body []byte, code int, wantBody string) {
		t.Helper()
		r := b.do(t, "POST", "/v1/webhooks/evolution?token=hook", string(body))
		if r.code != code || !strings.Contains(string(r.body), wantBody) {
			t.Fatalf("status %d %s, want %d with %s", r.code, r.body, code, wantBody)
		}
	}
	f(evolutiontest.StatusUpdate("sales-1", "3EB0AAAA", "DELIVERY_ACK"), 200, `"applied":1`)
	f(evolutiontest.StatusUpdate("sales-1", "3EB0AAAA", "DELIVERY_ACK"), 200, `"duplicates":1`)
	f(evolutiontest.StatusUpdate("sales-1", "3EB0AAAA", "READ"), 200, `"applied":1`)
	f(evolutiontest.StatusUpdate("sales-1", "3EB0AAAA", "DELIVERY_ACK"), 200, `"duplicates":1`) // late: statuses only move forward
	f(evolutiontest.StatusUpdate("sales-1", "UNKNOWN1", "READ"), 200, `"pending":1`)
	f(evolutiontest.InboundReply("sales-1", "IN1", "34600111222@s.whatsapp.net", "sí", "3EB0AAAA"), 200, `"applied":1`)
	f(evolutiontest.InboundReply("sales-1", "IN1", "34600111222@s.whatsapp.net", "sí", "3EB0AAAA"), 200, `"duplicates":1`)
	f([]byte(`{"event":`), 400, "bad_request")
	if st := b.statusOf(t, id); st != store.Read {
		t.Fatalf("message is %s, want read", st)
	}
	in, err := b.st.InboundSince(time.Time{}, 10)
	if err != nil || len(in) != 1 || in[0].MessageID != id {
		t.Fatalf("inbound = %+v, %v", in, err)
	}
}

func TestWhatsAppWebhook(t *testing.T) {
	b := setup(t, func(o *ui.Options) {
		o.APIKey, o.WhatsAppAppSecret, o.WhatsAppVerifyToken = "key", "app-secret", "verify-me"
	})
	b.key = "" // Meta sends no API key
	id := b.sentMessage(t, "wamid.ABC")
	post := func(body []byte, sig string, code int) resp {
		t.Helper()
		r := b.do(t, "POST", "/v1/webhooks/whatsapp", string(body), "X-Hub-Signature-256", sig)
		if r.code != code {
			t.Fatalf("status %d %s, want %d", r.code, r.body, code)
		}
		return r
	}
	read := cloudapitest.StatusBody("123", "wamid.ABC", "read", 0)
	post(read, "sha256=00", http.StatusUnauthorized)
	post(read, "", http.StatusUnauthorized)
	post(read, cloudapitest.Sign("other-secret", read), http.StatusUnauthorized)
	if st := b.statusOf(t, id); st != store.Sent {
		t.Fatalf("an unsigned webhook changed the message to %s", st)
	}
	post(read, cloudapitest.Sign("app-secret", read), http.StatusOK)
	if st := b.statusOf(t, id); st != store.Read {
		t.Fatalf("message is %s, want read (delivered may be skipped)", st)
	}
	bad := []byte(`{"object":"page"}`)
	post(bad, cloudapitest.Sign("app-secret", bad), http.StatusBadRequest)

	verify := func(query string, code int, want string) {
		t.Helper()
		r := b.do(t, "GET", "/v1/webhooks/whatsapp?"+query, "")
		if r.code != code || (want != "" && string(r.body) != want) {
			t.Fatalf("verify %s: %d %q, want %d %q", query, r.code, r.body, code, want)
		}
	}
	verify("hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1158201444", 200, "1158201444")
	verify("hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1", 403, "")
	verify("hub.mode=unsubscribe&hub.verify_token=verify-me&hub.challenge=1", 403, "")
}

// A failed delivery reported by the Cloud API keeps Meta's error code.
func TestWhatsAppWebhookFailed(t *testing.T) {
	b := setup(t, func(o *ui.Options) { o.WhatsAppAppSecret = "s" })
	id := b.sentMessage(t, "wamid.F")
	body := cloudapitest.StatusBody("123", "wamid.F", "failed", 131026)
	if r := b.do(t, "POST", "/v1/webhooks/whatsapp", string(body), "X-Hub-Signature-256", cloudapitest.Sign("s", body)); r.code != 200 {
		t.Fatalf("status %d %s", r.code, r.body)
	}
	m, _ := b.st.Message(id)
	if m.Status != store.Failed || !strings.Contains(m.LastError, "131026") {
		t.Fatalf("message = %s %q, want failed with the code", m.Status, m.LastError)
	}
}

// With byEvents true Evolution posts to the URL plus the event's name.
func TestEvolutionWebhookByEvents(t *testing.T) {
	b := setup(t)
	id := b.sentMessage(t, "3EB0BBBB")
	r := b.do(t, "POST", "/v1/webhooks/evolution/messages-update", string(evolutiontest.StatusUpdate("sales-1", "3EB0BBBB", "DELIVERY_ACK")))
	if r.code != 200 || b.statusOf(t, id) != store.Delivered {
		t.Fatalf("status %d %s; message %s", r.code, r.body, b.statusOf(t, id))
	}
}
