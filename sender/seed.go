package sender

import (
	"time"

	"github.com/waqhq/waq/store"
)

// seedPagesMax bounds the listing pages seed reads for each state.
const seedPagesMax = 20

// seed counts into the limiters the sends before this run, so that a
// restart grants no fresh window: the rate, the daily cap and the recipient
// gap hold across restarts. Sends are known by their sent_at; a message
// that has moved on to delivered, read or failed since still carries it.
// Tries that failed have no such mark and are not counted. A store error is
// logged, not returned: it costs at most one window of accuracy.
func (s *Sender) seed() {
	span := max(s.cfg.Rate.Window, day, s.cfg.Pacing.RecipientGap) // a day for sent_last_day, cap or not
	edge := s.cfg.Now().Add(-span)
	var sends []send
	for _, st := range []store.Status{store.Sent, store.Delivered, store.Read, store.Failed} {
		got, err := recentSends(s.st, st, edge, s.cfg.Instance)
		if err != nil {
			s.log.Warn("sender: cannot count the sends before the start", "err", err)
		}
		sends = append(sends, got...)
	}
	ts := make([]time.Time, len(sends))
	s.mu.Lock()
	for i, x := range sends {
		ts[i] = x.at
		s.daily.add(x.at, 1)
		if s.cfg.Pacing.RecipientGap > 0 {
			s.remember(x.to, x.at)
		}
	}
	s.mu.Unlock()
	s.lim.seed(ts)
	if s.day != nil {
		s.day.seed(ts)
	}
	if len(ts) > 0 {
		s.log.Info("sender: counted the recent sends into the rate", "sends", len(ts))
	}
}

// send is one past send: when, and to whom.
type send struct {
	at time.Time
	to string
}

// recentSends returns the sends after edge of the messages in state st
// that instance sent (or that carry no instance, from an older waq).
// The listing is newest first by the time a message entered its state,
// which is never before it was sent, so it stops at the first message that
// entered st at or before edge.
func recentSends(st *store.Store, status store.Status, edge time.Time, instance string) ([]send, error) {
	var out []send
	cursor := ""
	for range seedPagesMax {
		ms, next, err := st.Messages(store.Filter{Status: status, Limit: store.ListLimitMax, Cursor: cursor})
		if err != nil {
			return out, err
		}
		for _, m := range ms {
			if !m.UpdatedAt.After(edge) {
				return out, nil
			}
			if m.SentAt != nil && m.SentAt.After(edge) && (m.Instance == "" || m.Instance == instance) {
				out = append(out, send{*m.SentAt, m.To})
			}
		}
		if next == "" {
			return out, nil
		}
		cursor = next
	}
	return out, nil
}
