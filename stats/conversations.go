package stats

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"github.com/waqhq/waq/store/statsdb"
)

// conversation is a contact's open conversation: the dimensions it started
// in, where its end is counted too, so that started less ended of any
// campaign or instance is what it still has open.
type conversation struct {
	Campaign string `json:"c,omitempty"`
	Instance string `json:"i,omitempty"`
}

// idleEnd returns when s's open conversation ends, ConversationGap after
// its latest message either way; ok is true when one is open and at is at
// or past that end.
func (s *contactState) idleEnd(at int64) (end int64, ok bool) {
	if s.Conv == nil {
		return 0, false
	}
	end = s.Last + ConversationGap.Milliseconds()
	return end, at >= end
}

// endIdle ends s's conversation when it has been silent for
// ConversationGap at at, counting it ended at the moment the gap ran out
// (not at at, which may be the flush that noticed it) in the dimensions it
// started in. It reports whether it ended one. t.mu must be held.
func (t *Tracker) endIdle(s *contactState, at int64) bool {
	end, ok := s.idleEnd(at)
	if !ok {
		return false
	}
	t.counters(time.UnixMilli(end), dims{campaign: s.Conv.Campaign, instance: s.Conv.Instance}).ConversationsEnded++
	s.Conv, s.Ended = nil, max(s.Ended, end)
	return true
}

// outbound records a message sent to the contact at at. It keeps an open
// conversation going but never starts one: a one-way send is no
// conversation until the contact answers. t.mu must be held.
func (t *Tracker) outbound(s *contactState, at int64) {
	t.endIdle(s, at)
	s.Last = max(s.Last, at)
}

// inbound records a message from the contact at at and reports whether it
// starts a conversation, in d: it does when none is open and it is not
// older than the end of the last one (a late webhook starts none). t.mu
// must be held.
func (t *Tracker) inbound(s *contactState, at int64, d dims) bool {
	t.endIdle(s, at)
	s.Last = max(s.Last, at)
	if s.Conv != nil || at < s.Ended {
		return false
	}
	s.Conv = &conversation{Campaign: d.campaign, Instance: d.instance}
	return true
}

// opened records a conversation a client reported started at at in d: the
// contact is in one from then on, so its next message starts no second one,
// and it ends by itself after ConversationGap of silence like any other.
// t.mu must be held.
func (t *Tracker) opened(s *contactState, at int64, d dims) {
	t.endIdle(s, at)
	s.Last = max(s.Last, at)
	if s.Conv == nil {
		s.Conv = &conversation{Campaign: d.campaign, Instance: d.instance}
	}
}

// closed records a conversation a client reported ended at at: the open
// one, if any, is over and will not be counted ended a second time by
// itself; the contact's next message starts a new one.
func (s *contactState) closed(at int64) {
	s.Conv, s.Ended = nil, max(s.Ended, at)
}

// endIdleConversations ends every cached conversation silent for
// ConversationGap at now (see endIdle); Flush calls it first, so a
// conversation ends within a flush of its gap running out even when the
// contact never writes again. The first call loads the open conversations
// of the stored states, which a restart left out of the cache. It returns
// the store's error of that load, and then ends nothing.
func (t *Tracker) endIdleConversations(now time.Time) error {
	if !t.openLoaded {
		if err := t.loadOpen(); err != nil {
			return err
		}
		t.openLoaded = true
	}
	ms := now.UnixMilli()
	t.mu.Lock()
	defer t.mu.Unlock()
	for phone, s := range t.contacts {
		if t.endIdle(s, ms) {
			t.markDirty(phone)
		}
	}
	return nil
}

// loadOpen caches every stored contact state with an open conversation
// that is not cached yet. t.flushMu must be held, so no flush writes a
// newer state meanwhile.
func (t *Tracker) loadOpen() error {
	found := make(map[string]*contactState)
	err := statsdb.View(t.Store, func(tx statsdb.Tx) error {
		tx.Scan(statsdb.Contacts, nil, nil, func(k, v []byte) bool {
			if !bytes.Contains(v, []byte(`"conv":`)) {
				return true // most states: no conversation, not worth decoding
			}
			s := new(contactState)
			if json.Unmarshal(v, s) == nil && s.Conv != nil {
				found[string(k)] = s
			}
			return true
		})
		return nil
	})
	if err != nil {
		return fmt.Errorf("load open conversations: %w", err)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.contacts == nil {
		t.contacts = make(map[string]*contactState)
	}
	for phone, s := range found {
		if t.contacts[phone] == nil {
			t.contacts[phone] = s
		}
	}
	return nil
}
