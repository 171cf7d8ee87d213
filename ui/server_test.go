package ui_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/waqhq/waq/store"
	"github.com/waqhq/waq/ui"
)

// The real thing: an http.Server on a loopback port, spoken to over TCP.
func TestRealServer(t *testing.T) {
	b := setup(t, func(o *ui.Options) { o.APIKey = "k" })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := &http.Server{Handler: b.h, ReadHeaderTimeout: 5 * time.Second}
	done := make(chan error, 1)
	go func() { done <- hs.Serve(ln) }()
	base := "http://" + ln.Addr().String()
	client := &http.Client{Timeout: 10 * time.Second}
	call := func(method, path, body string, code int) []byte {
		t.Helper()
		req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer k")
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		defer resp.Body.Close()
		got, err := io.ReadAll(resp.Body)
		if err != nil || resp.StatusCode != code {
			t.Fatalf("%s %s: %d %v, want %d: %.300s", method, path, resp.StatusCode, err, code, got)
		}
		return got
	}
	m := decode[store.Message](t, resp{body: call("POST", "/v1/messages", `{"to":"+34600111222","text":"Hola"}`, 201)})
	if got := decode[store.Message](t, resp{body: call("GET", "/v1/messages/"+m.ID, "", 200)}); got.ID != m.ID {
		t.Fatalf("get: %+v", got)
	}
	call("POST", "/v1/messages", `{"to":"+34600111222","text":"`+strings.Repeat("x", 2*ui.BodyMax)+`"}`, 413)
	backup := call("GET", "/v1/backup", "", 200)
	path := filepath.Join(t.TempDir(), "backup.db")
	if err := os.WriteFile(path, backup, 0o600); err != nil {
		t.Fatal(err)
	}
	if probs, err := store.Check(path); err != nil || len(probs) > 0 {
		t.Fatalf("backup check: %v %v", err, probs)
	}
	resp, err := client.Get(base + "/healthz")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("healthz without a key: %v %v", resp, err)
	}
	resp.Body.Close()
	b.srv.SetStopping()
	call("GET", "/readyz", "", 503)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := hs.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	if err := <-done; !errors.Is(err, http.ErrServerClosed) {
		t.Fatal(err)
	}
}
