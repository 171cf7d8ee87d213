package store

import (
	"time"

	bolt "go.etcd.io/bbolt"
)

// Message returns the message with the given id, or ENOTFOUND.
func (s *Store) Message(id string) (*Message, error) {
	var m *Message
	err := s.view(func(tx *bolt.Tx) (err error) {
		m, err = get(tx, id)
		return err
	})
	return m, err
}

// MessageByGatewayID returns the message a gateway knows by gid, or ENOTFOUND.
func (s *Store) MessageByGatewayID(gid string) (*Message, error) {
	var m *Message
	err := s.view(func(tx *bolt.Tx) (err error) {
		if m, err = byKey(tx, bucketGateway, gid); err == nil && m == nil {
			err = Errorf(ENOTFOUND, "no message has gateway id %q", gid)
		}
		return err
	})
	return m, err
}

// Lease takes the oldest message of the highest non-empty priority and marks
// it sending until deadline. It returns ErrEmpty when nothing is ready.
func (s *Store) Lease(deadline time.Time) (*Message, error) {
	ms, err := s.LeaseBatch(1, deadline)
	if err != nil {
		return nil, err
	}
	return ms[0], nil
}

// LeaseBatch takes up to n ready messages in priority order (the oldest of
// the highest non-empty priority first) and marks them sending until
// deadline, in one commit: a sender with n free slots pays one fsync for
// all of them. It returns ErrEmpty when nothing is ready.
func (s *Store) LeaseBatch(n int, deadline time.Time) ([]*Message, error) {
	var ms []*Message
	err := s.updateNow(func(tx *bolt.Tx) error {
		ms = ms[:0]
		ids := readyIDs(tx, n)
		now := s.now()
		for _, id := range ids {
			old, err := get(tx, id)
			if err != nil {
				return err
			}
			m, err := s.leaseOne(tx, old, deadline, now, "")
			if err != nil {
				return err
			}
			ms = append(ms, m)
		}
		return nil
	})
	switch {
	case err != nil:
		return nil, err // what the function leased was rolled back
	case len(ms) == 0:
		return nil, ErrEmpty
	}
	return ms, nil
}

// readyIDs returns the ids of the first n keys of the ready index, collected
// before any of them is moved, since save rewrites that index.
func readyIDs(tx *bolt.Tx, n int) []string {
	var ids []string
	c := tx.Bucket(bucketReady).Cursor()
	for k, _ := c.First(); k != nil && len(ids) < n; k, _ = c.Next() {
		ids = append(ids, string(k[1:]))
	}
	return ids
}

// transition applies fn to a copy of message id and stores the result with
// its indexes, in one commit, reporting it to the feed as the kind fn
// returns. fn returns an error to leave the message as it was. It returns
// ENOTFOUND for an unknown id.
func (s *Store) transition(id string, fn func(m *Message, now time.Time) (TransitionKind, error)) (*Message, error) {
	var m *Message
	err := s.update(func(tx *bolt.Tx) error {
		old, err := get(tx, id)
		if err != nil {
			return err
		}
		n := *old
		kind, err := fn(&n, s.now())
		if err != nil {
			return err
		}
		m = &n
		if err := save(tx, old, m); err != nil {
			return err
		}
		return s.emit(tx, kind, old, m, "")
	})
	return m, err
}

// MarkSent records that the gateway accepted a leased message under gid
// (through instance, when given),
// then applies the statuses the gateway reported for gid before this call
// (see ReportStatus). A message whose lease expired meanwhile (queued again) is
// marked sent too, so it is not sent twice. It returns ECONFLICT for any
// other state.
func (s *Store) MarkSent(id, gid, sentAs, instance string) (*Message, error) {
	var m *Message
	err := s.update(func(tx *bolt.Tx) error {
		old, err := get(tx, id)
		if err != nil {
			return err
		}
		if old.Status != Sending && old.Status != Queued {
			return Errorf(ECONFLICT, "message %s is %s, not sending", id, old.Status)
		}
		n, now := *old, s.now()
		n.Attempts++
		n.GatewayMessageID, n.SentAs = gid, sentAs
		if instance != "" {
			n.Instance = instance // the instance that sent it, for the analytics
			n.TriedBy = instance
		}
		n.LeaseUntil, n.NextAttemptAt, n.LastError = nil, nil, ""
		n.SentAt = &now
		n.setStatus(Sent, now, "")
		if err := s.emit(tx, KindSent, old, &n, ""); err != nil {
			return err
		}
		if m, err = s.applyPending(tx, &n); err != nil {
			return err
		}
		return save(tx, old, m)
	})
	return m, err
}

