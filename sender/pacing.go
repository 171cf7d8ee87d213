package sender

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/waqhq/waq/store"
)

// Pacing is what an instance adds to its rate so that a WhatsApp number
// does not look automated and stays within Meta's limits. The zero value
// adds nothing. docs/sender.md says what each option protects against.
type Pacing struct {
	GapMin, GapMax time.Duration // a random gap between the starts of two sends
	DailyCap       int           // sends in any 24 hours; 0 for none
	WarmupStart    int           // the daily cap on a new number's first day; 0 for no ramp
	WarmupDays     int           // days for the cap to grow from WarmupStart to DailyCap
	RecipientGap   time.Duration // least time between two sends to one contact
	Window         *Window       // when campaign and low-priority messages may go; nil for always
}

// Default warm-up length when only its start is given.
const WarmupDaysDefault = 14

// day is the daily cap's window: any 24 hours, as Meta counts its limits.
const day = 24 * time.Hour

// recipientsMax bounds the recipient-gap memory before old entries go.
const recipientsMax = 10000

// ParseGap parses a send gap: "8s-30s" for a random gap in that range, or
// one duration. An empty string is no gap.
func ParseGap(s string) (lo, hi time.Duration, err error) {
	if strings.TrimSpace(s) == "" {
		return 0, 0, nil
	}
	a, b, ok := strings.Cut(s, "-")
	if !ok {
		b = a
	}
	lo, err1 := time.ParseDuration(strings.TrimSpace(a))
	hi, err2 := time.ParseDuration(strings.TrimSpace(b))
	if err1 != nil || err2 != nil || lo < 0 || hi < lo {
		return 0, 0, fmt.Errorf("send gap %q: write MIN-MAX with units, such as 8s-30s", s)
	}
	return lo, hi, nil
}

// Validate says which pacing setting is wrong and how to fix it.
func (p Pacing) Validate() error {
	switch {
	case p.GapMin < 0 || p.GapMax < p.GapMin:
		return fmt.Errorf("send gap %s-%s: the minimum must be at least 0 and at most the maximum (WAQ_SEND_GAP)", p.GapMin, p.GapMax)
	case p.DailyCap < 0:
		return fmt.Errorf("daily cap %d: must be 0 (none) or more (WAQ_DAILY_CAP)", p.DailyCap)
	case p.WarmupStart < 0 || p.WarmupDays < 0:
		return fmt.Errorf("warm-up %d over %d days: must not be negative (WAQ_WARMUP_START, WAQ_WARMUP_DAYS)", p.WarmupStart, p.WarmupDays)
	case p.WarmupStart > 0 && p.DailyCap == 0:
		return fmt.Errorf("warm-up from %d a day: set the daily cap it grows to (WAQ_DAILY_CAP)", p.WarmupStart)
	case p.WarmupStart > p.DailyCap:
		return fmt.Errorf("warm-up from %d a day: must not exceed the daily cap %d (WAQ_WARMUP_START)", p.WarmupStart, p.DailyCap)
	case p.RecipientGap < 0:
		return fmt.Errorf("recipient gap %s: must be 0 (none) or more (WAQ_RECIPIENT_GAP)", p.RecipientGap)
	}
	return nil
}

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

// gap picks the wait before the next send may start.
func (p Pacing) gap() time.Duration {
	if p.GapMax <= p.GapMin {
		return p.GapMin
	}
	return p.GapMin + rand.N(p.GapMax-p.GapMin+1)
}

// capOn returns the daily cap on a day since the warm-up began: it grows
// linearly from WarmupStart on the first day to DailyCap after WarmupDays.
func (p Pacing) capOn(from *time.Time, now time.Time) int {
	if p.WarmupStart == 0 || from == nil {
		return p.DailyCap
	}
	days := p.WarmupDays
	if days == 0 {
		days = WarmupDaysDefault
	}
	d := int(now.Sub(*from) / (24 * time.Hour))
	if d >= days {
		return p.DailyCap
	}
	return p.WarmupStart + (p.DailyCap-p.WarmupStart)*max(d, 0)/days
}

// windowed reports whether m waits for the send window: campaign and
// low-priority traffic does, critical never.
func windowed(m *store.Message) bool {
	return m.Priority != store.Critical && (m.Priority == store.Low || m.Campaign != "")
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
