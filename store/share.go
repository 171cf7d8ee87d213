package store

import (
	"time"

	bolt "go.etcd.io/bbolt"
)

// The seam through which the packages beside store (store/keyspace, the
// Redis-typed keyspace; store/statsdb, the analytics buckets; store/mirror,
// its replication offset) keep their records in the one bbolt file and share
// its group commit. They are the only other packages that import bbolt.

// RegisterBuckets adds top-level buckets that Open creates and Check
// requires, for a package beside store that keeps its records in the file.
// Call it from that package's init function: Open and Check read the list
// without a lock.
func RegisterBuckets(names ...[]byte) {
	allBuckets = append(allBuckets, names...)
}

// RegisterLaterBuckets is RegisterBuckets for buckets that files written
// by an older waq lack: the next read-write Open creates them, and a
// read-only Check of such a file does not count them missing.
func RegisterLaterBuckets(names ...[]byte) {
	RegisterBuckets(names...)
	for _, n := range names {
		addedLater[string(n)] = true
	}
}

// Update runs fn in a write transaction shared with the other writers of
// the moment and returns once the commit is on disk. fn may run more than
// once (when a neighbour in its batch fails), so it must assign, not
// accumulate, whatever it reports. An error from fn rolls back fn's writes
// alone; a panic in fn returns ErrPanicked; ErrClosed after Close; an
// EFULL or EUNAVAILABLE *Error when the commit fails for lack of space or
// on a read-only file.
func (s *Store) Update(fn func(*bolt.Tx) error) error { return s.update(fn) }

// View runs fn in a read transaction; ErrClosed after Close.
func (s *Store) View(fn func(*bolt.Tx) error) error { return s.view(fn) }

// Now returns the store's clock (Options.Now), so that records kept beside
// the messages expire by the same clock.
func (s *Store) Now() time.Time { return s.now() }
