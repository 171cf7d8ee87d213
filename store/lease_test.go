package store

import (
	"errors"
	"testing"
	"time"
)

func TestLeaseOrder(t *testing.T) {
	f := func(prios []Priority, want []Priority) {
		t.Helper()
		b := setup(t)
		ids := map[string]int{}
		for i, p := range prios {
			m := b.enqueue(t, &Message{To: "+34600111222", Text: "x", Priority: p})
			ids[m.ID] = i
			b.clock.Add(time.Millisecond)
		}
		last := map[Priority]int{}
		for i, w := range want {
			m := b.lease(t)
			if m.Priority != w {
				t.Fatalf("lease %d: got %s, want %s", i, m.Priority, w)
			}
			if n, ok := last[w]; ok && ids[m.ID] < n {
				t.Fatalf("lease %d: FIFO broken within %s", i, w)
			}
			last[w] = ids[m.ID]
		}
		if _, err := b.s.Lease(b.clock.Now()); !errors.Is(err, ErrEmpty) {
			t.Fatalf("lease on empty queue: %v", err)
		}
	}
	f([]Priority{Low, Critical, Normal}, []Priority{Critical, Normal, Low})
	f([]Priority{High, High, High}, []Priority{High, High, High})
	f([]Priority{Low, Normal, Low, High, Normal, Critical}, []Priority{Critical, High, Normal, Normal, Low, Low})
}

func TestLifecycle(t *testing.T) {
	b := setup(t)
	b.enqueue(t, text("+34600111222", "Hola"))
	m := b.lease(t)
	if m.Status != Sending || m.LeaseUntil == nil {
		t.Fatalf("leased: %+v", m)
	}
	if _, err := b.s.MarkSent(m.ID, "wamid.1", TypeText, ""); err != nil {
		t.Fatal(err)
	}
	f := func(st Status, wantChanged bool, want Status) {
		t.Helper()
		b.clock.Add(time.Second)
		got, changed, err := b.s.Advance(m.ID, st, b.clock.Now(), "")
		if err != nil || changed != wantChanged || got.Status != want {
			t.Fatalf("advance %s: changed %v status %s err %v", st, changed, got.Status, err)
		}
	}
	f(Sent, false, Sent)
	f(Delivered, true, Delivered)
	f(Delivered, false, Delivered) // repeated webhook
	f(Sent, false, Delivered)      // late webhook
	f(Read, true, Read)
	f(Failed, false, Read) // failed after delivery is ignored
	got, _ := b.s.MessageByGatewayID("wamid.1")
	if got.ID != m.ID || got.DeliveredAt == nil || got.ReadAt == nil || got.Attempts != 1 || len(got.History) != 5 {
		t.Fatalf("final: %+v", got)
	}
	if _, _, err := b.s.Advance(m.ID, Queued, b.clock.Now(), ""); ErrorCode(err) != EINVALID {
		t.Fatalf("advance to queued: %v", err)
	}
	b.mustCheck(t)
}

func TestReadSkipsDelivered(t *testing.T) {
	b := setup(t)
	m := b.enqueue(t, text("+34600111222", "Hola"))
	b.lease(t)
	b.s.MarkSent(m.ID, "g", TypeText, "")
	got, changed, err := b.s.Advance(m.ID, Read, b.clock.Now(), "")
	if err != nil || !changed || got.DeliveredAt == nil {
		t.Fatalf("read without delivered: %+v %v", got, err)
	}
}

func TestFailRetriesThenDead(t *testing.T) {
	b := setup(t)
	m := b.enqueue(t, text("+34600111222", "Hola"))
	for try := 1; try <= MaxAttemptsDefault; try++ {
		b.lease(t)
		got, err := b.s.Fail(m.ID, "timeout", false, backoff)
		if err != nil {
			t.Fatal(err)
		}
		if try == MaxAttemptsDefault {
			if got.Status != Dead || got.LastError != "timeout" || got.Attempts != try {
				t.Fatalf("after last try: %+v", got)
			}
			break
		}
		wait := backoff(try)
		if got.Status != Retrying || !got.NextAttemptAt.Equal(b.clock.Now().Add(wait)) {
			t.Fatalf("try %d: %s next %v", try, got.Status, got.NextAttemptAt)
		}
		b.clock.Add(wait - time.Millisecond)
		if n, _ := b.s.Promote(b.clock.Now()); n != 0 {
			t.Fatalf("try %d: promoted %d before due", try, n)
		}
		b.clock.Add(time.Millisecond)
		if n, _ := b.s.Promote(b.clock.Now()); n != 1 {
			t.Fatalf("try %d: promoted %d when due", try, n)
		}
	}
	b.mustCheck(t)
}

func TestFailPermanent(t *testing.T) {
	b := setup(t)
	m := b.enqueue(t, text("+34600111222", "Hola"))
	b.lease(t)
	got, err := b.s.Fail(m.ID, "not on WhatsApp", true, backoff)
	if err != nil || got.Status != Dead || got.Attempts != 1 {
		t.Fatalf("permanent: %+v %v", got, err)
	}
	if _, err := b.s.Fail(m.ID, "again", false, backoff); ErrorCode(err) != ECONFLICT {
		t.Fatalf("fail a dead message: %v", err)
	}
}

