package keyspace

import (
	"bytes"
	"encoding/binary"
)

// Expired is a key the sweeper deleted because its TTL had passed.
type Expired struct {
	DB  int
	Key []byte
}

// SweepKeys is Sweep returning the keys it deleted, for the RESP server's
// "expired" keyspace notifications. store.ErrClosed after Close.
func (ks *Keyspace) SweepKeys(limit int) ([]Expired, error) {
	var gone []Expired
	err := ks.Update(func(t *Tx) error {
		gone = gone[:0]
		c := t.exp.Cursor()
		var due [][]byte
		for k, _ := c.First(); k != nil && len(due) < limit; k, _ = c.Next() {
			if int64(binary.BigEndian.Uint64(k)) > t.now {
				break
			}
			due = append(due, bytes.Clone(k))
		}
		for _, k := range due {
			db, key := int(k[8]), k[9:]
			m := decodeMeta(t.meta.Get(metaKey(db, key)))
			expired := m != nil && m.ExpireAt != 0 && m.ExpireAt <= t.now
			if _, err := t.Meta(db, key); err != nil { // deletes the expired key
				return err
			}
			if err := t.exp.Delete(k); err != nil { // an entry that lost its key
				return err
			}
			if expired {
				gone = append(gone, Expired{db, key})
			}
		}
		return nil
	})
	return gone, err
}
