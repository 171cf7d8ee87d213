package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/waqhq/waq/sender/evolution/evolutiontest"
	"github.com/waqhq/waq/store"
	"github.com/waqhq/waq/store/disktest"
	"github.com/waqhq/waq/store/redistest"
)

// liveServer is a waq serve child process seen through its HTTP API.
type liveServer struct{ base string }

// do sends a request with the test key and returns the status and body.
func (l liveServer) do(t *testing.T, method, path, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, l.base+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+testKey)
	req.Header.Set("Content-Type", "application/json")
	r, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err.Error()
	}
	defer r.Body.Close()
	b, _ := io.ReadAll(r.Body)
	return r.StatusCode, string(b)
}

// The data disk fills up while waq serve enqueues and sends: enqueues get
// 507 disk_full, /readyz 503 with the reason, /healthz and /metrics raise
// the alert; once space is freed waq goes on without a restart, sends every
// message it acknowledged, and the file passes waq check.
func TestServeDiskFull(t *testing.T) {
	dir := disktest.Small(t, "8m")
	evo := evolutiontest.New("k", "sales-1")
	t.Cleanup(evo.Close)
	addr := fmt.Sprintf("127.0.0.1:%d", redistest.FreePort(t))
	srv := serveProcess(t, dir, evo.URL, "WAQ_HTTP_ADDR="+addr, "WAQ_API_KEY="+testKey, "WAQ_RATE=1000/1s")
	t.Cleanup(func() { _ = srv.Process.Kill(); _ = srv.Wait() })
	l := liveServer{base: "http://" + addr}
	waitFor(t, "waq serve to be ready", func() bool { code, _ := l.do(t, "GET", "/readyz", ""); return code == 200 })

	var acked []string
	enqueue := func(i int) (int, string) {
		code, body := l.do(t, "POST", "/v1/messages", fmt.Sprintf(`{"to":"+346001%05d","text":"%s"}`, i, strings.Repeat("x", 900)))
		if code == http.StatusCreated {
			var m store.Message
			if err := json.Unmarshal([]byte(body), &m); err != nil {
				t.Fatal(err)
			}
			acked = append(acked, m.ID)
		}
		return code, body
	}
	for i := range 20 {
		if code, body := enqueue(i); code != http.StatusCreated {
			t.Fatalf("enqueue before the disk is full: %d %s", code, body)
		}
	}
	filler := disktest.Fill(t, dir)
	code, body := http.StatusCreated, ""
	for i := 20; code == http.StatusCreated && i < 5000; i++ {
		code, body = enqueue(i)
	}
	if code != http.StatusInsufficientStorage || !strings.Contains(body, `{"error":{"code":"disk_full"`) {
		t.Fatalf("enqueue on a full disk: %d %s", code, body)
	}
	wantAnswer(t, l, "/readyz", 503, "disk is full")
	wantAnswer(t, l, "/healthz", 200, `"kind":"disk_full"`)
	wantAnswer(t, l, "/metrics", 200, "\nwaq_disk_full 1\n")

	disktest.Free(t, filler)
	waitFor(t, "/readyz to answer 200 after space was freed", func() bool { code, _ := l.do(t, "GET", "/readyz", ""); return code == 200 })
	wantAnswer(t, l, "/metrics", 200, "\nwaq_disk_full 0\n")
	if code, body := enqueue(99999); code != http.StatusCreated {
		t.Fatalf("enqueue after space was freed: %d %s", code, body)
	}
	// A send the gateway accepted while the disk was full is recorded once
	// space returns (the sender keeps the outcome and tries again), so no
	// message waits for its lease to run out and goes twice.
	deadline := time.Now().Add(60 * time.Second)
	for _, id := range acked {
		for code, body = l.do(t, "GET", "/v1/messages/"+id, ""); !strings.Contains(body, `"status":"sent"`); code, body = l.do(t, "GET", "/v1/messages/"+id, "") {
			if time.Now().After(deadline) {
				t.Fatalf("acknowledged message %s after space came back: %d %s", id, code, body)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	_ = srv.Process.Signal(syscall.SIGTERM)
	if err := srv.Wait(); err != nil {
		t.Fatalf("waq serve after SIGTERM: %v", err)
	}
	if code, out, errOut := runCLI(t, nil, "check", filepath.Join(dir, store.FileName)); code != 0 || out != "ok\n" {
		t.Fatalf("waq check: exit %d, %q %q", code, out, errOut)
	}
	if n := evo.Sends(); n != len(acked) {
		t.Fatalf("%d gateway sends for %d acknowledged messages; a send accepted while the disk was full went twice", n, len(acked))
	}
	t.Logf("%d messages acknowledged and sent, %d gateway sends; the rest refused with 507", len(acked), evo.Sends())
}

// wantAnswer fails unless GET path answers code with a body holding want.
func wantAnswer(t *testing.T, l liveServer, path string, code int, want string) {
	t.Helper()
	if got, body := l.do(t, "GET", path, ""); got != code || !strings.Contains(body, want) {
		t.Fatalf("GET %s: %d %s, want %d with %q", path, got, body, code, want)
	}
}
