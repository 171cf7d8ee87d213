package main

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// crashRate is the rate the crash suite's waq runs at: small enough that a
// backlog keeps the limiter full across every restart, large enough that
// each run sends some.
const crashRate = "20/1s"

// child is one waq serve of the crash suite, a real process on the suite's
// data dir that the suite kills with SIGKILL.
type child struct {
	cmd  *exec.Cmd
	url  string // http://127.0.0.1:PORT
	logs *lockedLog
}

// lockedLog keeps the log lines of the suite's children, to print the last
// ones when the suite fails.
type lockedLog struct {
	mu    sync.Mutex
	lines []string
}

func (l *lockedLog) add(s string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, s)
}

func (l *lockedLog) tail(n int) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines[max(0, len(l.lines)-n):], "\n")
}

// startChild starts waq serve on dir with the Evolution fake at evoURL and
// waits until it reads the HTTP address from the start log line and
// /readyz answers 200.
func startChild(t *testing.T, dir, evoURL string, logs *lockedLog) *child {
	t.Helper()
	cmd := exec.Command(os.Args[0], "serve")
	cmd.Env = append(os.Environ(), "WAQ_TEST_MAIN=1", "WAQ_DATA_DIR="+dir, "WAQ_HTTP_ADDR=127.0.0.1:0",
		"WAQ_RESP_ADDR=", "WAQ_GATEWAY=evolution", "EVOLUTION_API_URL="+evoURL, "EVOLUTION_API_KEY=k",
		"EVOLUTION_INSTANCE=sales-1", "WAQ_RATE="+crashRate)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	addr := make(chan string, 1)
	go scanLog(stderr, logs, addr)
	c := &child{cmd: cmd, logs: logs}
	select {
	case a := <-addr:
		c.url = "http://" + a
	case <-time.After(30 * time.Second):
		c.kill()
		t.Fatalf("waq serve did not start:\n%s", logs.tail(20))
	}
	for deadline := time.Now().Add(30 * time.Second); !c.ready(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			c.kill()
			t.Fatalf("waq serve never became ready:\n%s", logs.tail(20))
		}
	}
	return c
}

// scanLog copies the child's log into logs and sends the HTTP address of
// its "waq started" line on addr.
func scanLog(r io.Reader, logs *lockedLog, addr chan<- string) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		logs.add(line)
		var rec struct{ Msg, HTTP string }
		if json.Unmarshal([]byte(line), &rec) == nil && rec.Msg == "waq started" {
			select {
			case addr <- rec.HTTP:
			default:
			}
		}
	}
}

func (c *child) ready() bool {
	resp, err := http.Get(c.url + "/readyz")
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// kill ends the child with SIGKILL, as a power cut or the OOM killer would,
// and reaps it.
func (c *child) kill() {
	_ = c.cmd.Process.Kill()
	_ = c.cmd.Wait()
}

// stop ends the child with SIGTERM and returns how it exited.
func (c *child) stop() error {
	_ = c.cmd.Process.Signal(syscall.SIGTERM)
	return c.cmd.Wait()
}
