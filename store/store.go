package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// FileName is the data file inside the data directory.
const FileName = "waq.db"

// MaxBatchDefault caps how many writes share one commit.
const MaxBatchDefault = 1000

// Bucket names. Index keys are described where they are built, in index.go.
var (
	bucketMessages    = []byte("messages")
	bucketReady       = []byte("ready")
	bucketSchedule    = []byte("schedule")
	bucketLeases      = []byte("leases")
	bucketStates      = []byte("states")
	bucketGateway     = []byte("gateway_ids")
	bucketIdempotency = []byte("idempotency")
	bucketCounts      = []byte("counts")
	bucketMeta        = []byte("meta")
	bucketPending     = []byte("pending")     // gateway id -> reports that came before the id was stored
	bucketInbound     = []byte("inbound")     // received(8) seq -> an inbound message
	bucketInboundIDs  = []byte("inbound_ids") // gateway id -> key in inbound, for deduplication
	bucketInstances   = []byte("instances")   // instance name -> its persisted state
)

var allBuckets = [][]byte{bucketMessages, bucketReady, bucketSchedule, bucketLeases,
	bucketStates, bucketGateway, bucketIdempotency, bucketCounts, bucketMeta,
	bucketPending, bucketInbound, bucketInboundIDs, bucketInstances, bucketOptouts,
	bucketCallbacks, bucketCallbackDue} // outbox.go

// Options tune a Store; the zero value is ready to use.
type Options struct {
	Now      func() time.Time // time.Now when nil; a fake clock in tests
	MaxBatch int              // MaxBatchDefault when 0
	ReadOnly bool             // open for reading only, sharing the file lock
	// Subscribers receive every committed transition of a message, in
	// commit order (see Subscriber and TransitionKind in feed.go).
	Subscribers []Subscriber
	// Callbacks, when set, decides in each transition's own transaction
	// whether it writes a row into the callback outbox (outbox.go).
	Callbacks CallbackRule
}

// Store is the bbolt file and the committer goroutine that writes to it.
type Store struct {
	db    *bolt.DB
	now   func() time.Time
	ids   idGen
	max   int
	subs  []Subscriber
	rule  CallbackRule
	cur   *call        // the write the commit loop is running, whose transitions emit collects
	mu    sync.RWMutex // held for writing only by Close
	calls chan *call
	done  chan struct{}
	shut  bool
	// commits and writes count transactions and the writes they carried,
	// so the sharing of commits can be seen and tested.
	commits, writes atomic.Uint64
	// Signal receives a value (without blocking) after every commit that made
	// a message ready, so a waiting sender wakes at once.
	signal chan struct{}
	disk   diskState // set while commits fail for lack of space (nospace.go)
}

type call struct {
	fn  func(*bolt.Tx) error
	err chan error
	// urgent calls are not kept waiting for other writers: the writers the
	// commit loop would wait for (the sends of a lease) wait for them.
	urgent bool
	// changes are the transitions fn made in its last run (feed.go).
	changes []Transition
}

// Open opens or creates the data file at path, creating its directory.
// It fails with a message that says so when another process holds the file.
func Open(path string, opts Options) (*Store, error) {
	if !opts.ReadOnly {
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, fmt.Errorf("open store: %w", err)
		}
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{
		Timeout:         time.Second,
		ReadOnly:        opts.ReadOnly,
		NoFreelistSync:  true,
		FreelistType:    bolt.FreelistMapType,
		InitialMmapSize: 256 << 20,
	})
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, fmt.Errorf("open store: %s is in use by another process (is waq serve running?)", path)
	} else if err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	s := &Store{db: db, now: opts.Now, max: opts.MaxBatch, subs: opts.Subscribers, rule: opts.Callbacks, calls: make(chan *call, 4096),
		done: make(chan struct{}), signal: make(chan struct{}, 1)}
	if s.now == nil {
		s.now = time.Now
	}
	if s.max <= 0 {
		s.max = MaxBatchDefault
	}
	if !opts.ReadOnly {
		if err := db.Update(createBuckets); err != nil {
			db.Close()
			return nil, fmt.Errorf("open store: %w", err)
		}
		if _, err := migrateRecords(db); err != nil {
			db.Close()
			return nil, fmt.Errorf("open store: %w", err)
		}
	}
	go s.commitLoop()
	return s, nil
}

func createBuckets(tx *bolt.Tx) error {
	for _, name := range allBuckets {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return err
		}
	}
	return nil
}

// Path returns the data file's path.
func (s *Store) Path() string { return s.db.Path() }

// Ready returns a channel that receives a value after a commit made a message
// ready to send. It never blocks a writer: one pending value is enough.
func (s *Store) Ready() <-chan struct{} { return s.signal }

func (s *Store) notifyReady() {
	select {
	case s.signal <- struct{}{}:
	default:
	}
}

// Close finishes the writes already asked for and closes the file.
func (s *Store) Close() error {
	s.mu.Lock()
	if s.shut {
		s.mu.Unlock()
		return nil
	}
	s.shut = true
	close(s.calls)
	s.mu.Unlock()
	<-s.done
	return s.db.Close()
}

// CommitStats returns how many commits the store made and how many writes
// they carried since it was opened.
func (s *Store) CommitStats() (commits, writes uint64) {
	return s.commits.Load(), s.writes.Load()
}

// update runs fn in a write transaction shared with the other writers waiting
// at the same moment, and returns once the commit is on disk. fn may run more
// than once (when a neighbour in its batch fails), so it must assign, not
// accumulate, whatever it reports to its caller. A panic in fn rolls fn back
// and returns ErrPanicked to this caller alone.
func (s *Store) update(fn func(*bolt.Tx) error) error {
	return s.do(&call{fn: fn, err: make(chan error, 1)})
}

// updateNow is update for a write others wait on: its commit does not
// linger for more writers.
func (s *Store) updateNow(fn func(*bolt.Tx) error) error {
	return s.do(&call{fn: fn, err: make(chan error, 1), urgent: true})
}

func (s *Store) do(c *call) error {
	s.mu.RLock()
	if s.shut {
		s.mu.RUnlock()
		return ErrClosed
	}
	s.calls <- c
	s.mu.RUnlock()
	return <-c.err
}

// view runs fn in a read transaction.
func (s *Store) view(fn func(*bolt.Tx) error) error {
	err := s.db.View(fn)
	if errors.Is(err, berrors.ErrDatabaseNotOpen) {
		return ErrClosed
	}
	return err
}

func wrapCommit(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, berrors.ErrDatabaseReadOnly) {
		return Errorf(EUNAVAILABLE, "store is read-only")
	}
	if isNoSpace(err) {
		return Errorf(EFULL, "no space left on the data disk")
	}
	return fmt.Errorf("commit: %w", err)
}
