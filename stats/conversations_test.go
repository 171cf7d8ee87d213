package stats

import (
	"fmt"
	"testing"
	"time"
)

// reader is a Reader of the rig's store on the rig's clock.
func (r *trRig) reader(t testing.TB) *Reader {
	t.Helper()
	rd, err := NewReader(r.st, time.UTC, r.clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(rd.Close)
	return rd
}

// flush flushes the rig's tracker at the clock's time.
func (r *trRig) flush(t testing.TB) {
	t.Helper()
	if err := r.tr.Flush(); err != nil {
		t.Fatal(err)
	}
}

func TestConversationEnds(t *testing.T) {
	// steps with one contact, then a flush after wait: the conversations
	// ended by then, and the minute the last one was counted in.
	f := func(wait time.Duration, wantEnded uint64, wantAt time.Duration, steps ...step) {
		t.Helper()
		r := newTrRig(t)
		for i, s := range steps {
			r.clock.Add(s.wait)
			if s.dir == "out" {
				r.send(t, "+34600111222", s.campaign, fmt.Sprintf("g%d", i))
			} else {
				r.inbound(t, "+34600111222", fmt.Sprintf("in%d", i), "")
			}
		}
		r.clock.Add(wait)
		r.flush(t)
		c, err := r.reader(t).Conversations(DimAll, trStart, r.clock.Now().Add(time.Minute))
		if err != nil || c.Ended != wantEnded {
			t.Fatalf("ended %d, want %d (%v)", c.Ended, wantEnded, err)
		}
		if wantEnded > 0 {
			if m := r.record(t, Minute, trStart.Add(wantAt), DimAll); m.ConversationsEnded != 1 {
				t.Fatalf("no end counted in the minute of %s: %s", wantAt, summary(m))
			}
		}
	}
	f(24*time.Hour-time.Second, 0, 0, step{0, "in", ""})                             // not yet
	f(24*time.Hour, 1, 24*time.Hour, step{0, "in", ""})                              // at the gap
	f(30*time.Hour, 1, 24*time.Hour, step{0, "in", ""})                              // counted when the gap ran out, not at the flush
	f(30*time.Hour, 0, 0, step{0, "out", ""})                                        // a one-way send has none to end
	f(24*time.Hour-time.Minute, 0, 0, step{0, "in", ""}, step{time.Hour, "out", ""}) // the send keeps it going
	f(24*time.Hour, 1, 25*time.Hour, step{0, "in", ""}, step{time.Hour, "out", ""})
	f(0, 1, 24*time.Hour, step{0, "in", ""}, step{24 * time.Hour, "in", ""}) // the next message ends it and starts another
}

func TestConversationEndsAfterRestart(t *testing.T) {
	r := newTrRig(t)
	r.inbound(t, "+34600111222", "in1", "")
	r.flush(t)
	// A new tracker (a restart) caches nothing, yet the stored conversation
	// ends by itself though the contact never writes again.
	r.tr = &Tracker{Store: r.st, Now: r.clock.Now}
	r.clock.Add(30 * time.Hour)
	r.flush(t)
	if m := r.record(t, Minute, trStart.Add(24*time.Hour), DimAll); m.ConversationsEnded != 1 {
		t.Fatalf("after a restart, the minute of the end: %s", summary(m))
	}
	r.clock.Add(time.Hour)
	r.flush(t)
	if d := r.record(t, Day, trStart.Add(24*time.Hour), DimAll); d.ConversationsEnded != 1 {
		t.Fatalf("ended twice: %s", summary(d))
	}
}

func TestReportedConversationsEnd(t *testing.T) {
	f := func(evs []string, wantEnded uint64) {
		t.Helper()
		r := newTrRig(t)
		for _, typ := range evs {
			if err := r.tr.Track([]ClientEvent{{Type: typ, Contact: "+34600111222", Campaign: "spring"}}); err != nil {
				t.Fatal(err)
			}
		}
		r.clock.Add(48 * time.Hour)
		r.flush(t)
		var sum Counters
		for d := trStart; !d.After(r.clock.Now()); d = d.Add(24 * time.Hour) {
			c := r.record(t, Day, d, DimCampaign("spring"))
			sum.Add(&c)
		}
		if sum.ConversationsEnded != wantEnded {
			t.Fatalf("%v: ended %d, want %d", evs, sum.ConversationsEnded, wantEnded)
		}
	}
	f([]string{EventConversationStarted}, 1)                         // ends by itself
	f([]string{EventConversationStarted, EventConversationEnded}, 1) // reported: not a second time
	f([]string{EventMessageReceived}, 1)
}

// The case: 120 one-way campaign sends are no conversation, and
// the throughput of the minute they went out in is theirs, not the day's
// average.
func TestOneWayCampaign(t *testing.T) {
	r := newTrRig(t)
	for i := range 12 {
		r.send(t, fmt.Sprintf("+3460011%04d", i), "spring", fmt.Sprintf("g%d", i))
		r.clock.Add(5 * time.Second)
	}
	r.flush(t)
	rd := r.reader(t)
	midnight := Day.Start(trStart, time.UTC)
	c, err := rd.Conversations(DimAll, midnight, r.clock.Now())
	if err != nil || c.Started != 0 || c.Ended != 0 || c.Active != 0 {
		t.Fatalf("conversations %+v, %v", c, err)
	}
	p, err := rd.Performance(DimAll, midnight, r.clock.Now())
	if err != nil || p.ThroughputLastMinute != 12 || p.ThroughputPerMinute != 0.02 { // 12 over 601 minutes
		t.Fatalf("performance %+v, %v", p, err)
	}
}

func TestActive(t *testing.T) {
	r := newTrRig(t)
	r.inbound(t, "+34600111222", "in1", "")
	r.send(t, "+34600111333", "", "g1")
	r.flush(t)
	r.clock.Add(30 * time.Second) // into the minute of the messages
	rd := r.reader(t)
	day1, day2 := Day.Start(trStart, time.UTC), Day.Start(trStart, time.UTC).Add(24*time.Hour)
	f := func(from, to time.Time, want ConversationStats) {
		t.Helper()
		c, err := rd.Conversations(DimAll, from, to)
		if err != nil || c.Started != want.Started || c.Ended != want.Ended || c.Active != want.Active {
			t.Fatalf("[%s, %s): %+v, want %+v (%v)", from, to, c, want, err)
		}
	}
	f(day1, r.clock.Now(), ConversationStats{Started: 1, Active: 1})
	r.clock.Add(24 * time.Hour)
	r.flush(t)
	f(day1, day2, ConversationStats{Started: 1, Active: 1}) // open at the end of that day
	f(day2, r.clock.Now(), ConversationStats{Ended: 1})     // ended since: none open
	f(day1, r.clock.Now(), ConversationStats{Started: 1, Ended: 1})
}

func TestActiveNeverNegative(t *testing.T) {
	fx := newFixture(t, time.UTC, trStart)
	fx.add(t, Delta{At: trStart.Add(-time.Hour), Counters: Counters{ConversationsStarted: 1, ConversationsEnded: 3}})
	if c, err := fx.r.Conversations(DimAll, trStart.Add(-2*time.Hour), trStart); err != nil || c.Active != 0 {
		t.Fatalf("active = %d, want 0 (%v)", c.Active, err)
	}
}

func TestThroughputLastMinute(t *testing.T) {
	fx := newFixture(t, time.UTC, trStart)
	fx.add(t, sent(trStart.Add(-2*time.Minute), 30), sent(trStart.Add(-time.Minute), 60), sent(trStart, 20))
	f := func(now, to time.Time, want float64) {
		t.Helper()
		fx.clock.Set(now)
		p, err := fx.r.Performance(DimAll, trStart.Add(-time.Hour), to)
		if err != nil || p.ThroughputLastMinute != want {
			t.Fatalf("now %s, to %s: %v per minute, want %v (%v)", now.Format("15:04:05"), to.Format("15:04:05"), p.ThroughputLastMinute, want, err)
		}
	}
	later := trStart.Add(time.Hour)
	f(trStart, later, 60)                             // on a minute's start: the minute before
	f(trStart.Add(15*time.Second), later, 20+60*0.75) // the open minute so far, and 45 s of the one before
	f(trStart.Add(59*time.Second), later, 20+1)       // almost all the open minute
	f(later, trStart, 60)                             // a range that is over: its last minute
	f(later, trStart.Add(-30*time.Second), 60+30*0.5) // ending inside a minute (counted whole, as ranges count it)
	f(trStart.Add(5*time.Minute), later, 0)           // quiet since
}
