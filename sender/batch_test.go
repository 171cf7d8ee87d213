package sender

import (
	"context"
	"testing"
	"time"

	"github.com/waqhq/waq/internal/timetest"
	"github.com/waqhq/waq/store"
)

// With a backlog, one commit leases a message for every free slot: the
// concurrency is filled by a few commits, not one fsync per message.
func TestLeaseFillsFreeSlotsInOneCommit(t *testing.T) {
	st := openStore(t, time.Now)
	const conc = 20
	for range 2 * conc {
		enqueue(t, st, store.Normal, "hi")
	}
	release := make(chan struct{})
	gw := &fakeGateway{fn: func(ctx context.Context, m *store.Message, n int) (string, error) {
		<-release
		return "gw-" + m.ID, nil
	}}
	cfg := fastConfig()
	cfg.Rate, cfg.Concurrency = Rate{1000, time.Second}, conc
	before, _ := st.CommitStats()
	stop := start(t, New(st, gw, cfg))
	timetest.WaitFor(t, "every slot busy", func() bool { return len(gw.calls()) == conc })
	leases, _ := st.CommitStats()
	close(release)
	timetest.WaitFor(t, "every message sent", func() bool {
		c, err := st.Counts()
		return err == nil && c.States[store.Sent] == 2*conc
	})
	stop()
	// The gateway holds every call, so no outcome was recorded yet: the
	// commits so far are the leases (and the start's lease recovery, if any).
	if n := leases - before; n > 3 {
		t.Fatalf("%d commits to lease %d messages; want a batch to fill the free slots", n, conc)
	}
	if got := gw.peak; got > conc {
		t.Fatalf("%d calls in flight, over the concurrency of %d", got, conc)
	}
}
