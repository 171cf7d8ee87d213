package store

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

func TestIdempotency(t *testing.T) {
	b := setup(t)
	first, created, err := b.s.Enqueue(&Message{To: "+34600111222", Text: "a", IdempotencyKey: "k1"})
	if err != nil || !created {
		t.Fatal(err)
	}
	again, created, err := b.s.Enqueue(&Message{To: "+34600111333", Text: "b", IdempotencyKey: "k1"})
	if err != nil || created || again.ID != first.ID || again.Text != "a" {
		t.Fatalf("repeat: created %v %+v %v", created, again, err)
	}
	ids, err := b.s.EnqueueBulk([]*Message{
		{To: "+34600111222", Text: "c", IdempotencyKey: "k1"},
		{To: "+34600111222", Text: "d", IdempotencyKey: "k2"},
		{To: "+34600111222", Text: "e", IdempotencyKey: "k2"},
	})
	if err != nil || ids[0] != first.ID || ids[1] != ids[2] {
		t.Fatalf("bulk ids %v %v", ids, err)
	}
	if n := b.counts(t)[Queued]; n != 2 {
		t.Fatalf("queued %d, want 2", n)
	}
	b.mustCheck(t)
}

func TestBulkAllOrNothing(t *testing.T) {
	b := setup(t)
	ms := make([]*Message, 10)
	for i := range ms {
		ms[i] = text("+34600111222", fmt.Sprint(i))
	}
	ms[7].To = "bad"
	ms[3].Priority = "urgent"
	_, err := b.s.EnqueueBulk(ms)
	e, ok := err.(*Error)
	if !ok || e.Code != EINVALID || len(e.Items) != 2 || e.Items[0].Index != 3 || e.Items[1].Field != "to" {
		t.Fatalf("bulk error: %+v", err)
	}
	if n := b.counts(t)[Queued]; n != 0 {
		t.Fatalf("%d stored from a bad bulk", n)
	}
	ms[7].To, ms[3].Priority = "+34600111222", Low
	ids, err := b.s.EnqueueBulk(ms)
	if err != nil || len(ids) != 10 {
		t.Fatal(err)
	}
	if _, err := b.s.EnqueueBulk(make([]*Message, BulkMax+1)); ErrorCode(err) != EINVALID {
		t.Fatalf("bulk over the limit: %v", err)
	}
	b.mustCheck(t)
}

func TestCancelDrainPause(t *testing.T) {
	b := setup(t)
	q := b.enqueue(t, text("+34600111222", "q"))
	at := b.clock.Now().Add(time.Hour)
	b.enqueue(t, &Message{To: "+34600111222", Text: "s", SendAt: &at})
	b.enqueue(t, text("+34600111222", "q2"))
	if _, err := b.s.Cancel(q.ID); err != nil || b.status(t, q.ID) != Cancelled {
		t.Fatalf("cancel: %v", err)
	}
	if _, err := b.s.Cancel(q.ID); ErrorCode(err) != ECONFLICT {
		t.Fatalf("cancel twice: %v", err)
	}
	if _, err := b.s.Cancel("nope"); ErrorCode(err) != ENOTFOUND {
		t.Fatalf("cancel unknown: %v", err)
	}
	if n, err := b.s.Drain(); err != nil || n != 2 {
		t.Fatalf("drain: %d %v", n, err)
	}
	c := b.counts(t)
	if c[Queued]+c[Scheduled] != 0 || c[Cancelled] != 3 {
		t.Fatalf("after drain: %v", c)
	}
	for _, p := range []bool{true, false, true} {
		if err := b.s.SetPaused(p); err != nil {
			t.Fatal(err)
		}
	}
	b.s.Close()
	b.s = b.open(t)
	if p, _ := b.s.Paused(); !p {
		t.Fatal("pause did not survive a restart")
	}
	b.mustCheck(t)
}

