package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// The callback outbox: a status callback is a row written in the same
// commit as the transition that causes it, so a crash can lose neither the
// one nor the other. sender/callback leases the rows that are due, posts
// them, and deletes them when delivered or expired.
var (
	bucketCallbacks   = []byte("callbacks")    // callback id -> its JSON row
	bucketCallbackDue = []byte("callback_due") // next attempt (8, unix ns) + id -> nil
)

// Counter keys of the outbox in the counts bucket.
const (
	countCallbacksPending = "callbacks:pending" // never tried
	countCallbacksFailing = "callbacks:failing" // tried, not delivered
)

// Callback is one row of the outbox.
type Callback struct {
	ID            string         `json:"id"` // the webhook-id, kept on every try
	MessageID     string         `json:"message_id"`
	Event         TransitionKind `json:"event"`  // the transition that caused it
	Status        Status         `json:"status"` // the message's new status
	URL           string         `json:"url"`
	Body          []byte         `json:"body"` // exactly what is POSTed
	CreatedAt     time.Time      `json:"created_at"`
	Attempts      int            `json:"attempts"` // tries whose outcome is known
	NextAttemptAt time.Time      `json:"next_attempt_at"`
	LastError     string         `json:"last_error,omitempty"`
	LastStatus    int            `json:"last_status,omitempty"` // HTTP status of the last try, 0 when none came
}

// Callback states, as GET /v1/callbacks filters them.
const (
	CallbackPending = "pending" // never tried yet
	CallbackFailing = "failing" // tried at least once and not delivered
)

// State is CallbackPending or CallbackFailing.
func (c *Callback) State() string {
	if c.Attempts > 0 {
		return CallbackFailing
	}
	return CallbackPending
}

// writeCallback asks the rule whether t leads to a callback and, when it
// does, writes the row, due at once.
func (s *Store) writeCallback(tx *bolt.Tx, t *Transition) error {
	url, body, ok := s.rule(t)
	if !ok {
		return nil
	}
	now := s.now()
	c := &Callback{ID: "cb_" + s.ids.next(now), MessageID: t.Message.ID, Event: t.Kind, Status: t.To,
		URL: url, Body: body, CreatedAt: now, NextAttemptAt: now}
	if err := putCallback(tx, nil, c); err != nil {
		return fmt.Errorf("callback outbox: %w", err)
	}
	t.CallbackID = c.ID
	return addCount(tx, []byte(countCallbacksPending), 1)
}

func dueKey(at time.Time, id string) []byte {
	k := binary.BigEndian.AppendUint64(make([]byte, 0, 8+len(id)), nanos(at))
	return append(k, id...)
}

// putCallback writes c and its due entry, replacing those of old.
func putCallback(tx *bolt.Tx, old, c *Callback) error {
	if old != nil {
		if err := tx.Bucket(bucketCallbackDue).Delete(dueKey(old.NextAttemptAt, old.ID)); err != nil {
			return err
		}
	}
	v, err := json.Marshal(c)
	if err != nil {
		return err
	}
	if err := tx.Bucket(bucketCallbackDue).Put(dueKey(c.NextAttemptAt, c.ID), nil); err != nil {
		return err
	}
	return tx.Bucket(bucketCallbacks).Put([]byte(c.ID), v)
}

func getCallback(tx *bolt.Tx, id string) (*Callback, error) {
	v := tx.Bucket(bucketCallbacks).Get([]byte(id))
	if v == nil {
		return nil, Errorf(ENOTFOUND, "callback %q not found", id)
	}
	c := new(Callback)
	if err := json.Unmarshal(v, c); err != nil {
		return nil, Errorf(EINTERNAL, "callback %s: %v", id, err)
	}
	return c, nil
}

// LeaseCallbacks returns up to n callbacks due at or before now and moves
// their next attempt to until, so that a try cut short by a crash is made
// again then. A leased row keeps its state; its outcome is recorded by
// DeleteCallback or RetryCallback.
func (s *Store) LeaseCallbacks(now, until time.Time, n int) ([]*Callback, error) {
	var cs []*Callback
	err := s.updateNow(func(tx *bolt.Tx) error {
		cs = cs[:0]
		var ids []string
		cur := tx.Bucket(bucketCallbackDue).Cursor()
		for k, _ := cur.First(); k != nil && len(ids) < n && !keyTime(k).After(now); k, _ = cur.Next() {
			ids = append(ids, string(k[8:]))
		}
		for _, id := range ids {
			old, err := getCallback(tx, id)
			if err != nil {
				return err
			}
			c := *old
			c.NextAttemptAt = until
			if err := putCallback(tx, old, &c); err != nil {
				return err
			}
			cs = append(cs, &c)
		}
		return nil
	})
	return cs, err
}

