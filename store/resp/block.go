package resp

import (
	"math"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/waqhq/waq/store"
)

// Blocking commands (BLPOP, BZPOPMIN, …) wait on their keys. A client that
// blocks joins each key's queue; a write to the key wakes the first client
// of its queue, which tries again in its own transaction, and when served
// its pop wakes the next. Writes that do not come through RESP (the mirror,
// the importer) are found by polling, every blockPoll.

// blockPoll is how often a blocked client looks again without being woken.
const blockPoll = 250 * time.Millisecond

type waiter struct {
	cl    *client
	wake  chan struct{} // a write touched one of the keys
	abort chan bool     // CLIENT UNBLOCK: true for ERROR, false for TIMEOUT
}

// blockers are a server's blocked clients, by db|key in arrival order.
type blockers struct {
	mu    sync.Mutex
	queue map[string][]*waiter
	n     atomic.Int64
}

func (s *Server) blockOn(cl *client, db int, keys [][]byte) *waiter {
	w := &waiter{cl: cl, wake: make(chan struct{}, 1), abort: make(chan bool, 1)}
	b := &s.blocked
	b.mu.Lock()
	if b.queue == nil {
		b.queue = map[string][]*waiter{}
	}
	for _, k := range keys {
		wk := watchKey(db, k)
		b.queue[wk] = append(b.queue[wk], w)
	}
	b.mu.Unlock()
	b.n.Add(1)
	return w
}

func (s *Server) unblockWaiter(w *waiter, db int, keys [][]byte) {
	b := &s.blocked
	b.mu.Lock()
	for _, k := range keys {
		wk := watchKey(db, k)
		q := b.queue[wk]
		for i, x := range q {
			if x == w {
				q = append(q[:i:i], q[i+1:]...)
				break
			}
		}
		if len(q) == 0 {
			delete(b.queue, wk)
			continue
		}
		b.queue[wk] = q
		select { // the next in line looks, in case this one took less than there was
		case q[0].wake <- struct{}{}:
		default:
		}
	}
	b.mu.Unlock()
	b.n.Add(-1)
}

// wakeKey wakes the first client blocked on key.
func (s *Server) wakeKey(db int, key []byte) {
	b := &s.blocked
	b.mu.Lock()
	if q := b.queue[watchKey(db, key)]; len(q) > 0 {
		select {
		case q[0].wake <- struct{}{}:
		default:
		}
	}
	b.mu.Unlock()
}

// unblockClient ends the wait of the client with id; false when it is not
// blocked (CLIENT UNBLOCK).
func (s *Server) unblockClient(id int64, asError bool) bool {
	b := &s.blocked
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, q := range b.queue {
		for _, w := range q {
			if w.cl.id == id {
				select {
				case w.abort <- asError:
				default:
				}
				return true
			}
		}
	}
	return false
}

// blockTimeout parses a timeout in seconds (a float; 0 waits forever) as
// Redis's getTimeoutFromObjectOrReply, whose overflow reads as negative.
func blockTimeout(b []byte) (time.Duration, error) {
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil && !isRangeErr(err) || len(b) == 0 || b[0] == ' ' || math.IsNaN(f) {
		return 0, rerr("ERR timeout is not a float or out of range")
	}
	ms := f * 1000
	if ms < 0 || ms >= math.MaxInt64 || math.IsInf(ms, 0) {
		return 0, rerr("ERR timeout is negative")
	}
	return time.Duration(ms) * time.Millisecond, nil
}

func isRangeErr(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

// blockFor answers a blocking command: try serves it in a write transaction
// when one of keys has what it needs (writing the reply, returning true).
// Inside MULTI it does not wait. On timeout the reply is a null array.
func blockFor(c *call, keys [][]byte, timeout time.Duration, try func(c *call) (bool, error)) error {
	if c.tx != nil { // queued in MULTI: answer at once
		ok, err := try(c)
		if err == nil && !ok {
			c.w.nullArray()
		}
		return err
	}
	s, db := c.s, c.db()
	w := s.blockOn(c.cl, db, keys) // before the first try: no write is missed
	defer s.unblockWaiter(w, db, keys)
	var deadline <-chan time.Time
	if timeout > 0 {
		t := time.NewTimer(timeout)
		defer t.Stop()
		deadline = t.C
	}
	poll := time.NewTicker(blockPoll)
	defer poll.Stop()
	for {
		if peerGone(c.cl) { // nobody to serve: leave the elements
			c.cl.quit = true
			return nil
		}
		if ok, err := blockTry(c, try); err != nil || ok {
			return err
		}
		select {
		case <-w.wake:
		case <-poll.C:
		case <-deadline:
			c.w.nullArray()
			return nil
		case asError := <-w.abort:
			if asError {
				return rerr("UNBLOCKED client unblocked via CLIENT UNBLOCK")
			}
			c.w.nullArray()
			return nil
		case <-s.stop:
			return rerr("ERR server closing")
		}
	}
}

// blockTry runs try once in a write transaction, keeping its reply only
// when it served the command.
func blockTry(c *call, try func(c *call) (bool, error)) (bool, error) {
	start, served := c.w.len(), false
	err := c.s.st.KUpdate(func(tx *store.KTx) error {
		c.w.truncate(start)
		c.tx = tx
		defer func() { c.tx = nil }()
		var err error
		served, err = try(c)
		if err == nil && !served {
			c.w.truncate(start)
		}
		return err
	})
	return served, err
}
