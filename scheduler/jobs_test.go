package scheduler

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/waqhq/waq/internal/timetest"
	"github.com/waqhq/waq/store"
)

// finish moves a new message to st through the store's own transitions, at
// the clock's time.
func finish(t testing.TB, st *store.Store, c *timetest.Clock, to store.Status) string {
	t.Helper()
	id := enqueue(t, st, nil)
	var err error
	switch to {
	case store.Cancelled:
		_, err = st.Cancel(id)
	case store.Dead:
		if _, err = st.Lease(c.Now().Add(time.Minute)); err == nil {
			_, err = st.Fail(id, "not on WhatsApp", true, nil)
		}
	default:
		if _, err = st.Lease(c.Now().Add(time.Minute)); err == nil {
			_, err = st.MarkSent(id, "gw-"+id, "text", "")
		}
		if err == nil && to != store.Sent {
			_, _, err = st.Advance(id, to, c.Now(), "")
		}
	}
	if err != nil {
		t.Fatalf("move to %s: %v", to, err)
	}
	if got := status(t, st, id); got != to {
		t.Fatalf("message is %s, want %s", got, to)
	}
	return id
}

func TestCleanSentRemovesOnlyOldFinished(t *testing.T) {
	c := timetest.NewClock()
	st, s := setup(t, c)
	all := []store.Status{store.Sent, store.Delivered, store.Read, store.Failed, store.Cancelled, store.Dead}
	old := map[store.Status]string{}
	for _, to := range all {
		old[to] = finish(t, st, c, to)
	}
	oldQueued := enqueue(t, st, nil)
	c.Add(23 * time.Hour)
	recent := map[store.Status]string{}
	for _, to := range all {
		recent[to] = finish(t, st, c, to)
	}
	c.Add(time.Hour + time.Second) // the old ones are now 24h1s old, the recent ones 1h1s
	n, err := s.CleanSent(c.Now())
	if err != nil || n != 5 {
		t.Fatalf("CleanSent = %d, %v; want 5 (old sent, delivered, read, failed, cancelled)", n, err)
	}
	f := func(id string, kept bool) {
		t.Helper()
		_, err := st.Message(id)
		if got := err == nil; got != kept {
			t.Fatalf("message %s kept = %v, want %v (err %v)", id, got, kept, err)
		}
	}
	for _, to := range all {
		f(old[to], to == store.Dead)
		f(recent[to], true)
	}
	f(oldQueued, true)
}

func TestCleanSentLoopsPastABatch(t *testing.T) {
	c := timetest.NewClock()
	st, s := setup(t, c)
	const total = 2*cleanBatch + 7
	for left := total; left > 0; left -= store.BulkMax {
		var ms []*store.Message
		for range min(left, store.BulkMax) {
			ms = append(ms, &store.Message{To: "+34600111222", Text: "hi"})
		}
		if _, err := st.EnqueueBulk(ms); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := st.Drain(); err != nil || n != total {
		t.Fatalf("drain = %d, %v", n, err)
	}
	c.Add(SentRetentionDefault + time.Second)
	if n, err := s.CleanSent(c.Now()); err != nil || n != total {
		t.Fatalf("CleanSent = %d, %v; want %d", n, err, total)
	}
}

func TestCleanSentRetentionSetting(t *testing.T) {
	c := timetest.NewClock()
	st, s := setup(t, c)
	s.SentRetention = time.Hour
	id := finish(t, st, c, store.Read)
	c.Add(59 * time.Minute)
	if n, _ := s.CleanSent(c.Now()); n != 0 {
		t.Fatalf("cleaned %d messages younger than the retention", n)
	}
	c.Add(2 * time.Minute)
	if n, _ := s.CleanSent(c.Now()); n != 1 {
		t.Fatalf("cleaned %d messages, want 1", n)
	}
	if _, err := st.Message(id); store.ErrorCode(err) != store.ENOTFOUND {
		t.Fatalf("message after clean: %v", err)
	}
}

func TestAddJob(t *testing.T) {
	_, s := setup(t, nil)
	var buf syncBuffer
	s.Logger = slog.New(slog.NewTextHandler(&buf, nil))
	if err := s.AddJob("every other tuesday", "bad", nil); err == nil || !strings.Contains(err.Error(), "bad") {
		t.Fatalf("AddJob with a bad spec = %v, want an error naming the job", err)
	}
	var runs atomic.Int32
	var gotCtx atomic.Bool
	err := s.AddJob("@every 1s", "retention-test", func(ctx context.Context) error {
		runs.Add(1)
		gotCtx.Store(ctx != nil && ctx.Err() == nil)
		return errors.New("bucket gone")
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	end := time.Now().Add(30 * time.Second) // generous: the job is due after 1 s
	for runs.Load() == 0 && time.Now().Before(end) {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("run: %v", err)
	}
	if runs.Load() == 0 || !gotCtx.Load() {
		t.Fatalf("the job ran %d times (live context %v)", runs.Load(), gotCtx.Load())
	}
	if out := buf.String(); !strings.Contains(out, "job=retention-test") || !strings.Contains(out, "bucket gone") {
		t.Fatalf("the job's error was not logged with its name:\n%s", out)
	}
}

// syncBuffer is a bytes.Buffer safe for the cron goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

func TestCleanReceived(t *testing.T) {
	c := timetest.NewClock()
	st, s := setup(t, c)
	record := func(gid string) {
		t.Helper()
		if _, _, err := st.RecordInbound(store.Inbound{GatewayID: gid, From: "+34600111222"}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := st.ReportStatus("orphan-"+gid, store.Delivered, c.Now(), ""); err != nil {
			t.Fatal(err)
		}
	}
	record("old")
	c.Add(store.InboundRetention)
	record("new")
	if err := s.CleanReceived(c.Now().Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	in, err := st.InboundSince(time.Time{}, 10)
	if err != nil || len(in) != 1 || in[0].GatewayID != "new" {
		t.Fatalf("inbound left = %+v, %v; want only new", in, err)
	}
	if n, _ := st.PendingReports(); n != 1 {
		t.Fatalf("pending reports left = %d, want 1", n)
	}
}
