package main

import (
	"encoding/json"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/waqhq/waq/sender/cloudapi/cloudapitest"
	"github.com/waqhq/waq/sender/evolution/evolutiontest"
	"github.com/waqhq/waq/stats"
	"github.com/waqhq/waq/store"
)

// TestWebhooksByInstance: waq serve with the environment's Evolution
// instance sales-1 and a Cloud API number, support, PUT through the API
// with its own app secret and verify token. Each number's webhooks
// (statuses and an inbound reply) go to it, deliveries for unknown
// instances are refused, and the stats, the report and /metrics show
// each instance's figures, the routed (unpinned) message's on sales-1.
func TestWebhooksByInstance(t *testing.T) {
	evo, graph := evolutiontest.New("evo-key", "sales-1"), cloudapitest.New("graph-token", "555")
	t.Cleanup(evo.Close)
	t.Cleanup(graph.Close)
	cfg := testConfig(t.TempDir(), GatewayEvolution)
	cfg.Evolution = EvolutionConfig{APIURL: evo.URL, APIKey: "evo-key", Instance: "sales-1"}
	cfg.WebhookToken = "hook"
	m, cl := startMain(t, cfg)
	base := "http://" + m.HTTPAddr()
	put := map[string]any{"gateway": "cloudapi", "rate": "100/1s", "cloudapi": map[string]any{"api_url": graph.URL,
		"token": "graph-token", "phone_number_id": "555", "app_secret": "sec-support", "verify_token": "tok-support"}}
	if code, err := cl.call(t.Context(), http.MethodPut, "/v1/instances/support", put, nil); err != nil || code != http.StatusOK {
		t.Fatalf("put support: %d %v", code, err)
	}
	const sentSupport = `waq_messages_sent_total{wa_instance="support"}`
	before := metricValue(get(t, cl, "/metrics"), sentSupport)

	send := func(to, instance string) *store.Message {
		t.Helper()
		var msg store.Message
		body := map[string]any{"to": to, "text": "hola", "instance": instance}
		if _, err := cl.call(t.Context(), http.MethodPost, "/v1/messages", body, &msg); err != nil {
			t.Fatal(err)
		}
		return waitStatus(t, cl, msg.ID, store.Sent)
	}
	s1, s2 := send("+34600111222", "support"), send("+34600111222", "support")
	routed := send("+34600333444", "") // most room: sales-1's 1000/1s
	if s1.Instance != "support" || s2.Instance != "support" || routed.Instance != "sales-1" {
		t.Fatalf("sent by %q, %q and %q", s1.Instance, s2.Instance, routed.Instance)
	}

	hook := func(path string, body []byte, code int, headers ...string) {
		t.Helper()
		if got, answer := post(t, base+path, body, headers...); got != code {
			t.Fatalf("POST %s: %d %s, want %d", path, got, answer, code)
		}
	}
	meta := func(body []byte, secret string, code int) {
		t.Helper()
		hook("/v1/webhooks/whatsapp", body, code, "X-Hub-Signature-256", cloudapitest.Sign(secret, body))
	}
	for _, s := range []*store.Message{s1, s2} {
		meta(cloudapitest.StatusBody("555", s.GatewayMessageID, "read", 0), "sec-support", 200)
	}
	meta(cloudapitest.InboundBody("555", "wamid.IN1", "34600111222", "gracias", s1.GatewayMessageID), "sec-support", 200)
	meta(cloudapitest.InboundBody("555", "wamid.IN2", "34600111222", "hola", ""), "forged", 401)
	meta(cloudapitest.InboundBody("999", "wamid.IN3", "34600111222", "hola", ""), "sec-support", 422)
	hook("/v1/webhooks/evolution?token=hook", evolutiontest.StatusUpdate("sales-1", routed.GatewayMessageID, "READ"), 200)
	hook("/v1/webhooks/evolution?token=hook", evolutiontest.Inbound("sales-1", "IN-E1", "34600333444@s.whatsapp.net", "hola"), 200)
	hook("/v1/webhooks/evolution?token=hook", evolutiontest.Inbound("ghost", "IN-E2", "34600333444@s.whatsapp.net", "hola"), 422)
	if code, answer := get2(t, base+"/v1/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=tok-support&hub.challenge=7"); code != 200 || answer != "7" {
		t.Fatalf("verification with support's token: %d %q", code, answer)
	}

	byInstance := func(name string) stats.MessageStats {
		var st stats.MessageStats
		if err := json.Unmarshal([]byte(get(t, cl, "/v1/stats/messages?instance="+name)), &st); err != nil {
			t.Fatal(err)
		}
		return st
	}
	waitFor(t, "the stats by instance", func() bool {
		sup, sal := byInstance("support"), byInstance("sales-1")
		return sup.Read == 2 && sup.Received == 1 && sal.Read == 1 && sal.Received == 1
	})
	if sup, sal := byInstance("support"), byInstance("sales-1"); sup.Sent != 2 || sal.Sent != 1 {
		t.Fatalf("sent: support %d, sales-1 %d", sup.Sent, sal.Sent)
	}
	if st := byInstance("999"); st.Received != 0 {
		t.Fatalf("the refused delivery was counted: %+v", st)
	}
	var rep stats.ReportResult
	if err := json.Unmarshal([]byte(get(t, cl, "/v1/reports/day")), &rep); err != nil {
		t.Fatal(err)
	}
	want := []stats.InstanceStats{
		{Name: "sales-1", Sent: 1, Delivered: 1, Read: 1, Received: 1, DeliveryRate: 1, ReadRate: 1},
		{Name: "support", Sent: 2, Delivered: 2, Read: 2, Received: 1, DeliveryRate: 1, ReadRate: 1},
	}
	if !reflect.DeepEqual(rep.Instances, want) {
		t.Fatalf("report's instances:\n got %+v\nwant %+v", rep.Instances, want)
	}
	if csv := get(t, cl, "/v1/reports/day?format=csv"); !strings.Contains(csv, "instances,support,received,1\n") {
		t.Fatalf("csv report:\n%s", csv)
	}
	scrape := get(t, cl, "/metrics")
	if got := metricValue(scrape, sentSupport) - before; got != 2 {
		t.Fatalf("%s grew by %v, want 2", sentSupport, got)
	}
	for series, want := range map[string]float64{`waq_instance_window_limit{wa_instance="support"}`: 100,
		`waq_instance_window_limit{wa_instance="sales-1"}`: 1000, `waq_instance_paused{wa_instance="support"}`: 0} {
		if got := metricValue(scrape, series); got != want || !strings.Contains(scrape, series) {
			t.Errorf("%s = %v, want %v", series, got, want)
		}
	}
}

// get2 is a GET without credentials, as Meta's verification comes.
func get2(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}