// DeleteCallback removes a callback that was delivered or expired. An
// unknown id is no error: the row is gone either way.
func (s *Store) DeleteCallback(id string) error {
	return s.update(func(tx *bolt.Tx) error {
		c, err := getCallback(tx, id)
		if ErrorCode(err) == ENOTFOUND {
			return nil
		} else if err != nil {
			return err
		}
		if err := tx.Bucket(bucketCallbackDue).Delete(dueKey(c.NextAttemptAt, c.ID)); err != nil {
			return err
		}
		if err := addCount(tx, []byte(callbackCountKey(c)), -1); err != nil {
			return err
		}
		return tx.Bucket(bucketCallbacks).Delete([]byte(id))
	})
}

// RetryCallback records a failed try of callback id (its error and the
// HTTP status, 0 when none came) and makes it due again at at. It returns
// ENOTFOUND for an unknown id.
func (s *Store) RetryCallback(id string, at time.Time, lastErr string, status int) error {
	return s.update(func(tx *bolt.Tx) error {
		old, err := getCallback(tx, id)
		if err != nil {
			return err
		}
		c := *old
		c.Attempts++
		c.NextAttemptAt, c.LastError, c.LastStatus = at, lastErr, status
		if err := addCount(tx, []byte(callbackCountKey(old)), -1); err != nil {
			return err
		}
		if err := addCount(tx, []byte(callbackCountKey(&c)), 1); err != nil {
			return err
		}
		return putCallback(tx, old, &c)
	})
}

func callbackCountKey(c *Callback) string {
	if c.State() == CallbackFailing {
		return countCallbacksFailing
	}
	return countCallbacksPending
}

// RescheduleCallbacks makes every callback due at now, leased ones too,
// and returns how many it moved. waq calls it at start: a try cut short by
// a stop is made again at once, and a receiver that was down may be back.
func (s *Store) RescheduleCallbacks(now time.Time) (int, error) {
	n := 0
	err := s.update(func(tx *bolt.Tx) error {
		n = 0
		var olds []*Callback
		err := tx.Bucket(bucketCallbacks).ForEach(func(k, _ []byte) error {
			c, err := getCallback(tx, string(k))
			olds = append(olds, c)
			return err
		})
		if err != nil {
			return err
		}
		for _, old := range olds {
			c := *old
			c.NextAttemptAt = now
			if err := putCallback(tx, old, &c); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

// NextCallbackDue returns when the first callback is due, and false when
// the outbox is empty.
func (s *Store) NextCallbackDue() (time.Time, bool, error) {
	var t time.Time
	var ok bool
	err := s.view(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bucketCallbackDue); b != nil {
			if k, _ := b.Cursor().First(); k != nil {
				t, ok = keyTime(k), true
			}
		}
		return nil
	})
	return t, ok, err
}

// CallbackCounts returns how many callbacks wait for their first try
// (pending) and how many were tried and not delivered (failing).
func (s *Store) CallbackCounts() (pending, failing int, err error) {
	err = s.view(func(tx *bolt.Tx) error {
		pending, failing = getCount(tx, countCallbacksPending), getCount(tx, countCallbacksFailing)
		return nil
	})
	return pending, failing, err
}

// Callbacks lists the outbox oldest first: rows in state (CallbackPending,
// CallbackFailing, or "" for both), at most limit, after the row id after
// ("" from the start). next is the cursor of the following page, "" on the
// last one. It returns EINVALID for another state.
func (s *Store) Callbacks(state, after string, limit int) (cs []*Callback, next string, err error) {
	if state != "" && state != CallbackPending && state != CallbackFailing {
		return nil, "", FieldErrorf("state", "%q is not a callback state: pending or failing", state)
	}
	if limit <= 0 {
		limit = 100
	}
	err = s.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketCallbacks)
		if b == nil {
			return nil
		}
		cur := b.Cursor()
		k, _ := cur.Seek([]byte(after))
		if after != "" && bytes.Equal(k, []byte(after)) {
			k, _ = cur.Next()
		}
		for ; k != nil; k, _ = cur.Next() {
			c, err := getCallback(tx, string(k))
			if err != nil {
				return err
			}
			if state != "" && c.State() != state {
				continue
			}
			if len(cs) == limit {
				next = cs[len(cs)-1].ID
				return nil
			}
			cs = append(cs, c)
		}
		return nil
	})
	return cs, next, err
}
