// Package callback tells the agency's systems when a message changes state:
// a POST of the message's new status to its callback_url, or to
// WAQ_CALLBACK_URL, signed with X-Waq-Signature.
package callback

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/VictoriaMetrics/metrics"

	"github.com/waqhq/waq/store"
)

// Defaults of a Notifier.
const (
	QueueMax        = 10000            // callbacks waiting; more are dropped and counted
	Workers         = 4                // callbacks in flight at once
	TriesMax        = 6                // a callback is tried this often: after 0, 1, 2, 4, 8, 16 s
	RequestTimeout  = 10 * time.Second // per try
	SignatureHeader = "X-Waq-Signature"
)

// Event is the body of a callback.
type Event struct {
	Event            string         `json:"event"` // "message.status"
	ID               string         `json:"id"`
	Status           store.Status   `json:"status"`
	PreviousStatus   store.Status   `json:"previous_status"`
	At               time.Time      `json:"at"`
	To               string         `json:"to"`
	Campaign         string         `json:"campaign,omitempty"`
	Instance         string         `json:"instance,omitempty"`
	Attempts         int            `json:"attempts"`
	GatewayMessageID string         `json:"gateway_message_id,omitempty"`
	LastError        string         `json:"last_error,omitempty"`
	IdempotencyKey   string         `json:"idempotency_key,omitempty"`
	Metadata         map[string]any `json:"metadata,omitempty"`
}

// notified lists the states a callback reports: what a client waits for.
var notified = map[store.Status]bool{store.Sent: true, store.Delivered: true, store.Read: true,
	store.Failed: true, store.Dead: true, store.Cancelled: true}

// Notifier posts callbacks from a bounded queue with a few workers. They
// are tried with backoff while waq runs; the queue is in memory, so a
// restart forgets the callbacks not yet delivered (docs/api.md).
type Notifier struct {
	URL    string // default target; a message's callback_url wins
	Secret string // signs the body; no signature when empty
	Client *http.Client
	Logger *slog.Logger
	Sleep  func(ctx context.Context, d time.Duration) error // injectable for tests

	once  sync.Once
	queue chan job
}

type job struct {
	url  string
	body []byte
}

func (n *Notifier) init() {
	n.once.Do(func() {
		n.queue = make(chan job, QueueMax)
		if n.Client == nil {
			n.Client = &http.Client{Timeout: RequestTimeout}
		}
		if n.Logger == nil {
			n.Logger = slog.Default()
		}
		if n.Sleep == nil {
			n.Sleep = sleep
		}
	})
}

// Change is the store's OnChange hook: it queues a callback when m entered
// a reported state and has somewhere to go. It never blocks.
func (n *Notifier) Change(old, m *store.Message) {
	n.init()
	if !notified[m.Status] || (old != nil && old.Status == m.Status) {
		return
	}
	url := m.CallbackURL
	if url == "" {
		url = n.URL
	}
	if url == "" {
		return
	}
	ev := Event{Event: "message.status", ID: m.ID, Status: m.Status, At: m.UpdatedAt, To: m.To,
		Campaign: m.Campaign, Instance: m.Instance, Attempts: m.Attempts, GatewayMessageID: m.GatewayMessageID,
		LastError: m.LastError, IdempotencyKey: m.IdempotencyKey, Metadata: m.Metadata}
	if old != nil {
		ev.PreviousStatus = old.Status
	}
	body, err := json.Marshal(ev)
	if err != nil {
		return
	}
	select {
	case n.queue <- job{url, body}:
	default:
		counter("dropped").Inc()
		n.Logger.Warn("callback queue full; callback dropped", "id", m.ID, "status", m.Status)
	}
}

// Run posts the queued callbacks until ctx ends.
func (n *Notifier) Run(ctx context.Context) error {
	n.init()
	var wg sync.WaitGroup
	for range Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-ctx.Done():
					return
				case j := <-n.queue:
					n.deliver(ctx, j)
				}
			}
		}()
	}
	wg.Wait()
	return nil
}

// deliver tries a callback up to TriesMax times; any 2xx is delivered.
func (n *Notifier) deliver(ctx context.Context, j job) {
	wait := time.Second
	for try := 1; ; try++ {
		err := n.post(ctx, j)
		if err == nil {
			counter("delivered").Inc()
			return
		}
		if try == TriesMax || ctx.Err() != nil {
			counter("failed").Inc()
			n.Logger.Warn("callback not delivered", "tries", try, "err", err)
			return
		}
		if n.Sleep(ctx, wait) != nil {
			return
		}
		wait *= 2
	}
}

func (n *Notifier) post(ctx context.Context, j job) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, j.url, bytes.NewReader(j.body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "waq-callback")
	if n.Secret != "" {
		req.Header.Set(SignatureHeader, Sign(n.Secret, j.body))
	}
	resp, err := n.Client.Do(req)
	if err != nil {
		return fmt.Errorf("callback: %w", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("callback: HTTP %d", resp.StatusCode)
	}
	return nil
}

// Sign returns the X-Waq-Signature of body: "sha256=" and the hex HMAC-SHA256
// of the raw body with secret, as Meta signs its webhooks.
func Sign(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

func counter(result string) *metrics.Counter {
	return metrics.GetOrCreateCounter(`waq_callbacks_total{result="` + result + `"}`)
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
