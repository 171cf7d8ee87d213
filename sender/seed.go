package sender

import (
	"time"

	"github.com/waqhq/waq/store"
)

// seedPagesMax bounds the listing pages seed reads for each state.
const seedPagesMax = 20

// seed counts into the limiter the sends of the window before this run,
// so that a restart does not grant a fresh window: the rate holds across
// restarts. Sends are known by their sent_at; a message that has moved on to
// delivered, read or failed since still carries it. Tries that failed have
// no such mark and are not counted. A store error is logged, not returned:
// it costs at most one window of accuracy.
func (s *Sender) seed() {
	edge := s.cfg.Now().Add(-s.cfg.Rate.Window)
	var ts []time.Time
	for _, st := range []store.Status{store.Sent, store.Delivered, store.Read, store.Failed} {
		got, err := recentSends(s.st, st, edge)
		if err != nil {
			s.log.Warn("sender: cannot count the sends before the start", "err", err)
		}
		ts = append(ts, got...)
	}
	s.lim.seed(ts)
	if len(ts) > 0 {
		s.log.Info("sender: counted the recent sends into the rate", "sends", len(ts))
	}
}

// recentSends returns the sent_at times after edge of the messages in state
// st. The listing is newest first by the time a message entered its state,
// which is never before it was sent, so it stops at the first message that
// entered st at or before edge.
func recentSends(st *store.Store, status store.Status, edge time.Time) ([]time.Time, error) {
	var out []time.Time
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
			if m.SentAt != nil && m.SentAt.After(edge) {
				out = append(out, *m.SentAt)
			}
		}
		if next == "" {
			return out, nil
		}
		cursor = next
	}
	return out, nil
}
