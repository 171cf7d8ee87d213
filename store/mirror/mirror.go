// Package mirror follows a live Redis 7 as a replica and keeps waq's
// Redis-typed keyspace (package store/keyspace) a copy of it: it handshakes
// like a replica (PSYNC), loads the RDB the source sends (also the diskless,
// EOF-marker form), then applies the command stream through store/resp's
// command implementations. The (replication id, offset) pair is stored in
// the same bbolt transaction as the commands it covers, so a restart asks
// for a partial resync (PSYNC id offset+1, answered +CONTINUE) and falls
// back to a full sync when the source no longer has that history.
//
// While mirroring, keys do not expire by the local clock: the source sends
// DEL when one expires there. BullMQ jobs are copied as keys; cutover
// translates them from the local copy (package store/importer).
package mirror

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/waqhq/waq/store"
	"github.com/waqhq/waq/store/keyspace"
)

// Defaults of Options.
const (
	AckEveryDefault = 200 * time.Millisecond
	streamTimeout   = 60 * time.Second // Redis's repl-timeout; the source pings every 10 s
	retryMax        = 30 * time.Second
)

// Options configure a Mirror.
type Options struct {
	URL      string // redis://[user:password@]host:port or rediss://
	Logger   *slog.Logger
	AckEvery time.Duration // AckEveryDefault when 0
}

// States reported by Status.
const (
	StateConnecting = "connecting"
	StateLoading    = "loading" // receiving the RDB of a full sync
	StateStreaming  = "streaming"
	StateStopped    = "stopped"
	StateFailed     = "failed"
)

// Status is a snapshot of a mirror, as the admin API shows it.
type Status struct {
	URL    string `json:"url"`
	State  string `json:"state"`
	ReplID string `json:"replid"`
	Offset int64  `json:"offset"`
	// SourceOffset is the source's master_repl_offset when last asked
	// (every 2 s); LagBytes is how far Offset is behind it.
	SourceOffset int64  `json:"source_offset"`
	LagBytes     int64  `json:"lag_bytes"`
	FullSyncs    int64  `json:"full_syncs"`
	Continues    int64  `json:"continues"`
	Skipped      int64  `json:"skipped"` // commands and keys of kinds the keyspace does not hold
	LastError    string `json:"last_error,omitempty"`
	LastUpdate   string `json:"last_update,omitempty"`
}

// Mirror follows one source into a store.
type Mirror struct {
	st  *store.Store
	ks  *keyspace.Keyspace
	src source
	opt Options
	log *slog.Logger

	mu     sync.Mutex
	status Status

	offset atomic.Int64  // applied, for REPLCONF ACK
	synced chan struct{} // closed once a source accepted PSYNC
	once   sync.Once
}

