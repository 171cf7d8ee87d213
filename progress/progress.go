// Package progress carries the progress of long work (an import, a
// mirror's first sync, a cutover) from the code doing it to whoever
// watches. The code reports counts through its context with Report, which
// costs nothing when nobody watches; a Meter turns those counts into
// Updates with a rate, a few per second at most, for the watcher: the
// server's streamed answer, or a command's progress bar.
package progress

import (
	"context"
	"encoding/json"
	"sync"
	"time"
)

// Phases of the long work, in the order each kind of work goes through
// them; docs/api.md lists what each counts.
const (
	PhaseCopy      = "copy"      // import: source keys scanned, of the source's DBSIZE
	PhaseTranslate = "translate" // import, cutover: BullMQ jobs turned into messages
	PhaseRelease   = "release"   // cutover: held messages released
	PhaseConnect   = "connect"   // mirror: reaching the source
	PhaseLoad      = "load"      // mirror: keys loaded from the source's RDB
	PhaseCatchUp   = "catch_up"  // mirror: stream offset applied, of the source's
	PhaseDone      = "done"      // the last line: Result holds the answer
	PhaseFailed    = "failed"    // the last line: Error holds why
)

// Update is one line of progress: Done of Total (0 when not known) in
// Phase, at Rate per second since the phase began. The last line of a
// stream has Phase PhaseDone with Result, or PhaseFailed with Error.
type Update struct {
	Phase  string          `json:"phase"`
	Done   int64           `json:"done"`
	Total  int64           `json:"total"`
	Rate   float64         `json:"rate"`
	Result json.RawMessage `json:"result,omitempty"`
	Error  json.RawMessage `json:"error,omitempty"`
}

// Func receives the counts of long work.
type Func func(phase string, done, total int64)

type ctxKey struct{}

// With returns ctx carrying fn, which Report calls.
func With(ctx context.Context, fn Func) context.Context {
	return context.WithValue(ctx, ctxKey{}, fn)
}

// Report hands done of total (0: not known) in phase to the Func ctx
// carries, if any. fn may be called from several goroutines.
func Report(ctx context.Context, phase string, done, total int64) {
	if fn, ok := ctx.Value(ctxKey{}).(Func); ok && fn != nil {
		fn(phase, done, total)
	}
}

// Watched reports whether ctx carries a Func, so work can skip counting
// that costs something (a DBSIZE, a count of jobs) when nobody watches.
func Watched(ctx context.Context) bool {
	fn, ok := ctx.Value(ctxKey{}).(Func)
	return ok && fn != nil
}

// Meter turns reported counts into Updates for Emit, with the phase's
// rate: the first count of a phase at once, then at most one per Every;
// the last count of a phase goes out before the next phase's first, and
// Flush sends the one still held back, so a watcher always sees where each
// phase ended. It is safe for concurrent use; Emit is called under its
// lock, one at a time.
type Meter struct {
	Every time.Duration    // EveryDefault when 0
	Now   func() time.Time // time.Now when nil
	Emit  func(Update)

	mu      sync.Mutex
	phase   string
	start   time.Time // when the phase began
	last    time.Time // when the last Update went out
	pending *Update   // the latest count, not sent yet
}

// EveryDefault is how often a Meter emits at most, within a phase.
const EveryDefault = 250 * time.Millisecond

// Report counts done of total in phase; it is a Func.
func (m *Meter) Report(phase string, done, total int64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	if phase != m.phase {
		m.flush()
		m.phase, m.start, m.last = phase, now, time.Time{}
	}
	u := Update{Phase: phase, Done: done, Total: total}
	if secs := now.Sub(m.start).Seconds(); secs > 0 {
		u.Rate = float64(int64(float64(done)/secs*10+0.5)) / 10
	}
	m.pending = &u
	if m.last.IsZero() || now.Sub(m.last) >= m.every() {
		m.flush()
		m.last = now
	}
}

// Flush emits the count held back, if any.
func (m *Meter) Flush() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.flush()
}

func (m *Meter) flush() {
	if m.pending != nil {
		m.Emit(*m.pending)
		m.pending = nil
	}
}

func (m *Meter) now() time.Time {
	if m.Now != nil {
		return m.Now()
	}
	return time.Now()
}

func (m *Meter) every() time.Duration {
	if m.Every > 0 {
		return m.Every
	}
	return EveryDefault
}
