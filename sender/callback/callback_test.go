package callback

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/VictoriaMetrics/metrics"

	"github.com/waqhq/waq/internal/timetest"
	"github.com/waqhq/waq/store"
)

const secret = "s3cret"

// request is one callback a receiver got.
type request struct {
	body                   []byte
	payload                Payload
	id, timestamp, sig, v1 string
}

// receiver is a client's endpoint that fails while fails > 0.
type receiver struct {
	mu    sync.Mutex
	fails int
	got   []request
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
	q := request{body: body, id: req.Header.Get(WebhookIDHeader), timestamp: req.Header.Get(WebhookTimestampHeader),
		sig: req.Header.Get(SignatureHeader), v1: req.Header.Get(WebhookSignatureHeader)}
	_ = json.Unmarshal(body, &q.payload)
	r.got = append(r.got, q)
}

func (r *receiver) requests() []request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]request(nil), r.got...)
}

type rig struct {
	st    *store.Store
	rcv   *receiver
	n     *Notifier
	clock *timetest.Clock
	url   string
}

// setup opens a store on a real file with the callback rule to a receiver
// that fails its first fails requests, and a Notifier on a fake clock
// whose jitter is none (the full backoff).
func setup(t *testing.T, fails int) *rig {
	t.Helper()
	r := &rig{rcv: &receiver{fails: fails}, clock: timetest.NewClock()}
	srv := httptest.NewServer(r.rcv)
	t.Cleanup(srv.Close)
	r.url = srv.URL
	r.n = &Notifier{Secret: secret, Now: r.clock.Now, Jitter: func(d time.Duration) time.Duration { return d }}
	st, err := store.Open(filepath.Join(t.TempDir(), store.FileName), store.Options{Now: r.clock.Now,
		Callbacks: Rule(srv.URL), Subscribers: []store.Subscriber{r.n.Transitions}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	r.st, r.n.Store = st, st
	return r
}

func (r *rig) runOnce(t *testing.T, want int) {
	t.Helper()
	if n, err := r.n.RunOnce(context.Background()); err != nil || n != want {
		t.Fatalf("RunOnce tried %d, %v; want %d", n, err, want)
	}
}

func (r *rig) sent(t *testing.T, m *store.Message) *store.Message {
	t.Helper()
	m, _, err := r.st.Enqueue(m)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.st.Lease(r.clock.Now().Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if _, err := r.st.MarkSent(m.ID, "gw-1", store.TypeText, "sales-1"); err != nil {
		t.Fatal(err)
	}
	return m
}

// verify checks both signatures of q the way a receiver would, computed
// here rather than with Sign and SignStandard.
func verify(t *testing.T, q request) {
	t.Helper()
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(q.id + "." + q.timestamp + "."))
	mac.Write(q.body)
	if want := "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil)); q.v1 != want {
		t.Fatalf("webhook-signature %q, want %q", q.v1, want)
	}
	if want := Sign(secret, q.body); q.sig != want {
		t.Fatalf("X-Waq-Signature %q, want %q", q.sig, want)
	}
}

// Sent then read: two signed callbacks to WAQ_CALLBACK_URL; a failing
// endpoint is tried again after the backoff, with the same webhook-id.
func TestCallbacks(t *testing.T) {
	r := setup(t, 2)
	m := r.sent(t, &store.Message{To: "+34600111222", Text: "hola", Campaign: "otoño", Variant: "B", Metadata: map[string]any{"lead": "42"}})
	if _, _, err := r.st.ReportStatus("gw-1", store.Read, r.clock.Now(), ""); err != nil {
		t.Fatal(err)
	}
	r.runOnce(t, 2) // both fail
	failing, _, _ := r.st.Callbacks(store.CallbackFailing, "", 10)
	if len(failing) != 2 {
		t.Fatalf("failing = %d rows, want 2", len(failing))
	}
	r.runOnce(t, 0) // not due before the backoff
	r.clock.Add(BackoffBase)
	r.runOnce(t, 2)
	got := r.rcv.requests()
	if len(got) != 2 || got[0].payload.Status == got[1].payload.Status {
		t.Fatalf("callbacks = %+v", got)
	}
	byStatus := map[store.Status]Payload{}
	for i, q := range got {
		verify(t, q)
		if q.id != failing[i].ID && q.id != failing[1-i].ID {
			t.Fatalf("webhook-id %q is not a row id", q.id)
		}
		if q.timestamp != strconv.FormatInt(r.clock.Now().Unix(), 10) {
			t.Fatalf("webhook-timestamp %q, want this try's time", q.timestamp)
		}
		byStatus[q.payload.Status] = q.payload
	}
	sent, read := byStatus[store.Sent], byStatus[store.Read]
	if sent.ID != m.ID || sent.PreviousStatus != store.Sending || sent.Transition != store.KindSent || sent.Campaign != "otoño" || sent.Variant != "B" ||
		sent.Metadata["lead"] != "42" || read.PreviousStatus != store.Sent || read.GatewayMessageID != "gw-1" {
		t.Fatalf("callbacks = %+v", byStatus)
	}
	if all, _, _ := r.st.Callbacks("", "", 10); len(all) != 0 {
		t.Fatalf("%d rows left after delivery", len(all))
	}
}

// A message's own callback_url wins; an enqueue (queued) is not reported;
// a drained message reports cancelled, with the transition that did it.
func TestCallbackURLOfTheMessage(t *testing.T) {
	r := setup(t, 0)
	other := &receiver{}
	srv := httptest.NewServer(other)
	t.Cleanup(srv.Close)
	m, _, _ := r.st.Enqueue(&store.Message{To: "+34600111222", Text: "x", CallbackURL: srv.URL})
	r.runOnce(t, 0)
	if _, err := r.st.Drain(); err != nil {
		t.Fatal(err)
	}
	r.runOnce(t, 1)
	got := other.requests()
	if len(got) != 1 || got[0].payload.ID != m.ID || got[0].payload.Status != store.Cancelled ||
		got[0].payload.PreviousStatus != store.Queued || got[0].payload.Transition != store.KindDrained {
		t.Fatalf("callbacks = %+v", got)
	}
	if len(r.rcv.requests()) != 0 {
		t.Fatal("the default URL got a callback meant for the message's own")
	}
}

// A receiver that never answers 2xx: the waits double from BackoffBase
// (the jitter here gives the whole wait), and the callback is dropped
// once the next try would fall past MaxAge.
func TestBackoffAndExpiry(t *testing.T) {
	r := setup(t, 1000)
	r.n.MaxAge = 10 * time.Second
	start := r.clock.Now()
	r.sent(t, &store.Message{To: "+34600111222", Text: "x"})
	expired := metrics.GetOrCreateCounter(`waq_callbacks_total{result="expired"}`).Get()
	for i, wait := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second} {
		r.runOnce(t, 1)
		cs, _, _ := r.st.Callbacks(store.CallbackFailing, "", 10)
		if len(cs) != 1 || cs[0].Attempts != i+1 || cs[0].LastStatus != http.StatusBadGateway ||
			!cs[0].NextAttemptAt.Equal(r.clock.Now().Add(wait)) {
			t.Fatalf("after try %d: %+v", i+1, cs)
		}
		r.clock.Add(wait)
	}
	if r.clock.Now().Sub(start) != 7*time.Second {
		t.Fatal("the clock moved by more than the waits")
	}
	r.runOnce(t, 1) // the next wait (8 s) would end past 10 s: dropped
	if cs, _, _ := r.st.Callbacks("", "", 10); len(cs) != 0 {
		t.Fatalf("rows left after expiry: %+v", cs)
	}
	if got := metrics.GetOrCreateCounter(`waq_callbacks_total{result="expired"}`).Get(); got != expired+1 {
		t.Fatalf("expired counted %d times", got-expired)
	}
	if r.rcv.tries != 4 {
		t.Fatalf("%d tries, want 4", r.rcv.tries)
	}
}

