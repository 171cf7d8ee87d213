package stats

import (
	"path/filepath"
	"testing"
	"time"
	_ "time/tzdata" // the tests' zones, whatever the host has

	"github.com/waqhq/waq/internal/timetest"
	"github.com/waqhq/waq/store"
)

var madrid = mustZone("Europe/Madrid")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// fixture is a Reader on a real store in t.TempDir(), with a fake clock.
type fixture struct {
	st    *store.Store
	r     *Reader
	clock *timetest.Clock
	loc   *time.Location
}

func newFixture(t testing.TB, loc *time.Location, now time.Time) *fixture {
	t.Helper()
	f := newFixtureAt(t, openStore(t), loc, now)
	t.Cleanup(f.r.Close)
	return f
}

// newFixtureIn is newFixture on a store in dir, for a fixture shared by
// several benchmarks (t.TempDir belongs to one).
func newFixtureIn(t testing.TB, dir string, loc *time.Location, now time.Time) *fixture {
	t.Helper()
	st, err := store.Open(filepath.Join(dir, store.FileName), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return newFixtureAt(t, st, loc, now)
}

func newFixtureAt(t testing.TB, st *store.Store, loc *time.Location, now time.Time) *fixture {
	t.Helper()
	f := &fixture{st: st, clock: timetest.ClockAt(now), loc: loc}
	r, err := NewReader(f.st, loc, f.clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	f.r = r
	return f
}

// add writes deltas as the tracker would.
func (f *fixture) add(t testing.TB, ds ...Delta) {
	t.Helper()
	if err := AddDeltas(f.st, f.loc, ds); err != nil {
		t.Fatal(err)
	}
}

// total is r.Total that fails the test on an error.
func (f *fixture) total(t testing.TB, dim string, from, to time.Time) Counters {
	t.Helper()
	c, err := f.r.Total(dim, from, to)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// sent is a delta of n messages sent at at.
func sent(at time.Time, n uint64) Delta {
	return Delta{At: at, Counters: Counters{Sent: n}}
}

// local is a time in loc.
func local(loc *time.Location, y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, loc)
}
