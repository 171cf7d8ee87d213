package keyspace

import (
	"path/filepath"
	"testing"

	"github.com/waqhq/waq/internal/timetest"
	"github.com/waqhq/waq/store"
)

type bundle struct {
	s     *store.Store
	ks    *Keyspace
	clock *timetest.Clock
}

// setup opens a real bbolt file in a temp dir, closed when the test ends,
// with the keyspace on the store's fake clock.
func setup(t testing.TB) *bundle {
	t.Helper()
	b := &bundle{clock: timetest.NewClock()}
	s, err := store.Open(filepath.Join(t.TempDir(), store.FileName), store.Options{Now: b.clock.Now})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	b.s, b.ks = s, New(s)
	return b
}

// mustCheck runs the store's check, which includes the keyspace's buckets.
func (b *bundle) mustCheck(t testing.TB) {
	t.Helper()
	probs, err := b.s.Check()
	if err != nil || len(probs) > 0 {
		t.Fatalf("check: %v %v", err, probs)
	}
}
