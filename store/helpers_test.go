package store

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/waqhq/waq/internal/timetest"
)

type bundle struct {
	s     *Store
	clock *timetest.Clock
	path  string
}

// setup opens a real bbolt file in a temp dir, closed when the test ends.
func setup(t testing.TB) *bundle {
	t.Helper()
	b := &bundle{clock: timetest.NewClock(), path: filepath.Join(t.TempDir(), FileName)}
	b.s = b.open(t)
	return b
}

func (b *bundle) open(t testing.TB) *Store {
	t.Helper()
	s, err := Open(b.path, Options{Now: b.clock.Now})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func (b *bundle) enqueue(t testing.TB, m *Message) *Message {
	t.Helper()
	got, _, err := b.s.Enqueue(m)
	if err != nil {
		t.Fatalf("enqueue %+v: %v", m, err)
	}
	return got
}

func text(to, body string) *Message { return &Message{To: to, Text: body} }

func (b *bundle) lease(t testing.TB) *Message {
	t.Helper()
	m, err := b.s.Lease(b.clock.Now().Add(time.Minute))
	if err != nil {
		t.Fatalf("lease: %v", err)
	}
	return m
}

// sent enqueues, leases and marks sent a message to to under gateway id gid.
func (b *bundle) sent(t testing.TB, to, gid string) *Message {
	t.Helper()
	m := b.enqueue(t, text(to, "hola"))
	b.lease(t)
	if _, err := b.s.MarkSent(m.ID, gid, TypeText, ""); err != nil {
		t.Fatalf("mark sent: %v", err)
	}
	return m
}

func (b *bundle) status(t testing.TB, id string) Status {
	t.Helper()
	m, err := b.s.Message(id)
	if err != nil {
		t.Fatalf("message %s: %v", id, err)
	}
	return m.Status
}

func (b *bundle) mustCheck(t testing.TB) {
	t.Helper()
	probs, err := b.s.Check()
	if err != nil || len(probs) > 0 {
		t.Fatalf("check: %v %v", err, probs)
	}
}

func (b *bundle) counts(t testing.TB) map[Status]int {
	t.Helper()
	c, err := b.s.Counts()
	if err != nil {
		t.Fatalf("counts: %v", err)
	}
	return c.States
}

func backoff(n int) time.Duration { return time.Second << (n - 1) }
