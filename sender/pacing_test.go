package sender

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/waqhq/waq/internal/timetest"
	"github.com/waqhq/waq/store"
)

// virtual is a sender test on an injected clock: waits for the rate and
// the pacing move the clock instead of sleeping, and the gateway records
// call times on that clock.
type virtual struct {
	clock *timetest.Clock
	st    *store.Store
	gw    *fakeGateway
	at    []time.Time // call times on the virtual clock
}

func setupVirtual(t *testing.T) *virtual {
	t.Helper()
	v := &virtual{clock: timetest.NewClock()}
	v.st = openStore(t, v.clock.Now)
	v.gw = &fakeGateway{fn: func(ctx context.Context, m *store.Message, n int) (string, error) {
		v.gw.mu.Lock()
		v.at = append(v.at, v.clock.Now())
		v.gw.mu.Unlock()
		return m.ID, nil
	}}
	return v
}

func (v *virtual) config(r Rate) Config {
	return Config{Instance: "virtual", Gateway: "fake", Rate: r, Concurrency: 5, Now: v.clock.Now, Logger: quiet(),
		Sleep: v.sleep}
}

// sleep moves the clock by d once every leased message has its outcome
// recorded: a call that started before the wait must neither be stamped nor
// settled after it, a delay the real clock makes microseconds long.
func (v *virtual) sleep(ctx context.Context, d time.Duration) error {
	for ctx.Err() == nil {
		c, err := v.st.Counts()
		if err != nil {
			return err
		}
		if c.States[store.Sending] == 0 {
			break
		}
		time.Sleep(50 * time.Microsecond)
	}
	v.clock.Add(d)
	return ctx.Err()
}

func (v *virtual) times() []time.Time {
	v.gw.mu.Lock()
	defer v.gw.mu.Unlock()
	return append([]time.Time(nil), v.at...)
}

func (v *virtual) enqueueN(t *testing.T, n int, m store.Message) {
	t.Helper()
	ms := make([]*store.Message, n)
	for i := range ms {
		c := m
		ms[i] = &c
	}
	for len(ms) > 0 {
		k := min(len(ms), store.BulkMax)
		if _, err := v.st.EnqueueBulk(ms[:k]); err != nil {
			t.Fatal(err)
		}
		ms = ms[k:]
	}
}

// 10 000 sends at 100/1m on the injected clock: no sliding window holds
// more than 100, and the backlog uses at least 98% of the allowed rate.
func TestRateWindowOverTenThousandSends(t *testing.T) {
	if testing.Short() {
		t.Skip("10 000 fsynced sends")
	}
	v := setupVirtual(t)
	r := Rate{100, time.Minute}
	const n = 10000
	v.enqueueN(t, n, store.Message{To: "+34600111222", Text: "hola"})
	begin := v.clock.Now()
	start(t, New(v.st, v.gw, v.config(r)))
	timetest.WaitWithin(t, 120*time.Second, "10 000 sends", func() bool { return len(v.times()) == n })
	ts := v.times()
	if got := maxInWindow(ts, r.Window); got > r.Count {
		t.Fatalf("a %s window held %d sends; the limit is %d", r.Window, got, r.Count)
	}
	elapsed := ts[n-1].Sub(begin)
	allowed := float64(r.Count) * (float64(elapsed)/float64(r.Window) + 1)
	use := float64(n) / allowed
	if use < 0.98 {
		t.Fatalf("%d sends in %s use %.3f of the allowed rate, want at least 0.98", n, elapsed, use)
	}
	t.Logf("%d sends in %s of virtual time: busiest %s window %d (limit %d), %.4f of the allowed rate",
		n, elapsed, r.Window, maxInWindow(ts, r.Window), r.Count, use)
}

func TestSendGapIsRandomWithinItsRange(t *testing.T) {
	v := setupVirtual(t)
	cfg := v.config(Rate{1000, time.Minute})
	cfg.Pacing = Pacing{GapMin: 8 * time.Second, GapMax: 30 * time.Second}
	v.enqueueN(t, 40, store.Message{To: "+34600111222", Text: "hola"})
	start(t, New(v.st, v.gw, cfg))
	timetest.WaitFor(t, "40 sends", func() bool { return len(v.times()) == 40 })
	ts := v.times()
	seen := map[time.Duration]bool{}
	for i := 1; i < len(ts); i++ {
		gap := ts[i].Sub(ts[i-1])
		if gap < 8*time.Second || gap > 30*time.Second {
			t.Fatalf("gap %d was %s, want 8s to 30s", i, gap)
		}
		seen[gap] = true
	}
	if len(seen) < 10 {
		t.Fatalf("only %d distinct gaps in 39: the gap must not look fixed", len(seen))
	}
}

