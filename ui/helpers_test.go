package ui_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/waqhq/waq/internal/timetest"
	"github.com/waqhq/waq/sender"
	"github.com/waqhq/waq/store"
	"github.com/waqhq/waq/ui"
)

// start is where the tests' clock starts.
var start = timetest.Start

// bundle is a server on a real bbolt file in t.TempDir(), with a fake clock.
type bundle struct {
	st    *store.Store
	clock *timetest.Clock
	srv   *ui.Server
	h     http.Handler
	path  string
	key   string // sent as the bearer key by do when set
}

// setup opens the store and the server; opts may change the options.
func setup(t *testing.T, opts ...func(*ui.Options)) *bundle {
	t.Helper()
	return setupStore(t, store.Options{}, opts...)
}

// setupStore is setup with the store opened with so, on the bundle's clock.
func setupStore(t *testing.T, so store.Options, opts ...func(*ui.Options)) *bundle {
	t.Helper()
	b := &bundle{clock: timetest.NewClock(), path: filepath.Join(t.TempDir(), store.FileName)}
	so.Now = b.clock.Now
	st, err := store.Open(b.path, so)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	o := ui.Options{Version: "test", MaxAttempts: 4, Now: b.clock.Now,
		Receiver: &sender.Receiver{Store: st, Now: b.clock.Now, Logger: slog.New(slog.DiscardHandler)}}
	for _, f := range opts {
		f(&o)
	}
	b.st, b.key = st, o.APIKey
	b.srv = ui.NewServer(st, o)
	b.h = b.srv.Handler()
	return b
}

// resp is an answer of the server.
type resp struct {
	code   int
	header http.Header
	body   []byte
}

// do sends a request; headers come in name, value pairs.
func (b *bundle) do(t *testing.T, method, path, body string, headers ...string) resp {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	r := httptest.NewRequest(method, path, rd)
	if b.key != "" {
		r.Header.Set("Authorization", "Bearer "+b.key)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		r.Header.Set(headers[i], headers[i+1])
	}
	w := httptest.NewRecorder()
	b.h.ServeHTTP(w, r)
	return resp{w.Code, w.Header(), w.Body.Bytes()}
}

// want fails unless the answer has the status code.
func (r resp) want(t *testing.T, code int) resp {
	t.Helper()
	if r.code != code {
		t.Fatalf("status %d, want %d: %s", r.code, code, r.body)
	}
	return r
}

// decode reads the answer's JSON into a T.
func decode[T any](t *testing.T, r resp) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(r.body, &v); err != nil {
		t.Fatalf("decode %q: %v", r.body, err)
	}
	return v
}

// apiError is the error object of an error answer.
type apiError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field"`
	Items   []struct {
		Index   int    `json:"index"`
		Field   string `json:"field"`
		Message string `json:"message"`
	} `json:"items"`
}

// wantError fails unless the answer is an error of that status, code and
// field, and returns it.
func (r resp) wantError(t *testing.T, code int, errCode, field string) apiError {
	t.Helper()
	r.want(t, code)
	if ct := r.header.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("error Content-Type %q", ct)
	}
	e := decode[struct{ Error *apiError }](t, r).Error
	if e == nil || e.Code != errCode || e.Field != field || e.Message == "" {
		t.Fatalf("error %s, want code %q field %q", r.body, errCode, field)
	}
	return *e
}

// message posts one message and returns it.
func (b *bundle) message(t *testing.T, body string) store.Message {
	t.Helper()
	return decode[store.Message](t, b.do(t, "POST", "/v1/messages", body).want(t, http.StatusCreated))
}

// counts returns the messages by state.
func (b *bundle) counts(t *testing.T) map[store.Status]int {
	t.Helper()
	c, err := b.st.Counts()
	if err != nil {
		t.Fatalf("counts: %v", err)
	}
	return c.States
}

// unchanged fails when the counts differ from before.
func (b *bundle) unchanged(t *testing.T, before map[store.Status]int) {
	t.Helper()
	after := b.counts(t)
	for _, st := range store.Statuses {
		if before[st] != after[st] {
			t.Fatalf("counts changed: %v -> %v", before, after)
		}
	}
}

// dead stores a message of campaign and makes it dead at once.
func (b *bundle) dead(t *testing.T, campaign, reason string) *store.Message {
	t.Helper()
	m, _, err := b.st.Enqueue(&store.Message{To: "+34600111222", Text: "x", Priority: store.Critical, Campaign: campaign})
	if err != nil {
		t.Fatal(err)
	}
	b.leaseOnly(t, m.ID)
	d, err := b.st.Fail(m.ID, reason, true, nil)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// sent stores a message and marks it sent.
func (b *bundle) sent(t *testing.T) *store.Message {
	t.Helper()
	m, _, err := b.st.Enqueue(&store.Message{To: "+34600111222", Text: "x", Priority: store.Critical})
	if err != nil {
		t.Fatal(err)
	}
	b.leaseOnly(t, m.ID)
	s, err := b.st.MarkSent(m.ID, "g-"+m.ID, store.TypeText, "")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// leaseOnly leases messages until it has id, and puts the others back.
func (b *bundle) leaseOnly(t *testing.T, id string) {
	t.Helper()
	var others []string
	for {
		m, err := b.st.Lease(b.clock.Now().Add(time.Minute))
		if err != nil {
			t.Fatalf("lease %s: %v", id, err)
		}
		if m.ID == id {
			break
		}
		others = append(others, m.ID)
	}
	for _, o := range others {
		if _, err := b.st.Release(o, "test"); err != nil {
			t.Fatal(err)
		}
	}
}
