// Package evolutiontest is a fake Evolution API v2 server for tests: it
// answers the send routes and /instance/connectionState with the status
// codes and JSON bodies a real Baileys instance gives, can be scripted to
// fail in each documented way, records what it received, and builds webhook
// bodies in Evolution's shape.
package evolutiontest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"
)

// Request is one send the server received.
type Request struct {
	Path   string         // escaped path: "/message/sendText/sales-1"
	APIKey string         // the apikey header
	Body   map[string]any // the JSON body; nil when it was not a JSON object
	At     time.Time
}

// Server is a fake Evolution instance on loopback HTTP. Its methods are safe
// for concurrent use.
type Server struct {
	URL string // base URL, for evolution.Config.URL

	srv        *httptest.Server
	apiKey     string
	instance   string
	instanceID string
	ctx        context.Context // cancelled by Close, ending Slow answers
	cancel     context.CancelFunc

	mu       sync.Mutex
	onAccept func(keyID, number string)
	script   []Answer
	notOn    map[string]bool
	reqs     []Request
	sends    int
	state    string
}

// New starts a server for one instance that accepts apiKey. Close it.
func New(apiKey, instance string) *Server {
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{apiKey: apiKey, instance: instance, instanceID: uuid(), ctx: ctx, cancel: cancel,
		notOn: map[string]bool{}, state: "open"}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /message/{verb}/{instance}", s.send)
	mux.HandleFunc("GET /instance/connectionState/{instance}", s.connectionState)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		write(w, http.StatusNotFound, envelope(http.StatusNotFound, []any{"Cannot " + r.Method + " " + r.URL.Path}))
	})
	s.srv = httptest.NewServer(mux)
	s.URL = s.srv.URL
	return s
}

// Close ends pending Slow answers and stops the server.
func (s *Server) Close() {
	s.cancel()
	s.srv.Close()
}

// NotOnWhatsApp makes sends to numbers ("+34600111222" or digits) fail as
// Evolution does for a number without WhatsApp.
func (s *Server) NotOnWhatsApp(numbers ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, n := range numbers {
		s.notOn[digits(n)] = true
	}
}

// Script queues answers for the next sends, one each, in order; then sends
// get the default behaviour again. The instance and apikey checks still
// come first, as Evolution's guards do.
func (s *Server) Script(answers ...Answer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.script = append(s.script, answers...)
}

// SetState sets what /instance/connectionState reports: "open",
// "connecting" or "close".
func (s *Server) SetState(state string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.state = state
}

// Requests returns a copy of every send received, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.reqs...)
}

// Sends counts the sends answered with an acceptance (201 and a key.id).
func (s *Server) Sends() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sends
}

// send serves POST /message/{verb}/{instance}.
func (s *Server) send(w http.ResponseWriter, r *http.Request) {
	var body map[string]any
	_ = json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&body) // nil body: a schema error below
	number, _ := body["number"].(string)
	c := call{verb: r.PathValue("verb"), instance: r.PathValue("instance"), number: digits(number), body: body}
	s.mu.Lock()
	s.reqs = append(s.reqs, Request{Path: r.URL.EscapedPath(), APIKey: r.Header.Get("apikey"), Body: body, At: time.Now()})
	s.mu.Unlock()
	a, ok := s.guard(r, c)
	if ok {
		a = s.next(c)
	}
	s.answer(w, r, a, c)
}

// guard answers as Evolution's guards do: an unknown instance is refused
// before the key is checked.
func (s *Server) guard(r *http.Request, c call) (Answer, bool) {
	if c.instance != s.instance {
		return UnknownInstance(), false
	}
	if r.Header.Get("apikey") != s.apiKey {
		return Unauthorized(), false
	}
	return Answer{}, true
}

// next pops a scripted answer, or works out the default one.
func (s *Server) next(c call) Answer {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.script) > 0 {
		a := s.script[0]
		s.script = s.script[1:]
		return a
	}
	if a, bad := validate(c); bad {
		return a
	}
	if s.notOn[c.number] {
		return NotOnWhatsAppAnswer()
	}
	return Accept()
}

// answer waits a.Delay, then writes a; an acceptance gets a fresh key.id.
func (s *Server) answer(w http.ResponseWriter, r *http.Request, a Answer, c call) {
	if a.Delay > 0 {
		t := time.NewTimer(a.Delay)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.Context().Done():
			return
		case <-s.ctx.Done():
			return
		}
	}
	body := a.Body
	switch {
	case a.body != nil:
		body = a.body(c)
	case a.accepts():
		key := newKeyID()
		body = s.accepted(key, c)
		s.mu.Lock()
		s.sends++
		hook := s.onAccept
		s.mu.Unlock()
		if hook != nil {
			hook(key, c.number)
		}
	}
	write(w, a.Status, body)
}

// SetOnAccept sets fn to be called with the key.id and number (digits) of
// every accepted send, before the answer is written: a test can stop the
// client there, between the gateway's accept and the client's record.
func (s *Server) SetOnAccept(fn func(keyID, number string)) {
	s.mu.Lock()
	s.onAccept = fn
	s.mu.Unlock()
}

// connectionState serves GET /instance/connectionState/{instance}.
func (s *Server) connectionState(w http.ResponseWriter, r *http.Request) {
	c := call{instance: r.PathValue("instance")}
	if a, ok := s.guard(r, c); !ok {
		s.answer(w, r, a, c)
		return
	}
	s.mu.Lock()
	state := s.state
	s.mu.Unlock()
	b, _ := json.Marshal(map[string]any{"instance": map[string]any{"instanceName": s.instance, "state": state}})
	write(w, http.StatusOK, string(b))
}

func write(w http.ResponseWriter, status int, body string) {
	ct := "application/json; charset=utf-8"
	if strings.HasPrefix(body, "<") {
		ct = "text/html; charset=utf-8"
	}
	w.Header().Set("Content-Type", ct)
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

// newKeyID returns a Baileys-style message id: "3EB0" and 16 upper hex digits.
func newKeyID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return "3EB0" + strings.ToUpper(hex.EncodeToString(b[:]))
}

func uuid() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

func digits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}
