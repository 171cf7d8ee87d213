package ui_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/VictoriaMetrics/metrics"

	"github.com/waqhq/waq/sender/cloudapi/cloudapitest"
	"github.com/waqhq/waq/sender/evolution/evolutiontest"
	"github.com/waqhq/waq/store"
	"github.com/waqhq/waq/ui"
)

// webhookInstances are the instances of the webhook tests: two Evolution
// numbers (one whose Evolution instance has another name), two Cloud API
// numbers, one with its own app secret and verify token, one that relies
// on the environment's; sales-1 is the default.
var webhookInstances = []store.InstanceSettings{
	{Name: "cloud-a", Gateway: "cloudapi", CloudAPI: &store.CloudAPISettings{PhoneNumberID: "111", AppSecret: "secret-a", VerifyToken: "tok-a"}},
	{Name: "cloud-b", Gateway: "cloudapi", CloudAPI: &store.CloudAPISettings{PhoneNumberID: "222"}},
	{Name: "sales-1", Gateway: "evolution", Enabled: true, Evolution: &store.EvolutionSettings{Instance: "evo-sales-1"}},
	{Name: "sales-2", Gateway: "evolution", Evolution: &store.EvolutionSettings{Instance: "sales-2"}},
}

// setupWebhookInstances is setup with webhookInstances, WHATSAPP_APP_SECRET
// env-secret and WHATSAPP_VERIFY_TOKEN tok-env, an API key (Meta sends
// none), and the server's log in the returned buffer.
func setupWebhookInstances(t *testing.T) (*bundle, *bytes.Buffer) {
	t.Helper()
	var log bytes.Buffer
	b := setup(t, func(o *ui.Options) {
		o.APIKey, o.WebhookToken = "key", "hook"
		o.WhatsAppAppSecret, o.WhatsAppVerifyToken = "env-secret", "tok-env"
		o.Logger = slog.New(slog.NewTextHandler(&log, nil))
		o.WebhookInstances = func() ([]store.InstanceSettings, string, error) { return webhookInstances, "sales-1", nil }
	})
	b.key = ""
	return b, &log
}

// inboundBy returns the instance each stored inbound message is on, by
// gateway id.
func (b *bundle) inboundBy(t *testing.T) map[string]string {
	t.Helper()
	ins, err := b.st.InboundSince(time.Time{}, 100)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, in := range ins {
		out[in.GatewayID] = in.Instance
	}
	return out
}

func rejected(source string) uint64 {
	return metrics.GetOrCreateCounter(`waq_webhooks_rejected_total{source="` + source + `",reason="unknown_instance"}`).Get()
}

// Each Evolution event goes to the instance its envelope names, by
// Evolution instance or by waq's name, or to the default one; a delivery
// naming an instance waq does not have is refused whole with a 422 that
// says what to do, counted, and logged once per name.
func TestEvolutionWebhookInstances(t *testing.T) {
	b, log := setupWebhookInstances(t)
	const jid = "34600111222@s.whatsapp.net"
	f := func(body []byte, code int, gid, want string) {
		t.Helper()
		r := b.do(t, "POST", "/v1/webhooks/evolution?token=hook", string(body))
		if code != 200 {
			if e := r.wantError(t, code, store.EINVALID, "instance"); !strings.Contains(e.Message, "PUT /v1/instances") {
				t.Fatalf("error %q does not say how to add the instance", e.Message)
			}
		}
		r.want(t, code)
		if got, ok := b.inboundBy(t)[gid]; ok != (want != "") || got != want {
			t.Fatalf("inbound %s on instance %q (stored %v), want %q", gid, got, ok, want)
		}
	}
	f(evolutiontest.Inbound("evo-sales-1", "IN1", jid, "hola"), 200, "IN1", "sales-1")
	f(evolutiontest.Inbound("sales-2", "IN2", jid, "hola"), 200, "IN2", "sales-2")
	f(evolutiontest.Inbound("", "IN3", jid, "hola"), 200, "IN3", "sales-1")
	f(evolutiontest.Inbound("sales-1", "IN4", jid, "hola"), 200, "IN4", "sales-1") // waq's name of evo-sales-1

	before := rejected("evolution")
	f(evolutiontest.Inbound("ghost", "IN5", jid, "hola"), 422, "IN5", "")
	f(evolutiontest.Inbound("ghost", "IN6", jid, "hola"), 422, "IN6", "")
	batch := `[` + string(evolutiontest.Inbound("sales-2", "IN7", jid, "hola")) + `,` +
		string(evolutiontest.Inbound("phantom", "IN8", jid, "hola")) + `]`
	f([]byte(batch), 422, "IN7", "") // nothing of the delivery applies
	if got := rejected("evolution") - before; got != 4 {
		t.Fatalf("unknown_instance counter moved by %d, want 4 (one per event refused)", got)
	}
	if n := strings.Count(log.String(), "instance=ghost"); n != 1 {
		t.Fatalf("ghost logged %d times, want once:\n%s", n, log)
	}
	if n := strings.Count(log.String(), "instance=phantom"); n != 1 {
		t.Fatalf("phantom logged %d times, want once:\n%s", n, log)
	}

	// The routes' other rules hold: no token, no delivery.
	b.do(t, "POST", "/v1/webhooks/evolution", string(evolutiontest.Inbound("sales-2", "IN9", jid, "hola"))).
		wantError(t, http.StatusUnauthorized, ui.EUNAUTHORIZED, "")
}

