package keyspace

import "bytes"

// StreamCopy is every record of a stream, for COPY and MOVE.
type StreamCopy struct {
	recs     [][2][]byte // subkey suffix, value
	size     int64
	ExpireAt int64
}

// CopyStream reads the whole stream at key; nil when missing; ErrWrongType.
func (t *Tx) CopyStream(db int, key []byte) (*StreamCopy, error) {
	m, err := t.typed(db, key, Stream)
	if err != nil || m == nil {
		return nil, err
	}
	sc := &StreamCopy{size: m.Size, ExpireAt: m.ExpireAt}
	p := subPrefix(db, key, 0)
	c := t.sub.Cursor()
	for k, v := c.Seek(p); k != nil && bytes.HasPrefix(k, p); k, v = c.Next() {
		sc.recs = append(sc.recs, [2][]byte{bytes.Clone(k[len(p):]), bytes.Clone(v)})
	}
	return sc, nil
}

// PasteStream writes sc at key, which the caller emptied; ErrKeyTooLong.
func (t *Tx) PasteStream(db int, key []byte, sc *StreamCopy) error {
	if len(key) > MaxKeyLen {
		return ErrKeyTooLong
	}
	for _, r := range sc.recs {
		k := subKey(db, key, r[0])
		if len(k) > maxSubLen+64 {
			return ErrKeyTooLong
		}
		if err := t.sub.Put(k, r[1]); err != nil {
			return err
		}
	}
	return t.putMeta(db, key, &Meta{Type: Stream, Size: sc.size, ExpireAt: sc.ExpireAt}, nil)
}
