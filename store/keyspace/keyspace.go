package keyspace

import (
	"bytes"
	"encoding/binary"
	"errors"

	bolt "go.etcd.io/bbolt"
)

// The buckets, laid out as the package comment says.
var (
	bucketMeta = []byte("resp_meta")
	bucketSub  = []byte("resp_sub")
	bucketZIdx = []byte("resp_zidx")
	bucketExp  = []byte("resp_exp")
	bucketDBs  = []byte("resp_dbs")
)

var buckets = [][]byte{bucketMeta, bucketSub, bucketZIdx, bucketExp, bucketDBs}

// DBs is the number of logical databases, as Redis's default.
const DBs = 16

// MaxKeyLen bounds key and member lengths: bbolt keys are at most 32768
// bytes and a subkey holds both plus a few bytes of framing.
const MaxKeyLen = 16 << 10

// maxSubLen bounds a key plus a field or member, inside bbolt's key limit.
const maxSubLen = bolt.MaxKeySize - 64

// Type is the type of a keyspace value.
type Type byte

// The value types, named as TYPE replies them.
const (
	None Type = iota
	String
	Hash
	List
	Set
	ZSet
	Stream
)

func (t Type) String() string {
	return [...]string{"none", "string", "hash", "list", "set", "zset", "stream"}[t]
}

// ErrWrongType is returned by typed operations on a key of another type. Its
// text is Redis's reply.
var ErrWrongType = errors.New("WRONGTYPE Operation against a key holding the wrong kind of value")

// ErrKeyTooLong is returned by writes of keys, fields or members over MaxKeyLen.
var ErrKeyTooLong = errors.New("ERR key longer than 16384 bytes or key and member longer than 32704 bytes")

// CheckLen returns ErrKeyTooLong when key, or key with one of the fields or
// members, is over the limits, so that a command can refuse before it
// writes anything.
func CheckLen(key []byte, members ...[]byte) error {
	if len(key) > MaxKeyLen {
		return ErrKeyTooLong
	}
	for _, m := range members {
		if len(key)+len(m) > maxSubLen {
			return ErrKeyTooLong
		}
	}
	return nil
}

// Meta is a key's metadata record. Value is the string value and is valid
// only inside the transaction that read it.
type Meta struct {
	Type       Type
	ExpireAt   int64 // Unix ms; 0 when the key does not expire
	Size       int64 // elements of a collection
	Head, Tail uint64
	Value      []byte
}

const listMid = 1 << 63

func decodeMeta(v []byte) *Meta {
	if len(v) < 9 {
		return nil
	}
	m := &Meta{Type: Type(v[0]), ExpireAt: int64(binary.BigEndian.Uint64(v[1:9]))}
	if m.Type == String {
		m.Value = v[9:]
	} else if len(v) >= 33 {
		m.Size = int64(binary.BigEndian.Uint64(v[9:]))
		m.Head = binary.BigEndian.Uint64(v[17:])
		m.Tail = binary.BigEndian.Uint64(v[25:])
	}
	return m
}

func (m *Meta) encode() []byte {
	if m.Type == String {
		b := make([]byte, 9, 9+len(m.Value))
		b[0] = byte(m.Type)
		binary.BigEndian.PutUint64(b[1:], uint64(m.ExpireAt))
		return append(b, m.Value...)
	}
	b := make([]byte, 33)
	b[0] = byte(m.Type)
	binary.BigEndian.PutUint64(b[1:], uint64(m.ExpireAt))
	binary.BigEndian.PutUint64(b[9:], uint64(m.Size))
	binary.BigEndian.PutUint64(b[17:], m.Head)
	binary.BigEndian.PutUint64(b[25:], m.Tail)
	return b
}

func metaKey(db int, key []byte) []byte {
	return append([]byte{byte(db)}, key...)
}

// subPrefix is the prefix of every subkey of key; the length keeps the
// prefixes of "a" and "ab" apart.
func subPrefix(db int, key []byte, extra int) []byte {
	b := make([]byte, 5, 5+len(key)+extra)
	b[0] = byte(db)
	binary.BigEndian.PutUint32(b[1:], uint32(len(key)))
	return append(b, key...)
}

func expKey(at int64, db int, key []byte) []byte {
	b := make([]byte, 9, 9+len(key))
	binary.BigEndian.PutUint64(b, uint64(at))
	b[8] = byte(db)
	return append(b, key...)
}

// Tx runs keyspace operations inside one bbolt transaction; MULTI/EXEC and
// pipelines use one Tx for all their commands.
type Tx struct {
	tx                         *bolt.Tx
	now                        int64
	lim                        Limits
	meta, sub, zidx, exp, dbsb *bolt.Bucket
}

func newTx(tx *bolt.Tx, now int64, lim Limits) *Tx {
	return &Tx{tx: tx, now: now, lim: lim, meta: tx.Bucket(bucketMeta), sub: tx.Bucket(bucketSub),
		zidx: tx.Bucket(bucketZIdx), exp: tx.Bucket(bucketExp), dbsb: tx.Bucket(bucketDBs)}
}

