package fleet

import (
	"time"

	"github.com/waqhq/waq/store"
)

// Bounds of what is read at start to learn each contact's instance: pages
// of sent, delivered and read messages, newest first, and pages of the
// inbound messages still kept (store.InboundRetention), oldest first.
const (
	stickyPages        = 20
	stickyInboundPages = 200
)

// stick is the instance that last exchanged a message with a contact: the
// newer of the last send to it and the last message it wrote.
type stick struct {
	instance string
	at       time.Time
	wrote    bool // the contact wrote to it last, rather than it sending
}

// why is the reason the lease's history gives for a sticky route.
func (s stick) why() string {
	if s.wrote {
		return "this contact last wrote to it"
	}
	return "it last sent to this contact"
}

// learn records that instance exchanged a message with contact at at,
// unless the contact already has a newer exchange. r.mu is held.
func (r *Runner) learn(contact string, s stick) {
	if old, ok := r.sticky[contact]; ok && old.at.After(s.at) {
		return
	}
	r.sticky[contact] = s
}

// onCall wraps a loop's OnCall to remember the instance that sent to each
// contact, and passes on a copy of the message whose TriedBy is this
// instance: the store sets TriedBy only with the call's outcome, and the
// call's latency counts on the instance that made it (stats.Tracker.Call).
func (r *Runner) onCall(name string, next func(*store.Message, time.Duration, error)) func(*store.Message, time.Duration, error) {
	return func(m *store.Message, d time.Duration, err error) {
		if err == nil {
			now := r.now()
			r.mu.Lock()
			r.learn(m.To, stick{instance: name, at: now})
			r.mu.Unlock()
		}
		if next != nil {
			tried := *m
			tried.TriedBy = name
			next(&tried, d, err)
		}
	}
}

// Inbound makes the contact who wrote in sticky to the instance it wrote
// to, unless a send to it or another message from it is newer: a
// conversation stays on the number the contact uses. The instance is
// in.Instance, a waq instance's name (or its Evolution instance name or
// Cloud API phone number id, as webhooks carry them), or the default
// instance when empty; an instance waq does not know is ignored. It is
// sender.Receiver's OnInbound.
func (r *Runner) Inbound(in store.Inbound) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.sticky == nil {
		r.sticky = map[string]stick{}
	}
	name := r.deflt
	if in.Instance != "" {
		name = matchInstance(r.settings, in.Instance)
	}
	if name != "" && in.From != "" {
		r.learn(in.From, stick{instance: name, at: in.At, wrote: true})
	}
}

// matchInstance returns the instance named name, or whose Evolution
// instance or Cloud API phone number id is name; "" when none is.
func matchInstance(ins []store.InstanceSettings, name string) string {
	for _, in := range ins {
		if in.Name == name {
			return in.Name
		}
	}
	for _, in := range ins {
		if (in.Evolution != nil && in.Evolution.Instance == name) || (in.CloudAPI != nil && in.CloudAPI.PhoneNumberID == name) {
			return in.Name
		}
	}
	return ""
}

// seedSticky learns from the stored messages which instance last
// exchanged a message with each contact, so that stickiness survives a
// restart as far as the kept history reaches (WAQ_SENT_RETENTION for sent
// messages, store.InboundRetention for received ones).
// What is learnt live while it reads goes into the same map, where the
// newer exchange wins.
func (r *Runner) seedSticky() {
	r.mu.Lock()
	r.sticky = map[string]stick{}
	r.mu.Unlock()
	r.seedSends()
	r.seedInbound()
}

// seedSends reads the sends, newest first by state, into r.sticky, taking
// r.mu for each page.
func (r *Runner) seedSends() {
	for _, st := range []store.Status{store.Sent, store.Delivered, store.Read} {
		cursor := ""
		for range stickyPages {
			ms, next, err := r.Fleet.Store.Messages(store.Filter{Status: st, Limit: store.ListLimitMax, Cursor: cursor})
			if err != nil {
				r.log().Warn("instances: cannot read which instance last sent to each contact", "err", err)
				break
			}
			r.mu.Lock()
			for _, m := range ms {
				if m.Instance != "" && m.SentAt != nil {
					r.learn(m.To, stick{instance: m.Instance, at: *m.SentAt})
				}
			}
			r.mu.Unlock()
			if cursor = next; next == "" {
				break
			}
		}
	}
}

// seedInbound reads the kept inbound messages into r.sticky.
func (r *Runner) seedInbound() {
	ins, err := r.Fleet.Settings()
	if err != nil {
		r.log().Warn("instances: cannot read them to learn which instance each contact wrote to", "err", err)
		return
	}
	deflt := Default(ins, r.Fleet.Env)
	r.mu.Lock()
	if r.settings == nil { // before the first Reconcile: Inbound needs them for what arrives from now on
		r.settings, r.deflt = ins, deflt
	}
	r.mu.Unlock()
	from := r.now().Add(-store.InboundRetention)
	for range stickyInboundPages {
		got, err := r.Fleet.Store.InboundSince(from, store.ListLimitMax)
		if err != nil {
			r.log().Warn("instances: cannot read which instance each contact wrote to", "err", err)
			return
		}
		r.mu.Lock()
		for _, in := range got {
			name := deflt
			if in.Instance != "" {
				name = matchInstance(ins, in.Instance)
			}
			if name != "" {
				r.learn(in.From, stick{instance: name, at: in.At, wrote: true})
			}
		}
		r.mu.Unlock()
		if len(got) < store.ListLimitMax {
			return
		}
		from = got[len(got)-1].ReceivedAt.Add(time.Nanosecond)
	}
}
