package resp

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/VictoriaMetrics/metrics"
)

// TestRandRepeatsCap checks waq's own limit on negative counts, which Redis
// would try to answer in full.
func TestRandRepeatsCap(t *testing.T) {
	addr, _ := startWaq(t, Options{})
	r := dial(t, addr)
	f := func(want string, args ...string) {
		t.Helper()
		if got, err := r.do(args...); err != nil || got != want {
			t.Fatalf("%q: got %q, %v; want %q", args, got, err, want)
		}
	}
	f(":1\r\n", "SADD", "s", "a")
	f(":1\r\n", "HSET", "h", "a", "1")
	f("-ERR value is out of range\r\n", "SRANDMEMBER", "s", "-9223372036854775807")
	f("-ERR value is out of range\r\n", "SRANDMEMBER", "s", "-1048577")
	f("-ERR value is out of range\r\n", "HRANDFIELD", "h", "-1048577")
	f("-ERR value is out of range\r\n", "HRANDFIELD", "h", "-4611686018427387903", "WITHVALUES")
	f("*0\r\n", "SRANDMEMBER", "nope", "-9223372036854775807")
	f("*2\r\n$1\r\na\r\n$1\r\na\r\n", "SRANDMEMBER", "s", "-2")
	f("*1\r\n$1\r\na\r\n", "HRANDFIELD", "h", "9223372036854775807")
	f("+PONG\r\n", "PING")
	// Repeats whose answer would pass MaxBulk bytes: 1000 of a 1 KiB member.
	addr, _ = startWaq(t, Options{MaxBulk: 100 << 10})
	r = dial(t, addr)
	big := strings.Repeat("m", 1024)
	f(":1\r\n", "SADD", "s", big)
	f(":1\r\n", "HSET", "h", big, "v")
	f("-ERR value is out of range\r\n", "SRANDMEMBER", "s", "-1000")
	f("-ERR value is out of range\r\n", "HRANDFIELD", "h", "-1000")
	if got, _ := r.do("SRANDMEMBER", "s", "-90"); !strings.HasPrefix(got, "*90\r\n") {
		t.Fatalf("SRANDMEMBER s -90: %.20q", got)
	}
}

// TestHandlerPanic checks that a panicking handler answers -ERR internal
// error alone (in a pipeline, in MULTI, outside a transaction), that its
// writes are rolled back, that it is logged once without its arguments and
// counted, and that the server goes on serving every connection.
func TestHandlerPanic(t *testing.T) {
	var logs safeBuffer
	counter := metrics.GetOrCreateCounter(`waq_panics_recovered_total{where="resp"}`)
	before := counter.Get()
	addr, _ := startWith(t, Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))}, func(s *Server) {
		s.testHook = func(c *call) {
			if len(c.args) < 2 || string(c.args[1]) != "boom" {
				return
			}
			if c.tx != nil && c.tx.Writable() {
				c.tx.SetString(c.db(), []byte("partial"), []byte("x"), 0, false)
			}
			if c.cmd.name == "get" {
				var idx []int
				_ = idx[len(c.args)] // a runtime error, whose text is logged
			}
			panic("secret-arg " + string(c.args[len(c.args)-1]))
		}
	})
	other := dial(t, addr)
	r := dial(t, addr)
	pipe := func(want string, cmds ...[]string) {
		t.Helper()
		var all []byte
		for _, c := range cmds {
			all = append(all, encode(c)...)
		}
		if _, err := r.c.Write(all); err != nil {
			t.Fatal(err)
		}
		got := ""
		for range cmds {
			v, err := readReply(r.rd)
			if err != nil {
				t.Fatal(err)
			}
			got += v.raw
		}
		if got != want {
			t.Fatalf("%q:\n got %q\nwant %q", cmds, got, want)
		}
	}
	ierr := "-ERR internal error\r\n"
	pipe("+OK\r\n"+ierr+"+OK\r\n$1\r\n1\r\n",
		[]string{"SET", "a", "1"}, []string{"SET", "boom", "secret-arg"}, []string{"SET", "c", "3"}, []string{"GET", "a"})
	pipe("+OK\r\n+QUEUED\r\n+QUEUED\r\n+QUEUED\r\n*3\r\n+OK\r\n"+ierr+"+OK\r\n",
		[]string{"MULTI"}, []string{"SET", "m1", "1"}, []string{"SET", "boom", "secret-arg"}, []string{"SET", "m2", "2"}, []string{"EXEC"})
	pipe(ierr+ierr+"$-1\r\n", []string{"GET", "boom"}, []string{"INFO", "boom"}, []string{"GET", "partial"})
	if got, _ := other.do("MGET", "a", "c", "m1", "m2", "boom", "partial"); got != "*6\r\n$1\r\n1\r\n$1\r\n3\r\n$1\r\n1\r\n$1\r\n2\r\n$-1\r\n$-1\r\n" {
		t.Fatalf("other connection: %q", got)
	}
	if got := counter.Get() - before; got != 4 {
		t.Fatalf("counted %d panics, want 4", got)
	}
	var scrape bytes.Buffer
	metrics.WritePrometheus(&scrape, false)
	if want := fmt.Sprintf("waq_panics_recovered_total{where=\"resp\"} %d\n", counter.Get()); !strings.Contains(scrape.String(), want) {
		t.Fatalf("/metrics lacks %q", want)
	}
	text := logs.String()
	if n := strings.Count(text, "resp command panicked"); n != 4 || strings.Contains(text, "secret-arg") {
		t.Fatalf("%d log lines, or arguments logged:\n%s", n, text)
	}
	if !strings.Contains(text, "cmd=get") || !strings.Contains(text, "index out of range") {
		t.Fatalf("log lacks the command or the runtime error:\n%s", text)
	}
}

// safeBuffer is a bytes.Buffer for a logger written by several goroutines.
type safeBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *safeBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *safeBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestStringLimit checks that SETRANGE and APPEND stop at the server's
// MaxBulk, which CONFIG GET reports as proto-max-bulk-len.
func TestStringLimit(t *testing.T) {
	addr, _ := startWaq(t, Options{MaxBulk: 1024})
	r := dial(t, addr)
	f := func(want string, args ...string) {
		t.Helper()
		if got, err := r.do(args...); err != nil || got != want {
			t.Fatalf("%q: got %q, %v; want %q", args, got, err, want)
		}
	}
	tooBig := "-" + string(errStringSize) + "\r\n"
	f("*2\r\n$18\r\nproto-max-bulk-len\r\n$4\r\n1024\r\n", "CONFIG", "GET", "proto-max-bulk-len")
	f(tooBig, "SETRANGE", "k", "1024", "x")
	f(tooBig, "SETRANGE", "k", "9223372036854775807", "x")
	f(":1024\r\n", "SETRANGE", "k", "1023", "x")
	f(tooBig, "APPEND", "k", "y")
	f(":1024\r\n", "STRLEN", "k")
}
