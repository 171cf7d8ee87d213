package keyspace

import (
	"bytes"
	"slices"
	"strconv"

	bolt "go.etcd.io/bbolt"
)

// Redis 7.0 keeps a small hash as a listpack, whose fields come back in
// insertion order, and a small set of integers as an intset, whose members
// come back in ascending order; a hash or set that outgrows those becomes a
// hashtable for good (until it is deleted). waq stores every hash and set
// one way (resp_sub, in byte order) and keeps beside it the encoding Redis
// would have, so that replies come in Redis's order where Redis's order is
// knowable:
//
//	Meta.Head of a hash or set: encCompact (listpack, intset) or encBig
//	    (hashtable); encUnknown for one written before waq kept encodings,
//	    judged from its contents and fixed at its next write
//	Meta.Tail of a hash: the next insertion number
//	resp_ord db|u32(len key)|key|seq(8) -> field, for compact hashes only
//
// A hashtable's order is Redis's hash order, which cannot be reproduced:
// waq answers those in byte order.

// The values of Meta.Head for hashes and sets.
const (
	encUnknown uint64 = listMid
	encCompact uint64 = 1
	encBig     uint64 = 2
)

// bucketOrd holds the insertion order of compact hashes. It is made by the
// first write that needs it, so that "waq check" (read-only) does not report
// it missing in files written before it existed.
var bucketOrd = []byte("resp_ord")

// Limits are Redis's thresholds for its compact encodings: CONFIG SET
// hash-max-listpack-entries, hash-max-listpack-value and
// set-max-intset-entries.
type Limits struct {
	HashEntries, HashValue int64
	IntsetEntries          int64
}

// DefaultLimits are redis-server's defaults.
var DefaultLimits = Limits{HashEntries: 512, HashValue: 64, IntsetEntries: 512}

// maxIntset is Redis's own cap on set-max-intset-entries.
const maxIntset = 1 << 30

// IsInt reports whether b is an integer as Redis's string2ll reads one (no
// sign but '-', no leading zeros or spaces), which an intset can hold.
func IsInt(b []byte) bool {
	n, err := strconv.ParseInt(string(b), 10, 64)
	return err == nil && strconv.FormatInt(n, 10) == string(b)
}

func ordKey(db int, key []byte, seq uint64) []byte {
	return append(subPrefix(db, key, 8), u64(seq)...)
}

// ordW returns the order bucket, creating it.
func (t *Tx) ordW() (*bolt.Bucket, error) {
	if t.ord != nil {
		return t.ord, nil
	}
	b, err := t.tx.CreateBucketIfNotExists(bucketOrd)
	t.ord = b
	return b, err
}

// encodePut keeps m's encoding right for a write of field (val) that adds
// it or not, before the write, as Redis converts: a hash on a field or value
// longer than HashValue or on more than HashEntries fields, a set on a
// member that is not an integer or on more than IntsetEntries members.
func (t *Tx) encodePut(db int, key []byte, m *Meta, field, val []byte, added bool) error {
	if m.Type != Hash && m.Type != Set {
		return nil
	}
	if m.Head == encUnknown {
		if err := t.adopt(db, key, m); err != nil {
			return err
		}
	}
	if m.Head != encCompact {
		return nil
	}
	if m.Type == Set {
		if added && (!IsInt(field) || m.Size+1 > min(t.lim.IntsetEntries, maxIntset)) {
			m.Head = encBig
		}
		return nil
	}
	l := t.lim
	if int64(len(field)) > l.HashValue || int64(len(val)) > l.HashValue || (added && m.Size+1 > l.HashEntries) {
		return t.toBig(db, key, m)
	}
	if !added {
		return nil
	}
	ord, err := t.ordW()
	if err != nil {
		return err
	}
	m.Tail++
	return ord.Put(ordKey(db, key, m.Tail-1), bytes.Clone(field))
}

// encodeDel forgets field's place in a compact hash.
func (t *Tx) encodeDel(db int, key []byte, m *Meta, field []byte) error {
	if m.Type != Hash || m.Head != encCompact || t.ord == nil {
		return nil
	}
	p := subPrefix(db, key, 0)
	c := t.ord.Cursor()
	for k, f := c.Seek(p); k != nil && bytes.HasPrefix(k, p); k, f = c.Next() {
		if bytes.Equal(f, field) {
			return c.Delete()
		}
	}
	return nil
}

// toBig makes m a hashtable, dropping its order.
func (t *Tx) toBig(db int, key []byte, m *Meta) error {
	m.Head, m.Tail = encBig, 0
	if t.ord == nil {
		return nil
	}
	return deletePrefix(t.ord, subPrefix(db, key, 0))
}

