package keyspace

import (
	"bytes"

	bolt "go.etcd.io/bbolt"
)

// Scan calls fn with each live key of db after the key after (nil: from the
// start), in byte order, until fn returns false. The key is valid only
// inside fn's call.
func (t *Tx) Scan(db int, after []byte, fn func(key []byte, m *Meta) bool) {
	c := t.meta.Cursor()
	start := metaKey(db, after)
	k, v := c.Seek(start)
	if after != nil && k != nil && bytes.Equal(k, start) {
		k, v = c.Next()
	}
	for ; k != nil && k[0] == byte(db); k, v = c.Next() {
		m := decodeMeta(v)
		if m == nil || (m.ExpireAt != 0 && m.ExpireAt <= t.now) {
			continue
		}
		if !fn(k[1:], m) {
			return
		}
	}
}

// Rename moves src to dst, replacing dst, with its TTL. It reports false
// when src is missing; ErrKeyTooLong when dst is over MaxKeyLen.
func (t *Tx) Rename(db int, src, dst []byte) (bool, error) {
	if len(dst) > MaxKeyLen {
		return false, ErrKeyTooLong // before anything moved
	}
	m, err := t.Meta(db, src)
	if err != nil || m == nil {
		return false, err
	}
	if bytes.Equal(src, dst) {
		return true, nil
	}
	if _, err := t.Delete(db, dst); err != nil {
		return false, err
	}
	n := *m
	if m.Type == String {
		n.Value = bytes.Clone(m.Value)
	} else {
		if err := movePrefix(t.sub, subPrefix(db, src, 0), subPrefix(db, dst, 0)); err != nil {
			return false, err
		}
		if err := movePrefix(t.zidx, subPrefix(db, src, 0), subPrefix(db, dst, 0)); err != nil {
			return false, err
		}
	}
	if err := t.drop(db, src, m); err != nil {
		return false, err
	}
	return true, t.putMeta(db, dst, &n, nil)
}

// movePrefix rewrites every key starting with from to start with to.
func movePrefix(b *bolt.Bucket, from, to []byte) error {
	c := b.Cursor()
	for k, v := c.Seek(from); k != nil && bytes.HasPrefix(k, from); k, v = c.Seek(from) {
		nk := append(bytes.Clone(to), k[len(from):]...)
		nv := bytes.Clone(v)
		if err := c.Delete(); err != nil {
			return err
		}
		if len(nk) > bolt.MaxKeySize {
			return ErrKeyTooLong
		}
		if err := b.Put(nk, nv); err != nil {
			return err
		}
	}
	return nil
}

// FlushDB deletes every key of db.
func (t *Tx) FlushDB(db int) error {
	p := []byte{byte(db)}
	for _, b := range []*bolt.Bucket{t.meta, t.sub, t.zidx} {
		if err := deletePrefix(b, p); err != nil {
			return err
		}
	}
	var due [][]byte
	c := t.exp.Cursor()
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		if len(k) > 8 && k[8] == byte(db) {
			due = append(due, bytes.Clone(k))
		}
	}
	for _, k := range due {
		if err := t.exp.Delete(k); err != nil {
			return err
		}
	}
	return t.dbsb.Delete(p)
}

// FlushAll deletes every key of every database.
func (t *Tx) FlushAll() error {
	for _, name := range buckets {
		if err := t.tx.DeleteBucket(name); err != nil {
			return err
		}
		if _, err := t.tx.CreateBucket(name); err != nil {
			return err
		}
	}
	*t = *newTx(t.tx, t.now, t.lim)
	return nil
}

// Usage estimates the bytes key takes on disk: its records' keys and
// values, without bbolt's page overhead.
func (t *Tx) Usage(db int, key []byte) (int64, error) {
	m, err := t.Meta(db, key)
	if err != nil || m == nil {
		return 0, err
	}
	n := int64(len(key) + 1 + len(m.encode()))
	p := subPrefix(db, key, 0)
	for _, b := range []*bolt.Bucket{t.sub, t.zidx} {
		c := b.Cursor()
		for k, v := c.Seek(p); k != nil && bytes.HasPrefix(k, p); k, v = c.Next() {
			n += int64(len(k) + len(v))
		}
	}
	return n, nil
}