// twoNumbers is a Cloud API delivery with the entries of a and b.
func twoNumbers(t *testing.T, a, b []byte) []byte {
	t.Helper()
	var x, y map[string]any
	if err := json.Unmarshal(a, &x); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Fatal(err)
	}
	x["entry"] = append(x["entry"].([]any), y["entry"].([]any)...)
	out, err := json.Marshal(x)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// A Cloud API delivery must be signed with the app secret of the
// instance of its phone number id (its own, else WHATSAPP_APP_SECRET);
// it then goes to that instance. An unknown id is refused with a 422 when
// one of waq's secrets signed it, else 401; nothing unverified applies.
func TestWhatsAppWebhookInstances(t *testing.T) {
	b, log := setupWebhookInstances(t)
	in := func(phoneID, gid string) []byte {
		return cloudapitest.InboundBody(phoneID, gid, "34600111222", "hola", "")
	}
	f := func(body []byte, secret string, code int, gid, want string) {
		t.Helper()
		sig := ""
		if secret != "" {
			sig = cloudapitest.Sign(secret, body)
		}
		r := b.do(t, "POST", "/v1/webhooks/whatsapp", string(body), "X-Hub-Signature-256", sig)
		if r.code != code {
			t.Fatalf("signed with %q: status %d %s, want %d", secret, r.code, r.body, code)
		}
		if got, ok := b.inboundBy(t)[gid]; ok != (want != "") || got != want {
			t.Fatalf("inbound %s on instance %q (stored %v), want %q", gid, got, ok, want)
		}
	}
	f(in("111", "wamid.A1"), "env-secret", 401, "wamid.A1", "") // cloud-a has its own secret
	f(in("111", "wamid.A1"), "", 401, "wamid.A1", "")
	f(in("111", "wamid.A1"), "secret-a", 200, "wamid.A1", "cloud-a")
	f(in("222", "wamid.B1"), "secret-a", 401, "wamid.B1", "")
	f(in("222", "wamid.B1"), "env-secret", 200, "wamid.B1", "cloud-b") // no secret of its own: the environment's
	f(twoNumbers(t, in("111", "wamid.C1"), in("222", "wamid.C2")), "secret-a", 401, "wamid.C1", "")
	f(twoNumbers(t, in("111", "wamid.C1"), in("111", "wamid.C2")), "secret-a", 200, "wamid.C2", "cloud-a")

	before := rejected("cloudapi")
	f(in("999", "wamid.D1"), "", 401, "wamid.D1", "")
	f(in("999", "wamid.D1"), "forged", 401, "wamid.D1", "")
	if got := rejected("cloudapi") - before; got != 0 || strings.Contains(log.String(), "999") {
		t.Fatalf("an unsigned delivery was counted (%d) or logged as an unknown instance:\n%s", got, log)
	}
	f(in("999", "wamid.D1"), "secret-a", 422, "wamid.D1", "")
	f(twoNumbers(t, in("111", "wamid.D2"), in("999", "wamid.D3")), "secret-a", 422, "wamid.D2", "")
	if got := rejected("cloudapi") - before; got != 3 {
		t.Fatalf("unknown_instance counter moved by %d, want 3", got)
	}
	if n := strings.Count(log.String(), "instance=999"); n != 1 {
		t.Fatalf("999 logged %d times, want once:\n%s", n, log)
	}
	body := in("999", "wamid.D4")
	e := b.do(t, "POST", "/v1/webhooks/whatsapp", string(body), "X-Hub-Signature-256", cloudapitest.Sign("env-secret", body)).
		wantError(t, 422, store.EINVALID, "instance")
	if !strings.Contains(e.Message, `"999"`) || !strings.Contains(e.Message, "phone_number_id") {
		t.Fatalf("error %q does not name the number and the field to set", e.Message)
	}

	// No phone number id (an account update): any of waq's secrets, and
	// the events go to the default instance.
	acct := []byte(`{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"account_update","value":{"event":"VERIFIED_ACCOUNT"}}]}]}`)
	f(acct, "forged", 401, "", "")
	f(acct, "secret-a", 200, "", "")
	f(acct, "env-secret", 200, "", "")
}

