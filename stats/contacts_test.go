package stats

import (
	"testing"
	"time"

	"github.com/waqhq/waq/store/statsdb"
)

// step is one message with a contact in a crafted sequence: after wait, a
// message sent to it ("out", in campaign) or received from it ("in").
type step struct {
	wait     time.Duration
	dir      string
	campaign string
}

// play runs the steps with one contact and returns the sum of the day
// records in dim from trStart's day to the clock's.
func play(t *testing.T, steps []step, dim string) Counters {
	t.Helper()
	r := newTrRig(t)
	const to = "+34600111222"
	for i, s := range steps {
		r.clock.Add(s.wait)
		switch s.dir {
		case "out":
			r.send(t, to, s.campaign, "g"+string(rune('a'+i)))
		case "in":
			r.inbound(t, to, "in"+string(rune('a'+i)), "")
		}
	}
	if err := r.tr.Flush(); err != nil {
		t.Fatal(err)
	}
	var sum Counters
	for day := Day.Start(trStart, time.UTC); !day.After(r.clock.Now()); day = Day.Next(day, time.UTC) {
		c := r.record(t, Day, day, dim)
		sum.Add(&c)
	}
	return sum
}

func TestConversationStarts(t *testing.T) {
	f := func(want uint64, steps ...step) {
		t.Helper()
		if got := play(t, steps, DimAll).ConversationsStarted; got != want {
			t.Fatalf("%d conversations started, want %d", got, want)
		}
	}
	f(0, step{0, "out", ""})                                                          // a one-way send is none
	f(0, step{0, "out", ""}, step{time.Hour, "out", ""})                              // nor are two
	f(1, step{0, "in", ""})                                                           // the contact wrote
	f(1, step{0, "out", ""}, step{time.Hour, "in", ""}, step{time.Minute, "out", ""}) // started by the answer
	f(1, step{0, "out", ""}, step{24*time.Hour - time.Second, "in", ""})
	f(1, step{0, "out", ""}, step{24 * time.Hour, "in", ""}) // the send started none to end
	f(1, step{0, "in", ""}, step{24*time.Hour - time.Second, "in", ""})
	f(2, step{0, "in", ""}, step{24 * time.Hour, "in", ""})                                  // after 24 h of silence
	f(2, step{0, "in", ""}, step{23 * time.Hour, "out", ""}, step{24 * time.Hour, "in", ""}) // silence counts from the last message
	f(1, step{0, "in", ""}, step{23 * time.Hour, "out", ""}, step{23 * time.Hour, "in", ""})
}

func TestResponseTime(t *testing.T) {
	f := func(wantCount uint64, wantMS uint64, steps ...step) {
		t.Helper()
		h := play(t, steps, DimAll).ResponseTime
		if h.Count() != wantCount || h.SumMS != wantMS {
			t.Fatalf("response times: %d summing %d ms, want %d summing %d ms", h.Count(), h.SumMS, wantCount, wantMS)
		}
	}
	f(0, 0, step{0, "out", ""})
	f(1, 90_000, step{0, "in", ""}, step{90 * time.Second, "out", ""})
	f(1, 90_000, step{0, "in", ""}, step{90 * time.Second, "out", ""}, step{time.Minute, "out", ""})      // once per inbound-then-reply
	f(1, 100_000, step{0, "in", ""}, step{30 * time.Second, "in", ""}, step{70 * time.Second, "out", ""}) // from the first unanswered
	f(2, 150_000, step{0, "in", ""}, step{50 * time.Second, "out", ""}, step{time.Hour, "in", ""}, step{100 * time.Second, "out", ""})
	f(0, 0, step{0, "in", ""}, step{73 * time.Hour, "out", ""})                                        // beyond the reply window
	f(1, 20_000, step{0, "in", ""}, step{73 * time.Hour, "in", ""}, step{20 * time.Second, "out", ""}) // the expired one is forgotten
}

