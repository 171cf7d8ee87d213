package store

import (
	"encoding/json"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Scopes of an opt-out.
const (
	ScopeAll       = "all"       // nothing is sent to the contact
	ScopeMarketing = "marketing" // campaign and low-priority messages are not sent
)

// Sources of an opt-out.
const (
	OptoutAPI     = "api"     // POST /v1/optouts
	OptoutKeyword = "keyword" // the contact wrote an opt-out word (STOP, BAJA...)
)

// Optout is one contact on the suppression list.
type Optout struct {
	Contact string    `json:"contact"`
	Scope   string    `json:"scope"`
	Reason  string    `json:"reason,omitempty"`
	Source  string    `json:"source"`
	At      time.Time `json:"at"`
}

var bucketOptouts = []byte("optouts")

// Validate checks an opt-out before it is stored: an E.164 contact and a
// known scope (all when empty). It returns EINVALID with the field.
func (o *Optout) Validate() error {
	if !ValidPhone(o.Contact) {
		return FieldErrorf("contact", "must be an E.164 phone number such as +34600111222")
	}
	switch o.Scope {
	case "":
		o.Scope = ScopeAll
	case ScopeAll, ScopeMarketing:
	default:
		return FieldErrorf("scope", "must be all or marketing")
	}
	if len(o.Reason) > 500 {
		return FieldErrorf("reason", "is longer than 500 bytes")
	}
	return nil
}

// AddOptout puts a contact on the suppression list, or widens its scope
// when it is there already (marketing to all; never the other way). It
// returns the stored entry and whether it changed anything, or EINVALID.
func (s *Store) AddOptout(o Optout) (Optout, bool, error) {
	if err := o.Validate(); err != nil {
		return o, false, err
	}
	if o.At.IsZero() {
		o.At = s.now()
	}
	changed := false
	err := s.update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketOptouts)
		var cur Optout
		if v := b.Get([]byte(o.Contact)); v != nil && json.Unmarshal(v, &cur) == nil {
			if cur.Scope == ScopeAll || o.Scope == cur.Scope {
				o, changed = cur, false
				return nil
			}
		}
		v, err := json.Marshal(o)
		if err != nil {
			return err
		}
		changed = true
		return b.Put([]byte(o.Contact), v)
	})
	return o, changed, err
}

// Optout returns the contact's entry, or ENOTFOUND.
func (s *Store) Optout(contact string) (Optout, error) {
	var o Optout
	err := s.view(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketOptouts).Get([]byte(contact))
		if v == nil {
			return Errorf(ENOTFOUND, "%s is not on the suppression list", contact)
		}
		return json.Unmarshal(v, &o)
	})
	return o, err
}

// RemoveOptout takes a contact off the list; ENOTFOUND when it was not on it.
func (s *Store) RemoveOptout(contact string) error {
	return s.update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketOptouts)
		if b.Get([]byte(contact)) == nil {
			return Errorf(ENOTFOUND, "%s is not on the suppression list", contact)
		}
		return b.Delete([]byte(contact))
	})
}

// Optouts lists up to limit entries by contact, after the contact after
// ("" for the first page), and the contact to pass for the next page ("" on
// the last).
func (s *Store) Optouts(after string, limit int) ([]Optout, string, error) {
	if limit <= 0 || limit > ListLimitMax {
		return nil, "", FieldErrorf("limit", "must be between 1 and %d", ListLimitMax)
	}
	var out []Optout
	next := ""
	err := s.view(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketOptouts).Cursor()
		k, v := c.Seek([]byte(after))
		if k != nil && string(k) == after {
			k, v = c.Next()
		}
		for ; k != nil; k, v = c.Next() {
			if len(out) == limit {
				next = out[len(out)-1].Contact
				return nil
			}
			var o Optout
			if err := json.Unmarshal(v, &o); err != nil {
				return Errorf(EINTERNAL, "optout %s: %v", k, err)
			}
			out = append(out, o)
		}
		return nil
	})
	return out, next, err
}

// Suppresses reports whether the entry keeps m from being sent: every
// message for scope all; campaign and low-priority ones for marketing.
func (o Optout) Suppresses(m *Message) bool {
	if o.Scope == ScopeAll {
		return true
	}
	return m.Campaign != "" || m.Priority == Low
}

// Suppress cancels a leased message whose contact opted out, without a
// try: the note says why. It returns ECONFLICT unless the message is sending.
func (s *Store) Suppress(id, note string) (*Message, error) {
	return s.transition(id, func(m *Message, now time.Time) (TransitionKind, error) {
		if m.Status != Sending {
			return "", Errorf(ECONFLICT, "message %s is %s, not sending", id, m.Status)
		}
		m.LeaseUntil = nil
		m.setStatus(Cancelled, now, note)
		return KindSuppressed, nil
	})
}
