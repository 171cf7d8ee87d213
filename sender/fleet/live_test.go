package fleet_test

import (
	"slices"
	"testing"
	"time"

	"github.com/waqhq/waq/internal/timetest"
	"github.com/waqhq/waq/sender"
	"github.com/waqhq/waq/sender/evolution/evolutiontest"
	"github.com/waqhq/waq/sender/fleet"
	"github.com/waqhq/waq/store"
)

// live returns the named instance as Runner.Live shows it.
func (b *bundle) live(t *testing.T, name string) fleet.Live {
	t.Helper()
	ls, err := b.r.Live()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range ls {
		if l.Name == name {
			return l
		}
	}
	t.Fatalf("no instance %s in %+v", name, ls)
	return fleet.Live{}
}

// TestLiveWaiting: a paused instance lists the messages that wait on it
// (pinned, and its sticky contact's within the grace), with when its pause
// began and its sends of the day; after the grace the sticky one leaves
// the list; a disabled instance lists its pinned ones.
func TestLiveWaiting(t *testing.T) {
	b := setup(t)
	clock := timetest.NewClock()
	b.r.Base.Now, b.r.FailoverGrace = clock.Now, 10*time.Minute
	b.putRate(t, "sales-1", "key-1", "100/1h")
	b.putRate(t, "sales-2", "key-2", "100/1h")
	b.run(t)
	ana := "+34600111222"
	b.waitSent(t, []string{b.enqueueTo(t, ana, "sales-1")})
	b.evo["sales-1"].Script(evolutiontest.Unauthorized())
	pinned := []string{b.enqueueTo(t, ana, "sales-1")}
	timetest.WaitFor(t, "sales-1 to pause", func() bool { return b.live(t, "sales-1").PausedSince != nil })
	pinned = append(pinned, b.enqueueTo(t, "+34600999000", "sales-1"))
	free := b.enqueueTo(t, ana, "")
	l := b.live(t, "sales-1")
	if l.State != sender.StatePaused || l.RateLimit != 100 || l.SentLastDay != 1 || l.Pinned != 2 || l.Queued != 3 ||
		l.Waiting != 3 || !slices.Equal(l.WaitingIDs, append(pinned, free)) {
		t.Fatalf("paused sales-1: %+v", l)
	}
	if two := b.live(t, "sales-2"); two.Waiting != 0 || two.Queued != 0 || two.State != sender.StateActive {
		t.Fatalf("sales-2: %+v", two)
	}
	clock.Add(11 * time.Minute)
	b.waitSent(t, []string{free})
	if l := b.live(t, "sales-1"); l.Waiting != 2 || !slices.Equal(l.WaitingIDs, pinned) {
		t.Fatalf("after the grace sales-1: %+v", l)
	}
	b.put(t, "sales-2", "key-2", false)
	id := b.enqueueTo(t, ana, "sales-2")
	if two := b.live(t, "sales-2"); two.State != fleet.StateDisabled || two.Waiting != 1 || two.WaitingIDs[0] != id {
		t.Fatalf("disabled sales-2: %+v", two)
	}
	if m := b.message(t, id); m.Status != store.Queued {
		t.Fatalf("pinned to a disabled instance: %s", m.Status)
	}
}

// A queue longer than Live reads marks every instance's counts partial.
// The loops do not run, so every message stays queued.
func TestLivePartial(t *testing.T) {
	b := setup(t)
	b.putRate(t, "sales-1", "key-1", "100/1h")
	b.r.LiveScan = 3
	queued := 0
	f := func(more int, partial bool) {
		t.Helper()
		for range more {
			b.enqueueTo(t, "+34600111222", "sales-1")
		}
		queued += more
		if l := b.live(t, "sales-1"); l.Partial != partial || l.Pinned != min(queued, 3) {
			t.Fatalf("%d queued: %+v, want partial %v", queued, l, partial)
		}
	}
	f(3, false)
	f(1, true)
}
