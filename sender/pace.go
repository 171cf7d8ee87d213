package sender

import (
	"fmt"
	"time"

	"github.com/waqhq/waq/store"
)

// day is the daily cap's window: any 24 hours, as Meta counts its limits.
const day = 24 * time.Hour

// recipientsMax bounds the recipient-gap memory before old entries go.
const recipientsMax = 10000

// String describes the pacing for the log.
func (p Pacing) String() string {
	out := ""
	add := func(format string, a ...any) {
		if out != "" {
			out += ", "
		}
		out += fmt.Sprintf(format, a...)
	}
	if p.GapMax > 0 {
		add("gap %s-%s", p.GapMin, p.GapMax)
	}
	if p.DailyCap > 0 {
		add("daily cap %d", p.DailyCap)
	}
	if p.WarmupStart > 0 {
		add("warm-up from %d", p.WarmupStart)
	}
	if p.RecipientGap > 0 {
		add("recipient gap %s", p.RecipientGap)
	}
	if p.Window != nil {
		add("window %s", p.Window)
	}
	if out == "" {
		return "none"
	}
	return out
}

// dailyCap returns today's cap, with the warm-up.
func (s *Sender) dailyCap() int {
	s.mu.Lock()
	from := s.warmFrom
	s.mu.Unlock()
	return s.cfg.Pacing.capOn(from, s.cfg.Now())
}

// paceWait returns how long the random gap or the daily cap hold the next
// send, and notes why for Status.
func (s *Sender) paceWait() time.Duration {
	now := s.cfg.Now()
	var wait time.Duration
	why := ""
	if s.day != nil {
		s.day.setCount(s.dailyCap())
		if w := s.day.peek(); w > 0 {
			wait, why = w, fmt.Sprintf("daily cap of %d reached", s.dailyCap())
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if g := s.gapUntil.Sub(now); g > wait {
		wait, why = g, ""
	}
	s.waiting = why
	return wait
}

// hold returns when a leased message may go, when pacing keeps it back now
// (zero when it may go at once), and why.
func (s *Sender) hold(m *store.Message) (time.Time, string) {
	p, now := s.cfg.Pacing, s.cfg.Now()
	if p.Window != nil && windowed(m) && !p.Window.Open(now) {
		return p.Window.Next(now), "waits for the send window " + p.Window.String()
	}
	if p.RecipientGap > 0 {
		s.mu.Lock()
		last, ok := s.lastTo[m.To]
		s.mu.Unlock()
		if next := last.Add(p.RecipientGap); ok && now.Before(next) {
			return next, fmt.Sprintf("waits %s after the last message to this contact", p.RecipientGap)
		}
	}
	return time.Time{}, ""
}

// started records that a send to m's contact starts now: the rate permits
// move to this moment, the random gap begins, and the contact's gap too. It
// returns the permits' stamps for settled.
func (s *Sender) started(m *store.Message) stamps {
	var st stamps
	st.rate = s.lim.restamp()
	if s.day != nil {
		st.day = s.day.restamp()
	}
	now := s.cfg.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if g := s.cfg.Pacing.gap(); g > 0 {
		s.gapUntil = now.Add(g)
	}
	if s.cfg.Pacing.RecipientGap > 0 {
		s.remember(m.To, now)
	}
	return st
}

// stamps are the times a send's permits carry while its call runs.
type stamps struct{ rate, day time.Time }

// settled moves the send's permits from their start to now, when the
// gateway call returned (see limiter.settle).
func (s *Sender) settled(st stamps) {
	now := s.cfg.Now()
	s.lim.settle(st.rate, now)
	if s.day != nil {
		s.day.settle(st.day, now)
	}
}

// remember records a send to a contact; the caller holds s.mu.
func (s *Sender) remember(to string, at time.Time) {
	if at.After(s.lastTo[to]) {
		s.lastTo[to] = at
	}
	if len(s.lastTo) <= recipientsMax {
		return
	}
	edge := s.cfg.Now().Add(-s.cfg.Pacing.RecipientGap)
	for k, t := range s.lastTo {
		if t.Before(edge) {
			delete(s.lastTo, k)
		}
	}
}
