package ui_test

import (
	"testing"
	"time"
	_ "time/tzdata" // Europe/Madrid whatever the host has

	"github.com/waqhq/waq/stats"
	"github.com/waqhq/waq/ui"
)

var madrid = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Madrid")
	if err != nil {
		panic(err)
	}
	return loc
}()

// setupStats is setup with a stats.Reader in Europe/Madrid on the bundle's
// store and clock (11:00 in Madrid on 26 November 2026).
func setupStats(t *testing.T, opts ...func(*ui.Options)) *bundle {
	t.Helper()
	var o ui.Options
	b := setup(t, append(opts, func(x *ui.Options) { o = *x })...)
	r, err := stats.NewReader(b.st, madrid, b.clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Close)
	o.Stats = r
	b.srv = ui.NewServer(b.st, o)
	b.h = b.srv.Handler()
	return b
}

// addDeltas writes counters as the tracker would.
func (b *bundle) addDeltas(t *testing.T, ds ...stats.Delta) {
	t.Helper()
	if err := stats.AddDeltas(b.st, madrid, ds); err != nil {
		t.Fatal(err)
	}
}

// today is a time of the bundle's day in Madrid.
func today(h, m int) time.Time { return time.Date(2026, 11, 26, h, m, 0, 0, madrid) }
