package sender

import (
	"slices"
	"sync"
	"time"
)

// limiter is a sliding-window rate limiter: it keeps the times of the last
// Count permits and grants one only while fewer than Count were granted in
// (now-Window, now]. Unlike a token bucket it never lets a burst through at
// a refill boundary, so no window of that length, wherever it starts, holds
// more than Count permits; with a backlog it grants exactly Count per window.
//
// One goroutine takes permits (the sender's loop); Count and Seed may be
// called from any goroutine.
type limiter struct {
	mu    sync.Mutex
	rate  Rate
	now   func() time.Time
	times []time.Time // ascending; only those still inside the window matter
	// last is the stamp of the latest take: restamp and undo look for it by
	// value, since a send that ended meanwhile may have settled a later
	// stamp at the end of times.
	last time.Time
}

func newLimiter(r Rate, now func() time.Time) *limiter {
	return &limiter{rate: r, now: now, times: make([]time.Time, 0, min(max(r.Count, 0), 1024))}
}

// take grants a permit and records it at now, or returns how long to wait
// until the oldest recorded permit leaves the window.
func (l *limiter) take() (wait time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if wait = l.wait(now); wait == 0 {
		l.times = append(l.times, now)
		l.last = now
	}
	return wait
}

// wait returns how long until a permit is free at now; l.mu is held.
func (l *limiter) wait(now time.Time) time.Duration {
	l.expire(now)
	if len(l.times) < l.rate.Count {
		return 0
	}
	oldest := l.times[len(l.times)-l.rate.Count]
	return max(oldest.Add(l.rate.Window).Sub(now), time.Nanosecond)
}

// peek returns how long until take would grant a permit, without taking it.
func (l *limiter) peek() time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.wait(l.now())
}

// free returns how many permits take would grant one after another now.
func (l *limiter) free() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.expire(l.now())
	return max(l.rate.Count-len(l.times), 0)
}

// setCount changes the permits a window holds (a daily cap that grows with
// the warm-up).
func (l *limiter) setCount(n int) {
	l.mu.Lock()
	l.rate.Count = n
	l.mu.Unlock()
}

// restamp moves the latest permit taken to now, the moment its gateway
// call starts, and returns that time for settle. It must follow take before
// the next take.
func (l *limiter) restamp() time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if !now.After(l.last) || !l.remove(l.last) {
		return l.last
	}
	l.insert(now)
	l.last = now
	return now
}

// remove deletes one permit stamped t and reports whether there was one.
// The permits moved are the latest ones, near the end of the log, so with
// a large rate this costs a search and a short copy, not a scan.
func (l *limiter) remove(t time.Time) bool {
	i, found := slices.BinarySearchFunc(l.times, t, time.Time.Compare)
	if found {
		l.times = slices.Delete(l.times, i, i+1)
	}
	return found
}

// insert adds a permit stamped t in order.
func (l *limiter) insert(t time.Time) {
	i, _ := slices.BinarySearchFunc(l.times, t, time.Time.Compare)
	l.times = slices.Insert(l.times, i, t)
}

// settle moves the permit stamped at start to end, when its gateway call
// returned. The request reached the gateway somewhere between the two, so
// counting the permit from its end keeps the gateway's own view of any
// window within the count, whatever the network's delays. A permit that
// already left the window is counted again from end.
func (l *limiter) settle(start, end time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.remove(start)
	l.insert(end)
}

// undo gives back the latest permit taken, which was not used (nothing to
// send).
func (l *limiter) undo() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.remove(l.last)
}

// count returns the permits granted in (now-Window, now].
func (l *limiter) count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.expire(l.now())
	return len(l.times)
}

// seed records permits granted before this limiter existed (sends of a
// previous run), so the rate holds across a restart. ts need not be sorted.
func (l *limiter) seed(ts []time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.times = append(l.times, ts...)
	slices.SortFunc(l.times, time.Time.Compare)
	l.expire(l.now())
}

// expire drops the permits at or before now-Window, and keeps the slice from
// growing: a backlog never holds more than Count permits in the window.
func (l *limiter) expire(now time.Time) {
	edge := now.Add(-l.rate.Window)
	i := 0
	for i < len(l.times) && !l.times[i].After(edge) {
		i++
	}
	if i > 0 {
		l.times = append(l.times[:0], l.times[i:]...)
	}
}
