package stats

import (
	"testing"
	"time"
)

// Counters written into the open minute, hour and day after a query show in
// the next query: open buckets are never served from the cache.
func TestCacheNeverServesOpenBucket(t *testing.T) {
	now := local(madrid, 2026, 11, 26, 10, 30)
	fx := newFixture(t, madrid, now)
	today := local(madrid, 2026, 11, 26, 0, 0)
	fx.add(t, sent(today.Add(time.Hour), 1), sent(now.Add(-2*time.Minute), 10))
	f := func(want uint64) {
		t.Helper()
		for _, l := range []Level{Minute, Hour, Day} {
			c, err := fx.r.Sum(l, DimAll, today, now.Add(time.Second))
			if err != nil || c.Sent != want {
				t.Fatalf("%s sum = %d, %v; want %d", l, c.Sent, err, want)
			}
		}
		if c := fx.total(t, DimAll, today, now.Add(time.Second)); c.Sent != want {
			t.Fatalf("total = %d, want %d", c.Sent, want)
		}
		fx.r.cache.wait()
	}
	f(11)
	fx.add(t, sent(now, 100)) // the open minute, hour and day
	f(111)
	fx.add(t, sent(now.Add(-30*time.Second), 1000)) // the minute before, within CacheGrace
	f(1111)
	fx.clock.Set(now.Add(20 * time.Second))
	fx.add(t, sent(now.Add(10*time.Second), 10000))
	f(11111)
}

// A sum over buckets that are over is read once: later writes into them
// show only after Forget (or CacheTTL).
func TestCacheClosedHit(t *testing.T) {
	now := local(madrid, 2026, 11, 26, 10, 30)
	fx := newFixture(t, madrid, now)
	yesterday := local(madrid, 2026, 11, 25, 0, 0)
	fx.add(t, sent(yesterday.Add(time.Hour), 1))
	f := func(want uint64) {
		t.Helper()
		c, err := fx.r.Sum(Day, DimAll, yesterday, now)
		if err != nil || c.Sent != want {
			t.Fatalf("sum = %d, %v; want %d", c.Sent, err, want)
		}
		fx.r.cache.wait()
	}
	f(1)
	fx.add(t, sent(yesterday.Add(2*time.Hour), 10), sent(now, 100)) // an event posted late, and one today
	f(101)                                                          // yesterday from the cache, today fresh
	fx.r.Forget()
	f(111)
	// The cached part ends where today, the open day, starts.
	if v, ok := fx.r.cache.get(cacheKey(Day, DimAll, yesterday, local(madrid, 2026, 11, 26, 0, 0))); !ok || v.Sent != 11 {
		t.Fatalf("cached yesterday = %v, %v; want 11", v, ok)
	}
}

func TestCacheKey(t *testing.T) {
	a := time.Unix(100, 0)
	b := time.Unix(200, 0)
	keys := map[string]bool{}
	for _, k := range []string{
		cacheKey(Day, "", a, b), cacheKey(Hour, "", a, b), cacheKey(Day, "c:x", a, b),
		cacheKey(Day, "", b, b), cacheKey(Day, "", a, a),
	} {
		if keys[k] {
			t.Fatalf("key %q repeats", k)
		}
		keys[k] = true
	}
}
