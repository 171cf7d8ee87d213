//go:build linux

package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"unsafe"

	"github.com/waqhq/waq/store"
)

// openPTY opens a pseudo-terminal with the standard library alone and
// returns its terminal side, which is what standard error is when an
// operator runs waq in a shell.
func openPTY(t *testing.T) *os.File {
	t.Helper()
	ptmx, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	t.Cleanup(func() { ptmx.Close() })
	var unlock int32
	var n uint32
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, ptmx.Fd(), syscall.TIOCSPTLCK, uintptr(unsafe.Pointer(&unlock))); e != 0 {
		t.Fatal(e)
	}
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, ptmx.Fd(), syscall.TIOCGPTN, uintptr(unsafe.Pointer(&n))); e != 0 {
		t.Fatal(e)
	}
	tty, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tty.Close() })
	go io.Copy(io.Discard, ptmx) // drain, so writes to the terminal never block
	return tty
}

// journalStream is standard error as systemd sets it up for a service: one
// end of a unix stream socket whose other end is journald.
func journalStream(t *testing.T) *os.File {
	t.Helper()
	fds, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	ours, journald := os.NewFile(uintptr(fds[0]), "stderr"), os.NewFile(uintptr(fds[1]), "journald")
	t.Cleanup(func() { ours.Close(); journald.Close() })
	go io.Copy(io.Discard, journald)
	return ours
}

// newLogger writes JSON wherever standard error is not a terminal (journald,
// a file, a pipe to a log shipper) and text on a terminal.
func TestNewLogger(t *testing.T) {
	f := func(name string, w io.Writer, wantJSON bool) {
		t.Helper()
		h := newLogger(w, slog.LevelInfo, noEnv).Handler()
		_, isJSON := h.(*slog.JSONHandler)
		_, isText := h.(*slog.TextHandler)
		if isJSON != wantJSON || isText == wantJSON {
			t.Fatalf("%s: handler %T, want JSON %v", name, h, wantJSON)
		}
	}
	file, err := os.Create(filepath.Join(t.TempDir(), "waq.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pr.Close()
	defer pw.Close()
	f("buffer", new(bytes.Buffer), true)
	f("file", file, true)
	f("pipe", pw, true)
	f("journald", journalStream(t), true)
	f("terminal", openPTY(t), false)
}

// lockedBuffer is a log destination the test reads while waq writes.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// A message's whole life at debug level, plus requests that carry a phone
// number where they should not, logs JSON lines that name the message by
// id and hold neither its text, nor the phone number, nor the keys.
func TestLogsHoldNoSecrets(t *testing.T) {
	const (
		phone = "+34600987654"
		text  = "Hola Ana, su cita es el martes"
		token = "webhook-token-xyz"
	)
	var logs lockedBuffer
	cfg := testConfig(t.TempDir(), GatewayDemo)
	cfg.WebhookToken = token
	m := NewMain(cfg, slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	cl, id := runAndSend(t, m, phone, text)
	waitStatus(t, cl, id, store.Read)
	cl.call(t.Context(), http.MethodGet, "/v1/nothing/"+phone, nil, nil)
	cl.call(t.Context(), http.MethodPost, "/v1/messages", map[string]string{"to": phone + "x", "text": text}, nil)
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}

	all := logs.String()
	for _, secret := range []string{text, phone, strings.TrimPrefix(phone, "+"), "600987654", testKey, token} {
		if strings.Contains(all, secret) {
			t.Errorf("the logs hold %q:\n%s", secret, all)
		}
	}
	if !strings.Contains(all, `"id":"`+id+`"`) {
		t.Errorf("no log line names message %s:\n%s", id, all)
	}
	sc := bufio.NewScanner(strings.NewReader(all))
	for sc.Scan() {
		if !json.Valid(sc.Bytes()) {
			t.Errorf("not a JSON line: %s", sc.Text())
		}
	}
}

// runAndSend runs m until the test ends and sends text to phone with waq
// send, as a user would; it returns a client of m and the message's id.
func runAndSend(t *testing.T, m *Main, phone, text string) (*client, string) {
	t.Helper()
	if err := m.Run(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	env := map[string]string{"WAQ_URL": "http://" + m.HTTPAddr(), "WAQ_API_KEY": testKey}
	code, out, errOut := runCLI(t, env, "send", "--to", phone, "--text", text)
	if code != 0 {
		t.Fatalf("send: exit %d, %q", code, errOut)
	}
	cl, err := newClient(Config{Server: env["WAQ_URL"], APIKey: testKey})
	if err != nil {
		t.Fatal(err)
	}
	return cl, strings.Fields(out)[0]
}
