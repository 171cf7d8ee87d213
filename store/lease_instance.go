package store

import (
	"time"

	bolt "go.etcd.io/bbolt"
)

// LeaseBatchFor is LeaseBatch for one of several instances: it takes up to
// n ready messages, in priority order, among those whose pinned instance
// (Message.Instance, "" when unpinned) takes accepts, and skips the
// others without moving them, so that a message waiting for another
// instance never holds this one back. It returns ErrEmpty when no ready
// message is accepted. It reads every ready message it skips.
func (s *Store) LeaseBatchFor(n int, deadline time.Time, takes func(instance string) bool) ([]*Message, error) {
	var ms []*Message
	err := s.updateNow(func(tx *bolt.Tx) error {
		ms = ms[:0]
		olds, err := readyFor(tx, n, takes)
		if err != nil {
			return err
		}
		now := s.now()
		for _, old := range olds {
			m := *old
			m.LeaseUntil = &deadline
			m.setStatus(Sending, now, "")
			if err := save(tx, old, &m); err != nil {
				return err
			}
			if err := s.emit(tx, KindLeased, old, &m, ""); err != nil {
				return err
			}
			ms = append(ms, &m)
		}
		return nil
	})
	switch {
	case err != nil:
		return nil, err
	case len(ms) == 0:
		return nil, ErrEmpty
	}
	return ms, nil
}

// readyFor returns the first n ready messages that takes accepts, read
// before any of them is moved, since save rewrites the ready index.
func readyFor(tx *bolt.Tx, n int, takes func(string) bool) ([]*Message, error) {
	var out []*Message
	c := tx.Bucket(bucketReady).Cursor()
	for k, _ := c.First(); k != nil && len(out) < n; k, _ = c.Next() {
		m, err := get(tx, string(k[1:]))
		if err != nil {
			return nil, err
		}
		if takes(m.Instance) {
			out = append(out, m)
		}
	}
	return out, nil
}
