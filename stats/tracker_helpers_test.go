package stats

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/VictoriaMetrics/metrics"

	"github.com/waqhq/waq/internal/timetest"
	"github.com/waqhq/waq/store"
)

// trStart is where the tracker tests' clock starts.
var trStart = timetest.Start

// trRig is a store on a real bbolt file whose feed goes to a tracker,
// both on one fake clock.
type trRig struct {
	st    *store.Store
	tr    *Tracker
	clock *timetest.Clock
	path  string
}

func newTrRig(t testing.TB) *trRig {
	t.Helper()
	r := &trRig{clock: timetest.NewClock(), path: filepath.Join(t.TempDir(), store.FileName)}
	r.tr = &Tracker{Now: r.clock.Now}
	st, err := store.Open(r.path, store.Options{Now: r.clock.Now, Subscribers: []store.Subscriber{r.tr.Transitions}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	r.st, r.tr.Store = st, st
	return r
}

// enqueue stores a text message to to in campaign (may be empty).
func (r *trRig) enqueue(t testing.TB, to, campaign string, maxAttempts int) *store.Message {
	t.Helper()
	m, _, err := r.st.Enqueue(&store.Message{To: to, Text: "hola", Campaign: campaign, Instance: "sales-1", MaxAttempts: maxAttempts})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func (r *trRig) lease(t testing.TB) *store.Message {
	t.Helper()
	m, err := r.st.Lease(r.clock.Now().Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func (r *trRig) markSent(t testing.TB, id, gid string) *store.Message {
	t.Helper()
	m, err := r.st.MarkSent(id, gid, "text", "")
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// send enqueues, leases and marks sent a message at the clock's time.
func (r *trRig) send(t testing.TB, to, campaign, gid string) *store.Message {
	t.Helper()
	m := r.enqueue(t, to, campaign, 0)
	r.lease(t)
	return r.markSent(t, m.ID, gid)
}

// inbound records a message from a contact at the clock's time, as the
// receiver does, and hands it to the tracker.
func (r *trRig) inbound(t testing.TB, from, gid, replyTo string) store.Inbound {
	t.Helper()
	in, created, err := r.st.RecordInbound(store.Inbound{GatewayID: gid, Source: "demo", Instance: "sales-1",
		From: from, ReplyTo: replyTo, At: r.clock.Now()})
	if err != nil || !created {
		t.Fatalf("record inbound: %v %v", created, err)
	}
	r.tr.Inbound(in)
	return in
}

// day flushes and returns the counters of the day of trStart in dim.
func (r *trRig) day(t testing.TB, dim string) Counters {
	t.Helper()
	if err := r.tr.Flush(); err != nil {
		t.Fatal(err)
	}
	return r.record(t, Day, trStart, dim)
}

func (r *trRig) record(t testing.TB, l Level, at time.Time, dim string) Counters {
	t.Helper()
	c, err := ReadRecord(r.st, l, l.Start(at, time.UTC), dim)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// promCount reads a Prometheus counter of the global set.
func promCount(name string) uint64 { return metrics.GetOrCreateCounter(name).Get() }
