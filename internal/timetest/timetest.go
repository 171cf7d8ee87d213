// Package timetest gives waq's tests the time they need: a Clock they move
// by hand, handed to the code under test where it takes a
// Now func() time.Time, and WaitFor, which polls on the real clock until a
// state is reached instead of sleeping a fixed time. Only tests import it;
// docs/testing.md says why it is not a production clock type.
package timetest

import (
	"sync"
	"testing"
	"time"
)

// Start is where NewClock's clocks start: 2026-11-26 10:00 UTC, a Thursday.
var Start = time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)

// Clock is a fake clock tests move by hand. It is safe for concurrent use:
// the code under test reads it from its own goroutines.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a clock at Start.
func NewClock() *Clock { return ClockAt(Start) }

// ClockAt returns a clock at t.
func ClockAt(t time.Time) *Clock { return &Clock{t: t} }

// Now returns the clock's time; pass c.Now where the code takes a Now func.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Add moves the clock by d.
func (c *Clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// Set moves the clock to t, backwards too.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// WaitMax bounds WaitFor. It is generous so that a loaded machine does not
// fail a test that would pass; a passing test waits only as long as its
// state takes.
const WaitMax = 30 * time.Second

// pollEvery is how often WaitWithin checks its condition.
const pollEvery = 10 * time.Millisecond

// WaitFor polls cond until it holds, failing t after WaitMax with what it
// was waiting for.
func WaitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	WaitWithin(t, WaitMax, what, cond)
}

// WaitWithin is WaitFor with another bound, for the few waits that take
// longer (thousands of paced sends, a benchmark's backlog).
func WaitWithin(t testing.TB, max time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(max)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", max, what)
		}
		time.Sleep(pollEvery)
	}
}
