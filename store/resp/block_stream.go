package resp

// wakeStream wakes every client blocked on a stream key, not only the
// first: reading a stream takes nothing from it, so all of them may be
// served (XADD, XGROUP DESTROY). The writer answers after they tried.
func (s *Server) wakeStream(c *call, db int, key []byte) {
	b := &s.blocked
	if b.n.Load() == 0 {
		return
	}
	b.mu.Lock()
	q := append([]*waiter(nil), b.queue[watchKey(db, key)]...)
	b.mu.Unlock()
	for _, w := range q {
		if w.done.Load() || w.cl == c.cl {
			continue
		}
		w.mu.Lock()
		c.cl.woke = append(c.cl.woke, wakeup{w, w.started + 1})
		w.mu.Unlock()
		select {
		case w.wake <- struct{}{}:
		default:
		}
	}
}
