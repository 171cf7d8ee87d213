package mirror

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/waqhq/waq/store"
)

// addJobs writes two BullMQ jobs of queue sms as BullMQ lays them out: one
// waiting, one delayed (score ms*4096+n).
func addJobs(t *testing.T, c *redis.Client) {
	t.Helper()
	ctx := context.Background()
	p := c.TxPipeline()
	p.Set(ctx, "bull:sms:id", 2, 0)
	for i := 1; i <= 2; i++ {
		p.HSet(ctx, fmt.Sprint("bull:sms:", i), "name", "send", "timestamp", time.Now().UnixMilli(),
			"data", fmt.Sprintf(`{"to":"+3460011122%d","text":"hola %d"}`, i, i), "opts", `{"attempts":3}`)
	}
	p.LPush(ctx, "bull:sms:wait", "1")
	p.ZAdd(ctx, "bull:sms:delayed", redis.Z{Score: float64(time.Now().Add(time.Hour).UnixMilli())*4096 + 2, Member: "2"})
	_, err := p.Exec(ctx)
	must(t, err)
}

// TestManager starts a background mirror, refuses a second one and a bad
// source, stops it, and cuts over: the mirrored jobs are translated from the
// local copy, once, and released.
func TestManager(t *testing.T) {
	url, src := startSource(t)
	st := openStore(t)
	g := NewManager(st, nil)
	if _, err := g.Start(notRedis(t)); !errors.Is(err, ErrNotRedis) {
		t.Fatalf("Start(not redis) = %v", err)
	}
	if _, err := g.Start(url); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { g.Stop() })
	if _, err := g.Start(url); !errors.Is(err, ErrRunning) {
		t.Errorf("second Start = %v, want ErrRunning", err)
	}
	addJobs(t, src)
	g.mu.Lock()
	r := &running{m: g.cur}
	g.mu.Unlock()
	caughtUp(t, r, src)
	s, keys, ok := g.Status()
	if !ok || keys != 5 || s.State != StateStreaming {
		t.Fatalf("Status = %+v, %d keys, %v", s, keys, ok)
	}
	msgs, _, err := st.Messages(store.Filter{Limit: store.ListLimitMax})
	if err != nil || len(msgs) != 0 {
		t.Fatalf("jobs were translated while mirroring: %d, %v", len(msgs), err)
	}
	n, err := g.Cutover(context.Background())
	if err != nil || n != 2 {
		t.Fatalf("Cutover = %d, %v; want 2 released", n, err)
	}
	if s, _, _ := g.Status(); s.State != StateStopped {
		t.Errorf("mirror still %s after cutover", s.State)
	}
	if n, err := g.Cutover(context.Background()); err != nil || n != 0 {
		t.Errorf("second Cutover = %d, %v; want 0", n, err)
	}
	msgs, _, err = st.Messages(store.Filter{Limit: store.ListLimitMax})
	if err != nil || len(msgs) != 2 {
		t.Fatalf("messages after cutover: %d, %v", len(msgs), err)
	}
	for _, m := range msgs {
		if m.IdempotencyKey != "bullmq:sms:1" && m.IdempotencyKey != "bullmq:sms:2" {
			t.Errorf("message %+v", m)
		}
	}
}
