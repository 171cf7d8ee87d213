package resp

import (
	"bufio"
	"bytes"
	"path/filepath"
	"testing"

	"github.com/tidwall/redcon"
	"github.com/waqhq/waq/store"
)

// FuzzCommand feeds arbitrary bytes through the guard, redcon's parser and
// the command path, and checks that every command got exactly one
// well-formed reply.
func FuzzCommand(f *testing.F) {
	for _, seed := range []string{
		"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n",
		"GET k\r\nINCR n\r\nLPUSH l a b\r\nLRANGE l 0 -1\r\n",
		"ZADD z 1 a 2 b\r\nZRANGE z 0 -1 WITHSCORES\r\nZRANGEBYLEX z - +\r\n",
		"MULTI\r\nHSET h f v\r\nHGETALL h\r\nEXEC\r\n",
		"SCAN 0 MATCH *[a-\\z]* COUNT 5 TYPE hash\r\nKEYS *\r\n",
		"SET k v PXAT 1\r\nGETEX k PERSIST\r\nSETRANGE k 3 x\r\nLPOS l a RANK -1 COUNT 0\r\n",
		"*1\r\n$999999999999\r\n", "*-1\r\n", "$3\r\nfoo\r\n", "\"unbalanced\r\n",
	} {
		f.Add([]byte(seed))
	}
	st, err := store.Open(filepath.Join(f.TempDir(), store.FileName), store.Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { st.Close() })
	s := New(st, Options{MaxBatch: 8})
	f.Fuzz(func(t *testing.T, data []byte) {
		g := guard{maxBulk: 1 << 16}
		if g.feed(data) != "" {
			return
		}
		cmds, err := redcon.NewReader(bytes.NewReader(data)).ReadCommands()
		if err != nil || len(cmds) > 64 {
			return
		}
		cl := &client{id: 1, authed: true}
		s.run(cl, cmds)
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
	if n != len(cmds) && !cl.quit {
		t.Fatalf("%d commands got %d replies: %q", len(cmds), n, cl.w.b)
	}
}
