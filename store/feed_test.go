package store

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/waqhq/waq/internal/timetest"
)

// feedRig is a store on a real file whose one subscriber records what the
// feed delivers, as "kind from>to".
type feedRig struct {
	*bundle
	mu  sync.Mutex
	got []string
	ts  []Transition
}

func newFeedRig(t *testing.T, rule CallbackRule) *feedRig {
	t.Helper()
	r := &feedRig{bundle: &bundle{clock: timetest.NewClock(), path: t.TempDir() + "/" + FileName}}
	s, err := Open(r.path, Options{Now: r.clock.Now, Callbacks: rule, Subscribers: []Subscriber{r.record}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	r.s = s
	return r
}

func (r *feedRig) record(ts []Transition) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, t := range ts {
		r.got = append(r.got, fmt.Sprintf("%s %s>%s", t.Kind, t.From, t.To))
	}
	r.ts = append(r.ts, ts...)
}

// take returns what was delivered since the last take.
func (r *feedRig) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	got := r.got
	r.got, r.ts = nil, nil
	return got
}

func (r *feedRig) sent(t *testing.T, gid string) *Message {
	t.Helper()
	m := r.enqueue(t, text("+34600111222", "hola"))
	r.lease(t)
	if _, err := r.s.MarkSent(m.ID, gid, TypeText, "sales-1"); err != nil {
		t.Fatal(err)
	}
	return m
}

func (r *feedRig) dead(t *testing.T) *Message {
	t.Helper()
	m := r.enqueue(t, text("+34600111222", "hola"))
	r.lease(t)
	if _, err := r.s.Fail(m.ID, "not on WhatsApp", true, backoff); err != nil {
		t.Fatal(err)
	}
	return m
}

