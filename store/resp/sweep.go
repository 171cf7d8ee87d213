package resp

import (
	"time"

	"github.com/waqhq/waq/store/keyspace"
)

// Sweeper bounds: each pass deletes at most sweepBatch expired keys in one
// write, and passes repeat while a full batch was found.
const (
	sweepBatch = 200
	sweepIdle  = time.Second
)

// sweep deletes expired keys in the background; reads already treat them as
// missing, so this only frees space and keeps DBSIZE close to the truth.
func (s *Server) sweep() {
	t := time.NewTimer(sweepIdle)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
		}
		n, err := s.sweepOnce()
		if err != nil {
			s.log.Warn("resp sweep", "err", err)
		}
		if n == sweepBatch {
			t.Reset(10 * time.Millisecond)
		} else {
			t.Reset(sweepIdle)
		}
	}
}

// sweepOnce deletes a batch of expired keys; it reads first, so that an idle
// keyspace costs no commit. While a mirror follows a source (until cutover
// forgets its state) nothing is swept: the source's DEL expires keys, and a
// local clock running ahead of the source's must not delete them first.
func (s *Server) sweepOnce() (int, error) {
	at, err := s.ks.NextExpiry()
	if err != nil || at == 0 || at > s.opt.Now().UnixMilli() {
		return 0, err
	}
	if mirroring, err := s.mirroring(); mirroring || err != nil {
		return 0, err
	}
	gone, err := s.ks.SweepKeys(sweepBatch)
	s.expiredEvents(gone)
	return len(gone), err
}

// mirroring reports whether the keyspace is a mirror's copy.
func (s *Server) mirroring() (bool, error) {
	var ok bool
	err := s.ks.View(func(t *keyspace.Tx) (err error) {
		_, ok, err = t.MirrorState()
		return err
	})
	return ok, err
}
