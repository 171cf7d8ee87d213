package store

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

func held(key, to string) *Message {
	return &Message{To: to, Text: "hi", IdempotencyKey: key}
}

// TestHeldNotLeased checks that held messages are in no index the sender or
// the scheduler reads, and that Cutover releases each to the state its
// fields ask for.
func TestHeldNotLeased(t *testing.T) {
	b := setup(t)
	later := b.clock.Now().Add(time.Hour)
	past := b.clock.Now().Add(-time.Hour)
	failed := held("k-failed", "+34600111222")
	failed.LastError, failed.Attempts = "boom", 3
	delayed := held("k-delayed", "+34600111223")
	delayed.SendAt = &later
	due := held("k-due", "+34600111224")
	due.SendAt = &past
	done := held("k-done", "+34600111225")
	done.Status, done.SentAt = Sent, &past
	n, err := b.s.EnqueueHeld([]*Message{held("k-wait", "+34600111221"), failed, delayed, due, done})
	if err != nil || n != 5 {
		t.Fatalf("EnqueueHeld = %d, %v; want 5", n, err)
	}
	if _, err := b.s.Lease(b.clock.Now().Add(time.Minute)); !errors.Is(err, ErrEmpty) {
		t.Fatalf("Lease of held messages: %v, want ErrEmpty", err)
	}
	b.clock.Add(2 * time.Hour)
	if n, err := b.s.Promote(b.clock.Now()); err != nil || n != 0 {
		t.Fatalf("Promote = %d, %v; want 0", n, err)
	}
	b.clock.Add(-2 * time.Hour)
	if c, _ := b.s.HeldCount(); c != 4 {
		t.Fatalf("HeldCount = %d, want 4", c)
	}
	checkFile(t, b.s)
	if n, err := b.s.Cutover(); err != nil || n != 4 {
		t.Fatalf("Cutover = %d, %v; want 4", n, err)
	}
	checkFile(t, b.s)
	want := map[string]Status{"k-wait": Queued, "k-failed": Dead, "k-delayed": Scheduled, "k-due": Queued, "k-done": Sent}
	for _, m := range []*Message{failed, delayed, due, done} {
		got, err := b.s.Message(m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != want[m.IdempotencyKey] {
			t.Errorf("%s: status %s, want %s", m.IdempotencyKey, got.Status, want[m.IdempotencyKey])
		}
	}
	if got, _ := b.s.Message(failed.ID); got.Attempts != 3 || got.LastError != "boom" {
		t.Errorf("failed message kept attempts %d, error %q", got.Attempts, got.LastError)
	}
	if n, err := b.s.Cutover(); err != nil || n != 0 {
		t.Fatalf("second Cutover = %d, %v; want 0", n, err)
	}
	if _, err := b.s.Lease(b.clock.Now().Add(time.Minute)); err != nil {
		t.Fatalf("Lease after cutover: %v", err)
	}
}

// TestHeldIdempotent checks that importing the same keys again, even in the
// same batch, stores nothing new.
func TestHeldIdempotent(t *testing.T) {
	b := setup(t)
	if n, err := b.s.EnqueueHeld([]*Message{held("a", "+34600111222"), held("a", "+34600111222")}); err != nil || n != 1 {
		t.Fatalf("first import = %d, %v; want 1", n, err)
	}
	if n, err := b.s.EnqueueHeld([]*Message{held("a", "+34600111222"), held("b", "+34600111222")}); err != nil || n != 1 {
		t.Fatalf("second import = %d, %v; want 1", n, err)
	}
	if c, _ := b.s.HeldCount(); c != 2 {
		t.Fatalf("HeldCount = %d, want 2", c)
	}
}

// TestHeldInvalid checks that one bad item stores nothing and is named.
func TestHeldInvalid(t *testing.T) {
	b := setup(t)
	_, err := b.s.EnqueueHeld([]*Message{held("a", "+34600111222"), held("b", "nope")})
	var e *Error
	if !errors.As(err, &e) || e.Code != EINVALID || len(e.Items) != 1 || e.Items[0].Index != 1 {
		t.Fatalf("err = %v, want EINVALID naming item 1", err)
	}
	if c, _ := b.s.HeldCount(); c != 0 {
		t.Fatalf("HeldCount = %d after a refused import", c)
	}
}

// checkFile fails when the store's verifier finds its indexes or counters
// out of step with the messages.
func checkFile(t *testing.T, s *Store) {
	t.Helper()
	if problems, err := s.Check(); err != nil || len(problems) > 0 {
		t.Fatalf("check: %v %v", problems, err)
	}
}

// TestCutoverBatches releases more than one commit's worth.
func TestCutoverBatches(t *testing.T) {
	b := setup(t)
	for part := range 2 {
		ms := make([]*Message, cutoverMax/2+1)
		for i := range ms {
			ms[i] = held(fmt.Sprintf("k%d-%d", part, i), "+34600111222")
		}
		if _, err := b.s.EnqueueHeld(ms); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := b.s.Cutover(); err != nil || n != cutoverMax+2 {
		t.Fatalf("Cutover = %d, %v; want %d", n, err, cutoverMax+2)
	}
	checkFile(t, b.s)
}
