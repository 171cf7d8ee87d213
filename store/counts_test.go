package store

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

// The counters of a commit shared by many writers are summed and written
// once: after writers of every kind (new messages of each priority,
// scheduled ones, leases, sends, and writes that fail and are rolled back
// out of their batch) the counters still agree with the records.
func TestCountsSharedCommit(t *testing.T) {
	b := setup(t)
	for i := range 8 {
		b.enqueue(t, text(fmt.Sprintf("+3460011%04d", i), "first"))
	}
	var wg sync.WaitGroup
	for i := range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			m := text(fmt.Sprintf("+3460022%04d", i), "x")
			m.Priority = Priorities[i%len(Priorities)]
			if i%5 == 0 {
				at := b.clock.Now().Add(time.Hour)
				m.SendAt = &at
			}
			if _, _, err := b.s.Enqueue(m); err != nil {
				t.Error(err)
			}
			if _, err := b.s.MarkSent(fmt.Sprintf("%020d", i), "g", TypeText, ""); ErrorCode(err) != ENOTFOUND {
				t.Errorf("sent of no message: %v", err) // fails in its batch, rolled back
			}
		}()
	}
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			m, err := b.s.Lease(b.clock.Now().Add(time.Minute))
			if err != nil {
				t.Error(err)
				return
			}
			if _, err := b.s.MarkSent(m.ID, "g-"+m.ID, TypeText, ""); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	b.mustCheck(t)
	c := b.counts(t)
	if c[Queued] != 8+64-13-4 || c[Scheduled] != 13 || c[Sent] != 4 {
		t.Fatalf("counts %v", c)
	}
	if commits, writes := b.s.CommitStats(); writes <= commits {
		t.Logf("no commit was shared (%d commits, %d writes): the test proved less", commits, writes)
	}
}