func TestCampaignReplies(t *testing.T) {
	f := func(want uint64, steps ...step) {
		t.Helper()
		if got := play(t, steps, DimCampaign("spring")).Replied; got != want {
			t.Fatalf("%d replies to spring, want %d", got, want)
		}
	}
	f(1, step{0, "out", "spring"}, step{time.Hour, "in", ""})
	f(1, step{0, "out", "spring"}, step{time.Hour, "in", ""}, step{time.Hour, "in", ""})        // once per campaign message
	f(2, step{0, "out", "spring"}, step{time.Hour, "out", "spring"}, step{time.Hour, "in", ""}) // each message answered
	f(0, step{0, "out", "spring"}, step{72*time.Hour + time.Second, "in", ""})                  // after the window
	f(1, step{0, "out", "spring"}, step{72 * time.Hour, "in", ""})                              // at its edge
	f(0, step{0, "out", ""}, step{time.Hour, "in", ""})
	f(0, step{0, "in", ""}, step{time.Minute, "out", "spring"})
}

func TestReplyLinkedByTheStore(t *testing.T) {
	r := newTrRig(t)
	r.send(t, "+34600111222", "spring", "g1")
	r.send(t, "+34600111333", "autumn", "g2")
	r.clock.Add(time.Minute)
	in := r.inbound(t, "+34600111222", "in1", "g1")
	if in.Campaign != "spring" {
		t.Fatalf("the store did not link the reply: %+v", in)
	}
	r.inbound(t, "+34600111333", "in2", "") // no quote: the window finds autumn
	spring, autumn := r.day(t, DimCampaign("spring")), r.record(t, Day, trStart, DimCampaign("autumn"))
	if spring.Replied != 1 || spring.Received != 1 || autumn.Replied != 1 || autumn.Received != 1 {
		t.Fatalf("spring %q, autumn %q", summary(spring), summary(autumn))
	}
	if c := r.record(t, Day, trStart, DimInstance("sales-1")); c.Received != 2 {
		t.Fatalf("instance: %q", summary(c))
	}
}

func TestContactStatePersists(t *testing.T) {
	r := newTrRig(t)
	r.send(t, "+34600111222", "spring", "g1")
	if err := r.tr.Flush(); err != nil {
		t.Fatal(err)
	}
	// A new tracker (a restart) loads the state on first touch.
	r.tr = &Tracker{Store: r.st, Now: r.clock.Now}
	r.clock.Add(time.Hour)
	r.inbound(t, "+34600111222", "in1", "")
	c := r.day(t, DimAll)
	if c.ConversationsStarted != 1 || c.Replied != 1 {
		t.Fatalf("after a restart: %q", summary(c))
	}
}

func TestStaleContactsForgotten(t *testing.T) {
	r := newTrRig(t)
	r.send(t, "+34600111222", "spring", "g1")
	r.send(t, "+34600111333", "spring", "g2")
	if err := r.tr.Flush(); err != nil {
		t.Fatal(err)
	}
	stored := func(phone string) bool {
		var ok bool
		statsdb.View(r.st, func(tx statsdb.Tx) error {
			ok = tx.Get(statsdb.Contacts, []byte(phone)) != nil
			return nil
		})
		return ok
	}
	if !stored("+34600111222") || !stored("+34600111333") {
		t.Fatal("contact states not stored")
	}
	// Past the horizon, the cached one goes at the next flush; the one only
	// stored (after a restart) goes with the sweep of the next commit.
	r.clock.Add(ReplyWindowDefault + time.Minute)
	r.tr.mu.Lock()
	delete(r.tr.contacts, "+34600111333")
	r.tr.mu.Unlock()
	r.send(t, "+34600111444", "", "g3")
	if err := r.tr.Flush(); err != nil {
		t.Fatal(err)
	}
	if stored("+34600111222") || stored("+34600111333") || !stored("+34600111444") {
		t.Fatal("stale contact states kept, or a fresh one deleted")
	}
	if _, cached := r.tr.contacts["+34600111222"]; cached {
		t.Fatal("a stale contact stays cached")
	}
}
