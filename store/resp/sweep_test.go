package resp

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/waqhq/waq/store"
	"github.com/waqhq/waq/store/keyspace"
)

// The sweeper deletes expired keys, except while a mirror follows a source:
// then the source's DEL expires them.
func TestSweepWaitsForTheMirror(t *testing.T) {
	st, err := store.Open(filepath.Join(t.TempDir(), store.FileName), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := time.Now() // Sweep reads the store's clock
	s := New(st, Options{Now: func() time.Time { return now }})
	put := func(fn func(tx *keyspace.Tx) error) {
		t.Helper()
		if err := keyspace.New(st).UpdateNoExpiry(fn); err != nil {
			t.Fatal(err)
		}
	}
	put(func(tx *keyspace.Tx) error {
		if err := tx.SetString(0, []byte("session"), []byte("x"), now.Add(-time.Second).UnixMilli(), false); err != nil {
			return err
		}
		return tx.SetMirrorState(keyspace.MirrorState{URL: "redis://source:6379", ReplID: "abc", Offset: 42})
	})
	if n, err := s.sweepOnce(); err != nil || n != 0 {
		t.Fatalf("swept %d, %v while mirroring; want 0", n, err)
	}
	put(func(tx *keyspace.Tx) error { return tx.ClearMirrorState() })
	if n, err := s.sweepOnce(); err != nil || n != 1 {
		t.Fatalf("swept %d, %v after cutover; want 1", n, err)
	}
}
