package store

import (
	"time"

	bolt "go.etcd.io/bbolt"
)

// RetryDead requeues dead messages with fresh attempts and returns how many:
// those named by ids when there are any (others are skipped), else those of
// campaign when it is set, else every dead message.
func (s *Store) RetryDead(ids []string, campaign string) (int, error) {
	revive := func(tx *bolt.Tx, m *Message, now time.Time) error {
		n := *m
		n.Attempts, n.NextAttemptAt, n.LeaseUntil = 0, nil, nil
		n.setStatus(Queued, now, "retried from the dead-letter queue")
		if err := save(tx, m, &n); err != nil {
			return err
		}
		return s.emit(tx, KindRequeued, m, &n, "")
	}
	var total int
	var err error
	if len(ids) > 0 {
		total, err = s.retryIDs(ids, revive)
	} else {
		total, err = s.retryAll(campaign, revive)
	}
	if total > 0 {
		s.notifyReady()
	}
	return total, err
}

func (s *Store) retryIDs(ids []string, revive func(*bolt.Tx, *Message, time.Time) error) (int, error) {
	var n int
	err := s.update(func(tx *bolt.Tx) error {
		n = 0
		for _, id := range ids {
			m, err := get(tx, id)
			if ErrorCode(err) == ENOTFOUND || err == nil && m.Status != Dead {
				continue
			} else if err != nil {
				return err
			}
			if err := revive(tx, m, s.now()); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

// retryAll revives dead messages a commit at a time. A campaign filter skips
// the others, which stay in the index, so each commit resumes past the last
// key it examined.
func (s *Store) retryAll(campaign string, revive func(*bolt.Tx, *Message, time.Time) error) (int, error) {
	total := 0
	for start := []byte{Dead.code()}; start != nil; {
		var n int
		var next []byte
		err := s.update(func(tx *bolt.Tx) error {
			n, next = 0, nil
			c := tx.Bucket(bucketStates).Cursor()
			pos := start
			for k, _ := c.Seek(pos); k != nil && k[0] == Dead.code(); k, _ = c.Seek(pos) {
				if n == sweepMax {
					next = pos
					return nil
				}
				pos = append(append([]byte{}, k...), 0) // just past k
				m, err := get(tx, string(k[9:]))
				if err != nil {
					return err
				}
				if campaign != "" && m.Campaign != campaign {
					continue
				}
				if err := revive(tx, m, s.now()); err != nil {
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
		start = next
	}
	return total, nil
}

// DeleteDead removes one dead message for good. It returns ENOTFOUND for an
// unknown id and ECONFLICT for a message that is not dead.
func (s *Store) DeleteDead(id string) error {
	return s.update(func(tx *bolt.Tx) error {
		m, err := get(tx, id)
		if err != nil {
			return err
		}
		if m.Status != Dead {
			return Errorf(ECONFLICT, "message %s is %s, not dead", id, m.Status)
		}
		if err := remove(tx, m); err != nil {
			return err
		}
		return s.emit(tx, KindDeleted, m, m, "deleted")
	})
}
