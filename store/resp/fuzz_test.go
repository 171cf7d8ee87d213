package resp

import (
	"bufio"
	"bytes"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/VictoriaMetrics/metrics"
	"github.com/tidwall/redcon"

	"github.com/waqhq/waq/store"
)

// FuzzCommand feeds arbitrary bytes through the guard, redcon's parser and
// the command path, and checks that every command got exactly one
// well-formed reply and that no handler panicked (the server recovers
// panics, so the test counts them). The commands of one input run as one
// pipeline, sharing transactions, or, when the input starts with '!', one
// socket read at a time; MULTI/EXEC blocks run either way.
func FuzzCommand(f *testing.F) {
	for _, seed := range []string{
		"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n",
		"GET k\r\nINCR n\r\nLPUSH l a b\r\nLRANGE l 0 -1\r\n",
		"ZADD z 1 a 2 b\r\nZRANGE z 0 -1 WITHSCORES\r\nZRANGEBYLEX z - +\r\n",
		"MULTI\r\nHSET h f v\r\nHGETALL h\r\nEXEC\r\n",
		"!MULTI\r\nHSET h f v\r\nHGETALL h\r\nEXEC\r\n",
		"WATCH k\r\nSET k w\r\nMULTI\r\nGET k\r\nINCR k\r\nEXEC\r\nMULTI\r\nMULTI\r\nNOSUCH\r\nEXEC\r\nDISCARD\r\n",
		"MULTI\r\nSADD s a\r\nSRANDMEMBER s -9223372036854775808\r\nSETRANGE k 9223372036854775807 x\r\nEXEC\r\n",
		"SCAN 0 MATCH *[a-\\z]* COUNT 5 TYPE hash\r\nKEYS *\r\n",
		"SET k v PXAT 1\r\nGETEX k PERSIST\r\nSETRANGE k 3 x\r\nLPOS l a RANK -1 COUNT 0\r\n",
		// The two inputs that crashed waq before its handlers were range-checked.
		"SADD s a\r\nSRANDMEMBER s -9223372036854775808\r\n",
		"SETRANGE k 9223372036854775807 x\r\n",
		"HSET h a 1\r\nHRANDFIELD h -9223372036854775808\r\nHRANDFIELD h 9223372036854775807 WITHVALUES\r\n",
		"SET " + strings.Repeat("a", 32) + " v\r\nKEYS *a*a*a*a*a*a*a*a*a*a*a*ab\r\n",
		"ZADD z 1 a\r\nZSCAN z -1\r\nHSCAN h -1 MATCH [^\r\nSSCAN s 18446744073709551615\r\nSCAN \"\"\r\n",
		"!LPOS l a RANK -9223372036854775808 COUNT 2\r\nSELECT -9223372036854775808\r\nEXPIRE k 9223372036854775807\r\n",
		// Streams: IDs at the limits, trims, groups, claims (no BLOCK: a
		// mutation that drops MULTI would wait forever).
		"XADD x 18446744073709551615-18446744073709551615 a 1\r\nXADD x * a 1\r\nXADD x 5-* a 1\r\nXRANGE x (18446744073709551615-18446744073709551615 +\r\nXREVRANGE x - (0-0\r\n",
		"XADD x MAXLEN ~ 0 LIMIT 9223372036854775807 1 a 1\r\nXTRIM x MINID ~ 99 LIMIT 0\r\nXSETID x 0-0 ENTRIESADDED 9223372036854775807 MAXDELETEDID 0-0\r\nXINFO STREAM x FULL COUNT -1\r\n",
		"XGROUP CREATE x g $ MKSTREAM ENTRIESREAD 9223372036854775807\r\nXADD x 1 a 1\r\nXREADGROUP GROUP g c COUNT -1 NOACK STREAMS x >\r\nXINFO GROUPS x\r\n",
		"XADD x 1 a 1\r\nXGROUP CREATE x g 0\r\nXREADGROUP GROUP g c STREAMS x >\r\nXDEL x 1\r\nXCLAIM x g d -1 1 IDLE -9223372036854775808 TIME 9223372036854775807 RETRYCOUNT -1 FORCE LASTID 9-9\r\nXAUTOCLAIM x g d 0 - COUNT 576460752303423487\r\nXPENDING x g IDLE 9223372036854775807 - + 9223372036854775807 c\r\n",
		"XREAD COUNT 9223372036854775807 STREAMS x x $ 0\r\nXREADGROUP GROUP g c NOACK STREAMS x 0\r\n",
		"SUBSCRIBE a b\r\nPING\r\nGET k\r\nPSUBSCRIBE *\r\nUNSUBSCRIBE\r\nPUBLISH a x\r\nRESET\r\n",
		"CONFIG SET notify-keyspace-events KEA\r\nSET k v\r\nDEL k\r\nCLIENT REPLY SKIP\r\nGET k\r\nCLIENT REPLY OFF\r\nGET k\r\n",
		"BITFIELD k SET i64 0 -9223372036854775808 INCRBY i64 0 -1 OVERFLOW SAT INCRBY u63 #9223372036854775807 1\r\n",
		"BITOP NOT d k\r\nBITOP AND d k k2 k3\r\nBITFIELD_RO k GET u1 #-1\r\nBITFIELD k OVERFLOW FAIL SET u8 #8388607 256\r\n",
		"*1\r\n$999999999999\r\n", "*-1\r\n", "$3\r\nfoo\r\n", "\"unbalanced\r\n",
		// Scripts (script_*.go): conversions, errors, a table that holds itself, a huge string.
		"EVAL \"return redis.call('set', KEYS[1], ARGV[1])\" 1 k v\r\nEVALSHA 0 0\r\nSCRIPT LOAD \"return {1,{ok='x'},{err='y'}}\"\r\n",
		"MULTI\r\nEVAL \"redis.call('incr','k') error('x')\" 0\r\nEVAL_RO \"return redis.call('del','k')\" 0\r\nEXEC\r\n",
		"EVAL \"local t = {} t[1] = t return t\" 0\r\nEVAL \"return string.rep('x', 1e9)\" 0\r\nEVAL \"return 1 +\" 0\r\n",
		"EVAL \"redis.setresp(3) return {redis.call('hgetall','h'), {map={a={set={1}}}}, {double=0/0}}\" 0\r\nSCRIPT KILL\r\n",
	} {
		f.Add([]byte(seed))
	}
	st, err := store.Open(filepath.Join(f.TempDir(), store.FileName), store.Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { st.Close() })
	var logs safeBuffer
	s := New(st, Options{PipelineTxMax: 8, MaxBulk: 1 << 16, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	commitPanics := metrics.GetOrCreateCounter(`waq_panics_recovered_total{where="commit"}`)
	f.Fuzz(func(t *testing.T, data []byte) {
		apart := bytes.HasPrefix(data, []byte("!"))
		if apart {
			data = data[1:]
		}
		g := guard{maxBulk: 1 << 16}
		if g.feed(data) != "" {
			return
		}
		cmds, err := redcon.NewReader(bytes.NewReader(data)).ReadCommands()
		if err != nil || len(cmds) > 64 {
			return
		}
		before, logged := respPanics.Get()+commitPanics.Get(), len(logs.String())
		cl := &client{id: 1, authed: true}
		stop := time.AfterFunc(2*time.Second, s.scripts.stopAll) // an endless script
		defer stop.Stop()
		if apart {
			for i := 0; i < len(cmds) && !cl.quit; i++ {
				s.run(cl, cmds[i:i+1])
			}
		} else {
			s.run(cl, cmds)
		}
		if respPanics.Get()+commitPanics.Get() != before {
			t.Fatalf("a command panicked:\n%s", logs.String()[logged:])
		}
		checkReplies(t, cl, cmds)
	})
}

func checkReplies(t *testing.T, cl *client, cmds []redcon.Command) {
	rd := bufio.NewReader(bytes.NewReader(cl.w.b))
	n := 0
	for rd.Buffered() > 0 || n == 0 {
		if _, err := readReply(rd); err != nil {
			if n == 0 && len(cl.w.b) == 0 {
				break
			}
			t.Fatalf("reply %d of %q: %v", n, cl.w.b, err)
		}
		n++
		if _, err := rd.Peek(1); err != nil {
			break
		}
	}
	if n != len(cmds) && !cl.quit && !repliesVary(cmds) {
		t.Fatalf("%d commands got %d replies: %q", len(cmds), n, cl.w.b)
	}
}

// repliesVary reports commands that answer more or less than once:
// (UN)SUBSCRIBE with several names, and those silenced by CLIENT REPLY.
func repliesVary(cmds []redcon.Command) bool {
	for _, c := range cmds {
		if cmd := lookup(c.Args[0]); cmd != nil && (cmd.group == "pubsub" || cmd.name == "client") {
			return true
		}
	}
	return false
}
