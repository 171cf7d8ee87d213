// Package redistest runs a real redis-server (the Debian package) for the
// tests of the RESP server, the importer and the commands that talk to
// Redis: one place that knows how to start it without persistence, on a
// free port, in a temporary directory.
package redistest

import (
	"bufio"
	"net"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// startTimeout bounds the wait for a new server to answer.
const startTimeout = 10 * time.Second

// Start runs redis-server with args added to its command line (such as
// "--requirepass", "pw") and returns its address, 127.0.0.1:PORT. The
// server keeps nothing on disk and stops when the test ends. The test is
// skipped, with a message saying what to install, when redis-server is
// missing, and fails when the server does not answer.
func Start(t testing.TB, args ...string) string {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Skip("redis-server is not installed (apt-get install redis-server)")
	}
	port := FreePort(t)
	dir := t.TempDir()
	cmd := exec.Command(bin, append([]string{"--port", strconv.Itoa(port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--dir", dir, "--logfile", filepath.Join(dir, "redis.log")}, args...)...)
	if err := cmd.Start(); err != nil {
		t.Fatalf("start redis-server: %v", err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	addr := "127.0.0.1:" + strconv.Itoa(port)
	for end := time.Now().Add(startTimeout); !answers(addr); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(end) {
			t.Fatalf("redis-server on %s did not answer within %s (see %s)", addr, startTimeout, filepath.Join(dir, "redis.log"))
		}
	}
	return addr
}

// URL is Start that returns a redis:// URL.
func URL(t testing.TB, args ...string) string {
	t.Helper()
	return "redis://" + Start(t, args...)
}

// answers reports whether a server at addr replies to PING (a -NOAUTH
// reply counts: the server is up).
func answers(addr string) bool {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return false
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(time.Second))
	if _, err := c.Write([]byte("PING\r\n")); err != nil {
		return false
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	return err == nil && (strings.HasPrefix(line, "+") || strings.HasPrefix(line, "-"))
}

// FreePort returns a TCP port free on 127.0.0.1 at the time of the call.
func FreePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}