func TestClean(t *testing.T) {
	b := setup(t)
	for i := 0; i < 5; i++ {
		m := b.enqueue(t, &Message{To: "+34600111222", Text: "x", IdempotencyKey: fmt.Sprint(i)})
		b.lease(t)
		b.s.MarkSent(m.ID, fmt.Sprint("g", i), TypeText, "")
		b.clock.Add(time.Hour)
	}
	// Sent at 10:00 ... 14:00; now 15:00. Older than 2h: 10:00, 11:00, 12:00.
	n, err := b.s.Clean(Sent, b.clock.Now().Add(-2*time.Hour), 1000)
	if err != nil || n != 3 || b.counts(t)[Sent] != 2 {
		t.Fatalf("clean: %d %v", n, err)
	}
	if n, _ := b.s.Clean(Sent, b.clock.Now(), 1); n != 1 {
		t.Fatalf("limit: %d", n)
	}
	if _, err := b.s.Clean(Queued, b.clock.Now(), 10); ErrorCode(err) != EINVALID {
		t.Fatalf("clean queued: %v", err)
	}
	// The idempotency key of a cleaned message is free again.
	if _, created, _ := b.s.Enqueue(&Message{To: "+34600111222", Text: "x", IdempotencyKey: "0"}); !created {
		t.Fatal("cleaned idempotency key still held")
	}
	b.mustCheck(t)
}

func TestCountsAndOldest(t *testing.T) {
	b := setup(t)
	first := b.enqueue(t, &Message{To: "+34600111222", Text: "x", Priority: Low})
	b.clock.Add(time.Minute)
	b.enqueue(t, &Message{To: "+34600111222", Text: "x", Priority: Critical})
	b.enqueue(t, &Message{To: "+34600111222", Text: "x", Priority: Critical})
	c, err := b.s.Counts()
	if err != nil || c.States[Queued] != 3 || c.Priorities[Critical] != 2 || c.Priorities[Low] != 1 || c.Priorities[High] != 0 {
		t.Fatalf("counts: %+v %v", c, err)
	}
	if !c.OldestQueued.Equal(first.CreatedAt) {
		t.Fatalf("oldest %v, want %v", c.OldestQueued, first.CreatedAt)
	}
}

func TestMessagesPaging(t *testing.T) {
	b := setup(t)
	for i := 0; i < 25; i++ {
		b.enqueue(t, &Message{To: "+34600111222", Text: "x", Campaign: []string{"a", "b"}[i%2]})
		b.clock.Add(time.Second)
	}
	f := func(fl Filter, want int) {
		t.Helper()
		var got []string
		for page := 0; ; page++ {
			ms, next, err := b.s.Messages(fl)
			if err != nil || page > 10 {
				t.Fatalf("page %d: %v", page, err)
			}
			for _, m := range ms {
				got = append(got, m.ID)
			}
			if next == "" {
				break
			}
			fl.Cursor = next
		}
		if len(got) != want {
			t.Fatalf("%+v: %d messages, want %d", fl, len(got), want)
		}
		for i := 1; i < len(got); i++ {
			if got[i] >= got[i-1] {
				t.Fatalf("not newest first at %d", i)
			}
		}
	}
	f(Filter{Limit: 10}, 25)
	f(Filter{Limit: 10, Status: Queued}, 25)
	f(Filter{Limit: 4, Campaign: "a"}, 13)
	f(Filter{Status: Dead}, 0)
	f(Filter{To: "+34600999999"}, 0)
	for _, bad := range []Filter{{Status: "nope"}, {Limit: -1}, {Limit: ListLimitMax + 1}, {Cursor: "%%"}} {
		if _, _, err := b.s.Messages(bad); ErrorCode(err) != EINVALID {
			t.Fatalf("%+v: %v", bad, err)
		}
	}
}

func TestRetryDead(t *testing.T) {
	b := setup(t)
	kill := func(n int, campaign string) (ids []string) {
		for i := 0; i < n; i++ {
			m := b.enqueue(t, &Message{To: "+34600111222", Text: "x", Campaign: campaign})
			b.lease(t)
			b.s.Fail(m.ID, "bad", true, backoff)
			ids = append(ids, m.ID)
		}
		return ids
	}
	a := kill(3, "a")
	kill(2, "b")
	f := func(ids []string, campaign string, want int) {
		t.Helper()
		if n, err := b.s.RetryDead(ids, campaign); err != nil || n != want {
			t.Fatalf("retry %v %q: %d %v", ids, campaign, n, err)
		}
	}
	f([]string{a[0], "unknown", a[0]}, "", 1)
	f(nil, "a", 2)
	f(nil, "", 2)
	f(nil, "", 0)
	if m, _ := b.s.Message(a[0]); m.Status != Queued || m.Attempts != 0 {
		t.Fatalf("retried message: %+v", m)
	}
	kill(1, "")
	if err := b.s.DeleteDead(a[1]); ErrorCode(err) != ECONFLICT {
		t.Fatalf("delete a queued message from the DLQ: %v", err)
	}
	b.mustCheck(t)
}

