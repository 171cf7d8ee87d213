package resp

import (
	"math"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/waqhq/waq/store/keyspace"
)

// Blocking commands (BLPOP, BZPOPMIN, …) wait on their keys. A client that
// blocks joins each key's queue; a write to the key wakes the first client
// of its queue, which tries again in its own transaction, and when served
// its pop wakes the next. As in Redis, the writer answers only once the
// clients it woke have tried (and those they woke in turn: a chain of
// BLMOVEs completes before the push that started it is answered). Writes
// that do not come through RESP (the mirror, the importer) are found by
// polling, every blockPoll.

// blockPoll is how often a blocked client looks again without being woken.
const blockPoll = 250 * time.Millisecond

type waiter struct {
	cl    *client
	wake  chan struct{} // a write touched one of the keys
	abort chan bool     // CLIENT UNBLOCK: true for ERROR, false for TIMEOUT
	done  atomic.Bool   // served: no longer woken

	mu                 sync.Mutex
	started, completed uint64        // tries
	progress           chan struct{} // closed after each try and when it leaves
	left               bool
}

// wakeup is a waiter a write woke, and the try of it the writer waits for:
// the first to start after the wake, which sees the write.
type wakeup struct {
	w      *waiter
	target uint64
}

// wakeWaitMax bounds how long a writer waits for the clients it woke.
const wakeWaitMax = 2 * time.Second

// blockers are a server's blocked clients, by db|key in arrival order.
type blockers struct {
	mu    sync.Mutex
	queue map[string][]*waiter
	n     atomic.Int64
}

func (s *Server) blockOn(cl *client, db int, keys [][]byte) *waiter {
	w := &waiter{cl: cl, wake: make(chan struct{}, 1), abort: make(chan bool, 1), progress: make(chan struct{})}
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
	w.mu.Lock()
	w.left = true
	close(w.progress)
	w.mu.Unlock()
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
		if head := first(q); head != nil { // the next in line looks, in case this one left some
			select {
			case head.wake <- struct{}{}:
			default:
			}
		}
	}
	b.mu.Unlock()
	b.n.Add(-1)
}

// inTurn reports whether cl may be served from key: no client blocked on it
// before cl is still waiting. A blocking command that arrived after others
// (but runs its first try after a push they were woken by) waits its turn.
func (c *call) inTurn(db int, key []byte) bool {
	if !c.cl.waiting {
		return true
	}
	b := &c.s.blocked
	b.mu.Lock()
	defer b.mu.Unlock()
	w := first(b.queue[watchKey(db, key)])
	return w == nil || w.cl == c.cl
}

// first is the first waiter of q not yet served.
func first(q []*waiter) *waiter {
	for _, w := range q {
		if !w.done.Load() {
			return w
		}
	}
	return nil
}

// touch tells WATCH that key changed and wakes the first client blocked on
// it, which the caller's client then waits for (waitWoken).
func (c *call) touch(db int, key []byte) {
	c.s.touched(db, key)
	b := &c.s.blocked
	if b.n.Load() == 0 {
		return
	}
	b.mu.Lock()
	w := first(b.queue[watchKey(db, key)])
	b.mu.Unlock()
	if w == nil || w.cl == c.cl {
		return
	}
	c.cl.wake(w)
}

// wake notes w among the clients cl woke; waitWoken signals them and waits
// for them before cl answers. The signal waits until then so that the
// write's keyspace events, published once it committed, come before those
// of the clients it serves, as in Redis.
func (cl *client) wake(w *waiter) {
	w.mu.Lock()
	cl.woke = append(cl.woke, wakeup{w, w.started + 1})
	w.mu.Unlock()
}

// waitWoken signals each client cl woke and waits until each has tried (or
// left), at most wakeWaitMax in all.
func (s *Server) waitWoken(cl *client) {
	if len(cl.woke) == 0 {
		return
	}
	for _, u := range cl.woke {
		select {
		case u.w.wake <- struct{}{}:
		default:
		}
	}
	deadline := time.NewTimer(wakeWaitMax)
	defer deadline.Stop()
	for _, u := range cl.woke {
		for {
			u.w.mu.Lock()
			ok, ch := u.w.left || u.w.completed >= u.target, u.w.progress
			u.w.mu.Unlock()
			if ok {
				break
			}
			select {
			case <-ch:
			case <-deadline.C:
				cl.woke = cl.woke[:0]
				return
			}
		}
	}
	cl.woke = cl.woke[:0]
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
func blockFor(c *call, keys [][]byte, timeout time.Duration, try func(c *call, retry bool) (bool, error)) error {
	if c.tx != nil { // queued in MULTI: answer at once
		ok, err := try(c, false)
		if err == nil && !ok {
			c.w.nullArray()
		}
		return err
	}
	s, db := c.s, c.db()
	s.awaitOthers(c.cl)
	w := s.blockOn(c.cl, db, keys) // before the first try: no write is missed
	c.cl.settle()
	c.cl.waiting = true
	defer func() {
		c.cl.waiting = false
		s.unblockWaiter(w, db, keys)
	}()
	var deadline <-chan time.Time
	if timeout > 0 {
		t := time.NewTimer(timeout)
		defer t.Stop()
		deadline = t.C
	}
	poll := time.NewTicker(blockPoll)
	defer poll.Stop()
	hungUp, stopWatch := watchHangup(c.cl)
	defer stopWatch()
	for retry := false; ; retry = true {
		if peerGone(c.cl) { // nobody to serve: leave the elements
			c.cl.quit = true
			return nil
		}
		ok, err := blockTry(c, w, try, retry)
		if err != nil || ok {
			s.waitWoken(c.cl) // the clients this one's pop or move woke
			return err
		}
		select {
		case <-w.wake:
			s.awaitWatchers(c.cl)
		case <-hungUp: // nobody to serve: leave the elements
			c.cl.quit = true
			return nil
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
// when it served the command. On a retry, keys of another type are passed
// over rather than refused: Redis serves a blocked client only from a key
// of the type it waits for.
func blockTry(c *call, w *waiter, try func(c *call, retry bool) (bool, error), retry bool) (bool, error) {
	w.mu.Lock()
	w.started++
	w.mu.Unlock()
	served := false
	defer func() {
		if served {
			return // told when it leaves, after the clients it woke in turn
		}
		w.mu.Lock()
		w.completed++
		close(w.progress)
		w.progress = make(chan struct{})
		w.mu.Unlock()
	}()
	start := c.w.len()
	err := c.s.ks.Update(func(tx *keyspace.Tx) error {
		c.w.truncate(start)
		c.tx = tx
		defer func() { c.tx = nil }()
		var err error
		served, err = try(c, retry)
		if err == nil && !served {
			c.w.truncate(start)
		}
		if served { // before the commit: the clients it wakes must pass it over
			w.done.Store(true)
		}
		return err
	})
	return served, err
}

// wakeDB wakes the first client blocked on each key of db (SWAPDB).
func (s *Server) wakeDB(db int) {
	b := &s.blocked
	prefix := watchKey(db, nil)
	b.mu.Lock()
	defer b.mu.Unlock()
	for k, q := range b.queue {
		if w := first(q); w != nil && strings.HasPrefix(k, prefix) {
			select {
			case w.wake <- struct{}{}:
			default:
			}
		}
	}
}
