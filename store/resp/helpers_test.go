package resp

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/waqhq/waq/store"
)

// startWaq serves a fresh store on a free loopback port until the test ends.
func startWaq(t testing.TB, opt Options) (addr string, st *store.Store) {
	t.Helper()
	return startWith(t, opt, nil)
}

// startWith is startWaq with a chance to set the server's test hooks.
func startWith(t testing.TB, opt Options, prepare func(*Server)) (addr string, st *store.Store) {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), store.FileName), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := New(st, opt)
	if prepare != nil {
		prepare(s)
	}
	done := make(chan error, 1)
	go func() { done <- s.Serve(ln) }()
	t.Cleanup(func() {
		s.Close()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
		st.Close()
	})
	return ln.Addr().String(), st
}

// rconn is a raw RESP client: it sends commands and reads replies as bytes.
type rconn struct {
	c  net.Conn
	rd *bufio.Reader
}

func dial(t testing.TB, addr string) *rconn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return &rconn{c: c, rd: bufio.NewReader(c)}
}

func encode(args []string) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "*%d\r\n", len(args))
	for _, a := range args {
		fmt.Fprintf(&b, "$%d\r\n%s\r\n", len(a), a)
	}
	return b.Bytes()
}

// do sends one command and returns its raw reply.
func (r *rconn) do(args ...string) (string, error) {
	if _, err := r.c.Write(encode(args)); err != nil {
		return "", err
	}
	v, err := readReply(r.rd)
	return v.raw, err
}

// value is a parsed reply, kept with its raw bytes.
type value struct {
	raw   string
	elems []value
}

func readReply(rd *bufio.Reader) (value, error) {
	line, err := rd.ReadString('\n')
	if err != nil {
		return value{}, err
	}
	if len(line) < 3 {
		return value{}, fmt.Errorf("short reply %q", line)
	}
	v := value{raw: line}
	switch line[0] {
	case '+', '-', ':', '_', ',', '#': // and RESP3's null, double, boolean
		return v, nil
	case '$', '=': // and RESP3's verbatim string
		n, _ := strconv.Atoi(strings.TrimSpace(line[1:]))
		if n < 0 {
			return v, nil
		}
		buf := make([]byte, n+2)
		if _, err := io.ReadFull(rd, buf); err != nil {
			return v, err
		}
		v.raw += string(buf)
		return v, nil
	case '*', '~', '%', '>': // and RESP3's set, map and push
		n, _ := strconv.Atoi(strings.TrimSpace(line[1:]))
		if line[0] == '%' {
			n *= 2
		}
		for i := 0; i < n; i++ {
			e, err := readReply(rd)
			if err != nil {
				return v, err
			}
			v.raw += e.raw
			v.elems = append(v.elems, e)
		}
		return v, nil
	}
	return v, fmt.Errorf("bad reply %q", line)
}

func getenv(k string) string { return os.Getenv(k) }
