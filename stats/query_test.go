package stats

import (
	"math/rand/v2"
	"testing"
	"time"
)

func TestSumPerLevel(t *testing.T) {
	now := local(madrid, 2026, 11, 30, 12, 0)
	fx := newFixture(t, madrid, now)
	base := local(madrid, 2026, 11, 26, 10, 0)
	fx.add(t,
		sent(base, 1),                     // 10:00
		sent(base.Add(30*time.Second), 2), // same minute
		sent(base.Add(time.Minute), 4),    // 10:01
		sent(base.Add(time.Hour), 8),      // 11:00
		sent(base.Add(-11*time.Hour), 16), // 23:00 the day before
		Delta{At: base, Campaign: "spring", Instance: "sales-1", Counters: Counters{Sent: 32}},
	)
	f := func(l Level, dim string, from, to time.Time, want uint64) {
		t.Helper()
		c, err := fx.r.Sum(l, dim, from, to)
		if err != nil || c.Sent != want {
			t.Fatalf("Sum(%s, %q, %s, %s) = %d, %v; want %d", l, dim, from, to, c.Sent, err, want)
		}
	}
	f(Minute, DimAll, base, base.Add(time.Minute), 35)
	f(Minute, DimAll, base, base.Add(2*time.Minute), 39)
	f(Minute, DimAll, base.Add(time.Second), base.Add(2*time.Minute), 4) // 10:00 starts before from
	f(Hour, DimAll, base, base.Add(2*time.Hour), 47)
	f(Day, DimAll, local(madrid, 2026, 11, 26, 0, 0), local(madrid, 2026, 11, 27, 0, 0), 47)
	f(Day, DimAll, local(madrid, 2026, 11, 25, 0, 0), local(madrid, 2026, 11, 27, 0, 0), 63)
	f(Day, DimCampaign("spring"), local(madrid, 2026, 11, 1, 0, 0), now, 32)
	f(Day, DimInstance("sales-1"), local(madrid, 2026, 11, 1, 0, 0), now, 32)
	f(Day, DimCampaignInstance("spring", "sales-1"), local(madrid, 2026, 11, 1, 0, 0), now, 32)
	f(Day, DimCampaign("other"), local(madrid, 2026, 11, 1, 0, 0), now, 0)
	f(Day, DimAll, now, base, 0) // from after to
	f(Day, DimAll, time.Unix(-1e9, 0), now, 63)
}