// The full jitter stays within the doubled wait and its cap.
func TestBackoffBounds(t *testing.T) {
	n := &Notifier{}
	for attempt, max := range map[int]time.Duration{1: time.Second, 3: 4 * time.Second, 13: BackoffCap, 100: BackoffCap} {
		for range 50 {
			if d := n.backoff(attempt); d < 0 || d > max {
				t.Fatalf("backoff(%d) = %v, outside [0, %v]", attempt, d, max)
			}
		}
	}
}

// A try cut short (the row leased, no outcome recorded: a crash) is made
// again when its lease ends, or at once when waq starts again.
func TestLeasedRowComesBack(t *testing.T) {
	r := setup(t, 0)
	r.sent(t, &store.Message{To: "+34600111222", Text: "x"})
	if cs, err := r.st.LeaseCallbacks(r.clock.Now(), r.clock.Now().Add(leaseFor), 5); err != nil || len(cs) != 1 {
		t.Fatalf("lease = %d, %v", len(cs), err)
	}
	r.runOnce(t, 0)
	r.clock.Add(leaseFor)
	r.runOnce(t, 1)
	if len(r.rcv.requests()) != 1 {
		t.Fatal("the leased row was not delivered after its lease")
	}
}

func TestSign(t *testing.T) {
	// HMAC-SHA256("key", "The quick brown fox jumps over the lazy dog").
	if got := Sign("key", []byte("The quick brown fox jumps over the lazy dog")); got != "sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8" {
		t.Fatalf("Sign = %s", got)
	}
}

// SignStandard against vectors computed elsewhere: the Standard Webhooks
// specification's own (a whsec_ secret), and one made with
// `printf '%s' 'cb_1.1700000000.{"a":1}' | openssl dgst -sha256 -mac HMAC -macopt key:s3cret -binary | base64`
// (a secret taken as its bytes).
func TestSignStandard(t *testing.T) {
	f := func(secret, id string, ts int64, body, want string) {
		t.Helper()
		if got := SignStandard(secret, id, ts, []byte(body)); got != want {
			t.Fatalf("SignStandard(%q) = %s, want %s", secret, got, want)
		}
	}
	f("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, `{"test": 2432232314}`,
		"v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
	f("s3cret", "cb_1", 1700000000, `{"a":1}`, "v1,yOk0HQYWZyLmqxfWgJ08i8wW2k7GyU9BvLXUlHWDGio=")
	if CheckSecret("whsec_not base64!") == nil || CheckSecret("plain") != nil {
		t.Fatal("CheckSecret")
	}
}
