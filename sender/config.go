package sender

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/waqhq/waq/store"
)

// Defaults of a Config, from the design.
const (
	RateDefault         = "80/1m"
	ConcurrencyDefault  = 5
	RetryBaseDefault    = 2 * time.Second // the retries' count is the message's (store.RetryMaxDefault)
	LeaseTimeoutDefault = 60 * time.Second
	StopTimeoutDefault  = 10 * time.Second
)

// Config is one gateway instance's sending settings. New fills every zero
// field with its default.
type Config struct {
	Instance     string // name shown in /v1/queue, e.g. "demo" or the Evolution instance
	Gateway      string // "demo", "evolution", "cloudapi"
	Rate         Rate
	Concurrency  int           // parallel gateway calls
	RetryBase    time.Duration // backoff base; delay after try n is RetryBase << (n-1)
	LeaseTimeout time.Duration // a send's lease; a gateway call gets half of it
	StopTimeout  time.Duration // how long Run waits for in-flight sends after ctx ends
	Pacing       Pacing        // gaps, daily cap, warm-up, send window; none when zero
	// OnCall, when set, sees every gateway call's duration and outcome (the
	// analytics' gateway latency); OnWait every wait for the rate or the
	// pacing. Both run on the sender's goroutines and must not block.
	OnCall func(m *store.Message, d time.Duration, err error)
	OnWait func(d time.Duration)
	// Takes, when set, says which ready messages this instance may lease,
	// and why (the note of the lease's history entry): with several
	// instances, each leases its own share. Nil leases every ready message.
	Takes func(m *store.Message) (bool, string)
	// Ready, when set, replaces the store's Ready signal: the store has one
	// waiter, so several senders share it through a fan-out.
	Ready  <-chan struct{}
	Now    func() time.Time
	Sleep  func(ctx context.Context, d time.Duration) error // injectable for tests; nil = real timer
	Logger *slog.Logger
}

// withDefaults returns c with its zero fields set to their defaults.
func (c Config) withDefaults() Config {
	if c.Rate == (Rate{}) {
		c.Rate, _ = ParseRate(RateDefault)
	}
	if c.Concurrency == 0 {
		c.Concurrency = ConcurrencyDefault
	}
	if c.RetryBase == 0 {
		c.RetryBase = RetryBaseDefault
	}
	if c.LeaseTimeout == 0 {
		c.LeaseTimeout = LeaseTimeoutDefault
	}
	if c.StopTimeout == 0 {
		c.StopTimeout = StopTimeoutDefault
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Sleep == nil {
		c.Sleep = sleep
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c
}

// Validate says which setting is wrong and how to fix it. Zero values are
// not wrong: New replaces them with the defaults.
func (c Config) Validate() error {
	c = c.withDefaults()
	if err := c.Rate.Validate(); err != nil {
		return fmt.Errorf("sender %s: %w", c.Instance, err)
	}
	switch {
	case c.Concurrency < 1:
		return fmt.Errorf("sender %s: concurrency %d: must be at least 1 (WAQ_CONCURRENCY)", c.Instance, c.Concurrency)
	case c.RetryBase < 0:
		return fmt.Errorf("sender %s: retry base %s: must be above zero, such as 2s (WAQ_RETRY_BASE)", c.Instance, c.RetryBase)
	case c.LeaseTimeout < 0:
		return fmt.Errorf("sender %s: lease timeout %s: must be above zero", c.Instance, c.LeaseTimeout)
	case c.StopTimeout < 0:
		return fmt.Errorf("sender %s: stop timeout %s: must be above zero", c.Instance, c.StopTimeout)
	}
	if err := c.Pacing.Validate(); err != nil {
		return fmt.Errorf("sender %s: %w", c.Instance, err)
	}
	return nil
}

// backoffMax caps the delay between tries of a message allowed many
// attempts, where doubling would overflow or wait for weeks.
const backoffMax = 24 * time.Hour

// backoff is the delay before the next try after n tries: RetryBase,
// doubled for each try since the first (2s, 4s, 8s with the defaults).
func (c Config) backoff(n int) time.Duration {
	d := c.RetryBase
	for i := 1; i < n && d < backoffMax; i++ {
		d *= 2
	}
	return min(d, backoffMax)
}

// callTimeout bounds one gateway call. Half the lease leaves time to record
// the outcome before the scheduler takes the message back.
func (c Config) callTimeout() time.Duration { return c.LeaseTimeout / 2 }

// sleep waits d or until ctx ends, and returns ctx's error then.
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