func must[T any](t *testing.T) func(T, error) {
	return func(_ T, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
}

// Every store operation that moves a message delivers exactly its
// transitions, once, after its commit; a refused one delivers none.
func TestFeed(t *testing.T) {
	f := func(name string, prep func(t *testing.T, r *feedRig) string, do func(t *testing.T, r *feedRig, id string), want ...string) {
		t.Helper()
		t.Run(name, func(t *testing.T) {
			r := newFeedRig(t, nil)
			id := ""
			if prep != nil {
				id = prep(t, r)
			}
			r.take()
			do(t, r, id)
			if got := r.take(); !slices.Equal(got, want) {
				t.Fatalf("transitions = %q, want %q", got, want)
			}
		})
	}
	queued := func(t *testing.T, r *feedRig) string { return r.enqueue(t, text("+34600111222", "a")).ID }
	leased := func(t *testing.T, r *feedRig) string { id := queued(t, r); r.lease(t); return id }
	sent := func(t *testing.T, r *feedRig) string { return r.sent(t, "gw-1").ID }
	dead := func(t *testing.T, r *feedRig) string { return r.dead(t).ID }
	later := r0(time.Hour)

	f("enqueue", nil, func(t *testing.T, r *feedRig, _ string) { queued(t, r) }, "enqueued >queued")
	f("enqueue scheduled", nil, func(t *testing.T, r *feedRig, _ string) {
		r.enqueue(t, &Message{To: "+34600111222", Text: "a", SendAt: later(r)})
	}, "enqueued >scheduled")
	f("enqueue repeated key", func(t *testing.T, r *feedRig) string {
		return r.enqueue(t, &Message{To: "+34600111222", Text: "a", IdempotencyKey: "k"}).ID
	}, func(t *testing.T, r *feedRig, _ string) {
		r.enqueue(t, &Message{To: "+34600111222", Text: "a", IdempotencyKey: "k"})
	})
	f("bulk", func(t *testing.T, r *feedRig) string {
		return r.enqueue(t, &Message{To: "+34600111222", Text: "a", IdempotencyKey: "k"}).ID
	}, func(t *testing.T, r *feedRig, _ string) {
		must[[]string](t)(r.s.EnqueueBulk([]*Message{text("+34600111222", "b"),
			{To: "+34600111222", Text: "a", IdempotencyKey: "k"}, {To: "+34600111222", Text: "c", SendAt: later(r)}}))
	}, "enqueued >queued", "enqueued >scheduled")
	f("import", nil, func(t *testing.T, r *feedRig, _ string) {
		must[int](t)(r.s.EnqueueHeld([]*Message{text("+34600111222", "a"), {To: "+34600111222", Text: "b", Status: Sent}}))
	}, "held >held", "imported >sent")
	f("cutover", func(t *testing.T, r *feedRig) string {
		must[int](t)(r.s.EnqueueHeld([]*Message{text("+34600111222", "a"), {To: "+34600111222", Text: "b", LastError: "boom"},
			{To: "+34600111222", Text: "c", SendAt: later(r)}}))
		return ""
	}, func(t *testing.T, r *feedRig, _ string) { must[int](t)(r.s.Cutover()) },
		"released held>queued", "released held>dead", "released held>scheduled")
	f("lease", queued, func(t *testing.T, r *feedRig, _ string) { r.lease(t) }, "leased queued>sending")
	f("lease batch", func(t *testing.T, r *feedRig) string { queued(t, r); return queued(t, r) }, func(t *testing.T, r *feedRig, _ string) {
		must[[]*Message](t)(r.s.LeaseBatch(5, r.clock.Now().Add(time.Minute)))
	}, "leased queued>sending", "leased queued>sending")
	f("mark sent", leased, func(t *testing.T, r *feedRig, id string) {
		must[*Message](t)(r.s.MarkSent(id, "gw-1", TypeText, ""))
	}, "sent sending>sent")
	f("mark sent after early reports", func(t *testing.T, r *feedRig) string {
		id := leased(t, r)
		r.take()
		for _, st := range []Status{Delivered, Read} {
			if _, _, err := r.s.ReportStatus("gw-1", st, r.clock.Now(), ""); err != nil {
				t.Fatal(err)
			}
		}
		if got := r.take(); len(got) != 0 {
			t.Fatalf("a report kept for later delivered %q", got)
		}
		return id
	}, func(t *testing.T, r *feedRig, id string) {
		must[*Message](t)(r.s.MarkSent(id, "gw-1", TypeText, ""))
	}, "sent sending>sent", "delivered sent>delivered", "read delivered>read")
	for _, st := range []Status{Delivered, Read, Failed} {
		f("report "+string(st), sent, func(t *testing.T, r *feedRig, _ string) {
			for range 2 { // the repeat changes nothing
				if _, _, err := r.s.ReportStatus("gw-1", st, r.clock.Now(), "x"); err != nil {
					t.Fatal(err)
				}
			}
		}, fmt.Sprintf("%s sent>%s", st, st))
	}
	f("advance", sent, func(t *testing.T, r *feedRig, id string) {
		if _, _, err := r.s.Advance(id, Read, r.clock.Now(), ""); err != nil {
			t.Fatal(err)
		}
	}, "read sent>read")
	f("defer", leased, func(t *testing.T, r *feedRig, id string) {
		must[*Message](t)(r.s.Defer(id, *later(r), "outside the window"))
	}, "deferred sending>scheduled")
	f("fail retryable", leased, func(t *testing.T, r *feedRig, id string) {
		must[*Message](t)(r.s.Fail(id, "timeout", false, backoff))
	}, "retried sending>retrying")
	f("fail permanent", leased, func(t *testing.T, r *feedRig, id string) {
		must[*Message](t)(r.s.Fail(id, "not on WhatsApp", true, backoff))
	}, "dead sending>dead")
	f("release", leased, func(t *testing.T, r *feedRig, id string) {
		must[*Message](t)(r.s.Release(id, "instance paused"))
	}, "returned sending>queued")
	f("suppress", leased, func(t *testing.T, r *feedRig, id string) {
		must[*Message](t)(r.s.Suppress(id, "opted out"))
	}, "suppressed sending>cancelled")
	f("recover leases", leased, func(t *testing.T, r *feedRig, _ string) {
		must[int](t)(r.s.RecoverAllLeases())
	}, "recovered sending>queued")
	f("promote", func(t *testing.T, r *feedRig) string {
		return r.enqueue(t, &Message{To: "+34600111222", Text: "a", SendAt: later(r)}).ID
	}, func(t *testing.T, r *feedRig, _ string) {
		r.clock.Add(2 * time.Hour)
		must[int](t)(r.s.Promote(r.clock.Now()))
	}, "promoted scheduled>queued")
	f("send now", func(t *testing.T, r *feedRig) string {
		return r.enqueue(t, &Message{To: "+34600111222", Text: "a", SendAt: later(r)}).ID
	}, func(t *testing.T, r *feedRig, id string) {
		if n, _, err := r.s.SendNow([]string{id, "nope"}); n != 1 || err != nil {
			t.Fatalf("send now: %d, %v", n, err)
		}
	}, "promoted scheduled>queued")
	f("cancel", queued, func(t *testing.T, r *feedRig, id string) { must[*Message](t)(r.s.Cancel(id)) }, "cancelled queued>cancelled")
	f("cancel refused", leased, func(t *testing.T, r *feedRig, id string) {
		if _, err := r.s.Cancel(id); ErrorCode(err) != ECONFLICT {
			t.Fatalf("cancel of a sending message: %v", err)
		}
	})
	f("drain", func(t *testing.T, r *feedRig) string {
		r.enqueue(t, &Message{To: "+34600111222", Text: "a", SendAt: later(r)})
		return queued(t, r)
	}, func(t *testing.T, r *feedRig, _ string) { must[int](t)(r.s.Drain()) },
		"drained queued>cancelled", "drained scheduled>cancelled")
	f("retry dead", dead, func(t *testing.T, r *feedRig, id string) {
		must[int](t)(r.s.RetryDead([]string{id}, ""))
	}, "requeued dead>queued")
	f("delete dead", dead, func(t *testing.T, r *feedRig, id string) {
		if err := r.s.DeleteDead(id); err != nil {
			t.Fatal(err)
		}
	}, "deleted dead>")
	f("clean", sent, func(t *testing.T, r *feedRig, _ string) {
		r.clock.Add(time.Hour)
		must[int](t)(r.s.Clean(Sent, r.clock.Now(), 10))
	}, "cleaned sent>")
}

// r0 returns a function giving a time d after the rig's clock.
func r0(d time.Duration) func(r *feedRig) *time.Time {
	return func(r *feedRig) *time.Time { at := r.clock.Now().Add(d); return &at }
}

// A transition carries the message before and after, its reason and time.
func TestFeedFields(t *testing.T) {
	r := newFeedRig(t, nil)
	m := r.enqueue(t, text("+34600111222", "a"))
	r.lease(t)
	r.take()
	if _, err := r.s.Fail(m.ID, "timeout", false, backoff); err != nil {
		t.Fatal(err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	tr := r.ts[0]
	if tr.Reason != "timeout" || !tr.At.Equal(r.clock.Now()) || tr.Before.Status != Sending ||
		tr.Message.Status != Retrying || tr.Message.Attempts != 1 || tr.Message.ID != m.ID {
		t.Fatalf("transition = %+v", tr)
	}
}

// A write whose batch runs again because a neighbour failed reports its
// transitions once, and the failed neighbour none.
func TestFeedBatchRetried(t *testing.T) {
	r := newFeedRig(t, nil)
	id := r.enqueue(t, text("+34600111222", "a")).ID
	r.take()
	ok := &call{fn: func(tx *bolt.Tx) error {
		old, err := get(tx, id)
		if err != nil {
			return err
		}
		m := *old
		m.setStatus(Sending, r.clock.Now(), "")
		if err := save(tx, old, &m); err != nil {
			return err
		}
		return r.s.emit(tx, KindLeased, old, &m, "")
	}, err: make(chan error, 1)}
	bad := &call{fn: func(tx *bolt.Tx) error {
		m, _ := get(tx, id)
		_ = r.s.emit(tx, KindCancelled, m, m, "")
		return Errorf(ECONFLICT, "no")
	}, err: make(chan error, 1)}
	r.s.commit([]*call{ok, bad})
	if err := <-ok.err; err != nil {
		t.Fatal(err)
	}
	if err := <-bad.err; ErrorCode(err) != ECONFLICT {
		t.Fatal(err)
	}
	if got := r.take(); !slices.Equal(got, []string{"leased queued>sending"}) {
		t.Fatalf("transitions = %q", got)
	}
}
