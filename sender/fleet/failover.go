package fleet

import (
	"fmt"
	"time"

	"github.com/waqhq/waq/sender"
)

// FailoverGraceDefault is WAQ_FAILOVER_GRACE's default: a number that
// reconnects within it keeps its conversations.
const FailoverGraceDefault = 10 * time.Minute

// pausePoll is how often the runner looks at its loops' pauses.
const pausePoll = time.Second

// watchPauses notes when each paused loop's pause began: the stored time
// of a pause the gateway caused (which survives a restart), else the
// moment the runner first saw it. It reads the store, so it runs outside
// any transaction, never from takes.
func (r *Runner) watchPauses() {
	r.mu.Lock()
	loops := make(map[string]*loop, len(r.loops))
	for name, l := range r.loops {
		loops[name] = l
	}
	r.mu.Unlock()
	since := map[string]time.Time{}
	for name, l := range loops {
		if l.snd.Status().State != sender.StatePaused {
			continue
		}
		r.mu.Lock()
		t, known := r.since[name]
		r.mu.Unlock()
		if !known {
			t = r.now()
			if st, err := r.Fleet.Store.Instance(name); err == nil && st.PausedAt != nil {
				t = *st.PausedAt
			}
		}
		since[name] = t
	}
	r.mu.Lock()
	r.since = since
	r.mu.Unlock()
}

// failedOver reports whether sticky instance s has been paused past the
// grace, and says so for the history. r.mu is held.
func (r *Runner) failedOver(s string) (bool, string) {
	t, ok := r.since[s]
	if !ok || r.now().Sub(t) < r.FailoverGrace {
		return false, ""
	}
	return true, fmt.Sprintf("; failover from %s, paused since %s", s, t.UTC().Format(time.RFC3339))
}

func (r *Runner) now() time.Time {
	if r.Base.Now != nil {
		return r.Base.Now()
	}
	return time.Now()
}
