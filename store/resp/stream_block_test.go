package resp

import (
	"testing"
)

// TestStreamBlockingDifferential runs blocking XREAD and XREADGROUP with
// real clients against redis-server and waq: readers block, another
// connection writes, and each reader's reply must be Redis's byte for byte.
func TestStreamBlockingDifferential(t *testing.T) {
	redis := startRedis(t)
	waq, _ := startWaq(t, Options{})
	// step is one command: by the control client ("" reader) or sent by a
	// reader that blocks ("wait" then waits for that many blocked clients);
	// "read" reads a reader's pending reply.
	type step struct {
		who  string
		wait int
		args []string
	}
	f := func(name string, resp3 bool, steps ...step) {
		t.Helper()
		got := map[string][]string{}
		for _, addr := range []string{redis, waq} {
			ctl := dial(t, addr)
			readers := map[string]*rconn{}
			conn := func(who string) *rconn {
				if readers[who] == nil {
					readers[who] = dial(t, addr)
					if resp3 {
						readers[who].do("HELLO", "3")
					}
				}
				return readers[who]
			}
			ctl.do("FLUSHALL")
			var out []string
			for _, s := range steps {
				switch {
				case s.who == "":
					r, err := ctl.do(s.args...)
					if err != nil {
						t.Fatal(err)
					}
					out = append(out, r)
				case s.args[0] == "read":
					out = append(out, s.who+": "+conn(s.who).read(t))
				default:
					conn(s.who).send(t, s.args...)
					waitBlocked(t, ctl, s.wait)
				}
			}
			got[addr] = out
		}
		for i := range got[redis] {
			if i >= len(got[waq]) || got[redis][i] != got[waq][i] {
				t.Errorf("%s: step %d\n redis: %q\n   waq: %q", name, i, got[redis], got[waq])
				return
			}
		}
	}
	ctl := func(args ...string) step { return step{args: args} }
	block := func(who string, wait int, args ...string) step { return step{who, wait, args} }
	read := func(who string) step { return step{who: who, args: []string{"read"}} }
	for _, resp3 := range []bool{false, true} {
		f("every reader is served", resp3,
			ctl("XADD", "s", "1-0", "a", "1"),
			block("a", 1, "XREAD", "BLOCK", "0", "STREAMS", "s", "$"),
			block("b", 2, "XREAD", "BLOCK", "0", "COUNT", "5", "STREAMS", "other", "s", "0", "$"),
			ctl("XADD", "s", "2-0", "b", "2"),
			read("a"), read("b"),
			ctl("XADD", "other", "1-0", "c", "3"))
		f("timeout and old data", resp3,
			ctl("XADD", "s", "1-0", "a", "1"),
			block("a", 0, "XREAD", "BLOCK", "20", "STREAMS", "s", "$"), read("a"),
			block("a", 0, "XREAD", "BLOCK", "0", "STREAMS", "s", "0-0"), read("a"))
		f("deleted and retyped keys", resp3,
			ctl("XADD", "s", "1-0", "a", "1"),
			block("a", 1, "XREAD", "BLOCK", "0", "STREAMS", "s", "$"),
			ctl("SET", "s", "x"), ctl("DEL", "s"), ctl("XADD", "s", "3-0", "b", "2"), read("a"))
		f("group readers", resp3,
			ctl("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"),
			block("a", 1, "XREADGROUP", "GROUP", "g", "alice", "BLOCK", "0", "STREAMS", "s", ">"),
			block("b", 2, "XREADGROUP", "GROUP", "g", "bob", "BLOCK", "0", "STREAMS", "s", ">"),
			ctl("XADD", "s", "1-0", "a", "1"), read("a"),
			ctl("XADD", "s", "2-0", "b", "2"), read("b"),
			ctl("XPENDING", "s", "g"),
			block("a", 0, "XREADGROUP", "GROUP", "g", "alice", "BLOCK", "0", "STREAMS", "s", "0"), read("a"),
			block("a", 1, "XREADGROUP", "GROUP", "g", "alice", "BLOCK", "0", "STREAMS", "s", ">"),
			ctl("XGROUP", "DESTROY", "s", "g"), read("a"),
			ctl("XGROUP", "CREATE", "s", "g", "$"),
			block("b", 1, "XREADGROUP", "GROUP", "g", "bob", "BLOCK", "0", "STREAMS", "s", ">"),
			ctl("DEL", "s"), read("b"))
		f("group readers on several keys", resp3,
			ctl("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"), ctl("XGROUP", "CREATE", "o", "g", "$", "MKSTREAM"),
			block("a", 1, "XREADGROUP", "GROUP", "g", "alice", "BLOCK", "0", "STREAMS", "o", "s", ">", ">"),
			block("b", 2, "XREADGROUP", "GROUP", "g", "bob", "BLOCK", "0", "STREAMS", "s", ">"),
			ctl("XADD", "s", "1-0", "a", "1"), read("a"),
			ctl("XADD", "s", "2-0", "b", "2"), read("b"))
		f("inside MULTI", resp3,
			ctl("MULTI"), ctl("XREAD", "BLOCK", "0", "STREAMS", "s", "$"), ctl("EXEC"))
	}
}
