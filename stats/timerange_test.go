package stats

import (
	"errors"
	"testing"
	"time"

	"github.com/waqhq/waq/store"
)

func TestParseTime(t *testing.T) {
	f := func(s, want string) {
		t.Helper()
		got, err := ParseTime("from", s, madrid)
		if err != nil || got.Format(time.RFC3339Nano) != want {
			t.Fatalf("ParseTime(%q) = %s, %v; want %s", s, got.Format(time.RFC3339Nano), err, want)
		}
	}
	f("2026-11-26", "2026-11-26T00:00:00+01:00")
	f("2026-07-01", "2026-07-01T00:00:00+02:00")
	f("2026-11-26T10:00:00Z", "2026-11-26T10:00:00Z")
	f("2026-11-26T10:00:00+01:00", "2026-11-26T10:00:00+01:00")
	f("2026-11-26T10:00:00 01:00", "2026-11-26T10:00:00+01:00") // "+" unescaped in a query string
	f("2026-11-26T10:00:00.25 01:00", "2026-11-26T10:00:00.25+01:00")
	bad := func(s string) {
		t.Helper()
		_, err := ParseTime("from", s, madrid)
		var e *store.Error
		if !errors.As(err, &e) || e.Code != store.EINVALID || e.Field != "from" {
			t.Fatalf("ParseTime(%q) = %v, want an invalid error on from", s, err)
		}
	}
	bad("")
	bad("yesterday")
	bad("2026-13-01")
	bad("2026-11-26T25:00:00Z")
	bad("1700000000")
	bad("9999-01-02")
	bad("9999-06-01T00:00:00Z")
}

func TestRange(t *testing.T) {
	fx := newFixture(t, madrid, time.Date(2026, 11, 26, 9, 30, 0, 0, time.UTC))
	f := func(from, to, wantFrom, wantTo string) {
		t.Helper()
		gf, gt, err := fx.r.Range(from, to)
		if err != nil || gf.Format(time.RFC3339) != wantFrom || gt.Format(time.RFC3339) != wantTo {
			t.Fatalf("Range(%q, %q) = %s, %s, %v; want %s, %s", from, to, gf, gt, err, wantFrom, wantTo)
		}
	}
	f("", "", "2026-11-26T00:00:00+01:00", "2026-11-26T10:30:00+01:00") // today so far
	f("2026-11-20", "", "2026-11-20T00:00:00+01:00", "2026-11-26T10:30:00+01:00")
	f("", "2026-11-25T12:00:00Z", "2026-11-25T00:00:00+01:00", "2026-11-25T13:00:00+01:00")
	f("", "2026-11-26", "2026-11-25T00:00:00+01:00", "2026-11-26T00:00:00+01:00") // the day before a bare to
	f("2026-11-25", "2026-11-26", "2026-11-25T00:00:00+01:00", "2026-11-26T00:00:00+01:00")
	f("2026-11-26T10:30:00+01:00", "", "2026-11-26T10:30:00+01:00", "2026-11-26T10:30:00+01:00")
	bad := func(from, to, field string) {
		t.Helper()
		_, _, err := fx.r.Range(from, to)
		var e *store.Error
		if !errors.As(err, &e) || e.Code != store.EINVALID || e.Field != field {
			t.Fatalf("Range(%q, %q) = %v, want an invalid error on %s", from, to, err, field)
		}
	}
	bad("2026-11-27", "", "from")
	bad("x", "", "from")
	bad("", "x", "to")
	bad("2026-11-26", "2026-11-25", "from")
}

func TestPeriod(t *testing.T) {
	fx := newFixture(t, madrid, time.Date(2026, 11, 26, 23, 30, 0, 0, time.UTC)) // already the 27th in Madrid
	f := func(period, date, wantFrom, wantTo string) {
		t.Helper()
		from, to, err := fx.r.Period(period, date)
		if err != nil || from.Format(time.RFC3339) != wantFrom || to.Format(time.RFC3339) != wantTo {
			t.Fatalf("Period(%s, %q) = %s, %s, %v; want %s, %s", period, date, from, to, err, wantFrom, wantTo)
		}
	}
	f("day", "", "2026-11-27T00:00:00+01:00", "2026-11-28T00:00:00+01:00")
	f("day", "2026-03-29", "2026-03-29T00:00:00+01:00", "2026-03-30T00:00:00+02:00")
	f("week", "2026-11-26", "2026-11-23T00:00:00+01:00", "2026-11-30T00:00:00+01:00") // a Thursday
	f("week", "2026-11-23", "2026-11-23T00:00:00+01:00", "2026-11-30T00:00:00+01:00") // a Monday
	f("week", "2026-11-29", "2026-11-23T00:00:00+01:00", "2026-11-30T00:00:00+01:00") // a Sunday
	f("week", "2027-01-01", "2026-12-28T00:00:00+01:00", "2027-01-04T00:00:00+01:00")
	f("month", "2026-10-25", "2026-10-01T00:00:00+02:00", "2026-11-01T00:00:00+01:00")
	f("month", "2026-12-31", "2026-12-01T00:00:00+01:00", "2027-01-01T00:00:00+01:00")
	bad := func(period, date, field string) {
		t.Helper()
		_, _, err := fx.r.Period(period, date)
		var e *store.Error
		if !errors.As(err, &e) || e.Code != store.EINVALID || e.Field != field {
			t.Fatalf("Period(%q, %q) = %v, want an invalid error on %s", period, date, err, field)
		}
	}
	bad("year", "2026-11-26", "period")
	bad("day", "2026-11-26T00:00:00Z", "date")
	bad("day", "26/11/2026", "date")
	bad("month", "9999-12-31", "date")
}
