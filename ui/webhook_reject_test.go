package ui_test

import (
	"strings"
	"testing"

	"github.com/VictoriaMetrics/metrics"

	"github.com/waqhq/waq/sender"
	"github.com/waqhq/waq/sender/cloudapi/cloudapitest"
	"github.com/waqhq/waq/sender/evolution/evolutiontest"
	"github.com/waqhq/waq/store"
	"github.com/waqhq/waq/ui"
)

// A delivery whose ids are too long to store is answered 200 with the
// events counted as rejected, so the gateway stops delivering it; the
// delivery's good events still apply. A store that cannot write is still
// 503, which the gateway retries.
func TestWebhookRejectsOverlongIDs(t *testing.T) {
	b := setup(t, func(o *ui.Options) { o.WhatsAppAppSecret = "s" })
	id := b.sentMessage(t, "3EB0CCCC")
	long := strings.Repeat("A", 40<<10)
	f := func(path string, body []byte, source string, headers ...string) {
		t.Helper()
		c := metrics.GetOrCreateCounter(`waq_webhooks_rejected_total{source="` + source + `",reason="oversized"}`)
		before := c.Get()
		r := b.do(t, "POST", path, string(body), headers...).want(t, 200)
		if !strings.Contains(string(r.body), `"rejected":1`) {
			t.Fatalf("answer %s, want one rejected event", r.body)
		}
		if got := c.Get() - before; got != 1 {
			t.Fatalf("rejected counter moved by %d, want 1", got)
		}
	}
	f("/v1/webhooks/evolution", evolutiontest.StatusUpdate("sales-1", long, "DELIVERY_ACK"), "evolution")
	f("/v1/webhooks/evolution", evolutiontest.Inbound("sales-1", long[:sender.IDMax+1], "34600111222@s.whatsapp.net", "hola"), "evolution")
	f("/v1/webhooks/evolution", evolutiontest.InboundReply("sales-1", "IN2", "34600111222@s.whatsapp.net", "hola", long), "evolution")
	f("/v1/webhooks/evolution", evolutiontest.StatusUpdate(long, "3EB0CCCC", "READ"), "evolution")
	st := cloudapitest.StatusBody("123", "wamid."+long, "read", 0)
	f("/v1/webhooks/whatsapp", st, "cloudapi", "X-Hub-Signature-256", cloudapitest.Sign("s", st))
	in := cloudapitest.InboundBody("123", "wamid."+long, "34600111222", "hola", "")
	f("/v1/webhooks/whatsapp", in, "cloudapi", "X-Hub-Signature-256", cloudapitest.Sign("s", in))
	if got := b.statusOf(t, id); got != store.Sent {
		t.Fatalf("message is %s, want sent", got)
	}

	// A good event beside a rejected one applies.
	batch := `[` + string(evolutiontest.StatusUpdate("sales-1", long, "READ")) + `,` +
		string(evolutiontest.StatusUpdate("sales-1", "3EB0CCCC", "DELIVERY_ACK")) + `]`
	r := b.do(t, "POST", "/v1/webhooks/evolution", batch).want(t, 200)
	if !strings.Contains(string(r.body), `"applied":1`) || !strings.Contains(string(r.body), `"rejected":1`) {
		t.Fatalf("answer %s, want one applied and one rejected", r.body)
	}
	if got := b.statusOf(t, id); got != store.Delivered {
		t.Fatalf("message is %s, want delivered", got)
	}

	// An id at the limit is stored as usual.
	b.do(t, "POST", "/v1/webhooks/evolution", string(evolutiontest.StatusUpdate("sales-1", long[:sender.IDMax], "READ"))).want(t, 200)

	b.st.Close()
	b.do(t, "POST", "/v1/webhooks/evolution", string(evolutiontest.StatusUpdate("sales-1", "3EB0CCCC", "READ"))).
		wantError(t, 503, "unavailable", "")
}
