package store

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

// sendNowSetup stores one message in each state SendNow meets: scheduled
// two hours ahead, retrying after a failed try, queued and sent.
func sendNowSetup(t *testing.T) (b *bundle, scheduled, retrying, queued, sent *Message) {
	t.Helper()
	b = setup(t)
	r := b.enqueue(t, text("+34600111222", "retry me"))
	b.lease(t)
	retrying, err := b.s.Fail(r.ID, "gateway: timeout", false, backoff)
	if err != nil || retrying.Status != Retrying {
		t.Fatalf("fail: %+v %v", retrying, err)
	}
	later := b.clock.Now().Add(2 * time.Hour)
	s := b.enqueue(t, &Message{To: "+34600111222", Text: "later", SendAt: &later})
	queued = b.enqueue(t, text("+34600999888", "waiting"))
	sent = b.enqueue(t, text("+34600999888", "gone"))
	b.lease(t)
	if _, err := b.s.MarkSent(queued.ID, "gw-1", "text", ""); err != nil {
		t.Fatal(err)
	}
	queued, sent = sent, queued // the lease took the older one
	if s.Status != Scheduled {
		t.Fatalf("scheduled: %+v", s)
	}
	return b, s, retrying, queued, sent
}

func TestSendNow(t *testing.T) {
	b, scheduled, retrying, queued, sent := sendNowSetup(t)
	b.clock.Add(time.Minute)
	n, skipped, err := b.s.SendNow([]string{scheduled.ID, "0000000000000000000a", retrying.ID, sent.ID, queued.ID, scheduled.ID})
	if err != nil || n != 2 {
		t.Fatalf("send now: %d %v", n, err)
	}
	want := []Skipped{{"0000000000000000000a", ENOTFOUND}, {sent.ID, "sent"}, {queued.ID, "queued"}, {scheduled.ID, "queued"}}
	if !reflect.DeepEqual(skipped, want) {
		t.Fatalf("skipped %+v, want %+v", skipped, want)
	}
	now := b.clock.Now()
	s, _ := b.s.Message(scheduled.ID)
	if s.Status != Queued || s.SendAt == nil || !s.SendAt.Equal(now) || s.NextAttemptAt != nil ||
		s.History[len(s.History)-1].Note != "sent now by the operator" {
		t.Fatalf("scheduled after send now: %+v", s)
	}
	r, _ := b.s.Message(retrying.ID)
	if r.Status != Queued || r.Attempts != 1 || r.NextAttemptAt != nil || r.LastError != "gateway: timeout" {
		t.Fatalf("retrying after send now: %+v", r)
	}
	if got := b.counts(t); got[Queued] != 3 || got[Scheduled] != 0 || got[Retrying] != 0 {
		t.Fatalf("counts: %v", got)
	}
	if _, ok, _ := b.s.NextDue(); ok {
		t.Fatal("the schedule index still holds a message sent now")
	}
	// The sender takes them by priority and age, as any queued message.
	if m := b.lease(t); m.ID != retrying.ID {
		t.Fatalf("leased %s first, want the retrying %s", m.ID, retrying.ID)
	}
	b.mustCheck(t)
}

// A held message waits for the cutover: send now never releases it.
func TestSendNowSkipsHeld(t *testing.T) {
	b := setup(t)
	later := b.clock.Now().Add(time.Hour)
	held := &Message{To: "+34600111222", Text: "imported", SendAt: &later, IdempotencyKey: "bullmq:wa:1"}
	if n, err := b.s.EnqueueHeld([]*Message{held}); n != 1 || err != nil {
		t.Fatalf("enqueue held: %d %v", n, err)
	}
	n, skipped, err := b.s.SendNow([]string{held.ID})
	if err != nil || n != 0 || !reflect.DeepEqual(skipped, []Skipped{{held.ID, "held"}}) {
		t.Fatalf("send now of a held message: %d %+v %v", n, skipped, err)
	}
	if st := b.status(t, held.ID); st != Held {
		t.Fatalf("held message after send now: %s", st)
	}
}

// Bad input is refused before anything is written.
func TestSendNowInvalid(t *testing.T) {
	b, scheduled, _, _, _ := sendNowSetup(t)
	before := b.counts(t)
	f := func(ids []string, msg string) {
		t.Helper()
		_, _, err := b.s.SendNow(ids)
		if ErrorCode(err) != EINVALID || !strings.Contains(err.Error(), msg) {
			t.Fatalf("%d ids: %v, want invalid %q", len(ids), err, msg)
		}
		if got := b.counts(t); !reflect.DeepEqual(got, before) {
			t.Fatalf("counts changed: %v, were %v", got, before)
		}
	}
	f(nil, "is empty")
	f([]string{}, "is empty")
	f([]string{scheduled.ID, ""}, "item 1 is empty")
	f(make([]string, BulkMax+1), "the most is 1000")
}
