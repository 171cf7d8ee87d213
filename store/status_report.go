package store

import (
	"encoding/json"
	"time"

	bolt "go.etcd.io/bbolt"
)

// PendingMax caps the early reports kept for one gateway id; a gateway that
// repeats itself more than that only repeats what is already there.
const PendingMax = 8

// pending is a status a gateway reported for an id no message carries yet.
// Webhooks race the sender: Evolution's SERVER_ACK can arrive before the
// sender has stored the id the send returned. MarkSent applies what waited.
type pending struct {
	Status Status    `json:"status"`
	At     time.Time `json:"at"`
	Reason string    `json:"reason,omitempty"`
	Seen   time.Time `json:"seen"` // when it was received, for the clean
}

// ReportStatus records a status a gateway reported for the message it knows
// as gid: sent, delivered, read or failed, only ever forward (see Advance).
// When no message carries gid yet, the report is kept and applied when the
// sender marks a message sent under gid; m is nil then. Repeated reports
// change nothing and return changed false. It returns EINVALID for another
// status or an empty gid.
func (s *Store) ReportStatus(gid string, st Status, at time.Time, reason string) (m *Message, changed bool, err error) {
	if gid == "" {
		return nil, false, FieldErrorf("gateway_message_id", "empty gateway message id")
	}
	if !reportable(st) {
		return nil, false, FieldErrorf("status", "%q is not a status a gateway reports", st)
	}
	err = s.update(func(tx *bolt.Tx) error {
		m, changed = nil, false
		id := tx.Bucket(bucketGateway).Get([]byte(gid))
		if id == nil {
			changed, err = keepPending(tx, gid, pending{Status: st, At: at, Reason: reason, Seen: s.now()})
			return err
		}
		old, err := get(tx, string(id))
		if err != nil {
			return err
		}
		n := *old
		if !forward(&n, st, at, reason) {
			m = old
			return nil
		}
		m, changed = &n, true
		if err := save(tx, old, &n); err != nil {
			return err
		}
		return s.emit(tx, gatewayKind(st), old, &n, "")
	})
	return m, changed, err
}

func reportable(st Status) bool { return st == Sent || st == Delivered || st == Read || st == Failed }

// forward applies a gateway's status to m when it moves m forward, and
// reports whether it did. failed is taken only before delivery.
func forward(m *Message, st Status, at time.Time, reason string) bool {
	cur, ok := progress[m.Status]
	if !ok || (st == Failed && cur > progress[Sent]) || (st != Failed && progress[st] <= cur) {
		return false
	}
	advance(m, st, at, reason)
	return true
}

func keepPending(tx *bolt.Tx, gid string, p pending) (bool, error) {
	b := tx.Bucket(bucketPending)
	var ps []pending
	if v := b.Get([]byte(gid)); v != nil {
		if err := json.Unmarshal(v, &ps); err != nil {
			return false, Errorf(EINTERNAL, "pending reports of %s: %v", gid, err)
		}
	}
	for _, q := range ps {
		if q.Status == p.Status {
			return false, nil
		}
	}
	if len(ps) >= PendingMax {
		return false, nil
	}
	v, err := json.Marshal(append(ps, p))
	if err != nil {
		return false, err
	}
	return true, b.Put([]byte(gid), v)
}

// applyPending moves m, just marked sent, on by the reports that arrived
// for its gateway id before, each a transition of its own, forgets them,
// and returns the message as they left it (m itself when none moved it).
func (s *Store) applyPending(tx *bolt.Tx, m *Message) (*Message, error) {
	b := tx.Bucket(bucketPending)
	if m.GatewayMessageID == "" {
		return m, nil
	}
	v := b.Get([]byte(m.GatewayMessageID))
	if v == nil {
		return m, nil
	}
	var ps []pending
	if err := json.Unmarshal(v, &ps); err == nil {
		for _, p := range ps {
			n := *m // each step is a message of its own for the feed
			if !forward(&n, p.Status, p.At, p.Reason) {
				continue
			}
			if err := s.emit(tx, gatewayKind(p.Status), m, &n, ""); err != nil {
				return nil, err
			}
			m = &n
		}
	}
	return m, b.Delete([]byte(m.GatewayMessageID))
}

// CleanPendingReports forgets the early reports received before olderThan
// whose message never showed up (sent by something else on the same
// instance).
// It returns how many gateway ids it forgot.
func (s *Store) CleanPendingReports(olderThan time.Time) (int, error) {
	n := 0
	err := s.update(func(tx *bolt.Tx) error {
		n = 0
		c := tx.Bucket(bucketPending).Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			var ps []pending
			if json.Unmarshal(v, &ps) == nil && len(ps) > 0 && !ps[0].Seen.Before(olderThan) {
				continue
			}
			if err := c.Delete(); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

// PendingReports returns how many gateway ids have reports waiting for
// their message.
func (s *Store) PendingReports() (int, error) {
	n := 0
	err := s.view(func(tx *bolt.Tx) error {
		n = tx.Bucket(bucketPending).Stats().KeyN
		return nil
	})
	return n, err
}
