package sender

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/waqhq/waq/store"
)

// States of an instance as Status reports them.
const (
	StateActive = "active"
	StatePaused = "paused"
)

// Waits of the sending loop.
const (
	pausePoll = 200 * time.Millisecond // how often a paused loop looks again
	idleWait  = time.Second            // longest wait on an empty queue without a wake-up
	errorWait = time.Second            // pause after the store failed
	stopGrace = 2 * time.Second        // after StopTimeout, for cancelled calls to record their outcome
)

// Instance is one gateway instance's state as /v1/queue and the page show it.
type Instance struct {
	Name           string `json:"name"`
	Gateway        string `json:"gateway"`
	State          string `json:"state"` // "active" or "paused"
	PausedReason   string `json:"paused_reason,omitempty"`
	Rate           string `json:"rate"`
	SentLastWindow int    `json:"sent_last_window"`
	DailyCap       int    `json:"daily_cap,omitempty"`     // today's cap, with the warm-up
	SentLastDay    int    `json:"sent_last_day,omitempty"` // sends in the last 24 hours, when capped
	Waiting        string `json:"waiting,omitempty"`       // why sending waits, when pacing holds it
}

// Sender sends the store's ready messages through one gateway instance,
// within the instance's rate and concurrency.
type Sender struct {
	st    *store.Store
	gw    Gateway
	cfg   Config
	log   *slog.Logger
	lim   *limiter      // the rate
	day   *limiter      // the daily cap, over 24 hours; nil without one
	slots chan struct{} // a semaphore of Concurrency gateway calls
	wake  chan struct{} // Resume wakes a paused loop

	mu        sync.Mutex
	paused    bool
	reason    string
	holdUntil time.Time            // a pause that ends by itself (connection lost, not logged out)
	gapUntil  time.Time            // the random gap: no send starts before it
	lastTo    map[string]time.Time // the last send to each contact, for the recipient gap
	warmFrom  *time.Time           // when the warm-up began
	waiting   string
}

// New returns a Sender for gateway gw; zero fields of cfg take their
// defaults. Run checks cfg and starts sending.
func New(st *store.Store, gw Gateway, cfg Config) *Sender {
	cfg = cfg.withDefaults()
	s := &Sender{
		st: st, gw: gw, cfg: cfg, lim: newLimiter(cfg.Rate, cfg.Now),
		log:    cfg.Logger.With("instance", cfg.Instance, "gateway", cfg.Gateway),
		slots:  make(chan struct{}, max(cfg.Concurrency, 1)),
		wake:   make(chan struct{}, 1),
		lastTo: make(map[string]time.Time),
	}
	if cfg.Pacing.DailyCap > 0 {
		s.day = newLimiter(Rate{Count: cfg.Pacing.DailyCap, Window: day}, cfg.Now)
	}
	return s
}

// Run sends messages until ctx ends, then waits up to StopTimeout for the
// sends in flight, whose gateway calls are not cancelled before then. It
// returns an error only when the Config is invalid or there is no gateway;
// store failures are logged and retried. Call Run once per Sender.
func (s *Sender) Run(ctx context.Context) error {
	if err := s.cfg.Validate(); err != nil {
		return err
	}
	if s.gw == nil {
		return fmt.Errorf("sender %s: no gateway", s.cfg.Instance)
	}
	s.restore()
	s.seed()
	calls, cancelCalls := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelCalls()
	var wg sync.WaitGroup
	s.log.Info("sender started", "rate", s.cfg.Rate.String(), "concurrency", s.cfg.Concurrency, "pacing", s.cfg.Pacing.String())
	for ctx.Err() == nil {
		ms, err := s.next(ctx)
		switch {
		case len(ms) > 0:
			s.dispatch(ctx, ms, func(m *store.Message, started chan struct{}) {
				wg.Add(1)
				go func() {
					defer wg.Done()
					s.send(calls, m, started)
				}()
			})
		case err != nil && ctx.Err() == nil:
			s.log.Error("sender: store failed; retrying", "err", err)
			_ = sleep(ctx, errorWait)
		}
	}
	s.stop(&wg, cancelCalls)
	return nil
}