// The daily cap grows with the warm-up: 2 on the first day, then 4, 6, 8
// and 10 from the fourth day on; no 24 hours hold more than that day's cap.
func TestDailyCapWithWarmup(t *testing.T) {
	v := setupVirtual(t)
	cfg := v.config(Rate{80, time.Minute})
	cfg.Pacing = Pacing{DailyCap: 10, WarmupStart: 2, WarmupDays: 4}
	v.enqueueN(t, 2+4+6+8+10+10, store.Message{To: "+34600111222", Text: "hola"})
	begin := v.clock.Now()
	start(t, New(v.st, v.gw, cfg))
	timetest.WaitFor(t, "40 sends", func() bool { return len(v.times()) == 40 })
	perDay := make([]int, 6)
	for _, at := range v.times() {
		if d := int(at.Sub(begin) / day); d < len(perDay) {
			perDay[d]++
		}
	}
	for d, want := range []int{2, 4, 6, 8, 10, 10} {
		if perDay[d] != want {
			t.Fatalf("sends per day = %v, want 2 4 6 8 10 10", perDay)
		}
	}
	if got := maxInWindow(v.times(), day); got > 10 {
		t.Fatalf("a 24-hour window held %d sends; the cap is 10", got)
	}
}

func TestRecipientGapDefersTheSecondMessage(t *testing.T) {
	v := setupVirtual(t)
	cfg := v.config(Rate{80, time.Minute})
	cfg.Pacing = Pacing{RecipientGap: 6 * time.Second}
	first := enqueue(t, v.st, store.Normal, "1")
	second := enqueue(t, v.st, store.Normal, "2")
	other, _, _ := v.st.Enqueue(&store.Message{To: "+34600999888", Text: "3"})
	start(t, New(v.st, v.gw, cfg))
	timetest.WaitFor(t, "first and other sent", func() bool {
		return message(t, v.st, first).Status == store.Sent && message(t, v.st, other.ID).Status == store.Sent
	})
	m := message(t, v.st, second)
	if m.Status != store.Scheduled || m.NextAttemptAt == nil || m.Attempts != 0 {
		t.Fatalf("second message to the contact = %s at %v, want scheduled without an attempt", m.Status, m.NextAttemptAt)
	}
	sentFirst := *message(t, v.st, first).SentAt
	if got := m.NextAttemptAt.Sub(sentFirst); got != 6*time.Second {
		t.Fatalf("deferred by %s after the first send, want 6s", got)
	}
	v.clock.Add(6 * time.Second)
	if _, err := v.st.Promote(v.clock.Now()); err != nil {
		t.Fatal(err)
	}
	timetest.WaitFor(t, "second sent", func() bool { return message(t, v.st, second).Status == store.Sent })
}

func TestSendWindowHoldsCampaignAndLowButNotCritical(t *testing.T) {
	v := setupVirtual(t)
	madrid, _ := time.LoadLocation("Europe/Madrid")
	v.clock.Add(12 * time.Hour) // 22:00 UTC = 23:00 in Madrid in November
	w, err := ParseWindow("09:00-21:00", madrid)
	if err != nil {
		t.Fatal(err)
	}
	cfg := v.config(Rate{80, time.Minute})
	cfg.Pacing = Pacing{Window: w}
	f := func(p store.Priority, campaign string, wantHeld bool) {
		t.Helper()
		m, _, err := v.st.Enqueue(&store.Message{To: "+34600111222", Text: "x", Priority: p, Campaign: campaign})
		if err != nil {
			t.Fatal(err)
		}
		s := New(v.st, v.gw, cfg)
		stop := start(t, s)
		timetest.WaitFor(t, "the message handled", func() bool {
			st := message(t, v.st, m.ID).Status
			return st == store.Sent || st == store.Scheduled
		})
		stop()
		got := message(t, v.st, m.ID)
		if held := got.Status == store.Scheduled; held != wantHeld {
			t.Fatalf("%s campaign %q: %s, want held %v", p, campaign, got.Status, wantHeld)
		}
		if wantHeld && !got.NextAttemptAt.Equal(time.Date(2026, 11, 27, 9, 0, 0, 0, madrid)) {
			t.Fatalf("held until %v, want 09:00 Madrid", got.NextAttemptAt)
		}
	}
	f(store.Normal, "", false)
	f(store.Low, "", true)
	f(store.High, "black-friday", true)
	f(store.Critical, "black-friday", false)
}

