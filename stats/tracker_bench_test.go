package stats

import (
	"fmt"
	"testing"
	"time"

	"github.com/waqhq/waq/internal/timetest"
	"github.com/waqhq/waq/store"
)

// BenchmarkTrack counts sends (the sent transition of MarkSent) across 20
// campaigns and 1000 contacts, flushing every 10 000 as Run would under
// that load, on a real bbolt file. The target is 100 000 events/s: the
// hook must never be what slows the sender.
func BenchmarkTrack(b *testing.B) {
	const campaigns, contacts, flushEvery = 20, 1000, 10_000
	st := openStore(b)
	clock := timetest.NewClock()
	tr := &Tracker{Store: st, Now: clock.Now}
	olds := make([]*store.Message, contacts)
	news := make([]*store.Message, contacts)
	for i := range contacts {
		created := trStart.Add(-time.Second)
		olds[i] = &store.Message{To: fmt.Sprintf("+3460%07d", i), Type: store.TypeText, Status: store.Sending,
			Campaign: fmt.Sprintf("campaign-%d", i%campaigns), Instance: "sales-1", Priority: store.Normal,
			CreatedAt: created}
		m := *olds[i]
		m.Status, m.Attempts, m.SentAs = store.Sent, 1, store.TypeText
		news[i] = &m
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		m := news[i%contacts]
		at := trStart.Add(time.Duration(i) * time.Millisecond) // 1000 sends a second
		m.SentAt = &at
		tr.Transitions([]store.Transition{{Kind: store.KindSent, From: store.Sending, To: store.Sent, Before: olds[i%contacts], Message: m}})
		if (i+1)%flushEvery == 0 {
			clock.Add(10 * time.Second)
			if err := tr.Flush(); err != nil {
				b.Fatal(err)
			}
		}
	}
	if err := tr.Flush(); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}