func TestRetryAllDeadInChunks(t *testing.T) {
	b := setup(t)
	ms := make([]*Message, sweepMax+200)
	for i := range ms {
		ms[i] = &Message{To: "+34600111222", Text: "x", Campaign: []string{"a", "b"}[i%2]}
	}
	for _, part := range [][]*Message{ms[:BulkMax], ms[BulkMax:]} {
		if _, err := b.s.EnqueueBulk(part); err != nil {
			t.Fatal(err)
		}
	}
	// Move them all to dead in one write.
	b.s.db.Update(func(tx *bolt.Tx) error {
		for _, m := range ms {
			old, _ := get(tx, m.ID)
			n := *old
			n.setStatus(Dead, b.clock.Now(), "")
			save(tx, old, &n)
		}
		return nil
	})
	if n, err := b.s.RetryDead(nil, "b"); err != nil || n != len(ms)/2 {
		t.Fatalf("retry campaign b: %d %v", n, err)
	}
	if n, err := b.s.RetryDead(nil, ""); err != nil || n != len(ms)/2 {
		t.Fatalf("retry the rest: %d %v", n, err)
	}
	b.mustCheck(t)
}

func TestCheckFindsBrokenIndexes(t *testing.T) {
	b := setup(t)
	m := b.enqueue(t, text("+34600111222", "x"))
	b.mustCheck(t)
	b.s.db.Update(func(tx *bolt.Tx) error {
		tx.Bucket(bucketReady).Delete(append([]byte{byte(Normal.rank())}, m.ID...))
		tx.Bucket(bucketSchedule).Put(timeKey(b.clock.Now(), []byte(m.ID)), nil)
		return nil
	})
	probs, err := b.s.Check()
	if err != nil || len(probs) != 2 {
		t.Fatalf("problems: %v %v", probs, err)
	}
}

func TestBackupAndCheckFile(t *testing.T) {
	b := setup(t)
	for i := 0; i < 100; i++ {
		b.enqueue(t, text("+34600111222", "x"))
	}
	out := filepath.Join(t.TempDir(), "backup.db")
	f, _ := os.Create(out)
	n, err := b.s.Backup(f)
	f.Close()
	if err != nil || n == 0 {
		t.Fatal(err)
	}
	probs, err := Check(out)
	if err != nil || len(probs) != 0 {
		t.Fatalf("check backup: %v %v", probs, err)
	}
	copy, err := Open(out, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer copy.Close()
	if c, _ := copy.Counts(); c.States[Queued] != 100 {
		t.Fatalf("backup holds %d queued", c.States[Queued])
	}
}

func TestConcurrentEnqueuesShareCommits(t *testing.T) {
	b := setup(t)
	const writers, each = 64, 20
	var wg sync.WaitGroup
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				if _, _, err := b.s.Enqueue(text("+34600111222", "x")); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	commits, writes := b.s.CommitStats()
	if n := b.counts(t)[Queued]; n != writers*each {
		t.Fatalf("stored %d", n)
	}
	if commits >= writes/2 {
		t.Fatalf("%d commits for %d writes: writers did not share commits", commits, writes)
	}
	b.mustCheck(t)
}

func TestFailingWriteDoesNotSinkItsBatch(t *testing.T) {
	b := setup(t)
	m := b.enqueue(t, text("+34600111222", "x"))
	var wg sync.WaitGroup
	errs := make([]error, 50)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if i%10 == 0 {
				_, errs[i] = b.s.Cancel(m.ID) // one succeeds, the rest conflict
				return
			}
			_, _, errs[i] = b.s.Enqueue(text("+34600111222", "y"))
		}()
	}
	wg.Wait()
	conflicts := 0
	for i, err := range errs {
		if i%10 != 0 && err != nil {
			t.Fatalf("enqueue %d failed with its batch: %v", i, err)
		}
		if ErrorCode(err) == ECONFLICT {
			conflicts++
		}
	}
	if conflicts != 4 || b.counts(t)[Queued] != 45 {
		t.Fatalf("conflicts %d, queued %d", conflicts, b.counts(t)[Queued])
	}
	b.mustCheck(t)
}

func TestClosedStore(t *testing.T) {
	b := setup(t)
	b.s.Close()
	if _, _, err := b.s.Enqueue(text("+34600111222", "x")); ErrorCode(err) != EUNAVAILABLE {
		t.Fatalf("enqueue after close: %v", err)
	}
	if _, err := b.s.Message("00000000000000000000"); ErrorCode(err) != EUNAVAILABLE {
		t.Fatalf("read after close: %v", err)
	}
	s, err := Open(b.path, Options{})
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	s.Close()
}
