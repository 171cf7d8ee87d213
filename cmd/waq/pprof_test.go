package main

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestPprof serves the profiles on their own listener, and none when the
// address is empty.
func TestPprof(t *testing.T) {
	stop, addr, err := startPprof(Config{PprofAddr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	res, err := http.Get("http://" + addr + "/debug/pprof/goroutine?debug=1")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.Contains(string(body), "goroutine profile:") {
		t.Fatalf("%d %.200s", res.StatusCode, body)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if _, err := http.Get("http://" + addr + "/debug/pprof/"); err == nil {
		t.Fatal("the listener is still open after stop")
	}
	stop, addr, err = startPprof(Config{})
	if err != nil || addr != "" || stop() != nil {
		t.Fatalf("off: %q %v", addr, err)
	}
}
