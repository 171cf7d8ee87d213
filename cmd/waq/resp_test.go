package main

import (
	"bufio"
	"log/slog"
	"net"
	"path/filepath"
	"strings"
	"testing"

	"github.com/waqhq/waq/store"
)

func TestStartRESP(t *testing.T) {
	st, err := store.Open(filepath.Join(t.TempDir(), store.FileName), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	logger := slog.New(slog.DiscardHandler)

	stop, addr, err := startRESP(Config{RESPAddr: ""}, st, logger)
	if err != nil || addr != "" || stop() != nil {
		t.Fatalf("off: addr %q, err %v", addr, err)
	}

	stop, addr, err = startRESP(Config{RESPAddr: "127.0.0.1:0", RESPPassword: "pw"}, st, logger)
	if err != nil {
		t.Fatal(err)
	}
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	rd := bufio.NewReader(c)
	c.Write([]byte("GET k\r\nAUTH pw\r\nPING\r\n"))
	for _, want := range []string{"-NOAUTH Authentication required.\r\n", "+OK\r\n", "+PONG\r\n"} {
		if got, _ := rd.ReadString('\n'); got != want {
			t.Fatalf("got %q, want %q", got, want)
		}
	}
	if err := stop(); err != nil {
		t.Fatalf("stop: %v", err)
	}
	if _, _, err := startRESP(Config{RESPAddr: "256.0.0.1:1"}, st, logger); err == nil {
		t.Fatal("a bad address started")
	}
}

// waq serve with WAQ_RESP_ADDR answers Redis clients next to the HTTP API:
// a value written over RESP survives a restart, and INFO reports the queue.
func TestMainServesRESP(t *testing.T) {
	cfg := testConfig(t.TempDir(), GatewayNone)
	cfg.RESPAddr = "127.0.0.1:0"
	m, cl := startMain(t, cfg)
	enqueueN(t, cl, 2)
	talk := func(addr string, cmds string, wants ...string) {
		t.Helper()
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		rd := bufio.NewReader(c)
		c.Write([]byte(cmds))
		for _, want := range wants {
			got, _ := rd.ReadString('\n')
			if want == "*" { // a bulk reply: read its body
				body := make([]byte, 0, 4096)
				for len(body) < 4096 {
					line, err := rd.ReadString('\n')
					body = append(body, line...)
					if err != nil || len(line) <= 2 {
						break
					}
					if strings.Contains(string(body), "queued:2") {
						return
					}
				}
				t.Fatalf("INFO lacks the waq section's queued:2:\n%s%s", got, body)
			}
			if got != want {
				t.Fatalf("got %q, want %q", got, want)
			}
		}
	}
	talk(m.respAddr, "SET lead:42 caliente\r\nGET lead:42\r\n", "+OK\r\n", "$8\r\n", "caliente\r\n")
	m.Close()
	m, _ = startMain(t, cfg)
	talk(m.respAddr, "GET lead:42\r\nINFO waq\r\n", "$8\r\n", "caliente\r\n", "*")
}
