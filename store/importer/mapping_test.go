package importer

import (
	"context"
	"testing"
	"time"

	"github.com/waqhq/waq/internal/timetest"
	"github.com/waqhq/waq/store"
)

// TestMapping imports hand-made BullMQ keys (no npm needed) under a custom
// prefix with a custom mapping, and checks that a running sender leaves the
// held messages alone until cutover.
func TestMapping(t *testing.T) {
	url, _ := startRedis(t)
	ctx := context.Background()
	c := redisClient(t, url)
	must(t, c.HSet(ctx, "app:sms:meta", "version", "bullmq:5.81.5").Err())
	must(t, c.HSet(ctx, "app:sms:7", "name", "n", "priority", "0", "atm", "2",
		"opts", `{"attempts":5}`, "data", `{"payload":{"msisdn":"+34 600-111-222","msg":"hola"},"tier":"critical"}`).Err())
	must(t, c.HSet(ctx, "app:sms:8", "name", "n", "data", `"not an object"`).Err())
	must(t, c.LPush(ctx, "app:sms:wait", "7", "8", "0:legacy").Err())
	st := openStore(t, nil)
	g := &recorder{}
	runSender(t, st, g)
	mp := &Mapping{To: []string{"payload.msisdn"}, Text: []string{"payload.msg"}, Priority: []string{"tier"}}
	res, err := New(st).Import(ctx, Request{URL: url, BullMQPrefix: "app", Mapping: mp})
	if err != nil || res.Jobs != 2 || res.Messages != 1 || res.Skipped != 1 || len(res.Notes) != 1 {
		t.Fatalf("import %+v, %v; want 2 jobs, 1 message, 1 skipped with its note", res, err)
	}
	m := byKey(t, st)["bullmq:sms:7"]
	if m == nil || m.To != "+34600111222" || m.Text != "hola" || m.Priority != store.Critical ||
		m.Attempts != 2 || m.MaxAttempts != 5 || m.Status != store.Held {
		t.Fatalf("message %+v", m)
	}
	time.Sleep(200 * time.Millisecond)
	if len(g.keys()) != 0 {
		t.Fatalf("sent before cutover: %v", g.keys())
	}
	if n, err := New(st).Cutover(ctx); err != nil || n != 1 {
		t.Fatalf("cutover = %d, %v", n, err)
	}
	timetest.WaitFor(t, "the message sent after the cutover", func() bool { return len(g.keys()) == 1 })
}

func TestPriority(t *testing.T) {
	f := func(field string, job int, want store.Priority) {
		t.Helper()
		if got := priority(field, job); got != want {
			t.Errorf("priority(%q, %d) = %s, want %s", field, job, got, want)
		}
	}
	f("", 0, store.Normal)
	f("", 1, store.High)
	f("", 7, store.Low)
	f("LOW", 1, store.Low)
	f("1", 0, store.High)
	f("odd", 0, store.Normal)
}
