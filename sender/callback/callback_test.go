package callback

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/waqhq/waq/store"
)

// receiver is a client's endpoint that fails its first fails requests.
type receiver struct {
	mu    sync.Mutex
	fails int
	got   []Event
	sigs  []string
	tries int
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.tries++
	if r.fails > 0 {
		r.fails--
		w.WriteHeader(http.StatusBadGateway)
		return
	}
	var ev Event
	_ = json.Unmarshal(body, &ev)
	r.got = append(r.got, ev)
	r.sigs = append(r.sigs, req.Header.Get(SignatureHeader)+" "+Sign("s3cret", body))
}

func (r *receiver) events() []Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Event(nil), r.got...)
}

func setup(t *testing.T, fails int) (*store.Store, *receiver, *Notifier) {
	t.Helper()
	rcv := &receiver{fails: fails}
	srv := httptest.NewServer(rcv)
	t.Cleanup(srv.Close)
	n := &Notifier{URL: srv.URL, Secret: "s3cret", Logger: slog.New(slog.DiscardHandler),
		Sleep: func(ctx context.Context, d time.Duration) error { return ctx.Err() }}
	st, err := store.Open(filepath.Join(t.TempDir(), store.FileName), store.Options{OnChange: n.Change})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { n.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return st, rcv, n
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(5 * time.Second); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(end) {
			t.Fatal("timed out")
		}
	}
}

// Sent then read: two signed callbacks, in order, to WAQ_CALLBACK_URL; a
// failing endpoint is tried again.
func TestCallbacks(t *testing.T) {
	st, rcv, _ := setup(t, 2)
	m, _, err := st.Enqueue(&store.Message{To: "+34600111222", Text: "hola", Campaign: "otoño", Metadata: map[string]any{"lead": "42"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Lease(time.Now().Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if _, err := st.MarkSent(m.ID, "gw-1", store.TypeText, "sales-1"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return len(rcv.events()) == 1 })
	if _, _, err := st.Report("gw-1", store.Read, time.Now(), ""); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return len(rcv.events()) == 2 })
	got := rcv.events()
	if got[0].Status != store.Sent || got[0].PreviousStatus != store.Sending || got[0].Campaign != "otoño" ||
		got[0].Metadata["lead"] != "42" || got[1].Status != store.Read || got[1].GatewayMessageID != "gw-1" {
		t.Fatalf("callbacks = %+v", got)
	}
	for _, s := range rcv.sigs {
		if sig, want, _ := strings.Cut(s, " "); sig == "" || sig != want {
			t.Fatalf("X-Waq-Signature %q, want the HMAC of the body %q", sig, want)
		}
	}
	if rcv.tries != 4 {
		t.Fatalf("%d requests, want 4 (two failures, then two deliveries)", rcv.tries)
	}
}

// A message's own callback_url wins; an enqueue (queued) is not reported.
func TestCallbackURLOfTheMessage(t *testing.T) {
	st, rcv, _ := setup(t, 0)
	other := &receiver{}
	srv := httptest.NewServer(other)
	t.Cleanup(srv.Close)
	m, _, _ := st.Enqueue(&store.Message{To: "+34600111222", Text: "x", CallbackURL: srv.URL})
	if _, err := st.Cancel(m.ID); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return len(other.events()) == 1 })
	if ev := other.events()[0]; ev.Status != store.Cancelled || ev.PreviousStatus != store.Queued {
		t.Fatalf("callback = %+v", ev)
	}
	if len(rcv.events()) != 0 {
		t.Fatal("the default URL got a callback meant for the message's own")
	}
}

func TestSign(t *testing.T) {
	// HMAC-SHA256("key", "The quick brown fox jumps over the lazy dog").
	if got := Sign("key", []byte("The quick brown fox jumps over the lazy dog")); got != "sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8" {
		t.Fatalf("Sign = %s", got)
	}
}
