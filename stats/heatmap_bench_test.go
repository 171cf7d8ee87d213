package stats

import (
	"testing"
	"time"
)

// BenchmarkHeatmapFourWeeks reads the default heatmap range over four
// weeks of hour records in three dimensions, every hour busy.
func BenchmarkHeatmapFourWeeks(b *testing.B) {
	now := local(madrid, 2026, 11, 30, 12, 0)
	fx := newFixture(b, madrid, now)
	var ds []Delta
	for h := range 28 * 24 {
		ds = append(ds, Delta{At: now.Add(-time.Duration(h) * time.Hour), Campaign: "promo", Instance: "sales-1",
			Counters: Counters{Sent: 10, Read: 6, Replied: 2}})
	}
	fx.add(b, ds...)
	b.ResetTimer()
	for range b.N {
		if _, err := fx.r.Heatmap(HeatRead, DimAll, now.Add(-28*24*time.Hour), now); err != nil {
			b.Fatal(err)
		}
	}
}
