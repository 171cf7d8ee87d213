package main

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/waqhq/waq/sender/cloudapi/cloudapitest"
	"github.com/waqhq/waq/sender/evolution/evolutiontest"
	"github.com/waqhq/waq/stats"
	"github.com/waqhq/waq/store"
)

// TestFailuresOnTheInstanceThatTried: an unpinned message routed to
// sales-1 (the most room) fails there for good. It counts as failed and
// dead on sales-1 in /v1/stats/messages and in /metrics, its tried_by
// says sales-1, and it stays unpinned: retried from the DLQ while sales-1
// is paused (a revoked key), it goes out through support.
func TestFailuresOnTheInstanceThatTried(t *testing.T) {
	evo, graph := evolutiontest.New("evo-key", "sales-1"), cloudapitest.New("graph-token", "555")
	t.Cleanup(evo.Close)
	t.Cleanup(graph.Close)
	cfg := testConfig(t.TempDir(), GatewayEvolution)
	cfg.Evolution = EvolutionConfig{APIURL: evo.URL, APIKey: "evo-key", Instance: "sales-1"}
	_, cl := startMain(t, cfg)
	put := map[string]any{"gateway": "cloudapi", "rate": "100/1s", "cloudapi": map[string]any{"api_url": graph.URL,
		"token": "graph-token", "phone_number_id": "555"}}
	if code, err := cl.call(t.Context(), http.MethodPut, "/v1/instances/support", put, nil); err != nil || code != http.StatusOK {
		t.Fatalf("put support: %d %v", code, err)
	}
	const deadSales = `waq_messages_failed_total{reason="dead",wa_instance="sales-1"}`
	before := metricValue(get(t, cl, "/metrics"), deadSales)
	evo.Script(evolutiontest.NotOnWhatsAppAnswer())
	var msg store.Message
	if _, err := cl.call(t.Context(), http.MethodPost, "/v1/messages", map[string]any{"to": "+34600333444", "text": "hola"}, &msg); err != nil {
		t.Fatal(err)
	}
	dead := waitStatus(t, cl, msg.ID, store.Dead)
	if dead.Instance != "" || dead.TriedBy != "sales-1" {
		t.Fatalf("dead message: instance %q, tried_by %q", dead.Instance, dead.TriedBy)
	}
	byInstance := func(name string) stats.MessageStats {
		var st stats.MessageStats
		if err := json.Unmarshal([]byte(get(t, cl, "/v1/stats/messages?instance="+name)), &st); err != nil {
			t.Fatal(err)
		}
		return st
	}
	waitFor(t, "the failure on sales-1", func() bool { st := byInstance("sales-1"); return st.Dead == 1 && st.Failed == 1 })
	if st := byInstance("support"); st.Dead != 0 || st.Failed != 0 {
		t.Fatalf("support: %+v", st)
	}
	if got := metricValue(get(t, cl, "/metrics"), deadSales) - before; got != 1 {
		t.Fatalf("%s grew by %v, want 1", deadSales, got)
	}

	evo.Script(evolutiontest.Unauthorized()) // sales-1 pauses on its next send
	var retried map[string]int
	if _, err := cl.call(t.Context(), http.MethodPost, "/v1/dlq/retry", map[string]any{"ids": []string{msg.ID}}, &retried); err != nil || retried["retried"] != 1 {
		t.Fatalf("retry: %v %v", retried, err)
	}
	sent := waitStatus(t, cl, msg.ID, store.Sent)
	if sent.Instance != "support" || sent.TriedBy != "support" {
		t.Fatalf("retried message: sent by %q, tried_by %q; want support", sent.Instance, sent.TriedBy)
	}
}
