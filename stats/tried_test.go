package stats

import (
	"testing"

	"github.com/waqhq/waq/store"
)

// TestTrackFailuresOnTheInstanceThatTried: the failed tries and the dead
// letter of an unpinned message count on the instance that tried it
// (its tried_by), in the records and in waq_messages_failed_total; its
// enqueue, before any try, counts under no instance.
func TestTrackFailuresOnTheInstanceThatTried(t *testing.T) {
	failed := func(reason string) uint64 {
		return promCount(`waq_messages_failed_total{reason="` + reason + `",wa_instance="sales-2"}`)
	}
	before := [...]uint64{failed(reasonRetryable), failed(reasonDead)}
	r := newTrRig(t)
	m, _, err := r.st.Enqueue(&store.Message{To: "+34600111222", Text: "hola", MaxAttempts: 3})
	if err != nil {
		t.Fatal(err)
	}
	r.lease(t)
	if _, err := r.st.FailBy(m.ID, "sales-2", "timeout", false, backoff); err != nil {
		t.Fatal(err)
	}
	r.clock.Add(backoff(1))
	r.st.Promote(r.clock.Now())
	r.lease(t)
	if got, err := r.st.FailBy(m.ID, "sales-2", "not on WhatsApp", true, backoff); err != nil || got.Status != store.Dead || got.Instance != "" {
		t.Fatalf("permanent failure: %+v %v", got, err)
	}
	f := func(dim, want string) {
		t.Helper()
		if got := summary(r.day(t, dim)); got != want {
			t.Fatalf("%q: %q, want %q", dim, got, want)
		}
	}
	f(DimInstance("sales-2"), "failed=2 dead=1")
	f(DimInstance("sales-1"), "")
	f(DimAll, "enqueued=1 failed=2 dead=1")
	after := [...]uint64{failed(reasonRetryable), failed(reasonDead)}
	if after[0]-before[0] != 1 || after[1]-before[1] != 1 {
		t.Fatalf("waq_messages_failed_total of sales-2 moved by %d retryable, %d dead; want 1, 1", after[0]-before[0], after[1]-before[1])
	}
}