// New checks the URL and returns a mirror of it into st; start it with Run.
func New(st *store.Store, opt Options) (*Mirror, error) {
	src, err := parseURL(opt.URL)
	if err != nil {
		return nil, err
	}
	if opt.AckEvery <= 0 {
		opt.AckEvery = AckEveryDefault
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	m := &Mirror{st: st, ks: keyspace.New(st), src: src, opt: opt, log: opt.Logger, synced: make(chan struct{})}
	m.status = Status{URL: src.public, State: StateConnecting}
	return m, nil
}

// Status returns a snapshot of the mirror's progress.
func (m *Mirror) Status() Status {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := m.status
	s.LagBytes = max(s.SourceOffset-s.Offset, 0)
	return s
}

func (m *Mirror) set(fn func(s *Status)) {
	m.mu.Lock()
	fn(&m.status)
	m.mu.Unlock()
}

// Run follows the source until ctx ends, reconnecting after a broken link
// with a growing pause. An error of the first connection (unreachable, not
// Redis, authentication, refused replication) is returned at once, before
// anything is written; later ones are logged and retried. It returns nil
// when ctx ends.
func (m *Mirror) Run(ctx context.Context) error {
	wait := time.Second
	for first := true; ; first = false {
		streamed, err := m.session(ctx)
		if ctx.Err() != nil {
			m.set(func(s *Status) { s.State = StateStopped })
			return nil
		}
		m.set(func(s *Status) { s.State, s.LastError = StateFailed, err.Error() })
		if first && !streamed {
			return err
		}
		m.log.Warn("mirror link broken", "url", m.src.public, "err", err, "retry_in", wait)
		if streamed {
			wait = time.Second
		}
		select {
		case <-ctx.Done():
			m.set(func(s *Status) { s.State = StateStopped })
			return nil
		case <-time.After(wait):
		}
		wait = min(wait*2, retryMax)
	}
}

// session runs one connection: handshake, sync, stream. streamed reports
// whether it got as far as the stream.
func (m *Mirror) session(ctx context.Context) (streamed bool, err error) {
	m.set(func(s *Status) { s.State = StateConnecting })
	l, err := dial(ctx, m.src)
	if err != nil {
		return false, err
	}
	defer l.c.Close()
	stop := context.AfterFunc(ctx, func() { l.c.Close() })
	defer stop()
	if err := l.handshake(m.src); err != nil {
		return false, err
	}
	db, err := m.sync(l)
	if err != nil {
		return false, err
	}
	m.set(func(s *Status) { s.State, s.LastError = StateStreaming, "" })
	return true, m.stream(ctx, l, db)
}

// sync resumes from the stored state or loads a full RDB, and returns the
// database the stream starts in.
func (m *Mirror) sync(l *link) (int, error) {
	var st keyspace.MirrorState
	var have bool
	if err := m.ks.View(func(tx *keyspace.Tx) error {
		var err error
		st, have, err = tx.MirrorState()
		return err
	}); err != nil {
		return 0, err
	}
	if !have || st.URL != m.src.public {
		st = keyspace.MirrorState{URL: m.src.public}
	}
	full, id, off, err := l.psync(st.ReplID, st.Offset)
	if err != nil {
		return 0, err
	}
	m.once.Do(func() { close(m.synced) })
	if full {
		return 0, m.fullSync(l, id, off)
	}
	st.ReplID = id
	if err := m.ks.UpdateNoExpiry(func(tx *keyspace.Tx) error { return tx.SetMirrorState(st) }); err != nil {
		return 0, err
	}
	m.offset.Store(st.Offset)
	m.set(func(s *Status) { s.ReplID, s.Offset, s.Continues = id, st.Offset, s.Continues+1 })
	m.log.Info("mirror resumed", "url", m.src.public, "replid", id, "offset", st.Offset, "db", st.DB)
	return st.DB, nil
}

// fullSync replaces the keyspace with the source's RDB. The state is cleared
// with the flush and written after the last key, so a crash in between
// leads to another full sync, never to a partial copy taken as whole.
func (m *Mirror) fullSync(l *link, id string, off int64) error {
	m.set(func(s *Status) { s.State, s.ReplID, s.Offset, s.FullSyncs = StateLoading, id, off, s.FullSyncs+1 })
	r, done, err := l.rdbReader()
	if err != nil {
		return err
	}
	if err := m.ks.UpdateNoExpiry(func(tx *keyspace.Tx) error {
		if err := tx.FlushAll(); err != nil {
			return err
		}
		return tx.ClearMirrorState()
	}); err != nil {
		return err
	}
	l.dr.timeout = streamTimeout
	ld := &loader{ks: m.ks, tap: l.tapRDB(r)}
	err = ld.load(r)
	l.dr.tap = nil
	if err != nil {
		return err
	}
	if err := done(); err != nil {
		return err
	}
	st := keyspace.MirrorState{URL: m.src.public, ReplID: id, Offset: off}
	if err := m.ks.UpdateNoExpiry(func(tx *keyspace.Tx) error { return tx.SetMirrorState(st) }); err != nil {
		return err
	}
	m.offset.Store(off)
	m.set(func(s *Status) { s.Skipped += ld.skipped })
	m.log.Info("mirror loaded", "url", m.src.public, "keys", ld.keys, "skipped", ld.skipped, "replid", id, "offset", off)
	return nil
}

// errStopped ends a stream whose context ended.
var errStopped = errors.New("mirror: stopped")
