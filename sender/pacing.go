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
