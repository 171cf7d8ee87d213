package stats

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/waqhq/waq/store"
	"github.com/waqhq/waq/store/statsdb"
)

// summary lists the non-zero counters of c, and the counts of its
// histograms, as "name=n" in a fixed order.
func summary(c Counters) string {
	var parts []string
	for _, f := range []struct {
		name string
		v    uint64
	}{{"enqueued", c.Enqueued}, {"sent", c.Sent}, {"failed", c.Failed}, {"dead", c.Dead},
		{"delivered", c.Delivered}, {"read", c.Read}, {"received", c.Received}, {"retries", c.Retries},
		{"started", c.ConversationsStarted}, {"ended", c.ConversationsEnded}, {"handoffs", c.Handoffs},
		{"replied", c.Replied}, {"leads", c.Leads}, {"qualified", c.QualifiedLeads},
		{"appointments", c.Appointments}, {"sales", c.Sales},
		{"queue_wait", c.QueueWait.Count()}, {"latency", c.Latency.Count()}, {"response_time", c.ResponseTime.Count()}} {
		if f.v != 0 {
			parts = append(parts, fmt.Sprintf("%s=%d", f.name, f.v))
		}
	}
	for cur, v := range c.Value {
		parts = append(parts, fmt.Sprintf("%s=%g", cur, v))
	}
	return strings.Join(parts, " ")
}

func backoff(int) time.Duration { return 2 * time.Second }

func TestTrackLifecycle(t *testing.T) {
	f := func(steps func(t *testing.T, r *trRig), want string) {
		t.Helper()
		r := newTrRig(t)
		steps(t, r)
		if got := summary(r.day(t, DimAll)); got != want {
			t.Fatalf("counted %q, want %q", got, want)
		}
	}
	const sentOnce = "enqueued=1 sent=1 queue_wait=1"
	f(func(t *testing.T, r *trRig) { r.enqueue(t, "+34600111222", "", 0) }, "enqueued=1")
	f(func(t *testing.T, r *trRig) { r.send(t, "+34600111222", "", "g1") }, sentOnce)
	f(func(t *testing.T, r *trRig) { // read skips delivered: both count
		r.send(t, "+34600111222", "", "g1")
		r.st.ReportStatus("g1", store.Read, r.clock.Now(), "")
		r.st.ReportStatus("g1", store.Read, r.clock.Now(), "") // repeated: nothing
	}, "enqueued=1 sent=1 delivered=1 read=1 queue_wait=1")
	f(func(t *testing.T, r *trRig) { // a retry, then dead
		m := r.enqueue(t, "+34600111222", "", 2)
		r.lease(t)
		r.st.Fail(m.ID, "timeout", false, backoff)
		r.clock.Add(2 * time.Second)
		r.st.Promote(r.clock.Now())
		r.lease(t)
		r.st.Fail(m.ID, "timeout", false, backoff)
	}, "enqueued=1 failed=2 dead=1")
	f(func(t *testing.T, r *trRig) { // a retry, then sent
		m := r.enqueue(t, "+34600111222", "", 0)
		r.lease(t)
		r.st.Fail(m.ID, "timeout", false, backoff)
		r.clock.Add(2 * time.Second)
		r.st.Promote(r.clock.Now())
		r.lease(t)
		r.markSent(t, m.ID, "g1")
	}, "enqueued=1 sent=1 failed=1 retries=1 queue_wait=1")
	f(func(t *testing.T, r *trRig) { // permanent failure
		m := r.enqueue(t, "+34600111222", "", 0)
		r.lease(t)
		r.st.Fail(m.ID, "not on WhatsApp", true, backoff)
	}, "enqueued=1 failed=1 dead=1")
	f(func(t *testing.T, r *trRig) { // the webhook came before MarkSent
		m := r.enqueue(t, "+34600111222", "", 0)
		r.lease(t)
		r.st.ReportStatus("g1", store.Delivered, r.clock.Now(), "")
		r.markSent(t, m.ID, "g1")
	}, "enqueued=1 sent=1 delivered=1 queue_wait=1")
	f(func(t *testing.T, r *trRig) { // delivery failure
		r.send(t, "+34600111222", "", "g1")
		r.st.ReportStatus("g1", store.Failed, r.clock.Now(), "undeliverable")
	}, "enqueued=1 sent=1 failed=1 queue_wait=1")
	f(func(t *testing.T, r *trRig) { // release, defer and cancel count nothing
		m := r.enqueue(t, "+34600111222", "", 0)
		r.lease(t)
		r.st.Release(m.ID, "paused")
		r.lease(t)
		r.st.Defer(m.ID, r.clock.Now().Add(time.Hour), "window")
		r.st.Cancel(m.ID)
	}, "enqueued=1")
	f(func(t *testing.T, r *trRig) {
		m := r.enqueue(t, "+34600111222", "", 0)
		r.tr.Call(m, 250*time.Millisecond, nil)
	}, "enqueued=1 latency=1")
}

