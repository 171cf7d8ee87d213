package sender

import (
	"testing"
	"time"

	"github.com/waqhq/waq/internal/timetest"
	"github.com/waqhq/waq/store"
)

// TestDayLog: sends count for 24 hours to the minute, a given-back send
// is no longer counted, and a send older than the day is ignored.
func TestDayLog(t *testing.T) {
	clock := timetest.NewClock()
	d := newDayLog(clock.Now)
	f := func(what string, want int) {
		t.Helper()
		if got := d.total(); got != want {
			t.Fatalf("%s: %d sends in the day, want %d", what, got, want)
		}
	}
	d.add(clock.Now(), 1)
	d.add(clock.Now(), 1)
	f("two now", 2)
	clock.Add(23 * time.Hour)
	d.add(clock.Now(), 1)
	d.add(clock.Now(), -1)
	f("a send given back", 2)
	d.add(clock.Now().Add(-25*time.Hour), 1)
	f("a send older than the day", 2)
	clock.Add(time.Hour + time.Minute)
	f("a day later", 0)
	d.add(clock.Now(), 1)
	f("the slot reused", 1)
}

// TestSentLastDayWithoutCap: without a daily cap, Status still counts the
// sends of the last 24 hours, and a restart reads them back.
func TestSentLastDayWithoutCap(t *testing.T) {
	st := openStore(t, nil)
	for range 3 {
		enqueue(t, st, store.Normal, "hola")
	}
	s := New(st, &fakeGateway{}, fastConfig())
	stop := start(t, s)
	timetest.WaitFor(t, "three sends", func() bool { return s.Status().SentLastDay == 3 })
	stop()
	again := New(st, &fakeGateway{}, fastConfig())
	start(t, again)
	timetest.WaitFor(t, "the restart to count the day's sends", func() bool { return again.Status().SentLastDay == 3 })
	if in := again.Status(); in.DailyCap != 0 {
		t.Fatalf("no cap, but daily_cap %d", in.DailyCap)
	}
}
