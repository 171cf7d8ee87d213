package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/waqhq/waq/sender/evolution/evolutiontest"
	"github.com/waqhq/waq/store"
)

// TestInboundStickyThroughWebhook: waq serve with two instances; a contact
// who wrote to sales-2 through its Evolution webhook gets its next message
// from sales-2, with the reason in the history; /v1/queue shows both
// instances with their day's sends and queue.
func TestInboundStickyThroughWebhook(t *testing.T) {
	one, two := evolutiontest.New("evo-key-1", "sales-1"), evolutiontest.New("evo-key-2", "sales-2")
	t.Cleanup(one.Close)
	t.Cleanup(two.Close)
	cfg := testConfig(t.TempDir(), GatewayEvolution)
	cfg.Evolution = EvolutionConfig{APIURL: one.URL, APIKey: "evo-key-1", Instance: "sales-1"}
	m, cl := startMain(t, cfg)
	body := map[string]any{"gateway": "evolution", "evolution": map[string]any{"url": two.URL, "api_key": "evo-key-2"}, "rate": "100/1s"}
	if code, err := cl.call(t.Context(), http.MethodPut, "/v1/instances/sales-2", body, nil); code != http.StatusOK || err != nil {
		t.Fatalf("put: %d %v", code, err)
	}
	hook := "http://" + m.HTTPAddr() + "/v1/webhooks/evolution"
	if code, res := post(t, hook, evolutiontest.Inbound("sales-2", "3EB0IN1", "+34600999111", "hola"), "Authorization", "Bearer "+testKey); code != 200 {
		t.Fatalf("webhook: %d %s", code, res)
	}
	var msg store.Message
	if _, err := cl.call(t.Context(), http.MethodPost, "/v1/messages", map[string]any{"to": "+34600999111", "text": "hola"}, &msg); err != nil {
		t.Fatal(err)
	}
	sent := waitStatus(t, cl, msg.ID, store.Sent)
	if sent.Instance != "sales-2" || !strings.Contains(get(t, cl, "/v1/messages/"+msg.ID), "routed to sales-2: this contact last wrote to it") {
		t.Fatalf("the reply to a contact of sales-2 went through %q: %s", sent.Instance, get(t, cl, "/v1/messages/"+msg.ID))
	}
	var q struct {
		Instances []struct {
			Name        string          `json:"name"`
			RateLimit   int             `json:"rate_limit"`
			SentLastDay int             `json:"sent_last_day"`
			Queue       json.RawMessage `json:"queue"`
		} `json:"instances"`
	}
	if err := json.Unmarshal([]byte(get(t, cl, "/v1/queue")), &q); err != nil {
		t.Fatal(err)
	}
	if len(q.Instances) != 2 || q.Instances[1].Name != "sales-2" || q.Instances[1].SentLastDay != 1 ||
		q.Instances[1].RateLimit != 100 || string(q.Instances[0].Queue) != `{"queued":0,"pinned":0,"waiting":0}` {
		t.Fatalf("/v1/queue instances: %+v", q.Instances)
	}
}
