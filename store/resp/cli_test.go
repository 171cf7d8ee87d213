package resp

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"os/exec"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// redisCLI runs redis-cli against addr with stdin and returns its output.
func redisCLI(t *testing.T, addr, stdin string, args ...string) string {
	t.Helper()
	bin, err := exec.LookPath("redis-cli")
	if err != nil {
		t.Skip("redis-cli is not installed (apt-get install redis-tools): skipped")
	}
	host, port, _ := net.SplitHostPort(addr)
	cmd := exec.Command(bin, append([]string{"-h", host, "-p", port}, args...)...)
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("redis-cli %v: %v\n%s", args, err, out)
	}
	return string(out)
}

func TestRedisCLI(t *testing.T) {
	addr, _ := startWaq(t, Options{})
	out := redisCLI(t, addr, "SET a 1\nINCR a\nHSET h f v\nHGETALL h\nLPUSH l x y\nLRANGE l 0 -1\nGET nope\nNOSUCH\n")
	want := "OK\n2\n1\nf\nv\n2\ny\nx\n\nERR unknown command 'NOSUCH', with args beginning with: \n\n"
	if out != want {
		t.Fatalf("redis-cli output:\n%q\nwant\n%q", out, want)
	}
}

// TestRedisCLIInteractive runs redis-cli under a pseudo-terminal (script),
// so it starts as a person would: COMMAND DOCS for hints, then the prompt.
func TestRedisCLIInteractive(t *testing.T) {
	addr, _ := startWaq(t, Options{})
	if _, err := exec.LookPath("script"); err != nil {
		t.Skip("script(1) is not installed: skipped")
	}
	host, port, _ := net.SplitHostPort(addr)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "script", "-qec", fmt.Sprintf("stty cols 120 rows 40; redis-cli -h %s -p %s -n 2", host, port), "/dev/null")
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// linenoise flushes input typed before its prompt: type each line once
	// the prompt is shown and the output is quiet.
	for _, line := range []string{"SET k hello", "GET k", "SELECT 3", "DBSIZE", "QUIT"} {
		out.waitPrompt(t)
		io.WriteString(in, line+"\r")
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("redis-cli: %v\n%s", err, out.String())
	}
	// "key value [NX|XX] …" is the hint COMMAND DOCS gave for SET.
	for _, want := range []string{`"hello"`, "(integer) 0", port + "[2]>", port + "[3]>", "value [NX|XX] [GET]"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("interactive output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestRedisCLIScan(t *testing.T) {
	addr, _ := startWaq(t, Options{})
	var in strings.Builder
	for i := 0; i < 250; i++ {
		fmt.Fprintf(&in, "SET user:%03d x\n", i)
	}
	in.WriteString("SET other x\n")
	redisCLI(t, addr, in.String())
	keys := strings.Fields(redisCLI(t, addr, "", "--scan", "--pattern", "user:*"))
	sort.Strings(keys)
	if len(keys) != 250 || keys[0] != "user:000" || keys[249] != "user:249" {
		t.Fatalf("--scan returned %d keys: %v…", len(keys), keys[:min(3, len(keys))])
	}
}

// TestRedisCLIPipe mass-inserts with --pipe, which ends with an ECHO of a
// random marker and waits for it.
func TestRedisCLIPipe(t *testing.T) {
	addr, _ := startWaq(t, Options{})
	var in bytes.Buffer
	for i := 0; i < 5000; i++ {
		in.Write(encode([]string{"RPUSH", "list", fmt.Sprint(i)}))
	}
	out := redisCLI(t, addr, in.String(), "--pipe")
	if !strings.Contains(out, "errors: 0, replies: 5000") {
		t.Fatalf("--pipe: %s", out)
	}
	if got := redisCLI(t, addr, "LLEN list\n"); got != "5000\n" {
		t.Fatalf("LLEN = %q", got)
	}
}

// syncBuffer collects a process's output for polling from the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// waitPrompt waits until the last line shows a prompt and nothing was
// written for 100 ms.
func (b *syncBuffer) waitPrompt(t *testing.T) {
	t.Helper()
	last := ""
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); {
		time.Sleep(100 * time.Millisecond)
		s := b.String()
		tail := s[strings.LastIndexByte(s, '\n')+1:]
		if s == last && strings.HasSuffix(strings.TrimSpace(tail), ">") {
			return
		}
		last = s
	}
	t.Fatalf("no prompt from redis-cli:\n%s", last)
}
