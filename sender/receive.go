package sender

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/waqhq/waq/store"
)

// HoldMax is how long a lost connection holds an instance's sending when
// the gateway says it reconnects by itself. If its "open" event never comes,
// sending tries again after this; a send that finds the connection still
// closed fails as retryable.
const HoldMax = 2 * time.Minute

// IDMax is the most bytes a webhook event's ids may have: the gateway
// message id, the id it answers, the contact, the instance and the message
// type. Real ones are far shorter (a wamid is about 60 bytes, an Evolution
// key id 20 to 32); a longer one would make an index key the store cannot
// hold, and answering that with a 5xx would have the gateway deliver the
// same event forever.
const IDMax = 256

// Receiver applies what gateways report (statuses, inbound messages,
// connection changes) to the store and the senders. The webhooks of every
// gateway and the demo gateway's simulated reports go through Apply, so
// they share one behaviour: statuses only move forward, repeats change
// nothing, and an id no message carries yet is kept for later.
type Receiver struct {
	Store *store.Store
	// Sender finds the sender of an instance by name; nil, or a nil
	// result, when none sends through it (connection events are then
	// only counted).
	Sender func(instance string) *Sender
	// OnEvent, when set, sees every event after it was applied, with the
	// message it changed (nil when none), for the analytics.
	OnEvent func(ev GatewayEvent, m *store.Message, changed bool)
	// OnInbound, when set, sees each inbound message the first time it is
	// stored, linked to the message it answers (the analytics' replies).
	OnInbound func(in store.Inbound)
	Now       func() time.Time
	Logger    *slog.Logger
}

// Result counts what Apply did with a delivery's events.
type Result struct {
	Applied    int `json:"applied"`    // changed a message, or stored an inbound one
	Duplicates int `json:"duplicates"` // repeated or late: nothing to change
	Pending    int `json:"pending"`    // for a message id not stored yet; kept
	Ignored    int `json:"ignored"`    // events waq does not act on
	Rejected   int `json:"rejected"`   // events that cannot be stored as they are (an id over IDMax); dropped
}

// Apply applies evs in order. An event whose own content cannot be stored
// (see IDMax) is counted as rejected and skipped: delivering it again would
// not help. Apply stops at the first store failure and returns it wrapped,
// so the webhook answers 5xx and the gateway delivers again; what was
// applied before stays, and a redelivery only repeats it.
func (r *Receiver) Apply(evs []GatewayEvent) (Result, error) {
	var res Result
	for i := range evs {
		if field := oversized(&evs[i]); field != "" {
			res.Rejected++
			r.log().Warn("webhook event rejected", "source", evs[i].Source, "event", evs[i].Kind, "field", field, "max_bytes", IDMax)
			continue
		}
		if err := r.apply(&evs[i], &res); err != nil {
			return res, fmt.Errorf("apply %s event: %w", evs[i].Name, err)
		}
	}
	return res, nil
}

// oversized names the first id of ev longer than IDMax, or returns "".
func oversized(ev *GatewayEvent) string {
	for _, f := range [...]struct{ name, v string }{{"gateway_id", ev.GatewayID}, {"reply_to", ev.ReplyTo},
		{"from", ev.From}, {"instance", ev.Instance}, {"type", ev.Type}} {
		if len(f.v) > IDMax {
			return f.name
		}
	}
	return ""
}

func (r *Receiver) apply(ev *GatewayEvent, res *Result) error {
	if ev.At.IsZero() {
		ev.At = r.now()
	}
	switch ev.Kind {
	case EventStatus:
		return r.status(ev, res)
	case EventInbound:
		return r.inbound(ev, res)
	case EventConnection:
		r.connection(ev)
		res.Applied++
	default:
		res.Ignored++
	}
	r.observe(*ev, nil, false)
	return nil
}

func (r *Receiver) status(ev *GatewayEvent, res *Result) error {
	m, changed, err := r.Store.ReportStatus(ev.GatewayID, ev.Status, ev.At, ev.Reason)
	switch {
	case store.ErrorCode(err) == store.EINVALID:
		res.Ignored++
		return nil
	case err != nil:
		return err
	case m == nil:
		res.Pending++
	case changed:
		res.Applied++
		r.log().Debug("status reported", "source", ev.Source, "id", m.ID, "status", m.Status)
	default:
		res.Duplicates++
	}
	r.observe(*ev, m, changed)
	return nil
}

func (r *Receiver) inbound(ev *GatewayEvent, res *Result) error {
	in, created, err := r.Store.RecordInbound(store.Inbound{GatewayID: ev.GatewayID, Source: ev.Source,
		Instance: ev.Instance, From: ev.From, Type: ev.Type, ReplyTo: ev.ReplyTo, At: ev.At})
	switch {
	case store.ErrorCode(err) == store.EINVALID:
		res.Ignored++
		return nil
	case err != nil:
		return err
	case created:
		res.Applied++
		if r.OnInbound != nil {
			r.OnInbound(in)
		}
		if IsOptout(ev.Text) {
			r.optout(ev)
		}
		r.log().Debug("inbound message", "source", ev.Source, "gateway_id", ev.GatewayID, "reply_to", in.MessageID)
	default:
		res.Duplicates++
	}
	r.observe(*ev, nil, created)
	return nil
}

// optout puts a contact who wrote an opt-out keyword on the suppression
// list for marketing. A failure is logged: the inbound message is stored,
// and the operator can add the contact by hand.
func (r *Receiver) optout(ev *GatewayEvent) {
	_, added, err := r.Store.AddOptout(store.Optout{Contact: ev.From, Scope: store.ScopeMarketing,
		Reason: "wrote an opt-out keyword", Source: store.OptoutKeyword})
	switch {
	case err != nil:
		r.log().Warn("cannot add an opt-out", "gateway_id", ev.GatewayID, "err", err)
	case added:
		r.log().Info("contact opted out of marketing by keyword", "gateway_id", ev.GatewayID)
	}
}

// connection resumes the instance when its gateway connected, pauses it
// when the gateway will not reconnect (logged out, banned), and holds it
// for a while when it will.
func (r *Receiver) connection(ev *GatewayEvent) {
	var s *Sender
	if r.Sender != nil {
		s = r.Sender(ev.Instance)
	}
	if s == nil {
		r.log().Info("connection event for an instance waq does not send through", "instance", ev.Instance, "connected", ev.Connected)
		return
	}
	why := fmt.Sprintf("%s: connection closed (code %d)", ev.Source, ev.Code)
	switch {
	case ev.Connected:
		s.Resume()
	case ev.Terminal:
		s.Pause(why + ": the number is logged out or blocked; reconnect it, then resume")
	default:
		s.Hold(why+"; waiting for it to reconnect", HoldMax)
	}
}

func (r *Receiver) observe(ev GatewayEvent, m *store.Message, changed bool) {
	if r.OnEvent != nil {
		r.OnEvent(ev, m, changed)
	}
}

func (r *Receiver) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

func (r *Receiver) log() *slog.Logger {
	if r.Logger != nil {
		return r.Logger
	}
	return slog.Default()
}