// Defer takes a leased message out of the queue until at without counting
// a try: the sender's pacing (a send window, a recipient's gap) holds it.
// It waits as scheduled, with next_attempt_at set to at and note in its
// history. It returns ECONFLICT unless the message is sending.
func (s *Store) Defer(id string, at time.Time, note string) (*Message, error) {
	return s.transition(id, func(m *Message, now time.Time) (TransitionKind, error) {
		if m.Status != Sending {
			return "", Errorf(ECONFLICT, "message %s is %s, not sending", id, m.Status)
		}
		m.LeaseUntil, m.NextAttemptAt = nil, &at
		m.setStatus(Scheduled, now, note)
		return KindDeferred, nil
	})
}

// Fail records a failed try of a leased message. The message goes to
// retrying, due after backoff(tries so far), or to dead when permanent is
// true or its attempts are spent. It returns ECONFLICT unless the message is
// sending.
func (s *Store) Fail(id, reason string, permanent bool, backoff func(attempt int) time.Duration) (*Message, error) {
	return s.FailBy(id, "", reason, permanent, backoff)
}

// FailBy is Fail for a try made through instance (when given), recorded in
// the message's TriedBy so the analytics count the failure on the instance
// that tried. Instance, the pin, is left alone: an unpinned message stays
// free to go out through another instance on its next try. It returns
// ECONFLICT unless the message is sending.
func (s *Store) FailBy(id, instance, reason string, permanent bool, backoff func(attempt int) time.Duration) (*Message, error) {
	return s.transition(id, func(m *Message, now time.Time) (TransitionKind, error) {
		if m.Status != Sending {
			return "", Errorf(ECONFLICT, "message %s is %s, not sending", id, m.Status)
		}
		if instance != "" {
			m.TriedBy = instance
		}
		m.Attempts++
		m.LastError, m.LeaseUntil = reason, nil
		if permanent || m.Attempts >= m.MaxAttempts {
			m.NextAttemptAt = nil
			m.setStatus(Dead, now, reason)
			return KindDead, nil
		}
		at := now.Add(backoff(m.Attempts))
		m.NextAttemptAt = &at
		m.setStatus(Retrying, now, reason)
		return KindRetried, nil
	})
}

// Release puts a leased message back in the queue without counting a try:
// the gateway could not be used (paused instance, shutdown), which is not
// the message's fault. It returns ECONFLICT unless the message is sending.
func (s *Store) Release(id, note string) (*Message, error) {
	m, err := s.transition(id, func(m *Message, now time.Time) (TransitionKind, error) {
		if m.Status != Sending {
			return "", Errorf(ECONFLICT, "message %s is %s, not sending", id, m.Status)
		}
		m.LeaseUntil = nil
		m.setStatus(Queued, now, note)
		return KindReturned, nil
	})
	if err == nil {
		s.notifyReady()
	}
	return m, err
}

// progress ranks the states a gateway reports, which only move forward.
var progress = map[Status]int{Sending: 0, Queued: 0, Sent: 1, Delivered: 2, Read: 3}

// Advance records a status the gateway reported for a sent message: sent,
// delivered, read or failed. Statuses only move forward; a repeated or late
// report leaves the message as it is and returns changed false. failed is
// taken only before delivery. It returns EINVALID for another status and
// ENOTFOUND for an unknown id.
func (s *Store) Advance(id string, st Status, at time.Time, reason string) (m *Message, changed bool, err error) {
	switch st {
	case Sent, Delivered, Read, Failed:
	default:
		return nil, false, FieldErrorf("status", "%q is not a status a gateway reports", st)
	}
	m, err = s.transition(id, func(m *Message, now time.Time) (TransitionKind, error) {
		if !forward(m, st, at, reason) {
			return "", errUnchanged
		}
		return gatewayKind(st), nil
	})
	if err == errUnchanged {
		m, err = s.Message(id)
		return m, false, err
	}
	return m, err == nil, err
}

// errUnchanged aborts a transition that has nothing to do.
var errUnchanged = Errorf(ECONFLICT, "unchanged")

func advance(m *Message, st Status, at time.Time, reason string) {
	if m.SentAt == nil {
		m.SentAt = &at
	}
	switch st {
	case Read:
		m.ReadAt = &at
		if m.DeliveredAt == nil {
			m.DeliveredAt = &at // delivered may be skipped when read comes
		}
	case Delivered:
		m.DeliveredAt = &at
	case Failed:
		m.LastError = reason
	}
	m.LeaseUntil = nil
	m.setStatus(st, at, reason)
}

// leaseOne marks old, a queued message, as sending until deadline, with
// note in its history, and records the leased transition.
func (s *Store) leaseOne(tx *bolt.Tx, old *Message, deadline, now time.Time, note string) (*Message, error) {
	m := *old
	m.LeaseUntil = &deadline
	m.setStatus(Sending, now, note)
	if err := save(tx, old, &m); err != nil {
		return nil, err
	}
	if err := s.emit(tx, KindLeased, old, &m, ""); err != nil {
		return nil, err
	}
	return &m, nil
}
