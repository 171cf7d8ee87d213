package resp

import (
	"encoding/binary"
	"fmt"
	"strings"
	"testing"

	"github.com/waqhq/waq/store/rdb"
)

// run sends one command and returns its raw reply (send sets a fresh read
// deadline each time).
func run(t *testing.T, c *rconn, args ...string) string {
	t.Helper()
	v, err := send(c, args, true)
	if err != nil {
		t.Fatalf("%.60q: %v", args, err)
	}
	return v.raw
}

// contents renders key's value on c in a form that does not depend on the
// order Redis leaves unspecified, for comparing servers.
func contents(t *testing.T, c *rconn, key string) string {
	t.Helper()
	typ := run(t, c, "TYPE", key)
	var args []string
	group := 1
	switch strings.TrimSpace(typ) {
	case "+string":
		args = []string{"GET", key}
	case "+list":
		args = []string{"LRANGE", key, "0", "-1"}
	case "+set":
		args = []string{"SMEMBERS", key}
	case "+hash":
		args, group = []string{"HGETALL", key}, 2
	case "+zset":
		args = []string{"ZRANGE", key, "0", "-1", "WITHSCORES"}
	case "+stream":
		args = []string{"XRANGE", key, "-", "+"}
	default:
		return typ
	}
	v, err := send(c, args, true)
	if err != nil {
		t.Fatal(err)
	}
	if args[0] == "SMEMBERS" || args[0] == "HGETALL" {
		return typ + sortedRaw("", v.elems, group)
	}
	return typ + v.raw
}

// dumpCases build key "k" with values of every type and encoding, small and
// past the encoding thresholds and list node sizes.
func dumpCases() map[string][][]string {
	many := func(cmd string, n int, f func(i int) []string) [][]string {
		out := []string{cmd, "k"} // one command: waq fsyncs each
		for i := 0; i < n; i++ {
			out = append(out, f(i)...)
		}
		return [][]string{out}
	}
	return map[string][][]string{
		"int":          {{"SET", "k", "-123456"}},
		"long string":  {{"SET", "k", strings.Repeat("abc", 1000)}},
		"binary":       {{"SET", "k", "\x00\xff\r\n"}},
		"small list":   {{"RPUSH", "k", "a", "1", "-70000", "", "9223372036854775808"}},
		"long list":    many("RPUSH", 3000, func(i int) []string { return []string{fmt.Sprintf("e%d-%s", i, strings.Repeat("y", i%90))} }),
		"huge element": {{"RPUSH", "k", strings.Repeat("z", 70000), "a"}},
		"intset":       {{"SADD", "k", "1", "-5", "70000", "5000000000"}},
		"big intset":   many("SADD", 600, func(i int) []string { return []string{fmt.Sprint(i * 7)} }),
		"set":          {{"SADD", "k", "a", "b", "1"}},
		"small hash":   {{"HSET", "k", "f", "v", "n", "12"}},
		"big hash":     many("HSET", 600, func(i int) []string { return []string{fmt.Sprint("f", i), strings.Repeat("v", i%100)} }),
		"small zset":   {{"ZADD", "k", "1", "a", "-2.5", "b", "inf", "c", "0.1", "d"}},
		"big zset":     many("ZADD", 200, func(i int) []string { return []string{fmt.Sprint(float64(i) / 3), fmt.Sprint("m", i)} }),
		"long member":  {{"ZADD", "k", "3", strings.Repeat("m", 100)}},
		"stream":       {{"XADD", "k", "1-1", "f", "v", "n", "12"}},
	}
}

// loadEach empties each server and runs cmds on it; none may fail.
func loadEach(t *testing.T, cmds [][]string, servers ...*rconn) {
	t.Helper()
	for _, c := range servers {
		run(t, c, "FLUSHALL")
		for _, cmd := range cmds {
			if v := run(t, c, cmd...); v[0] == '-' {
				t.Fatalf("%.60q: %q", cmd, v)
			}
		}
	}
}

// TestDumpRestoreRedis moves every kind of value from redis-server to waq
// and back with DUMP and RESTORE: each reads the other's payloads.
func TestDumpRestoreRedis(t *testing.T) {
	redis := dial(t, startRedis(t))
	addr, _ := startWaq(t, Options{})
	waq := dial(t, addr)
	for name, cmds := range dumpCases() {
		t.Run(name, func(t *testing.T) {
			loadEach(t, cmds, redis, waq)
			want := contents(t, redis, "k")
			if got := contents(t, waq, "k"); got != want {
				t.Fatalf("the servers hold different values:\nredis %.200q\n  waq %.200q", want, got)
			}
			move := func(from, to *rconn, key string) {
				payload := dumpOf(t, from, "k")
				if v := run(t, to, "RESTORE", key, "0", payload); v != "+OK\r\n" {
					t.Fatalf("RESTORE: %q", v)
				}
			}
			move(redis, waq, "fromredis")
			if got := contents(t, waq, "fromredis"); got != want {
				t.Errorf("waq restored redis's payload as\n%.200q, want\n%.200q", got, want)
			}
			move(waq, redis, "fromwaq")
			if got := contents(t, redis, "fromwaq"); got != want {
				t.Errorf("redis restored waq's payload as\n%.200q, want\n%.200q", got, want)
			}
		})
	}
}

