package stats

import (
	"errors"
	"testing"
	"time"

	"github.com/waqhq/waq/store"
)

// cellSums adds up the cells of h.
func cellSums(h *Heatmap) (sent, read, replied uint64) {
	for _, c := range h.Cells {
		sent, read, replied = sent+c.Sent, read+c.Read, replied+c.Replied
	}
	return sent, read, replied
}

func TestHeatmapCellsSumToThePeriod(t *testing.T) {
	fx := newFixture(t, madrid, local(madrid, 2026, 11, 30, 12, 0))
	ev := func(at time.Time, campaign string, s, r, p uint64) Delta {
		return Delta{At: at, Campaign: campaign, Counters: Counters{Sent: s, Read: r, Replied: p}}
	}
	fx.add(t,
		ev(local(madrid, 2026, 11, 20, 9, 59), "", 5, 0, 0), // before the period
		ev(local(madrid, 2026, 11, 20, 10, 7), "", 3, 1, 0), // minute bucket at the start edge
		ev(local(madrid, 2026, 11, 22, 20, 0), "promo", 2, 4, 1),
		ev(local(madrid, 2026, 11, 27, 23, 30), "", 7, 6, 2),
		ev(local(madrid, 2026, 11, 29, 8, 44), "promo", 1, 1, 1), // minute bucket at the end edge
		ev(local(madrid, 2026, 11, 29, 8, 46), "", 9, 9, 9),      // after the period
	)
	from, to := local(madrid, 2026, 11, 20, 10, 5), local(madrid, 2026, 11, 29, 8, 45)
	f := func(metric, dim string) {
		t.Helper()
		h, err := fx.r.Heatmap(metric, dim, from, to)
		if err != nil {
			t.Fatal(err)
		}
		if len(h.Cells) != 168 || h.Timezone != "Europe/Madrid" || h.Metric != metric {
			t.Fatalf("heatmap %s: %d cells in %s", h.Metric, len(h.Cells), h.Timezone)
		}
		want := fx.total(t, dim, from, to)
		if s, r, p := cellSums(h); s != want.Sent || r != want.Read || p != want.Replied {
			t.Fatalf("%s %q: cells sum to sent=%d read=%d replied=%d, the period counts %d %d %d",
				metric, dim, s, r, p, want.Sent, want.Read, want.Replied)
		}
	}
	f(HeatSent, DimAll)
	f(HeatRead, DimAll)
	f(HeatReply, DimCampaign("promo"))
}

func TestHeatmapTimezoneShiftsCells(t *testing.T) {
	at := time.Date(2026, 11, 26, 19, 30, 0, 0, time.UTC) // a Thursday
	f := func(loc *time.Location, weekday, hour int) {
		t.Helper()
		fx := newFixture(t, loc, at.Add(48*time.Hour))
		fx.add(t, Delta{At: at, Counters: Counters{Sent: 4, Read: 2, Replied: 1}})
		h, err := fx.r.Heatmap(HeatRead, DimAll, at.Add(-24*time.Hour), at.Add(24*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range h.Cells {
			if c.Sent == 0 {
				continue
			}
			if c.Weekday != weekday || c.Hour != hour || c.Value != 0.5 {
				t.Fatalf("%s: the send is in cell %d/%d with value %v, want %d/%d and 0.5", loc, c.Weekday, c.Hour, c.Value, weekday, hour)
			}
			return
		}
		t.Fatalf("%s: no cell holds the send", loc)
	}
	f(time.UTC, 3, 19)
	f(madrid, 3, 20)
	f(mustZone("Asia/Tokyo"), 4, 4)           // the next morning
	f(mustZone("America/Los_Angeles"), 3, 11) // the same morning
}

func TestHeatmapBadMetric(t *testing.T) {
	fx := newFixture(t, madrid, local(madrid, 2026, 11, 30, 12, 0))
	_, err := fx.r.Heatmap("opens", DimAll, time.Time{}, fx.clock.Now())
	var e *store.Error
	if !errors.As(err, &e) || e.Code != store.EINVALID || e.Field != "metric" {
		t.Fatalf("metric opens: %v, want EINVALID on metric", err)
	}
}
