package mirror

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/waqhq/waq/store"
	"github.com/waqhq/waq/store/importer"
	"github.com/waqhq/waq/store/keyspace"
)

// ErrRunning: a mirror already runs; stop it first.
var ErrRunning = errors.New("mirror: a mirror is already running; stop it first")

// startWait bounds how long Start waits for the first sync to begin.
const startWait = 30 * time.Second

// Manager runs at most one mirror in the background of waq serve, for the
// admin API, and makes cutover mirror-aware. It embeds the importer, so it
// can stand for it (ui.Options.Importer): Import is the importer's, Cutover
// is this one's.
type Manager struct {
	*importer.Importer
	st  *store.Store
	log *slog.Logger

	mu     sync.Mutex
	cur    *Mirror
	cancel context.CancelFunc
	done   chan struct{}
}

// NewManager returns a manager of mirrors into st; log may be nil.
func NewManager(st *store.Store, log *slog.Logger) *Manager {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Manager{Importer: importer.New(st), st: st, log: log}
}

// Start begins following url in the background and returns once the first
// sync began (the source accepted the replica), or with the first
// connection's error (ErrNotRedis, ErrAuth, ErrRefused, a dial error),
// having changed nothing. ErrRunning while a mirror runs.
func (g *Manager) Start(url string) (Status, error) {
	m, err := New(g.st, Options{URL: url, Logger: g.log})
	if err != nil {
		return Status{}, err
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.cur != nil && g.running() {
		return Status{}, ErrRunning
	}
	ctx, cancel := context.WithCancel(context.Background())
	done, failed := make(chan struct{}), make(chan error, 1)
	go func() {
		defer close(done)
		if err := m.Run(ctx); err != nil {
			failed <- err
		}
	}()
	select {
	case <-m.synced:
	case err := <-failed:
		cancel()
		return m.Status(), err
	case <-time.After(startWait):
	}
	g.cur, g.cancel, g.done = m, cancel, done
	g.log.Info("mirror started", "url", m.src.public)
	return m.Status(), nil
}

// running reports whether the current mirror's Run has not returned.
func (g *Manager) running() bool {
	select {
	case <-g.done:
		return false
	default:
		return true
	}
}

// Status returns the current (or last) mirror's status with its key count;
// false when none ran since the server started.
func (g *Manager) Status() (Status, int64, bool) {
	g.mu.Lock()
	m := g.cur
	g.mu.Unlock()
	if m == nil {
		return Status{}, 0, false
	}
	keys, _ := m.Keys()
	return m.Status(), keys, true
}

// Stop stops the running mirror and waits for it; false when none ran.
// The stored state stays, so the next Start of the same URL resumes.
func (g *Manager) Stop() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.cur == nil || !g.running() {
		return false
	}
	g.cancel()
	<-g.done
	return true
}

// Cutover stops a running mirror, translates the BullMQ jobs of the
// mirrored keyspace into held messages (when a mirror ran), then releases
// the held messages as the importer's Cutover does.
func (g *Manager) Cutover(ctx context.Context) (int, error) {
	g.Stop()
	if _, err := Translate(ctx, g.st, g.Importer, importer.PrefixDefault, importer.DefaultMapping()); err != nil {
		return 0, err
	}
	return g.Importer.Cutover(ctx)
}

// Translate turns the BullMQ jobs of every database of a mirrored keyspace
// into held messages with the importer's translation (idempotency keys
// bullmq:<queue>:<jobId>, so nothing is translated twice), then forgets the
// mirror state, since the keyspace is no longer a replica. It does nothing
// and returns nil when no mirror ran. Stop the mirror first.
func Translate(ctx context.Context, st *store.Store, im *importer.Importer, prefix string, mp importer.Mapping) (*importer.Result, error) {
	var have bool
	if err := keyspace.New(st).View(func(tx *keyspace.Tx) (err error) {
		_, have, err = tx.MirrorState()
		return err
	}); err != nil || !have {
		return nil, err
	}
	res := &importer.Result{}
	for db := range keyspace.DBs {
		if err := im.Translate(ctx, db, prefix, mp, res); err != nil {
			return res, fmt.Errorf("mirror: translate db %d: %w", db, err)
		}
	}
	return res, keyspace.New(st).Update(func(tx *keyspace.Tx) error { return tx.ClearMirrorState() })
}
