package store

import (
	"time"

	"github.com/VictoriaMetrics/metrics"
	bolt "go.etcd.io/bbolt"
)

// commitLoop starts the next commit the moment the previous one ends, with
// every write that queued meanwhile. Writers in flight come back in waves:
// while one commit runs the next wave queues, and the wave just answered
// returns a moment later. When more writers were in flight at the end of the
// last commit than are waiting now, the loop lingers a moment for them
// (see fill), so one fsync serves them all instead of two alternating
// halves. A lone writer never waits.
func (s *Store) commitLoop() {
	defer close(s.done)
	batch := make([]*call, 0, s.max)
	var writers int
	var took time.Duration
	for c := range s.calls {
		batch = append(batch[:0], c)
		batch = s.fill(batch, writers, took)
		begin := time.Now()
		s.commit(batch)
		took = time.Since(begin)
		// the most writers seen lately: a wave still on its way back is not
		// in the queue yet, so the estimate decays slowly rather than at once
		writers = min(max(len(batch)+len(s.calls), writers-1), s.max)
	}
}

// fill adds the writes queued meanwhile to batch, waiting up to twice the
// last commit's time (at most lingerMax) while fewer than want have come
// and none of them is urgent. Twice: a writer answered by the last commit
// comes back through HTTP and the decoder, which on 2 busy cores takes
// longer than the commit itself (docs/benchmarks.md has the measure: 10
// then 30 writes a commit at 32 clients, and 1.2x the rate).
func (s *Store) fill(batch []*call, want int, took time.Duration) []*call {
	hurry := batch[0].urgent
	var timer <-chan time.Time
	for len(batch) < s.max {
		var c *call
		var ok bool
		select {
		case c, ok = <-s.calls:
		default:
			if len(batch) >= want || hurry {
				return batch
			}
			if timer == nil {
				t := time.NewTimer(min(2*took, lingerMax))
				defer t.Stop()
				timer = t.C
			}
			select {
			case c, ok = <-s.calls:
			case <-timer:
				return batch
			}
		}
		if !ok {
			return batch
		}
		batch = append(batch, c)
		hurry = hurry || c.urgent
	}
	return batch
}

// lingerMax bounds how long a commit waits for the writers of the last one.
const lingerMax = 2 * time.Millisecond

// commit runs a batch in one transaction. A call that fails gets its error
// alone; the others run again without it.
func (s *Store) commit(batch []*call) {
	for len(batch) > 0 {
		failed, ferr := -1, error(nil)
		err := s.db.Update(func(tx *bolt.Tx) error {
			beginCounts(tx)
			defer endCounts(tx)
			for i, c := range batch {
				c.changes, s.cur = nil, c
				if err := runCall(c, tx); err != nil {
					failed, ferr = i, err
					return err
				}
			}
			return flushCounts(tx)
		})
		s.cur = nil
		if failed < 0 {
			if err == nil {
				s.publish(batch)
			}
			s.noteCommit(err)
			s.commits.Add(1)
			s.writes.Add(uint64(len(batch)))
			for _, c := range batch {
				c.err <- wrapCommit(err)
			}
			return
		}
		batch[failed].err <- ferr
		batch = append(batch[:failed:failed], batch[failed+1:]...)
	}
}

// ErrPanicked is returned to a writer whose transaction function panicked:
// the commit loop serves every writer, so one bad call must not stop it.
var ErrPanicked = Errorf(EINTERNAL, "internal error: the write panicked and was rolled back")

// commitPanics is on /metrics from the start, at 0.
var commitPanics = metrics.GetOrCreateCounter(`waq_panics_recovered_total{where="commit"}`)

// runCall runs one call's function, turning a panic into ErrPanicked so that
// the batch goes on without it. The panic value is not kept: it may quote
// stored data.
func runCall(c *call, tx *bolt.Tx) (err error) {
	defer func() {
		if recover() != nil {
			commitPanics.Inc()
			err = ErrPanicked
		}
	}()
	return c.fn(tx)
}
