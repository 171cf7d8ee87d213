package fleet

import (
	"time"

	"github.com/waqhq/waq/sender"
	"github.com/waqhq/waq/store"
)

// StateStopped is the state of an enabled instance whose loop does not run
// (it could not start; the log says why).
const StateStopped = "stopped"

// Bounds of Live: the queued messages it reads, and the ids it lists of
// those waiting on each instance.
const (
	LiveScanMax  = 100000
	WaitingIDMax = 5
)

// Live is one instance as GET /v1/queue and the page show it: its loop's
// state (or disabled, or stopped), when its pause began, its rate and
// daily cap use, and its queue.
type Live struct {
	sender.Instance
	PausedSince *time.Time // when the pause or hold began, while paused
	RateLimit   int        // the sends its rate window allows
	Queued      int        // as GET /v1/instances counts it: pinned, and for the default instance the unpinned ones
	Pinned      int        // queued messages pinned to it
	// Waiting counts the queued messages that wait for this instance
	// while it does not send (paused, disabled, stopped): those pinned to
	// it, and the unpinned ones routing keeps for it (its sticky contacts
	// within the failover grace, a campaign whose instances are all
	// paused, every unpinned one when no instance is active). WaitingIDs
	// are the first of them in the order they will go.
	Waiting    int
	WaitingIDs []string
	// Partial says that the queue held more messages than Live reads
	// (LiveScanMax): the counts above cover the first of them only.
	Partial bool
}

// Live returns every instance, sorted by name, with its queue. It reads up
// to LiveScanMax queued messages (in the order they are leased; Partial
// says when there were more) and applies the routing to each, outside the
// store's transactions.
func (r *Runner) Live() ([]Live, error) {
	ins, err := r.Fleet.Settings()
	if err != nil {
		return nil, err
	}
	scan := r.LiveScan
	if scan <= 0 {
		scan = LiveScanMax
	}
	refs, err := r.Fleet.Store.QueuedRefs(scan + 1) // one more tells a longer queue
	if err != nil {
		return nil, err
	}
	partial := len(refs) > scan
	refs = refs[:min(len(refs), scan)]
	out := make([]Live, len(ins))
	at := map[string]*Live{}
	sending := map[string]bool{}
	for i, in := range ins {
		out[i] = r.live(in)
		out[i].Partial = partial
		at[in.Name] = &out[i]
		sending[in.Name] = out[i].State == sender.StateActive
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, ref := range refs {
		r.count(ref, at, sending)
	}
	for i := range out {
		if t, ok := r.since[out[i].Name]; ok && out[i].State == sender.StatePaused {
			out[i].PausedSince = &t
		}
	}
	return out, nil
}

// live is in's state: its loop's status, or disabled or stopped.
func (r *Runner) live(in store.InstanceSettings) Live {
	st, ok := r.Status(in.Name)
	if !ok {
		st = sender.Instance{Name: in.Name, Gateway: in.Gateway, State: StateStopped, Rate: in.Rate}
		if !in.Enabled {
			st.State = StateDisabled
		}
	}
	return Live{Instance: st, RateLimit: rateCount(st.Rate)}
}

// count adds one queued message to the queue of the instance it is pinned
// or routed to, and to the waiting of the one that holds it back, if any.
// r.mu is held.
func (r *Runner) count(ref store.QueuedRef, at map[string]*Live, sending map[string]bool) {
	wait := ""
	if pin := ref.Instance; pin != "" && r.known[pin] {
		at[pin].Queued++
		at[pin].Pinned++
		if !sending[pin] {
			wait = pin
		}
	} else {
		if l := at[r.deflt]; l != nil {
			l.Queued++
		}
		wait = r.waitsOn(ref, sending)
	}
	if l := at[wait]; l != nil {
		l.Waiting++
		if len(l.WaitingIDs) < WaitingIDMax {
			l.WaitingIDs = append(l.WaitingIDs, ref.ID)
		}
	}
}

// waitsOn returns the instance an unpinned message waits for, as route
// would choose it, or "" when an active instance takes it now. r.mu is
// held.
func (r *Runner) waitsOn(ref store.QueuedRef, sending map[string]bool) string {
	allowed := r.allowed(ref.Campaign)
	if st, ok := r.sticky[ref.To]; ok && r.loops[st.instance] != nil && (allowed == nil || allowed[st.instance]) {
		if over, _ := r.failedOver(st.instance); !over {
			if sending[st.instance] {
				return ""
			}
			return st.instance
		}
	}
	first := ""
	for name := range r.loops {
		if allowed != nil && !allowed[name] {
			continue
		}
		if sending[name] {
			return ""
		}
		if first == "" || name < first {
			first = name
		}
	}
	if allowed != nil && first != "" {
		return first
	}
	return r.deflt
}
