package resp

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/waqhq/waq/store/redistest"
)

// TestDifferential runs the scripts in testdata/diff against a real
// redis-server and against waq and compares every reply byte for byte.
// A line's first word may be a marker for replies whose order or content
// Redis leaves open: "~" sorts an array, "~2" sorts an array of pairs
// (HGETALL), "~s" sorts the keys of a SCAN reply ("~s2" its pairs: HSCAN), "?" compares only
// the reply's type and length (random picks, PTTL), "%" masks the reply's
// integers (stream idle times and delivery times).
func TestDifferential(t *testing.T) {
	redis := startRedis(t)
	waq, _ := startWaq(t, Options{})
	files, _ := filepath.Glob("testdata/diff/*.txt")
	total := 0
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			total += runScript(t, f, dial(t, redis), dial(t, waq), false)
		})
	}
	// Again with each script sent as one pipeline, so that waq groups its
	// commands into shared transactions.
	for _, f := range files {
		t.Run("pipelined/"+filepath.Base(f), func(t *testing.T) {
			runScript(t, f, dial(t, redis), dial(t, waq), true)
		})
	}
	// Again in RESP3 (HELLO 3), whose replies differ in shape.
	for _, f := range files {
		t.Run("resp3/"+filepath.Base(f), func(t *testing.T) {
			redis, waq := dial(t, redis), dial(t, waq)
			for _, c := range []*rconn{redis, waq} {
				if v, err := c.do("HELLO", "3"); err != nil || v[0] != '%' {
					t.Fatalf("HELLO 3: %q %v", v, err)
				}
			}
			runScript(t, f, redis, waq, false)
		})
	}
	t.Logf("%d commands compared in %d scripts", total, len(files))
	if total < 300 {
		t.Errorf("only %d commands compared; want at least 300", total)
	}
}

// startRedis starts redis-server on a free port in a temp dir.
func startRedis(t *testing.T, args ...string) string {
	t.Helper()
	return redistest.Start(t, args...)
}

type scriptLine struct {
	no   int
	text string
	mode string
	args []string
}

func readScript(t *testing.T, path string) []scriptLine {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var lines []scriptLine
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		mode, args := splitLine(t, line)
		lines = append(lines, scriptLine{i + 1, line, mode, args})
	}
	return lines
}

func runScript(t *testing.T, path string, redis, waq *rconn, pipelined bool) int {
	for _, c := range []*rconn{redis, waq} {
		if _, err := c.do("FLUSHALL"); err != nil {
			t.Fatal(err)
		}
	}
	lines := readScript(t, path)
	if pipelined {
		var all []byte
		for _, l := range lines {
			all = append(all, encode(l.args)...)
		}
		redis.c.Write(all)
		waq.c.Write(all)
	}
	for _, l := range lines {
		want, err1 := send(redis, l.args, !pipelined)
		got, err2 := send(waq, l.args, !pipelined)
		if err1 != nil || err2 != nil {
			t.Fatalf("%s:%d %s: redis %v, waq %v", path, l.no, l.text, err1, err2)
		}
		if w, g := normalize(l.mode, want), normalize(l.mode, got); w != g {
			t.Errorf("%s:%d %s\n redis: %q\n   waq: %q", path, l.no, l.text, w, g)
		}
	}
	return len(lines)
}

// send writes a command (unless it was written already) and reads a reply.
func send(c *rconn, args []string, write bool) (value, error) {
	if write {
		if _, err := c.c.Write(encode(args)); err != nil {
			return value{}, err
		}
	}
	c.c.SetReadDeadline(time.Now().Add(5 * time.Second))
	return readReply(c.rd)
}

// splitLine splits a script line into its marker and arguments; "quoted"
// arguments take Go escapes.
func splitLine(t *testing.T, line string) (string, []string) {
	var args []string
	for line != "" {
		line = strings.TrimLeft(line, " \t")
		if line == "" {
			break
		}
		if line[0] == '"' {
			q, err := strconv.QuotedPrefix(line)
			if err != nil {
				t.Fatalf("bad quoting in %q", line)
			}
			s, _ := strconv.Unquote(q)
			args = append(args, s)
			line = line[len(q):]
			continue
		}
		end := strings.IndexAny(line, " \t")
		if end < 0 {
			end = len(line)
		}
		args = append(args, line[:end])
		line = line[end:]
	}
	switch args[0] {
	case "~", "~2", "~s", "~s2", "?", "%":
		return args[0], args[1:]
	}
	return "", args
}

// normalize renders a reply for comparison under a marker.
func normalize(mode string, v value) string {
	switch mode {
	case "~":
		return sortedRaw(v.raw[:strings.IndexByte(v.raw, '\n')+1], v.elems, 1)
	case "~2":
		return sortedRaw(v.raw[:strings.IndexByte(v.raw, '\n')+1], v.elems, 2)
	case "~s", "~s2":
		if len(v.elems) == 2 {
			return v.elems[0].raw + sortedRaw("", v.elems[1].elems, len(mode)-1)
		}
	case "?":
		return fmt.Sprintf("%c%d", v.raw[0], len(v.elems))
	case "%":
		return maskInts(v.raw)
	}
	return v.raw
}

func sortedRaw(head string, elems []value, group int) string {
	var parts []string
	for i := 0; i+group <= len(elems); i += group {
		s := ""
		for _, e := range elems[i : i+group] {
			s += e.raw
		}
		parts = append(parts, s)
	}
	sort.Strings(parts)
	return head + strings.Join(parts, "")
}

// TestDifferentialAuth compares the replies around AUTH with a password set.
func TestDifferentialAuth(t *testing.T) {
	redis := dial(t, startRedis(t, "--requirepass", "pw"))
	addr, _ := startWaq(t, Options{Password: "pw"})
	waq := dial(t, addr)
	for _, line := range []string{"GET k", "GET", "SET k", "PING", "SELECT 1", "CLIENT SETNAME x", "NOSUCH", "AUTH wrong",
		"AUTH default wrong", "AUTH other pw", "AUTH a b c", "HELLO 2", "HELLO 2 AUTH default wrong",
		"HELLO 2 AUTH default pw SETNAME n", "GET k", "AUTH pw", "AUTH default pw", "SET k v", "GET k"} {
		mode, args := splitLine(t, line)
		want, err1 := send(redis, args, true)
		got, err2 := send(waq, args, true)
		if err1 != nil || err2 != nil {
			t.Fatalf("%s: %v %v", line, err1, err2)
		}
		if args[0] == "HELLO" && want.raw[0] == '*' && got.raw[0] == '*' {
			continue // the client id differs
		}
		if w, g := normalize(mode, want), normalize(mode, got); w != g {
			t.Errorf("%s\n redis: %q\n   waq: %q", line, w, g)
		}
	}
}