// Now is the transaction's clock in Unix milliseconds: one instant for all
// its commands, as Redis uses one for a MULTI block.
func (t *Tx) Now() int64 { return t.now }

// Writable reports whether t may write.
func (t *Tx) Writable() bool { return t.tx.Writable() }

// Meta returns key's metadata, or nil when it is missing or expired. In a
// write transaction an expired key is deleted on the way.
func (t *Tx) Meta(db int, key []byte) (*Meta, error) {
	m := decodeMeta(t.meta.Get(metaKey(db, key)))
	if m == nil || m.ExpireAt == 0 || m.ExpireAt > t.now {
		return m, nil
	}
	if t.Writable() {
		if err := t.drop(db, key, m); err != nil {
			return nil, err
		}
	}
	return nil, nil
}

// typed returns key's metadata when it has type typ, nil when missing and
// ErrWrongType otherwise.
func (t *Tx) typed(db int, key []byte, typ Type) (*Meta, error) {
	m, err := t.Meta(db, key)
	if err != nil || m == nil {
		return nil, err
	}
	if m.Type != typ {
		return nil, ErrWrongType
	}
	return m, nil
}

// putMeta writes m for key, keeping the TTL index and the per-database
// counts right; old is what was there (nil for a new key).
func (t *Tx) putMeta(db int, key []byte, m, old *Meta) error {
	if len(key) > MaxKeyLen {
		return ErrKeyTooLong
	}
	dk, de := int64(0), int64(0)
	if old == nil {
		dk = 1
	}
	if old != nil && old.ExpireAt != m.ExpireAt && old.ExpireAt != 0 {
		de--
		if err := t.exp.Delete(expKey(old.ExpireAt, db, key)); err != nil {
			return err
		}
	}
	if m.ExpireAt != 0 && (old == nil || old.ExpireAt != m.ExpireAt) {
		de++
		if err := t.exp.Put(expKey(m.ExpireAt, db, key), nil); err != nil {
			return err
		}
	}
	if err := t.count(db, dk, de); err != nil {
		return err
	}
	return t.meta.Put(metaKey(db, key), m.encode())
}

// count adds to a database's key and expire counts.
func (t *Tx) count(db int, keys, expires int64) error {
	if keys == 0 && expires == 0 {
		return nil
	}
	k, e := t.Counts(db)
	b := make([]byte, 16)
	binary.BigEndian.PutUint64(b, uint64(k+keys))
	binary.BigEndian.PutUint64(b[8:], uint64(e+expires))
	return t.dbsb.Put([]byte{byte(db)}, b)
}

// Counts returns how many keys and how many keys with a TTL db holds,
// counting expired keys that the sweeper has not deleted yet, as Redis does.
func (t *Tx) Counts(db int) (keys, expires int64) {
	v := t.dbsb.Get([]byte{byte(db)})
	if len(v) != 16 {
		return 0, 0
	}
	return int64(binary.BigEndian.Uint64(v)), int64(binary.BigEndian.Uint64(v[8:]))
}

// drop deletes key, whose metadata is m, with its subkeys.
func (t *Tx) drop(db int, key []byte, m *Meta) error {
	if m.Type != String {
		p := subPrefix(db, key, 0)
		if err := deletePrefix(t.sub, p); err != nil {
			return err
		}
		if m.Type == ZSet {
			if err := deletePrefix(t.zidx, p); err != nil {
				return err
			}
		}
	}
	de := int64(0)
	if m.ExpireAt != 0 {
		de = -1
		if err := t.exp.Delete(expKey(m.ExpireAt, db, key)); err != nil {
			return err
		}
	}
	if err := t.count(db, -1, de); err != nil {
		return err
	}
	return t.meta.Delete(metaKey(db, key))
}

func deletePrefix(b *bolt.Bucket, p []byte) error {
	c := b.Cursor()
	for k, _ := c.Seek(p); k != nil && bytes.HasPrefix(k, p); k, _ = c.Seek(p) {
		if err := c.Delete(); err != nil {
			return err
		}
	}
	return nil
}

// Delete removes key and reports whether it existed.
func (t *Tx) Delete(db int, key []byte) (bool, error) {
	m, err := t.Meta(db, key)
	if err != nil || m == nil {
		return false, err
	}
	return true, t.drop(db, key, m)
}

// SetExpire sets key's expiry (Unix ms, 0 to persist) and reports whether
// the key exists. A time in the past deletes the key, as Redis does.
func (t *Tx) SetExpire(db int, key []byte, at int64) (bool, error) {
	m, err := t.Meta(db, key)
	if err != nil || m == nil {
		return false, err
	}
	if at != 0 && at <= t.now {
		return true, t.drop(db, key, m)
	}
	n := *m
	n.ExpireAt = at
	return true, t.putMeta(db, key, &n, m)
}
