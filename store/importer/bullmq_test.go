package importer

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/waqhq/waq/internal/timetest"
	"github.com/waqhq/waq/sender"
	"github.com/waqhq/waq/store"
)

// recorder is a gateway that records what it was asked to send.
type recorder struct {
	mu   sync.Mutex
	sent []string // idempotency keys
}

func (g *recorder) Send(ctx context.Context, m *store.Message) (string, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.sent = append(g.sent, m.IdempotencyKey)
	return "gw-" + m.ID, nil
}

func (g *recorder) keys() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return slices.Clone(g.sent)
}

// runSender runs a real sender over st with g until the test ends.
func runSender(t *testing.T, st *store.Store, g sender.Gateway) {
	s := sender.New(st, g, sender.Config{Instance: "test", Gateway: "fake",
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("sender: %v", err)
		}
	})
}

// byKey returns every message of st by idempotency key.
func byKey(t *testing.T, st *store.Store) map[string]*store.Message {
	t.Helper()
	ms, _, err := st.Messages(store.Filter{Limit: store.ListLimitMax})
	must(t, err)
	out := map[string]*store.Message{}
	for _, m := range ms {
		out[m.IdempotencyKey] = m
	}
	return out
}

// TestBullMQ imports jobs made by the real bullmq package in every state,
// checks the messages, that a second import adds nothing, that a running
// sender sends none of them before cutover and the right ones after.
func TestBullMQ(t *testing.T) {
	url, port := startRedis(t)
	seedBullMQ(t, port)
	st := openStore(t, nil)
	im := New(st)
	ctx := context.Background()
	res, err := im.Import(ctx, Request{URL: url})
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	if res.Jobs != 9 || res.Messages != 8 || res.Skipped != 1 || res.Keys == 0 {
		t.Fatalf("result %+v, want 9 jobs, 8 messages, 1 skipped", res)
	}
	got := byKey(t, st)
	type want struct {
		to     string
		status store.Status
		prio   store.Priority
	}
	wants := map[string]want{
		"bullmq:wa:done1":      {"+34600000001", store.Sent, store.Normal},
		"bullmq:wa:fail1":      {"+34600000002", store.Held, store.Normal},
		"bullmq:wa:wait1":      {"+34600000003", store.Held, store.Normal},
		"bullmq:wa:wait2":      {"+34600000004", store.Held, store.Normal},
		"bullmq:wa:prio1":      {"+34600000005", store.Held, store.High},
		"bullmq:wa:prio9":      {"+34600000006", store.Held, store.Low},
		"bullmq:wa:delay1":     {"+34600000007", store.Held, store.Normal},
		"bullmq:promo:paused1": {"+34600000008", store.Held, store.High},
	}
	for k, w := range wants {
		m := got[k]
		if m == nil {
			t.Errorf("%s: no message", k)
			continue
		}
		if m.To != w.to || m.Status != w.status || m.Priority != w.prio {
			t.Errorf("%s: to %s status %s priority %s, want %+v", k, m.To, m.Status, m.Priority, w)
		}
	}
	if len(got) != len(wants) {
		t.Errorf("%d messages, want %d", len(got), len(wants))
	}
	checkStates(t, got)

	res, err = im.Import(ctx, Request{URL: url})
	if err != nil || res.Jobs != 9 || res.Messages != 0 {
		t.Fatalf("second import %+v, %v: want 9 jobs and no new message", res, err)
	}
	if n := len(byKey(t, st)); n != len(wants) {
		t.Fatalf("%d messages after importing twice, want %d", n, len(wants))
	}

	g := &recorder{}
	runSender(t, st, g)
	time.Sleep(300 * time.Millisecond)
	if k := g.keys(); len(k) != 0 {
		t.Fatalf("sender sent held messages before cutover: %v", k)
	}
	n, err := im.Cutover(ctx)
	if err != nil || n != 7 {
		t.Fatalf("cutover = %d, %v; want 7", n, err)
	}
	timetest.WaitFor(t, "the 5 messages sent after the cutover", func() bool { return len(g.keys()) == 5 })
	wantSent := []string{"bullmq:wa:prio1", "bullmq:promo:paused1", "bullmq:wa:wait1", "bullmq:wa:wait2", "bullmq:wa:prio9"}
	if k := g.keys(); !sameSet(k, wantSent) || k[4] != "bullmq:wa:prio9" {
		t.Errorf("sent %v, want %v (low priority last)", k, wantSent)
	}
	after := byKey(t, st)
	if s := after["bullmq:wa:fail1"].Status; s != store.Dead {
		t.Errorf("failed job is %s after cutover, want dead", s)
	}
	if s := after["bullmq:wa:delay1"].Status; s != store.Scheduled {
		t.Errorf("delayed job is %s after cutover, want scheduled", s)
	}
	if n, err := im.Cutover(ctx); err != nil || n != 0 {
		t.Errorf("second cutover = %d, %v; want 0", n, err)
	}
}

// checkStates checks what each BullMQ state carries over.
func checkStates(t *testing.T, got map[string]*store.Message) {
	t.Helper()
	if m := got["bullmq:wa:fail1"]; m.LastError != "number not on WhatsApp" || m.Attempts != 1 {
		t.Errorf("failed job: error %q attempts %d", m.LastError, m.Attempts)
	}
	if m := got["bullmq:wa:delay1"]; m.SendAt == nil || time.Until(*m.SendAt) < 50*time.Minute {
		t.Errorf("delayed job: send_at %v, want about an hour ahead", m.SendAt)
	}
	if m := got["bullmq:wa:done1"]; m.SentAt == nil || m.Campaign != "c1" || m.Text != "completed one" {
		t.Errorf("completed job: sent_at %v campaign %q text %q", m.SentAt, m.Campaign, m.Text)
	}
	if m := got["bullmq:wa:wait1"]; !(m.ID < got["bullmq:wa:wait2"].ID) {
		t.Errorf("wait1 (added first) does not come before wait2")
	}
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}
