package keyspace

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"slices"
	"strconv"
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
//	resp_sub value of a listpack hash's field: its insertion number (8)
//	    then the value
//
// Reading a listpack in order sorts its fields (at most
// hash-max-listpack-entries) by number in memory; a write costs nothing
// more than before. A hashtable's order is Redis's hash order, which
// cannot be reproduced: waq answers those in byte order.

// The values of Meta.Head for hashes and sets.
const (
	encUnknown uint64 = listMid
	encCompact uint64 = 1
	encBig     uint64 = 2
)

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

// seq prefixes a listpack hash's value with its insertion number n.
func seq(n uint64, val []byte) []byte {
	return append(binary.BigEndian.AppendUint64(make([]byte, 0, 8+len(val)), n), val...)
}

// unseq splits a listpack hash's stored value.
func unseq(v []byte) (uint64, []byte) {
	if len(v) < 8 {
		return 0, v // never written so; read what is there
	}
	return binary.BigEndian.Uint64(v), v[8:]
}

// encodePut keeps m's encoding right for a write of field (val) to a hash
// or set whose stored value for field was prev (nil: a new field), as Redis
// converts before the write: a hash on a field or value longer than
// HashValue or on more than HashEntries fields, a set on a member that is
// not an integer or on more than IntsetEntries members. It returns the
// value to store.
func (t *Tx) encodePut(db int, key []byte, m *Meta, field, val, prev []byte) ([]byte, error) {
	if m.Type != Hash && m.Type != Set {
		return val, nil
	}
	added := prev == nil
	if m.Head == encUnknown {
		if err := t.adopt(db, key, m); err != nil {
			return nil, err
		}
		if !added {
			prev = t.sub.Get(subKey(db, key, field))
		}
	}
	if m.Head != encCompact {
		return val, nil
	}
	if m.Type == Set {
		if added && (!IsInt(field) || m.Size+1 > min(t.lim.IntsetEntries, maxIntset)) {
			m.Head = encBig
		}
		return val, nil
	}
	l := t.lim
	if int64(len(field)) > l.HashValue || int64(len(val)) > l.HashValue || (added && m.Size+1 > l.HashEntries) {
		return val, t.toBig(db, key, m)
	}
	if !added {
		n, _ := unseq(prev)
		return seq(n, val), nil
	}
	m.Tail++
	return seq(m.Tail-1, val), nil
}

// toBig makes m a hashtable: a hash's values lose their numbers.
func (t *Tx) toBig(db int, key []byte, m *Meta) error {
	was := m.Head
	m.Head, m.Tail = encBig, 0
	if m.Type != Hash || was != encCompact {
		return nil
	}
	return t.renumber(db, key, func(_ uint64, v []byte) []byte { _, v = unseq(v); return v })
}

// renumber rewrites every stored value of the hash at key with fn(i, v),
// i counting the fields in byte order.
func (t *Tx) renumber(db int, key []byte, fn func(i uint64, v []byte) []byte) error {
	var recs []kv
	p := subPrefix(db, key, 0)
	c := t.sub.Cursor()
	for k, v := c.Seek(p); k != nil && bytes.HasPrefix(k, p); k, v = c.Next() {
		recs = append(recs, kv{bytes.Clone(k), fn(uint64(len(recs)), bytes.Clone(v))})
	}
	for _, r := range recs { // after the scan: a cursor does not survive puts
		if err := t.sub.Put(r.k, r.v); err != nil {
			return err
		}
	}
	return nil
}

// adopt fixes the encoding of a hash or set written before waq kept
// encodings, from its contents; a listpack hash takes its fields' byte
// order as its insertion order.
func (t *Tx) adopt(db int, key []byte, m *Meta) error {
	compact, err := t.judge(db, key, m)
	if err != nil || !compact {
		m.Head, m.Tail = encBig, 0
		return err
	}
	m.Head, m.Tail = encCompact, 0
	if m.Type != Hash {
		return nil
	}
	m.Tail = uint64(m.Size)
	return t.renumber(db, key, seq)
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
	if m.Head != encCompact {
		return t.fieldScan(db, key, Hash, nil, fn)
	}
	type field struct {
		n    uint64
		f, v []byte
	}
	var fs []field
	p := subPrefix(db, key, 0)
	c := t.sub.Cursor()
	for k, v := c.Seek(p); k != nil && bytes.HasPrefix(k, p); k, v = c.Next() {
		n, val := unseq(v)
		fs = append(fs, field{n, k[len(p):], val})
	}
	slices.SortFunc(fs, func(a, b field) int { return cmp.Compare(a.n, b.n) })
	for _, f := range fs {
		if !fn(f.f, f.v) {
			break
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
