package stats

import (
	"testing"
	"time"
)

// Retention drops exactly the minute buckets older than the minute
// retention and the hour buckets older than the hour retention; days stay.
func TestRetention(t *testing.T) {
	st := openStore(t)
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	var ds []Delta
	for _, age := range []time.Duration{time.Minute, 30*24*time.Hour - time.Minute, 30*24*time.Hour + time.Minute, 400 * 24 * time.Hour} {
		ds = append(ds, Delta{At: now.Add(-age), Campaign: "c", Counters: Counters{Sent: 1}})
	}
	if err := AddDeltas(st, time.UTC, ds); err != nil {
		t.Fatal(err)
	}
	r := &Retention{Store: st, Minute: 30 * 24 * time.Hour, Hour: 365 * 24 * time.Hour}
	n, err := r.Run(now)
	if err != nil || n != 2*2+1*2 {
		t.Fatalf("deleted %d, %v; want 6 (two minute buckets and one hour bucket, two dimensions each)", n, err)
	}
	f := func(l Level, at time.Time, want uint64) {
		t.Helper()
		c, err := ReadRecord(st, l, l.Start(at, time.UTC), DimAll)
		if err != nil || c.Sent != want {
			t.Fatalf("%s at %s: sent %d, %v; want %d", l, at, c.Sent, err, want)
		}
	}
	f(Minute, now.Add(-time.Minute), 1)
	f(Minute, now.Add(-30*24*time.Hour+time.Minute), 1)
	f(Minute, now.Add(-30*24*time.Hour-time.Minute), 0)
	f(Hour, now.Add(-30*24*time.Hour-time.Minute), 1)
	f(Hour, now.Add(-400*24*time.Hour), 0)
	f(Day, now.Add(-400*24*time.Hour), 1)
	if n, _ := r.Run(now); n != 0 {
		t.Fatalf("a second run deleted %d", n)
	}
}
