package sender

import (
	"sync"
	"time"
)

// dayMinutes is how many minutes the daily log keeps.
const dayMinutes = int64(day / time.Minute)

// dayLog counts the sends of the last 24 hours by minute, for Status's
// sent_last_day when no daily cap keeps a limiter of them: a limiter keeps
// one time per send, which at a high rate is a large log to hold and trim,
// where 1 440 counters do. A count is exact to the minute: the sends of the
// minute that began 24 hours ago count until that minute ends.
type dayLog struct {
	mu     sync.Mutex
	now    func() time.Time
	minute [dayMinutes]int64 // the minute (Unix minutes) each slot counts
	count  [dayMinutes]int
}

func newDayLog(now func() time.Time) *dayLog { return &dayLog{now: now} }

// add counts n sends at t (n -1 gives back a send that did not happen).
func (d *dayLog) add(t time.Time, n int) {
	m := t.Unix() / 60
	i := m % dayMinutes
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.minute[i] != m {
		if d.minute[i] > m {
			return // older than what the slot holds: out of the day
		}
		d.minute[i], d.count[i] = m, 0
	}
	d.count[i] = max(d.count[i]+n, 0)
}

// total returns the sends counted in the last 24 hours.
func (d *dayLog) total() int {
	now := d.now().Unix() / 60
	d.mu.Lock()
	defer d.mu.Unlock()
	n := 0
	for i, m := range d.minute {
		if m > now-dayMinutes && m <= now {
			n += d.count[i]
		}
	}
	return n
}
