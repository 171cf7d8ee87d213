package store

import (
	"errors"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	bolt "go.etcd.io/bbolt"
)

// probeEvery is how often a store whose disk is full tries a small write to
// learn that space came back.
var probeEvery = time.Second

// freeMin is the space the data disk must have free before a store marked
// full says it is not any more. A full disk still takes small writes into
// the pages bbolt freed inside the file; without this margin the mark would
// come and go with each of them.
const freeMin = 1 << 20

// keyDiskProbe is written and deleted in one transaction by the probe: the
// page it dirties needs space like any write, and nothing of it stays.
var keyDiskProbe = []byte("disk_probe")

// diskState remembers that a commit failed for lack of space, so readiness,
// the status page and /metrics can say so until a write succeeds again.
type diskState struct {
	full  atomic.Bool
	since atomic.Int64 // unix nanoseconds of the failure that set full
}

// isNoSpace reports whether err says the disk (or the quota) is full. bbolt
// formats some of its errors with %s (the truncate and fsync of a file
// growth), which drops the errno: their text is matched too.
func isNoSpace(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) {
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, syscall.ENOSPC.Error()) || strings.Contains(msg, syscall.EDQUOT.Error())
}

// noteCommit records the outcome of a commit: a failure for lack of space
// marks the disk full and starts the probe; a success clears the mark once
// the disk has freeMin free. Any other failure says nothing about space and
// leaves the mark as it is.
func (s *Store) noteCommit(err error) {
	switch {
	case err == nil:
		if s.disk.full.Load() && s.spaceFree() >= freeMin {
			s.disk.full.Store(false)
		}
	case isNoSpace(err) && !s.disk.full.Load():
		// Only the commit loop calls this: since is set before full, so
		// DiskFull never pairs full with an older since.
		s.disk.since.Store(s.now().UnixNano())
		s.disk.full.Store(true)
		go s.probeSpace()
	}
}

// DiskFull reports whether a write failed for lack of space on the data
// disk, and since when. It turns false at the first write that succeeds with
// freeMin free on the disk; a full store tries one small write every
// probeEvery, so that happens by itself once space is freed, with or without
// traffic.
func (s *Store) DiskFull() (since time.Time, full bool) {
	if !s.disk.full.Load() {
		return time.Time{}, false
	}
	return time.Unix(0, s.disk.since.Load()), true
}

// probeSpace writes until a write succeeds or the store closes.
func (s *Store) probeSpace() {
	t := time.NewTicker(probeEvery)
	defer t.Stop()
	for s.disk.full.Load() {
		select {
		case <-s.done:
			return
		case <-t.C:
		}
		if err := s.update(probeWrite); errors.Is(err, ErrClosed) {
			return
		}
	}
}

func probeWrite(tx *bolt.Tx) error {
	b := tx.Bucket(bucketMeta)
	if err := b.Put(keyDiskProbe, []byte{1}); err != nil {
		return err
	}
	return b.Delete(keyDiskProbe)
}

// spaceFree returns the bytes the data file's file system has free for
// unprivileged writers, and 0 when it cannot tell.
func (s *Store) spaceFree() uint64 {
	var st syscall.Statfs_t
	if err := syscall.Statfs(filepath.Dir(s.Path()), &st); err != nil {
		return 0
	}
	return uint64(st.Bavail) * uint64(st.Bsize)
}
