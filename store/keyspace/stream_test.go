package keyspace

import (
	"bytes"
	"fmt"
	"testing"
	"time"
)

// fillStream adds n entries 1-0…n-0 to key in db, with a group "g" that
// read them all as consumer "c".
func fillStream(t *testing.T, b *bundle, db int, key string, n int) {
	t.Helper()
	kupdate(t, b, func(kt *Tx) error {
		s, err := kt.CreateStream(db, []byte(key))
		if err != nil {
			return err
		}
		for i := 1; i <= n; i++ {
			if err := s.Add(StreamID{uint64(i), 0}, [][]byte{[]byte("f"), []byte(fmt.Sprint(i))}, NodeLimits{Entries: 4}); err != nil {
				return err
			}
		}
		g := &Group{Name: []byte("g"), EntriesRead: -1}
		if _, err := s.PutConsumer(g.Name, []byte("c"), 1); err != nil {
			return err
		}
		for i := 1; i <= n; i++ {
			s.Delivered(g, StreamID{uint64(i), 0})
			if err := s.PutPending(g.Name, &Pending{ID: StreamID{uint64(i), 0}, Consumer: []byte("c"), Deliveries: 1}); err != nil {
				return err
			}
		}
		return s.PutGroup(g)
	})
}

// subkeys counts the records under key's prefix in resp_sub.
func subkeys(t *testing.T, b *bundle, db int, key string) int {
	n := 0
	kview(t, b, func(kt *Tx) error {
		p := subPrefix(db, []byte(key), 0)
		c := kt.sub.Cursor()
		for k, _ := c.Seek(p); k != nil && bytes.HasPrefix(k, p); k, _ = c.Next() {
			n++
		}
		return nil
	})
	return n
}

// TestStreamKeys: a stream's records go with it when it is deleted,
// renamed, expired, flushed or swapped, and the counts stay right.
func TestStreamKeys(t *testing.T) {
	b := setup(t)
	fillStream(t, b, 0, "s", 10)
	if n := subkeys(t, b, 0, "s"); n < 10+10+10 {
		t.Fatalf("%d subkeys for 10 entries with a group", n)
	}
	kupdate(t, b, func(kt *Tx) error { _, err := kt.Rename(0, []byte("s"), []byte("t")); return err })
	if subkeys(t, b, 0, "s") != 0 {
		t.Error("RENAME left records behind")
	}
	kview(t, b, func(kt *Tx) error {
		s, err := kt.Stream(0, []byte("t"))
		if err != nil || s == nil || s.Len() != 10 || s.Added != 10 || s.Last != (StreamID{10, 0}) {
			t.Fatalf("renamed stream %+v %v", s, err)
		}
		if _, err := kt.Len(0, []byte("t"), List); err != ErrWrongType {
			t.Errorf("LLEN of a stream: %v", err)
		}
		if p := s.PendingCount([]byte("g"), []byte("c")); p != 10 {
			t.Errorf("pending %d", p)
		}
		return nil
	})
	kupdate(t, b, func(kt *Tx) error { return kt.SwapDB(0, 1) })
	kupdate(t, b, func(kt *Tx) error { _, err := kt.SetExpire(1, []byte("t"), kt.Now()+1000); return err })
	b.clock.Add(2 * time.Second)
	if n, _ := b.ks.Sweep(10); n != 1 {
		t.Errorf("swept %d", n)
	}
	if subkeys(t, b, 1, "t") != 0 {
		t.Error("expiry left records behind")
	}
	fillStream(t, b, 2, "u", 3)
	kupdate(t, b, func(kt *Tx) error { return kt.FlushDB(2) })
	if subkeys(t, b, 2, "u") != 0 {
		t.Error("FLUSHDB left records behind")
	}
	b.mustCheck(t)
}

// TestStreamTrimNodes: an approximate trim removes whole nodes only, an
// exact one goes into the first node and leaves it with tombstones; XDEL of
// a node's last live entry removes the node.
func TestStreamTrimNodes(t *testing.T) {
	b := setup(t)
	fillStream(t, b, 0, "s", 10) // nodes of 4: 1-4, 5-8, 9-10
	f := func(tr Trim, wantDeleted, wantLen, wantNodes int64) {
		t.Helper()
		kupdate(t, b, func(kt *Tx) error {
			s, err := kt.Stream(0, []byte("s"))
			if err != nil {
				return err
			}
			n, err := s.Trim(tr)
			if n != wantDeleted || s.Len() != wantLen || s.Nodes() != wantNodes {
				t.Errorf("%+v: deleted %d, length %d, nodes %d; want %d %d %d", tr, n, s.Len(), s.Nodes(), wantDeleted, wantLen, wantNodes)
			}
			return err
		})
	}
	f(Trim{MaxLen: 7, Approx: true}, 0, 10, 3) // the first node holds 4: 10-4 < 7
	f(Trim{MaxLen: 6, Approx: true}, 4, 6, 2)
	f(Trim{MaxLen: 5}, 1, 5, 2) // entry 5 of node 5-8
	f(Trim{ByID: true, MinID: StreamID{8, 0}, Approx: true}, 0, 5, 2)
	f(Trim{ByID: true, MinID: StreamID{9, 0}}, 3, 2, 1)
	kupdate(t, b, func(kt *Tx) error {
		s, err := kt.Stream(0, []byte("s"))
		if err != nil {
			return err
		}
		for _, id := range []StreamID{{9, 0}, {10, 0}} {
			if ok, err := s.Delete(id); !ok || err != nil {
				return fmt.Errorf("delete %v: %v %v", id, ok, err)
			}
		}
		if s.Nodes() != 0 || s.Len() != 0 || s.MaxDeleted != (StreamID{10, 0}) {
			t.Errorf("after XDEL: nodes %d, length %d, max deleted %v", s.Nodes(), s.Len(), s.MaxDeleted)
		}
		return nil
	})
	kview(t, b, func(kt *Tx) error {
		if s, _ := kt.Stream(0, []byte("s")); s == nil {
			t.Error("an emptied stream is a key still")
		}
		return nil
	})
}
