package store

import (
	"time"

	bolt "go.etcd.io/bbolt"
)

// Enqueue validates m, stores it as queued (or scheduled when SendAt is in the
// future) and returns it. When m carries an idempotency key already stored,
// it returns the first message with created false and stores nothing.
// It returns an EINVALID *Error naming the bad field.
func (s *Store) Enqueue(m *Message) (stored *Message, created bool, err error) {
	now := s.now()
	if err := s.prepare(m, now); err != nil {
		return nil, false, err
	}
	// Encoded and its index keys built here, in parallel with the other
	// callers, rather than in the commit that they all wait for.
	data, err := encodeRecord(make([]byte, 0, 192), m)
	if err != nil {
		return nil, false, err
	}
	es := entries(m)
	err = s.update(func(tx *bolt.Tx) error {
		stored, created = m, true
		if old, err := byKey(tx, bucketIdempotency, m.IdempotencyKey); old != nil || err != nil {
			stored, created = old, false
			return err
		}
		if err := putIndexed(tx, m, data, es); err != nil {
			return err
		}
		if err := addCounts(tx, m, 1); err != nil {
			return err
		}
		return s.emit(tx, KindEnqueued, nil, m, "")
	})
	if err != nil {
		return nil, false, err
	}
	if created && stored.Status == Queued {
		s.notifyReady()
	}
	return stored, created, nil
}

// EnqueueBulk stores every message of ms in one commit, or none of them. An
// item whose idempotency key is already stored is not stored again; its id is
// the first message's. It returns the ids in the order of ms, or an EINVALID
// *Error whose Items name every bad item.
func (s *Store) EnqueueBulk(ms []*Message) ([]string, error) {
	if len(ms) > BulkMax {
		return nil, CheckBulk(len(ms))
	}
	now := s.now()
	var items []ItemError
	for i, m := range ms {
		if err := s.prepare(m, now); err != nil {
			items = append(items, ItemErrorOf(i, err))
		}
	}
	if len(items) > 0 {
		return nil, InvalidItems(items)
	}
	// The records and their index keys are built before the commit's turn,
	// which serializes every writer.
	records := make([][]byte, len(ms))
	indexes := make([][]entry, len(ms))
	for i, m := range ms {
		var err error
		if records[i], err = encodeRecord(nil, m); err != nil {
			return nil, err
		}
		indexes[i] = entries(m)
	}
	ids := make([]string, len(ms))
	err := s.update(func(tx *bolt.Tx) error {
		c := counts{}
		s.expectChanges(len(ms))
		for i, m := range ms {
			old, err := byKey(tx, bucketIdempotency, m.IdempotencyKey)
			switch {
			case err != nil:
				return err
			case old != nil:
				ids[i] = old.ID
				continue
			}
			ids[i] = m.ID
			if err := putIndexed(tx, m, records[i], indexes[i]); err != nil {
				return err
			}
			c.add(m, 1)
			if err := s.emit(tx, KindEnqueued, nil, m, ""); err != nil {
				return err
			}
		}
		return c.write(tx)
	})
	if err != nil {
		return nil, err
	}
	s.notifyReady()
	return ids, nil
}

// prepare fills the defaults of a new message and checks it (complete, as
// an Intake does: a caller that skipped it cannot store a bad message), and
// gives it an id, a creation time and its first status.
func (s *Store) prepare(m *Message, now time.Time) error {
	if err := m.complete(); err != nil {
		return err
	}
	m.ID = s.ids.next(now)
	m.CreatedAt = now
	m.Attempts = 0
	m.History = nil
	// Lifecycle fields are the store's: a client cannot set them.
	m.NextAttemptAt, m.SentAt, m.DeliveredAt, m.ReadAt, m.LeaseUntil = nil, nil, nil, nil, nil
	m.LastError, m.GatewayMessageID, m.SentAs = "", "", ""
	st := Queued
	if m.SendAt != nil && m.SendAt.After(now) {
		st = Scheduled
	}
	m.setStatus(st, now, m.firstNote)
	return nil
}

// byKey follows a key -> id index to its message; it returns nil, nil for an
// empty or unknown key.
func byKey(tx *bolt.Tx, bucket []byte, key string) (*Message, error) {
	if key == "" {
		return nil, nil
	}
	id := tx.Bucket(bucket).Get([]byte(key))
	if id == nil {
		return nil, nil
	}
	return get(tx, string(id))
}
