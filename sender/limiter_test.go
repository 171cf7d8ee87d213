package sender

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/waqhq/waq/internal/timetest"
)

func TestLimiterBacklogUsesTheRateExactly(t *testing.T) {
	c := timetest.NewClock()
	r := Rate{80, time.Minute}
	l := newLimiter(r, c.Now)
	var granted []time.Time
	for len(granted) < 10000 {
		if wait := l.take(); wait > 0 {
			c.Add(wait)
			continue
		}
		granted = append(granted, c.Now())
	}
	if got := maxInWindow(granted, r.Window); got != r.Count {
		t.Fatalf("most sends in one window = %d, want exactly %d", got, r.Count)
	}
	for i := r.Count; i < len(granted); i++ {
		if gap := granted[i].Sub(granted[i-r.Count]); gap != r.Window {
			t.Fatalf("send %d came %s after send %d; a backlog should wait exactly %s", i, gap, i-r.Count, r.Window)
		}
	}
	// 10 000 sends at 80 a minute: the last batch starts at minute 124.
	if got, want := granted[len(granted)-1].Sub(granted[0]), 124*time.Minute; got != want {
		t.Fatalf("10 000 sends took %s, want %s", got, want)
	}
}

func TestLimiterRandomTrafficNeverExceedsTheRate(t *testing.T) {
	c := timetest.NewClock()
	r := Rate{80, time.Minute}
	l := newLimiter(r, c.Now)
	rng := rand.New(rand.NewPCG(1, 2))
	var sent []time.Time
	for len(sent) < 10000 {
		c.Add(time.Duration(rng.Int64N(int64(2 * time.Second))))
		if wait := l.take(); wait > 0 {
			if rng.IntN(2) == 0 { // sometimes wait exactly, sometimes come back later
				c.Add(wait)
			}
			continue
		}
		if rng.IntN(10) == 0 { // empty queue: the permit is given back
			l.undo()
			continue
		}
		c.Add(time.Duration(rng.Int64N(int64(5 * time.Millisecond))))
		l.restamp() // the call starts a little after the permit
		sent = append(sent, c.Now())
	}
	if got := maxInWindow(sent, r.Window); got > r.Count {
		t.Fatalf("%d sends in one window of %s, the rate is %s", got, r.Window, r)
	}
}

func TestLimiterCount(t *testing.T) {
	c := timetest.NewClock()
	l := newLimiter(Rate{3, time.Second}, c.Now)
	f := func(advance time.Duration, take bool, want int) {
		t.Helper()
		c.Add(advance)
		if take && l.take() != 0 {
			t.Fatalf("take refused after %s", advance)
		}
		if got := l.count(); got != want {
			t.Fatalf("count = %d, want %d", got, want)
		}
	}
	f(0, true, 1)
	f(400*time.Millisecond, true, 2)
	f(599*time.Millisecond, false, 2)
	f(time.Millisecond, false, 1) // the first left: the window is (now-1s, now]
	f(400*time.Millisecond, false, 0)
}

func TestLimiterWaitsForTheOldest(t *testing.T) {
	c := timetest.NewClock()
	l := newLimiter(Rate{2, time.Second}, c.Now)
	l.take()
	c.Add(300 * time.Millisecond)
	l.take()
	if got := l.take(); got != 700*time.Millisecond {
		t.Fatalf("wait = %s, want 700ms (until the first permit leaves)", got)
	}
	l.undo() // gives back the second
	if got := l.take(); got != 0 {
		t.Fatalf("after undo, wait = %s, want 0", got)
	}
}

func TestLimiterSeed(t *testing.T) {
	c := timetest.NewClock()
	now := c.Now()
	l := newLimiter(Rate{3, time.Minute}, c.Now)
	l.seed([]time.Time{now.Add(-10 * time.Second), now.Add(-2 * time.Minute), now.Add(-30 * time.Second), now.Add(-50 * time.Second)})
	if got := l.count(); got != 3 {
		t.Fatalf("count after seed = %d, want 3 (the old one is outside the window)", got)
	}
	if got := l.take(); got != 10*time.Second {
		t.Fatalf("wait = %s, want 10s (until the send 50s ago leaves)", got)
	}
}

// A permit counts from the end of its call: the gateway saw the request at
// some moment between start and end.
func TestLimiterSettle(t *testing.T) {
	c := timetest.NewClock()
	l := newLimiter(Rate{2, time.Second}, c.Now)
	l.take()
	a := l.restamp()
	l.take()
	b := l.restamp()
	c.Add(300 * time.Millisecond)
	l.settle(a, c.Now()) // the first call took 300ms
	c.Add(800 * time.Millisecond)
	// 1.1s after the starts: without settle both permits would be free.
	if got := l.count(); got != 1 {
		t.Fatalf("permits in the window = %d, want 1 (the settled one)", got)
	}
	if w := l.take(); w != 0 {
		t.Fatalf("take waited %s; the unsettled permit left the window", w)
	}
	l.settle(b, c.Now()) // a call longer than the window counts again from its end
	if got := l.count(); got != 3 {
		t.Fatalf("permits = %d, want 3", got)
	}
}

// A send that ends between another's take and the start of its call
// settles a stamp later than that take: restamp and undo must move the
// permit they took, not the latest stamp, or the window lets one through
// early (seen as 11 sends in 2 s at 10/2s under load).
func TestLimiterRestampMovesItsOwnPermit(t *testing.T) {
	c := timetest.NewClock()
	t0 := c.Now()
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	l := newLimiter(Rate{10, time.Second}, c.Now)
	l.take()
	first := l.restamp() // call 1 starts at 0
	c.Add(10 * time.Millisecond)
	l.take() // call 2's permit at 10
	c.Add(10 * time.Millisecond)
	l.settle(first, c.Now()) // call 1 ends at 20
	c.Add(10 * time.Millisecond)
	if got := l.restamp(); !got.Equal(at(30)) { // call 2 starts at 30
		t.Fatalf("restamp = %s, want %s", got.Sub(t0), 30*time.Millisecond)
	}
	if got, want := l.times, []time.Time{at(20), at(30)}; len(got) != 2 || !got[0].Equal(want[0]) || !got[1].Equal(want[1]) {
		t.Fatalf("permits = %v, want call 1's end (20ms) and call 2's start (30ms)", got)
	}
	c.Add(10 * time.Millisecond)
	l.take() // call 3's permit at 40, then call 2 ends at 50 and call 3 is not sent
	c.Add(10 * time.Millisecond)
	l.settle(at(30), c.Now())
	l.undo()
	if got := l.times; len(got) != 2 || !got[0].Equal(at(20)) || !got[1].Equal(at(50)) {
		t.Fatalf("after undo, permits = %v, want 20ms and 50ms", got)
	}
}
