package store

import (
	"errors"
	"testing"
	"time"
)

// TestLeaseBatchFor: an instance takes its own pinned messages and the
// unpinned ones it accepts, in priority order, and never holds back on
// the messages pinned elsewhere.
func TestLeaseBatchFor(t *testing.T) {
	b := setup(t)
	add := func(instance string, p Priority) string {
		m := b.enqueue(t, &Message{To: "+34600111222", Text: "x", Instance: instance, Priority: p})
		b.clock.Add(time.Millisecond)
		return m.ID
	}
	other1 := add("b", Critical)
	a1 := add("a", Normal)
	free := add("", High)
	other2 := add("b", High)
	a2 := add("a", Critical)
	takesA := func(m *Message) (bool, string) { return m.Instance == "a" || m.Instance == "", "routed to a" }
	ms, err := b.s.LeaseBatchFor(10, b.clock.Now().Add(time.Minute), takesA)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range ms {
		got = append(got, m.ID)
		if h := m.History[len(m.History)-1]; h.Status != Sending || h.Note != "routed to a" {
			t.Fatalf("lease's history entry: %+v", h)
		}
	}
	if want := []string{a2, free, a1}; len(got) != 3 || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Fatalf("leased %v, want %v", got, want)
	}
	if _, err := b.s.LeaseBatchFor(10, b.clock.Now(), takesA); !errors.Is(err, ErrEmpty) {
		t.Fatalf("second lease: %v", err)
	}
	for _, id := range []string{other1, other2} {
		if st := b.status(t, id); st != Queued {
			t.Fatalf("%s pinned elsewhere: %s", id, st)
		}
	}
	b.mustCheck(t)
}
