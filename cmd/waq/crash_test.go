package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/waqhq/waq/sender/evolution/evolutiontest"
	"github.com/waqhq/waq/store"
	"github.com/waqhq/waq/store/redistest"
)

// TestMain lets a test run this binary as waq itself: with WAQ_TEST_MAIN=1
// the process is "waq <args>", so a test can kill a real waq serve.
func TestMain(m *testing.M) {
	if os.Getenv("WAQ_TEST_MAIN") == "1" {
		main()
	}
	os.Exit(m.Run())
}

// serveProcess starts waq serve as a child process on dir and evo; env
// (NAME=value) adds to or overrides its environment.
func serveProcess(t *testing.T, dir, evoURL string, env ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "serve")
	cmd.Env = append(os.Environ(), "WAQ_TEST_MAIN=1", "WAQ_DATA_DIR="+dir, "WAQ_HTTP_ADDR=127.0.0.1:0",
		"WAQ_RESP_ADDR=", "WAQ_GATEWAY=evolution", "EVOLUTION_API_URL="+evoURL, "EVOLUTION_API_KEY=k",
		"EVOLUTION_INSTANCE=sales-1")
	cmd.Env = append(cmd.Env, env...)
	cmd.Stderr = t.Output()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd
}

// startLive starts waq serve on dir on a free port and waits for /readyz.
func startLive(t *testing.T, dir, evoURL string, env []string) (liveServer, *exec.Cmd) {
	t.Helper()
	addr := fmt.Sprintf("127.0.0.1:%d", redistest.FreePort(t))
	cmd := serveProcess(t, dir, evoURL, append([]string{"WAQ_HTTP_ADDR=" + addr}, env...)...)
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	live := liveServer{base: "http://" + addr}
	waitFor(t, "waq serve to be ready", func() bool {
		code, _ := live.do(t, "GET", "/readyz", "")
		return code == 200
	})
	return live, cmd
}

// stopLive stops waq serve with SIGTERM, as an operator would, and fails
// the test unless it exits cleanly.
func stopLive(t *testing.T, cmd *exec.Cmd) {
	t.Helper()
	_ = cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("waq serve after SIGTERM: %v", err)
	}
}

// A crash after Evolution accepted a message and before waq recorded it:
// the message stays leased, is queued again at the next start and sent a
// second time. Delivery is at-least-once; the test counts the duplicate.
func TestCrashBetweenAcceptAndRecord(t *testing.T) {
	dir := t.TempDir()
	st, err := store.Open(filepath.Join(dir, store.FileName), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	msg, _, err := st.Enqueue(&store.Message{To: "+34600111222", Text: "Su cita es mañana"})
	if err != nil {
		t.Fatal(err)
	}
	st.Close()

	evo := evolutiontest.New("k", "sales-1")
	t.Cleanup(evo.Close)
	var mu sync.Mutex
	var victim *exec.Cmd
	killed := make(chan struct{})
	evo.SetOnAccept(func(keyID, number string) {
		mu.Lock()
		defer mu.Unlock()
		if victim != nil {
			_ = victim.Process.Kill() // before Evolution's answer is written
			_ = victim.Wait()
			victim = nil
			close(killed)
		}
	})
	mu.Lock()
	victim = serveProcess(t, dir, evo.URL)
	mu.Unlock()
	select {
	case <-killed:
	case <-time.After(waitDeadline):
		t.Fatal("the first waq never sent")
	}

	live, second := startLive(t, dir, evo.URL, []string{"WAQ_API_KEY=" + testKey})
	waitFor(t, "the send after the restart to be recorded", func() bool {
		_, body := live.do(t, "GET", "/v1/messages/"+msg.ID, "")
		return evo.Sends() == 2 && strings.Contains(body, `"status":"sent"`)
	})
	stopLive(t, second)
	st, err = store.Open(filepath.Join(dir, store.FileName), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	got, err := st.Message(msg.ID)
	if err != nil {
		t.Fatal(err)
	}
	reqs := evo.Requests()
	if got.Status != store.Sent || got.Attempts != 1 || len(reqs) != 2 {
		t.Fatalf("after the crash: %s, %d attempts, %d requests; want sent once on record and 2 requests", got.Status, got.Attempts, len(reqs))
	}
	for _, r := range reqs {
		if r.Body["number"] != "34600111222" || r.Body["text"] != msg.Text {
			t.Fatalf("request %+v is not the message", r)
		}
	}
	t.Logf("at-least-once: 1 message, %d gateway sends, 1 duplicate after a crash between accept and record", len(reqs))
}
