package stats

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/waqhq/waq/store"
	"github.com/waqhq/waq/store/statsdb"
)

// sendsMax caps the campaign messages a contact's state remembers inside
// the reply window; a contact sent more than that in one window has its
// oldest ones forgotten (counted as unanswered).
const sendsMax = 16

// contactState is what the tracker remembers of one contact, in the
// statsdb.Contacts bucket under the E.164 number. Times are unix
// milliseconds, the histograms' unit, so the cached and stored states are
// the same. A state whose every time is older than the tracker's horizon
// says nothing a missing one would not, and is deleted.
type contactState struct {
	Last    int64          `json:"last,omitempty"`    // the latest message either way; 0 when silent
	Waiting int64          `json:"waiting,omitempty"` // the first unanswered inbound; 0 when none
	Sends   []campaignSend `json:"sends,omitempty"`   // campaign messages sent inside the reply window
	Conv    *conversation  `json:"conv,omitempty"`    // the open conversation; nil when none
	Ended   int64          `json:"ended,omitempty"`   // when the latest conversation ended; 0 when none did
}

// campaignSend is one campaign message sent to the contact.
type campaignSend struct {
	Campaign string `json:"c"`
	Instance string `json:"i,omitempty"`
	Type     string `json:"t,omitempty"`
	Variant  string `json:"v,omitempty"`
	At       int64  `json:"at"`
	Answered bool   `json:"a,omitempty"`
}

// answer marks the campaign messages an inbound at at answers, those sent
// at most window before it, and returns them; replyTo is the campaign of
// the latest message inside the window, answered before or not, the one
// the inbound most likely replies to.
func (s *contactState) answer(at, window int64) (answered []campaignSend, replyTo string) {
	var latest int64
	for i := range s.Sends {
		c := &s.Sends[i]
		if c.At > at || at-c.At > window {
			continue
		}
		if c.At >= latest {
			latest, replyTo = c.At, c.Campaign
		}
		if !c.Answered {
			c.Answered = true
			answered = append(answered, *c)
		}
	}
	return answered, replyTo
}

// wait starts the response clock at an inbound at at, unless an earlier
// inbound still waits for its reply inside the window.
func (s *contactState) wait(at, window int64) {
	if s.Waiting == 0 || at < s.Waiting || at-s.Waiting > window {
		s.Waiting = at
	}
}

// reply stops the response clock at a message sent at at, and returns the
// response time; ok is false when nothing waited, or waited longer than
// the window (then it is no longer a reply, and is forgotten).
func (s *contactState) reply(at, window int64) (d time.Duration, ok bool) {
	if s.Waiting == 0 || at < s.Waiting {
		return 0, false
	}
	ms := at - s.Waiting
	s.Waiting = 0
	return time.Duration(ms) * time.Millisecond, ms <= window
}

// addSend remembers a campaign message, forgetting those that left the
// window and, past sendsMax, the oldest.
func (s *contactState) addSend(c campaignSend, window int64) {
	keep := s.Sends[:0]
	for _, o := range s.Sends {
		if max(s.Last, c.At)-o.At <= window {
			keep = append(keep, o)
		}
	}
	s.Sends = append(keep, c)
	if n := len(s.Sends); n > sendsMax {
		s.Sends = append(s.Sends[:0], s.Sends[n-sendsMax:]...)
	}
}

// latest is the latest time the state remembers.
func (s *contactState) latest() int64 {
	t := max(s.Last, s.Waiting)
	for _, c := range s.Sends {
		t = max(t, c.At)
	}
	return t
}

// contact returns the state of phone, loading it on first touch. A
// missing or unreadable record is an empty state. It returns the store's
// error (EUNAVAILABLE once closed) when the record cannot be read. t.mu
// must be held.
func (t *Tracker) contact(phone string) (*contactState, error) {
	if s := t.contacts[phone]; s != nil {
		return s, nil
	}
	s := new(contactState)
	err := statsdb.View(t.Store, func(tx statsdb.Tx) error {
		if v := tx.Get(statsdb.Contacts, []byte(phone)); v != nil && json.Unmarshal(v, s) != nil {
			*s = contactState{} // rewritten whole at the next flush
			t.log().Warn("stats: unreadable contact state replaced", "bucket", statsdb.Contacts)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load contact state: %w", err)
	}
	if t.contacts == nil {
		t.contacts = make(map[string]*contactState)
	}
	t.contacts[phone] = s
	return s, nil
}

// touchContact returns the state of phone and marks it for the next
// flush, or nil (logged) when it cannot be read; the counters that do not
// need it are counted all the same. t.mu must be held.
func (t *Tracker) touchContact(phone string) *contactState {
	if phone == "" {
		return nil
	}
	s, err := t.contact(phone)
	if err != nil {
		t.log().Warn("stats: contact not tracked", "err", err)
		return nil
	}
	t.markDirty(phone)
	return s
}

// markDirty has the next flush write phone's state. t.mu must be held.
func (t *Tracker) markDirty(phone string) {
	if t.dirty == nil {
		t.dirty = make(map[string]struct{})
	}
	t.dirty[phone] = struct{}{}
}

// sentTo counts, for a message sent at at, the response time it ends (it
// starts no conversation: see outbound), and remembers it when it belongs to a
// campaign. t.mu must be held.
func (t *Tracker) sentTo(m *store.Message, at time.Time, d dims) {
	s := t.touchContact(m.To)
	if s == nil {
		return
	}
	ms, w := at.UnixMilli(), t.window().Milliseconds()
	c := t.counters(at, d)
	if rt, ok := s.reply(ms, w); ok {
		c.ResponseTime.Observe(rt)
	}
	t.outbound(s, ms)
	if m.Campaign != "" {
		s.addSend(campaignSend{Campaign: m.Campaign, Instance: m.Instance, Type: d.typ, Variant: m.Variant, At: ms}, w)
	}
}

// received counts an inbound message from phone at at: Received (in the
// campaign it replies to, the store's link first), Replied for each
// campaign message it answers, the conversation it starts, and it starts
// the response clock. t.mu must be held.
func (t *Tracker) received(phone string, at time.Time, instance, campaign string) {
	t.contactEvent(phone, at, true)
	s := t.touchContact(phone)
	if s == nil {
		t.counters(at, dims{campaign: campaign, instance: instance}).Received++
		return
	}
	ms, w := at.UnixMilli(), t.window().Milliseconds()
	answered, replyTo := s.answer(ms, w)
	for _, a := range answered {
		t.counters(at, dims{a.Campaign, a.Instance, a.Type, a.Variant}).Replied++
	}
	if campaign == "" {
		campaign = replyTo
	}
	d := dims{campaign: campaign, instance: instance}
	c := t.counters(at, d)
	c.Received++
	if t.inbound(s, ms, d) {
		c.ConversationsStarted++
	}
	s.wait(ms, w)
}
