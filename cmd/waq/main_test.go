package main

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/waqhq/waq/store"
)

const testKey = "test-key"

// testConfig is a demo server on a random loopback port in dir.
func testConfig(dir, gateway string) Config {
	cfg := DefaultConfig()
	cfg.DataDir, cfg.HTTPAddr, cfg.RESPAddr = dir, "127.0.0.1:0", ""
	cfg.Gateway, cfg.Rate, cfg.APIKey = gateway, "1000/1s", testKey
	return cfg
}

// startMain runs a Main on cfg and closes it when the test ends.
func startMain(t *testing.T, cfg Config) (*Main, *client) {
	t.Helper()
	m := NewMain(cfg, slog.New(slog.NewTextHandler(t.Output(), nil)))
	if err := m.Run(t.Context()); err != nil {
		t.Fatalf("run: %v", err)
	}
	t.Cleanup(func() { m.Close() })
	cl, err := newClient(Config{Server: "http://" + m.HTTPAddr(), APIKey: testKey})
	if err != nil {
		t.Fatal(err)
	}
	return m, cl
}

// waitStatus polls message id until its status is one of want.
func waitStatus(t *testing.T, cl *client, id string, want ...store.Status) *store.Message {
	t.Helper()
	deadline := time.Now().Add(waitDeadline)
	for {
		var m store.Message
		if _, err := cl.call(t.Context(), http.MethodGet, "/v1/messages/"+id, nil, &m); err != nil {
			t.Fatalf("get message: %v", err)
		}
		for _, st := range want {
			if m.Status == st {
				return &m
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("message %s is %s, want %v", id, m.Status, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// A message enqueued through waq send goes out through the demo gateway,
// is read, and is still there after a restart on the same data file.
func TestMainEndToEnd(t *testing.T) {
	cfg := testConfig(t.TempDir(), GatewayDemo)
	m, cl := startMain(t, cfg)
	env := map[string]string{"WAQ_URL": "http://" + m.HTTPAddr(), "WAQ_API_KEY": testKey}
	code, out, errOut := runCLI(t, env, "send", "--to", "+34600111222", "--text", "hola", "--campaign", "spring")
	if code != 0 {
		t.Fatalf("send: exit %d, stderr %q", code, errOut)
	}
	id := strings.Fields(out)[0]
	waitStatus(t, cl, id, store.Read)

	code, out, _ = runCLI(t, env, "queue")
	if code != 0 || !strings.Contains(out, "demo      demo     active") {
		t.Fatalf("queue: exit %d:\n%s", code, out)
	}
	backup := filepath.Join(t.TempDir(), "backup.db")
	if code, _, errOut := runCLI(t, env, "backup", "--out", backup); code != 0 {
		t.Fatalf("backup: exit %d, stderr %q", code, errOut)
	}
	if code, out, _ := runCLI(t, nil, "check", backup); code != 0 || out != "ok\n" {
		t.Fatalf("check backup: exit %d, %q", code, out)
	}
	if err := m.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}

	_, cl = startMain(t, cfg)
	got := waitStatus(t, cl, id, store.Read)
	if got.Campaign != "spring" || got.Attempts != 1 || got.ReadAt == nil {
		t.Fatalf("after restart: %+v", got)
	}
}

// A message left sending by a crash (lease taken, file closed without
// release) is queued again at start, and sent by the demo gateway.
func TestMainCrashRecovery(t *testing.T) {
	f := func(gateway string, want ...store.Status) {
		t.Helper()
		dir := t.TempDir()
		st, err := store.Open(filepath.Join(dir, store.FileName), store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		m, _, err := st.Enqueue(&store.Message{To: "+34600111222", Text: "hola"})
		if err != nil {
			t.Fatal(err)
		}
		if leased, err := st.Lease(time.Now().Add(time.Hour)); err != nil || leased.ID != m.ID {
			t.Fatalf("lease: %v", err)
		}
		st.Close() // the crash: the lease is never released

		_, cl := startMain(t, testConfig(dir, gateway))
		got := waitStatus(t, cl, m.ID, want...)
		if got.Attempts > 1 {
			t.Fatalf("%s: %d attempts after recovery", gateway, got.Attempts)
		}
	}
	f(GatewayNone, store.Queued)
	f(GatewayDemo, store.Sent, store.Delivered, store.Read)
}

// waq serve runs until its context ends, then stops cleanly and exits 0.
func TestServeCommand(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan int)
	go func() {
		code, _, _ := runCLIContext(ctx, map[string]string{"WAQ_RESP_ADDR": ""}, "serve", "--demo", "--data-dir", t.TempDir(), "--http-addr", addr)
		done <- code
	}()
	deadline := time.Now().Add(waitDeadline)
	for {
		resp, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("server did not answer: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("serve exited %d", code)
	}
}
