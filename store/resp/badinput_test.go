package resp

import (
	"io"
	"net"
	"strings"
	"testing"
	"time"
)

// TestBadInput checks that malformed RESP, huge declared lengths and
// floods get Redis's protocol error and a closed connection, and that the
// server goes on serving.
func TestBadInput(t *testing.T) {
	addr, _ := startWaq(t, Options{MaxBulk: 1 << 20})
	f := func(input, want string) {
		t.Helper()
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		go c.Write([]byte(input))
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		got, err := io.ReadAll(c) // until the server closes
		if err != nil {
			t.Fatalf("%.40q: %v", input, err)
		}
		if string(got) != want {
			t.Fatalf("%.40q: got %q, want %q", input, got, want)
		}
	}
	f("*99999999999\r\n", "-ERR Protocol error: invalid multibulk length\r\n")
	f("*2000000\r\n$1\r\n", "-ERR Protocol error: invalid multibulk length\r\n")
	f("*1\r\n$99999999999\r\n", "-ERR Protocol error: invalid bulk length\r\n")
	f("*1\r\n$2000000\r\nab", "-ERR Protocol error: invalid bulk length\r\n")
	f(strings.Repeat("a", 70<<10), "-ERR Protocol error: too big inline request\r\n")
	f("*1\r\nx3\r\nfoo\r\n", "-ERR Protocol error: expected '$', got 'x'\r\n")
	// redcon drops the good commands read together with a bad one (Redis
	// would answer PING first): the connection is closed either way.
	f("PING\r\n*1\r\n$x\r\n", "-ERR Protocol error: invalid bulk length\r\n")
	f("\"unbalanced\r\n", "-ERR Protocol error: unbalanced quotes in request\r\n")
	f("ECHO hi\r\nQUIT\r\nPING\r\n", "$2\r\nhi\r\n+OK\r\n")

	r := dial(t, addr)
	for _, tc := range [][2]string{
		{"\x00\xff\r\n key", "+OK\r\n"},
		{"", "-ERR unknown command '\x00\xff   key', with args beginning with: \r\n"},
	} {
		var got string
		if tc[0] != "" {
			got, _ = r.do("SET", tc[0], "v\x00")
		} else {
			got, _ = r.do("\x00\xff\r\n key")
		}
		if got != tc[1] {
			t.Fatalf("got %q, want %q", got, tc[1])
		}
	}
	if got, _ := r.do("GET", "\x00\xff\r\n key"); got != "$2\r\nv\x00\r\n" {
		t.Fatalf("binary GET: %q", got)
	}
	if got, _ := r.do("SET", strings.Repeat("k", 20<<10), "v"); !strings.HasPrefix(got, "-ERR key longer") {
		t.Fatalf("long key: %q", got)
	}
	long := strings.Repeat("f", 32<<10)
	if got, _ := r.do("HSET", "h", "a", "1", long, "2"); !strings.HasPrefix(got, "-ERR key longer") {
		t.Fatalf("long field: %q", got)
	}
	if got, _ := r.do("EXISTS", "h"); got != ":0\r\n" {
		t.Fatalf("a refused HSET wrote: %q", got)
	}
	if got, _ := r.do("PING"); got != "+PONG\r\n" {
		t.Fatalf("PING after bad input: %q", got)
	}
}
