package resp

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/waqhq/waq/store/rdb"
)

// streamCases are command histories of stream "k" whose DUMP redis-server
// 7.0 and waq must write byte for byte alike: no XDEL or exact trim inside
// a node (Redis keeps deleted entries in its listpacks, waq drops them),
// no delivery (its times differ between the servers).
func streamCases() map[string][][]string {
	adds := func(n int, f func(i int) []string) [][]string {
		var out [][]string
		for i := 0; i < n; i++ {
			out = append(out, append([]string{"XADD", "k", fmt.Sprintf("%d-%d", 1000+i/3, i%3)}, f(i)...))
		}
		return out
	}
	same := func(i int) []string { return []string{"a", fmt.Sprint(i), "b", "text"} }
	return map[string][][]string{
		"small":            {{"XADD", "k", "1-1", "a", "1", "b", "hello"}, {"XADD", "k", "1-2", "a", "2", "b", "x"}, {"XADD", "k", "5-0", "c", "3"}},
		"nodes by entries": adds(250, same),
		"nodes by bytes": adds(40, func(i int) []string {
			return []string{"f", strings.Repeat("v", 300+i), "n", fmt.Sprint(-70000 * i)}
		}),
		"mixed fields": adds(30, func(i int) []string { return []string{fmt.Sprint("f", i%4), "x", "g", fmt.Sprint(i * 1000000)} }),
		"groups": append(adds(5, same), []string{"XGROUP", "CREATE", "k", "g1", "0"},
			[]string{"XGROUP", "CREATE", "k", "g2", "$"}, []string{"XGROUP", "CREATE", "k", "7", "1000-1", "ENTRIESREAD", "2"}),
		"setid":     append(adds(3, same), []string{"XSETID", "k", "5000-0", "ENTRIESADDED", "10", "MAXDELETEDID", "3-0"}),
		"trimmed ~": append(adds(250, same), []string{"XTRIM", "k", "MAXLEN", "~", "120"}),
		"emptied":   {{"XADD", "k", "1-1", "a", "1"}, {"XDEL", "k", "1-1"}},
		"big ms":    {{"XADD", "k", "18446744073709551615-5", "a", "1"}},
	}
}

