package ui

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/julienschmidt/httprouter"

	"github.com/waqhq/waq/stats"
	"github.com/waqhq/waq/store"
)

// EventsMax is the most events one POST /v1/events takes.
const EventsMax = 1000

// EventTracker counts the analytics events clients report
// (*stats.Tracker).
type EventTracker interface {
	// Track counts valid events, all or none. It returns an EINVALID
	// *store.Error with one item per invalid event.
	Track(evs []stats.ClientEvent) error
}

// eventRequest is one event as a client sends it (stats.ClientEvent's fields,
// not embedded, so a decoding error names the field alone). at is read
// here, so a time that does not parse is an invalid field, not bad JSON.
type eventRequest struct {
	Type     string   `json:"type"`
	Kind     string   `json:"kind"`
	Contact  string   `json:"contact"`
	Campaign string   `json:"campaign"`
	Value    *float64 `json:"value"`
	Currency string   `json:"currency"`
	At       string   `json:"at"`
}

// postEvents answers POST /v1/events: one event object, or {"events":
// [...]} with up to EventsMax, counted all or none; 202 {"accepted": n}.
// Malformed JSON is EBADREQUEST, an invalid event EINVALID (with items for
// a list), and the route is ENOTIMPLEMENTED without a tracker.
func (s *Server) postEvents(r *http.Request, _ httprouter.Params) (any, error) {
	if s.opts.Events == nil {
		return nil, store.Errorf(ENOTIMPLEMENTED, "POST /v1/events needs the analytics tracker, which this server runs without")
	}
	raws, list, err := eventItems(r)
	if err != nil {
		return nil, err
	}
	evs, err := s.decodeEvents(raws)
	if err == nil {
		err = s.opts.Events.Track(evs)
	}
	if err != nil {
		if !list {
			return nil, firstItem(err)
		}
		return nil, err
	}
	return reply{http.StatusAccepted, map[string]int{"accepted": len(evs)}}, nil
}

// eventItems reads the body and returns its events undecoded, and whether
// it was a list. It returns an EBADREQUEST *store.Error for a body that is
// not a JSON object, and an EINVALID one for an empty or oversized list.
func eventItems(r *http.Request) (raws []json.RawMessage, list bool, err error) {
	b, err := readBody(r)
	if err != nil {
		return nil, false, err
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, false, store.Errorf(EBADREQUEST, "the request body is empty; this route takes an event or {\"events\": [...]}")
	}
	var probe map[string]json.RawMessage
	if err := decodeStrict(b, &probe); err != nil {
		return nil, false, aboutBody(err)
	}
	if _, ok := probe["events"]; !ok {
		return []json.RawMessage{b}, false, nil
	}
	var req struct {
		Events []json.RawMessage `json:"events"`
	}
	if err := decodeStrict(b, &req); err != nil {
		return nil, true, aboutBody(err)
	}
	switch n := len(req.Events); {
	case n == 0:
		return nil, true, store.FieldErrorf("events", "must hold at least one event")
	case n > EventsMax:
		return nil, true, store.FieldErrorf("events", "holds %d events; the most is %d", n, EventsMax)
	}
	return req.Events, true, nil
}

// decodeEvents decodes and checks every event, so one answer names every
// bad one: EBADREQUEST with items when some are malformed, else EINVALID
// with items when some are invalid.
func (s *Server) decodeEvents(raws []json.RawMessage) ([]stats.ClientEvent, error) {
	evs := make([]stats.ClientEvent, len(raws))
	var malformed, invalid []store.ItemError
	now := s.now()
	for i, raw := range raws {
		var req eventRequest
		if err := decodeStrict(raw, &req); err != nil {
			malformed = append(malformed, store.ItemErrorOf(i, err))
			continue
		}
		if c, err := s.number(req.Contact); err == nil {
			req.Contact = c // in any form POST /v1/messages takes; else refused as it is
		}
		ev, err := req.event(now)
		if err != nil {
			invalid = append(invalid, store.ItemErrorOf(i, err))
			continue
		}
		evs[i] = ev
	}
	switch {
	case len(malformed) > 0:
		return nil, &store.Error{Code: EBADREQUEST, Message: "some events are malformed; none was counted", Items: malformed}
	case len(invalid) > 0:
		return nil, &store.Error{Code: store.EINVALID, Message: "some events are invalid; none was counted", Items: invalid}
	}
	return evs, nil
}

// event returns the event the request describes, checked as of now. It
// returns an EINVALID *store.Error naming the first bad field.
func (req *eventRequest) event(now time.Time) (stats.ClientEvent, error) {
	ev := stats.ClientEvent{Type: req.Type, Kind: req.Kind, Contact: req.Contact, Campaign: req.Campaign,
		Value: req.Value, Currency: req.Currency}
	if req.At != "" {
		at, err := time.Parse(time.RFC3339, req.At)
		if err != nil {
			return ev, store.FieldErrorf("at", "must be an RFC 3339 time such as 2026-11-26T10:00:00Z")
		}
		ev.At = &at
	}
	return ev, ev.ValidateAt(now)
}

// firstItem turns the error of a list of one into the error of a single
// event: its first item's field and message, as POST /v1/messages answers.
func firstItem(err error) error {
	var e *store.Error
	if !errors.As(err, &e) || len(e.Items) == 0 {
		return err
	}
	it := e.Items[0]
	if e.Code == EBADREQUEST && it.Field == "" {
		return &store.Error{Code: e.Code, Message: "the request body " + it.Message}
	}
	return &store.Error{Code: e.Code, Field: it.Field, Message: it.Message}
}
