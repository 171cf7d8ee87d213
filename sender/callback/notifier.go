package callback

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/VictoriaMetrics/metrics"

	"github.com/waqhq/waq/store"
)

// Defaults of a Notifier.
const (
	Workers        = 4                // callbacks in flight at once
	RequestTimeout = 10 * time.Second // per try
	MaxAgeDefault  = 24 * time.Hour   // a callback not delivered by then is dropped (WAQ_CALLBACK_MAX_AGE)
	BackoffBase    = time.Second      // the first retry waits up to this
	BackoffCap     = time.Hour        // no retry waits longer
	// leaseFor is how long a row being tried stays hidden from the next
	// lease: past it (a crash in the middle of a try) it is tried again.
	leaseFor = RequestTimeout + 5*time.Second
	idleMax  = time.Minute // the longest the workers sleep without looking
)

// Notifier posts the rows of the store's callback outbox. Set Store
// before the store's first write; Transitions may be subscribed before.
type Notifier struct {
	Store  *store.Store
	Secret string        // signs the requests; no signature headers when empty
	MaxAge time.Duration // MaxAgeDefault when 0
	Client *http.Client
	Logger *slog.Logger
	Now    func() time.Time // time.Now when nil; a fake clock in tests
	// Jitter returns a random duration in [0, d]; rand.Int64N when nil.
	Jitter func(d time.Duration) time.Duration

	once sync.Once
	wake chan struct{}
}

func (n *Notifier) init() {
	n.once.Do(func() {
		n.wake = make(chan struct{}, 1)
		if n.Client == nil {
			n.Client = &http.Client{Timeout: RequestTimeout}
		}
		if n.Logger == nil {
			n.Logger = slog.New(slog.DiscardHandler)
		}
	})
}

func (n *Notifier) now() time.Time {
	if n.Now != nil {
		return n.Now()
	}
	return time.Now()
}

func (n *Notifier) maxAge() time.Duration {
	if n.MaxAge > 0 {
		return n.MaxAge
	}
	return MaxAgeDefault
}

// Transitions is the Notifier's subscription to the store's feed: it wakes
// the workers when a transition wrote a callback. It never blocks.
func (n *Notifier) Transitions(ts []store.Transition) {
	n.init()
	for i := range ts {
		if ts[i].CallbackID != "" {
			select {
			case n.wake <- struct{}{}:
			default:
			}
			return
		}
	}
}

// Run posts the callbacks that are due until ctx ends. It first makes every
// row due: a try a stop cut short is made again, and a receiver that was
// down may be back. It returns the store's error when that first step fails.
func (n *Notifier) Run(ctx context.Context) error {
	n.init()
	if _, err := n.Store.RescheduleCallbacks(n.now()); err != nil {
		return fmt.Errorf("callbacks: %w", err)
	}
	for ctx.Err() == nil {
		tried, err := n.RunOnce(ctx)
		if err != nil && ctx.Err() == nil {
			n.Logger.Error("callbacks: lease failed", "err", err)
		}
		if tried > 0 && err == nil {
			continue
		}
		n.idle(ctx)
	}
	return nil
}

// idle waits for a new callback, the next due one, or idleMax.
func (n *Notifier) idle(ctx context.Context) {
	wait := idleMax
	if at, ok, err := n.Store.NextCallbackDue(); err == nil && ok {
		wait = min(max(at.Sub(n.now()), time.Millisecond), idleMax)
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-n.wake:
	case <-t.C:
	}
}

// RunOnce leases up to Workers due callbacks, tries them in parallel and
// records each outcome, and returns how many it tried (expired ones
// included). It returns the store's error when the lease fails.
func (n *Notifier) RunOnce(ctx context.Context) (int, error) {
	n.init()
	now := n.now()
	cs, err := n.Store.LeaseCallbacks(now, now.Add(leaseFor), Workers)
	if err != nil {
		return 0, err
	}
	var wg sync.WaitGroup
	for _, c := range cs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := n.deliver(ctx, c); err != nil && ctx.Err() == nil {
				n.Logger.Error("callbacks: outcome not recorded; tried again later", "id", c.ID, "err", err)
			}
		}()
	}
	wg.Wait()
	return len(cs), nil
}

// deliver tries c once and records the outcome: deleted when delivered or
// past its age, else due again after a backoff. A try cut by ctx records
// nothing: the lease brings it back.
func (n *Notifier) deliver(ctx context.Context, c *store.Callback) error {
	deadline := c.CreatedAt.Add(n.maxAge())
	if !n.now().Before(deadline) {
		return n.expire(c, "too old before its try")
	}
	status, err := n.post(ctx, c)
	if err == nil {
		counter("delivered").Inc()
		return n.Store.DeleteCallback(c.ID)
	}
	if ctx.Err() != nil {
		return nil
	}
	next := n.now().Add(n.backoff(c.Attempts + 1))
	if next.After(deadline) {
		return n.expire(c, err.Error())
	}
	counter("retried").Inc()
	return n.Store.RetryCallback(c.ID, next, err.Error(), status)
}

func (n *Notifier) expire(c *store.Callback, why string) error {
	counter("expired").Inc()
	n.Logger.Warn("callback not delivered within its age; dropped", "id", c.ID, "message", c.MessageID,
		"status", c.Status, "attempts", c.Attempts, "err", why)
	return n.Store.DeleteCallback(c.ID)
}

// backoff is the wait after the attempt-th failed try: full jitter over
// BackoffBase doubled per try, at most BackoffCap.
func (n *Notifier) backoff(attempt int) time.Duration {
	d := BackoffCap
	if attempt < 32 {
		d = min(BackoffBase<<(attempt-1), BackoffCap)
	}
	if n.Jitter != nil {
		return n.Jitter(d)
	}
	return time.Duration(rand.Int64N(int64(d) + 1))
}

// post makes one try of c, signed for this try's time, and returns the
// HTTP status (0 when none came) and an error unless it was a 2xx.
func (n *Notifier) post(ctx context.Context, c *store.Callback) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.URL, bytes.NewReader(c.Body))
	if err != nil {
		return 0, fmt.Errorf("callback: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "waq-callback")
	ts := n.now().Unix()
	req.Header.Set(WebhookIDHeader, c.ID) // for deduplication, signed or not
	req.Header.Set(WebhookTimestampHeader, strconv.FormatInt(ts, 10))
	if n.Secret != "" {
		req.Header.Set(SignatureHeader, Sign(n.Secret, c.Body))
		req.Header.Set(WebhookSignatureHeader, SignStandard(n.Secret, c.ID, ts, c.Body))
	}
	resp, err := n.Client.Do(req)
	if err != nil {
		return 0, fmt.Errorf("callback: %w", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode/100 != 2 {
		return resp.StatusCode, fmt.Errorf("callback: HTTP %d", resp.StatusCode)
	}
	return resp.StatusCode, nil
}

// Results of waq_callbacks_total.
var results = []string{"delivered", "retried", "expired"}

// The counters are on /metrics from the start, at 0.
func init() {
	for _, r := range results {
		counter(r)
	}
}

func counter(result string) *metrics.Counter {
	return metrics.GetOrCreateCounter(`waq_callbacks_total{result="` + result + `"}`)
}