// TestRestoreCorrupt restores every truncation and every one-byte change of
// waq's payloads: each is refused (or, for a change that keeps a valid
// value, read), the server stays up, and a refused RESTORE ... REPLACE
// leaves the old value whole. The commands go as one pipeline: waq commits
// many in one transaction, yet a refused one must leave no trace.
func TestRestoreCorrupt(t *testing.T) {
	addr, _ := startWaq(t, Options{})
	c := dial(t, addr)
	for name, cmds := range dumpCases() {
		if len(cmds[0]) > 10 || len(cmds[0][2]) > 100 {
			continue // the small ones: each byte is tried
		}
		run(t, c, "FLUSHALL")
		run(t, c, cmds[0]...)
		restoreCorrupt(t, c, name, dumpOf(t, c, "k"))
	}
}

// restoreCorrupt restores every corruption of payload, key k's, over k in
// one pipeline.
func restoreCorrupt(t *testing.T, c *rconn, name, payload string) {
	t.Helper()
	var pipe []byte
	var bads [][]byte
	for i := 0; i <= len(payload); i++ {
		for _, bad := range corruptions([]byte(payload), i) {
			bads = append(bads, bad)
			pipe = append(pipe, encode([]string{"RESTORE", "k", "0", string(bad), "REPLACE"})...)
			pipe = append(pipe, encode([]string{"DUMP", "k"})...)
			pipe = append(pipe, encode([]string{"RESTORE", "k", "0", payload, "REPLACE"})...)
		}
	}
	go c.c.Write(pipe)
	want := fmt.Sprintf("$%d\r\n%s\r\n", len(payload), payload)
	for _, bad := range bads {
		var r [3]string
		for j := range r {
			v, err := send(c, nil, false)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			r[j] = v.raw
		}
		if r[0] != "+OK\r\n" && r[0] != "-ERR Bad data format\r\n" && r[0] != "-"+string(errBadPayload)+"\r\n" {
			t.Fatalf("%s: RESTORE of %q: %q", name, bad, r[0])
		}
		if r[0] != "+OK\r\n" && r[1] != want {
			t.Fatalf("%s: a refused RESTORE of %q changed the key to %q", name, bad, r[1])
		}
	}
}

// corruptions are payload cut at i, and payload with byte i changed (its
// checksum fixed, so that the value itself is read).
func corruptions(payload []byte, i int) [][]byte {
	out := [][]byte{payload[:i]}
	if i >= len(payload)-10 {
		return out
	}
	for _, x := range []byte{0, 0xff, payload[i] + 1, payload[i] ^ 0x80} {
		b := append([]byte(nil), payload...)
		b[i] = x
		out = append(out, fixChecksum(b))
	}
	return out
}

func TestRestoreSortedOrder(t *testing.T) {
	// Sorted sets come back ordered by score whatever order the payload
	// lists them in (ZSET_2 is written from the highest score down).
	addr, _ := startWaq(t, Options{})
	c := dial(t, addr)
	run(t, c, "CONFIG", "SET", "zset-max-listpack-entries", "0")
	run(t, c, "ZADD", "k", "3", "c", "1", "a", "2", "b")
	payload := dumpOf(t, c, "k")
	if payload[0] != 5 {
		t.Fatalf("type byte %d, want 5 (ZSET_2)", payload[0])
	}
	run(t, c, "RESTORE", "k2", "0", payload)
	got := run(t, c, "ZRANGE", "k2", "0", "-1")
	if want := "*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n"; got != want {
		t.Errorf("ZRANGE = %q, want %q", got, want)
	}
}

// fixChecksum rewrites the CRC-64 at the end of a payload.
func fixChecksum(b []byte) []byte {
	n := len(b) - 8
	binary.LittleEndian.PutUint64(b[n:], rdb.Checksum(b[:n]))
	return b
}

// dumpOf returns the payload DUMP key answers on c.
func dumpOf(t *testing.T, c *rconn, key string) string {
	t.Helper()
	p := run(t, c, "DUMP", key)
	if p[0] != '$' || p[1] == '-' {
		t.Fatalf("DUMP %s: %.100q", key, p)
	}
	return p[strings.IndexByte(p, '\n')+1 : len(p)-2]
}