func TestSpans(t *testing.T) {
	type s struct {
		l        Level
		from, to string
	}
	f := func(loc *time.Location, from, to string, want ...s) {
		t.Helper()
		got := spans(mustTime(t, from), mustTime(t, to), loc)
		if len(got) != len(want) {
			t.Fatalf("spans(%s, %s) = %v, want %v", from, to, got, want)
		}
		for i, w := range want {
			if g := got[i]; g.l != w.l || !g.from.Equal(mustTime(t, w.from)) || !g.to.Equal(mustTime(t, w.to)) {
				t.Fatalf("span %d of (%s, %s) = %v, want %v", i, from, to, g, w)
			}
		}
	}
	// Madrid is UTC+1 in November: its midnights are 23:00 UTC.
	f(madrid, "2026-11-25T22:30:15Z", "2026-11-28T10:15:30Z",
		s{Minute, "2026-11-25T22:30:15Z", "2026-11-25T23:00:00Z"},
		s{Day, "2026-11-25T23:00:00Z", "2026-11-27T23:00:00Z"},
		s{Hour, "2026-11-27T23:00:00Z", "2026-11-28T10:00:00Z"},
		s{Minute, "2026-11-28T10:00:00Z", "2026-11-28T10:15:30Z"})
	f(madrid, "2026-11-26T10:00:00Z", "2026-11-26T10:59:00Z", s{Minute, "2026-11-26T10:00:00Z", "2026-11-26T10:59:00Z"})
	f(madrid, "2026-11-26T10:00:00Z", "2026-11-26T12:00:00Z", s{Hour, "2026-11-26T10:00:00Z", "2026-11-26T12:00:00Z"})
	f(madrid, "2026-11-26T10:00:00Z", "2026-11-26T10:00:00Z")
	// India is UTC+5:30: its midnights fall on the half hour in UTC.
	f(mustZone("Asia/Kolkata"), "2026-11-25T17:00:00Z", "2026-11-27T10:00:00Z",
		s{Hour, "2026-11-25T17:00:00Z", "2026-11-25T18:00:00Z"},
		s{Minute, "2026-11-25T18:00:00Z", "2026-11-25T18:30:00Z"},
		s{Day, "2026-11-25T18:30:00Z", "2026-11-26T18:30:00Z"},
		s{Minute, "2026-11-26T18:30:00Z", "2026-11-26T19:00:00Z"},
		s{Hour, "2026-11-26T19:00:00Z", "2026-11-27T10:00:00Z"})
}

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// Any range read through days, hours and minutes counts what the minutes
// that start in it count.
func TestTotalMatchesMinutes(t *testing.T) {
	now := local(madrid, 2026, 12, 10, 0, 0)
	fx := newFixture(t, madrid, now)
	rng := rand.New(rand.NewPCG(1, 2))
	first := local(madrid, 2026, 11, 24, 0, 0)
	span := 6 * 24 * time.Hour
	var ds []Delta
	for range 2000 {
		at := first.Add(time.Duration(rng.Int64N(int64(span))))
		ds = append(ds, Delta{At: at, Campaign: []string{"", "a", "b"}[rng.IntN(3)], Counters: Counters{Sent: 1, Read: uint64(rng.IntN(3))}})
	}
	fx.add(t, ds...)
	for range 200 {
		from := first.Add(time.Duration(rng.Int64N(int64(span))))
		to := from.Add(time.Duration(rng.Int64N(int64(3 * 24 * time.Hour))))
		for _, dim := range []string{DimAll, DimCampaign("a")} {
			got := fx.total(t, dim, from, to)
			want, err := fx.r.Sum(Minute, dim, from, to)
			if err != nil || got.Sent != want.Sent || got.Read != want.Read {
				t.Fatalf("Total(%q, %s, %s) = %d/%d, minutes say %d/%d (%v)", dim, from, to, got.Sent, got.Read, want.Sent, want.Read, err)
			}
		}
	}
}

// A day in Madrid ends at its midnight, not UTC's, and lasts 23 hours on the
// last Sunday of March and 25 on the last Sunday of October.
func TestMadridDays(t *testing.T) {
	f := func(date string, hours int) {
		t.Helper()
		fx := newFixture(t, madrid, local(madrid, 2027, 1, 1, 0, 0))
		from, to, err := fx.r.Period(PeriodDay, date)
		if err != nil || to.Sub(from) != time.Duration(hours)*time.Hour {
			t.Fatalf("day %s = [%s, %s), %v; want %d hours", date, from, to, err, hours)
		}
		var ds []Delta
		for at := from; at.Before(to); at = at.Add(time.Hour) {
			ds = append(ds, sent(at, 1), sent(at.Add(59*time.Minute+59*time.Second), 1))
		}
		ds = append(ds, sent(from.Add(-time.Second), 100), sent(to, 100)) // the days around
		fx.add(t, ds...)
		if c := fx.total(t, DimAll, from, to); c.Sent != uint64(2*hours) {
			t.Fatalf("day %s counts %d, want %d", date, c.Sent, 2*hours)
		}
		if c := fx.total(t, DimAll, from.Add(time.Hour), to.Add(-30*time.Minute)); c.Sent != uint64(2*hours-3) {
			t.Fatalf("day %s without its first hour and last half counts %d, want %d", date, c.Sent, 2*hours-3)
		}
		pts, err := fx.r.Series(Hour, DimAll, "sent", from, to)
		if err != nil || len(pts) != hours || pts[0].V != 2 || pts[hours-1].V != 2 {
			t.Fatalf("hourly series of %s: %d points, %v", date, len(pts), err)
		}
	}
	f("2026-11-26", 24)
	f("2026-03-29", 23)
	f("2026-10-25", 25)
}
