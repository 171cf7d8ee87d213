package stats

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/waqhq/waq/sender"
	"github.com/waqhq/waq/store"
)

// bestRig is a tracker and a Reader on one real store and one fake clock,
// in Europe/Madrid.
type bestRig struct {
	*trRig
	r *Reader
	n int // messages sent so far, for their gateway ids
}

func newBestRig(t *testing.T) *bestRig {
	t.Helper()
	tr := newTrRig(t)
	tr.tr.Location = madrid
	r, err := NewReader(tr.st, madrid, tr.clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Close)
	return &bestRig{trRig: tr, r: r}
}

// reads has phone sent a message at 09:00 and read it at hour:00 on each
// day of November 2026 in days, through the store and the tracker.
func (b *bestRig) reads(t *testing.T, phone string, hour int, days ...int) {
	t.Helper()
	for _, d := range days {
		b.n++
		gid := fmt.Sprintf("g%d", b.n)
		b.clock.Set(local(madrid, 2026, 11, d, 9, 0))
		b.send(t, phone, "", gid)
		b.clock.Set(local(madrid, 2026, 11, d, hour, 0))
		if _, _, err := b.st.ReportStatus(gid, "read", b.clock.Now(), ""); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.tr.Flush(); err != nil {
		t.Fatal(err)
	}
}

// group writes n reads of campaign (all when "") at hour:00 on the 24th.
func (b *bestRig) group(t *testing.T, campaign string, hour int, n uint64) {
	t.Helper()
	d := Delta{At: local(madrid, 2026, 11, 24, hour, 0), Campaign: campaign, Counters: Counters{Read: n}}
	if err := AddDeltas(b.st, madrid, []Delta{d}); err != nil {
		t.Fatal(err)
	}
}

func TestBestHour(t *testing.T) {
	const ana = "+34600111222"
	nine := sender.Window{From: 9 * 60, To: 21 * 60, Loc: madrid}
	from := local(madrid, 2026, 11, 26, 10, 0) // a Thursday morning
	f := func(history func(t *testing.T, b *bestRig), window SendWindow, within time.Duration, want time.Time, why string) {
		t.Helper()
		b := newBestRig(t)
		history(t, b)
		b.clock.Set(from)
		best := &Best{Reader: b.r, Window: window}
		at, note, err := best.Hour(ana, "promo", from, within)
		if err != nil {
			t.Fatal(err)
		}
		if !at.Equal(want) || !strings.Contains(note, why) {
			t.Fatalf("best hour %s (%q), want %s and a note with %q", at.In(madrid), note, want.In(madrid), why)
		}
	}
	reader20 := func(t *testing.T, b *bestRig) { b.reads(t, ana, 20, 16, 17, 18, 19, 20, 21) }
	// the 20:00 reader gets 20:00, by its own history, inside or without a window
	f(reader20, nil, 24*time.Hour, local(madrid, 2026, 11, 26, 20, 0), "by the contact's history (6 reads")
	f(reader20, &nine, 24*time.Hour, local(madrid, 2026, 11, 26, 20, 0), "inside the send window 09:00-21:00")
	// within limits the search: 20:00 is beyond 4h, so every hour ties and the first wins
	f(reader20, nil, 4*time.Hour, from, "searched 4h0m0s")
	// a best hour outside the send window is not chosen
	reader22 := func(t *testing.T, b *bestRig) { b.reads(t, ana, 22, 16, 17, 18, 19, 20, 21) }
	f(reader22, nil, 24*time.Hour, local(madrid, 2026, 11, 26, 22, 0), "contact's history")
	f(reader22, &nine, 24*time.Hour, from, "contact's history")
	// too little of the contact's own: the campaign's, then everyone's
	f(func(t *testing.T, b *bestRig) {
		b.reads(t, ana, 20, 16, 17)
		b.group(t, "promo", 15, CampaignEventsMin)
		b.group(t, "", 12, 50)
	}, nil, 24*time.Hour, local(madrid, 2026, 11, 26, 15, 0), "by the history of campaign promo")
	f(func(t *testing.T, b *bestRig) {
		b.reads(t, ana, 20, 16, 17)
		b.group(t, "promo", 15, CampaignEventsMin-1)
		b.group(t, "", 12, 50)
	}, nil, 24*time.Hour, local(madrid, 2026, 11, 26, 12, 0), "by the history of all contacts")
	// nothing known: the first hour
	f(func(*testing.T, *bestRig) {}, nil, 24*time.Hour, from, "no reads or replies yet")
	// the window closed through the search: its next opening
	f(reader20, &nine, 2*time.Hour, from, "searched 2h0m0s")
	late := sender.Window{From: 18 * 60, To: 19 * 60, Loc: madrid}
	f(reader20, &late, 2*time.Hour, local(madrid, 2026, 11, 26, 18, 0), "does not open within 2h0m0s")
}

func TestContactHoursRecord(t *testing.T) {
	var h hours
	h[0].read, h[3*24+20].read, h[3*24+20].replied, h[167].replied = 1, 300, 2, 70000
	var back hours
	if err := back.add(h.marshal()); err != nil || back != h {
		t.Fatalf("round trip: %v", err)
	}
	for _, bad := range [][]byte{{}, {9}, {hoursVersion, 1, 200, 1}, {hoursVersion, 2, 1, 1, 1}} {
		var x hours
		if err := x.add(bad); err == nil {
			t.Fatalf("record %v decoded", bad)
		}
	}
}

// A contact's reads and replies add up across flushes into its record, in
// the cell of the tracker's zone when each happened, and survive a failed
// flush.
func TestContactHoursTracked(t *testing.T) {
	b := newBestRig(t)
	const ana = "+34600111222"
	b.reads(t, ana, 20, 23)                         // Monday 23 November, 20:00 in Madrid
	b.clock.Set(local(madrid, 2026, 11, 23, 21, 5)) // and she answers at 21:05
	b.inbound(t, ana, "in1", "")
	b.clock.Set(local(madrid, 2026, 11, 24, 9, 0))
	b.send(t, ana, "", "g-late")
	if _, _, err := b.st.ReportStatus("g-late", "read", local(madrid, 2026, 11, 24, 20, 30), ""); err != nil {
		t.Fatal(err)
	}
	b.st.Close()
	if err := b.tr.Flush(); err == nil {
		t.Fatal("a flush on a closed store succeeded")
	}
	st, err := store.Open(b.path, store.Options{Now: b.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	b.st, b.tr.Store = st, st
	if err := b.tr.Flush(); err != nil {
		t.Fatal(err)
	}
	r, err := NewReader(st, madrid, b.clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	g, err := r.contactGrid(ana)
	if err != nil {
		t.Fatal(err)
	}
	if g[0*24+20].read != 1 || g[0*24+21].replied != 1 || g[1*24+20].read != 1 || g.events() != 3 {
		t.Fatalf("contact grid: %d events, Mon 20:00 %+v, Mon 21:00 %+v, Tue 20:00 %+v", g.events(), g[20], g[21], g[44])
	}
}

// Past ContactEventsCap a record halves, so recent habits outweigh old ones.
func TestContactHoursFade(t *testing.T) {
	f := func(read20, read9 uint32, want20, want9 uint32) {
		t.Helper()
		var h hours
		h[20].read, h[9].read = read20, read9
		h.fade()
		if h[20].read != want20 || h[9].read != want9 {
			t.Fatalf("fade of %d and %d: %d and %d, want %d and %d", read20, read9, h[20].read, h[9].read, want20, want9)
		}
	}
	f(150, 50, 150, 50) // at the cap: kept
	f(150, 51, 75, 25)
	f(201, 1, 100, 0)
}
