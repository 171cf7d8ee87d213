package store

import (
	"time"

	bolt "go.etcd.io/bbolt"
)

// sweepMax bounds the messages one commit of Promote or RecoverLeases moves,
// so a large backlog does not hold the writer for long.
const sweepMax = 1000

// Promote moves scheduled and retrying messages due at or before now to
// queued, seeking the schedule index from its start; it never scans all
// messages. It returns how many it moved.
func (s *Store) Promote(now time.Time) (int, error) {
	return s.sweep(bucketSchedule, now, "due", KindPromoted)
}

// RecoverLeases puts sending messages whose lease ended at or before now back
// in the queue. It returns how many it moved.
func (s *Store) RecoverLeases(now time.Time) (int, error) {
	return s.sweep(bucketLeases, now, "lease expired", KindRecovered)
}

// RecoverAllLeases puts every sending message back in the queue. Only one
// process can hold the file, so at start every lease is an orphan of a
// crash or of a stop that did not finish.
func (s *Store) RecoverAllLeases() (int, error) {
	return s.RecoverLeases(time.Unix(0, 1<<62))
}

// NextDue returns the due time of the first scheduled or retrying message,
// and false when there is none.
func (s *Store) NextDue() (time.Time, bool, error) {
	var t time.Time
	var ok bool
	err := s.view(func(tx *bolt.Tx) error {
		if k, _ := tx.Bucket(bucketSchedule).Cursor().First(); k != nil {
			t, ok = keyTime(k), true
		}
		return nil
	})
	return t, ok, err
}

// sweep queues the messages of a time-keyed index whose time is at or before
// now, a commit of at most sweepMax at a time. It reads first so that an idle
// tick costs no commit.
func (s *Store) sweep(bucket []byte, now time.Time, note string, kind TransitionKind) (int, error) {
	total := 0
	for {
		if !s.hasDue(bucket, now) {
			return total, nil
		}
		var n int
		err := s.update(func(tx *bolt.Tx) error {
			n = 0
			c := tx.Bucket(bucket).Cursor()
			for k, _ := c.First(); k != nil && n < sweepMax && !keyTime(k).After(now); k, _ = c.First() {
				if err := s.requeue(tx, string(k[8:]), s.now(), note, kind); err != nil {
					return err
				}
				n++
			}
			return nil
		})
		total += n
		if err != nil {
			return total, err
		}
		if n > 0 {
			s.notifyReady()
		}
		if n < sweepMax {
			return total, nil
		}
	}
}

func (s *Store) hasDue(bucket []byte, now time.Time) bool {
	due := false
	_ = s.view(func(tx *bolt.Tx) error {
		k, _ := tx.Bucket(bucket).Cursor().First()
		due = k != nil && !keyTime(k).After(now)
		return nil
	})
	return due
}

func (s *Store) requeue(tx *bolt.Tx, id string, now time.Time, note string, kind TransitionKind) error {
	old, err := get(tx, id)
	if err != nil {
		return err
	}
	n := *old
	n.LeaseUntil = nil
	n.setStatus(Queued, now, note)
	if err := save(tx, old, &n); err != nil {
		return err
	}
	return s.emit(tx, kind, old, &n, "")
}
