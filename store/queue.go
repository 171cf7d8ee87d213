package store

import (
	"time"

	bolt "go.etcd.io/bbolt"
)

// Counts is the shape of the queue at one moment.
type Counts struct {
	States       map[Status]int   // messages in each state
	Priorities   map[Priority]int // queued messages of each priority
	OldestQueued time.Time        // creation time of the oldest queued message; zero when none
}

// Counts returns the messages by state, the queued ones by priority and the
// creation time of the oldest queued one. Counts are kept as counters and
// the oldest message of each priority is the first of its part of the ready
// index, so this reads a few keys whatever the queue holds.
func (s *Store) Counts() (*Counts, error) {
	c := &Counts{States: make(map[Status]int), Priorities: make(map[Priority]int)}
	err := s.view(func(tx *bolt.Tx) error {
		for _, st := range Statuses {
			c.States[st] = getCount(tx, string(st))
		}
		cur := tx.Bucket(bucketReady).Cursor()
		oldest := ""
		for i, p := range Priorities {
			c.Priorities[p] = getCount(tx, priorityCountKey(p))
			if k, _ := cur.Seek([]byte{byte(i)}); k != nil && k[0] == byte(i) && (oldest == "" || string(k[1:]) < oldest) {
				oldest = string(k[1:])
			}
		}
		if oldest != "" {
			m, err := get(tx, oldest)
			if err != nil {
				return err
			}
			c.OldestQueued = m.CreatedAt
		}
		return nil
	})
	return c, err
}

var keyPaused = []byte("paused")

// Paused reports whether sending is paused. Enqueueing goes on while paused.
func (s *Store) Paused() (bool, error) {
	var p bool
	err := s.view(func(tx *bolt.Tx) error {
		p = len(tx.Bucket(bucketMeta).Get(keyPaused)) > 0
		return nil
	})
	return p, err
}

// SetPaused stops (true) or restarts (false) sending; it survives a restart.
func (s *Store) SetPaused(p bool) error {
	err := s.update(func(tx *bolt.Tx) error {
		if p {
			return tx.Bucket(bucketMeta).Put(keyPaused, []byte{1})
		}
		return tx.Bucket(bucketMeta).Delete(keyPaused)
	})
	if err == nil && !p {
		s.notifyReady()
	}
	return err
}

// Cancel moves a queued, scheduled or retrying message to cancelled. It
// returns ENOTFOUND for an unknown id and ECONFLICT for any other state.
func (s *Store) Cancel(id string) (*Message, error) {
	return s.transition(id, func(m *Message, now time.Time) (TransitionKind, error) {
		if !cancellable(m.Status) {
			return "", Errorf(ECONFLICT, "message %s is %s; only queued, scheduled and retrying messages can be cancelled", id, m.Status)
		}
		m.NextAttemptAt = nil
		m.setStatus(Cancelled, now, "cancelled")
		return KindCancelled, nil
	})
}

func cancellable(st Status) bool { return st == Queued || st == Scheduled || st == Retrying }

// Drain cancels every queued, scheduled and retrying message and returns how
// many. They stay readable, with "drained" in their history, until cleaned.
func (s *Store) Drain() (int, error) {
	total := 0
	for _, st := range []Status{Queued, Scheduled, Retrying} {
		for {
			n, err := s.eachInState(st, time.Unix(0, 1<<62), sweepMax, func(tx *bolt.Tx, m *Message, now time.Time) error {
				n := *m
				n.NextAttemptAt = nil
				n.setStatus(Cancelled, now, "drained")
				if err := save(tx, m, &n); err != nil {
					return err
				}
				return s.emit(tx, KindDrained, m, &n, "")
			})
			total += n
			if err != nil || n < sweepMax {
				if err != nil {
					return total, err
				}
				break
			}
		}
	}
	return total, nil
}

// Cleanable lists the states Clean removes from: the finished ones.
var Cleanable = []Status{Sent, Delivered, Read, Failed, Dead, Cancelled}

// Clean deletes up to limit messages in state st that entered it before
// olderThan, with their indexes and idempotency keys, oldest first, and
// returns how many. It returns EINVALID for a state that is not finished.
func (s *Store) Clean(st Status, olderThan time.Time, limit int) (int, error) {
	ok := false
	for _, c := range Cleanable {
		ok = ok || c == st
	}
	if !ok {
		return 0, FieldErrorf("status", "must be one of sent, delivered, read, failed, dead, cancelled")
	}
	total := 0
	for total < limit {
		n, err := s.eachInState(st, olderThan, min(limit-total, sweepMax), func(tx *bolt.Tx, m *Message, _ time.Time) error {
			if err := remove(tx, m); err != nil {
				return err
			}
			return s.emit(tx, KindCleaned, m, m, "cleaned")
		})
		total += n
		if err != nil || n == 0 {
			return total, err
		}
	}
	return total, nil
}

// eachInState applies fn, in one commit, to at most max messages that entered
// state st before the given time, oldest first. fn must move or delete the
// message. It returns how many it applied fn to.
func (s *Store) eachInState(st Status, before time.Time, max int, fn func(*bolt.Tx, *Message, time.Time) error) (int, error) {
	var n int
	err := s.update(func(tx *bolt.Tx) error {
		n = 0
		c := tx.Bucket(bucketStates).Cursor()
		now := s.now()
		for k, _ := c.Seek([]byte{st.code()}); k != nil && k[0] == st.code() && n < max; k, _ = c.Seek([]byte{st.code()}) {
			if !keyTime(k[1:]).Before(before) {
				break
			}
			m, err := get(tx, string(k[9:]))
			if err != nil {
				return err
			}
			if err := fn(tx, m, now); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}