func TestWindow(t *testing.T) {
	madrid, _ := time.LoadLocation("Europe/Madrid")
	f := func(spec, at, wantNext string) {
		t.Helper()
		w, err := ParseWindow(spec, madrid)
		if err != nil {
			t.Fatal(err)
		}
		now, _ := time.ParseInLocation("2006-01-02 15:04", at, madrid)
		want, _ := time.ParseInLocation("2006-01-02 15:04", wantNext, madrid)
		if got := w.Next(now); !got.Equal(want) {
			t.Fatalf("%s at %s: next %s, want %s", spec, at, got, want)
		}
	}
	f("09:00-21:00", "2026-11-27 10:00", "2026-11-27 10:00")
	f("09:00-21:00", "2026-11-27 21:00", "2026-11-28 09:00")
	f("09:00-21:00", "2026-11-27 03:00", "2026-11-27 09:00")
	f("21:00-08:00", "2026-11-27 23:30", "2026-11-27 23:30")
	f("21:00-08:00", "2026-11-27 07:59", "2026-11-27 07:59")
	f("21:00-08:00", "2026-11-27 12:00", "2026-11-27 21:00")
	f("09:00-21:00", "2026-03-28 22:00", "2026-03-29 09:00") // the night clocks move forward
	for _, bad := range []string{"", "9-21", "09:00", "09:00-09:00", "25:00-26:00"} {
		if _, err := ParseWindow(bad, madrid); err == nil {
			t.Fatalf("ParseWindow(%q) accepted", bad)
		}
	}
}

func TestPacingValidate(t *testing.T) {
	f := func(p Pacing, ok bool) {
		t.Helper()
		if err := p.Validate(); (err == nil) != ok {
			t.Fatalf("%+v: %v, want ok %v", p, err, ok)
		}
	}
	f(Pacing{}, true)
	f(Pacing{GapMin: time.Second, GapMax: 2 * time.Second, DailyCap: 50, WarmupStart: 20, WarmupDays: 14}, true)
	f(Pacing{GapMin: 3 * time.Second, GapMax: time.Second}, false)
	f(Pacing{WarmupStart: 20}, false)
	f(Pacing{DailyCap: 10, WarmupStart: 20}, false)
	f(Pacing{DailyCap: -1}, false)
	f(Pacing{RecipientGap: -time.Second}, false)
	for _, s := range []string{"8s-30s", "10s", ""} {
		if _, _, err := ParseGap(s); err != nil {
			t.Fatalf("ParseGap(%q): %v", s, err)
		}
	}
	for _, s := range []string{"30s-8s", "x", "8-30"} {
		if _, _, err := ParseGap(s); err == nil {
			t.Fatalf("ParseGap(%q) accepted", s)
		}
	}
}

func TestOnCallAndOnWait(t *testing.T) {
	v := setupVirtual(t)
	cfg := v.config(Rate{2, time.Minute})
	var mu sync.Mutex
	var calls int
	var waited time.Duration
	cfg.OnCall = func(m *store.Message, d time.Duration, err error) { mu.Lock(); calls++; mu.Unlock() }
	cfg.OnWait = func(d time.Duration) { mu.Lock(); waited += d; mu.Unlock() }
	v.enqueueN(t, 4, store.Message{To: "+34600111222", Text: "hola"})
	start(t, New(v.st, v.gw, cfg))
	timetest.WaitFor(t, "4 sends", func() bool { return len(v.times()) == 4 })
	timetest.WaitFor(t, "4 calls seen", func() bool { mu.Lock(); defer mu.Unlock(); return calls == 4 })
	mu.Lock()
	defer mu.Unlock()
	if waited < time.Minute {
		t.Fatalf("waited %s for the rate; 4 sends at 2/1m wait a minute", waited)
	}
}