// uncompressed is p as waq writes it: Redis LZF-compresses the listpacks
// of nodes where that saves space, waq does not.
func uncompressed(t *testing.T, p string) string {
	t.Helper()
	v, err := rdb.Decode([]byte(p), 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	return string(rdb.Encode(v, rdb.DefaultLimits))
}

// xinfoNodes masks XINFO STREAM FULL's radix-tree-nodes, which waq counts
// differently (docs/resp.md).
var xinfoNodes = regexp.MustCompile(`radix-tree-nodes\r\n:\d+`)

func streamFull(t *testing.T, c *rconn, key string) string {
	t.Helper()
	return xinfoNodes.ReplaceAllString(run(t, c, "XINFO", "STREAM", key, "FULL"), "radix-tree-nodes\r\n:?")
}

func TestDumpStreamRedis(t *testing.T) {
	redis := dial(t, startRedis(t))
	addr, _ := startWaq(t, Options{})
	waq := dial(t, addr)
	for name, cmds := range streamCases() {
		t.Run(name, func(t *testing.T) {
			loadEach(t, cmds, redis, waq)
			want := uncompressed(t, dumpOf(t, redis, "k"))
			if got := dumpOf(t, waq, "k"); got != want {
				t.Fatalf("DUMP differs:\nredis %x\n  waq %x", want, got)
			}
			moveStream(t, redis, waq)
		})
	}
}

// moveStream restores k of each server on the other and compares XINFO
// STREAM FULL of the copy with the original's, and the copy's DUMP with the
// original's.
func moveStream(t *testing.T, redis, waq *rconn) {
	t.Helper()
	for _, p := range [][2]*rconn{{redis, waq}, {waq, redis}} {
		from, to := p[0], p[1]
		payload := dumpOf(t, from, "k")
		if v := run(t, to, "RESTORE", "copy", "0", payload, "REPLACE"); v != "+OK\r\n" {
			t.Fatalf("RESTORE: %q", v)
		}
		if got, want := streamFull(t, to, "copy"), streamFull(t, from, "k"); got != want {
			t.Errorf("XINFO STREAM FULL of the copy:\n%q\nwant\n%q", got, want)
		}
		if got := dumpOf(t, to, "copy"); uncompressed(t, got) != uncompressed(t, payload) {
			t.Errorf("DUMP of the copy:\n%x\nwant\n%x", got, payload)
		}
	}
}

// pelHistory leaves k with groups, consumers and pending entries, some of
// them trimmed or deleted, and deleted entries in its nodes.
var pelHistory = [][]string{
	{"XADD", "k", "1-0", "a", "1"}, {"XADD", "k", "2-0", "a", "2", "b", "3"}, {"XADD", "k", "3-0", "a", "3"},
	{"XADD", "k", "4-0", "a", "4"}, {"XGROUP", "CREATE", "k", "g", "0"}, {"XGROUP", "CREATE", "k", "h", "0"},
	{"XREADGROUP", "GROUP", "g", "alice", "COUNT", "2", "STREAMS", "k", ">"},
	{"XREADGROUP", "GROUP", "g", "bob", "COUNT", "1", "STREAMS", "k", ">"},
	{"XGROUP", "CREATECONSUMER", "k", "h", "idle"}, {"XREADGROUP", "GROUP", "h", "carol", "STREAMS", "k", ">"},
	{"XACK", "k", "h", "2-0"}, {"XDEL", "k", "3-0"}, {"XTRIM", "k", "MINID", "2"},
}

// TestDumpStreamGroups moves a stream with pending entries both ways: the
// copies answer XINFO STREAM FULL (delivery and seen times included) as the
// originals do.
func TestDumpStreamGroups(t *testing.T) {
	redis := dial(t, startRedis(t))
	addr, _ := startWaq(t, Options{})
	waq := dial(t, addr)
	for _, c := range []*rconn{redis, waq} {
		for _, cmd := range pelHistory {
			if v := run(t, c, cmd...); v[0] == '-' {
				t.Fatalf("%.60q: %q", cmd, v)
			}
		}
	}
	for _, p := range [][2]*rconn{{redis, waq}, {waq, redis}} {
		from, to := p[0], p[1]
		if v := run(t, to, "RESTORE", "copy", "0", dumpOf(t, from, "k"), "REPLACE"); v != "+OK\r\n" {
			t.Fatalf("RESTORE: %q", v)
		}
		if got, want := streamFull(t, to, "copy"), streamFull(t, from, "k"); got != want {
			t.Errorf("XINFO STREAM FULL of the copy:\n%q\nwant\n%q", got, want)
		}
	}
}

func TestDumpStreamRoundTrip(t *testing.T) {
	addr, _ := startWaq(t, Options{})
	c := dial(t, addr)
	for _, cmd := range pelHistory {
		run(t, c, cmd...)
	}
	run(t, c, "CONFIG", "SET", "stream-node-max-entries", "2")
	for i := 0; i < 5; i++ {
		run(t, c, "XADD", "k", "*", "x", fmt.Sprint(i))
	}
	run(t, c, "PEXPIRE", "k", "100000")
	payload := dumpOf(t, c, "k")
	run(t, c, "RESTORE", "copy", "5000", payload)
	if got, want := streamFull(t, c, "copy"), streamFull(t, c, "k"); got != want {
		t.Errorf("XINFO STREAM FULL of the copy:\n%q\nwant\n%q", got, want)
	}
	if got := dumpOf(t, c, "copy"); got != payload {
		t.Errorf("DUMP of the copy:\n%x\nwant\n%x", got, payload)
	}
	if ttl := run(t, c, "TTL", "copy"); ttl != ":5\r\n" {
		t.Errorf("TTL = %q", ttl)
	}
	if v := run(t, c, "XADD", "copy", "*", "x", "y"); v[0] != '$' {
		t.Errorf("XADD after RESTORE: %q", v)
	}
}

// TestRestoreStreamCorrupt tries every truncation and one-byte change of a
// stream payload with groups, consumers and pending entries.
func TestRestoreStreamCorrupt(t *testing.T) {
	addr, _ := startWaq(t, Options{})
	c := dial(t, addr)
	for _, cmd := range pelHistory {
		run(t, c, cmd...)
	}
	restoreCorrupt(t, c, "stream", dumpOf(t, c, "k"))
}

// TestRestoreStreamThenAdd restores redis-server's payload of a stream
// whose last node is part full, then adds to both: the nodes are cut where
// Redis cuts them.
func TestRestoreStreamThenAdd(t *testing.T) {
	redis := dial(t, startRedis(t))
	addr, _ := startWaq(t, Options{})
	waq := dial(t, addr)
	add := func(c *rconn, from, to int) {
		for i := from; i < to; i++ {
			run(t, c, "XADD", "k", fmt.Sprintf("%d-1", i+1), "f", strings.Repeat("v", 100+i), "n", fmt.Sprint(i))
		}
	}
	add(redis, 0, 20)
	if v := run(t, waq, "RESTORE", "k", "0", dumpOf(t, redis, "k")); v != "+OK\r\n" {
		t.Fatalf("RESTORE: %q", v)
	}
	for _, c := range []*rconn{redis, waq} {
		add(c, 20, 60)
	}
	if got, want := dumpOf(t, waq, "k"), uncompressed(t, dumpOf(t, redis, "k")); got != want {
		t.Errorf("DUMP differs:\nredis %x\n  waq %x", want, got)
	}
}
