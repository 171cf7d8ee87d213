package sender

import (
	"context"
	"errors"
	"fmt"

	"github.com/waqhq/waq/store"
)

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
	ms, err := s.leaseBatch(n)
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

// leaseBatch leases up to n messages: this instance's share when it has
// one, else every ready message.
func (s *Sender) leaseBatch(n int) ([]*store.Message, error) {
	deadline := s.cfg.Now().Add(s.cfg.LeaseTimeout)
	if s.cfg.Takes != nil {
		return s.st.LeaseBatchFor(n, deadline, s.cfg.Takes)
	}
	return s.st.LeaseBatch(n, deadline)
}

// ready is the signal that a commit made a message ready.
func (s *Sender) ready() <-chan struct{} {
	if s.cfg.Ready != nil {
		return s.cfg.Ready
	}
	return s.st.Ready()
}
