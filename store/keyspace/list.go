package keyspace

import "bytes"

// A list's elements sit at indexes Head..Tail-1 of its subkeys; pushes on
// the left decrement Head, so both ends are O(1) and LINDEX is one lookup.

func listKey(db int, key []byte, i uint64) []byte {
	return append(subPrefix(db, key, 8), u64(i)...)
}

// LPush adds val at the left (or right) end of the list at key, creating it,
// and returns the new length; ErrWrongType.
func (t *Tx) LPush(db int, key, val []byte, left bool) (int64, error) {
	if len(key) > MaxKeyLen {
		return 0, ErrKeyTooLong
	}
	m, old, err := t.create(db, key, List)
	if err != nil {
		return 0, err
	}
	var i uint64
	if left {
		m.Head--
		i = m.Head
	} else {
		i = m.Tail
		m.Tail++
	}
	if err := t.sub.Put(listKey(db, key, i), val); err != nil {
		return 0, err
	}
	if err := t.resize(db, key, m, old, 1); err != nil {
		return 0, err
	}
	return m.Size, nil
}

// LPop removes and returns (a copy of) the element at the left (or right)
// end; false when the list is missing; ErrWrongType.
func (t *Tx) LPop(db int, key []byte, left bool) ([]byte, bool, error) {
	old, err := t.typed(db, key, List)
	if err != nil || old == nil {
		return nil, false, err
	}
	m := *old
	var i uint64
	if left {
		i = m.Head
		m.Head++
	} else {
		m.Tail--
		i = m.Tail
	}
	k := listKey(db, key, i)
	v := bytes.Clone(t.sub.Get(k))
	if err := t.sub.Delete(k); err != nil {
		return nil, false, err
	}
	return v, true, t.resize(db, key, &m, old, -1)
}

// LIndex returns the element at 0-based index i (valid inside the
// transaction); false when out of range or missing; ErrWrongType.
func (t *Tx) LIndex(db int, key []byte, i int64) ([]byte, bool, error) {
	m, err := t.typed(db, key, List)
	if err != nil || m == nil || i < 0 || i >= m.Size {
		return nil, false, err
	}
	v := t.sub.Get(listKey(db, key, m.Head+uint64(i)))
	return v, v != nil, nil
}

// LSet replaces the element at 0-based index i and reports false when i is
// out of range or the list is missing; ErrWrongType.
func (t *Tx) LSet(db int, key []byte, i int64, val []byte) (bool, error) {
	m, err := t.typed(db, key, List)
	if err != nil || m == nil || i < 0 || i >= m.Size {
		return false, err
	}
	return true, t.sub.Put(listKey(db, key, m.Head+uint64(i)), val)
}

// LRange calls fn with the elements from start to stop (0-based, inclusive,
// already clamped by the caller) until fn returns false; ErrWrongType.
func (t *Tx) LRange(db int, key []byte, start, stop int64, fn func(v []byte) bool) error {
	m, err := t.typed(db, key, List)
	if err != nil || m == nil || start > stop || start >= m.Size {
		return err
	}
	c := t.sub.Cursor()
	p := subPrefix(db, key, 0)
	n := stop - start + 1
	for k, v := c.Seek(listKey(db, key, m.Head+uint64(start))); k != nil && n > 0 && bytes.HasPrefix(k, p); k, v = c.Next() {
		if !fn(v) {
			return nil
		}
		n--
	}
	return nil
}

// LReplace rewrites the list at key with vals, keeping its TTL; an empty
// vals deletes it. It is how LINSERT, LREM and LTRIM change the middle of a
// list. ErrWrongType.
func (t *Tx) LReplace(db int, key []byte, vals [][]byte) error {
	old, err := t.typed(db, key, List)
	if err != nil {
		return err
	}
	if old != nil {
		if len(vals) == 0 {
			return t.drop(db, key, old)
		}
		if err := deletePrefix(t.sub, subPrefix(db, key, 0)); err != nil {
			return err
		}
	}
	m := &Meta{Type: List, Head: listMid, Tail: listMid + uint64(len(vals)), Size: int64(len(vals))}
	if old != nil {
		m.ExpireAt = old.ExpireAt
	}
	for i, v := range vals {
		if err := t.sub.Put(listKey(db, key, listMid+uint64(i)), v); err != nil {
			return err
		}
	}
	if len(vals) == 0 {
		return nil
	}
	return t.putMeta(db, key, m, old)
}
