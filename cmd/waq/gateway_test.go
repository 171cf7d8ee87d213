package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/waqhq/waq/internal/timetest"
	"github.com/waqhq/waq/sender/callback"
	"github.com/waqhq/waq/sender/cloudapi/cloudapitest"
	"github.com/waqhq/waq/sender/evolution/evolutiontest"
	"github.com/waqhq/waq/store"
)

// enqueueN enqueues n text messages through the API and returns their ids.
func enqueueN(t *testing.T, cl *client, n int) []string {
	t.Helper()
	ids := make([]string, n)
	for i := range ids {
		var m store.Message
		body := map[string]any{"to": "+34600111222", "text": "Su cita es mañana"}
		if _, err := cl.call(t.Context(), http.MethodPost, "/v1/messages", body, &m); err != nil {
			t.Fatal(err)
		}
		ids[i] = m.ID
	}
	return ids
}

// post sends a webhook body to waq and returns the status and body.
func post(t *testing.T, url string, body []byte, headers ...string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// get returns the body of an authorized GET.
func get(t *testing.T, cl *client, path string) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, cl.url+path, nil)
	req.Header.Set("Authorization", "Bearer "+testKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// The whole Evolution path on the real clock at 10/2s: sends paced so no
// two seconds hold more than ten at the fake Evolution API, statuses by
// webhook, a logout pausing the instance and an "open" resuming it.
func TestEvolutionEndToEnd(t *testing.T) {
	evo := evolutiontest.New("evo-key", "sales-1")
	t.Cleanup(evo.Close)
	cfg := testConfig(t.TempDir(), GatewayEvolution)
	cfg.Rate, cfg.WebhookToken = "10/2s", "hook-token"
	cfg.Evolution = EvolutionConfig{APIURL: evo.URL, APIKey: "evo-key", Instance: "sales-1"}
	m, cl := startMain(t, cfg)
	ids := enqueueN(t, cl, 25)
	for _, id := range ids {
		waitStatus(t, cl, id, store.Sent)
	}
	var at []time.Time
	for _, r := range evo.Requests() {
		at = append(at, r.At)
	}
	slices.SortFunc(at, time.Time.Compare)
	if got := mostInWindow(at, 2*time.Second); got > 10 {
		t.Fatalf("the gateway saw %d sends within 2s; the rate is 10/2s", got)
	}
	hook := "http://" + m.HTTPAddr() + "/v1/webhooks/evolution"
	sent := waitStatus(t, cl, ids[0], store.Sent)
	if code, body := post(t, hook+"?token=hook-token", evolutiontest.StatusUpdate("sales-1", sent.GatewayMessageID, "READ")); code != 200 {
		t.Fatalf("webhook: %d %s", code, body)
	}
	waitStatus(t, cl, ids[0], store.Read)
	if code, _ := post(t, hook, evolutiontest.StatusUpdate("sales-1", sent.GatewayMessageID, "READ")); code != 401 {
		t.Fatalf("a webhook without the token answered %d", code)
	}

	post(t, hook, evolutiontest.ConnectionUpdate("sales-1", "close", 401), "X-Waq-Webhook-Token", "hook-token")
	for _, path := range []string{"/v1/queue", "/healthz", "/metrics"} {
		if body := get(t, cl, path); !strings.Contains(body, `paused`) {
			t.Fatalf("%s does not show the paused instance:\n%s", path, body)
		}
	}
	if body := get(t, cl, "/metrics"); !strings.Contains(body, `waq_instance_paused{wa_instance="sales-1"} 1`) {
		t.Fatalf("metrics:\n%s", body)
	}
	held := enqueueN(t, cl, 1)[0]
	time.Sleep(300 * time.Millisecond)
	if got := waitStatus(t, cl, held, store.Queued); got.Attempts != 0 {
		t.Fatalf("a paused instance spent an attempt: %+v", got)
	}
	post(t, hook, evolutiontest.ConnectionUpdate("sales-1", "open", 200), "X-Waq-Webhook-Token", "hook-token")
	waitStatus(t, cl, held, store.Sent)
}

// mostInWindow returns the most times of ts (ascending) within one window.
func mostInWindow(ts []time.Time, w time.Duration) int {
	best, lo := 0, 0
	for hi := range ts {
		for ts[hi].Sub(ts[lo]) >= w {
			lo++
		}
		best = max(best, hi-lo+1)
	}
	return best
}

// The Cloud API path: a send, a signed "read" webhook, an expired token
// pausing the instance without spending the message's attempts, and the
// operator's resume.
func TestCloudAPIEndToEnd(t *testing.T) {
	graph := cloudapitest.New("graph-token", "123456")
	t.Cleanup(graph.Close)
	cfg := testConfig(t.TempDir(), GatewayCloudAPI)
	cfg.WhatsApp = WhatsAppConfig{Token: "graph-token", PhoneNumberID: "123456", AppSecret: "app-secret",
		VerifyToken: "verify", APIURL: graph.URL}
	m, cl := startMain(t, cfg)
	id := enqueueN(t, cl, 1)[0]
	sent := waitStatus(t, cl, id, store.Sent)
	body := cloudapitest.StatusBody("123456", sent.GatewayMessageID, "read", 0)
	hook := "http://" + m.HTTPAddr() + "/v1/webhooks/whatsapp"
	if code, out := post(t, hook, body, "X-Hub-Signature-256", cloudapitest.Sign("app-secret", body)); code != 200 {
		t.Fatalf("webhook: %d %s", code, out)
	}
	waitStatus(t, cl, id, store.Read)

	graph.Script(cloudapitest.Code(190))
	id = enqueueN(t, cl, 1)[0]
	waitFor(t, "the instance paused", func() bool { return strings.Contains(get(t, cl, "/v1/queue"), `"state":"paused"`) })
	if got := waitStatus(t, cl, id, store.Queued); got.Attempts != 0 || !strings.Contains(get(t, cl, "/healthz"), "190") {
		t.Fatalf("after an expired token: %+v", got)
	}
	if _, err := cl.call(t.Context(), http.MethodPost, "/v1/queue/resume", nil, nil); err != nil {
		t.Fatal(err)
	}
	waitStatus(t, cl, id, store.Sent)
}

// waitDeadline bounds every wait of these tests for a state.
const waitDeadline = timetest.WaitMax

// waitFor is timetest.WaitFor under the short name these tests call (the
// crash tests among them).
var waitFor = timetest.WaitFor

// Retries on the real clock: Evolution's "Connection Closed" is retried
// after RetryBase, twice that, four times that, then the message is dead
// with the last error, each wait measured at the fake gateway.
func TestEvolutionRetryTimings(t *testing.T) {
	evo := evolutiontest.New("evo-key", "sales-1")
	t.Cleanup(evo.Close)
	cfg := testConfig(t.TempDir(), GatewayEvolution)
	cfg.RetryBase = time.Second
	cfg.Evolution = EvolutionConfig{APIURL: evo.URL, APIKey: "evo-key", Instance: "sales-1"}
	evo.Script(evolutiontest.ConnectionClosed400(), evolutiontest.ConnectionClosed500(),
		evolutiontest.ConnectionClosed400(), evolutiontest.TimedOut400())
	_, cl := startMain(t, cfg)
	id := enqueueN(t, cl, 1)[0]
	dead := waitStatus(t, cl, id, store.Dead)
	if dead.Attempts != 4 || !strings.Contains(dead.LastError, "Timed Out") {
		t.Fatalf("dead after %d attempts with %q", dead.Attempts, dead.LastError)
	}
	reqs := evo.Requests()
	if len(reqs) != 4 {
		t.Fatalf("%d gateway calls, want 4", len(reqs))
	}
	// Each retry waits at least its backoff, which doubles. A busy machine
	// may add any delay on top (the scheduler ticks every 50 ms on the real
	// clock), so only the lower bound is checked; the exact waits are
	// tested on a fake clock in the sender.
	for i, want := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second} {
		got := reqs[i+1].At.Sub(reqs[i].At)
		if got < want {
			t.Fatalf("retry %d came %s after the try before, want at least %s", i+1, got, want)
		}
		t.Logf("retry %d: %s after the try before (backoff %s)", i+1, got, want)
	}
}

// Status callbacks: the demo's sent, delivered and read reach
// WAQ_CALLBACK_URL, each signed with WAQ_CALLBACK_SECRET.
func TestStatusCallbacks(t *testing.T) {
	var mu sync.Mutex
	var got []string
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var ev struct{ ID, Status string }
		_ = json.Unmarshal(body, &ev)
		mu.Lock()
		defer mu.Unlock()
		if r.Header.Get("X-Waq-Signature") == callback.Sign("cb-secret", body) {
			got = append(got, ev.ID+":"+ev.Status)
		}
	}))
	t.Cleanup(hook.Close)
	cfg := testConfig(t.TempDir(), GatewayDemo)
	cfg.CallbackURL, cfg.CallbackSecret = hook.URL, "cb-secret"
	_, cl := startMain(t, cfg)
	id := enqueueN(t, cl, 1)[0]
	waitStatus(t, cl, id, store.Read)
	waitFor(t, "three signed callbacks", func() bool {
		mu.Lock()
		defer mu.Unlock()
		slices.Sort(got) // workers may deliver out of order; each carries its status and time
		return strings.Join(got, " ") == id+":delivered "+id+":read "+id+":sent"
	})
}
