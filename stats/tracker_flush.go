package stats

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/waqhq/waq/store/statsdb"
)

// sweepMax is how many stored contact states one flush examines for
// staleness, so the bucket does not keep every contact ever seen and no
// flush pays for the whole of it.
const sweepMax = 64

// Run flushes every FlushEvery until ctx ends, then once more, so a
// graceful stop loses nothing; it must end before the store closes. A
// failing flush keeps its counts for the next one and is logged once while
// it lasts. It returns the error of the last flush.
func (t *Tracker) Run(ctx context.Context) error {
	tick := time.NewTicker(orDefault(t.FlushEvery, FlushEveryDefault))
	defer tick.Stop()
	lastErr := ""
	for {
		select {
		case <-ctx.Done():
			if err := t.Flush(); err != nil {
				return fmt.Errorf("stats: last flush: %w", err)
			}
			return nil
		case <-tick.C:
		}
		switch err := t.Flush(); {
		case err != nil && err.Error() != lastErr:
			lastErr = err.Error()
			t.log().Error("stats: flush failed; counts kept for the next one", "err", err)
		case err == nil && lastErr != "":
			lastErr = ""
			t.log().Info("stats: flush works again")
		}
	}
}

// snapshot is what one flush writes.
type snapshot struct {
	pending map[pendKey]*Counters
	puts    map[string][]byte // contact -> its encoded state
	stale   []string          // contacts whose state is older than the horizon: deleted
	hours   map[string]*hours // reads and replies to add to the contacts' records
}

// Flush writes the counts accumulated since the last flush and the changed
// contact states in one commit, and returns the store's error; then the
// counts are kept for the next flush, so nothing is lost while the store
// is failing. With nothing to write it commits nothing.
func (t *Tracker) Flush() error {
	t.flushMu.Lock()
	defer t.flushMu.Unlock()
	now := t.now()
	if err := t.endIdleConversations(now); err != nil {
		return fmt.Errorf("stats flush: %w", err)
	}
	snap := t.take(now)
	if len(snap.pending) == 0 && len(snap.puts) == 0 && len(snap.stale) == 0 && len(snap.hours) == 0 {
		return nil
	}
	b := make(batch)
	for k, c := range snap.pending {
		d := Delta{At: time.Unix(k.minute, 0), Campaign: k.campaign, Instance: k.instance, Type: k.typ, Variant: k.variant, Counters: *c}
		b.add(&d, t.loc())
	}
	cutoff := now.Add(-t.horizon()).UnixMilli()
	from, next := t.sweepAt, []byte(nil)
	err := statsdb.Update(t.Store, func(tx statsdb.Tx) error {
		if err := b.put(tx); err != nil {
			return err
		}
		if err := putContacts(tx, snap); err != nil {
			return err
		}
		if err := putHours(tx, snap.hours); err != nil {
			return err
		}
		var err error
		next, err = sweepContacts(tx, from, cutoff)
		return err
	})
	t.settle(snap, err)
	if err != nil {
		return fmt.Errorf("stats flush: %w", err)
	}
	t.sweepAt = next
	return nil
}

// horizon is how long a contact's state matters: past it, the next message
// starts a conversation and no reply or response is pending.
func (t *Tracker) horizon() time.Duration { return max(ConversationGap, t.window()) }

// take hands the accumulated counts and the changed contact states over to
// a flush.
func (t *Tracker) take(now time.Time) snapshot {
	cutoff := now.Add(-t.horizon()).UnixMilli()
	t.mu.Lock()
	defer t.mu.Unlock()
	snap := snapshot{pending: t.pending, puts: make(map[string][]byte, len(t.dirty)), hours: t.hours}
	t.pending, t.hours = nil, nil
	for phone, s := range t.contacts {
		_, dirty := t.dirty[phone]
		switch {
		case s.latest() < cutoff:
			snap.stale = append(snap.stale, phone)
		case dirty:
			v, _ := json.Marshal(s) // plain fields: cannot fail
			snap.puts[phone] = v
		}
	}
	t.dirty = nil
	return snap
}

// settle finishes a flush: after a commit it forgets the stale contacts
// nobody touched since; after a failure it takes the counts back and marks
// the contacts changed again.
func (t *Tracker) settle(snap snapshot, err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if err == nil {
		for _, phone := range snap.stale {
			if _, dirty := t.dirty[phone]; !dirty {
				delete(t.contacts, phone)
			}
		}
		return
	}
	for k, c := range snap.pending {
		t.counters(time.Unix(k.minute, 0), k.dims).Add(c)
	}
	t.settleHours(snap.hours)
	if t.dirty == nil {
		t.dirty = make(map[string]struct{})
	}
	for phone := range snap.puts {
		t.dirty[phone] = struct{}{}
	}
	for _, phone := range snap.stale {
		t.dirty[phone] = struct{}{}
	}
}

func putContacts(tx statsdb.Tx, snap snapshot) error {
	for phone, v := range snap.puts {
		if err := tx.Put(statsdb.Contacts, []byte(phone), v); err != nil {
			return err
		}
	}
	for _, phone := range snap.stale {
		if err := tx.Delete(statsdb.Contacts, []byte(phone)); err != nil {
			return err
		}
	}
	return nil
}

// sweepContacts deletes the stored states older than cutoff among the
// sweepMax records from from on, and returns where the next sweep starts
// (nil: from the beginning). A state in the cache is never deleted wrongly:
// the cache holds either the stored state or a newer one it will write.
func sweepContacts(tx statsdb.Tx, from []byte, cutoff int64) ([]byte, error) {
	var stale [][]byte
	var next []byte
	n := 0
	tx.Scan(statsdb.Contacts, from, nil, func(k, v []byte) bool {
		if n == sweepMax {
			next = bytes.Clone(k)
			return false
		}
		n++
		var s contactState
		if json.Unmarshal(v, &s) != nil || s.latest() < cutoff {
			stale = append(stale, bytes.Clone(k))
		}
		return true
	})
	for _, k := range stale {
		if err := tx.Delete(statsdb.Contacts, k); err != nil {
			return nil, err
		}
	}
	return next, nil
}
