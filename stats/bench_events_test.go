package stats

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"
)

// benchEventsDefault is how many events the big benchmark store holds.
// WAQ_BENCH_EVENTS changes it (CI runs the benchmarks once on a small
// store; docs/benchmarks.md gives the figures for 10 million).
const benchEventsDefault = 10_000_000

var (
	eventsOnce sync.Once
	eventsFx   *fixture
	eventsN    int
)

// eventsFixture fills, once per test binary, a store with the counters of
// benchEvents events spread evenly over the benchmark month: sends of 20
// campaigns through two instances in two message types, each delivered,
// most read, some answered, with queue waits and opTimes observed. The
// records hold exactly what tracking those events one by one would store.
func eventsFixture(b *testing.B) *fixture {
	eventsOnce.Do(func() {
		eventsN = benchEventsDefault
		if n, err := strconv.Atoi(os.Getenv("WAQ_BENCH_EVENTS")); err == nil && n > 0 {
			eventsN = n
		}
		dir, err := os.MkdirTemp("", "waq-bench-events")
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { os.RemoveAll(dir) })
		eventsFx = newFixtureIn(b, dir, madrid, benchTo.Add(10*time.Hour))
		fillEvents(b, eventsFx, eventsN)
	})
	return eventsFx
}

// fillEvents adds n events, a day's worth per commit.
func fillEvents(b *testing.B, fx *fixture, n int) {
	span := benchTo.Sub(benchFrom)
	step := span / time.Duration(n)
	days := 0
	bt := make(batch)
	for i := range n {
		at := benchFrom.Add(time.Duration(i) * step)
		d := eventDelta(i, at)
		bt.add(&d, madrid)
		if day := int(at.Sub(benchFrom) / (24 * time.Hour)); day != days || i == n-1 {
			if err := bt.write(fx.st); err != nil {
				b.Fatal(err)
			}
			bt, days = make(batch), day
		}
	}
}

// eventDelta is event i: a send, with its later statuses counted with it.
func eventDelta(i int, at time.Time) Delta {
	var c Counters
	c.Sent, c.Delivered = 1, 1
	c.Read = uint64(min(i%4, 1))
	c.Replied = uint64(i % 9 / 8)
	c.Leads = uint64(i % 50 / 49)
	c.QueueWait.Observe(time.Duration(50+i%2000) * time.Millisecond)
	c.Latency.Observe(time.Duration(80+i%400) * time.Millisecond)
	return Delta{At: at, Campaign: fmt.Sprintf("campaign-%02d", i%20), Instance: fmt.Sprintf("sales-%d", i%2),
		Type: []string{"text", "template"}[i%2], Counters: c}
}

// opTimes records each operation's duration, for the p99 a benchmark
// reports beside its mean.
type opTimes []time.Duration

func (l *opTimes) time(fn func()) {
	start := time.Now()
	fn()
	*l = append(*l, time.Since(start))
}

func (l opTimes) report(b *testing.B) {
	if len(l) == 0 {
		return
	}
	s := slices.Clone(l)
	slices.Sort(s)
	p99 := s[min(len(s)-1, len(s)*99/100)]
	b.ReportMetric(float64(p99.Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(eventsN), "events")
}

// BenchmarkEventsReportMonth is a month report over the big store, without
// its cache (cold) and with it.
func BenchmarkEventsReportMonth(b *testing.B) {
	fx := eventsFixture(b)
	for _, cold := range []bool{true, false} {
		b.Run(map[bool]string{true: "cold", false: "cached"}[cold], func(b *testing.B) {
			var l opTimes
			for b.Loop() {
				if cold {
					fx.r.Forget()
				}
				l.time(func() {
					rep, err := fx.r.Report(PeriodMonth, "2026-11-15")
					if err != nil || rep.Messages.Sent != uint64(eventsN) || len(rep.Campaigns) != 20 {
						b.Fatalf("report: sent %d, %d campaigns, %v", rep.Messages.Sent, len(rep.Campaigns), err)
					}
				})
			}
			l.report(b)
		})
	}
}

// BenchmarkEventsSeries30DaysHourly is the 30-day hourly time series of
// sends over the big store, unfiltered and for one campaign.
func BenchmarkEventsSeries30DaysHourly(b *testing.B) {
	fx := eventsFixture(b)
	for _, dim := range []string{DimAll, DimCampaign("campaign-07")} {
		b.Run(map[bool]string{true: "all", false: "campaign"}[dim == DimAll], func(b *testing.B) {
			var l opTimes
			for b.Loop() {
				l.time(func() {
					pts, err := fx.r.Series(Hour, dim, "sent", benchFrom, benchTo)
					if err != nil || len(pts) != 720 {
						b.Fatalf("series: %d points, %v", len(pts), err)
					}
				})
			}
			l.report(b)
		})
	}
}
