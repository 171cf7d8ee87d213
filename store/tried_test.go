package store

import (
	"strings"
	"testing"
	"time"
)

// TestFailByRecordsTheInstanceThatTried: a failed try of an unpinned
// message records the instance that made it in TriedBy and leaves the
// pin empty, so the next try can go out through another instance, which
// then becomes both its instance and its latest try. A permanent failure
// keeps TriedBy on the dead message, across a reopen of the file.
func TestFailByRecordsTheInstanceThatTried(t *testing.T) {
	b := setup(t)
	m := b.enqueue(t, text("+34600111222", "Hola"))
	b.lease(t)
	got, err := b.s.FailBy(m.ID, "sales-2", "timeout", false, backoff)
	if err != nil || got.Status != Retrying || got.TriedBy != "sales-2" || got.Instance != "" {
		t.Fatalf("retryable try through sales-2: %+v %v", got, err)
	}
	b.clock.Add(backoff(1))
	if n, _ := b.s.Promote(b.clock.Now()); n != 1 {
		t.Fatalf("promoted %d", n)
	}
	unpinned := func(m *Message) (bool, string) { return m.Instance == "" || m.Instance == "sales-1", "sales-1" }
	if ms, err := b.s.LeaseBatchFor(1, b.clock.Now().Add(time.Minute), unpinned); err != nil || len(ms) != 1 {
		t.Fatalf("sales-1 cannot lease the message sales-2 tried: %v %v", ms, err)
	}
	if got, err = b.s.MarkSent(m.ID, "wamid.1", TypeText, "sales-1"); err != nil || got.Instance != "sales-1" || got.TriedBy != "sales-1" {
		t.Fatalf("sent through sales-1: %+v %v", got, err)
	}
	dead := b.enqueue(t, text("+34600333444", "Hola"))
	b.lease(t)
	if got, err = b.s.FailBy(dead.ID, "sales-2", "not on WhatsApp", true, backoff); err != nil || got.Status != Dead {
		t.Fatalf("permanent: %+v %v", got, err)
	}
	b.mustCheck(t)
	b.s.Close()
	b.s = b.open(t)
	if got, err = b.s.Message(dead.ID); err != nil || got.TriedBy != "sales-2" || got.Instance != "" {
		t.Fatalf("dead message read back: %+v %v", got, err)
	}
	if j, _ := got.MarshalJSON(); !strings.Contains(string(j), `"tried_by":"sales-2"`) {
		t.Fatalf("JSON: %s", j)
	}
}
