package keyspace

import (
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/waqhq/waq/store"
)

// clock is a fake clock tests move by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

type bundle struct {
	s     *store.Store
	ks    *Keyspace
	clock *clock
}

// setup opens a real bbolt file in a temp dir, closed when the test ends,
// with the keyspace on the store's fake clock.
func setup(t testing.TB) *bundle {
	t.Helper()
	b := &bundle{clock: &clock{t: time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)}}
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
