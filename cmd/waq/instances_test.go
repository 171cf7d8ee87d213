package main

import (
	"net/http"
	"strings"
	"testing"

	"github.com/waqhq/waq/sender/evolution/evolutiontest"
	"github.com/waqhq/waq/store"
)

// TestInstancesCommand runs waq instances against a server whose
// environment defines an Evolution instance: it is listed with source env,
// its key masked.
func TestInstancesCommand(t *testing.T) {
	evo := evolutiontest.New("evo-key-5678", "sales-1")
	t.Cleanup(evo.Close)
	cfg := testConfig(t.TempDir(), GatewayEvolution)
	cfg.Evolution = EvolutionConfig{APIURL: evo.URL, APIKey: "evo-key-5678", Instance: "sales-1"}
	m, _ := startMain(t, cfg)
	env := map[string]string{"WAQ_URL": "http://" + m.HTTPAddr(), "WAQ_API_KEY": testKey}
	code, out, errOut := runCLI(t, env, "instances")
	if code != 0 || !strings.Contains(out, "sales-1   evolution  env     active  1000/1s") {
		t.Fatalf("exit %d, stderr %q, output:\n%s", code, errOut, out)
	}
	_, out, _ = runCLI(t, env, "instances", "--json")
	if !strings.Contains(out, `"api_key": "…5678"`) || strings.Contains(out, "evo-key-5678") || !strings.Contains(out, `"source": "env"`) {
		t.Fatalf("json:\n%s", out)
	}
}

// TestInstanceAddedThroughAPI: waq serve with the environment's Evolution
// instance; a second one PUT through the API (its key checked by the fake
// server) sends the messages pinned to it at once, without a restart, and
// later unpinned messages to the same contact stay on it.
func TestInstanceAddedThroughAPI(t *testing.T) {
	one, two := evolutiontest.New("evo-key-1", "sales-1"), evolutiontest.New("evo-key-2", "sales-2")
	t.Cleanup(one.Close)
	t.Cleanup(two.Close)
	cfg := testConfig(t.TempDir(), GatewayEvolution)
	cfg.Evolution = EvolutionConfig{APIURL: one.URL, APIKey: "evo-key-1", Instance: "sales-1"}
	_, cl := startMain(t, cfg)
	put := func(key string) (int, error) {
		body := map[string]any{"gateway": "evolution", "evolution": map[string]any{"url": two.URL, "api_key": key}, "rate": "100/1s"}
		return cl.call(t.Context(), http.MethodPut, "/v1/instances/sales-2", body, nil)
	}
	if _, err := put("wrong"); err == nil || !strings.Contains(err.Error(), "refused the credentials") {
		t.Fatalf("wrong key: %v", err)
	}
	if code, err := put("evo-key-2"); code != http.StatusOK || err != nil {
		t.Fatalf("put: %d %v", code, err)
	}
	var pinned []string
	for range 5 {
		var m store.Message
		body := map[string]any{"to": "+34600111222", "text": "hola", "instance": "sales-2"}
		if _, err := cl.call(t.Context(), http.MethodPost, "/v1/messages", body, &m); err != nil {
			t.Fatal(err)
		}
		pinned = append(pinned, m.ID)
	}
	for _, id := range pinned {
		if m := waitStatus(t, cl, id, store.Sent); m.Instance != "sales-2" {
			t.Fatalf("pinned message sent by %q", m.Instance)
		}
	}
	for _, id := range enqueueN(t, cl, 3) { // the same contact: it stays on sales-2
		if m := waitStatus(t, cl, id, store.Sent); m.Instance != "sales-2" {
			t.Fatalf("unpinned message to a contact of sales-2 sent by %q", m.Instance)
		}
	}
	if one.Sends() != 0 || two.Sends() != 8 {
		t.Fatalf("sends: sales-1 %d, sales-2 %d", one.Sends(), two.Sends())
	}
	q := get(t, cl, "/v1/queue")
	if !strings.Contains(q, `"name":"sales-1"`) || !strings.Contains(q, `"name":"sales-2"`) {
		t.Fatalf("queue: %s", q)
	}
}
