package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// fakeAPI answers each "METHOD /path" with a status and a body, and records
// what it was asked.
type fakeAPI struct {
	t       *testing.T
	answers map[string]answer
	mu      sync.Mutex
	got     []request
}

type answer struct {
	status int
	body   string
}

type request struct {
	route, query, auth, body string
}

func newFakeAPI(t *testing.T, answers map[string]answer) (*fakeAPI, map[string]string) {
	f := &fakeAPI{t: t, answers: answers}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, map[string]string{"WAQ_URL": srv.URL, "WAQ_API_KEY": "secret"}
}

func (f *fakeAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	route := r.Method + " " + r.URL.Path
	f.mu.Lock()
	f.got = append(f.got, request{route, r.URL.RawQuery, r.Header.Get("Authorization"), string(body)})
	f.mu.Unlock()
	a, ok := f.answers[route]
	if !ok {
		a = answer{404, `{"error": {"code": "not_found", "message": "no route"}}`}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(a.status)
	io.WriteString(w, a.body)
}

// last returns the last request, checking its route and bearer key.
func (f *fakeAPI) last(route string) request {
	f.t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.got) == 0 {
		f.t.Fatalf("no request, want %s", route)
	}
	r := f.got[len(f.got)-1]
	if r.route != route || r.auth != "Bearer secret" {
		f.t.Fatalf("request %s with %q, want %s with the key", r.route, r.auth, route)
	}
	return r
}

