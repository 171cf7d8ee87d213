package sender

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/waqhq/waq/store"
)

// openStore opens a real bbolt file in a temp dir, closed when the test ends.
func openStore(t testing.TB, now func() time.Time) *store.Store {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), store.FileName), store.Options{Now: now})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func enqueue(t testing.TB, st *store.Store, p store.Priority, text string) string {
	t.Helper()
	m, _, err := st.Enqueue(&store.Message{To: "+34600111222", Text: text, Priority: p})
	if err != nil {
		t.Fatalf("enqueue: %v", err)
	}
	return m.ID
}

func message(t testing.TB, st *store.Store, id string) *store.Message {
	t.Helper()
	m, err := st.Message(id)
	if err != nil {
		t.Fatalf("message %s: %v", id, err)
	}
	return m
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// start runs s until the returned stop is called; stop returns how long Run
// took to return and fails the test if it took more than 5 s.
func start(t testing.TB, s *Sender) (stop func() time.Duration) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	stopped := false
	stop = func() time.Duration {
		t.Helper()
		if stopped {
			return 0
		}
		stopped = true
		begin := time.Now()
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("run: %v", err)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("run did not return 5 s after its context ended")
		}
		return time.Since(begin)
	}
	t.Cleanup(func() { stop() })
	return stop
}

// fakeGateway records its calls and answers with fn (success when nil).
type fakeGateway struct {
	fn func(ctx context.Context, m *store.Message, n int) (string, error)

	mu       sync.Mutex
	ids      []string
	at       []time.Time
	inflight int
	peak     int
}

func (g *fakeGateway) Send(ctx context.Context, m *store.Message) (string, error) {
	g.mu.Lock()
	n := len(g.ids)
	g.ids, g.at = append(g.ids, m.ID), append(g.at, time.Now())
	g.inflight++
	g.peak = max(g.peak, g.inflight)
	g.mu.Unlock()
	defer func() { g.mu.Lock(); g.inflight--; g.mu.Unlock() }()
	if g.fn == nil {
		return fmt.Sprintf("gw-%d", n), nil
	}
	return g.fn(ctx, m, n)
}

func (g *fakeGateway) calls() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]string(nil), g.ids...)
}

func (g *fakeGateway) times() []time.Time {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]time.Time(nil), g.at...)
}

func (g *fakeGateway) maxInflight() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.peak
}

// fastConfig is a Config for real-clock tests: a quick rate and quiet logs.
func fastConfig() Config {
	return Config{Instance: "test", Gateway: "fake", Rate: Rate{20, 200 * time.Millisecond}, Logger: quiet()}
}

// maxInWindow returns the most times of ts (ascending) that fall in one
// half-open window (a-w, a], over every position of the window.
func maxInWindow(ts []time.Time, w time.Duration) int {
	best, lo := 0, 0
	for hi := range ts {
		for !ts[lo].After(ts[hi].Add(-w)) {
			lo++
		}
		best = max(best, hi-lo+1)
	}
	return best
}
