package store

import (
	"encoding/binary"
	"encoding/json"
	"time"

	bolt "go.etcd.io/bbolt"
)

// InboundRetention is how long received messages are kept. Meta redelivers
// a webhook for up to 7 days, and a redelivery must still be recognised.
const InboundRetention = 7 * 24 * time.Hour

// Inbound is a message a contact sent to one of the instances. Its text is
// not stored: waq keeps what the analytics need, not the conversation.
type Inbound struct {
	GatewayID  string    `json:"gateway_id"`
	Source     string    `json:"source"` // evolution, cloudapi, demo
	Instance   string    `json:"instance,omitempty"`
	From       string    `json:"from"`
	Type       string    `json:"type,omitempty"`
	ReplyTo    string    `json:"reply_to,omitempty"`   // gateway id of the message it answers
	MessageID  string    `json:"message_id,omitempty"` // waq's id of that message, when known
	Campaign   string    `json:"campaign,omitempty"`   // that message's campaign
	At         time.Time `json:"at"`                   // when the contact sent it
	ReceivedAt time.Time `json:"received_at"`          // when waq stored it
}

// RecordInbound stores a received message once: a repeated delivery of the
// same gateway id returns the stored record with created false and changes
// nothing. A reply to a
// message waq sent is linked to it (MessageID, Campaign). It returns
// EINVALID without a gateway id or a sender.
func (s *Store) RecordInbound(in Inbound) (stored Inbound, created bool, err error) {
	if in.GatewayID == "" || in.From == "" {
		return in, false, Errorf(EINVALID, "an inbound message needs its gateway id and its sender")
	}
	err = s.update(func(tx *bolt.Tx) error {
		stored, created = in, false
		ids := tx.Bucket(bucketInboundIDs)
		if key := ids.Get([]byte(in.GatewayID)); key != nil {
			if v := tx.Bucket(bucketInbound).Get(key); v != nil {
				_ = json.Unmarshal(v, &stored)
			}
			return nil
		}
		stored.ReceivedAt = s.now()
		if stored.At.IsZero() {
			stored.At = stored.ReceivedAt
		}
		link(tx, &stored)
		b := tx.Bucket(bucketInbound)
		seq, _ := b.NextSequence()
		key := binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint64(nil, nanos(stored.ReceivedAt)), seq)
		v, err := json.Marshal(stored)
		if err != nil {
			return err
		}
		created = true
		if err := b.Put(key, v); err != nil {
			return err
		}
		return ids.Put([]byte(in.GatewayID), key)
	})
	return stored, created, err
}

// link ties a reply to the message it answers.
func link(tx *bolt.Tx, in *Inbound) {
	if in.ReplyTo == "" {
		return
	}
	id := tx.Bucket(bucketGateway).Get([]byte(in.ReplyTo))
	if id == nil {
		return
	}
	if m, err := get(tx, string(id)); err == nil {
		in.MessageID, in.Campaign = m.ID, m.Campaign
	}
}

// InboundSince returns up to limit messages received at or after t, oldest
// first.
func (s *Store) InboundSince(t time.Time, limit int) ([]Inbound, error) {
	var out []Inbound
	err := s.view(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketInbound).Cursor()
		for k, v := c.Seek(binary.BigEndian.AppendUint64(nil, nanos(t))); k != nil && len(out) < limit; k, v = c.Next() {
			var in Inbound
			if err := json.Unmarshal(v, &in); err != nil {
				return Errorf(EINTERNAL, "inbound %x: %v", k, err)
			}
			out = append(out, in)
		}
		return nil
	})
	return out, err
}

// CleanInbound removes the messages received before olderThan, at most
// limit, and returns how many it removed.
func (s *Store) CleanInbound(olderThan time.Time, limit int) (int, error) {
	n := 0
	err := s.update(func(tx *bolt.Tx) error {
		n = 0
		edge := nanos(olderThan)
		c := tx.Bucket(bucketInbound).Cursor()
		ids := tx.Bucket(bucketInboundIDs)
		for k, v := c.First(); k != nil && n < limit && binary.BigEndian.Uint64(k) < edge; k, v = c.First() {
			var in Inbound
			if json.Unmarshal(v, &in) == nil {
				if err := ids.Delete([]byte(in.GatewayID)); err != nil {
					return err
				}
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
