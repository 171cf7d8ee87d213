package sender

import (
	"testing"
	"time"

	"github.com/waqhq/waq/internal/timetest"
	"github.com/waqhq/waq/store"
)

// BenchmarkDrain sends a backlog of b.N messages through a gateway that
// answers at once, with no rate limit to speak of, at concurrency 5 and 50:
// what the sender and the store cost per message, without the network.
func BenchmarkDrain(b *testing.B) {
	for _, conc := range []int{5, 50} {
		b.Run(map[int]string{5: "c5", 50: "c50"}[conc], func(b *testing.B) {
			st := openStore(b, time.Now)
			for n := b.N; n > 0; n -= store.BulkMax {
				ms := make([]*store.Message, min(n, store.BulkMax))
				for i := range ms {
					ms[i] = &store.Message{To: "+34600111222", Text: "Hola, su cita es mañana a las 10:00"}
				}
				if _, err := st.EnqueueBulk(ms); err != nil {
					b.Fatal(err)
				}
			}
			cfg := fastConfig()
			cfg.Rate, cfg.Concurrency = Rate{1 << 30, time.Second}, conc
			b.ResetTimer()
			stop := start(b, New(st, &fakeGateway{}, cfg))
			timetest.WaitWithin(b, time.Hour, "the backlog sent", func() bool {
				c, err := st.Counts()
				return err == nil && c.States[store.Sent] == b.N
			})
			b.StopTimer()
			stop()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
		})
	}
}
