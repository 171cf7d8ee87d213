package store

import (
	"time"

	bolt "go.etcd.io/bbolt"
)

// Skipped is a message SendNow left as it was, with why: its state, or
// ENOTFOUND ("not_found") for an id no message has.
type Skipped struct {
	ID     string `json:"id"`
	Status string `json:"status"`
}

// SendNow queues at once the scheduled and retrying messages among ids,
// all in one commit, and returns how many it queued and the ids it left
// alone (unknown ones, and those in any other state, such as sent or
// already queued). A scheduled message's send_at becomes now, so the
// queue wait counts from the moment the operator asked; a retrying one
// keeps its attempts. It returns an EINVALID *Error, before anything is
// written, for no ids, more than BulkMax or an empty id.
func (s *Store) SendNow(ids []string) (int, []Skipped, error) {
	if err := checkSendNow(ids); err != nil {
		return 0, nil, err
	}
	var queued int
	var skipped []Skipped
	err := s.update(func(tx *bolt.Tx) error {
		queued, skipped = 0, []Skipped{} // the commit may run fn again
		now := s.now()
		for _, id := range ids {
			old, err := get(tx, id)
			switch {
			case ErrorCode(err) == ENOTFOUND:
				skipped = append(skipped, Skipped{id, ENOTFOUND})
				continue
			case err != nil:
				return err
			case old.Status != Scheduled && old.Status != Retrying:
				skipped = append(skipped, Skipped{id, string(old.Status)})
				continue
			}
			m := sendNow(old, now)
			if err := save(tx, old, m); err != nil {
				return err
			}
			if err := s.emit(tx, KindPromoted, old, m, ""); err != nil {
				return err
			}
			queued++
		}
		return nil
	})
	if err != nil {
		return 0, nil, err
	}
	if queued > 0 {
		s.notifyReady()
	}
	return queued, skipped, nil
}

func checkSendNow(ids []string) error {
	switch {
	case len(ids) == 0:
		return FieldErrorf("ids", "is empty; name the scheduled or retrying messages to send now")
	case len(ids) > BulkMax:
		return FieldErrorf("ids", "holds %d ids; the most is %d", len(ids), BulkMax)
	}
	for i, id := range ids {
		if id == "" {
			return FieldErrorf("ids", "item %d is empty", i)
		}
	}
	return nil
}

// sendNow returns old, a scheduled or retrying message, queued at now.
func sendNow(old *Message, now time.Time) *Message {
	m := *old
	if m.SendAt != nil && m.SendAt.After(now) {
		at := now
		m.SendAt = &at
	}
	m.NextAttemptAt, m.LeaseUntil = nil, nil
	m.setStatus(Queued, now, "sent now by the operator")
	return &m
}
