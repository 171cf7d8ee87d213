package store

import (
	"bytes"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Imported messages wait in Held until the operator cuts over, so that a job
// the old queue may still run is never sent by waq as well. A held message is
// in no ready, schedule or lease index (see entries), so neither Lease nor
// Promote can see it; Cutover is the only way out of Held.
//
// What a held message becomes at cutover is told by its own fields, so no
// extra record can drift from it:
//
//	LastError set        -> dead (the job had failed; LastError is its failedReason)
//	SendAt in the future -> scheduled
//	otherwise            -> queued

// EnqueueHeld stores imported messages in one commit, or none of them. Each
// m is stored as Held, except when m.Status is Sent: then it is stored as
// sent history with m.SentAt (a job the old queue completed). Attempts and
// LastError of m are kept. A message whose idempotency key is already stored
// is not stored again, so importing the same jobs twice creates nothing. It
// returns how many messages it created, or an EINVALID *Error whose Items
// name every bad item, as EnqueueBulk does.
//
// Held messages are reported to the feed as held, sent history as
// imported: it happened before waq, so the analytics and the callbacks
// leave it alone.
func (s *Store) EnqueueHeld(ms []*Message) (int, error) {
	if len(ms) > BulkMax {
		return 0, CheckBulk(len(ms))
	}
	now := s.now()
	if err := s.prepareHeld(ms, now); err != nil {
		return 0, err
	}
	created := make([]bool, len(ms))
	err := s.update(func(tx *bolt.Tx) error {
		for i, m := range ms {
			created[i] = false
			old, err := byKey(tx, bucketIdempotency, m.IdempotencyKey)
			if err != nil {
				return err
			}
			if old != nil {
				continue
			}
			if err := save(tx, nil, m); err != nil {
				return err
			}
			kind := KindHeld
			if m.Status == Sent {
				kind = KindImported
			}
			if err := s.emit(tx, kind, nil, m, "imported"); err != nil {
				return err
			}
			created[i] = true
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	n := 0
	for _, c := range created {
		if c {
			n++
		}
	}
	return n, nil
}

// prepareHeld validates and prepares every message of ms, keeping the
// fields an import carries over that prepare resets.
func (s *Store) prepareHeld(ms []*Message, now time.Time) error {
	var items []ItemError
	for i, m := range ms {
		status, attempts, lastErr, sentAt := m.Status, m.Attempts, m.LastError, m.SentAt
		if err := s.prepare(m, now); err != nil {
			items = append(items, ItemErrorOf(i, err))
			continue
		}
		m.Attempts, m.LastError, m.History = attempts, lastErr, nil
		if status == Sent {
			if sentAt == nil {
				sentAt = &now
			}
			m.SentAt = sentAt
			m.setStatus(Sent, now, "imported history")
			continue
		}
		m.setStatus(Held, now, "imported")
	}
	if len(items) > 0 {
		return InvalidItems(items)
	}
	return nil
}

// cutoverMax bounds the messages one commit of Cutover releases, so a large
// import does not hold the writer for long.
const cutoverMax = 1000

// Cutover releases every held message: to dead when it had failed, to
// scheduled when its send time is still ahead, else to queued. Calling it
// again releases nothing more. It returns how many it released.
func (s *Store) Cutover() (int, error) {
	total := 0
	for {
		var batch []*Message
		err := s.update(func(tx *bolt.Tx) error {
			batch = batch[:0]
			now := s.now()
			c := tx.Bucket(bucketStates).Cursor()
			p := []byte{Held.code()}
			for k, _ := c.Seek(p); k != nil && bytes.HasPrefix(k, p) && len(batch) < cutoverMax; k, _ = c.Seek(p) {
				old, err := get(tx, string(k[9:]))
				if err != nil {
					return err
				}
				m := release(old, now)
				if err := save(tx, old, m); err != nil {
					return err
				}
				if err := s.emit(tx, KindReleased, old, m, m.History[len(m.History)-1].Note); err != nil {
					return err
				}
				batch = append(batch, m)
			}
			return nil
		})
		if err != nil {
			return total, err
		}
		total += len(batch)
		if len(batch) > 0 {
			s.notifyReady()
		}
		if len(batch) < cutoverMax {
			return total, nil
		}
	}
}

// release returns held message old moved to the state its fields ask for.
func release(old *Message, now time.Time) *Message {
	m := *old
	switch {
	case m.LastError != "":
		m.setStatus(Dead, now, "cutover: "+m.LastError)
	case m.SendAt != nil && m.SendAt.After(now):
		m.setStatus(Scheduled, now, "cutover")
	default:
		m.setStatus(Queued, now, "cutover")
	}
	return &m
}

// HeldCount returns how many messages wait for cutover.
func (s *Store) HeldCount() (int, error) {
	n := 0
	err := s.view(func(tx *bolt.Tx) error {
		n = getCount(tx, string(Held))
		return nil
	})
	return n, err
}
