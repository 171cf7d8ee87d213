package keyspace

import (
	"bytes"
	"encoding/binary"
)

// Len returns the number of elements of the collection at key (0 when
// missing), or ErrWrongType when key holds another type.
func (t *Tx) Len(db int, key []byte, typ Type) (int64, error) {
	m, err := t.typed(db, key, typ)
	if err != nil || m == nil {
		return 0, err
	}
	return m.Size, nil
}

// GetString returns the string at key, valid inside the transaction; false
// when missing; ErrWrongType for another type.
func (t *Tx) GetString(db int, key []byte) ([]byte, bool, error) {
	m, err := t.typed(db, key, String)
	if err != nil || m == nil {
		return nil, false, err
	}
	return m.Value, true, nil
}

// SetString stores val at key whatever key held. expireAt is Unix ms (0 for
// none) unless keepTTL keeps the key's current TTL. ErrKeyTooLong for a key
// over MaxKeyLen.
func (t *Tx) SetString(db int, key, val []byte, expireAt int64, keepTTL bool) error {
	old, err := t.Meta(db, key)
	if err != nil {
		return err
	}
	if keepTTL && old != nil {
		expireAt = old.ExpireAt
	}
	if old != nil && old.Type != String {
		if err := t.drop(db, key, old); err != nil {
			return err
		}
		old = nil
	}
	return t.putMeta(db, key, &Meta{Type: String, ExpireAt: expireAt, Value: val}, old)
}

// create returns key's metadata for a write of type typ, a new record when
// key is missing.
func (t *Tx) create(db int, key []byte, typ Type) (*Meta, *Meta, error) {
	old, err := t.typed(db, key, typ)
	if err != nil {
		return nil, nil, err
	}
	if old == nil {
		if typ == Hash || typ == Set {
			return &Meta{Type: typ, Head: encCompact}, nil, nil
		}
		return &Meta{Type: typ, Head: listMid, Tail: listMid}, nil, nil
	}
	n := *old
	return &n, old, nil
}

// resize writes m with its size changed by delta, deleting the key when it
// becomes empty, as Redis never keeps an empty collection.
func (t *Tx) resize(db int, key []byte, m, old *Meta, delta int64) error {
	m.Size += delta
	if m.Size <= 0 {
		if old == nil {
			return nil
		}
		return t.drop(db, key, old)
	}
	return t.putMeta(db, key, m, old)
}

func subKey(db int, key, sub []byte) []byte {
	return append(subPrefix(db, key, len(sub)), sub...)
}

// fieldGet reads a hash field or set member.
func (t *Tx) fieldGet(db int, key []byte, typ Type, field []byte) ([]byte, bool, error) {
	m, err := t.typed(db, key, typ)
	if err != nil || m == nil {
		return nil, false, err
	}
	v := t.sub.Get(subKey(db, key, field))
	if v != nil && m.Type == Hash && m.Head == encCompact {
		_, v = unseq(v)
	}
	return v, v != nil, nil
}

// fieldPut writes a hash field or set member and reports whether it is new.
func (t *Tx) fieldPut(db int, key []byte, typ Type, field, val []byte) (bool, error) {
	if len(key)+len(field) > maxSubLen || len(key) > MaxKeyLen {
		return false, ErrKeyTooLong
	}
	m, old, err := t.create(db, key, typ)
	if err != nil {
		return false, err
	}
	sk := subKey(db, key, field)
	var prev []byte
	if old != nil {
		prev = t.sub.Get(sk)
	}
	added := prev == nil
	if val == nil {
		val = []byte{}
	}
	val, err = t.encodePut(db, key, m, field, val, prev)
	if err != nil {
		return false, err
	}
	if err := t.sub.Put(sk, val); err != nil {
		return false, err
	}
	if !added {
		if m.Head != old.Head || m.Tail != old.Tail {
			return false, t.putMeta(db, key, m, old)
		}
		return false, nil
	}
	return true, t.resize(db, key, m, old, 1)
}

// fieldDel deletes a hash field or set member and reports whether it was there.
func (t *Tx) fieldDel(db int, key []byte, typ Type, field []byte) (bool, error) {
	m, err := t.typed(db, key, typ)
	if err != nil || m == nil {
		return false, err
	}
	sk := subKey(db, key, field)
	if t.sub.Get(sk) == nil {
		return false, nil
	}
	if err := t.sub.Delete(sk); err != nil {
		return false, err
	}
	n := *m
	return true, t.resize(db, key, &n, m, -1)
}

// fieldScan calls fn with the fields after the field after (nil: all) in
// byte order until fn returns false.
func (t *Tx) fieldScan(db int, key []byte, typ Type, after []byte, fn func(f, v []byte) bool) error {
	m, err := t.typed(db, key, typ)
	if err != nil || m == nil {
		return err
	}
	p := subPrefix(db, key, 0)
	c := t.sub.Cursor()
	start := append(bytes.Clone(p), after...)
	k, v := c.Seek(start)
	if after != nil && bytes.Equal(k, start) {
		k, v = c.Next()
	}
	seqd := m.Type == Hash && m.Head == encCompact
	for ; k != nil && bytes.HasPrefix(k, p); k, v = c.Next() {
		if seqd {
			_, v = unseq(v)
		}
		if !fn(k[len(p):], v) {
			return nil
		}
	}
	return nil
}

// HGet returns a hash field's value (valid inside the transaction).
func (t *Tx) HGet(db int, key, field []byte) ([]byte, bool, error) {
	return t.fieldGet(db, key, Hash, field)
}

// HSet sets a hash field and reports whether it is new; ErrWrongType.
func (t *Tx) HSet(db int, key, field, val []byte) (bool, error) {
	return t.fieldPut(db, key, Hash, field, val)
}

// HDel deletes a hash field and reports whether it existed; ErrWrongType.
func (t *Tx) HDel(db int, key, field []byte) (bool, error) {
	return t.fieldDel(db, key, Hash, field)
}

// HScan calls fn with the fields after after in byte order; ErrWrongType.
func (t *Tx) HScan(db int, key, after []byte, fn func(field, val []byte) bool) error {
	return t.fieldScan(db, key, Hash, after, fn)
}

// SIsMember reports whether member is in the set; ErrWrongType.
func (t *Tx) SIsMember(db int, key, member []byte) (bool, error) {
	_, ok, err := t.fieldGet(db, key, Set, member)
	return ok, err
}

// SAdd adds member and reports whether it is new; ErrWrongType.
func (t *Tx) SAdd(db int, key, member []byte) (bool, error) {
	return t.fieldPut(db, key, Set, member, nil)
}

// SRem removes member and reports whether it was there; ErrWrongType.
func (t *Tx) SRem(db int, key, member []byte) (bool, error) {
	return t.fieldDel(db, key, Set, member)
}

// SScan calls fn with the members after after in byte order; ErrWrongType.
func (t *Tx) SScan(db int, key, after []byte, fn func(member []byte) bool) error {
	return t.fieldScan(db, key, Set, after, func(f, _ []byte) bool { return fn(f) })
}

func u64(v uint64) []byte { return binary.BigEndian.AppendUint64(nil, v) }
