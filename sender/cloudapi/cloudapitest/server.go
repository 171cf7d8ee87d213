// Package cloudapitest is a fake WhatsApp Cloud API (Graph API) server for
// tests: it accepts sends the way graph.facebook.com does, answers bad
// tokens and unknown phone number ids with Graph's own errors, plays
// scripted errors and delays, and builds signed webhook bodies.
package cloudapitest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"
)

// Version is the Graph version in Server.URL.
const Version = "v24.0"

// Request is one send the server received, whatever it answered.
type Request struct {
	Path string         // e.g. "/v24.0/123456789/messages"
	Auth string         // the Authorization header
	Body map[string]any // the JSON body; nil when it was not JSON
	At   time.Time
}

// Server is a fake Graph API. Its methods are safe for concurrent use.
type Server struct {
	URL string // base URL with the version, as cloudapi.Config.URL wants it

	srv     *httptest.Server
	token   string
	phoneID string

	mu     sync.Mutex
	script []Answer
	closed map[string]bool // digits of numbers whose 24 h window is closed
	reqs   []Request
	sends  int
}

// New starts a server that accepts sends for phoneNumberID with the bearer
// token. Close it when done.
func New(token, phoneNumberID string) *Server {
	s := &Server{token: token, phoneID: phoneNumberID, closed: map[string]bool{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /{version}/{id}/messages", s.messages)
	mux.HandleFunc("GET /{version}/{id}", s.phoneNumber)
	mux.HandleFunc("/", unknownPath)
	s.srv = httptest.NewServer(mux)
	s.URL = s.srv.URL + "/" + Version
	return s
}

// SetToken replaces the token the server accepts: a revoked or expired
// token from then on.
func (s *Server) SetToken(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.token = token
}

// phoneNumber answers Graph's lookup of a phone number id, as waq does to
// check credentials: the token, then the id.
func (s *Server) phoneNumber(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	token, id := s.token, s.phoneID
	s.mu.Unlock()
	switch {
	case r.Header.Get("Authorization") != "Bearer "+token || token == "":
		authError().write(w)
	case r.PathValue("id") != id:
		unknownObject(r.PathValue("id")).write(w)
	default:
		writeJSON(w, http.StatusOK, map[string]any{"verified_name": "Test Number", "display_phone_number": "+1 555-000-1234",
			"id": id, "quality_rating": "GREEN", "code_verification_status": "VERIFIED"})
	}
}

// Close shuts the server down, waiting for calls in progress.
func (s *Server) Close() { s.srv.Close() }

// Script queues answers for the next sends that pass the token and phone
// number id checks, one each, in order; later sends are accepted again.
func (s *Server) Script(answers ...Answer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.script = append(s.script, answers...)
}

// WindowClosed makes free-form (non-template) messages to numbers, given as
// "+<digits>" or digits, fail with 131047 while templates still go through,
// as when the contact has not written in the last 24 hours.
func (s *Server) WindowClosed(numbers ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, n := range numbers {
		s.closed[strings.TrimPrefix(n, "+")] = true
	}
}

// Requests returns every send received so far, oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.reqs...)
}

// Sends returns how many messages the server accepted with a wamid.
func (s *Server) Sends() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sends
}

// messages serves POST /{version}/{phone-number-id}/messages.
func (s *Server) messages(w http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	var body map[string]any
	jsonErr := json.Unmarshal(raw, &body)
	s.mu.Lock()
	s.reqs = append(s.reqs, Request{Path: r.URL.Path, Auth: r.Header.Get("Authorization"), Body: body, At: time.Now()})
	a := s.answer(r, body, jsonErr)
	s.mu.Unlock()
	if !a.wait(r) {
		return // the client gave up
	}
	if a.Status != 0 {
		a.write(w)
		return
	}
	s.mu.Lock()
	s.sends++
	s.mu.Unlock()
	accept(w, body)
}

// answer picks the reply to one send, in the order Graph checks: token,
// phone number id, body, then the script and closed windows. s.mu is held.
func (s *Server) answer(r *http.Request, body map[string]any, jsonErr error) Answer {
	switch {
	case r.Header.Get("Authorization") != "Bearer "+s.token || s.token == "":
		return authError()
	case r.PathValue("id") != s.phoneID:
		return unknownObject(r.PathValue("id"))
	case jsonErr != nil:
		return paramError("(#100) Invalid parameter")
	}
	if msg := invalidBody(body); msg != "" {
		return paramError(msg)
	}
	if len(s.script) > 0 {
		a := s.script[0]
		s.script = s.script[1:]
		return a
	}
	to, _ := body["to"].(string)
	if body["type"] != "template" && s.closed[strings.TrimPrefix(to, "+")] {
		return Code(131047)
	}
	return Accept()
}

// invalidBody returns Graph's message for a body it would refuse, or "".
func invalidBody(body map[string]any) string {
	typ, _ := body["type"].(string)
	if typ == "" {
		typ = "text" // Graph's default
	}
	switch {
	case body["messaging_product"] != "whatsapp":
		return "(#100) The parameter messaging_product is required."
	case body["to"] == nil || body["to"] == "":
		return "(#100) The parameter to is required."
	}
	if _, ok := body[typ].(map[string]any); !ok {
		return "(#100) The parameter " + typ + " is required."
	}
	return ""
}

// accept writes Graph's 200 reply to an accepted send.
func accept(w http.ResponseWriter, body map[string]any) {
	to, _ := body["to"].(string)
	msg := map[string]any{"id": wamid()}
	if body["type"] == "template" {
		msg["message_status"] = "accepted"
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"messaging_product": "whatsapp",
		"contacts":          []any{map[string]any{"input": to, "wa_id": strings.TrimPrefix(to, "+")}},
		"messages":          []any{msg},
	})
}

func unknownPath(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusBadRequest, graphError("Unknown path components: "+r.URL.Path, "OAuthException", 2500, ""))
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, _ := json.Marshal(v) // maps of strings and numbers always encode
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