// Meta's verification takes WHATSAPP_VERIFY_TOKEN or the verify token of
// any Cloud API instance.
func TestWhatsAppVerifyInstances(t *testing.T) {
	b, _ := setupWebhookInstances(t)
	f := func(token string, code int) {
		t.Helper()
		r := b.do(t, "GET", "/v1/webhooks/whatsapp?hub.mode=subscribe&hub.challenge=42&hub.verify_token="+token, "")
		if r.code != code || (code == 200 && string(r.body) != "42") {
			t.Fatalf("token %q: %d %s, want %d", token, r.code, r.body, code)
		}
	}
	f("tok-a", 200)
	f("tok-env", 200)
	f("tok-b", 403) // cloud-b has none
	f("", 403)
	f("secret-a", 403)

	none := setup(t, func(o *ui.Options) {
		o.WebhookInstances = func() ([]store.InstanceSettings, string, error) { return nil, "", nil }
	})
	none.do(t, "GET", "/v1/webhooks/whatsapp?hub.mode=subscribe&hub.challenge=1&hub.verify_token=x", "").
		wantError(t, 403, ui.EFORBIDDEN, "")
}

// Where no app secret applies, a Cloud API delivery needs the webhook
// token or the API key, as before instances had their own.
func TestWhatsAppWebhookWithoutSecrets(t *testing.T) {
	b := setup(t, func(o *ui.Options) {
		o.APIKey, o.WebhookToken = "key", "hook"
		o.WebhookInstances = func() ([]store.InstanceSettings, string, error) { return webhookInstances[1:], "sales-1", nil }
	})
	b.key = ""
	body := string(cloudapitest.InboundBody("222", "wamid.E1", "34600111222", "hola", ""))
	b.do(t, "POST", "/v1/webhooks/whatsapp", body).wantError(t, 401, ui.EUNAUTHORIZED, "")
	b.do(t, "POST", "/v1/webhooks/whatsapp?token=hook", body).want(t, 200)
	b.key = "key"
	b.do(t, "POST", "/v1/webhooks/whatsapp", string(cloudapitest.InboundBody("222", "wamid.E2", "34600111222", "hola", ""))).want(t, 200)
	if got := b.inboundBy(t); got["wamid.E1"] != "cloud-b" || got["wamid.E2"] != "cloud-b" {
		t.Fatalf("inbound instances %v, want cloud-b", got)
	}
}

// When the instances cannot be read the delivery is 503, which the
// gateways retry, and nothing of it is applied.
func TestWebhookInstancesUnreadable(t *testing.T) {
	b := setup(t, func(o *ui.Options) {
		o.WebhookInstances = func() ([]store.InstanceSettings, string, error) {
			return nil, "", store.Errorf(store.EINTERNAL, "bucket gone")
		}
	})
	b.do(t, "POST", "/v1/webhooks/evolution", string(evolutiontest.Inbound("sales-1", "IN1", "34600111222@s.whatsapp.net", "hola"))).
		wantError(t, 503, store.EUNAVAILABLE, "")
	if got := b.inboundBy(t); len(got) != 0 {
		t.Fatalf("stored %v", got)
	}
}
