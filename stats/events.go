package stats

import (
	"errors"
	"math"
	"time"

	"github.com/waqhq/waq/store"
)

// Event types of POST /v1/events: what the pipeline cannot see.
const (
	EventConversationStarted = "conversation_started"
	EventConversationEnded   = "conversation_ended"
	EventHandoff             = "handoff" // bot to human
	EventConversion          = "conversion"
	EventMessageReceived     = "message_received" // traffic outside the gateways
)

// Conversion kinds, the steps of the funnel.
const (
	KindLead          = "lead"
	KindQualifiedLead = "qualified_lead"
	KindAppointment   = "appointment"
	KindSale          = "sale"
)

// Limits of an event.
const (
	EventFutureMax = 5 * time.Minute // how far ahead of the clock at may be
	campaignMax    = 256             // bytes, as for a message's campaign
)

// ClientEvent is one analytics event a client reports.
type ClientEvent struct {
	Type     string     `json:"type"`
	Kind     string     `json:"kind,omitempty"`     // for a conversion
	Contact  string     `json:"contact"`            // E.164
	Campaign string     `json:"campaign,omitempty"` // the campaign it is credited to
	Variant  string     `json:"variant,omitempty"`  // the campaign's variant; by default the one the contact was sent (see variantOf)
	Value    *float64   `json:"value,omitempty"`    // for a conversion, with currency
	Currency string     `json:"currency,omitempty"` // ISO 4217, e.g. "EUR"
	At       *time.Time `json:"at,omitempty"`       // when it happened; now when nil
}

// Validate checks e against the clock (see ValidateAt).
func (e *ClientEvent) Validate() error { return e.ValidateAt(time.Now()) }

// ValidateAt checks e as of now. It returns an EINVALID *store.Error
// naming the first bad field: type not one of the five; kind missing or
// unknown on a conversion, or given on another type; contact not E.164;
// value negative or given without a currency, or on another type than a
// conversion; currency not three upper-case letters, or given without a
// value; at more than EventFutureMax ahead of now or older than the minute
// counters are kept (MinuteRetentionDefault).
func (e *ClientEvent) ValidateAt(now time.Time) error {
	switch e.Type {
	case EventConversationStarted, EventConversationEnded, EventHandoff, EventMessageReceived:
		if e.Kind != "" {
			return store.FieldErrorf("kind", "is only for a conversion")
		}
		if e.Value != nil {
			return store.FieldErrorf("value", "is only for a conversion")
		}
	case EventConversion:
		if err := e.validateConversion(); err != nil {
			return err
		}
	default:
		return store.FieldErrorf("type", "must be one of conversation_started, conversation_ended, handoff, conversion, message_received")
	}
	switch {
	case !store.ValidPhone(e.Contact):
		return store.FieldErrorf("contact", "must be an E.164 phone number such as +34600111222")
	case len(e.Campaign) > campaignMax:
		return store.FieldErrorf("campaign", "is longer than %d bytes", campaignMax)
	case e.Variant != "" && (e.Campaign == "" || e.Type != EventConversion):
		return store.FieldErrorf("variant", "is only for a conversion with a campaign")
	case len(e.Variant) > VariantNameMax:
		return store.FieldErrorf("variant", "is longer than %d characters", VariantNameMax)
	case e.At != nil && e.At.After(now.Add(EventFutureMax)):
		return store.FieldErrorf("at", "is more than %s in the future", EventFutureMax)
	case e.At != nil && e.At.Before(now.Add(-MinuteRetentionDefault)):
		return store.FieldErrorf("at", "is older than %d days, which the counters no longer take", int(MinuteRetentionDefault/(24*time.Hour)))
	}
	return nil
}

func (e *ClientEvent) validateConversion() error {
	switch e.Kind {
	case KindLead, KindQualifiedLead, KindAppointment, KindSale:
	case "":
		return store.FieldErrorf("kind", "is required for a conversion: lead, qualified_lead, appointment or sale")
	default:
		return store.FieldErrorf("kind", "must be one of lead, qualified_lead, appointment, sale")
	}
	switch {
	case e.Value != nil && (*e.Value < 0 || math.IsNaN(*e.Value) || math.IsInf(*e.Value, 0)):
		return store.FieldErrorf("value", "must be a number of 0 or more")
	case e.Value != nil && !validCurrency(e.Currency):
		return store.FieldErrorf("currency", "must be a three-letter upper-case ISO 4217 code such as EUR with a value")
	case e.Value == nil && e.Currency != "":
		return store.FieldErrorf("currency", "is given without a value")
	}
	return nil
}

func validCurrency(s string) bool {
	if len(s) != 3 {
		return false
	}
	for i := range 3 {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}

// Track validates every event and counts them all, or none: an invalid
// event makes it return an EINVALID *store.Error with one item per bad
// event (its index, field and message), and a contact state it cannot read
// returns the store's error. Like the hooks, it counts in memory; the next
// flush writes.
func (t *Tracker) Track(evs []ClientEvent) error {
	now := t.now()
	var items []store.ItemError
	for i := range evs {
		if err := evs[i].ValidateAt(now); err != nil {
			items = append(items, itemError(i, err))
		}
	}
	if len(items) > 0 {
		return &store.Error{Code: store.EINVALID, Message: "some events are invalid; none was counted", Items: items}
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	for i := range evs { // load every state first, so a store error counts nothing
		if _, err := t.contact(evs[i].Contact); err != nil {
			return err
		}
	}
	for i := range evs {
		t.apply(&evs[i], now)
	}
	return nil
}

func itemError(i int, err error) store.ItemError {
	var e *store.Error
	if errors.As(err, &e) {
		return store.ItemError{Index: i, Field: e.Field, Message: e.Message}
	}
	return store.ItemError{Index: i, Message: err.Error()}
}

// apply counts one valid event whose contact state is loaded. t.mu must be
// held.
func (t *Tracker) apply(e *ClientEvent, now time.Time) {
	at := timeOr(e.At, now)
	d := dims{campaign: e.Campaign}
	switch e.Type {
	case EventMessageReceived:
		t.received(e.Contact, at, "", e.Campaign)
		return
	case EventConversationStarted:
		t.counters(at, d).ConversationsStarted++
		// The contact is in a conversation now: its next message does not
		// start another by itself.
		if s := t.touchContact(e.Contact); s != nil {
			t.opened(s, at.UnixMilli(), d)
		}
	case EventConversationEnded:
		t.counters(at, d).ConversationsEnded++
		// Ended: not again by itself; the contact's next message starts a
		// new conversation.
		if s := t.touchContact(e.Contact); s != nil {
			s.closed(at.UnixMilli())
		}
	case EventHandoff:
		t.counters(at, d).Handoffs++
	case EventConversion:
		d.variant = t.variantOf(e)
		convert(e, t.counters(at, d))
	}
}

// convert counts a conversion's kind and value.
func convert(e *ClientEvent, c *Counters) {
	switch e.Kind {
	case KindLead:
		c.Leads++
	case KindQualifiedLead:
		c.QualifiedLeads++
	case KindAppointment:
		c.Appointments++
	case KindSale:
		c.Sales++
	}
	if e.Value != nil {
		if c.Value == nil {
			c.Value = make(map[string]float64)
		}
		c.Value[e.Currency] += *e.Value
	}
}
