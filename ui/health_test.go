package ui_test

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/waqhq/waq/internal/timetest"
	"github.com/waqhq/waq/store"
	"github.com/waqhq/waq/store/disktest"
	"github.com/waqhq/waq/ui"
)

type healthAnswer struct {
	Status    string
	Version   string
	Paused    bool
	Instances []ui.Instance
	Alerts    []struct{ Kind, Instance, Message string }
}

func TestHealthz(t *testing.T) {
	f := func(instances func() []ui.Instance, pause bool, wantKinds ...string) {
		t.Helper()
		b := setup(t, func(o *ui.Options) { o.Instances = instances; o.APIKey = "k" })
		if pause {
			b.st.SetPaused(true)
		}
		b.key = "" // healthz needs no key
		h := decode[healthAnswer](t, b.do(t, "GET", "/healthz", "").want(t, 200))
		if h.Status != "ok" || h.Version != "test" || h.Paused != pause || h.Instances == nil || len(h.Alerts) != len(wantKinds) {
			t.Fatalf("healthz: %+v", h)
		}
		for i, k := range wantKinds {
			if h.Alerts[i].Kind != k || h.Alerts[i].Message == "" {
				t.Fatalf("alert %d: %+v, want %s", i, h.Alerts[i], k)
			}
		}
	}
	active := ui.Instance{Name: "demo", Gateway: "demo", State: "active", Rate: "80/1m"}
	paused := ui.Instance{Name: "sales-1", Gateway: "evolution", State: "paused", PausedReason: "instance logged out", Rate: "80/1m"}
	f(nil, false, "no_gateway")
	f(func() []ui.Instance { return nil }, false, "no_gateway") // every instance disabled
	f(func() []ui.Instance { return []ui.Instance{active} }, false)
	f(func() []ui.Instance { return []ui.Instance{active} }, true, "queue_paused")
	f(func() []ui.Instance { return []ui.Instance{active, paused} }, false, "instance_paused")
}

func TestReadyz(t *testing.T) {
	b := setup(t, func(o *ui.Options) { o.APIKey = "k" })
	b.key = ""
	if got := decode[map[string]string](t, b.do(t, "GET", "/readyz", "").want(t, 200)); got["status"] != "ready" {
		t.Fatalf("readyz: %v", got)
	}
	b.srv.SetStopping()
	b.do(t, "GET", "/readyz", "").wantError(t, http.StatusServiceUnavailable, "unavailable", "")

	c := setup(t)
	c.st.Close()
	c.do(t, "GET", "/readyz", "").wantError(t, http.StatusServiceUnavailable, "unavailable", "")
	c.do(t, "POST", "/v1/messages", `{"to":"+34600111222","text":"x"}`).wantError(t, http.StatusServiceUnavailable, "unavailable", "")
}

