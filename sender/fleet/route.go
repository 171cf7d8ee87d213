package fleet

import (
	"fmt"

	"github.com/waqhq/waq/sender"
	"github.com/waqhq/waq/store"
)

// takes reports whether instance name leases m, and why. A message pinned
// to an instance goes to it alone; a pin that names no instance counts as
// unpinned, so a client's old labels do not stall its messages. An
// unpinned message is routed (route) when it is leased, not when it is
// enqueued, so it follows the instances' state.
func (r *Runner) takes(name string, m *store.Message) (bool, string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if pin := m.Instance; pin != "" && r.known[pin] {
		return pin == name, ""
	}
	to, why := r.route(m.To, r.allowed(m.Campaign))
	return to == name, why
}

// route chooses the instance of an unpinned message to contact, among
// allowed (its campaign's instances; nil for any): the one
// that last exchanged a message with it (sent to it, or received from it)
// while that one runs (a conversation stays on one
// number; while it is paused the message waits for it, up to the failover
// grace), else the active instance with the most room in its rate window
// and daily cap, else the default one, where it waits. r.mu is held.
func (r *Runner) route(contact string, allowed map[string]bool) (string, string) {
	moved, limit := "", ""
	if allowed != nil {
		limit = " among the campaign's instances"
	}
	if st, ok := r.sticky[contact]; ok && r.loops[st.instance] != nil && (allowed == nil || allowed[st.instance]) {
		var over bool
		if over, moved = r.failedOver(st.instance); !over {
			return st.instance, "routed to " + st.instance + ": " + st.why()
		}
	}
	best, room, wait := "", -1, ""
	for name, l := range r.loops {
		if allowed != nil && !allowed[name] {
			continue
		}
		if wait == "" || name < wait {
			wait = name
		}
		if !active(l) {
			continue
		}
		if n := roomOf(l.snd.Status()); n > room || n == room && name < best {
			best, room = name, n
		}
	}
	switch {
	case best != "":
		return best, fmt.Sprintf("routed to %s: most room%s (%d sends free in its rate window and daily cap)%s", best, limit, room, moved)
	case allowed != nil && wait != "":
		return wait, "" // the campaign's instances are all paused: wait for the first
	}
	return r.deflt, ""
}

// allowed returns the instances campaign may use, nil for any: a campaign
// that names none that exists is not held back by a typo. r.mu is held.
func (r *Runner) allowed(campaign string) map[string]bool {
	var out map[string]bool
	for _, name := range r.campaigns[campaign] {
		if r.known[name] {
			if out == nil {
				out = map[string]bool{}
			}
			out[name] = true
		}
	}
	return out
}

// readCampaigns refreshes the campaigns' instance lists, outside any
// transaction (takes runs inside the store's).
func (r *Runner) readCampaigns() {
	if r.Campaigns == nil {
		return
	}
	cs, err := r.Campaigns()
	if err != nil {
		r.log().Warn("instances: cannot read the campaigns' instances", "err", err)
		return
	}
	r.mu.Lock()
	r.campaigns = cs
	r.mu.Unlock()
}

func active(l *loop) bool { return l.snd.Status().State == sender.StateActive }

// roomOf is how many more sends an instance's rate window and daily cap
// allow now.
func roomOf(in sender.Instance) int {
	room := rateCount(in.Rate) - in.SentLastWindow
	if in.DailyCap > 0 {
		room = min(room, in.DailyCap-in.SentLastDay)
	}
	return max(room, 0)
}

func rateCount(rate string) int {
	r, err := sender.ParseRate(rate)
	if err != nil {
		return 0
	}
	return r.Count
}
