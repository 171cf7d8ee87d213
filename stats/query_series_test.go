package stats

import (
	"testing"
	"time"

	"github.com/waqhq/waq/store"
)

func TestSeries(t *testing.T) {
	now := local(madrid, 2026, 11, 26, 12, 0)
	fx := newFixture(t, madrid, now)
	day := local(madrid, 2026, 11, 26, 0, 0)
	fx.add(t,
		Delta{At: day.Add(9*time.Hour + 10*time.Second), Counters: Counters{Sent: 3, Read: 1}},
		Delta{At: day.Add(9*time.Hour + 2*time.Minute), Campaign: "spring", Counters: Counters{Sent: 2}},
		Delta{At: day.Add(-time.Hour), Counters: Counters{Sent: 7}},
	)
	f := func(l Level, dim, metric string, from, to time.Time, want ...float64) {
		t.Helper()
		pts, err := fx.r.Series(l, dim, metric, from, to)
		if err != nil || len(pts) != len(want) {
			t.Fatalf("Series(%s, %q, %s) = %v, %v; want %v", l, dim, metric, pts, err, want)
		}
		for i, p := range pts {
			if p.V != want[i] || p.T.Location() != madrid {
				t.Fatalf("point %d = %+v, want %v", i, p, want[i])
			}
		}
	}
	nine := day.Add(9 * time.Hour)
	f(Minute, DimAll, "sent", nine, nine.Add(4*time.Minute), 3, 0, 2, 0)
	f(Minute, DimAll, "read", nine, nine.Add(4*time.Minute), 1, 0, 0, 0)
	f(Minute, DimCampaign("spring"), "sent", nine, nine.Add(4*time.Minute), 0, 0, 2, 0)
	f(Hour, DimAll, "sent", nine.Add(-time.Hour), nine.Add(2*time.Hour), 0, 5, 0)
	f(Day, DimAll, "sent", day.Add(-24*time.Hour), day.Add(48*time.Hour), 7, 5, 0)
	f(Day, DimAll, "sent", day.Add(time.Hour), day.Add(48*time.Hour), 0) // the 26th starts before from
	f(Hour, DimAll, "sent", nine, nine)
	for _, m := range SeriesMetrics {
		f(Day, DimAll, m, day.Add(24*time.Hour), day.Add(25*time.Hour), 0)
	}
	// The open minute is read fresh.
	f(Minute, DimAll, "sent", now, now.Add(time.Minute), 0)
	fx.add(t, sent(now, 4))
	f(Minute, DimAll, "sent", now, now.Add(time.Minute), 4)

	bad := func(l Level, metric string, from, to time.Time, field string) {
		t.Helper()
		_, err := fx.r.Series(l, DimAll, metric, from, to)
		if e, ok := err.(*store.Error); !ok || e.Code != store.EINVALID || e.Field != field {
			t.Fatalf("Series(%s, %s, %s, %s) = %v, want an invalid error on %s", l, metric, from, to, err, field)
		}
	}
	bad(Hour, "replied", day, now, "metric")
	bad(Minute, "sent", day, day.Add(SeriesMax*time.Minute+time.Second), "interval")
	if pts, err := fx.r.Series(Minute, DimAll, "sent", day, day.Add(SeriesMax*time.Minute)); err != nil || len(pts) != SeriesMax {
		t.Fatalf("a series of SeriesMax points: %d, %v", len(pts), err)
	}
}
