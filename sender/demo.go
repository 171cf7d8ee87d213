package sender

import (
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/waqhq/waq/store"
)

// Chances and delays of the simulated WhatsApp.
const (
	demoReplyChance = 0.1                   // of read messages that get an answer
	demoLookupTries = 40                    // waits for the sender to mark a message sent
	demoLookupWait  = 25 * time.Millisecond // between those lookups
)

// span is a range of random delays.
type span struct{ min, max time.Duration }

func (s span) pick() time.Duration {
	if s.max <= s.min {
		return s.min
	}
	return s.min + rand.N(s.max-s.min)
}

// Demo is a simulated WhatsApp gateway for trying waq out: it accepts every
// message after a few milliseconds, then reports it delivered and read after
// short random delays, and now and then has the contact answer. Close stops
// its background reports.
type Demo struct {
	// OnReply, when set before the first Send, is called with each message a
	// simulated contact answered, so the analytics can record an inbound
	// message. Without it the reply is only logged.
	OnReply func(m *store.Message)

	st   *store.Store
	log  *slog.Logger
	call span    // how long Send takes
	ack  span    // from the send to delivered
	read span    // from delivered to read
	ans  span    // from read to a reply
	odds float64 // chance that a read message gets a reply

	mu     sync.Mutex
	closed bool
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// NewDemo returns the demo gateway, which reports statuses into st.
func NewDemo(st *store.Store, logger *slog.Logger) *Demo {
	if logger == nil {
		logger = slog.Default()
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Demo{
		st: st, log: logger.With("gateway", "demo"), ctx: ctx, cancel: cancel,
		call: span{2 * time.Millisecond, 20 * time.Millisecond},
		ack:  span{100 * time.Millisecond, 600 * time.Millisecond},
		read: span{200 * time.Millisecond, 1200 * time.Millisecond},
		ans:  span{500 * time.Millisecond, 3 * time.Second},
		odds: demoReplyChance,
	}
}

// Send accepts m and returns a fresh gateway id "demo-<hex>". After Close it
// fails with a retryable *SendError.
func (d *Demo) Send(ctx context.Context, m *store.Message) (string, error) {
	if err := sleep(ctx, d.call.pick()); err != nil {
		return "", &SendError{Kind: Retryable, Reason: "demo gateway: call cancelled", Err: err}
	}
	var b [8]byte
	_, _ = crand.Read(b[:]) // never fails on a supported platform
	gid := "demo-" + hex.EncodeToString(b[:])
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return "", &SendError{Kind: Retryable, Reason: "demo gateway closed"}
	}
	d.wg.Add(1)
	go d.follow(gid)
	return gid, nil
}

// Close stops the simulated reports and waits for their goroutines.
func (d *Demo) Close() error {
	d.mu.Lock()
	d.closed = true
	d.cancel()
	d.mu.Unlock()
	d.wg.Wait()
	return nil
}

// follow plays what WhatsApp would report about one sent message.
func (d *Demo) follow(gid string) {
	defer d.wg.Done()
	if sleep(d.ctx, d.ack.pick()) != nil {
		return
	}
	m := d.report(gid, store.Delivered)
	if m == nil || sleep(d.ctx, d.read.pick()) != nil {
		return
	}
	if m = d.report(gid, store.Read); m == nil || rand.Float64() >= d.odds {
		return
	}
	if sleep(d.ctx, d.ans.pick()) != nil {
		return
	}
	d.log.Info("demo: the contact replied", "id", m.ID, "gateway_id", gid)
	if d.OnReply != nil {
		d.OnReply(m)
	}
}

// report advances the message known by gid to st. Send returns before the
// sender marks the message sent (which stores the gateway id), so an unknown
// id is looked up again for a while.
func (d *Demo) report(gid string, st store.Status) *store.Message {
	for try := 0; ; try++ {
		m, err := d.st.MessageByGatewayID(gid)
		if store.ErrorCode(err) == store.ENOTFOUND && try < demoLookupTries {
			if sleep(d.ctx, demoLookupWait) != nil {
				return nil
			}
			continue
		}
		if err != nil {
			d.log.Warn("demo: cannot report a status", "gateway_id", gid, "status", st, "err", err)
			return nil
		}
		got, _, err := d.st.Advance(m.ID, st, time.Now(), "")
		if err != nil {
			d.log.Warn("demo: cannot report a status", "id", m.ID, "status", st, "err", err)
			return nil
		}
		return got
	}
}
