package sender

import (
	"context"
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
	Name           string     `json:"name"`
	Gateway        string     `json:"gateway"`
	State          string     `json:"state"` // "active" or "paused"
	PausedReason   string     `json:"paused_reason,omitempty"`
	Rate           string     `json:"rate"`
	SentLastWindow int        `json:"sent_last_window"`
	DailyCap       int        `json:"daily_cap,omitempty"`  // today's cap, with the warm-up
	SentLastDay    int        `json:"sent_last_day"`        // sends in the last 24 hours
	HeldUntil      *time.Time `json:"held_until,omitempty"` // a hold (the connection was lost) ends by itself then
	Waiting        string     `json:"waiting,omitempty"`    // why sending waits, when pacing holds it
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
	daily *dayLog       // the sends of the last 24 hours, cap or not
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
		daily:  newDayLog(cfg.Now),
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
		case <-s.ready(): // SetPaused(false) signals it
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
		case <-s.ready():
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