// next waits until the instance may send, a concurrency slot is free and
// the rate would grant a permit, then leases as many of the highest-priority
// ready messages as it holds free slots and permits for, in one commit. Each
// leased message holds a slot. It returns nil, nil when there was nothing to
// send.
func (s *Sender) next(ctx context.Context) ([]*store.Message, error) {
	if err := s.waitActive(ctx); err != nil {
		return nil, err
	}
	select {
	case s.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	ms, err := s.lease(ctx)
	if errors.Is(err, store.ErrEmpty) {
		s.idle(ctx)
		return nil, nil
	}
	return ms, err
}

// lease holds the slot next took, waits until a permit is free and leases
// up to as many messages as there are free slots and permits; the slots it
// does not use are given back.
func (s *Sender) lease(ctx context.Context) ([]*store.Message, error) {
	n := 1
	defer func() { s.freeSlots(n) }()
	if err := s.waitFree(ctx); err != nil {
		return nil, err
	}
	if ok, err := s.active(); !ok || err != nil {
		return nil, err
	}
	n += s.moreSlots(s.headroom() - 1)
	ms, err := s.st.LeaseBatch(n, s.cfg.Now().Add(s.cfg.LeaseTimeout))
	if err != nil && !errors.Is(err, store.ErrEmpty) {
		err = fmt.Errorf("lease: %w", err)
	}
	n -= len(ms)
	return ms, err
}

// moreSlots takes up to n more concurrency slots without waiting and
// returns how many it took.
func (s *Sender) moreSlots(n int) int {
	for i := range n {
		select {
		case s.slots <- struct{}{}:
		default:
			return i
		}
	}
	return max(n, 0)
}

func (s *Sender) freeSlots(n int) {
	for range n {
		<-s.slots
	}
}

// headroom returns how many sends the rate, the daily cap and the random
// gap allow to start at once now: a batch never leases a message that
// would then wait for a permit while its lease runs.
func (s *Sender) headroom() int {
	n := s.lim.free()
	if s.day != nil {
		n = min(n, s.day.free())
	}
	if s.cfg.Pacing.GapMax > 0 {
		n = min(n, 1)
	}
	return max(n, 1)
}

// dispatch starts the sends of leased messages one after another, each
// with its rate permit taken just before go starts it, after the checks
// that may keep it back: a contact who opted out, pacing that holds it,
// the sending paused meanwhile, or the sender stopping.
func (s *Sender) dispatch(ctx context.Context, ms []*store.Message, gof func(*store.Message, chan struct{})) {
	for i, m := range ms {
		if err := s.waitPermit(ctx); err != nil {
			s.releaseAll(ms[i:], "sender stopped before sending")
			return
		}
		if ok, err := s.active(); !ok || err != nil {
			s.undo()
			s.releaseAll(ms[i:], "sending paused before this message went")
			return
		}
		if skip, err := s.skip(m); skip || err != nil {
			s.undo()
			s.freeSlots(1)
			if err != nil {
				s.log.Error("sender: store failed", "id", m.ID, "err", err)
			}
			continue
		}
		started := make(chan struct{})
		gof(m, started)
		<-started // the next permit is taken after this call started
	}
}

// releaseAll puts leased messages back in the queue and frees their slots.
func (s *Sender) releaseAll(ms []*store.Message, note string) {
	for _, m := range ms {
		s.release(m, note)
	}
	s.freeSlots(len(ms))
}

// skip reports whether a leased message is not to be sent now, having
// stored why: its contact opted out (cancelled) or pacing holds it
// (deferred).
func (s *Sender) skip(m *store.Message) (bool, error) {
	if o, err := s.st.Optout(m.To); err == nil && o.Suppresses(m) {
		if _, err := s.st.Suppress(m.ID, "not sent: the contact opted out ("+o.Scope+")"); err != nil {
			return true, fmt.Errorf("suppress: %w", err)
		}
		s.log.Info("message not sent: the contact opted out", "id", m.ID, "scope", o.Scope)
		return true, nil
	}
	if until, note := s.hold(m); !until.IsZero() {
		if _, err := s.st.Defer(m.ID, until, note); err != nil {
			return true, fmt.Errorf("defer: %w", err)
		}
		s.log.Debug("message deferred by pacing", "id", m.ID, "until", until, "note", note)
		return true, nil
	}
	return false, nil
}

// waitFree waits until the pacing and the rate would grant a permit,
// without taking it.
func (s *Sender) waitFree(ctx context.Context) error {
	for {
		wait := s.paceWait()
		if wait == 0 {
			if wait = s.lim.peek(); wait == 0 {
				return nil
			}
		}
		if s.cfg.OnWait != nil {
			s.cfg.OnWait(wait)
		}
		if err := s.cfg.Sleep(ctx, wait); err != nil {
			return err
		}
	}
}

// waitPermit waits for the pacing (gap, daily cap) and then takes a rate
// permit, and a daily one with it.
func (s *Sender) waitPermit(ctx context.Context) error {
	for {
		wait := s.paceWait()
		if wait == 0 {
			if wait = s.lim.take(); wait == 0 {
				if s.day != nil {
					s.day.take()
				}
				return nil
			}
		}
		if s.cfg.OnWait != nil {
			s.cfg.OnWait(wait)
		}
		if err := s.cfg.Sleep(ctx, wait); err != nil {
			return err
		}
	}
}

// undo gives back the permits of a send that did not happen.
func (s *Sender) undo() {
	s.lim.undo()
	if s.day != nil {
		s.day.undo()
	}
}

// active reports whether neither the operator (store pause) nor the gateway
// (instance pause) stopped the sending.
func (s *Sender) active() (bool, error) {
	if s.instancePaused() {
		return false, nil
	}
	paused, err := s.st.Paused()
	if err != nil {
		return false, fmt.Errorf("read pause: %w", err)
	}
	return !paused, nil
}

func (s *Sender) waitActive(ctx context.Context) error {
	for {
		if ok, err := s.active(); ok || err != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-s.wake:
		case <-s.st.Ready(): // SetPaused(false) signals it
		case <-time.After(pausePoll):
		}
	}
}

