package store

import (
	"time"

	bolt "go.etcd.io/bbolt"
)

// LeaseBatchFor is LeaseBatch for one of several instances: it takes up to
// n ready messages, in priority order, among those takes accepts (by their
// pinned instance, Message.Instance, and their contact), with the note
// takes gives written in the lease's history entry (why this instance),
// and skips the others without moving them, so that a message waiting for another
// instance never holds this one back. It returns ErrEmpty when no ready
// message is accepted. The skipped messages are read in a read
// transaction, outside the commit every writer shares; the write
// transaction reads again only the messages it leases, and leaves out one
// that another writer moved in between.
func (s *Store) LeaseBatchFor(n int, deadline time.Time, takes func(m *Message) (bool, string)) ([]*Message, error) {
	var ids []string
	err := s.view(func(tx *bolt.Tx) (err error) {
		ids, err = readyFor(tx, n, takes)
		return err
	})
	switch {
	case err != nil:
		return nil, err
	case len(ids) == 0:
		return nil, ErrEmpty
	}
	var ms []*Message
	err = s.updateNow(func(tx *bolt.Tx) error {
		ms = ms[:0]
		now := s.now()
		for _, id := range ids {
			old, err := get(tx, id)
			if ErrorCode(err) == ENOTFOUND {
				continue // deleted since the scan
			}
			if err != nil {
				return err
			}
			ok, note := takes(old)
			if old.Status != Queued || !ok {
				continue // cancelled, leased or routed elsewhere since the scan
			}
			m, err := s.leaseOne(tx, old, deadline, now, note)
			if err != nil {
				return err
			}
			ms = append(ms, m)
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

// readyFor returns the ids of the first n ready messages that takes
// accepts.
func readyFor(tx *bolt.Tx, n int, takes func(*Message) (bool, string)) ([]string, error) {
	var out []string
	c := tx.Bucket(bucketReady).Cursor()
	for k, _ := c.First(); k != nil && len(out) < n; k, _ = c.Next() {
		m, err := get(tx, string(k[1:]))
		if err != nil {
			return nil, err
		}
		if ok, _ := takes(m); ok {
			out = append(out, m.ID)
		}
	}
	return out, nil
}

// QueuedRef is what routing reads of a queued message.
type QueuedRef struct {
	ID, To, Instance, Campaign string
}

// QueuedRefs returns up to n queued messages, in the order they are
// leased (priority, then FIFO), for counting what waits on each instance.
// It reads them in one read transaction.
func (s *Store) QueuedRefs(n int) ([]QueuedRef, error) {
	var out []QueuedRef
	err := s.view(func(tx *bolt.Tx) error {
		out = out[:0]
		c := tx.Bucket(bucketReady).Cursor()
		for k, _ := c.First(); k != nil && len(out) < n; k, _ = c.Next() {
			m, err := get(tx, string(k[1:]))
			if err != nil {
				return err
			}
			out = append(out, QueuedRef{ID: m.ID, To: m.To, Instance: m.Instance, Campaign: m.Campaign})
		}
		return nil
	})
	return out, err
}
