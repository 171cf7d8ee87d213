package timetest

import (
	"runtime"
	"sync/atomic"
	"testing"
	"time"
)

func TestClock(t *testing.T) {
	c := NewClock()
	f := func(move func(), want time.Time) {
		t.Helper()
		move()
		if got := c.Now(); !got.Equal(want) {
			t.Fatalf("clock at %s, want %s", got, want)
		}
	}
	f(func() {}, Start)
	f(func() { c.Add(90 * time.Second) }, Start.Add(90*time.Second))
	f(func() { c.Set(Start.Add(-time.Hour)) }, Start.Add(-time.Hour))
	if at := time.Unix(0, 0); !ClockAt(at).Now().Equal(at) {
		t.Fatal("ClockAt does not start at its time")
	}
}

func TestWaitForReturnsOnceTheStateHolds(t *testing.T) {
	var n atomic.Int32
	go func() {
		for range 3 {
			n.Add(1)
		}
	}()
	WaitFor(t, "three steps", func() bool { return n.Load() == 3 })
}

// failTB records a Fatalf and ends only the goroutine that called it, as
// t.Fatalf would, without failing the test.
type failTB struct {
	testing.TB
	msg string
}

func (f *failTB) Helper() {}

func (f *failTB) Fatalf(format string, args ...any) {
	f.msg = format
	runtime.Goexit()
}

func TestWaitWithinFailsAfterItsBound(t *testing.T) {
	tb := &failTB{TB: t}
	begin := time.Now()
	done := make(chan struct{})
	go func() {
		defer close(done)
		WaitWithin(tb, 50*time.Millisecond, "never", func() bool { return false })
	}()
	<-done
	if tb.msg == "" {
		t.Fatal("a condition that never holds did not fail the test")
	}
	if took := time.Since(begin); took < 50*time.Millisecond {
		t.Fatalf("gave up after %s, before its bound", took)
	}
}
