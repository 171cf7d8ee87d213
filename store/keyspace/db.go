package keyspace

import (
	"encoding/binary"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/waqhq/waq/store"
)

func init() { store.RegisterBuckets(buckets...) }

// DB is what the keyspace needs of the message store (*store.Store): its
// group commit, its read transactions and its clock.
type DB interface {
	Update(fn func(*bolt.Tx) error) error
	View(fn func(*bolt.Tx) error) error
	Now() time.Time
}

// Keyspace opens transactions on the keyspace of one store's file. It holds
// no state of its own, so any number may share a store.
type Keyspace struct {
	db  DB
	lim atomic.Pointer[Limits]
}

// New returns the keyspace of db, with DefaultLimits.
func New(db DB) *Keyspace {
	ks := &Keyspace{db: db}
	ks.SetLimits(DefaultLimits)
	return ks
}

// SetLimits changes the thresholds of Redis's compact encodings that later
// transactions convert hashes and sets by (store/resp's CONFIG SET).
func (ks *Keyspace) SetLimits(l Limits) { ks.lim.Store(&l) }

func (ks *Keyspace) tx(tx *bolt.Tx, now int64) *Tx { return newTx(tx, now, *ks.lim.Load()) }

// Update runs fn in a write transaction shared with the other writers of the
// moment; it returns after the commit is on disk. fn may run more than once
// (when a neighbour in its batch fails), so it must reset what it reports. An
// error from fn rolls back fn's writes; store.ErrClosed after Close.
func (ks *Keyspace) Update(fn func(t *Tx) error) error {
	return ks.db.Update(func(tx *bolt.Tx) error { return fn(ks.tx(tx, ks.db.Now().UnixMilli())) })
}

// View runs fn in a read transaction. Expired keys read as missing.
func (ks *Keyspace) View(fn func(t *Tx) error) error {
	return ks.db.View(func(tx *bolt.Tx) error { return fn(ks.tx(tx, ks.db.Now().UnixMilli())) })
}

// UpdateNoExpiry is Update with a transaction whose clock never expires a
// key: a replica applies its source's stream as is, and the source sends a
// DEL when a key expires there. Relative TTLs (EXPIRE, SET EX) are therefore
// meaningless in fn; Redis 7 streams only absolute ones (PEXPIREAT, PXAT).
func (ks *Keyspace) UpdateNoExpiry(fn func(t *Tx) error) error {
	return ks.db.Update(func(tx *bolt.Tx) error { return fn(ks.tx(tx, 0)) })
}

// Sweep deletes up to limit keys whose TTL has passed, in one write, and
// returns how many it deleted; reads already treat them as missing, so this
// only frees space. store.ErrClosed after Close.
func (ks *Keyspace) Sweep(limit int) (int, error) {
	keys, err := ks.SweepKeys(limit)
	return len(keys), err
}

// NextExpiry returns the earliest TTL in Unix ms, or 0 when no key expires,
// so the sweeper can sleep until then.
func (ks *Keyspace) NextExpiry() (int64, error) {
	var at int64
	err := ks.db.View(func(tx *bolt.Tx) error {
		if k, _ := tx.Bucket(bucketExp).Cursor().First(); k != nil {
			at = int64(binary.BigEndian.Uint64(k))
		}
		return nil
	})
	return at, err
}