func TestRelease(t *testing.T) {
	b := setup(t)
	m := b.enqueue(t, text("+34600111222", "Hola"))
	b.lease(t)
	got, err := b.s.Release(m.ID, "instance paused")
	if err != nil || got.Status != Queued || got.Attempts != 0 {
		t.Fatalf("release: %+v %v", got, err)
	}
	b.mustCheck(t)
}

func TestLeaseRecoveryAfterCrash(t *testing.T) {
	b := setup(t)
	a := b.enqueue(t, text("+34600111222", "a"))
	c := b.enqueue(t, text("+34600111222", "c"))
	b.lease(t)
	b.s.Lease(b.clock.Now().Add(time.Hour))
	// A crash: the file is closed with both messages leased, nothing released.
	if err := b.s.Close(); err != nil {
		t.Fatal(err)
	}
	b.s = b.open(t)
	if n, err := b.s.RecoverLeases(b.clock.Now().Add(time.Minute)); err != nil || n != 1 {
		t.Fatalf("recover expired: %d %v", n, err)
	}
	if b.status(t, a.ID) != Queued || b.status(t, c.ID) != Sending {
		t.Fatal("only the expired lease should be back in the queue")
	}
	if n, err := b.s.RecoverAllLeases(); err != nil || n != 1 || b.status(t, c.ID) != Queued {
		t.Fatalf("recover all at start: %d %v", n, err)
	}
	b.mustCheck(t)
}

func TestScheduled(t *testing.T) {
	b := setup(t)
	at := b.clock.Now().Add(90 * time.Second)
	m := b.enqueue(t, &Message{To: "+34600111222", Text: "later", SendAt: &at})
	if m.Status != Scheduled {
		t.Fatalf("status %s", m.Status)
	}
	if due, ok, _ := b.s.NextDue(); !ok || !due.Equal(at) {
		t.Fatalf("next due %v %v", due, ok)
	}
	if _, err := b.s.Lease(b.clock.Now()); !errors.Is(err, ErrEmpty) {
		t.Fatal("a scheduled message was leased early")
	}
	b.clock.Add(90 * time.Second)
	if n, _ := b.s.Promote(b.clock.Now()); n != 1 || b.status(t, m.ID) != Queued {
		t.Fatalf("promote at due time: %d", n)
	}
	if _, ok, _ := b.s.NextDue(); ok {
		t.Fatal("schedule index not empty")
	}
	past := b.clock.Now().Add(-time.Hour)
	if m := b.enqueue(t, &Message{To: "+34600111222", Text: "x", SendAt: &past}); m.Status != Queued {
		t.Fatalf("send_at in the past: %s", m.Status)
	}
}

func TestLeaseBatch(t *testing.T) {
	b := setup(t)
	byPrio := map[Priority][]string{}
	for _, p := range []Priority{Low, Normal, Critical, Normal, High} {
		m := b.enqueue(t, &Message{To: "+34600111222", Text: "x", Priority: p})
		byPrio[p] = append(byPrio[p], m.ID)
		b.clock.Add(time.Millisecond)
	}
	var want []string
	for _, p := range Priorities {
		want = append(want, byPrio[p]...)
	}
	commits, _ := b.s.CommitStats()
	ms, err := b.s.LeaseBatch(3, b.clock.Now().Add(time.Minute))
	if err != nil || len(ms) != 3 {
		t.Fatalf("lease 3: %d messages, %v", len(ms), err)
	}
	if after, _ := b.s.CommitStats(); after != commits+1 {
		t.Fatalf("lease of 3 took %d commits, want 1", after-commits)
	}
	rest, err := b.s.LeaseBatch(10, b.clock.Now().Add(time.Minute))
	if err != nil || len(rest) != 2 {
		t.Fatalf("lease the rest: %d messages, %v", len(rest), err)
	}
	for i, m := range append(ms, rest...) {
		if m.ID != want[i] || m.Status != Sending || b.status(t, m.ID) != Sending {
			t.Fatalf("lease %d: got %s (%s), want %s", i, m.ID, m.Status, want[i])
		}
	}
	if _, err := b.s.LeaseBatch(5, b.clock.Now()); !errors.Is(err, ErrEmpty) {
		t.Fatalf("lease on empty queue: %v", err)
	}
	b.mustCheck(t)
}

func TestDefer(t *testing.T) {
	b := setup(t)
	m := b.enqueue(t, text("+34600111222", "hola"))
	b.lease(t)
	until := b.clock.Now().Add(time.Hour)
	got, err := b.s.Defer(m.ID, until, "outside the send window")
	if err != nil || got.Status != Scheduled || got.Attempts != 0 {
		t.Fatalf("defer: %+v %v", got, err)
	}
	if _, err := b.s.Defer(m.ID, until, ""); ErrorCode(err) != ECONFLICT {
		t.Fatalf("defer a scheduled message: %v, want conflict", err)
	}
	b.mustCheck(t)
	if n, _ := b.s.Promote(until.Add(-time.Second)); n != 0 {
		t.Fatalf("promoted %d before its time", n)
	}
	if n, _ := b.s.Promote(until); n != 1 {
		t.Fatalf("promoted %d at its time, want 1", n)
	}
	if st := b.status(t, m.ID); st != Queued {
		t.Fatalf("status %s, want queued", st)
	}
}
