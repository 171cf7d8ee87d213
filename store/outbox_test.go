package store

import (
	"slices"
	"testing"
	"time"
)

// cancelRule writes a callback for every cancelled message.
func cancelRule(t *Transition) (string, []byte, bool) {
	if t.To != Cancelled {
		return "", nil, false
	}
	return "http://example.test/cb", []byte(`{"id":"` + t.Message.ID + `","status":"cancelled"}`), true
}

func (r *feedRig) outbox(t *testing.T, state string) []*Callback {
	t.Helper()
	cs, _, err := r.s.Callbacks(state, "", 100)
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

func (r *feedRig) callbackCounts(t *testing.T) [2]int {
	t.Helper()
	p, f, err := r.s.CallbackCounts()
	if err != nil {
		t.Fatal(err)
	}
	return [2]int{p, f}
}

// The row is written in the transition's commit, named in the transition,
// and kept with its exact body across a reopen; a refused transition
// writes none.
func TestOutboxWrittenWithTheTransition(t *testing.T) {
	r := newFeedRig(t, cancelRule)
	m := r.enqueue(t, text("+34600111222", "a"))
	other := r.enqueue(t, text("+34600111222", "b"))
	r.lease(t) // m is sending now: its cancel is refused
	if _, err := r.s.Cancel(m.ID); ErrorCode(err) != ECONFLICT {
		t.Fatal(err)
	}
	if cs := r.outbox(t, ""); len(cs) != 0 {
		t.Fatalf("a refused cancel wrote %d callbacks", len(cs))
	}
	r.take()
	if _, err := r.s.Cancel(other.ID); err != nil {
		t.Fatal(err)
	}
	r.mu.Lock()
	cbID := r.ts[0].CallbackID
	r.mu.Unlock()
	r.s.Close()
	r.s = r.open(t)
	cs := r.outbox(t, CallbackPending)
	if len(cs) != 1 || cs[0].ID != cbID || cs[0].MessageID != other.ID || cs[0].Event != KindCancelled ||
		cs[0].Status != Cancelled || string(cs[0].Body) != `{"id":"`+other.ID+`","status":"cancelled"}` ||
		!cs[0].NextAttemptAt.Equal(r.clock.Now()) {
		t.Fatalf("outbox = %+v (transition named %q)", cs, cbID)
	}
	if got := r.callbackCounts(t); got != [2]int{1, 0} {
		t.Fatalf("pending, failing = %v", got)
	}
}

// A leased row is due again when its lease ends; a failed try makes it
// failing; delivering deletes it.
func TestOutboxLifecycle(t *testing.T) {
	r := newFeedRig(t, cancelRule)
	for range 3 {
		m := r.enqueue(t, text("+34600111222", "a"))
		if _, err := r.s.Cancel(m.ID); err != nil {
			t.Fatal(err)
		}
	}
	now := r.clock.Now()
	cs, err := r.s.LeaseCallbacks(now, now.Add(time.Minute), 2)
	if err != nil || len(cs) != 2 {
		t.Fatalf("lease = %d, %v", len(cs), err)
	}
	if more, _ := r.s.LeaseCallbacks(now, now.Add(time.Minute), 5); len(more) != 1 {
		t.Fatalf("second lease = %d rows, want the one left", len(more))
	}
	if err := r.s.RetryCallback(cs[0].ID, now.Add(time.Second), "HTTP 502", 502); err != nil {
		t.Fatal(err)
	}
	if err := r.s.DeleteCallback(cs[1].ID); err != nil {
		t.Fatal(err)
	}
	failing := r.outbox(t, CallbackFailing)
	if len(failing) != 1 || failing[0].Attempts != 1 || failing[0].LastStatus != 502 || failing[0].LastError != "HTTP 502" {
		t.Fatalf("failing = %+v", failing)
	}
	if got := r.callbackCounts(t); got != [2]int{1, 1} {
		t.Fatalf("pending, failing = %v", got)
	}
	if due, ok, _ := r.s.NextCallbackDue(); !ok || !due.Equal(now.Add(time.Second)) {
		t.Fatalf("next due = %v %v", due, ok)
	}
	if n, err := r.s.RescheduleCallbacks(now); err != nil || n != 2 {
		t.Fatalf("reschedule = %d, %v", n, err)
	}
	if cs, _ := r.s.LeaseCallbacks(now, now.Add(time.Minute), 5); len(cs) != 2 {
		t.Fatalf("after a restart %d rows are due, want 2", len(cs))
	}
}

// Pages follow the ids; a bad state is refused.
func TestOutboxList(t *testing.T) {
	r := newFeedRig(t, cancelRule)
	var ids []string
	for range 5 {
		m := r.enqueue(t, text("+34600111222", "a"))
		if _, err := r.s.Cancel(m.ID); err != nil {
			t.Fatal(err)
		}
	}
	for cursor := ""; ; {
		cs, next, err := r.s.Callbacks("", cursor, 2)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cs {
			ids = append(ids, c.ID)
		}
		if next == "" {
			break
		}
		cursor = next
	}
	all := r.outbox(t, "")
	want := make([]string, len(all))
	for i, c := range all {
		want[i] = c.ID
	}
	if len(ids) != 5 || !slices.Equal(ids, want) {
		t.Fatalf("paged ids %v, want %v", ids, want)
	}
	if _, _, err := r.s.Callbacks("delivered", "", 10); ErrorCode(err) != EINVALID {
		t.Fatalf("state delivered: %v", err)
	}
}
