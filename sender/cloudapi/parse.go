package cloudapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/waqhq/waq/sender"
	"github.com/waqhq/waq/store"
)

// source names the Cloud API in events.
const source = "cloudapi"

// ErrNotWhatsApp is returned by ParseWebhook for a JSON body whose object is
// not "whatsapp_business_account" (a Page or Instagram webhook sent to the
// wrong URL).
var ErrNotWhatsApp = errors.New(`cloudapi: webhook object is not "whatsapp_business_account"`)

// webhook is the envelope of every Cloud API webhook POST.
type webhook struct {
	Object string `json:"object"`
	Entry  []struct {
		Changes []struct {
			Field string          `json:"field"`
			Value json.RawMessage `json:"value"`
		} `json:"changes"`
	} `json:"entry"`
}

// value is the "messages" field's payload. Only what waq uses is decoded:
// conversation and pricing change with Meta's pricing model.
type value struct {
	Metadata struct {
		PhoneNumberID string `json:"phone_number_id"`
	} `json:"metadata"`
	Statuses []status     `json:"statuses"`
	Messages []inbound    `json:"messages"`
	Errors   []graphError `json:"errors"`
}

// ParseWebhook turns a Cloud API webhook body into events: statuses of sent
// messages, inbound messages, and an EventOther for anything else, so that
// it is still counted. A part it cannot read becomes an EventOther too,
// since Meta retries a rejected webhook for days. It returns an error only
// for a body that is not JSON, or ErrNotWhatsApp.
func ParseWebhook(body []byte) ([]sender.GatewayEvent, error) {
	var w webhook
	if err := json.Unmarshal(body, &w); err != nil {
		return nil, fmt.Errorf("cloudapi: parse webhook: %w", err)
	}
	if w.Object != "whatsapp_business_account" {
		return nil, fmt.Errorf("%w: got %q", ErrNotWhatsApp, w.Object)
	}
	var evs []sender.GatewayEvent
	for _, e := range w.Entry {
		for _, c := range e.Changes {
			evs = append(evs, change(c.Field, c.Value)...)
		}
	}
	return evs, nil
}

// change parses one entry.changes[] item.
func change(field string, raw json.RawMessage) []sender.GatewayEvent {
	other := []sender.GatewayEvent{{Kind: sender.EventOther, Source: source, Name: field}}
	var v value
	if field != "messages" || json.Unmarshal(raw, &v) != nil {
		return other
	}
	id := v.Metadata.PhoneNumberID
	var evs []sender.GatewayEvent
	for _, s := range v.Statuses {
		evs = append(evs, s.event(id))
	}
	for _, m := range v.Messages {
		evs = append(evs, m.event(id))
	}
	for _, e := range v.Errors {
		evs = append(evs, sender.GatewayEvent{Kind: sender.EventOther, Source: source, Name: "errors", Instance: id, Reason: e.reason()})
	}
	if len(evs) == 0 {
		other[0].Instance = id
		return other
	}
	return evs
}

// status is one value.statuses[] item.
type status struct {
	ID        string       `json:"id"`
	Status    string       `json:"status"`
	Timestamp unixTime     `json:"timestamp"`
	Errors    []graphError `json:"errors"`
}

// statuses maps the Cloud API's status words to waq's; others ("deleted",
// "warning", "played") are reported as EventOther.
var statuses = map[string]store.Status{
	"sent": store.Sent, "delivered": store.Delivered, "read": store.Read, "failed": store.Failed,
}

func (s status) event(instance string) sender.GatewayEvent {
	ev := sender.GatewayEvent{
		Kind: sender.EventOther, Source: source, Name: "statuses", Instance: instance,
		At: s.Timestamp.Time, GatewayID: s.ID, RawStatus: s.Status,
	}
	st, ok := statuses[s.Status]
	if !ok {
		return ev
	}
	ev.Kind, ev.Status = sender.EventStatus, st
	if st == store.Failed {
		ev.Reason = "cloudapi: failed without an error code"
		if len(s.Errors) > 0 {
			ev.Reason = s.Errors[0].reason()
		}
	}
	return ev
}

// unixTime reads Meta's timestamps, seconds as a string ("1705395000"),
// and also as a bare number. An unreadable one is the zero time.
type unixTime struct{ time.Time }

func (t *unixTime) UnmarshalJSON(b []byte) error {
	sec, err := strconv.ParseInt(strings.Trim(string(b), `"`), 10, 64)
	if err == nil && sec > 0 {
		t.Time = time.Unix(sec, 0).UTC()
	}
	return nil
}
