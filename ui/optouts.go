package ui

import (
	"encoding/base64"
	"net/http"
	"strconv"

	"github.com/julienschmidt/httprouter"

	"github.com/waqhq/waq/store"
)

// optoutList is the answer of GET /v1/optouts.
type optoutList struct {
	Optouts    []store.Optout `json:"optouts"`
	NextCursor string         `json:"next_cursor,omitempty"`
}

// listOptouts answers GET /v1/optouts with the suppression list by contact,
// a page of limit (50 by default) after cursor.
func (s *Server) listOptouts(r *http.Request, _ httprouter.Params) (any, error) {
	q := r.URL.Query()
	limit := store.ListLimitDefault
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return nil, store.FieldErrorf("limit", "must be a whole number")
		}
		limit = n
	}
	after, err := base64.RawURLEncoding.DecodeString(q.Get("cursor"))
	if err != nil || len(after) > 0 && !store.ValidPhone(string(after)) { // a page ends on a stored contact
		return nil, store.FieldErrorf("cursor", "is not a cursor this API returned")
	}
	os, next, err := s.store.Optouts(string(after), limit)
	if err != nil {
		return nil, err
	}
	l := optoutList{Optouts: os}
	if l.Optouts == nil {
		l.Optouts = []store.Optout{}
	}
	if next != "" {
		l.NextCursor = base64.RawURLEncoding.EncodeToString([]byte(next))
	}
	return l, nil
}

// optoutRequest is the body of POST /v1/optouts.
type optoutRequest struct {
	Contact string `json:"contact"`
	Scope   string `json:"scope"` // all (default) or marketing
	Reason  string `json:"reason"`
}

// addOptout answers POST /v1/optouts: 201 with the entry, or 200 with the
// entry already there when it covers the request.
func (s *Server) addOptout(r *http.Request, _ httprouter.Params) (any, error) {
	var req optoutRequest
	if err := decodeBody(r, &req); err != nil {
		return nil, err
	}
	contact, err := s.number(req.Contact)
	if err != nil {
		return nil, store.FieldErrorf("contact", "%v", err)
	}
	o, added, err := s.store.AddOptout(store.Optout{Contact: contact, Scope: req.Scope,
		Reason: req.Reason, Source: store.OptoutAPI})
	if err != nil {
		return nil, err
	}
	if added {
		return reply{http.StatusCreated, o}, nil
	}
	return o, nil
}

// deleteOptout answers DELETE /v1/optouts/{contact} with 200 {"deleted":
// contact}, or 404 when the contact is not on the list. The contact may be
// written in any form POST takes.
func (s *Server) deleteOptout(_ *http.Request, p httprouter.Params) (any, error) {
	c := p.ByName("contact")
	if e164, err := s.number(c); err == nil {
		c = e164
	}
	if err := s.store.RemoveOptout(c); err != nil {
		return nil, err
	}
	return map[string]string{"deleted": c}, nil
}
