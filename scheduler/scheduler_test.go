package scheduler

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/waqhq/waq/internal/timetest"
	"github.com/waqhq/waq/store"
)

// setup opens a real bbolt file on clock c (time.Now when nil) and returns a
// Scheduler on it.
func setup(t testing.TB, c *timetest.Clock) (*store.Store, *Scheduler) {
	t.Helper()
	now := time.Now
	if c != nil {
		now = c.Now
	}
	st, err := store.Open(filepath.Join(t.TempDir(), store.FileName), store.Options{Now: now})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	return st, &Scheduler{Store: st, Now: now, Logger: slog.New(slog.DiscardHandler)}
}

func enqueue(t testing.TB, st *store.Store, sendAt *time.Time) string {
	t.Helper()
	m, _, err := st.Enqueue(&store.Message{To: "+34600111222", Text: "hi", SendAt: sendAt})
	if err != nil {
		t.Fatalf("enqueue: %v", err)
	}
	return m.ID
}

func status(t testing.TB, st *store.Store, id string) store.Status {
	t.Helper()
	m, err := st.Message(id)
	if err != nil {
		t.Fatalf("message %s: %v", id, err)
	}
	return m.Status
}

func tick(t testing.TB, s *Scheduler, at time.Time) {
	t.Helper()
	if err := s.Tick(at); err != nil {
		t.Fatalf("tick: %v", err)
	}
}

func TestScheduledPromotedExactlyWhenDue(t *testing.T) {
	c := timetest.NewClock()
	st, s := setup(t, c)
	t0 := c.Now()
	due := t0.Add(10 * time.Second)
	id := enqueue(t, st, &due)
	f := func(at time.Time, want store.Status) {
		t.Helper()
		tick(t, s, at)
		if got := status(t, st, id); got != want {
			t.Fatalf("at +%s the message is %s, want %s", at.Sub(t0), got, want)
		}
	}
	f(t0, store.Scheduled)
	f(due.Add(-time.Millisecond), store.Scheduled)
	f(due.Add(-time.Nanosecond), store.Scheduled)
	f(due, store.Queued)
}

func TestRetryingPromotedAtNextAttempt(t *testing.T) {
	c := timetest.NewClock()
	st, s := setup(t, c)
	id := enqueue(t, st, nil)
	if _, err := st.Lease(c.Now().Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	m, err := st.Fail(id, "http 503", false, func(int) time.Duration { return 2 * time.Second })
	if err != nil {
		t.Fatal(err)
	}
	next := *m.NextAttemptAt
	tick(t, s, next.Add(-time.Nanosecond))
	if got := status(t, st, id); got != store.Retrying {
		t.Fatalf("just before next_attempt_at the message is %s, want retrying", got)
	}
	tick(t, s, next)
	if got := status(t, st, id); got != store.Queued {
		t.Fatalf("at next_attempt_at the message is %s, want queued", got)
	}
}

func TestExpiredLeasesRecovered(t *testing.T) {
	c := timetest.NewClock()
	st, s := setup(t, c)
	t0 := c.Now()
	first, second := enqueue(t, st, nil), enqueue(t, st, nil)
	for _, d := range []time.Duration{30 * time.Second, 60 * time.Second} {
		if _, err := st.Lease(t0.Add(d)); err != nil {
			t.Fatal(err)
		}
	}
	f := func(at time.Duration, want1, want2 store.Status) {
		t.Helper()
		tick(t, s, t0.Add(at))
		if got1, got2 := status(t, st, first), status(t, st, second); got1 != want1 || got2 != want2 {
			t.Fatalf("at +%s: %s and %s, want %s and %s", at, got1, got2, want1, want2)
		}
	}
	f(29*time.Second, store.Sending, store.Sending)
	f(30*time.Second, store.Queued, store.Sending)
	f(59*time.Second, store.Queued, store.Sending)
	f(60*time.Second, store.Queued, store.Queued)
}

// On the real clock, a scheduled message is queued at its send_at and not
// before: with an interval of an hour, only the wake at the next due time
// can queue it within the test's deadline, however busy the machine is.
func TestRealClockPromotesOnTime(t *testing.T) {
	st, s := setup(t, nil)
	s.Interval = time.Hour
	due := time.Now().Add(150 * time.Millisecond).Truncate(time.Millisecond)
	id := enqueue(t, st, &due)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
	}()
	timetest.WaitFor(t, "the message queued: the scheduler wakes at its send_at", func() bool { return status(t, st, id) == store.Queued })
	m, err := st.Message(id)
	if err != nil {
		t.Fatal(err)
	}
	if queuedAt := m.History[len(m.History)-1].At; queuedAt.Before(due) {
		t.Fatalf("queued %s before its send_at", due.Sub(queuedAt))
	}
}

func TestTickErrorLoggedOnce(t *testing.T) {
	var buf bytes.Buffer
	s := &Scheduler{Logger: slog.New(slog.NewTextHandler(&buf, nil))}
	boom := errors.New("promote due messages: disk on fire")
	s.report(boom)
	s.report(boom)
	s.report(boom)
	s.report(nil)
	s.report(nil)
	out := buf.String()
	if n := strings.Count(out, "disk on fire"); n != 1 {
		t.Fatalf("the lasting error was logged %d times, want once:\n%s", n, out)
	}
	if n := strings.Count(out, "works again"); n != 1 {
		t.Fatalf("the recovery was logged %d times, want once:\n%s", n, out)
	}
}
