package resp

import "github.com/waqhq/waq/store/keyspace"

// queue keeps a command for EXEC. A command Redis would refuse (unknown,
// wrong arity) is answered now and makes EXEC fail, as in Redis.
func (s *Server) queue(cl *client, args [][]byte) {
	if _, e := check(args); e != "" {
		s.refuse(cl, args, string(e))
		cl.aborted = true
		return
	}
	cl.queued = append(cl.queued, args)
	cl.w.simple("QUEUED")
}

func cmdMulti(c *call) error {
	if c.cl.multi {
		return rerr("ERR MULTI calls can not be nested")
	}
	c.cl.mu.Lock()
	c.cl.multi, c.cl.queued, c.cl.aborted = true, nil, false
	c.cl.mu.Unlock()
	c.w.ok()
	return nil
}

func (cl *client) endMulti() {
	cl.mu.Lock()
	cl.multi, cl.queued, cl.aborted = false, nil, false
	cl.mu.Unlock()
}

func cmdDiscard(c *call) error {
	if !c.cl.multi {
		return rerr("ERR DISCARD without MULTI")
	}
	c.cl.endMulti()
	c.s.unwatch(c.cl)
	c.w.ok()
	return nil
}

// cmdExec runs the queued commands in one transaction. The WATCH check runs
// inside it, ordered with every other writer by the store's committer.
func cmdExec(c *call) error {
	cl, s := c.cl, c.s
	if !cl.multi {
		return rerr("ERR EXEC without MULTI")
	}
	queued, aborted := cl.queued, cl.aborted
	cl.endMulti()
	defer s.unwatch(cl)
	if aborted {
		return rerr("EXECABORT Transaction discarded because of previous errors.")
	}
	write := false
	for _, args := range queued {
		write = write || lookup(args[0]).write
	}
	start, db := c.w.len(), cl.db
	skip := map[int]bool{}
	fn := func(tx *keyspace.Tx) error {
		c.w.truncate(start)
		cl.setDB(db)
		if cl.dirty.Load() || cl.expiredSince(tx) {
			c.w.nullArray()
			return nil
		}
		c.w.array(len(queued))
		return s.dispatchAll(cl, tx, c.w, queued, skip)
	}
	err := s.isolated(write, fn, skip)
	s.sendEvents(cl, err == nil)
	return err
}

func cmdWatch(c *call) error {
	if c.cl.multi {
		return rerr("ERR WATCH inside MULTI is not allowed")
	}
	for _, k := range c.args[1:] {
		c.s.watchAdd(c.cl, c.db(), k)
	}
	for k, at := range c.watchExpiries(c.args[1:]) {
		if c.cl.watchExp == nil {
			c.cl.watchExp = map[string]int64{}
		}
		if _, seen := c.cl.watchExp[k]; !seen {
			c.cl.watchExp[k] = at
		}
	}
	c.w.ok()
	return nil
}

func cmdUnwatch(c *call) error {
	c.s.unwatch(c.cl)
	c.w.ok()
	return nil
}
