package sender

import (
	"time"
)

// Status returns the instance's state, rate, sends in the current window
// and in the last 24 hours, and its daily cap. With a cap, the day's sends
// are the tries the cap counted; without one, the sends the gateway
// accepted (sent_last_day's daily log).
func (s *Sender) Status() Instance {
	in := Instance{Name: s.cfg.Instance, Gateway: s.cfg.Gateway, State: StateActive,
		Rate: s.cfg.Rate.String(), SentLastWindow: s.lim.count(), SentLastDay: s.daily.total()}
	if s.day != nil {
		in.DailyCap, in.SentLastDay = s.dailyCap(), s.day.count()
	}
	paused := s.instancePaused()
	s.mu.Lock()
	defer s.mu.Unlock()
	if paused {
		in.State, in.PausedReason = StatePaused, s.reason
		if !s.holdUntil.IsZero() {
			until := s.holdUntil
			in.HeldUntil = &until
		}
	}
	in.Waiting = s.waiting
	return in
}

// Resume clears a pause the gateway caused (bad key, logged out), for when
// the operator or a gateway event says the instance works again.
func (s *Sender) Resume() {
	s.mu.Lock()
	was, persisted := s.paused, s.paused && s.holdUntil.IsZero()
	s.paused, s.reason, s.holdUntil = false, "", time.Time{}
	s.mu.Unlock()
	if persisted {
		s.persist("")
	}
	if was {
		s.log.Info("sender: instance resumed")
	}
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Pause stops the instance's sending until Resume; the reason is the alert.
// The pause is stored, so a restart does not try a banned or logged-out
// number again.
func (s *Sender) Pause(reason string) {
	s.mu.Lock()
	was := s.paused && s.holdUntil.IsZero()
	s.paused, s.reason, s.holdUntil = true, reason, time.Time{}
	s.mu.Unlock()
	if !was {
		s.persist(reason)
		s.log.Error("sender: instance paused by a gateway failure; sending stops until it is resumed", "reason", reason)
	}
}

// Hold stops the sending for at most d, or until Resume: the gateway lost
// its connection and says it reconnects by itself. A hold that outlives the
// gateway's "connected again" event (a lost webhook) ends on its own.
func (s *Sender) Hold(reason string, d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.paused && s.holdUntil.IsZero() {
		return // a real pause stays until the operator resumes
	}
	s.paused, s.reason, s.holdUntil = true, reason, s.cfg.Now().Add(d)
	s.log.Warn("sender: instance held while its gateway reconnects", "reason", reason, "until", s.holdUntil)
}

// instancePaused reports whether the gateway paused this instance; a hold
// whose time has passed ends here.
func (s *Sender) instancePaused() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.paused && !s.holdUntil.IsZero() && !s.cfg.Now().Before(s.holdUntil) {
		s.paused, s.reason, s.holdUntil = false, "", time.Time{}
		s.log.Info("sender: hold over; sending again")
	}
	return s.paused
}

// persist stores the instance's pause reason ("" when resumed).
func (s *Sender) persist(reason string) {
	st, err := s.st.Instance(s.cfg.Instance)
	if err == nil {
		st.PausedReason, st.PausedAt = reason, nil
		if reason != "" {
			now := s.cfg.Now()
			st.PausedAt = &now
		}
		err = s.st.SetInstance(s.cfg.Instance, st)
	}
	if err != nil {
		s.log.Error("sender: cannot store the instance's pause", "err", err)
	}
}

// restore reads the instance's stored state at start: a pause from before
// the restart, and when its warm-up began (now, for a first start).
func (s *Sender) restore() {
	st, err := s.st.Instance(s.cfg.Instance)
	if err != nil {
		s.log.Error("sender: cannot read the instance's state", "err", err)
		return
	}
	if st.PausedReason != "" {
		s.mu.Lock()
		s.paused, s.reason = true, st.PausedReason
		s.mu.Unlock()
		s.log.Error("sender: instance still paused from before the restart", "reason", st.PausedReason)
	}
	if s.cfg.Pacing.WarmupStart > 0 && st.WarmupFrom == nil {
		now := s.cfg.Now()
		st.WarmupFrom = &now
		if err := s.st.SetInstance(s.cfg.Instance, st); err != nil {
			s.log.Error("sender: cannot store the warm-up start", "err", err)
		}
	}
	s.mu.Lock()
	s.warmFrom = st.WarmupFrom
	s.mu.Unlock()
}
