package stats

import (
	"log/slog"
	"sync"
	"time"

	"github.com/waqhq/waq/store"
)

// Tracker defaults.
const (
	FlushEveryDefault  = time.Second
	ReplyWindowDefault = 72 * time.Hour
	// ConversationGap is the silence, either way, after which a
	// conversation with a contact ends by itself (see conversations.go).
	ConversationGap = 24 * time.Hour
)

// Tracker turns the pipeline's changes, the gateways' inbound messages and
// the events of POST /v1/events into counters. Its hooks only count in
// memory, under a mutex, so the send path pays no write and no fsync; Flush
// writes what accumulated in one commit, and Run flushes every FlushEvery.
// A crash loses at most FlushEvery of analytics (never a message); a
// graceful stop loses nothing, because Run flushes once more when its
// context ends.
//
// Per contact it keeps a small state (last activity, the first unanswered
// inbound, the campaign messages still inside the reply window) in the
// statsdb.Contacts bucket, cached in memory and loaded on first touch.
type Tracker struct {
	Store       *store.Store     // required
	Location    *time.Location   // days of the counters; UTC when nil
	Now         func() time.Time // time.Now when nil
	FlushEvery  time.Duration    // FlushEveryDefault when 0
	ReplyWindow time.Duration    // ReplyWindowDefault when 0: how long after a message an answer counts as its reply, either way
	Logger      *slog.Logger     // discards when nil

	mu       sync.Mutex
	pending  map[pendKey]*Counters    // counted since the last flush, by minute and dimensions
	contacts map[string]*contactState // cached states, by E.164 number
	dirty    map[string]struct{}      // contacts changed since the last flush
	hours    map[string]*hours        // reads and replies by contact and cell since the last flush

	flushMu sync.Mutex // one flush at a time, so contact states land in order
	sweepAt []byte     // where the next sweep of stale contact records starts

	openLoaded bool // the stored open conversations are cached (see endIdleConversations)
}

// dims are the dimensions of one count: campaign, instance, message type
// and the campaign's variant.
type dims struct{ campaign, instance, typ, variant string }

// pendKey is one minute of one set of dimensions, the unit the tracker
// accumulates; Flush spreads it over every level and dimension record.
// Minutes nest in the hours and days of every zone in use, so nothing is
// lost by cutting at the minute first.
type pendKey struct {
	minute int64 // unix seconds of the minute's start
	dims
}

func (t *Tracker) now() time.Time {
	if t.Now != nil {
		return t.Now()
	}
	return time.Now()
}

func (t *Tracker) loc() *time.Location {
	if t.Location != nil {
		return t.Location
	}
	return time.UTC
}

func (t *Tracker) window() time.Duration { return orDefault(t.ReplyWindow, ReplyWindowDefault) }

func (t *Tracker) log() *slog.Logger {
	if t.Logger != nil {
		return t.Logger
	}
	return slog.New(slog.DiscardHandler)
}

// counters returns the in-memory counters of at's minute in d. t.mu must
// be held.
func (t *Tracker) counters(at time.Time, d dims) *Counters {
	k := pendKey{Minute.Start(at, time.UTC).Unix(), d}
	c := t.pending[k]
	if c == nil {
		if t.pending == nil {
			t.pending = make(map[pendKey]*Counters)
		}
		c = new(Counters)
		t.pending[k] = c
	}
	return c
}

// msgDims are the dimensions a message counts in: its campaign, its
// instance, and the type it went out as (or was asked as, before sending).
func msgDims(m *store.Message) dims {
	typ := m.SentAs
	if typ == "" {
		typ = m.Type
	}
	return dims{m.Campaign, m.Instance, typ, m.Variant}
}

// triedDims are the dimensions a try of m counts in (a failure, a dead
// letter, a gateway call's latency): d, with the instance that tried when
// m has none. An unpinned message has no instance until one sends it, so
// its tries count on tried_by, which the store keeps apart from the pin.
func triedDims(m *store.Message, d dims) dims {
	d.instance = triedInstance(m)
	return d
}

// Transitions is the tracker's subscription to the store's feed
// (store.Subscriber): it counts what each transition means (see classify)
// in memory. Transitions that count nothing (leases, deferrals, cancels)
// cost one switch. It reads contact states from Store, so Store must be
// set before the store's first write (Open itself reports nothing).
func (t *Tracker) Transitions(ts []store.Transition) {
	now := t.now()
	for i := range ts {
		k := classify(&ts[i])
		if k == 0 {
			continue
		}
		m := ts[i].Message
		t.mu.Lock()
		t.count(k, m, now)
		t.mu.Unlock()
		promChange(k, m)
	}
}

// count adds the changes k of m to the counters. t.mu must be held.
func (t *Tracker) count(k change, m *store.Message, now time.Time) {
	d := msgDims(m)
	if k&chEnqueued != 0 {
		t.counters(now, d).Enqueued++
	}
	if k&chSent != 0 {
		at := timeOr(m.SentAt, now)
		c := t.counters(at, d)
		c.Sent++
		if m.Attempts > 1 {
			c.Retries++
		}
		c.QueueWait.Observe(at.Sub(dueAt(m)))
		t.sentTo(m, at, d)
	}
	if k&(chFailRetry|chFailDead|chFailDelivery) != 0 {
		t.counters(now, triedDims(m, d)).Failed++
	}
	if k&chDead != 0 {
		t.counters(now, triedDims(m, d)).Dead++
	}
	if k&chDelivered != 0 {
		t.counters(timeOr(m.DeliveredAt, now), d).Delivered++
	}
	if k&chRead != 0 {
		at := timeOr(m.ReadAt, now)
		t.counters(at, d).Read++
		t.contactEvent(m.To, at, false)
	}
}

// dueAt is when a message could first have been sent: its creation, or its
// send_at when later. Queue wait runs from there to the send.
func dueAt(m *store.Message) time.Time {
	if m.SendAt != nil && m.SendAt.After(m.CreatedAt) {
		return *m.SendAt
	}
	return m.CreatedAt
}

func timeOr(p *time.Time, def time.Time) time.Time {
	if p != nil {
		return *p
	}
	return def
}

// Call counts one gateway call's duration in the latency histogram of the
// message's dimensions (the sender's OnCall hook), whatever its outcome,
// on the instance that made the call: m's pin, else its TriedBy, which
// sender/fleet sets to the calling instance before it calls Call.
func (t *Tracker) Call(m *store.Message, d time.Duration, err error) {
	if m == nil {
		return
	}
	now := t.now()
	t.mu.Lock()
	t.counters(now, triedDims(m, msgDims(m))).Latency.Observe(d)
	t.mu.Unlock()
	sendDuration.Update(d.Seconds())
}

// Inbound counts a message a contact sent, stored for the first time (the
// receiver's OnInbound hook): Received, the campaign messages it answers,
// a conversation it starts, and the response clock it starts.
func (t *Tracker) Inbound(in store.Inbound) {
	at := in.At
	if at.IsZero() {
		at = in.ReceivedAt
	}
	if at.IsZero() {
		at = t.now()
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.received(in.From, at, in.Instance, in.Campaign)
}