// idle waits for the store's signal that a message is ready. Every idleWait
// it also reads the queue's counters, in case a signal was missed: a read,
// where an empty Lease would cost a commit.
func (s *Sender) idle(ctx context.Context) {
	t := time.NewTimer(idleWait)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.st.Ready():
			return
		case <-s.wake:
			return
		case <-t.C:
		}
		c, err := s.st.Counts()
		if err != nil || c.States[store.Queued] > 0 {
			return
		}
		t.Reset(idleWait)
	}
}

// stop waits for the sends in flight up to StopTimeout, then cancels their
// gateway calls and gives them stopGrace to record what happened. A send
// still running after that keeps its lease, which the next start recovers.
func (s *Sender) stop(wg *sync.WaitGroup, cancelCalls context.CancelFunc) {
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	t := time.NewTimer(s.cfg.StopTimeout)
	defer t.Stop()
	select {
	case <-done:
		s.log.Info("sender stopped")
		return
	case <-t.C:
	}
	s.log.Warn("sender: stop timeout; cancelling the gateway calls in flight", "stop_timeout", s.cfg.StopTimeout)
	cancelCalls()
	select {
	case <-done:
		s.log.Info("sender stopped")
	case <-time.After(stopGrace):
		s.log.Error("sender: gateway calls did not return after cancelling; their leases are recovered at the next start")
	}
}
