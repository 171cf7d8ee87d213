package resp

import (
	"context"
	"net"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestRedisCLISubscribe runs `redis-cli SUBSCRIBE`, which waits for
// messages, and publishes to it from another connection.
func TestRedisCLISubscribe(t *testing.T) {
	bin, err := exec.LookPath("redis-cli")
	if err != nil {
		t.Skip("redis-cli is not installed (apt-get install redis-tools): skipped")
	}
	addr, _ := startWaq(t, Options{})
	host, port, _ := net.SplitHostPort(addr)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cli := exec.CommandContext(ctx, bin, "-h", host, "-p", port, "SUBSCRIBE", "ch")
	out := &syncBuffer{}
	cli.Stdout, cli.Stderr = out, out
	if err := cli.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cli.Process.Kill(); cli.Wait() }()
	waitFor := func(want string) {
		t.Helper()
		for !strings.Contains(out.String(), want) {
			if ctx.Err() != nil {
				t.Fatalf("redis-cli printed %q, want %q in it", out.String(), want)
			}
			time.Sleep(10 * time.Millisecond) // polling redis-cli's output
		}
	}
	waitFor("subscribe\nch\n1\n")
	pub := dial(t, addr)
	if v, err := pub.do("PUBLISH", "ch", "hello"); err != nil || v != ":1\r\n" {
		t.Fatalf("PUBLISH: %q %v", v, err)
	}
	waitFor("message\nch\nhello\n")
}