// jsonEq reports whether two JSON texts hold the same value.
func jsonEq(t *testing.T, got, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal([]byte(got), &g); err != nil {
		t.Fatalf("body %q: %v", got, err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatal(err)
	}
	gb, _ := json.Marshal(g)
	wb, _ := json.Marshal(w)
	if string(gb) != string(wb) {
		t.Fatalf("body %s, want %s", gb, wb)
	}
}

const queuedMessage = `{"id": "01JA", "to": "+34600111222", "type": "text", "text": "hi",
	"priority": "high", "status": "queued", "attempts": 0, "max_attempts": 4}`

func TestSend(t *testing.T) {
	api, env := newFakeAPI(t, map[string]answer{"POST /v1/messages": {201, queuedMessage}})
	code, out, errOut := runCLI(t, env, "send", "--to", "+34600111222", "--text", "hi", "--priority", "high",
		"--at", "10m", "--campaign", "spring", "--idempotency-key", "k1")
	if code != 0 || out != "01JA queued\n" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	jsonEq(t, api.last("POST /v1/messages").body, `{"to": "+34600111222", "text": "hi", "priority": "high",
		"delay": "10m0s", "campaign": "spring", "idempotency_key": "k1"}`)

	code, _, _ = runCLI(t, env, "send", "--to", "+34600111222", "--text", "hi", "--at", "2030-01-02T09:00:00+01:00")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	jsonEq(t, api.last("POST /v1/messages").body, `{"to": "+34600111222", "text": "hi", "send_at": "2030-01-02T09:00:00+01:00"}`)
}

func TestSendExisting(t *testing.T) {
	_, env := newFakeAPI(t, map[string]answer{"POST /v1/messages": {200, queuedMessage}})
	_, out, _ := runCLI(t, env, "send", "--to", "+34600111222", "--text", "hi", "--idempotency-key", "k1")
	if out != "01JA queued (already enqueued with this idempotency key)\n" {
		t.Fatalf("stdout %q", out)
	}
	_, out, _ = runCLI(t, env, "send", "--to", "+34600111222", "--text", "hi", "--json")
	if !strings.Contains(out, "\n  \"id\": \"01JA\",\n") {
		t.Fatalf("--json printed %q", out)
	}
}

func TestClientErrors(t *testing.T) {
	_, env := newFakeAPI(t, map[string]answer{
		"POST /v1/messages":  {422, `{"error": {"code": "invalid", "field": "to", "message": "must be an E.164 phone number such as +34600111222"}}`},
		"GET /v1/queue":      {401, `{"error": {"code": "unauthorized", "message": "missing or wrong API key"}}`},
		"POST /v1/dlq/retry": {502, "<html>bad gateway</html>"},
	})
	f := func(want string, args ...string) {
		t.Helper()
		code, out, errOut := runCLI(t, env, args...)
		if code != 1 || out != "" || errOut != want {
			t.Fatalf("waq %q: exit %d, stdout %q, stderr %q; want exit 1 and %q", args, code, out, errOut, want)
		}
	}
	f("waq: invalid: to: must be an E.164 phone number such as +34600111222\n", "send", "--to", "12", "--text", "hi")
	f("waq: unauthorized: missing or wrong API key (set WAQ_API_KEY or --api-key)\n", "queue")
	f("waq: POST /v1/dlq/retry: server answered 502 Bad Gateway: <html>bad gateway</html>\n", "dlq", "retry-all")

	env["WAQ_URL"] = refusedURL(t)
	f("waq: no waq server answers at "+env["WAQ_URL"]+" (is waq serve running? set WAQ_URL or --server)\n", "queue")
	f("waq: WAQ_URL: \"127.0.0.1:8088\" is not an http(s) URL such as https://host/path\n", "queue", "--server", "127.0.0.1:8088")
}

// refusedURL returns the URL of a port where nothing listens.
func refusedURL(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(http.NotFoundHandler())
	srv.Close()
	return srv.URL
}

func TestQueue(t *testing.T) {
	body := `{"paused": true, "counts": {"queued": 3, "sent": 12, "dead": 1},
		"by_priority": {"critical": 1, "normal": 2},
		"instances": [{"name": "demo", "gateway": "demo", "state": "active", "rate": "80/1m", "sent_last_window": 7,
			"daily_cap": 250, "sent_last_day": 120, "queue": {"queued": 3, "pinned": 0, "waiting": 0}},
			{"name": "spare", "gateway": "evolution", "state": "paused", "paused_reason": "logged out", "rate": "80/1m",
			"sent_last_window": 0, "sent_last_day": 4, "queue": {"queued": 2, "pinned": 2, "waiting": 2}}],
		"oldest_queued_age_seconds": 42.4, "throughput": 1}`
	api, env := newFakeAPI(t, map[string]answer{"GET /v1/queue": {200, body}})
	code, out, _ := runCLI(t, env, "queue")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	api.last("GET /v1/queue")
	for _, want := range []string{"sending:        paused", "oldest queued:  42s", "queued     3\n", "sent       12\n",
		"held       0\n", "critical  1\n", "low       0\n",
		"demo      demo       active              80/1m  7               120 of 250  3       0\n",
		"spare     evolution  paused: logged out  80/1m  0               4           2       2\n"} {
		if !strings.Contains(out, want) {
			t.Fatalf("output lacks %q:\n%s", want, out)
		}
	}
	_, out, _ = runCLI(t, env, "queue", "--json")
	jsonEq(t, out, body)
}

func TestQueueNoGateway(t *testing.T) {
	_, env := newFakeAPI(t, map[string]answer{"GET /v1/queue": {200, `{"counts": {}, "instances": []}`}})
	_, out, _ := runCLI(t, env, "queue")
	if !strings.Contains(out, "sending:  running\n") || !strings.Contains(out, "no gateway: messages wait") {
		t.Fatalf("output:\n%s", out)
	}
}

func TestDLQ(t *testing.T) {
	list := `{"messages": [{"id": "01JB", "to": "+34600111222", "status": "dead", "attempts": 4,
		"updated_at": "2025-06-01T09:00:00+02:00", "last_error": "number not on WhatsApp", "campaign": "spring"}],
		"next_cursor": "01JB"}`
	api, env := newFakeAPI(t, map[string]answer{
		"GET /v1/dlq":        {200, list},
		"POST /v1/dlq/retry": {200, `{"retried": 2}`},
	})
	code, out, _ := runCLI(t, env, "dlq", "list", "--limit", "10")
	if code != 0 || !strings.Contains(out, "01JB  +34600111222  spring    4         2025-06-01T07:00:00Z  number not on WhatsApp\n") ||
		!strings.Contains(out, "more: waq dlq list --cursor 01JB\n") {
		t.Fatalf("exit %d, output:\n%s", code, out)
	}
	if q := api.last("GET /v1/dlq").query; q != "limit=10" {
		t.Fatalf("query %q", q)
	}

	f := func(wantBody string, args ...string) {
		t.Helper()
		code, out, errOut := runCLI(t, env, args...)
		if code != 0 || out != "retried 2\n" {
			t.Fatalf("waq %q: exit %d, stdout %q, stderr %q", args, code, out, errOut)
		}
		got := api.last("POST /v1/dlq/retry").body
		if wantBody == "" && got != "" {
			t.Fatalf("waq %q sent %q, want an empty body", args, got)
		} else if wantBody != "" {
			jsonEq(t, got, wantBody)
		}
	}
	f(`{"ids": ["01JB", "01JC"]}`, "dlq", "retry", "01JB", "01JC")
	f(`{"ids": ["01JB"]}`, "dlq", "retry", "01JB", "--server", env["WAQ_URL"]) // flags after the ids
	f("", "dlq", "retry-all")
	f(`{"campaign": "spring"}`, "dlq", "retry-all", "--campaign", "spring")
}

func TestDLQEmpty(t *testing.T) {
	_, env := newFakeAPI(t, map[string]answer{"GET /v1/dlq": {200, `{"messages": []}`}})
	if _, out, _ := runCLI(t, env, "dlq", "list"); out != "the dead-letter queue is empty\n" {
		t.Fatalf("stdout %q", out)
	}
}

func TestBackupFromServer(t *testing.T) {
	snapshot := strings.Repeat("bbolt page ", 1000)
	api, env := newFakeAPI(t, map[string]answer{"GET /v1/backup": {200, snapshot}})
	dir := t.TempDir()
	out := filepath.Join(dir, "waq-backup.db")
	code, stdout, errOut := runCLI(t, env, "backup", "--out", out)
	if code != 0 || stdout != "wrote "+out+" (11000 bytes) from "+env["WAQ_URL"]+"\n" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, errOut)
	}
	api.last("GET /v1/backup")
	if b, err := os.ReadFile(out); err != nil || string(b) != snapshot {
		t.Fatalf("backup holds %d bytes, err %v", len(b), err)
	}
	if fi, _ := os.Stat(out); fi.Mode().Perm() != 0o600 {
		t.Fatalf("backup mode %v, want 0600", fi.Mode())
	}
	assertOnlyFile(t, dir, "waq-backup.db")
}

func TestBackupServerError(t *testing.T) {
	_, env := newFakeAPI(t, map[string]answer{
		"GET /v1/backup": {503, `{"error": {"code": "unavailable", "message": "stopping"}}`},
	})
	dir := t.TempDir()
	code, _, errOut := runCLI(t, env, "backup", "--out", filepath.Join(dir, "b.db"))
	if code != 1 || errOut != "waq: backup: unavailable: stopping\n" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	assertOnlyFile(t, dir) // no partial file, no temporary file
}

// assertOnlyFile fails unless dir holds exactly the named files.
func assertOnlyFile(t *testing.T, dir string, names ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if strings.Join(got, ",") != strings.Join(names, ",") {
		t.Fatalf("%s holds %q, want %q", dir, got, names)
	}
}