// adopt fixes the encoding of a hash or set written before waq kept
// encodings, from its contents; a compact hash takes its fields' byte order
// as its insertion order.
func (t *Tx) adopt(db int, key []byte, m *Meta) error {
	compact, err := t.judge(db, key, m)
	if err != nil || !compact {
		m.Head = encBig
		return err
	}
	m.Head, m.Tail = encCompact, 0
	if m.Type != Hash {
		return nil
	}
	var fields [][]byte
	if err := t.fieldScan(db, key, Hash, nil, func(f, _ []byte) bool {
		fields = append(fields, bytes.Clone(f))
		return true
	}); err != nil {
		return err
	}
	ord, err := t.ordW()
	if err != nil {
		return err
	}
	for _, f := range fields {
		if err := ord.Put(ordKey(db, key, m.Tail), f); err != nil {
			return err
		}
		m.Tail++
	}
	return nil
}

// judge reports whether a hash or set with metadata m fits Redis's compact
// encoding as it is now (the limits of t).
func (t *Tx) judge(db int, key []byte, m *Meta) (bool, error) {
	l := t.lim
	if m.Type == Set {
		if m.Size > min(l.IntsetEntries, maxIntset) {
			return false, nil
		}
		ok := true
		err := t.fieldScan(db, key, Set, nil, func(f, _ []byte) bool { ok = IsInt(f); return ok })
		return ok, err
	}
	if m.Size > l.HashEntries {
		return false, nil
	}
	ok := true
	err := t.fieldScan(db, key, Hash, nil, func(f, v []byte) bool {
		ok = int64(len(f)) <= l.HashValue && int64(len(v)) <= l.HashValue
		return ok
	})
	return ok, err
}

// Compact reports whether the hash or set at key has Redis's compact
// encoding (listpack, intset); false for a missing key or another type.
func (t *Tx) Compact(db int, key []byte) (bool, error) {
	m, err := t.Meta(db, key)
	if err != nil || m == nil || (m.Type != Hash && m.Type != Set) {
		return false, err
	}
	if m.Head == encUnknown {
		return t.judge(db, key, m)
	}
	return m.Head == encCompact, nil
}

// Convert makes the hash or set at key a hashtable, as Redis's copy of a
// hashtable stays one; nothing for a missing key or another type.
func (t *Tx) Convert(db int, key []byte) error {
	return t.reencode(db, key, func(*Meta) (bool, error) { return false, nil })
}

// SReencode gives the set at key the encoding its contents have now, as a
// set Redis builds afresh (the members SPOP leaves) does.
func (t *Tx) SReencode(db int, key []byte) error {
	return t.reencode(db, key, func(m *Meta) (bool, error) { return m.Type == Set, nil })
}

func (t *Tx) reencode(db int, key []byte, judged func(*Meta) (bool, error)) error {
	old, err := t.Meta(db, key)
	if err != nil || old == nil || (old.Type != Hash && old.Type != Set) {
		return err
	}
	m := *old
	rejudge, err := judged(&m)
	if err != nil {
		return err
	}
	compact := false
	if rejudge {
		if compact, err = t.judge(db, key, &m); err != nil {
			return err
		}
	}
	if compact {
		m.Head = encCompact
	} else if err := t.toBig(db, key, &m); err != nil {
		return err
	}
	return t.putMeta(db, key, &m, old)
}

// HAll calls fn with every field of the hash at key in Redis's order until
// fn returns false: insertion order while it is a listpack, else byte
// order. The slices are valid inside fn's call. ErrWrongType.
func (t *Tx) HAll(db int, key []byte, fn func(field, val []byte) bool) error {
	m, err := t.typed(db, key, Hash)
	if err != nil || m == nil {
		return err
	}
	if m.Head != encCompact || t.ord == nil {
		return t.fieldScan(db, key, Hash, nil, fn)
	}
	p := subPrefix(db, key, 0)
	c := t.ord.Cursor()
	for k, f := c.Seek(p); k != nil && bytes.HasPrefix(k, p); k, f = c.Next() {
		if v := t.sub.Get(subKey(db, key, f)); v != nil && !fn(f, v) {
			return nil
		}
	}
	return nil
}

// SAll calls fn with every member of the set at key in Redis's order until
// fn returns false: ascending while it is an intset, else byte order.
// ErrWrongType.
func (t *Tx) SAll(db int, key []byte, fn func(member []byte) bool) error {
	if _, err := t.typed(db, key, Set); err != nil {
		return err
	}
	compact, err := t.Compact(db, key)
	if err != nil || !compact {
		return t.fieldScan(db, key, Set, nil, func(f, _ []byte) bool { return fn(f) })
	}
	var ns []int64
	err = t.fieldScan(db, key, Set, nil, func(f, _ []byte) bool {
		n, _ := strconv.ParseInt(string(f), 10, 64)
		ns = append(ns, n)
		return true
	})
	slices.Sort(ns)
	for _, n := range ns {
		if !fn(strconv.AppendInt(nil, n, 10)) {
			break
		}
	}
	return err
}

// SetLimits changes the thresholds t converts by, for the rest of t (a
// CONFIG SET in the middle of a pipeline).
func (t *Tx) SetLimits(l Limits) { t.lim = l }