func TestTrackTimesAndDimensions(t *testing.T) {
	r := newTrRig(t)
	before := [...]uint64{promCount(`waq_messages_enqueued_total{priority="normal"}`),
		promCount(`waq_messages_sent_total{wa_instance="sales-1"}`)}
	at := trStart.Add(10 * time.Minute)
	m := r.enqueue(t, "+34600111222", "spring", 0)
	r.clock.Add(3 * time.Second)
	r.lease(t)
	r.markSent(t, m.ID, "g1")
	r.clock.Add(time.Hour)
	r.st.ReportStatus("g1", store.Delivered, at, "")
	all := r.day(t, DimAll)
	if all.QueueWait.SumMS != 3000 {
		t.Fatalf("queue wait %d ms, want 3000", all.QueueWait.SumMS)
	}
	for _, dim := range []string{DimCampaign("spring"), DimInstance("sales-1"), DimCampaignInstance("spring", "sales-1"), DimType("text")} {
		if got := summary(r.record(t, Day, trStart, dim)); got != summary(all) {
			t.Fatalf("%q: %q, want %q", dim, got, summary(all))
		}
	}
	if got := summary(r.record(t, Minute, trStart, DimAll)); got != "enqueued=1 sent=1 queue_wait=1" {
		t.Fatalf("first minute: %q", got)
	}
	if got := summary(r.record(t, Minute, at, DimAll)); got != "delivered=1" { // at the webhook's time
		t.Fatalf("minute of the delivery: %q", got)
	}
	after := [...]uint64{promCount(`waq_messages_enqueued_total{priority="normal"}`),
		promCount(`waq_messages_sent_total{wa_instance="sales-1"}`)}
	if after[0]-before[0] != 1 || after[1]-before[1] != 1 {
		t.Fatalf("prometheus counters moved by %d, %d", after[0]-before[0], after[1]-before[1])
	}
}

func TestTrackFailedReasons(t *testing.T) {
	reasons := []string{"retryable", "dead", "delivery"}
	read := func() (n []uint64) {
		for _, r := range reasons {
			n = append(n, promCount(`waq_messages_failed_total{reason="`+r+`",wa_instance="sales-1"}`))
		}
		return n
	}
	before := read()
	r := newTrRig(t)
	m := r.enqueue(t, "+34600111222", "", 2)
	r.lease(t)
	r.st.Fail(m.ID, "timeout", false, backoff)
	r.clock.Add(2 * time.Second)
	r.st.Promote(r.clock.Now())
	r.lease(t)
	r.st.Fail(m.ID, "timeout", false, backoff)
	r.send(t, "+34600111333", "", "g2")
	r.st.ReportStatus("g2", store.Failed, r.clock.Now(), "undeliverable")
	after := read()
	for i := range reasons {
		if after[i]-before[i] != 1 {
			t.Fatalf("waq_messages_failed_total{reason=%q,wa_instance=\"sales-1\"} moved by %d, want 1", reasons[i], after[i]-before[i])
		}
	}
}

func TestFlushOneCommit(t *testing.T) {
	r := newTrRig(t)
	for i := range 50 {
		r.send(t, fmt.Sprintf("+3460011%04d", i), fmt.Sprintf("c%d", i%5), fmt.Sprintf("g%d", i))
	}
	commits, _ := r.st.CommitStats()
	if err := r.tr.Flush(); err != nil {
		t.Fatal(err)
	}
	after, _ := r.st.CommitStats()
	if after-commits != 1 {
		t.Fatalf("flush made %d commits, want 1", after-commits)
	}
	if err := r.tr.Flush(); err != nil {
		t.Fatal(err)
	}
	if again, _ := r.st.CommitStats(); again != after {
		t.Fatalf("an empty flush made %d commits", again-after)
	}
	if c := r.record(t, Day, trStart, DimAll); c.Sent != 50 || c.ConversationsStarted != 0 { // one-way sends: no conversation
		t.Fatalf("after flush: %s", summary(c))
	}
}

func TestRunFlushesAtTheEnd(t *testing.T) {
	r := newTrRig(t)
	r.tr.FlushEvery = time.Hour
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.tr.Run(ctx) }()
	r.send(t, "+34600111222", "", "g1")
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if c := r.record(t, Day, trStart, DimAll); c.Sent != 1 {
		t.Fatalf("after Run: %s", summary(c))
	}
}

func TestRunFlushesEveryTick(t *testing.T) {
	r := newTrRig(t)
	r.tr.FlushEvery = 10 * time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go r.tr.Run(ctx)
	r.send(t, "+34600111222", "", "g1")
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if r.record(t, Day, trStart, DimAll).Sent == 1 {
			return
		}
	}
	t.Fatal("Run did not flush within 30 s")
}

func TestFlushFailureKeepsCounts(t *testing.T) {
	r := newTrRig(t)
	r.send(t, "+34600111222", "", "g1")
	r.st.Close()
	if err := r.tr.Flush(); store.ErrorCode(err) != store.EUNAVAILABLE {
		t.Fatalf("flush on a closed store: %v", err)
	}
	st, err := store.Open(r.path, store.Options{Now: r.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	r.st, r.tr.Store = st, st
	if c := r.day(t, DimAll); c.Sent != 1 || c.Enqueued != 1 {
		t.Fatalf("after the failed flush: %s", summary(c))
	}
	var state []byte
	statsdb.View(st, func(tx statsdb.Tx) error {
		state = tx.Get(statsdb.Contacts, []byte("+34600111222"))
		return nil
	})
	if state == nil {
		t.Fatal("the contact state was lost with the failed flush")
	}
}

// A gateway call's latency counts on the instance that made it: the pin,
// else tried_by (which sender/fleet sets for the call).
func TestCallLatencyByInstance(t *testing.T) {
	f := func(pin, tried, want string) {
		t.Helper()
		r := newTrRig(t)
		r.tr.Call(&store.Message{ID: "m1", To: "+34600111222", Type: "text", Instance: pin, TriedBy: tried}, 250*time.Millisecond, nil)
		c := r.day(t, DimInstance(want))
		if got := c.Latency.Count(); got != 1 {
			t.Fatalf("pin %q, tried_by %q: %d calls on %q, want 1", pin, tried, got, want)
		}
	}
	f("sales-1", "sales-1", "sales-1")
	f("", "support", "support")
	f("sales-1", "", "sales-1")
}
