package resp

import (
	"strconv"
	"strings"
	"testing"
)

// TestStreamNodesDifferential: MAXLEN ~ trims whole nodes only, so waq
// must cut its model of Redis's nodes where Redis cuts its listpacks (at
// stream-node-max-entries entries or stream-node-max-bytes bytes). Entries
// of many sizes, with the master entry's fields or others, integers among
// them, must leave the same length and node count as redis-server.
func TestStreamNodesDifferential(t *testing.T) {
	redis, waq := dial(t, startRedis(t)), dial(t, func() string { a, _ := startWaq(t, Options{}); return a }())
	f := func(size, variant int) {
		t.Helper()
		var got [2]string
		for i, c := range []*rconn{redis, waq} {
			c.do("DEL", "n")
			var all []byte // one pipeline: waq runs it in few transactions
			for j := 1; j <= 300; j++ {
				v := strings.Repeat("v", size)
				args := []string{"XADD", "n", "MAXLEN", "~", "50", strconv.Itoa(j)}
				switch variant {
				case 0: // the master entry's fields
					args = append(args, "event", v)
				case 1: // fields that change
					args = append(args, "f"+strconv.Itoa(j%3), v)
				case 2: // integers, and fields that change in number
					args = append(args, "n", strconv.Itoa(j*7919-100000), "jobId", strconv.Itoa(j))
					if j%2 == 0 {
						args = append(args, "name", v)
					}
				}
				all = append(all, encode(args)...)
			}
			c.c.Write(all)
			for j := 1; j <= 300; j++ {
				if r, err := readReply(c.rd); err != nil || r.raw[0] != '$' {
					t.Fatalf("XADD %d: %q %v", j, r.raw, err)
				}
			}
			n, _ := c.do("XLEN", "n")
			info, _ := c.do("XINFO", "STREAM", "n")
			got[i] = n + " " + info[:strings.Index(info, "radix-tree-nodes")]
		}
		if got[0] != got[1] {
			t.Errorf("values of %d bytes, variant %d:\n redis: %q\n   waq: %q", size, variant, got[0], got[1])
		}
	}
	for _, size := range []int{1, 30, 50, 63, 64, 100, 200, 1000, 5000} {
		for variant := range 3 {
			f(size, variant)
		}
	}
	for _, c := range []*rconn{redis, waq} { // nodes of 10 entries
		c.do("CONFIG", "SET", "stream-node-max-entries", "10")
	}
	f(10, 0)
	f(10, 2)
}

// TestStreamAutoClaimPages: XAUTOCLAIM walks a PEL longer than the pages
// waq reads it in, over deleted entries, as an iterator; every reply is
// compared with redis-server's.
func TestStreamAutoClaimPages(t *testing.T) {
	redis, waq := dial(t, startRedis(t)), dial(t, func() string { a, _ := startWaq(t, Options{}); return a }())
	var want, got []string
	for _, c := range []*rconn{redis, waq} {
		var all []byte
		for j := 1; j <= 3000; j++ {
			all = append(all, encode([]string{"XADD", "s", strconv.Itoa(j), "f", strconv.Itoa(j)})...)
		}
		c.c.Write(all)
		for j := 1; j <= 3000; j++ {
			readReply(c.rd)
		}
		c.do("XGROUP", "CREATE", "s", "g", "0")
		c.do("XREADGROUP", "GROUP", "g", "a", "COUNT", "5000", "STREAMS", "s", ">")
		for j := 1000; j <= 1100; j++ {
			c.do("XDEL", "s", strconv.Itoa(j))
		}
		var out []string
		for _, step := range [][]string{{"0", "700"}, {"", "700"}, {"", "2000"}, {"0", "100000"}, {"1500", "3"}} {
			from := step[0]
			if from == "" {
				from = out[len(out)-1]
			}
			r, err := c.do("XAUTOCLAIM", "s", "g", "b", "0", from, "COUNT", step[1], "JUSTID")
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, r, cursorOf(r))
		}
		if c == redis {
			want = out
		} else {
			got = out
		}
	}
	for i := range want {
		if want[i] != got[i] {
			t.Errorf("step %d:\n redis: %.300q\n   waq: %.300q", i/2, want[i], got[i])
		}
	}
}

// cursorOf is the next start in an XAUTOCLAIM reply: its first bulk.
func cursorOf(raw string) string {
	parts := strings.SplitN(raw, "\r\n", 4)
	return parts[2]
}
