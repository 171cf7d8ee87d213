package resp

import "sync"

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
		if !w.done.Load() && w.cl != c.cl {
			c.cl.wake(w)
		}
	}
}

// groupWaits are what clients blocked in XREADGROUP wait on: of two
// clients of one group blocked on a key, the first is served first, as
// Redis serves its blocked clients in order; a client of another group,
// or a plain XREAD, does not hold it back.
var groupWaits sync.Map // *client -> groupWaiting

type groupWaiting struct {
	db    int
	group string
	keys  map[string]bool
}

func (s *Server) waitGroup(cl *client, db int, keys [][]byte, group []byte) func() {
	g := groupWaiting{db: db, group: string(group), keys: map[string]bool{}}
	for _, k := range keys {
		g.keys[string(k)] = true
	}
	groupWaits.Store(cl, g)
	return func() { groupWaits.Delete(cl) }
}

// groupInTurn reports whether no client that blocked before cl on the
// same key and group is still waiting.
func (s *Server) groupInTurn(cl *client, db int, key, group []byte) bool {
	if !cl.waiting {
		return true
	}
	b := &s.blocked
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, w := range b.queue[watchKey(db, key)] {
		if w.cl == cl {
			return true
		}
		v, ok := groupWaits.Load(w.cl)
		if g, _ := v.(groupWaiting); ok && !w.done.Load() && g.db == db && g.group == string(group) && g.keys[string(key)] {
			return false
		}
	}
	return true
}

// streamNow is the time stream commands record (delivery and seen times,
// XADD's *). A replica's transaction has no clock (keyspace's
// UpdateNoExpiry: its keys expire by the source's DELs), but the times of
// the pending entries it copies must still be real ones.
func (c *call) streamNow() int64 {
	if now := c.tx.Now(); now != 0 {
		return now
	}
	return c.s.opt.Now().UnixMilli()
}
