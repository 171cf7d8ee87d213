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

// demoReplyChance is the share of read messages whose contact answers.
const demoReplyChance = 0.1

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
// short random delays, and now and then has the contact answer. Its reports
// are Events applied by the same Receiver as the real gateways' webhooks.
// Close stops its background reports.
type Demo struct {
	rcv  *Receiver
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

// NewDemo returns the demo gateway, which reports through rcv.
func NewDemo(rcv *Receiver, logger *slog.Logger) *Demo {
	if logger == nil {
		logger = slog.Default()
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Demo{
		rcv: rcv, log: logger.With("gateway", "demo"), ctx: ctx, cancel: cancel,
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
	go d.follow(gid, m.To)
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

// follow plays what WhatsApp would report about one sent message: the
// sender has not stored gid yet when the first report comes, which the
// Receiver handles as it does for real webhooks.
func (d *Demo) follow(gid, to string) {
	defer d.wg.Done()
	if sleep(d.ctx, d.ack.pick()) != nil {
		return
	}
	d.report(GatewayEvent{Kind: EventStatus, Name: "messages.update", GatewayID: gid, Status: store.Delivered, RawStatus: "DELIVERY_ACK"})
	if sleep(d.ctx, d.read.pick()) != nil {
		return
	}
	d.report(GatewayEvent{Kind: EventStatus, Name: "messages.update", GatewayID: gid, Status: store.Read, RawStatus: "READ"})
	if rand.Float64() >= d.odds || sleep(d.ctx, d.ans.pick()) != nil {
		return
	}
	var b [8]byte
	_, _ = crand.Read(b[:])
	d.report(GatewayEvent{Kind: EventInbound, Name: "messages.upsert", GatewayID: "demo-in-" + hex.EncodeToString(b[:]),
		From: to, Type: "text", Text: "Gracias, ¿podemos vernos el jueves?", ReplyTo: gid})
}

func (d *Demo) report(ev GatewayEvent) {
	ev.Source, ev.Instance = "demo", "demo"
	if _, err := d.rcv.Apply([]GatewayEvent{ev}); err != nil {
		d.log.Warn("demo: cannot report", "gateway_id", ev.GatewayID, "err", err)
	}
}
