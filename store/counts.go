package store

import (
	"sync"

	bolt "go.etcd.io/bbolt"
)

// A commit of the commit loop carries the writes of up to MaxBatch callers,
// and nearly every one moves the same two or three counters (queued,
// queued:<priority>, the state it leaves). Written one by one, each move is
// a bbolt get and put, four of the seven cursor operations of a single
// enqueue. Instead the moves of a commit's calls are summed in memory and
// written once, at the end of its transaction (see commit): no writer reads
// a counter in a write transaction, so nothing can see the sum unwritten.
// Transactions outside the commit loop (the migration) write at once.

// txCounts sums the counter moves of one transaction.
type txCounts struct {
	states     []int64 // by Status.code
	priorities []int64 // queued, by Priority.rank
	others     counts  // a status or priority waq does not know
}

// pendingCounts maps the commit loop's open transaction to its sums. A
// store has one commit loop, but the tests run many stores at once.
var pendingCounts sync.Map // *bolt.Tx -> *txCounts

// beginCounts starts summing the counter moves of tx; endCounts stops.
func beginCounts(tx *bolt.Tx) {
	pendingCounts.Store(tx, &txCounts{states: make([]int64, len(Statuses)), priorities: make([]int64, len(Priorities))})
}

func endCounts(tx *bolt.Tx) { pendingCounts.Delete(tx) }

// deferCount adds delta to the counter of m's state (and priority) in
// tx's sums, and reports false when tx is not summing.
func deferCount(tx *bolt.Tx, m *Message, delta int64) bool {
	v, ok := pendingCounts.Load(tx)
	if !ok {
		return false
	}
	c := v.(*txCounts)
	if m.Status == Queued {
		if r := m.Priority.rank(); r >= 0 && r < len(c.priorities) {
			c.priorities[r] += delta
		} else {
			c.other().add1(priorityCountKey(m.Priority), delta)
		}
	}
	if code := int(m.Status.code()); code < len(Statuses) {
		c.states[code] += delta
	} else {
		c.other().add1(string(m.Status), delta)
	}
	return true
}

func (c *txCounts) other() counts {
	if c.others == nil {
		c.others = counts{}
	}
	return c.others
}

func (c counts) add1(key string, delta int64) { c[key] += delta }

// flushCounts writes tx's sums, each counter once.
func flushCounts(tx *bolt.Tx) error {
	v, ok := pendingCounts.Load(tx)
	if !ok {
		return nil
	}
	c := v.(*txCounts)
	for i, d := range c.priorities {
		if d != 0 {
			if err := addCount(tx, priorityCountKeys[i], d); err != nil {
				return err
			}
		}
	}
	for i, d := range c.states {
		if d != 0 {
			if err := addCount(tx, statusCountKey[i], d); err != nil {
				return err
			}
		}
	}
	return c.others.write(tx)
}