func TestBackup(t *testing.T) {
	b := setup(t)
	m := b.message(t, `{"to":"+34600111222","text":"x"}`)
	r := b.do(t, "GET", "/v1/backup", "").want(t, 200)
	if ct := r.header.Get("Content-Type"); ct != "application/octet-stream" {
		t.Fatalf("Content-Type %q", ct)
	}
	if cd := r.header.Get("Content-Disposition"); cd != `attachment; filename="waq-20261126T100000Z.db"` {
		t.Fatalf("Content-Disposition %q", cd)
	}
	path := filepath.Join(t.TempDir(), "copy.db")
	if err := os.WriteFile(path, r.body, 0o600); err != nil {
		t.Fatal(err)
	}
	if probs, err := store.Check(path); err != nil || len(probs) > 0 {
		t.Fatalf("check of the backup: %v %v", err, probs)
	}
	cp, err := store.Open(path, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer cp.Close()
	if got, err := cp.Message(m.ID); err != nil || got.To != m.To {
		t.Fatalf("message in the backup: %v", err)
	}

	c := setup(t)
	c.st.Close()
	c.do(t, "GET", "/v1/backup", "").wantError(t, http.StatusServiceUnavailable, "unavailable", "")
}

func TestOpenAPI(t *testing.T) {
	b := setup(t)
	r := b.do(t, "GET", "/v1/openapi.json", "").want(t, 200)
	doc := decode[struct {
		OpenAPI string                    `json:"openapi"`
		Paths   map[string]map[string]any `json:"paths"`
	}](t, r)
	if !strings.HasPrefix(doc.OpenAPI, "3.") || doc.Paths["/v1/messages"]["post"] == nil || r.header.Get("Content-Type") != "application/json" {
		t.Fatalf("openapi: %.200s", r.body)
	}
}

func TestNotImplemented(t *testing.T) {
	b := setup(t)
	for _, rt := range []string{
		// The analytics routes answer 501 only without a stats.Reader
		// (stats_test.go), /metrics only without its handler.
		"GET /metrics",
	} {
		method, path, _ := strings.Cut(rt, " ")
		b.do(t, method, path, `{}`).wantError(t, http.StatusNotImplemented, "not_implemented", "")
	}
}

func TestRoutingErrors(t *testing.T) {
	b := setup(t)
	b.do(t, "GET", "/v1/nothing", "").wantError(t, 404, "not_found", "")
	b.do(t, "GET", "/v1/queue/", "").wantError(t, 404, "not_found", "")
	r := b.do(t, "PUT", "/v1/messages", "")
	r.wantError(t, 405, "method_not_allowed", "")
	if allow := r.header.Get("Allow"); !strings.Contains(allow, "GET") || !strings.Contains(allow, "POST") {
		t.Fatalf("Allow %q", allow)
	}
	b.do(t, "OPTIONS", "/v1/queue", "").wantError(t, 405, "method_not_allowed", "")
}

func TestMetricsAndPanic(t *testing.T) {
	metrics := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Has("panic") {
			panic("boom")
		}
		w.Write([]byte("waq_up 1\n"))
	})
	b := setup(t, func(o *ui.Options) { o.Metrics = metrics })
	if r := b.do(t, "GET", "/metrics", "").want(t, 200); string(r.body) != "waq_up 1\n" {
		t.Fatalf("metrics: %s", r.body)
	}
	e := b.do(t, "GET", "/metrics?panic=1", "").wantError(t, 500, "internal", "")
	if strings.Contains(e.Message, "boom") {
		t.Fatalf("a panic's details reached the client: %s", e.Message)
	}
	var v any
	if err := json.Unmarshal(b.do(t, "GET", "/v1/queue", "").want(t, 200).body, &v); err != nil {
		t.Fatal("the server does not answer after a panic")
	}
}

// A full data disk: new messages get 507 disk_full, /readyz says 503 and
// why, /healthz (and so the status page) carries a disk_full alert; once
// space is freed all of it clears by itself.
func TestDiskFull(t *testing.T) {
	dir := disktest.Small(t, "4m")
	b := &bundle{clock: timetest.NewClock(), path: filepath.Join(dir, store.FileName), key: "k"}
	st, err := store.Open(b.path, store.Options{Now: b.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	b.st, b.srv = st, ui.NewServer(st, ui.Options{Version: "test", MaxAttempts: 4, Now: b.clock.Now, APIKey: "k"})
	b.h = b.srv.Handler()
	body := `{"to":"+34600111222","text":"` + strings.Repeat("x", 900) + `"}`
	filler := disktest.Fill(t, dir)
	r := b.do(t, "POST", "/v1/messages", body)
	for i := 0; i < 1000 && r.code == http.StatusCreated; i++ {
		r = b.do(t, "POST", "/v1/messages", body)
	}
	r.wantError(t, http.StatusInsufficientStorage, "disk_full", "")
	if e := b.do(t, "GET", "/readyz", "").wantError(t, http.StatusServiceUnavailable, "unavailable", ""); !strings.Contains(e.Message, "disk is full since 2026-11-26T10:00:00Z") {
		t.Fatalf("readyz on a full disk says %q", e.Message)
	}
	if h := decode[healthAnswer](t, b.do(t, "GET", "/healthz", "").want(t, 200)); len(h.Alerts) == 0 || h.Alerts[0].Kind != "disk_full" {
		t.Fatalf("healthz on a full disk: %+v", h)
	}

	disktest.Free(t, filler)
	deadline := time.Now().Add(30 * time.Second)
	for r = b.do(t, "GET", "/readyz", ""); r.code != 200; r = b.do(t, "GET", "/readyz", "") {
		if time.Now().After(deadline) {
			t.Fatalf("readyz 30s after space was freed: %d %s", r.code, r.body)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if h := decode[healthAnswer](t, b.do(t, "GET", "/healthz", "").want(t, 200)); len(h.Alerts) != 1 || h.Alerts[0].Kind != "no_gateway" {
		t.Fatalf("healthz after space was freed: %+v", h)
	}
	b.message(t, body)
}
