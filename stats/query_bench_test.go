package stats

import (
	"fmt"
	"testing"
	"time"
)

// benchMonth is the month the benchmarks fill and read: November 2026 in
// Madrid, read from 1 December, so every bucket of it is over.
var (
	benchFrom = time.Date(2026, 11, 1, 0, 0, 0, 0, madrid)
	benchTo   = time.Date(2026, 12, 1, 0, 0, 0, 0, madrid)
)

// fillMonth writes perMinute deltas in every minute of the benchmark month,
// spread over campaigns campaigns and two instances, one commit per day. A
// modest fill (1 a minute, 43 200 deltas) makes every minute, hour and day
// record exist, which is what reads cost; more deltas only make the records
// count higher.
func fillMonth(tb testing.TB, fx *fixture, perMinute, campaigns int) {
	tb.Helper()
	for day := benchFrom; day.Before(benchTo); day = Day.Next(day, madrid) {
		var ds []Delta
		for at := day; at.Before(Day.Next(day, madrid)); at = at.Add(time.Minute) {
			for i := range perMinute {
				var c Counters
				c.Sent, c.Delivered, c.Read, c.Leads = 1, 1, uint64(i%2), uint64(i%5/4)
				c.Latency.Observe(time.Duration(100+i) * time.Millisecond)
				ds = append(ds, Delta{At: at.Add(time.Duration(i) * time.Second),
					Campaign: fmt.Sprintf("campaign-%d", (at.Minute()+i)%campaigns),
					Instance: fmt.Sprintf("sales-%d", i%2), Type: "text", Counters: c})
			}
		}
		fx.add(tb, ds...)
	}
}

func benchFixture(b *testing.B) *fixture {
	b.Helper()
	fx := newFixture(b, madrid, benchTo.Add(10*time.Hour))
	fillMonth(b, fx, 1, 10)
	return fx
}

// BenchmarkReportMonth is the report of a month: 30 day records for the
// totals and 30 more per campaign. Cold forgets the cache every time.
func BenchmarkReportMonth(b *testing.B) {
	fx := benchFixture(b)
	for _, cold := range []bool{true, false} {
		b.Run(map[bool]string{true: "cold", false: "cached"}[cold], func(b *testing.B) {
			for b.Loop() {
				if cold {
					fx.r.Forget()
				}
				rep, err := fx.r.Report(PeriodMonth, "2026-11-15")
				if err != nil || rep.Messages.Sent != 43200 || len(rep.Campaigns) != 10 {
					b.Fatalf("report: %v", err)
				}
			}
		})
	}
}

// BenchmarkSeries30DaysHourly reads 720 hour records.
func BenchmarkSeries30DaysHourly(b *testing.B) {
	fx := benchFixture(b)
	for b.Loop() {
		pts, err := fx.r.Series(Hour, DimAll, "sent", benchFrom, benchTo)
		if err != nil || len(pts) != 720 {
			b.Fatalf("series: %d points, %v", len(pts), err)
		}
	}
}

// BenchmarkSum30DaysHourly sums the same 720 hour records, uncached.
func BenchmarkSum30DaysHourly(b *testing.B) {
	fx := benchFixture(b)
	for b.Loop() {
		fx.r.Forget()
		c, err := fx.r.Sum(Hour, DimAll, benchFrom, benchTo)
		if err != nil || c.Sent != 43200 {
			b.Fatalf("sum: %d, %v", c.Sent, err)
		}
	}
}
